/**
 * CAdES detached signatures (CMS SignedData) with pkijs over Node's WebCrypto.
 *
 * The shape follows what PAdES baseline B-B / B-T and `openssl cms -verify` expect
 * (notes/signing.md §1 and §4): sha256, signed attributes contentType, messageDigest and
 * signingCertificateV2 (RFC 5035); signingTime only when asked (a `.p7s`: CAdES baseline, ETSI EN
 * 319 122-1, requires it; never in a PDF: ETSI EN 319 142-1 forbids it for PAdES, whose claimed time is
 * the /M entry), the whole chain in `certificates`, and an optional RFC 3161 token
 * as the unsigned attribute id-aa-signatureTimeStampToken over the signature value.
 *
 * pkijs is imported here only: DESIGN.md keeps it off the start-up path, so app/ loads this module lazily.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, type webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { InfracastError } from '../errors.js';
import { tokenCovers } from './tsa.js';
import { exactArrayBuffer } from './bytes.js';
import { OID } from './cms-oids.js';

export { OID };

export interface SignDetachedInput {
  /** The exact bytes being signed (not embedded in the CMS: detached). */
  data: Uint8Array;
  /** PEM private key: RSA or EC P-256, PKCS#8, PKCS#1 or SEC1, unencrypted. Never echoed in errors. */
  key: string;
  /** PEM certificates, the signer's (leaf) first, then its issuers. */
  chain: string;
  /** An RFC 3161 TimeStampToken (DER ContentInfo) over sha256 of this signature's value; see {@link signatureValue}. */
  timestampToken?: Uint8Array;
  /**
   * The time the signer claims, as the CMS signingTime attribute: CAdES baseline (a `.p7s`) requires
   * it; PAdES forbids it (a PDF's claimed time is its /M), so the PDF signer leaves it out.
   */
  signingTime?: Date;
}

/** One crypto engine for pkijs, over Node's own WebCrypto (no polyfill, no second implementation). */
let engine: pkijs.CryptoEngine | undefined;
export function cryptoEngine(): pkijs.CryptoEngine {
  engine ??= new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: globalThis.crypto });
  return engine;
}

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

/** The certificates of a PEM bundle in order; a chain without one is an error naming the problem. */
export function parseCertificates(pem: string): pkijs.Certificate[] {
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  if (blocks.length === 0)
    throw new InfracastError('SIGNING_CHAIN_INVALID', 'The signing certificate chain has no PEM certificate (-----BEGIN CERTIFICATE-----).', {
      hints: ['Pass the signer certificate first, then its issuing CA certificates, PEM-encoded.'],
    });
  return blocks.map((block, i) => {
    try {
      return pkijs.Certificate.fromBER(Buffer.from(block[1]!.replace(/\s+/g, ''), 'base64'));
    } catch (cause) {
      throw new InfracastError('SIGNING_CHAIN_INVALID', `Certificate ${i + 1} of the signing chain is not a valid X.509 certificate.`, { cause });
    }
  });
}

/** Throws unless the key can sign here: RSA, or EC on P-256 (what PDF readers and Sigstore verify). */
export function assertSigningKeyType(key: KeyObject): void {
  if (key.asymmetricKeyType === 'rsa' || (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')) return;
  const kind = key.asymmetricKeyType === 'ec' ? `EC ${key.asymmetricKeyDetails?.namedCurve ?? 'unknown curve'}` : (key.asymmetricKeyType ?? 'unknown');
  throw new InfracastError('SIGNING_KEY_INVALID', `The signing key is of type ${kind}; only RSA and EC P-256 keys can sign.`);
}

/**
 * An unencrypted PEM private key that can sign. Node's KeyObject reads every usual PEM form, and the
 * key text never reaches an error: a parse failure is reported without the `cause`, whose message
 * could quote the input.
 */
export function readSigningKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new InfracastError('SIGNING_KEY_INVALID', 'The signing key is not a readable unencrypted PEM private key.', {
      hints: ['Use an RSA or EC P-256 key in PEM (PKCS#8 "BEGIN PRIVATE KEY", or "BEGIN RSA/EC PRIVATE KEY"), without a passphrase.'],
    });
  }
  assertSigningKeyType(key);
  return key;
}

/** The private key as a WebCrypto key (which only takes PKCS#8) plus its KeyObject. */
async function importSigningKey(pem: string): Promise<{ key: webcrypto.CryptoKey; object: KeyObject }> {
  const object = readSigningKey(pem);
  const pkcs8 = object.export({ type: 'pkcs8', format: 'der' });
  const algorithm = object.asymmetricKeyType === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: 'P-256' };
  return { key: await globalThis.crypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']), object };
}

/** RFC 5035 SigningCertificateV2 with one ESSCertIDv2 (sha256 is the DEFAULT hash, so it is omitted). */
function signingCertificateV2(leaf: pkijs.Certificate): asn1js.Sequence {
  const issuerSerial = new asn1js.Sequence({
    value: [
      new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: leaf.issuer })] }).toSchema(),
      new asn1js.Integer({ valueHex: leaf.serialNumber.valueBlock.valueHexView }),
    ],
  });
  const certHash = sha256(new Uint8Array(leaf.toSchema().toBER()));
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: certHash }), issuerSerial] });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

/**
 * DER wants a SET OF in the order of its elements' encodings. pkijs writes attributes as given, and
 * OpenSSL re-encodes signedAttrs canonically before checking the signature, so unsorted attributes
 * would sign one byte string and be verified against another.
 */
function derSorted(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  const keyed = attributes.map((attribute) => ({ attribute, der: Buffer.from(attribute.toSchema().toBER()) }));
  return keyed.sort((a, b) => Buffer.compare(a.der, b.der)).map((k) => k.attribute);
}

/** A CMS SignedData over `data`, detached, DER-encoded. */
function signingTimeValue(at: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  const seconds = new Date(Math.floor(at.getTime() / 1000) * 1000);
  const year = seconds.getUTCFullYear();
  return year >= 1950 && year < 2050 ? new asn1js.UTCTime({ valueDate: seconds }) : new asn1js.GeneralizedTime({ valueDate: seconds });
}

export async function signDetached(input: SignDetachedInput): Promise<Uint8Array> {
  const certificates = parseCertificates(input.chain);
  const leaf = certificates[0]!;
  const { key, object } = await importSigningKey(input.key);
  // A key that does not belong to the leaf would give a CMS that no verifier accepts; say so now.
  const publicKey = createPublicKey(object).export({ type: 'spki', format: 'der' });
  if (!Buffer.from(leaf.subjectPublicKeyInfo.toSchema().toBER()).equals(publicKey))
    throw new InfracastError('SIGNING_KEY_INVALID', 'The signing key does not match the first certificate of the chain (the signer certificate).', {
      hints: ['Put the certificate of this key first in the chain file.'],
    });

  const signedAttrs = derSorted([
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: sha256(input.data) })] }),
    new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificateV2(leaf)] }),
    // RFC 5652 section 11.3: UTCTime for 1950 to 2049, GeneralizedTime otherwise; whole seconds.
    ...(input.signingTime ? [new pkijs.Attribute({ type: OID.signingTime, values: [signingTimeValue(input.signingTime)] })] : []),
  ]);
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: leaf.issuer, serialNumber: leaf.serialNumber }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: signedAttrs }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    signerInfos: [signerInfo],
    certificates,
  });
  try {
    await signedData.sign(key, 0, 'SHA-256', undefined, cryptoEngine());
  } catch (cause) {
    // The cause comes from WebCrypto and names algorithms, never key material.
    throw new InfracastError('SIGNING_FAILED', `Signing failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  if (input.timestampToken) attachToken(signerInfo, input.timestampToken);
  return encode(signedData);
}

/**
 * Sets the token as the unsigned attribute id-aa-signatureTimeStampToken, after checking that it
 * time-stamps this signature value: a token for another value would look like a B-T signature and
 * fail every verifier. (RSA PKCS#1 v1.5 signs deterministically, so a token for an earlier signing of the
 * same data fits; ECDSA does not, hence {@link addTimestampToken}.)
 */
function attachToken(signerInfo: pkijs.SignerInfo, timestampToken: Uint8Array): void {
  const value = new Uint8Array(signerInfo.signature.valueBlock.valueHexView);
  let covers: boolean;
  try {
    covers = tokenCovers(timestampToken, value);
  } catch (cause) {
    throw new InfracastError(
      'SIGNING_FAILED',
      `The timestamp token is not an RFC 3161 TimeStampToken: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  if (!covers)
    throw new InfracastError(
      'SIGNING_FAILED',
      'The timestamp token does not cover this signature (its imprint is not the SHA-256, -384 or -512 hash of the signature value).',
      {
        hints: ['Time-stamp the value signatureValue() returns, then add the token with addTimestampToken().'],
      },
    );
  // asn1js cannot splice raw bytes into a SET (RawData encodes as nothing there), so the token is parsed
  // and re-encoded; a token that does not come back byte for byte (BER, not DER) would no longer match
  // what the TSA signed, so it is refused rather than silently altered.
  const token = asn1js.fromBER(exactArrayBuffer(timestampToken)).result;
  if (!Buffer.from(token.toBER()).equals(timestampToken))
    throw new InfracastError('SIGNING_FAILED', 'The timestamp token is not DER-encoded, so it cannot be embedded unchanged.');
  signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 1,
    attributes: [new pkijs.Attribute({ type: OID.signatureTimeStampToken, values: [token] })],
  });
}

const encode = (signedData: pkijs.SignedData): Uint8Array =>
  new Uint8Array(new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) }).toSchema().toBER());

/**
 * The SignerInfo signature value of a CMS made by {@link signDetached}: what an RFC 3161 signature
 * timestamp covers (RFC 3161 appendix A). Sign, time-stamp this value, then sign again with the token:
 * RSA PKCS#1 v1.5 gives the same value again, but ECDSA does not, so the general flow is: sign,
 * time-stamp this value, {@link addTimestampToken} to the CMS already made.
 */
export function signatureValue(cms: Uint8Array): Uint8Array {
  const signedData = readSignedData(cms);
  return new Uint8Array(signedData.signerInfos[0]!.signature.valueBlock.valueHexView);
}

/** The same CMS with the token added as id-aa-signatureTimeStampToken (an unsigned attribute: the signature is unchanged). */
export function addTimestampToken(cms: Uint8Array, timestampToken: Uint8Array): Uint8Array {
  const signedData = readSignedData(cms);
  attachToken(signedData.signerInfos[0]!, timestampToken);
  return encode(signedData);
}

function readSignedData(cms: Uint8Array): pkijs.SignedData {
  try {
    const contentInfo = pkijs.ContentInfo.fromBER(exactArrayBuffer(cms));
    if (contentInfo.contentType !== OID.signedData) throw new Error(`content type ${contentInfo.contentType}`);
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    if (signedData.signerInfos.length !== 1) throw new Error(`${signedData.signerInfos.length} signers`);
    return signedData;
  } catch (cause) {
    throw new InfracastError('SIGNATURE_INVALID', `Not a CMS SignedData with one signer: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

const attributeText = (name: pkijs.RelativeDistinguishedNames, type: string): string | undefined => {
  const value = name.typesAndValues.find((tv) => tv.type === type)?.value as { valueBlock?: { value?: unknown } } | undefined;
  return typeof value?.valueBlock?.value === 'string' ? value.valueBlock.value : undefined;
};
/** The subject's common name (of a pkijs certificate: signing and Sigstore bundles). */
export const commonName = (cert: pkijs.Certificate): string | undefined => attributeText(cert.subject, '2.5.4.3');
/** The certificate's e-mail: the first SAN rfc822Name, else the subject's emailAddress. */
export function certificateEmail(cert: pkijs.Certificate): string | undefined {
  const san = cert.extensions?.find((e) => e.extnID === '2.5.29.17')?.parsedValue as unknown;
  if (san instanceof pkijs.AltName) {
    const email = san.altNames.find((n) => n.type === 1);
    if (email && typeof email.value === 'string') return email.value;
  }
  return attributeText(cert.subject, '1.2.840.113549.1.9.1');
}
