/**
 * Reading an RFC 3161 TimeStampToken on the verification path (der.ts, no pkijs): its TSTInfo, and
 * whether its imprint is the hash of a given signature value.
 */
import { createHash } from 'node:crypto';
import { readSignedData, readTstInfo, type TstInfoFields } from './cms-reader.js';

export const TST_INFO_OID = '1.2.840.113549.1.9.16.1.4';

/**
 * The imprint algorithms a token may use: ours asks for SHA-256, other RFC 3161 clients (a foreign
 * signer, `openssl ts -query -sha384`) for SHA-384 or SHA-512. SHA-1 and MD5 are not accepted: a
 * collision would let one token cover two signatures.
 */
const IMPRINT_HASHES: Readonly<Record<string, string>> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** The TSTInfo of a TimeStampToken (throws a plain Error for the caller to wrap with its context). */
export function tokenTstInfo(token: Uint8Array): TstInfoFields {
  const signedData = readSignedData(token);
  if (signedData.eContentType !== TST_INFO_OID) throw new Error(`the token content is ${signedData.eContentType}, not TSTInfo`);
  if (!signedData.eContent) throw new Error('the token has no TSTInfo');
  return readTstInfo(signedData.eContent);
}

/** Whether a token's imprint is the hash of `signature` (SHA-256, -384 or -512): the check that ties a token to one signature. */
export function tokenCovers(token: Uint8Array, signature: Uint8Array): boolean {
  const info = tokenTstInfo(token);
  const hash = IMPRINT_HASHES[info.imprintAlgorithm];
  return hash !== undefined && createHash(hash).update(signature).digest().equals(info.hashedMessage);
}
