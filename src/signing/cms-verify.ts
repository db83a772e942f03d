/**
 * Verification of a detached CAdES signature (CMS SignedData): the shared core of the PDF verifier
 * (the CMS in /Contents over the byte ranges) and of `.p7s` sidecars (notes/signing.md §4).
 *
 * The checks run in a fixed order and each is recorded. Their failures decide the status:
 * - `malformed` when the CMS cannot be read as RFC 5652 prescribes (one signer, detached, DER or the
 *   BER cms-encoding.ts accepts, versions and algorithm parameters as RFC 5652 fixes them). The PDF
 *   verifier turns it into `tampered`, since that file did carry a signature.
 * - `tampered` when the signature, the messageDigest, an ESS signing-certificate hash (v2 or v1, when
 *   present), the certificates carried in the CMS, or an embedded timestamp token do not hold.
 * - `untrusted` when everything is intact but the signer does not chain to `trust.caPem` (or hold the
 *   `trust.publicKeyPem` key) or its certificate is not meant for signing documents.
 * A foreign signature that conforms to RFC 5652 but not to a baseline (signing-time, no ESS
 * attribute, BER, other unsigned attributes) is judged the same way; `profile` (cms-profile.ts) says
 * which baseline it meets.
 *
 * Why the strictness: parts of a CMS are outside its signature (the certificate bag, the versions,
 * unsigned attributes, a certificate's outer signature algorithm). A verifier that ignored them would
 * call a file with an edited byte "valid"; checking them against what the standards fix (and against
 * the signatures of the certificates that are present) makes every edit visible.
 */
import { createHash, createPublicKey } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cryptoEngine, OID } from './cms.js';
import { tokenCovers } from './tsa.js';
import type { TrustAnchors, Verification, VerificationCheck, VerificationStatus } from './verification.js';
import { exactArrayBuffer } from './bytes.js';
import { cmsEncoding } from './cms-encoding.js';
import { cmsProfile, type CmsProfileFacts, type ProfileFamily } from './cms-profile.js';
import { describePathFailure, validatePkijsPath } from './path-validation.js';
import { decodeCertificate, type DecodedCertificate } from './x509-certificate.js';
import { identityProblem, signerUsageProblem, tsaUsageProblem } from './signer-policy.js';

const TST_INFO = '1.2.840.113549.1.9.16.1.4';
const SIGNING_CERTIFICATE_V1 = '1.2.840.113549.1.9.16.2.12';
const EXT = { keyUsage: '2.5.29.15', subjectAltName: '2.5.29.17', extKeyUsage: '2.5.29.37', authorityKeyId: '2.5.29.35', subjectKeyId: '2.5.29.14' };
/** Signature algorithms whose AlgorithmIdentifier carries real parameters (RSASSA-PSS); the others take none or NULL. */
const PARAMETERISED = new Set(['1.2.840.113549.1.1.10']);

const der = (cert: pkijs.Certificate): Uint8Array => new Uint8Array(cert.toSchema().toBER());
const messageOf = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));
/** RFC 3339 at second precision, as the verify output prints times. */
export const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A profile violation: the CMS is readable but not what a signer following the standards writes. */
class ProfileError extends Error {}

interface ParsedCms {
  signedData: pkijs.SignedData;
  signerInfo: pkijs.SignerInfo;
  certificates: pkijs.Certificate[];
  signer: pkijs.Certificate;
  /** BER with indefinite lengths rather than DER. */
  indefinite: boolean;
  /** The signature-time-stamp tokens (unsigned attribute values), as encoded. */
  tokens: Uint8Array[];
}

/** RFC 5652 §11: the attributes that take exactly one value. */
const SINGLE_VALUED = new Set<string>([OID.contentType, OID.messageDigest, OID.signingTime]);

/**
 * Parses a ContentInfo(SignedData) with one signer and checks its unsigned parts against RFC 5652:
 * DER or the BER of cms-encoding.ts, the version numbers §5.1/§5.3 prescribe, digestAlgorithms naming
 * the signer's digest, NULL-or-absent parameters, X.509 certificates only and the signer's among them,
 * contentType attribute = eContentType, contentType, messageDigest and signingTime single-valued.
 * Unsigned attributes may be anything a signer adds (countersignatures, CAdES-C/X/A values), with one
 * rule: a value that is a timestamp token over this signature value must be a signature-time-stamp,
 * so that an edited attribute type cannot make a timestamp silently disappear.
 */
function parseCms(bytes: Uint8Array, expect: { eContentType: string }): ParsedCms {
  const ber = asn1js.fromBER(exactArrayBuffer(bytes));
  if (ber.offset === -1) throw new ProfileError(`not ASN.1 (${ber.result.error})`);
  if (ber.offset !== bytes.byteLength) throw new ProfileError(`${bytes.byteLength - ber.offset} bytes follow the ASN.1 value`);
  const encoding = cmsEncoding(bytes);
  if (encoding.problem) throw new ProfileError(`neither DER nor BER with indefinite lengths only: ${encoding.problem}`);
  const contentInfo = new pkijs.ContentInfo({ schema: ber.result });
  if (contentInfo.contentType !== OID.signedData) throw new ProfileError(`the content type is ${contentInfo.contentType}, not SignedData`);
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  if (signedData.signerInfos.length !== 1) throw new ProfileError(`${signedData.signerInfos.length} SignerInfos (exactly one expected)`);
  const signerInfo = signedData.signerInfos[0]!;
  const eContentType = signedData.encapContentInfo.eContentType;
  if (eContentType !== expect.eContentType) throw new ProfileError(`the encapsulated content type is ${eContentType}, expected ${expect.eContentType}`);
  if (expect.eContentType === OID.data && signedData.encapContentInfo.eContent)
    throw new ProfileError('the content is embedded; a detached signature was expected');

  const byKeyId = !(signerInfo.sid instanceof pkijs.IssuerAndSerialNumber);
  if (signerInfo.version !== (byKeyId ? 3 : 1)) throw new ProfileError(`SignerInfo version ${signerInfo.version} (RFC 5652 §5.3 requires ${byKeyId ? 3 : 1})`);
  const otherCrls = (signedData.crls ?? []).some((crl) => !(crl instanceof pkijs.CertificateRevocationList));
  const expectedVersion = otherCrls ? 5 : byKeyId || eContentType !== OID.data ? 3 : 1;
  if (signedData.version !== expectedVersion) throw new ProfileError(`SignedData version ${signedData.version} (RFC 5652 §5.1 requires ${expectedVersion})`);

  const noParams = (alg: pkijs.AlgorithmIdentifier, what: string): void => {
    if (PARAMETERISED.has(alg.algorithmId)) return;
    const params = alg.algorithmParams as asn1js.AsnType | undefined;
    if (params !== undefined && !(params instanceof asn1js.Null)) throw new ProfileError(`the ${what} algorithm ${alg.algorithmId} has unexpected parameters`);
  };
  for (const alg of signedData.digestAlgorithms) noParams(alg, 'digest');
  noParams(signerInfo.digestAlgorithm, 'digest');
  noParams(signerInfo.signatureAlgorithm, 'signature');
  const ecdsa = ecdsaValueProblem(signerInfo.signatureAlgorithm.algorithmId, new Uint8Array(signerInfo.signature.valueBlock.valueHexView));
  if (ecdsa) throw new ProfileError(`the signature value ${ecdsa}`);
  if (!signedData.digestAlgorithms.some((alg) => alg.algorithmId === signerInfo.digestAlgorithm.algorithmId))
    throw new ProfileError("digestAlgorithms does not list the signer's digest algorithm");

  const bag = signedData.certificates ?? [];
  const certificates = bag.filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  if (certificates.length !== bag.length) throw new ProfileError('the certificates include something other than X.509 certificates');
  const sid = signerInfo.sid;
  const signer = certificates.find((c) =>
    sid instanceof pkijs.IssuerAndSerialNumber
      ? // Byte for byte: pkijs compares names case-insensitively, which would let an edited sid through.
        sameBytes(c.issuer.valueBeforeDecode, sid.issuer.valueBeforeDecode) && c.serialNumber.isEqual(sid.serialNumber)
      : Buffer.from(keyIdentifier(c, EXT.subjectKeyId) ?? []).equals(Buffer.from((sid as asn1js.OctetString).valueBlock.valueHexView)),
  );
  if (!signer) throw new ProfileError("the signer's certificate is not in the CMS");

  const signed = signerInfo.signedAttrs?.attributes ?? [];
  const types = signed.map((a) => a.type);
  if (new Set(types).size !== types.length) throw new ProfileError('a signed attribute appears twice');
  for (const attribute of signed)
    if (attribute.values.length === 0 || (SINGLE_VALUED.has(attribute.type) && attribute.values.length !== 1))
      throw new ProfileError(`the signed attribute ${attribute.type} has ${attribute.values.length} values`);
  const contentType = signed.find((a) => a.type === OID.contentType)?.values[0];
  if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.valueBlock.toString() !== eContentType)
    throw new ProfileError('the contentType attribute is missing or differs from the encapsulated content type');
  if (!signed.some((a) => a.type === OID.messageDigest)) throw new ProfileError('there is no messageDigest attribute');

  const unsigned = signerInfo.unsignedAttrs?.attributes ?? [];
  if (unsigned.some((a) => a.values.length === 0)) throw new ProfileError('an unsigned attribute has no value');
  const signatureValue = new Uint8Array(signerInfo.signature.valueBlock.valueHexView);
  const tokens: Uint8Array[] = [];
  for (const attribute of unsigned)
    for (const value of attribute.values as asn1js.AsnType[]) {
      const encoded = new Uint8Array(value.valueBeforeDecodeView);
      if (attribute.type === OID.signatureTimeStampToken) tokens.push(encoded);
      else if (coversSignature(encoded, signatureValue))
        throw new ProfileError(`the unsigned attribute ${attribute.type} holds a timestamp token over this signature: only a signature-time-stamp may`);
    }
  return { signedData, signerInfo, certificates, signer, indefinite: encoding.indefinite, tokens };
}

/** Whether `value` is an RFC 3161 token whose imprint is sha256 of `signature` (false for anything else). */
function coversSignature(value: Uint8Array, signature: Uint8Array): boolean {
  try {
    return tokenCovers(value, signature);
  } catch {
    return false;
  }
}

/**
 * An ECDSA signature value must be one DER Ecdsa-Sig-Value (SEQUENCE of two INTEGERs, RFC 5480 §2.2 /
 * RFC 5753): pkijs turns it into r||s leniently (any tag, any outer length), so a byte changed in its
 * header would otherwise verify. Undefined for other algorithms and for a value in that one form.
 */
function ecdsaValueProblem(algorithmId: string, value: Uint8Array): string | undefined {
  if (!algorithmId.startsWith('1.2.840.10045.')) return undefined;
  const encoding = cmsEncoding(value);
  if (encoding.problem || encoding.indefinite) return `is not a DER ECDSA signature (${encoding.problem ?? 'indefinite length'})`;
  // By tag bytes: asn1js reads a primitive 0x10 as a SEQUENCE and ENUMERATED as an INTEGER.
  const outer = asn1js.fromBER(exactArrayBuffer(value)).result;
  const parts = value[0] === 0x30 && outer instanceof asn1js.Sequence ? outer.valueBlock.value : [];
  if (parts.length !== 2 || !parts.every((part) => new Uint8Array(part.valueBeforeDecodeView)[0] === 0x02)) return 'is not an ECDSA SEQUENCE of two INTEGERs';
  return undefined;
}

const sameBytes = (a: ArrayBuffer, b: ArrayBuffer): boolean => a.byteLength > 0 && Buffer.from(a).equals(Buffer.from(b));

/** The keyIdentifier of an AuthorityKeyIdentifier or SubjectKeyIdentifier extension. */
function keyIdentifier(cert: pkijs.Certificate, extnID: string): Uint8Array | undefined {
  const extension = cert.extensions?.find((e) => e.extnID === extnID);
  const value = extension?.parsedValue as unknown;
  if (value instanceof pkijs.AuthorityKeyIdentifier) return value.keyIdentifier ? new Uint8Array(value.keyIdentifier.valueBlock.valueHexView) : undefined;
  if (value instanceof asn1js.OctetString) return new Uint8Array(value.valueBlock.valueHexView);
  return undefined;
}

async function signedBy(cert: pkijs.Certificate, issuer: pkijs.Certificate): Promise<boolean> {
  try {
    return await cert.verify(issuer, cryptoEngine());
  } catch {
    return false;
  }
}

/**
 * The certificates a CMS carries are not covered by its signature, but each is signed by its issuer.
 * The rule that tells an edited certificate (`tampered`) from a look-alike (`untrusted`):
 *
 *   A certificate C carried in the CMS is edited when the CMS itself carries a certificate whose
 *   subject is C's issuer name (C itself when C is self-issued) and C's signature verifies under none
 *   of them; or when the CMS carries none of that name but carries the certificate C's authority key
 *   identifier names (its issuer name was changed); or when C's outer signature algorithm differs from
 *   the inner one (RFC 5280 §4.1.1.2) or its signature BIT STRING declares unused bits.
 *
 * Only certificates carried in the same CMS count as issuers here, never the trust anchors: a
 * certificate that bears a trusted CA's name but is signed by another key (a self-signed look-alike
 * of the root, identical names under another root) does not contradict anything the signer sent, so
 * it is left to the chain check, which calls it `untrusted`. An edit of a certificate whose issuer
 * the CMS does not carry shows the same way (`untrusted`); the signer's own certificate is bound by the
 * ESS signing-certificate hash when present, and every signer we write carries the whole chain.
 */
async function bagProblem(certificates: pkijs.Certificate[]): Promise<string | undefined> {
  for (const [i, cert] of certificates.entries()) {
    const label = `certificate ${i + 1} (${commonName(cert) ?? 'no CN'})`;
    if (!Buffer.from(cert.signatureAlgorithm.toSchema().toBER()).equals(Buffer.from(cert.signature.toSchema().toBER())))
      return `${label}: its outer and inner signature algorithms differ`;
    // A signature is a whole number of bytes; pkijs would ignore an unused-bits count.
    if (cert.signatureValue.valueBlock.unusedBits !== 0) return `${label}: its signature BIT STRING declares unused bits`;
    const ecdsa = ecdsaValueProblem(cert.signatureAlgorithm.algorithmId, new Uint8Array(cert.signatureValue.valueBlock.valueHexView));
    if (ecdsa) return `${label}: its signature ${ecdsa}`;
    const byName = certificates.filter((c) => c.subject.isEqual(cert.issuer));
    if (byName.length > 0) {
      let ok = false;
      for (const issuer of byName) if ((ok = await signedBy(cert, issuer))) break;
      if (!ok) return `${label}: its signature does not verify under its issuer's key (the issuer certificate carried in the signature)`;
      continue;
    }
    const aki = keyIdentifier(cert, EXT.authorityKeyId);
    if (aki && certificates.some((c) => Buffer.from(keyIdentifier(c, EXT.subjectKeyId) ?? []).equals(Buffer.from(aki))))
      return `${label}: its issuer name does not match the issuer its authority key identifier names`;
  }
  return undefined;
}

const ESS_HASHES: Record<string, string> = { [OID.sha256]: 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512' };

/**
 * The ESS signing-certificate attributes against `cert`: signingCertificateV2 (RFC 5035; sha256 unless
 * named) and signingCertificate v1 (RFC 2634, sha1), each checked when present; the first ESSCertID
 * names the signer. `false` when one is present and does not match (or cannot be read).
 */
function essCertMatches(signerInfo: pkijs.SignerInfo, cert: pkijs.Certificate): 'v2' | 'v1' | 'absent' | false {
  const attributes = signerInfo.signedAttrs?.attributes ?? [];
  const v2 = attributes.find((a) => a.type === OID.signingCertificateV2);
  const v1 = attributes.find((a) => a.type === SIGNING_CERTIFICATE_V1);
  if (!v2 && !v1) return 'absent';
  const matches = (attribute: pkijs.Attribute, version: 1 | 2): boolean => {
    try {
      const certs = ((attribute.values[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence).valueBlock.value;
      const first = (certs[0] as asn1js.Sequence).valueBlock.value;
      let algorithm: string | undefined = version === 2 ? 'sha256' : 'sha1';
      let hashBlock = first[0];
      if (version === 2 && first[0] instanceof asn1js.Sequence) {
        algorithm = ESS_HASHES[new pkijs.AlgorithmIdentifier({ schema: first[0] }).algorithmId];
        hashBlock = first[1];
      }
      if (!algorithm || !(hashBlock instanceof asn1js.OctetString)) return false;
      return createHash(algorithm).update(der(cert)).digest().equals(Buffer.from(hashBlock.valueBlock.valueHexView));
    } catch {
      return false;
    }
  };
  if (v2 && !matches(v2, 2)) return false;
  if (v1 && !matches(v1, 1)) return false;
  return v2 ? 'v2' : 'v1';
}

function anchorsOf(trust: TrustAnchors): pkijs.Certificate[] {
  const blocks = [...(trust.caPem ?? '').matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  const anchors: pkijs.Certificate[] = [];
  for (const block of blocks) {
    try {
      anchors.push(pkijs.Certificate.fromBER(Buffer.from(block[1]!.replace(/\s+/g, ''), 'base64')));
    } catch {
      // An unreadable anchor trusts nothing; the chain check then says the signer is not trusted.
    }
  }
  return anchors;
}

const attributeText = (name: pkijs.RelativeDistinguishedNames, type: string): string | undefined => {
  const value = name.typesAndValues.find((tv) => tv.type === type)?.value as { valueBlock?: { value?: unknown } } | undefined;
  return typeof value?.valueBlock?.value === 'string' ? value.valueBlock.value : undefined;
};
/** The subject's common name. */
export const commonName = (cert: pkijs.Certificate): string | undefined => attributeText(cert.subject, '2.5.4.3');
/** The certificate's e-mail: the first SAN rfc822Name, else the subject's emailAddress. */
export function certificateEmail(cert: pkijs.Certificate): string | undefined {
  const san = cert.extensions?.find((e) => e.extnID === EXT.subjectAltName)?.parsedValue as unknown;
  if (san instanceof pkijs.AltName) {
    const email = san.altNames.find((n) => n.type === 1);
    if (email && typeof email.value === 'string') return email.value;
  }
  return attributeText(cert.subject, '1.2.840.113549.1.9.1');
}

interface TimestampOutcome {
  /** A problem that makes the signature tampered (the token is there but broken). */
  broken?: string;
  /** The token is intact, but its time cannot be relied on (TSA not trusted, or not a TSA certificate). */
  untrustedReason?: string;
  genTime?: Date;
  tsa?: string;
}

/**
 * Checks an RFC 3161 token over `signature` (a CMS SignerInfo's or a DSSE envelope's signature value):
 * profile, imprint, token signature, the ESS signing-certificate attribute against the TSA
 * certificate and the carried certificates' own signatures (all: `broken`, i.e. tampered), then the
 * TSA's usage and chain to `anchors` at genTime (`untrustedReason`: the time is not relied on).
 */
export async function checkTimestamp(token: Uint8Array, signature: Uint8Array, anchors: pkijs.Certificate[]): Promise<TimestampOutcome> {
  let parsed: ParsedCms;
  try {
    parsed = parseCms(token, { eContentType: TST_INFO });
  } catch (cause) {
    return { broken: `the timestamp token is unreadable: ${messageOf(cause)}` };
  }
  let genTime: Date;
  try {
    if (!tokenCovers(token, signature))
      return { broken: 'the timestamp token covers another signature (its imprint is not the SHA-256, -384 or -512 hash of this signature value)' };
    // pkijs checks the TSTInfo imprint against `data`, then the token's messageDigest and signature.
    const result = (await parsed.signedData.verify(
      { signer: 0, data: exactArrayBuffer(signature), checkChain: false, extendedMode: true },
      cryptoEngine(),
    )) as pkijs.SignedDataVerifyResult;
    if (!result.signatureVerified) return { broken: "the timestamp token's signature does not verify" };
    genTime = pkijs.TSTInfo.fromBER(parsed.signedData.encapContentInfo.eContent!.getValue()).genTime;
  } catch (cause) {
    return { broken: `the timestamp token does not verify: ${messageOf(cause)}` };
  }
  if (essCertMatches(parsed.signerInfo, parsed.signer) === false)
    return { broken: "the timestamp token's signing-certificate attribute does not match the TSA certificate" };
  const bag = await bagProblem(parsed.certificates);
  if (bag) return { broken: `timestamp token ${bag}` };
  const tsa = commonName(parsed.signer) ?? 'unnamed TSA';
  if (tsaUsageProblem(parsed.signer))
    return {
      untrustedReason: `TSA not trusted: ${tsa}'s certificate is not a time-stamping certificate (critical extendedKeyUsage timeStamping only)`,
      genTime,
      tsa,
    };
  const path = await validatePkijsPath(parsed.signer, parsed.certificates, anchors, genTime);
  if (!path.valid) return { untrustedReason: `TSA not trusted: ${tsa} (${describePathFailure(path)})`, genTime, tsa };
  return { genTime, tsa };
}

export interface DetachedCmsOptions {
  /** Whose baseline `profile` is judged by: `CAdES` (a .p7s, the default) or `PAdES` (a PDF's /Contents). */
  profile?: ProfileFamily;
}

/** Node's name for a digest algorithm OID pkijs knows (SHA-1, SHA-256, SHA-384, SHA-512), or undefined. */
function nodeDigestName(oid: string): string | undefined {
  const algorithm = cryptoEngine().getAlgorithmByOID(oid) as { name?: string };
  return algorithm.name && /^SHA-(1|256|384|512)$/i.test(algorithm.name) ? algorithm.name.replace('-', '').toLowerCase() : undefined;
}

function digestOf(algorithm: string, parts: readonly Uint8Array[]): Buffer {
  const hash = createHash(algorithm);
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/**
 * What pkijs' SignedData.verify checks for a detached signer with signed attributes (parseCms requires
 * them, with a messageDigest), with the content hashed once by node:crypto over its parts: the
 * messageDigest attribute against the digest of the content (reusing the sha256 already computed for
 * `signed_content_sha256`), then the signature over the DER signedAttrs with the signer's public key,
 * through the same pkijs/WebCrypto call pkijs makes (RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA). Returns the
 * problem found, if any.
 */
async function integrityProblem(
  signerInfo: pkijs.SignerInfo,
  signer: pkijs.Certificate,
  parts: readonly Uint8Array[],
  contentSha256: Buffer,
): Promise<string | undefined> {
  const digestName = nodeDigestName(signerInfo.digestAlgorithm.algorithmId);
  if (!digestName) return `Unsupported signature algorithm: ${signerInfo.digestAlgorithm.algorithmId}`;
  const digest = digestName === 'sha256' ? contentSha256 : digestOf(digestName, parts);
  const messageDigest = signerInfo.signedAttrs!.attributes.find((a) => a.type === OID.messageDigest)!.values[0] as unknown;
  if (!(messageDigest instanceof asn1js.OctetString) || !digest.equals(Buffer.from(messageDigest.valueBlock.valueHexView)))
    return "Message digest doesn't match";
  try {
    const engine = cryptoEngine();
    const hashName = (engine.getAlgorithmByOID(signerInfo.digestAlgorithm.algorithmId) as { name: string }).name;
    const verified = await engine.verifyWithPublicKey(
      signerInfo.signedAttrs!.encodedValue,
      signerInfo.signature,
      signer.subjectPublicKeyInfo,
      signerInfo.signatureAlgorithm,
      // pkijs passes the signer's digest for plain rsaEncryption only; the others name their own.
      signerInfo.signatureAlgorithm.algorithmId === '1.2.840.113549.1.1.1' ? hashName : undefined,
    );
    return verified ? undefined : 'the signature does not verify';
  } catch (cause) {
    return messageOf(cause).replace(/^Error during verification: /, '');
  }
}

/**
 * Verifies a detached CMS over `data` against `trust`. Never throws: every failure is a check and a
 * status (`malformed` for an unreadable CMS; see the module comment for the others). Once the CMS is
 * read, `profile` says which baseline it meets (cms-profile.ts), whatever the status.
 */
export async function verifyDetachedCms(
  cms: Uint8Array,
  data: Uint8Array | readonly Uint8Array[],
  trust: TrustAnchors,
  options: DetachedCmsOptions = {},
): Promise<Verification> {
  const checks: VerificationCheck[] = [];
  // The signed content may come in parts (a PDF's two byte ranges): hashed in place, never joined.
  const parts = data instanceof Uint8Array ? [data] : data;
  const contentSha256 = digestOf('sha256', parts);
  const verification: Verification = { status: 'valid', signed_content_sha256: contentSha256.toString('hex'), checks };
  const pass = (name: string, detail?: string): void => void checks.push({ name, result: 'pass', ...(detail ? { detail } : {}) });
  const fail = (name: string, detail: string, status: VerificationStatus): Verification => {
    checks.push({ name, result: 'fail', detail });
    return { ...verification, status };
  };
  try {
    return await verifyChecked(cms, parts, contentSha256, trust, options.profile ?? 'CAdES', verification, pass, fail);
  } catch (cause) {
    // A bug or an input no check foresaw: reported, never thrown, and never "valid".
    return fail('internal', `verification stopped: ${messageOf(cause)}`, 'malformed');
  }
}

async function verifyChecked(
  cms: Uint8Array,
  parts: readonly Uint8Array[],
  contentSha256: Buffer,
  trust: TrustAnchors,
  family: ProfileFamily,
  verification: Verification,
  pass: (name: string, detail?: string) => void,
  fail: (name: string, detail: string, status: VerificationStatus) => Verification,
): Promise<Verification> {
  let parsed: ParsedCms;
  try {
    parsed = parseCms(cms, { eContentType: OID.data });
  } catch (cause) {
    return fail('cms-parse', `not a detached CMS SignedData with one signer: ${messageOf(cause)}`, 'malformed');
  }
  pass('cms-parse');
  const { signerInfo, certificates, signer } = parsed;
  const anchors = anchorsOf(trust);

  const integrity = await integrityProblem(signerInfo, signer, parts, contentSha256);
  if (integrity) return fail('cms-integrity', integrity, 'tampered');
  pass('cms-integrity', 'signature and messageDigest match the signed bytes');

  const bag = await bagProblem(certificates);
  if (bag) return fail('cms-certificates', bag, 'tampered');
  pass('cms-certificates');

  const ess = essCertMatches(signerInfo, signer);
  if (ess === false) return fail('signing-certificate-v2', "the ESS signing-certificate hash is not the signer certificate's", 'tampered');
  if (ess === 'absent')
    verification.checks.push({ name: 'signing-certificate-v2', result: 'skipped', detail: 'no ESS signing-certificate attribute (a profile deviation)' });
  else pass('signing-certificate-v2', ess === 'v1' ? 'ESS signing-certificate v1 (SHA-1) matches the signer certificate' : undefined);

  const email = certificateEmail(signer);
  const cn = commonName(signer);
  if (email ?? cn) verification.signed_by = email ?? cn;
  const signingTime = signerInfo.signedAttrs?.attributes.find((a) => a.type === OID.signingTime)?.values[0];
  if (signingTime instanceof asn1js.UTCTime || signingTime instanceof asn1js.GeneralizedTime) {
    verification.signed_at = isoSeconds(signingTime.toDate());
    verification.signed_at_source = 'claimed-by-signer';
  }

  // Every signature timestamp must hold (a broken one is tampering); the earliest trusted one gives the time.
  let checkDate = trust.now ?? new Date();
  let timestamp: CmsProfileFacts['timestamp'] = 'absent';
  if (parsed.tokens.length === 0) verification.checks.push({ name: 'timestamp', result: 'skipped', detail: 'no signature timestamp' });
  let trustedAt: Date | undefined;
  for (const token of parsed.tokens) {
    const outcome = await checkTimestamp(token, new Uint8Array(signerInfo.signature.valueBlock.valueHexView), anchors);
    if (outcome.broken) return fail('timestamp', outcome.broken, 'tampered');
    if (outcome.untrustedReason) {
      if (timestamp === 'absent') timestamp = 'untrusted';
      verification.checks.push({ name: 'timestamp', result: 'fail', detail: outcome.untrustedReason });
    } else {
      timestamp = 'trusted';
      if (!trustedAt || outcome.genTime! < trustedAt) trustedAt = outcome.genTime!;
      pass('timestamp', `RFC 3161 time ${isoSeconds(outcome.genTime!)} from ${outcome.tsa}`);
    }
  }
  if (trustedAt) {
    checkDate = trustedAt;
    verification.signed_at = isoSeconds(trustedAt);
    verification.signed_at_source = 'rfc3161';
  }
  verification.profile = cmsProfile(family, { ess, signingTime: signingTime !== undefined, indefinite: parsed.indefinite, timestamp });

  // --key without --ca: a signer certificate holding that key is the pinned signer; otherwise RFC 5280
  // path validation, then the signer policy shared with bundles (signer-policy.ts).
  const pinned = pinnedKey(signer, trust);
  let leaf: DecodedCertificate | undefined;
  if (pinned) {
    leaf = decodeCertificate(new Uint8Array(signer.toSchema().toBER()));
    pass('chain', pinned);
  } else {
    const path = await validatePkijsPath(signer, certificates, anchors, checkDate);
    if (!path.valid) return fail('chain', `the signer is not trusted: ${describePathFailure(path)}${anchors.length === 0 ? ' (--ca)' : ''}`, 'untrusted');
    pass('chain', `chains to a trusted root at ${isoSeconds(checkDate)} (${path.chain.length} certificates, RFC 5280 path validation)`);
    leaf = path.chain[0]!;
  }
  if (!leaf) return fail('chain', 'the signer certificate cannot be read', 'untrusted');

  const usage = signerUsageProblem(leaf, { keyless: false });
  if (usage) return fail('key-usage', usage, 'untrusted');
  pass('key-usage');
  if (trust.identity !== undefined || trust.issuer !== undefined) {
    const identity = identityProblem(leaf, trust);
    if (identity) return fail('identity', identity, 'untrusted');
    pass('identity', [trust.identity, trust.issuer && `issued by ${trust.issuer}`].filter(Boolean).join(', '));
  }
  if (!trust.revocation) return verification;
  const { revocationCheck } = await import('./revocation.js');
  return revocationCheck(
    verification,
    signer,
    certificates,
    anchors,
    { at: checkDate, trusted: verification.signed_at_source === 'rfc3161' },
    trust.revocation,
  );
}

/**
 * With a public key given (`verify --key`) and no CA, a signer certificate that holds that very key is
 * the pinned signer: the .p7s beside a file signed with a local key verifies as the bundle does.
 * With `--ca` the chain decides.
 */
function pinnedKey(signer: pkijs.Certificate, trust: TrustAnchors): string | undefined {
  if (trust.caPem || !trust.publicKeyPem) return undefined;
  try {
    const given = createPublicKey(trust.publicKeyPem).export({ type: 'spki', format: 'der' });
    const held = Buffer.from(signer.subjectPublicKeyInfo.toSchema().toBER());
    return held.equals(given) ? `the signer certificate holds the given public key sha256:${digestOf('sha256', [held]).toString('hex')}` : undefined;
  } catch {
    return undefined;
  }
}
