/**
 * Signature verification with node:crypto, synchronously, for certificates, CMS signer infos and
 * timestamp tokens: RSA PKCS#1 v1.5, RSASSA-PSS with its parameters, ECDSA (DER signature values) on
 * P-256, P-384 and P-521, with SHA-1, SHA-256, SHA-384 or SHA-512.
 *
 * The algorithms and key checks are the ones the verifier accepted through pkijs and WebCrypto before
 * (so no verdict changes): the same hashes (no SHA-224, no MD5), rsaEncryption as a signature
 * algorithm only where the CMS digest algorithm names the hash (RFC 5652 §5.3 / RFC 3370), an RSA
 * key (rsaEncryption) for RSA schemes, a named-curve EC key for ECDSA, the PSS hash and salt length
 * from the parameters (defaults SHA-1 and 20, RFC 4055), MGF1 with that same hash.
 */
import { createPublicKey, constants, verify, type KeyObject } from 'node:crypto';
import {
  algorithmOf,
  children,
  DerError,
  integerBytes,
  memoByBytes,
  oidOf,
  readDer,
  sequenceOf,
  smallInteger,
  context,
  type AlgorithmIdentifier,
} from './der.js';

const HASH_OF_OID: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const RSA_PKCS1: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};
const ECDSA: Readonly<Record<string, string>> = {
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const RSASSA_PSS = '1.2.840.113549.1.1.10';
/** Named curves by OpenSSL's name (KeyObject.asymmetricKeyDetails.namedCurve). */
const CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** Node's name for a digest algorithm OID (SHA-1, -256, -384, -512), or undefined. */
export const digestName = (oid: string): string | undefined => HASH_OF_OID[oid];

/** An unsupported algorithm or an unusable key: the signature cannot verify (callers report the message). */
export class SignatureAlgorithmError extends Error {}

interface Scheme {
  hash: string;
  kind: 'rsa' | 'pss' | 'ecdsa';
  saltLength?: number;
}

/** RSASSA-PSS-params (RFC 4055 §3.1): the hash and the salt length; MGF1 and the trailer are those WebCrypto uses. */
function pssScheme(params: AlgorithmIdentifier['params']): Scheme {
  let hash = 'sha1';
  let saltLength = 20;
  for (const part of sequenceOf(params, 'the RSASSA-PSS parameters')) {
    const [inner, ...rest] = children(part);
    if (rest.length > 0) throw new DerError('an RSASSA-PSS parameter holds more than one value');
    if (part.tag === context(0, true)) {
      const name = digestName(algorithmOf(inner, 'the PSS hash algorithm').oid);
      if (!name) throw new SignatureAlgorithmError(`Unsupported signature algorithm: ${RSASSA_PSS}`);
      hash = name;
    } else if (part.tag === context(2, true)) saltLength = smallInteger(inner, 'the PSS salt length');
    else if (part.tag !== context(1, true) && part.tag !== context(3, true)) throw new DerError('an RSASSA-PSS parameter with an unknown tag');
  }
  return { hash, kind: 'pss', saltLength };
}

function schemeOf(algorithm: AlgorithmIdentifier, cmsDigest: string | undefined): Scheme {
  const { oid } = algorithm;
  if (oid === RSA_ENCRYPTION && cmsDigest) return { hash: cmsDigest, kind: 'rsa' };
  if (RSA_PKCS1[oid]) return { hash: RSA_PKCS1[oid], kind: 'rsa' };
  if (ECDSA[oid]) return { hash: ECDSA[oid], kind: 'ecdsa' };
  if (oid === RSASSA_PSS) {
    try {
      return pssScheme(algorithm.params);
    } catch (cause) {
      if (cause instanceof SignatureAlgorithmError) throw cause;
      throw new SignatureAlgorithmError(`Unsupported signature algorithm: ${oid} (${cause instanceof Error ? cause.message : String(cause)})`);
    }
  }
  throw new SignatureAlgorithmError(`Unsupported signature algorithm: ${oid}`);
}

/** A DER SubjectPublicKeyInfo read once (OpenSSL's decoder is the slow part of a signature check). */
const publicKey = memoByBytes(256, (spki: Uint8Array): { keyAlgorithm: AlgorithmIdentifier; key: KeyObject } | { error: string } => {
  const [algorithm] = sequenceOf(readDer(spki), 'the subjectPublicKeyInfo');
  const keyAlgorithm = algorithmOf(algorithm, "the public key's algorithm");
  try {
    return { keyAlgorithm, key: createPublicKey({ key: Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength), format: 'der', type: 'spki' }) };
  } catch (cause) {
    return { error: `the public key cannot be read (${cause instanceof Error ? cause.message : String(cause)})` };
  }
});

/** The key of a DER SubjectPublicKeyInfo, checked against the scheme (as WebCrypto's importKey checks it). */
function keyFor(spki: Uint8Array, scheme: Scheme): KeyObject {
  const read = publicKey(spki);
  if ('error' in read) throw new SignatureAlgorithmError(read.error);
  const { keyAlgorithm, key } = read;
  if (scheme.kind === 'ecdsa') {
    if (keyAlgorithm.params?.tag !== 0x06) throw new SignatureAlgorithmError('Incorrect type for ECDSA public key parameters');
    oidOf(keyAlgorithm.params, 'the named curve');
    if (key.asymmetricKeyType !== 'ec' || !CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? ''))
      throw new SignatureAlgorithmError('Unsupported named curve in use');
  } else if (key.asymmetricKeyType !== 'rsa') throw new SignatureAlgorithmError('the public key is not an RSA key');
  return key;
}

/**
 * Whether `signature` over `data` verifies under the key of `spki` with `algorithm` (`cmsDigest`: the
 * CMS digest algorithm's node name, for a SignerInfo whose signature algorithm is rsaEncryption).
 * Throws SignatureAlgorithmError for an algorithm or key it does not support.
 */
export function verifySignature(algorithm: AlgorithmIdentifier, spki: Uint8Array, data: Uint8Array, signature: Uint8Array, cmsDigest?: string): boolean {
  let scheme = schemeOf(algorithm, cmsDigest);
  // rsaEncryption in a SignerInfo names no scheme of its own: the key's type decides (as pkijs did).
  if (algorithm.oid === RSA_ENCRYPTION && cmsDigest) {
    const read = publicKey(spki);
    if (!('error' in read) && read.key.asymmetricKeyType === 'ec') scheme = { hash: cmsDigest, kind: 'ecdsa' };
  }
  const key = keyFor(spki, scheme);
  if (scheme.kind === 'ecdsa') {
    // One DER Ecdsa-Sig-Value (SEQUENCE of two INTEGERs), nothing else (OpenSSL checks the same).
    const parts = sequenceOf(readDer(signature), 'the ECDSA signature');
    if (parts.length !== 2) return false;
    parts.forEach((part, i) => integerBytes(part, `ECDSA ${i === 0 ? 'r' : 's'}`));
  }
  const options =
    scheme.kind === 'ecdsa'
      ? { key, dsaEncoding: 'der' as const }
      : scheme.kind === 'pss'
        ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength! }
        : { key, padding: constants.RSA_PKCS1_PADDING };
  try {
    return verify(scheme.hash, data, options, signature);
  } catch {
    // OpenSSL refusing the value (a wrong length, an integer out of range) is a signature that does not verify.
    return false;
  }
}

/** Certificate signatures already checked in this process: issuer key, algorithm, signed bytes, signature value. */
const verdicts = new Map<string, boolean>();
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** verifySignature, false for an unsupported algorithm or unusable key (a certificate's signature: it simply does not verify). */
export function signatureHolds(algorithm: AlgorithmIdentifier, spki: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  // Lengths first: the parts cannot run into each other.
  const key = [spki, algorithm.der, data, signature].map((part) => `${part.length}:${latin1(part)}`).join('');
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    try {
      verdict = verifySignature(algorithm, spki, data, signature);
    } catch {
      verdict = false;
    }
    if (verdicts.size >= 1024) verdicts.clear();
    verdicts.set(key, verdict);
  }
  return verdict;
}
