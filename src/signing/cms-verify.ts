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
import { readTstInfo, type SignerInfoFields } from './cms-reader.js';
import { cmsProfile, type CmsProfileFacts, type ProfileFamily } from './cms-profile.js';
import { bagProblem, essCertMatches, parseCms, subjectCommonName, subjectEmail, type ParsedCms } from './cms-structure.js';
import { contents, TAG, timeOf, type Tlv } from './der.js';
import { describePathFailure, validateDerPath } from './path-validation.js';
import { digestName, verifySignature } from './signature.js';
import { TST_INFO_OID, tokenCovers } from './tsa-token.js';
import { certificateBytes, decodeCertificate, type CertificateFields, type DecodedCertificate } from './x509-certificate.js';
import { identityProblem, signerUsageProblem, tsaUsageProblem } from './signer-policy.js';
import { noRevocationData } from './revocation-none.js';

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const messageOf = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));
/** RFC 3339 at second precision, as the verify output prints times. */
export const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

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
