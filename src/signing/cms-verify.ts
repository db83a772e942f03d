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
 * The CMS, its certificates and its timestamp tokens are read with the strict DER reader (der.ts,
 * cms-reader.ts) and signatures verified with node:crypto (signature.ts): no pkijs on this path, which
 * `infracast verify` runs for every signed report (pkijs stays for signing, revocation and bundles).
 *
 * Why the strictness: parts of a CMS are outside its signature (the certificate bag, the versions,
 * unsigned attributes, a certificate's outer signature algorithm). A verifier that ignored them would
 * call a file with an edited byte "valid"; checking them against what the standards fix (and against
 * the signatures of the certificates that are present) makes every edit visible.
 */
import { createHash, createPublicKey } from 'node:crypto';
import type { TrustAnchors, Verification, VerificationCheck, VerificationStatus } from './verification.js';
import { OID } from './cms-oids.js';
import { cmsEncoding } from './cms-encoding.js';
import { readSignedData, readTstInfo, type CmsAttribute, type SignedDataFields, type SignerInfoFields } from './cms-reader.js';
import { cmsProfile, type CmsProfileFacts, type ProfileFamily } from './cms-profile.js';
import { algorithmOf, children, contents, DerError, encoding, integerBytes, nullOf, octets, oidOf, readDer, sameBytes, TAG, timeOf, type Tlv } from './der.js';
import { describePathFailure, validateDerPath } from './path-validation.js';
import { digestName, signatureHolds, verifySignature } from './signature.js';
import { TST_INFO_OID, tokenCovers } from './tsa-token.js';
import { certificateBytes, decodeCertificate, EXTENSION, type CertificateFields, type DecodedCertificate } from './x509-certificate.js';
import { parseName, sameName } from './x509-names.js';
import { identityProblem, signerUsageProblem, tsaUsageProblem } from './signer-policy.js';

const SIGNING_CERTIFICATE_V1 = '1.2.840.113549.1.9.16.2.12';
/** Signature algorithms whose AlgorithmIdentifier carries real parameters (RSASSA-PSS); the others take none or NULL. */
const PARAMETERISED = new Set(['1.2.840.113549.1.1.10']);
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

const messageOf = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));
/** RFC 3339 at second precision, as the verify output prints times. */
export const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A profile violation: the CMS is readable but not what a signer following the standards writes. */
class ProfileError extends Error {}

interface ParsedCms {
  signedData: SignedDataFields;
  signerInfo: SignerInfoFields;
  certificates: CertificateFields[];
  signer: CertificateFields;
  /** BER with indefinite lengths rather than DER. */
  indefinite: boolean;
  /** The signature-time-stamp tokens (unsigned attribute values), as encoded. */
  tokens: Uint8Array[];
}

/** RFC 5652 §11: the attributes that take exactly one value. */
const SINGLE_VALUED = new Set<string>([OID.contentType, OID.messageDigest, OID.signingTime]);

/** The extension value of `id` read as one DER value, or undefined (absent or unreadable). */
function extensionValue(cert: CertificateFields, id: string): Tlv | undefined {
  const extension = cert.extensions.find((e) => e.id === id);
  if (!extension) return undefined;
  try {
    return readDer(extension.value);
  } catch {
    return undefined;
  }
}

/** The subjectKeyIdentifier, or the authorityKeyIdentifier's keyIdentifier. */
function keyIdentifier(cert: CertificateFields, id: string): Uint8Array | undefined {
  const value = extensionValue(cert, id);
  if (!value) return undefined;
  try {
    if (id === EXTENSION.subjectKeyId) return value.tag === TAG.octetString ? contents(value) : undefined;
    if (value.tag !== TAG.sequence) return undefined;
    const keyId = children(value).find((item) => item.tag === 0x80);
    return keyId ? contents(keyId) : undefined;
  } catch {
    return undefined;
  }
}

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
  const berReport = cmsEncoding(bytes);
  if (berReport.problem) throw new ProfileError(`neither DER nor BER with indefinite lengths only: ${berReport.problem}`);
  let signedData: SignedDataFields;
  try {
    signedData = readSignedData(bytes);
  } catch (cause) {
    if (cause instanceof DerError) throw new ProfileError(`not a CMS ContentInfo (${cause.message})`);
    throw cause;
  }
  if (signedData.contentType !== OID.signedData) throw new ProfileError(`the content type is ${signedData.contentType}, not SignedData`);
  if (signedData.signerInfos.length !== 1) throw new ProfileError(`${signedData.signerInfos.length} SignerInfos (exactly one expected)`);
  const signerInfo = signedData.signerInfos[0]!;
  const eContentType = signedData.eContentType;
  if (eContentType !== expect.eContentType) throw new ProfileError(`the encapsulated content type is ${eContentType}, expected ${expect.eContentType}`);
  if (expect.eContentType === OID.data && signedData.eContent) throw new ProfileError('the content is embedded; a detached signature was expected');

  const byKeyId = signerInfo.sid.kind === 'key-id';
  if (signerInfo.version !== (byKeyId ? 3 : 1)) throw new ProfileError(`SignerInfo version ${signerInfo.version} (RFC 5652 §5.3 requires ${byKeyId ? 3 : 1})`);
  const expectedVersion = signedData.otherCrls ? 5 : byKeyId || eContentType !== OID.data ? 3 : 1;
  if (signedData.version !== expectedVersion) throw new ProfileError(`SignedData version ${signedData.version} (RFC 5652 §5.1 requires ${expectedVersion})`);

  const noParams = (alg: { oid: string; params?: Tlv }, what: string): void => {
    if (PARAMETERISED.has(alg.oid) || alg.params === undefined) return;
    try {
      nullOf(alg.params, what);
    } catch {
      throw new ProfileError(`the ${what} algorithm ${alg.oid} has unexpected parameters`);
    }
  };
  for (const alg of signedData.digestAlgorithms) noParams(alg, 'digest');
  noParams(signerInfo.digestAlgorithm, 'digest');
  noParams(signerInfo.signatureAlgorithm, 'signature');
  const ecdsa = ecdsaValueProblem(signerInfo.signatureAlgorithm.oid, signerInfo.signature);
  if (ecdsa) throw new ProfileError(`the signature value ${ecdsa}`);
  if (!signedData.digestAlgorithms.some((alg) => alg.oid === signerInfo.digestAlgorithm.oid))
    throw new ProfileError("digestAlgorithms does not list the signer's digest algorithm");

  if (signedData.otherCertificates) throw new ProfileError('the certificates include something other than X.509 certificates');
  const certificates = signedData.certificates;
  const sid = signerInfo.sid;
  const signer = certificates.find((c) =>
    sid.kind === 'issuer-and-serial'
      ? // Byte for byte: a case-insensitive name comparison would let an edited sid through.
        sameBytes(c.issuerDer, sid.issuer) && sameBytes(c.serial, sid.serial)
      : sameBytes(keyIdentifier(c, EXTENSION.subjectKeyId) ?? new Uint8Array(), sid.keyId),
  );
  if (!signer) throw new ProfileError("the signer's certificate is not in the CMS");

  const signed = signerInfo.signedAttrs?.attributes ?? [];
  const types = signed.map((a) => a.type);
  if (new Set(types).size !== types.length) throw new ProfileError('a signed attribute appears twice');
  for (const attribute of signed)
    if (attribute.values.length === 0 || (SINGLE_VALUED.has(attribute.type) && attribute.values.length !== 1))
      throw new ProfileError(`the signed attribute ${attribute.type} has ${attribute.values.length} values`);
  const contentType = signed.find((a) => a.type === OID.contentType)?.values[0];
  if (contentType?.tag !== TAG.oid || oidText(contentType) !== eContentType)
    throw new ProfileError('the contentType attribute is missing or differs from the encapsulated content type');
  if (!signed.some((a) => a.type === OID.messageDigest)) throw new ProfileError('there is no messageDigest attribute');

  const unsigned = signerInfo.unsignedAttrs ?? [];
  if (unsigned.some((a) => a.values.length === 0)) throw new ProfileError('an unsigned attribute has no value');
  const tokens: Uint8Array[] = [];
  for (const attribute of unsigned)
    for (const value of attribute.values) {
      const encoded = encoding(value);
      if (attribute.type === OID.signatureTimeStampToken) tokens.push(encoded);
      else if (coversSignature(encoded, signerInfo.signature))
        throw new ProfileError(`the unsigned attribute ${attribute.type} holds a timestamp token over this signature: only a signature-time-stamp may`);
    }
  return { signedData, signerInfo, certificates, signer, indefinite: berReport.indefinite, tokens };
}

function oidText(tlv: Tlv): string | undefined {
  try {
    return oidOf(tlv, 'the contentType attribute');
  } catch {
    return undefined;
  }
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
 * RFC 5753): a lenient reader would turn it into r||s whatever its header, so a byte changed in it
 * would otherwise verify. Undefined for other algorithms and for a value in that one form.
 */
function ecdsaValueProblem(algorithmId: string, value: Uint8Array): string | undefined {
  if (!algorithmId.startsWith('1.2.840.10045.')) return undefined;
  const encoded = cmsEncoding(value);
  if (encoded.problem || encoded.indefinite) return `is not a DER ECDSA signature (${encoded.problem ?? 'indefinite length'})`;
  try {
    const outer = readDer(value);
    const parts = outer.tag === TAG.sequence ? children(outer) : [];
    if (parts.length !== 2 || !parts.every((part) => part.tag === TAG.integer)) return 'is not an ECDSA SEQUENCE of two INTEGERs';
    parts.forEach((part) => integerBytes(part, 'an ECDSA INTEGER'));
  } catch {
    return 'is not an ECDSA SEQUENCE of two INTEGERs';
  }
  return undefined;
}

/** The decoded subject, for names (undefined when it does not decode: no name is shown). */
function subjectOf(cert: CertificateFields): ReturnType<typeof parseName> | undefined {
  try {
    return parseName(cert.subjectDer);
  } catch {
    return undefined;
  }
}
const stringAttribute = (cert: CertificateFields, type: string): string | undefined => {
  const subject = subjectOf(cert);
  const attribute = subject?.flat().find((a) => a.type === type);
  return attribute?.string ? attribute.text : undefined;
};
/** The subject's common name. */
export const subjectCommonName = (cert: CertificateFields): string | undefined => stringAttribute(cert, '2.5.4.3');

/** The certificate's e-mail: the first SAN rfc822Name, else the subject's emailAddress. */
export function subjectEmail(cert: CertificateFields): string | undefined {
  const san = extensionValue(cert, EXTENSION.subjectAltName);
  if (san?.tag === TAG.sequence) {
    try {
      const email = children(san).find((name) => name.tag === 0x81);
      if (email) return Buffer.from(contents(email)).toString('latin1');
    } catch {
      // An unreadable SAN names no one.
    }
  }
  return stringAttribute(cert, '1.2.840.113549.1.9.1');
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
function bagProblem(certificates: CertificateFields[]): string | undefined {
  const names = certificates.map((c) => {
    try {
      return { subject: parseName(c.subjectDer), issuer: parseName(c.issuerDer) };
    } catch {
      return undefined;
    }
  });
  for (const [i, cert] of certificates.entries()) {
    const label = `certificate ${i + 1} (${subjectCommonName(cert) ?? 'no CN'})`;
    if (!sameBytes(cert.signatureAlgorithm.der, cert.innerAlgorithm.der)) return `${label}: its outer and inner signature algorithms differ`;
    // A signature is a whole number of bytes.
    if (cert.signatureUnusedBits !== 0) return `${label}: its signature BIT STRING declares unused bits`;
    const ecdsa = ecdsaValueProblem(cert.signatureAlgorithm.oid, cert.signatureValue);
    if (ecdsa) return `${label}: its signature ${ecdsa}`;
    const own = names[i];
    const byName = own ? certificates.filter((_, k) => names[k] !== undefined && sameName(names[k]!.subject, own.issuer)) : [];
    if (byName.length > 0) {
      if (!byName.some((issuer) => signatureHolds(cert.signatureAlgorithm, issuer.spki, cert.tbs, cert.signatureValue)))
        return `${label}: its signature does not verify under its issuer's key (the issuer certificate carried in the signature)`;
      continue;
    }
    const aki = keyIdentifier(cert, EXTENSION.authorityKeyId);
    if (aki && certificates.some((c) => sameBytes(keyIdentifier(c, EXTENSION.subjectKeyId) ?? new Uint8Array(), aki)))
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
function essCertMatches(signerInfo: SignerInfoFields, cert: CertificateFields): 'v2' | 'v1' | 'absent' | false {
  const attributes = signerInfo.signedAttrs?.attributes ?? [];
  const v2 = attributes.find((a) => a.type === OID.signingCertificateV2);
  const v1 = attributes.find((a) => a.type === SIGNING_CERTIFICATE_V1);
  if (!v2 && !v1) return 'absent';
  const matches = (attribute: CmsAttribute, version: 1 | 2): boolean => {
    try {
      const value = attribute.values[0]!;
      const [certs] = value.tag === TAG.sequence ? children(value) : [];
      const [first] = certs?.tag === TAG.sequence ? children(certs) : [];
      const parts = first?.tag === TAG.sequence ? children(first) : [];
      let algorithm: string | undefined = version === 2 ? 'sha256' : 'sha1';
      let hashBlock = parts[0];
      if (version === 2 && parts[0]?.tag === TAG.sequence) {
        algorithm = ESS_HASHES[algorithmOf(parts[0], 'the ESS hash algorithm').oid];
        hashBlock = parts[1];
      }
      if (!algorithm || hashBlock?.tag !== TAG.octetString) return false;
      return createHash(algorithm).update(cert.der).digest().equals(octets(hashBlock, 'the ESS certificate hash'));
    } catch {
      return false;
    }
  };
  if (v2 && !matches(v2, 2)) return false;
  if (v1 && !matches(v1, 1)) return false;
  return v2 ? 'v2' : 'v1';
}

/** The trust anchors given (PEM), as DER; one that does not parse trusts nothing (path validation skips it). */
const anchorsOf = (trust: TrustAnchors): Uint8Array[] => certificateBytes(trust.caPem ?? '');

interface TimestampOutcome {
  /** A problem that makes the signature tampered (the token is there but broken). */
  broken?: string;
  /** The token is intact, but its time cannot be relied on (TSA not trusted, or not a TSA certificate). */
  untrustedReason?: string;
  genTime?: Date;
  tsa?: string;
}

/**
 * The messageDigest attribute against the digest of `parts`, then the signature over the DER
 * signedAttrs with the signer's public key (RFC 5652 §5.4, §11.2). Returns the problem found, if any.
 * `digests` reuses a digest already computed (the PDF's sha256 for `signed_content_sha256`).
 */
function integrityProblem(
  signerInfo: SignerInfoFields,
  signer: CertificateFields,
  parts: readonly Uint8Array[],
  digests: Partial<Record<string, Buffer>> = {},
): string | undefined {
  const name = digestName(signerInfo.digestAlgorithm.oid);
  if (!name) return `Unsupported signature algorithm: ${signerInfo.digestAlgorithm.oid}`;
  const digest = digests[name] ?? digestOf(name, parts);
  const messageDigest = signerInfo.signedAttrs!.attributes.find((a) => a.type === OID.messageDigest)!.values[0]!;
  if (messageDigest.tag !== TAG.octetString || !digest.equals(contents(messageDigest))) return "Message digest doesn't match";
  try {
    const rsaDigest = signerInfo.signatureAlgorithm.oid === RSA_ENCRYPTION ? name : undefined;
    return verifySignature(signerInfo.signatureAlgorithm, signer.spki, signerInfo.signedAttrs!.signedBytes, signerInfo.signature, rsaDigest)
      ? undefined
      : 'the signature does not verify';
  } catch (cause) {
    return messageOf(cause);
  }
}

/**
 * Checks an RFC 3161 token over `signature` (a CMS SignerInfo's or a DSSE envelope's signature value):
 * profile, imprint, token signature, the ESS signing-certificate attribute against the TSA
 * certificate and the carried certificates' own signatures (all: `broken`, i.e. tampered), then the
 * TSA's usage and chain to `anchors` (DER) at genTime (`untrustedReason`: the time is not relied on).
 */
export async function checkTimestamp(token: Uint8Array, signature: Uint8Array, anchors: readonly Uint8Array[]): Promise<TimestampOutcome> {
  let parsed: ParsedCms;
  try {
    parsed = parseCms(token, { eContentType: TST_INFO_OID });
  } catch (cause) {
    return { broken: `the timestamp token is unreadable: ${messageOf(cause)}` };
  }
  let genTime: Date;
  try {
    if (!tokenCovers(token, signature))
      return { broken: 'the timestamp token covers another signature (its imprint is not the SHA-256, -384 or -512 hash of this signature value)' };
    const eContent = parsed.signedData.eContent;
    if (!eContent) return { broken: 'the timestamp token does not verify: Error during verification: TSTInfo eContent is empty' };
    genTime = readTstInfo(eContent).genTime;
    // The token's messageDigest (over the TSTInfo) and its signature.
    const problem = integrityProblem(parsed.signerInfo, parsed.signer, [eContent]);
    if (problem === 'the signature does not verify') return { broken: "the timestamp token's signature does not verify" };
    if (problem)
      return {
        broken: `the timestamp token does not verify: ${problem === "Message digest doesn't match" ? `Error during verification: ${problem}` : problem}`,
      };
  } catch (cause) {
    return { broken: `the timestamp token does not verify: ${messageOf(cause)}` };
  }
  if (essCertMatches(parsed.signerInfo, parsed.signer) === false)
    return { broken: "the timestamp token's signing-certificate attribute does not match the TSA certificate" };
  const bag = bagProblem(parsed.certificates);
  if (bag) return { broken: `timestamp token ${bag}` };
  const tsa = subjectCommonName(parsed.signer) ?? 'unnamed TSA';
  let decodedTsa: DecodedCertificate | undefined;
  try {
    decodedTsa = decodeCertificate(parsed.signer.der);
  } catch {
    decodedTsa = undefined;
  }
  if (!decodedTsa || tsaUsageProblem(decodedTsa))
    return {
      untrustedReason: `TSA not trusted: ${tsa}'s certificate is not a time-stamping certificate (critical extendedKeyUsage timeStamping only)`,
      genTime,
      tsa,
    };
  const path = await validateDerPath(
    parsed.signer.der,
    parsed.certificates.map((c) => c.der),
    anchors,
    genTime,
  );
  if (!path.valid) return { untrustedReason: `TSA not trusted: ${tsa} (${describePathFailure(path)})`, genTime, tsa };
  return { genTime, tsa };
}

export interface DetachedCmsOptions {
  /** Whose baseline `profile` is judged by: `CAdES` (a .p7s, the default) or `PAdES` (a PDF's /Contents). */
  profile?: ProfileFamily;
}

function digestOf(algorithm: string, parts: readonly Uint8Array[]): Buffer {
  const hash = createHash(algorithm);
  for (const part of parts) hash.update(part);
  return hash.digest();
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

  const integrity = integrityProblem(signerInfo, signer, parts, { sha256: contentSha256 });
  if (integrity) return fail('cms-integrity', integrity, 'tampered');
  pass('cms-integrity', 'signature and messageDigest match the signed bytes');

  const bag = bagProblem(certificates);
  if (bag) return fail('cms-certificates', bag, 'tampered');
  pass('cms-certificates');

  const ess = essCertMatches(signerInfo, signer);
  if (ess === false) return fail('signing-certificate-v2', "the ESS signing-certificate hash is not the signer certificate's", 'tampered');
  if (ess === 'absent')
    verification.checks.push({ name: 'signing-certificate-v2', result: 'skipped', detail: 'no ESS signing-certificate attribute (a profile deviation)' });
  else pass('signing-certificate-v2', ess === 'v1' ? 'ESS signing-certificate v1 (SHA-1) matches the signer certificate' : undefined);

  const email = subjectEmail(signer);
  const cn = subjectCommonName(signer);
  if (email ?? cn) verification.signed_by = email ?? cn;
  const signingTimeAttribute = signerInfo.signedAttrs?.attributes.find((a) => a.type === OID.signingTime)?.values[0];
  const signingTime = signingTimeAttribute && readTime(signingTimeAttribute);
  if (signingTime) {
    verification.signed_at = isoSeconds(signingTime);
    verification.signed_at_source = 'claimed-by-signer';
  }

  // Every signature timestamp must hold (a broken one is tampering); the earliest trusted one gives the time.
  let checkDate = trust.now ?? new Date();
  let timestamp: CmsProfileFacts['timestamp'] = 'absent';
  if (parsed.tokens.length === 0) verification.checks.push({ name: 'timestamp', result: 'skipped', detail: 'no signature timestamp' });
  let trustedAt: Date | undefined;
  for (const token of parsed.tokens) {
    const outcome = await checkTimestamp(token, signerInfo.signature, anchors);
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
  verification.profile = cmsProfile(family, { ess, signingTime: signingTimeAttribute !== undefined, indefinite: parsed.indefinite, timestamp });

  // --key without --ca: a signer certificate holding that key is the pinned signer; otherwise RFC 5280
  // path validation, then the signer policy shared with bundles (signer-policy.ts).
  const pinned = pinnedKey(signer, trust);
  let leaf: DecodedCertificate | undefined;
  if (pinned) {
    leaf = decodeCertificate(signer.der);
    pass('chain', pinned);
  } else {
    const path = await validateDerPath(
      signer.der,
      certificates.map((c) => c.der),
      anchors,
      checkDate,
    );
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
  const sources = trust.revocation;
  const hasData = (sources.crls?.length ?? 0) > 0 || (sources.ocsps?.length ?? 0) > 0 || (sources.certs?.length ?? 0) > 0 || sources.fetch !== undefined;
  const time = { at: checkDate, trusted: verification.signed_at_source === 'rfc3161' };
  if (!hasData) {
    // Nothing to check against: revocation.ts (and pkijs) are not loaded for a verdict of "not checked".
    const { noRevocationData } = await import('./revocation-none.js');
    return noRevocationData(
      verification,
      signer.der,
      certificates.map((c) => c.der),
      anchors,
    );
  }
  const { revocationCheck, certificatesOf } = await import('./revocation.js');
  return revocationCheck(
    verification,
    certificatesOf([signer.der])[0]!,
    certificatesOf(certificates.map((c) => c.der)),
    certificatesOf([...anchors]),
    time,
    sources,
  );
}

/** A signingTime value (UTCTime or GeneralizedTime); undefined when it is neither (it then claims nothing). */
function readTime(value: Tlv): Date | undefined {
  try {
    return timeOf(value, 'signingTime');
  } catch {
    return undefined;
  }
}

/**
 * With a public key given (`verify --key`) and no CA, a signer certificate that holds that very key is
 * the pinned signer: the .p7s beside a file signed with a local key verifies as the bundle does.
 * With `--ca` the chain decides.
 */
function pinnedKey(signer: CertificateFields, trust: TrustAnchors): string | undefined {
  if (trust.caPem || !trust.publicKeyPem) return undefined;
  try {
    const given = createPublicKey(trust.publicKeyPem).export({ type: 'spki', format: 'der' });
    const held = Buffer.from(signer.spki);
    return held.equals(given) ? `the signer certificate holds the given public key sha256:${digestOf('sha256', [held]).toString('hex')}` : undefined;
  } catch {
    return undefined;
  }
}
