/**
 * Verification of a detached CAdES signature (CMS SignedData): the shared core of the PDF verifier
 * (the CMS in /Contents over the byte ranges) and of `.p7s` sidecars (notes/signing.md §4).
 *
 * The checks run in a fixed order and each is recorded. Their failures decide the status:
 * - `malformed` when the CMS cannot be read as the profile cms.ts writes (one signer, DER, detached,
 *   versions and algorithm parameters as RFC 5652 prescribes, no unsigned attribute but a signature
 *   timestamp). The PDF verifier turns it into `tampered`, since that file did carry a signature.
 * - `tampered` when the signature, the messageDigest, the signing-certificate-v2 hash, the
 *   certificates carried in the CMS, or an embedded timestamp token do not hold.
 * - `untrusted` when everything is intact but the signer does not chain to `trust.caPem` or its
 *   certificate is not meant for signing documents.
 *
 * Why the strictness: parts of a CMS are outside its signature (the certificate bag, the versions,
 * unsigned attributes, a certificate's outer signature algorithm). A verifier that ignored them would
 * call a file with an edited byte "valid"; checking them against what the standards fix (and against
 * the signatures of the certificates that are present) makes every edit visible.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cryptoEngine, OID } from './cms.js';
import { tokenCovers } from './tsa.js';
import type { TrustAnchors, Verification, VerificationCheck, VerificationStatus } from './verification.js';
import { exactArrayBuffer } from './bytes.js';
import { describePathFailure, validatePkijsPath } from './path-validation.js';
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
}

/**
 * Parses a ContentInfo(SignedData) with one signer and checks its unsigned parts against RFC 5652:
 * DER exactly (a re-encoding must give the same bytes), the version numbers §5.1/§5.3 prescribe,
 * digestAlgorithms naming the signer's digest, NULL-or-absent parameters, X.509 certificates only and
 * the signer's among them, contentType attribute = eContentType, single-valued attributes.
 */
function parseCms(bytes: Uint8Array, expect: { eContentType: string }): ParsedCms {
  const ber = asn1js.fromBER(exactArrayBuffer(bytes));
  if (ber.offset === -1) throw new ProfileError(`not ASN.1 (${ber.result.error})`);
  if (ber.offset !== bytes.byteLength) throw new ProfileError(`${bytes.byteLength - ber.offset} bytes follow the DER structure`);
  const notDer = derProblem(bytes);
  if (notDer) throw new ProfileError(`not DER: ${notDer}`);
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
    if (attribute.values.length !== 1) throw new ProfileError(`the signed attribute ${attribute.type} has ${attribute.values.length} values`);
  const contentType = signed.find((a) => a.type === OID.contentType)?.values[0];
  if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.valueBlock.toString() !== eContentType)
    throw new ProfileError('the contentType attribute is missing or differs from the encapsulated content type');
  if (!signed.some((a) => a.type === OID.messageDigest)) throw new ProfileError('there is no messageDigest attribute');

  // Unsigned attributes are outside the signature: only the one this profile defines is accepted, so an
  // edited attribute type cannot make a timestamp silently disappear.
  const unsigned = signerInfo.unsignedAttrs?.attributes ?? [];
  if (unsigned.some((a) => a.type !== OID.signatureTimeStampToken)) throw new ProfileError('an unsigned attribute other than a signature timestamp is present');
  if (unsigned.length > 1 || unsigned.some((a) => a.values.length !== 1)) throw new ProfileError('more than one signature timestamp');
  return { signedData, signerInfo, certificates, signer };
}

/**
 * Where `bytes` is not DER: every length definite and minimal, every constructed value exactly filled by
 * its elements, no end-of-contents octets, INTEGER, BOOLEAN and NULL in their one DER form. asn1js is
 * lenient (it stops at 00 00, re-encodes what it read), so a longer outer length followed by zero
 * padding would otherwise pass for the same CMS.
 */
function derProblem(bytes: Uint8Array, start = 0, end = bytes.length, depth = 0): string | undefined {
  if (depth > 64) return 'nested too deeply';
  let i = start;
  while (i < end) {
    const tag = bytes[i++]!;
    if (tag === 0) return `end-of-contents octets at ${i - 1}`;
    if ((tag & 0x1f) === 0x1f)
      do {
        if (i >= end) return 'truncated tag';
      } while (bytes[i++]! & 0x80);
    if (i >= end) return 'truncated length';
    let length = bytes[i++]!;
    if (length === 0x80) return `indefinite length at ${i - 2}`;
    if (length > 0x80) {
      const count = length & 0x7f;
      if (count > 4 || i + count > end || bytes[i] === 0) return `bad length at ${i - 1}`;
      length = 0;
      for (let k = 0; k < count; k++) length = length * 256 + bytes[i++]!;
      if (length < 0x80) return `non-minimal length at ${i - count - 1}`;
    }
    if (i + length > end) return `a length beyond its container at ${i}`;
    if (tag & 0x20) {
      const inner = derProblem(bytes, i, i + length, depth + 1);
      if (inner) return inner;
    } else if (tag === 0x02) {
      const [first, second] = [bytes[i], bytes[i + 1]];
      if (length === 0 || (length > 1 && ((first === 0 && second! < 0x80) || (first === 0xff && second! >= 0x80)))) return `non-minimal INTEGER at ${i}`;
    } else if (tag === 0x01) {
      if (length !== 1 || (bytes[i] !== 0 && bytes[i] !== 0xff)) return `non-DER BOOLEAN at ${i}`;
    } else if (tag === 0x05 && length !== 0) return `non-empty NULL at ${i}`;
    else if (tag === 0x03) {
      // The unused-bits count, and those bits zero (X.690 §11.2): verifiers ignore them otherwise.
      const unused = bytes[i]!;
      if (length === 0 || unused > 7 || (length === 1 && unused !== 0) || (bytes[i + length - 1]! & ((1 << unused) - 1)) !== 0)
        return `non-DER BIT STRING at ${i}`;
    }
    i += length;
  }
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
 * The certificates a CMS carries are not covered by its signature, but each is signed by its issuer:
 * a certificate whose issuer is present (in the CMS or among the trust anchors, found by name, else by
 * authority key identifier) must verify under it, and its outer signature algorithm must equal the one
 * inside (RFC 5280 §4.1.1.2). Returns the problem found, if any.
 */
async function bagProblem(certificates: pkijs.Certificate[], anchors: pkijs.Certificate[]): Promise<string | undefined> {
  const pool = [...certificates, ...anchors];
  for (const [i, cert] of certificates.entries()) {
    const label = `certificate ${i + 1} (${commonName(cert) ?? 'no CN'})`;
    if (!Buffer.from(cert.signatureAlgorithm.toSchema().toBER()).equals(Buffer.from(cert.signature.toSchema().toBER())))
      return `${label}: its outer and inner signature algorithms differ`;
    // A signature is a whole number of bytes; pkijs would ignore an unused-bits count.
    if (cert.signatureValue.valueBlock.unusedBits !== 0) return `${label}: its signature BIT STRING declares unused bits`;
    const byName = pool.filter((c) => c.subject.isEqual(cert.issuer));
    if (byName.length > 0) {
      let ok = false;
      for (const issuer of byName) if ((ok = await signedBy(cert, issuer))) break;
      if (!ok) return `${label}: its signature does not verify under its issuer's key`;
      continue;
    }
    const aki = keyIdentifier(cert, EXT.authorityKeyId);
    if (aki && pool.some((c) => Buffer.from(keyIdentifier(c, EXT.subjectKeyId) ?? []).equals(Buffer.from(aki))))
      return `${label}: its issuer name does not match the issuer its authority key identifier names`;
  }
  return undefined;
}

/** The certHash of an ESS signingCertificateV2 (RFC 5035; sha256 unless named) or v1 (sha1) attribute matches `cert`. */
function essCertMatches(signerInfo: pkijs.SignerInfo, cert: pkijs.Certificate): boolean | 'absent' {
  const attributes = signerInfo.signedAttrs?.attributes ?? [];
  const v2 = attributes.find((a) => a.type === OID.signingCertificateV2);
  const v1 = attributes.find((a) => a.type === SIGNING_CERTIFICATE_V1);
  const attribute = v2 ?? v1;
  if (!attribute) return 'absent';
  try {
    const certs = ((attribute.values[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence).valueBlock.value;
    const first = (certs[0] as asn1js.Sequence).valueBlock.value;
    let algorithm = v2 ? 'sha256' : 'sha1';
    let hashBlock = first[0];
    if (v2 && first[0] instanceof asn1js.Sequence) {
      const id = new pkijs.AlgorithmIdentifier({ schema: first[0] }).algorithmId;
      algorithm = id === OID.sha256 ? 'sha256' : id === '2.16.840.1.101.3.4.2.2' ? 'sha384' : id === '2.16.840.1.101.3.4.2.3' ? 'sha512' : '';
      hashBlock = first[1];
    }
    if (!algorithm || !(hashBlock instanceof asn1js.OctetString)) return false;
    const digest = createHash(algorithm).update(der(cert)).digest();
    return digest.equals(Buffer.from(hashBlock.valueBlock.valueHexView));
  } catch {
    return false;
  }
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
    if (!tokenCovers(token, signature)) return { broken: 'the timestamp token covers another signature (its imprint is not sha256 of this signature value)' };
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
  const bag = await bagProblem(parsed.certificates, anchors);
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
 * status (`malformed` for an unreadable CMS; see the module comment for the others).
 */
export async function verifyDetachedCms(cms: Uint8Array, data: Uint8Array | readonly Uint8Array[], trust: TrustAnchors): Promise<Verification> {
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
    return await verifyChecked(cms, parts, contentSha256, trust, verification, pass, fail);
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

  const bag = await bagProblem(certificates, anchors);
  if (bag) return fail('cms-certificates', bag, 'tampered');
  pass('cms-certificates');

  const v2 = signerInfo.signedAttrs?.attributes.some((a) => a.type === OID.signingCertificateV2) ? essCertMatches(signerInfo, signer) : 'absent';
  if (v2 !== true)
    return fail(
      'signing-certificate-v2',
      v2 === 'absent' ? 'no ESS signingCertificateV2 attribute' : "the signingCertificateV2 hash is not the signer certificate's",
      'tampered',
    );
  pass('signing-certificate-v2');

  const email = certificateEmail(signer);
  const cn = commonName(signer);
  if (email ?? cn) verification.signed_by = email ?? cn;
  const signingTime = signerInfo.signedAttrs?.attributes.find((a) => a.type === OID.signingTime)?.values[0];
  if (signingTime instanceof asn1js.UTCTime || signingTime instanceof asn1js.GeneralizedTime) {
    verification.signed_at = isoSeconds(signingTime.toDate());
    verification.signed_at_source = 'claimed-by-signer';
  }

  let checkDate = trust.now ?? new Date();
  const tokenAttribute = signerInfo.unsignedAttrs?.attributes.find((a) => a.type === OID.signatureTimeStampToken);
  if (!tokenAttribute) verification.checks.push({ name: 'timestamp', result: 'skipped', detail: 'no signature timestamp' });
  else {
    const token = new Uint8Array((tokenAttribute.values[0] as asn1js.AsnType).valueBeforeDecodeView);
    const outcome = await checkTimestamp(token, new Uint8Array(signerInfo.signature.valueBlock.valueHexView), anchors);
    if (outcome.broken) return fail('timestamp', outcome.broken, 'tampered');
    if (outcome.untrustedReason) verification.checks.push({ name: 'timestamp', result: 'fail', detail: outcome.untrustedReason });
    else {
      checkDate = outcome.genTime!;
      verification.signed_at = isoSeconds(outcome.genTime!);
      verification.signed_at_source = 'rfc3161';
      pass('timestamp', `RFC 3161 time ${verification.signed_at} from ${outcome.tsa}`);
    }
  }

  // RFC 5280 path validation, then the signer policy shared with bundles (signer-policy.ts).
  const path = await validatePkijsPath(signer, certificates, anchors, checkDate);
  if (!path.valid) return fail('chain', `the signer is not trusted: ${describePathFailure(path)}${anchors.length === 0 ? ' (--ca)' : ''}`, 'untrusted');
  pass('chain', `chains to a trusted root at ${isoSeconds(checkDate)} (${path.chain.length} certificates, RFC 5280 path validation)`);

  const leaf = path.chain[0]!;
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
