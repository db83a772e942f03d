/**
 * Signing identities: a private key and its certificate chain, read from PEM files or a PKCS#12
 * file (notes/signing.md §1). Bytes and text in, a normalised identity out: the app layer reads
 * the files and the passphrase's environment variable.
 *
 * The key is turned into an unencrypted PKCS#8 PEM held in memory only (what the CMS signer and the
 * Sigstore signer take); it never reaches an error message, a log line or an output file.
 */
import { createHash, createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';
import { InfracastError } from '../errors.js';
import { exactArrayBuffer } from './bytes.js';
import { assertSigningKeyType, cryptoEngine } from './cms.js';

export interface SigningIdentity {
  /** PKCS#8 PEM, unencrypted, in memory only. */
  keyPem: string;
  /** PEM certificates, the signer's first, then its issuers in order. */
  chainPem: string;
  /** The signer certificate's e-mail addresses (SAN rfc822Name, then subject emailAddress). */
  emails: string[];
  commonName?: string;
  /** sha256 of the signer certificate (DER), hex: changes when the certificate does (re-sign). */
  certificateSha256: string;
  /** sha256 of the public key (SPKI DER), hex: the Sigstore key hint. */
  keyId: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function keyFromPem(pem: string, passphrase: string | undefined): KeyObject {
  try {
    return createPrivateKey({ key: pem, format: 'pem', ...(passphrase !== undefined ? { passphrase } : {}) });
  } catch {
    // Node's message may quote a line of the input: never pass it on.
    // With a passphrase given, any failure to open an encrypted key is that passphrase's: a wrong
    // one decrypts to garbage with valid padding about once in 256 tries, and OpenSSL then reports
    // an ASN.1 error rather than "bad decrypt" (the message must not say no passphrase was given).
    const encrypted = /ENCRYPTED/.test(pem);
    throw new InfracastError(
      'SIGNING_KEY_INVALID',
      encrypted
        ? passphrase !== undefined
          ? 'The signing key is encrypted and the passphrase does not open it.'
          : 'The signing key is encrypted and no passphrase was given.'
        : 'The signing key is not a readable PEM private key.',
      {
        hints: encrypted
          ? ['Set signing.passphrase_env to the name of an environment variable holding the passphrase, and set that variable.']
          : ['Use an RSA or EC P-256 key in PEM ("BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY" or "BEGIN EC PRIVATE KEY").'],
      },
    );
  }
}

/** Orders the certificates leaf first (the one whose public key is the key's), then each issuer; unrelated ones are dropped. */
function orderChain(certs: X509Certificate[], key: KeyObject): X509Certificate[] {
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const leaf = certs.find((c) => Buffer.from(c.publicKey.export({ type: 'spki', format: 'der' })).equals(spki));
  if (!leaf)
    throw new InfracastError('SIGNING_KEY_INVALID', 'None of the signing certificates belongs to the signing key.', {
      hints: ['signing.certificate must be the certificate issued for signing.key (check with `openssl x509 -noout -pubkey` on both).'],
    });
  const chain = [leaf];
  for (;;) {
    const last = chain[chain.length - 1]!;
    if (last.issuer === last.subject) break;
    const issuer = certs.find((c) => !chain.includes(c) && last.checkIssued(c) && last.verify(c.publicKey));
    if (!issuer) break;
    chain.push(issuer);
  }
  return chain;
}

function identityOf(key: KeyObject, certs: X509Certificate[]): SigningIdentity {
  assertSigningKeyType(key);
  if (certs.length === 0)
    throw new InfracastError('SIGNING_CHAIN_INVALID', 'No signing certificate was given.', {
      hints: ['Set signing.certificate to the PEM certificate of the key (and signing.chain to its issuing CA certificates).'],
    });
  const chain = orderChain(certs, key);
  const leaf = chain[0]!;
  const emails = [
    ...(leaf.subjectAltName ?? '')
      .split(/,\s*/)
      .filter((n) => n.startsWith('email:'))
      .map((n) => n.slice('email:'.length)),
    ...leaf.subject
      .split('\n')
      .filter((l) => l.startsWith('emailAddress='))
      .map((l) => l.slice('emailAddress='.length)),
  ];
  const commonName = leaf.subject
    .split('\n')
    .find((l) => l.startsWith('CN='))
    ?.slice(3);
  return {
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    chainPem: chain.map((c) => c.toString()).join(''),
    emails: [...new Set(emails.map((e) => e.toLowerCase()))],
    ...(commonName ? { commonName } : {}),
    certificateSha256: createHash('sha256').update(leaf.raw).digest('hex'),
    keyId: createHash('sha256')
      .update(createPublicKey(key).export({ type: 'spki', format: 'der' }))
      .digest('hex'),
  };
}

function certificatesOf(pem: string, source: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERT) ?? [];
  if (blocks.length === 0)
    throw new InfracastError('SIGNING_CHAIN_INVALID', `${source} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`, {
      hints: ['Give the PEM certificate of the signing key; convert a DER one with `openssl x509 -inform DER -in cert.der -out cert.pem`.'],
    });
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw new InfracastError('SIGNING_CHAIN_INVALID', `Certificate ${i + 1} of ${source} is not a valid X.509 certificate.`);
    }
  });
}

/** A PEM private key plus PEM certificates (the signer's and its issuers', in any order, from one or more files). */
export function identityFromPem(input: { key: string; certificates: { pem: string; source: string }[]; passphrase?: string }): SigningIdentity {
  const key = keyFromPem(input.key, input.passphrase);
  return identityOf(
    key,
    input.certificates.flatMap((c) => certificatesOf(c.pem, c.source)),
  );
}

const BAG = { keyBag: '1.2.840.113549.1.12.10.1.1', shroudedKeyBag: '1.2.840.113549.1.12.10.1.2', certBag: '1.2.840.113549.1.12.10.1.3' };

/**
 * A PKCS#12 file (key + chain) opened with its passphrase, with pkijs: the PBES2/AES files OpenSSL 3
 * and current keystores write. Files with the legacy RC2/3DES ciphers are refused with the command
 * that converts them.
 */
export async function identityFromPkcs12(der: Uint8Array, passphrase: string, source: string): Promise<SigningIdentity> {
  // PFX decryption takes no engine argument: it uses pkijs's global one.
  pkijs.setEngine('node-webcrypto', cryptoEngine());
  const password = new TextEncoder().encode(passphrase).buffer as ArrayBuffer;
  const keys: Uint8Array[] = [];
  const certs: X509Certificate[] = [];
  try {
    const pfx = pkijs.PFX.fromBER(exactArrayBuffer(der));
    await pfx.parseInternalValues({ password, checkIntegrity: true });
    const safe = pfx.parsedValue?.authenticatedSafe;
    if (!safe) throw new Error('no authenticated safe');
    await safe.parseInternalValues({ safeContents: safe.safeContents.map(() => ({ password })) });
    for (const contents of safe.parsedValue?.safeContents ?? []) {
      for (const bag of contents.value.safeBags) {
        if (bag.bagId === BAG.shroudedKeyBag) {
          const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
          // pkijs declares this decryption step protected, yet nothing public performs it for a bag.
          await (shrouded as unknown as { parseInternalValues(p: { password: ArrayBuffer }): Promise<void> }).parseInternalValues({ password });
          keys.push(new Uint8Array(shrouded.parsedValue!.toSchema().toBER()));
        } else if (bag.bagId === BAG.keyBag) keys.push(new Uint8Array((bag.bagValue as pkijs.PrivateKeyInfo).toSchema().toBER()));
        else if (bag.bagId === BAG.certBag) {
          const cert = (bag.bagValue as pkijs.CertBag).parsedValue;
          if (cert instanceof pkijs.Certificate) certs.push(new X509Certificate(Buffer.from(cert.toSchema().toBER())));
        }
      }
    }
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const legacy = /contentEncryptionAlgorithm|1\.2\.840\.113549\.1\.12\.1\./.test(message);
    throw new InfracastError(
      'SIGNING_KEY_INVALID',
      legacy
        ? `${source} uses a legacy PKCS#12 cipher (RC2/3DES) that Infracast does not open.`
        : /Integrity/i.test(message)
          ? `${source}: the passphrase does not open this PKCS#12 file.`
          : `${source} is not a readable PKCS#12 file.`,
      {
        hints: legacy
          ? [`Re-export it with AES: openssl pkcs12 -in ${source} -legacy -nodes | openssl pkcs12 -export -out signing.p12`]
          : ['Check signing.passphrase_env names the variable that holds the passphrase, and that the file is a .p12/.pfx.'],
      },
    );
  }
  if (keys.length !== 1)
    throw new InfracastError('SIGNING_KEY_INVALID', `${source} holds ${keys.length} private keys; exactly one is needed.`, {
      hints: ['Export the signing key alone with its certificate chain.'],
    });
  const key = createPrivateKey({ key: Buffer.from(keys[0]!), format: 'der', type: 'pkcs8' });
  return identityOf(key, certs);
}

/**
 * Why the signer certificate cannot sign at `at` (expired, or not yet valid), in words for an error
 * or a warning; undefined when it is within its validity.
 */
export function validityProblem(identity: SigningIdentity, at: Date): string | undefined {
  const leaf = new X509Certificate(identity.chainPem.match(PEM_CERT)![0]!);
  const [from, to] = [new Date(leaf.validFrom), new Date(leaf.validTo)];
  const day = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (at > to) return `expired on ${day(to)}`;
  if (at < from) return `is not valid before ${day(from)}`;
  return undefined;
}

/** The configured signer e-mail must be one of the certificate's: a report must not claim a signer its certificate does not name. */
export function checkSigner(identity: SigningIdentity, signer: string | undefined): void {
  if (signer === undefined) return;
  if (identity.emails.includes(signer.toLowerCase())) return;
  throw new InfracastError(
    'SIGNER_MISMATCH',
    `The signer ${signer} is not named by the signing certificate (${identity.emails.length > 0 ? `its e-mail: ${identity.emails.join(', ')}` : 'it has no e-mail address'}).`,
    { hints: ["Set options.signer (or signing.signer) to the certificate's e-mail, or use a certificate issued to that address."] },
  );
}
