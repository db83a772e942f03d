/**
 * Revocation checking for X.509 signers (issue 13, long-term validation): the status of each
 * certificate of the signer's path, from CRLs (RFC 5280 section 6.3) and OCSP responses (RFC 6960)
 * at hand (a PDF's DSS, files given to `verify`) or fetched from the certificate's CRL distribution
 * points and AIA OCSP URL when the caller allows the network (it passes `fetch`). revocation-data.ts
 * reads and authenticates the data; this module decides.
 *
 * The rule follows ETSI EN 319 102-1 (V1.1.1) past signature validation: a signature whose certificate
 * was revoked is not failed when a proof of existence (here the RFC 3161 genTime) shows it was made
 * before the revocation time; without one the sub-indication is REVOKED_NO_POE. (The section numbers
 * of the standard were not checked against its text here.)
 * - with a trusted signing time T (a verified RFC 3161 genTime): revoked at or before T is `untrusted`;
 *   revoked after T for keyCompromise, cACompromise or aACompromise is `untrusted` too (the key may
 *   have been in other hands before the CA learnt of it; this is this product's policy on top of
 *   EN 319 102-1, which leaves it to the signature validation policy); any other reason after T
 *   (superseded, affiliationChanged, cessationOfOperation, certificateHold, privilegeWithdrawn,
 *   unspecified or none) leaves the status as it is and the report says `revoked`;
 * - without a trusted time, any revocation is `untrusted` (nobody can show the signature predates it).
 *
 * Which data proves "good" (RFC 5280 section 6.3.3 applied at the validation time, which is T, else
 * now): data issued at or after T, or data that was current at T (thisUpdate <= T <= nextUpdate), and
 * issued while the certificate was still within its validity (a CA may drop expired certificates from
 * its CRLs, RFC 5280 section 3.3), and not dated in the future. A "revoked" answer counts whenever it
 * was issued (a revocation is permanent; certificateHold, which a CA may lift, is treated alike).
 * Nothing usable: `not-checked`, with why, and the status is left as it was.
 */
import { randomBytes } from 'node:crypto';
import * as pkijs from 'pkijs';
import { exactArrayBuffer } from './bytes.js';
import { commonName, cryptoEngine } from './cms.js';
import { isoSeconds } from './cms-verify.js';
import type { Verification } from './verification.js';
import { ocspRequest, readCrl, readOcsp, revocationUrls, serialOf, UnusableData, type RevocationAnswer } from './revocation-data.js';

/** Where a piece of revocation data came from. */
export type DataOrigin = 'dss' | 'file' | 'network';

/** A GET (no request) or a POST of `request`; resolves to the body of a 2xx answer, rejects otherwise. */
export type RevocationFetcher = (url: string, request?: { body: Uint8Array; contentType: string }) => Promise<Uint8Array>;

/** The revocation data a verifier may use. */
export interface RevocationSources {
  /** DER CRLs at hand. */
  crls?: { der: Uint8Array; from: DataOrigin }[];
  /** DER OCSP responses at hand (OCSPResponse, or a bare BasicOCSPResponse). */
  ocsps?: { der: Uint8Array; from: DataOrigin }[];
  /** Further DER certificates (a DSS /Certs) for path building. */
  certs?: Uint8Array[];
  /** Network access; absent: offline, only the data above. */
  fetch?: RevocationFetcher;
}

/** The revocation outcome of one certificate of the signer's path. */
export interface CertificateRevocation {
  /** The certificate's common name (else its serial). */
  certificate: string;
  /** Serial number, hex. */
  serial: string;
  status: 'good' | 'revoked' | 'not-checked';
  source?: 'crl' | 'ocsp';
  from?: DataOrigin;
  /** The time the deciding data speaks for (its thisUpdate). */
  as_of?: string;
  revoked_at?: string;
  reason?: string;
  /** In words: what the data said, or why nothing could be checked. */
  detail: string;
}

export interface ValidationTime {
  at: Date;
  /** True when `at` is a verified RFC 3161 time; false when it is "now" (or the signer's claim). */
  trusted: boolean;
}

export interface PathRevocation {
  certificates: CertificateRevocation[];
  /** Set when a revocation makes the signer untrusted under the rule above. */
  untrusted?: string;
}

/** Revocation reasons that say the key was out of its holder's control. */
const COMPROMISE = new Set(['keyCompromise', 'cACompromise', 'aACompromise']);
/** Clock skew tolerated between a responder and this machine. */
const SKEW_MS = 5 * 60_000;

/** Why a revocation makes the signer untrusted at `time`, or undefined when it does not (see the module comment). */
export function revocationProblem(revokedAt: Date, reason: string | undefined, time: ValidationTime): string | undefined {
  const what = `revoked on ${isoSeconds(revokedAt)}${reason ? ` (${reason})` : ''}`;
  if (!time.trusted) return `${what}; without a trusted signing time, any revocation counts`;
  if (revokedAt <= time.at) return `${what}, before the trusted signing time ${isoSeconds(time.at)}`;
  if (reason && COMPROMISE.has(reason)) return `${what}, after the trusted signing time ${isoSeconds(time.at)}, but for a compromised key`;
  return undefined;
}

/** Why a "good" or "unknown" answer cannot speak for `cert` at `time`, or undefined when it can. */
function staleness(answer: RevocationAnswer, cert: pkijs.Certificate, time: ValidationTime, now: Date): string | undefined {
  if (answer.thisUpdate.getTime() > now.getTime() + SKEW_MS) return `it is dated ${isoSeconds(answer.thisUpdate)}, in the future`;
  if (answer.thisUpdate > cert.notAfter.value)
    return `it was issued ${isoSeconds(answer.thisUpdate)}, after the certificate expired (${isoSeconds(cert.notAfter.value)})`;
  if (answer.thisUpdate >= time.at) return undefined;
  if (answer.nextUpdate && time.at <= answer.nextUpdate) return undefined;
  return `it speaks for ${isoSeconds(answer.thisUpdate)}${answer.nextUpdate ? ` to ${isoSeconds(answer.nextUpdate)}` : ''}, not for ${isoSeconds(time.at)}`;
}

interface Candidate {
  answer: RevocationAnswer;
  from: DataOrigin;
}

async function offlineCandidates(
  cert: pkijs.Certificate,
  issuer: pkijs.Certificate,
  pool: pkijs.Certificate[],
  sources: RevocationSources,
  problems: string[],
): Promise<Candidate[]> {
  const found: Candidate[] = [];
  for (const { der, from } of sources.ocsps ?? []) {
    try {
      found.push({ answer: await readOcsp(der, cert, issuer), from });
    } catch (cause) {
      // Data about other certificates is not a problem worth reporting: a DSS holds the whole path's.
      if (cause instanceof UnusableData && !/no CertID matches/.test(cause.message)) problems.push(`OCSP (${from}): ${cause.message}`);
    }
  }
  for (const { der, from } of sources.crls ?? []) {
    try {
      found.push({ answer: await readCrl(der, cert, issuer, pool), from });
    } catch (cause) {
      if (cause instanceof UnusableData && !/not about the certificate's issuer/.test(cause.message)) problems.push(`CRL (${from}): ${cause.message}`);
    }
  }
  return found;
}

/** Fetches the certificate's OCSP status and CRLs; each failure becomes a problem in words. */
export async function fetchCandidates(
  cert: pkijs.Certificate,
  issuer: pkijs.Certificate,
  pool: pkijs.Certificate[],
  fetch: RevocationFetcher,
  problems: string[],
): Promise<(Candidate & { der: Uint8Array })[]> {
  const found: (Candidate & { der: Uint8Array })[] = [];
  const urls = revocationUrls(cert);
  if (urls.ocsp.length === 0 && urls.crl.length === 0) problems.push('the certificate names no CRL distribution point and no OCSP responder');
  for (const url of urls.ocsp) {
    const nonce = randomBytes(16);
    try {
      const der = await fetch(url, { body: await ocspRequest(cert, issuer, nonce), contentType: 'application/ocsp-request' });
      found.push({ answer: await readOcsp(der, cert, issuer, nonce), from: 'network', der });
    } catch (cause) {
      problems.push(`OCSP ${url}: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }
  for (const url of urls.crl) {
    try {
      const der = await fetch(url);
      found.push({ answer: await readCrl(der, cert, issuer, pool), from: 'network', der });
    } catch (cause) {
      problems.push(`CRL ${url}: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }
  return found;
}

function decide(cert: pkijs.Certificate, candidates: Candidate[], time: ValidationTime, problems: string[], now: Date): CertificateRevocation | undefined {
  const base = { certificate: commonName(cert) ?? serialOf(cert), serial: serialOf(cert) };
  const revoked = candidates.filter((c) => c.answer.status === 'revoked').sort((a, b) => a.answer.revokedAt!.getTime() - b.answer.revokedAt!.getTime())[0];
  const describe = (c: Candidate) => ({
    source: c.answer.kind,
    from: c.from,
    as_of: isoSeconds(c.answer.thisUpdate),
  });
  if (revoked)
    return {
      ...base,
      status: 'revoked',
      ...describe(revoked),
      revoked_at: isoSeconds(revoked.answer.revokedAt!),
      ...(revoked.answer.reason ? { reason: revoked.answer.reason } : {}),
      detail: `${revoked.answer.kind.toUpperCase()} (${revoked.from}) says revoked on ${isoSeconds(revoked.answer.revokedAt!)}${revoked.answer.reason ? ` for ${revoked.answer.reason}` : ''}`,
    };
  for (const candidate of candidates) {
    const label = `${candidate.answer.kind.toUpperCase()} (${candidate.from})`;
    if (candidate.answer.status === 'unknown') {
      problems.push(`${label}: the responder does not know the certificate`);
      continue;
    }
    const stale = staleness(candidate.answer, cert, time, now);
    if (stale) {
      problems.push(`${label}: ${stale}`);
      continue;
    }
    return { ...base, status: 'good', ...describe(candidate), detail: `${label} says good as of ${isoSeconds(candidate.answer.thisUpdate)}` };
  }
  return undefined;
}

/** The revocation status of `cert` (issued by `issuer`) at `time`: data at hand first, then the network when allowed. */
export async function certificateRevocation(
  cert: pkijs.Certificate,
  issuer: pkijs.Certificate,
  time: ValidationTime,
  sources: RevocationSources,
  pool: pkijs.Certificate[] = [],
  now: Date = new Date(),
): Promise<CertificateRevocation> {
  const problems: string[] = [];
  const offline = decide(cert, await offlineCandidates(cert, issuer, pool, sources, problems), time, problems, now);
  if (offline) return offline;
  if (sources.fetch) {
    const online = decide(cert, await fetchCandidates(cert, issuer, pool, sources.fetch, problems), time, problems, now);
    if (online) return online;
  } else if (problems.length === 0) problems.push('no revocation data at hand (no DSS, no --crl/--ocsp) and the network is not allowed (--online)');
  return { certificate: commonName(cert) ?? serialOf(cert), serial: serialOf(cert), status: 'not-checked', detail: problems.join('; ') };
}

const derOf = (cert: pkijs.Certificate): Buffer => Buffer.from(cert.toSchema().toBER());

/** The certificate in `candidates` that issued `cert` (name and signature), if any. */
export async function issuerOf(cert: pkijs.Certificate, candidates: pkijs.Certificate[]): Promise<pkijs.Certificate | undefined> {
  for (const candidate of candidates) {
    if (!candidate.subject.isEqual(cert.issuer)) continue;
    try {
      if (await cert.verify(candidate, cryptoEngine())) return candidate;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

/** DER certificates to pkijs, skipping what does not parse (a DSS is outside every signature). */
export function certificatesOf(ders: Uint8Array[]): pkijs.Certificate[] {
  const out: pkijs.Certificate[] = [];
  for (const der of ders) {
    try {
      out.push(pkijs.Certificate.fromBER(exactArrayBuffer(der)));
    } catch {
      // Ignored: an unreadable certificate proves nothing.
    }
  }
  return out;
}

/**
 * The revocation status of every certificate from `signer` up to (not including) the trust anchor it
 * chains to, and whether one of them makes the signer untrusted at `time`.
 */
export async function pathRevocation(
  signer: pkijs.Certificate,
  carried: pkijs.Certificate[],
  anchors: pkijs.Certificate[],
  time: ValidationTime,
  sources: RevocationSources,
  now: Date = new Date(),
): Promise<PathRevocation> {
  const pool = [...carried, ...certificatesOf(sources.certs ?? []), ...anchors];
  const anchorDers = anchors.map(derOf);
  const certificates: CertificateRevocation[] = [];
  let untrusted: string | undefined;
  let cert = signer;
  for (let depth = 0; depth < 10 && !anchorDers.some((a) => a.equals(derOf(cert))); depth++) {
    const issuer = await issuerOf(cert, pool);
    if (!issuer) {
      certificates.push({
        certificate: commonName(cert) ?? serialOf(cert),
        serial: serialOf(cert),
        status: 'not-checked',
        detail: 'its issuer is not at hand',
      });
      break;
    }
    const outcome = await certificateRevocation(cert, issuer, time, sources, pool, now);
    certificates.push(outcome);
    if (outcome.status === 'revoked' && !untrusted) {
      const problem = revocationProblem(new Date(outcome.revoked_at!), outcome.reason, time);
      if (problem) untrusted = `${outcome.certificate} ${problem}`;
    }
    cert = issuer;
  }
  return { certificates, ...(untrusted ? { untrusted } : {}) };
}

/** One word for a path: revoked when any certificate is, good when every one is, else not-checked. */
export function revocationSummary(certificates: readonly CertificateRevocation[]): 'good' | 'revoked' | 'not-checked' {
  if (certificates.some((c) => c.status === 'revoked')) return 'revoked';
  return certificates.length > 0 && certificates.every((c) => c.status === 'good') ? 'good' : 'not-checked';
}

/**
 * The `revocation` check of a signature whose chain and key usage passed (called by cms-verify.ts):
 * records the path's outcome on `verification` and turns it `untrusted` when the rule says so.
 */
export async function revocationCheck(
  verification: Verification,
  signer: pkijs.Certificate,
  carried: pkijs.Certificate[],
  anchors: pkijs.Certificate[],
  time: ValidationTime,
  sources: RevocationSources,
): Promise<Verification> {
  const outcome = await pathRevocation(signer, carried, anchors, time, sources);
  verification.revocation = outcome.certificates;
  const words = outcome.certificates.map((c) => `${c.certificate}: ${c.status} (${c.detail})`).join('; ');
  if (outcome.untrusted) {
    verification.checks.push({ name: 'revocation', result: 'fail', detail: outcome.untrusted });
    return { ...verification, status: 'untrusted' };
  }
  const summary = revocationSummary(outcome.certificates);
  verification.checks.push({ name: 'revocation', result: summary === 'not-checked' ? 'skipped' : 'pass', detail: words });
  return verification;
}

/** Self-issued and self-signed: a root, which has no revocation status of its own. */
async function selfSigned(cert: pkijs.Certificate): Promise<boolean> {
  return (await issuerOf(cert, [cert])) !== undefined;
}

/**
 * The validation data a PAdES B-LT signature stores, fetched at signing time: for every certificate of
 * `certificates` (the signer's and the TSA's paths) that is not a root, the OCSP responses and CRLs its
 * responders and distribution points give now, each authenticated and current. A certificate with no
 * usable answer, or a revoked one, is a problem: the level cannot be met honestly.
 */
export async function collectValidationData(
  certificates: pkijs.Certificate[],
  fetch: RevocationFetcher,
  now: Date = new Date(),
): Promise<{ crls: Uint8Array[]; ocsps: Uint8Array[]; problems: string[] }> {
  const crls: Uint8Array[] = [];
  const ocsps: Uint8Array[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const cert of certificates) {
    const id = derOf(cert).toString('base64');
    if (seen.has(id) || (await selfSigned(cert))) continue;
    seen.add(id);
    const name = commonName(cert) ?? serialOf(cert);
    const issuer = await issuerOf(cert, certificates);
    if (!issuer) {
      problems.push(`${name}: its issuer is not in the chain (add it to signing.chain)`);
      continue;
    }
    const failures: string[] = [];
    const usable = [];
    for (const candidate of await fetchCandidates(cert, issuer, certificates, fetch, failures)) {
      if (candidate.answer.status === 'revoked') {
        problems.push(
          `${name} is revoked (${candidate.answer.kind.toUpperCase()}: ${isoSeconds(candidate.answer.revokedAt!)}${candidate.answer.reason ? `, ${candidate.answer.reason}` : ''})`,
        );
        continue;
      }
      const stale =
        candidate.answer.status === 'unknown'
          ? 'the responder does not know the certificate'
          : staleness(candidate.answer, cert, { at: now, trusted: true }, now);
      if (stale) failures.push(`${candidate.answer.kind.toUpperCase()}: ${stale}`);
      else usable.push(candidate);
    }
    if (usable.length === 0) problems.push(`${name}: no usable revocation data (${failures.join('; ') || 'none'})`);
    for (const candidate of usable) (candidate.answer.kind === 'crl' ? crls : ocsps).push(candidate.der);
  }
  return { crls, ocsps, problems };
}
