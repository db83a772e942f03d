/**
 * `infracast verify`: the Reports API's "Verify a Signed Report" for a file on disk, with no account
 * and no network. A PDF's embedded signature, the `<file>.sigstore.json` bundle and the `<file>.p7s`
 * detached CMS beside the file are each verified; the file is `valid` only when every signature
 * present is valid, and one signature that does not match makes it `tampered`. A PDF may embed several
 * signatures and document timestamps (incremental updates): each is listed in `pdf_signatures`.
 *
 * Revocation (revocation.ts): each certificate of an X.509 signer's path (PDF, .p7s) is checked
 * against the CRLs and OCSP responses at hand: a PDF's DSS (PAdES B-LT) and files given with --crl /
 * --ocsp; with --online also against the distribution points and OCSP responders the certificates
 * name. Offline is the default: `verify` makes no network request unless asked. `checks.revocation`
 * sums it up (good, revoked, not-checked and why), `checks.revocation_certificates` per certificate.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ExitCode, InfracastError } from '../errors.js';
import { verifyPdf } from '../signing/pdf-verify.js';
import type { CertificateRevocation, RevocationSources } from '../signing/revocation.js';
import type { PdfSignatureReport, SignatureProfile, TrustAnchors, Verification, VerificationCheck, VerificationStatus } from '../signing/verification.js';
import { bundleName, p7sName } from './sidecars.js';

export type { PdfSignatureReport } from '../signing/verification.js';

export interface VerifyOptions {
  file: string;
  /** The Sigstore bundle; default `<file>.sigstore.json` when it exists. */
  bundle?: string;
  /** Root CA certificate files (PEM) to trust. */
  ca?: string[];
  /** A signer public key (PEM) for bundles signed with a local key. */
  key?: string;
  /** A Sigstore trusted_root.json for keyless bundles. */
  trustedRoot?: string;
  identity?: string;
  issuer?: string;
  /** Fetch revocation data from the certificates' CRL distribution points and OCSP responders. */
  online?: boolean;
  /** CRL files (DER or PEM) to use for revocation. */
  crl?: string[];
  /** OCSP response files (DER) to use for revocation. */
  ocsp?: string[];
  cwd?: string;
}

/** The spec's response, plus status, where the time comes from, and the checks made. */
export interface VerifyReport {
  file: string;
  valid: boolean;
  signed_by: string | null;
  signed_at: string | null;
  tenant: string | null;
  framework: string | null;
  generated_at: string | null;
  tampered: boolean;
  status: VerificationStatus;
  signed_at_source: Verification['signed_at_source'] | null;
  report_type: string | null;
  /** The signatures found: `pdf` (embedded), `bundle`, `p7s`. */
  signatures: string[];
  /** The embedded PDF signature's profile (PAdES baseline level met, or why not); null without one. */
  profile: SignatureProfile | null;
  /**
   * Every signature and document timestamp embedded in the PDF, oldest first: field, kind, signer,
   * status, the revision it covers, profile. A later update that alters a signed revision makes that
   * signature `tampered`; null when the file is not a signed PDF.
   */
  pdf_signatures: PdfSignatureReport[] | null;
  checks: {
    /** good: every certificate of every X.509 signer's path is known good; revoked: one is; else not-checked. */
    revocation: 'good' | 'revoked' | 'not-checked';
    /** What decided, or why nothing could be checked. */
    revocation_detail: string;
    revocation_certificates: (CertificateRevocation & { signature: string })[];
    performed: (VerificationCheck & { signature: string })[];
  };
}

/** tampered outranks everything: one signature that does not match the file decides. */
const PRECEDENCE: VerificationStatus[] = ['tampered', 'malformed', 'untrusted', 'unsigned', 'valid'];

/** The file's bytes, read in one call (a 10 MB report read in chunks through the event loop costs a verification's worth of waiting). */
async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function readRequired(path: string, what: string): Promise<Buffer> {
  const bytes = await readOptional(path);
  if (bytes === undefined)
    throw new InfracastError('FILE_NOT_FOUND', `${what} ${path} does not exist`, { exitCode: ExitCode.Usage, hints: ['Check the path.'] });
  return bytes;
}

async function trustOf(options: VerifyOptions, cwd: string): Promise<TrustAnchors> {
  const trust: TrustAnchors = {};
  if (options.ca && options.ca.length > 0) {
    const pems = await Promise.all(options.ca.map(async (path) => (await readRequired(resolve(cwd, path), '--ca')).toString('utf8')));
    for (const [i, pem] of pems.entries()) {
      if (!pem.includes('-----BEGIN CERTIFICATE-----'))
        throw new InfracastError('USAGE', `--ca ${options.ca[i]} holds no PEM certificate`, {
          exitCode: ExitCode.Usage,
          hints: ['Give the root CA certificate in PEM; convert DER with `openssl x509 -inform DER -in root.cer -out root.pem`.'],
        });
    }
    trust.caPem = pems.join('\n');
  }
  if (options.key) trust.publicKeyPem = (await readRequired(resolve(cwd, options.key), '--key')).toString('utf8');
  if (options.trustedRoot) {
    const text = (await readRequired(resolve(cwd, options.trustedRoot), '--trusted-root')).toString('utf8');
    try {
      trust.trustedRootJson = JSON.parse(text) as unknown;
    } catch {
      throw new InfracastError('USAGE', `--trusted-root ${options.trustedRoot} is not JSON (a Sigstore trusted_root.json)`, { exitCode: ExitCode.Usage });
    }
  }
  if (options.identity) trust.identity = options.identity;
  if (options.issuer) trust.issuer = options.issuer;
  return trust;
}

/** --crl / --ocsp files, and network access with --online. PEM CRLs are accepted as `openssl crl` writes them. */
async function revocationSourcesOf(options: VerifyOptions, cwd: string): Promise<RevocationSources> {
  const sources: RevocationSources = { crls: [], ocsps: [] };
  for (const path of options.crl ?? []) {
    const bytes = await readRequired(resolve(cwd, path), '--crl');
    const pem = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/.exec(bytes.toString('latin1'));
    sources.crls!.push({ der: pem ? Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64') : bytes, from: 'file' });
  }
  for (const path of options.ocsp ?? []) sources.ocsps!.push({ der: await readRequired(resolve(cwd, path), '--ocsp'), from: 'file' });
  if (options.online) sources.fetch = (await import('./revocation-fetch.js')).revocationFetcher();
  return sources;
}

/**
 * Whether `/DSS` occurs in the file. Searching "DSS" then checking the '/' before it is several times
 * faster on a 10 MB report than searching "/DSS": '/' starts every PDF name, so it is a poor first byte.
 */
function mentionsDssName(bytes: Buffer): boolean {
  for (let at = bytes.indexOf('DSS', 1, 'latin1'); at !== -1; at = bytes.indexOf('DSS', at + 1, 'latin1')) if (bytes[at - 1] === 0x2f) return true;
  return false;
}

/** The PDF's DSS (PAdES B-LT) added to the sources, when it has one. */
async function withDss(bytes: Uint8Array, sources: RevocationSources): Promise<RevocationSources> {
  // A byte search, before loading the DSS reader (and pdf-lib) at all: most signed PDFs have no DSS.
  if (!mentionsDssName(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) return sources;
  const { readDss } = await import('../signing/pdf-dss.js');
  const dss = await readDss(bytes);
  if (!dss) return sources;
  return {
    ...sources,
    crls: [...(sources.crls ?? []), ...dss.crls.map((der) => ({ der, from: 'dss' as const }))],
    ocsps: [...(sources.ocsps ?? []), ...dss.ocsps.map((der) => ({ der, from: 'dss' as const }))],
    certs: [...(sources.certs ?? []), ...dss.certs],
  };
}

/** One word for all the signatures checked, and why. */
function revocationOutcome(
  results: { signature: string; verification: Verification }[],
): Pick<VerifyReport['checks'], 'revocation' | 'revocation_detail' | 'revocation_certificates'> {
  const certificates = results.flatMap((r) => (r.verification.revocation ?? []).map((c) => ({ ...c, signature: r.signature })));
  const unchecked = results.filter((r) => r.verification.revocation === undefined && r.verification.status !== 'unsigned');
  const why = unchecked.map((r) =>
    r.signature === 'bundle'
      ? 'bundle: a Sigstore bundle signer has no CRL or OCSP status here'
      : `${r.signature}: the signature did not get that far (${r.verification.status})`,
  );
  const revoked = certificates.filter((c) => c.status === 'revoked');
  if (revoked.length > 0)
    return { revocation: 'revoked', revocation_detail: revoked.map((c) => `${c.certificate}: ${c.detail}`).join('; '), revocation_certificates: certificates };
  const open = certificates.filter((c) => c.status !== 'good');
  if (certificates.length > 0 && open.length === 0 && unchecked.length === 0)
    return {
      revocation: 'good',
      revocation_detail: certificates.map((c) => `${c.certificate}: ${c.detail}`).join('; '),
      revocation_certificates: certificates,
    };
  const reasons = [...open.map((c) => `${c.certificate}: ${c.detail}`), ...why];
  return { revocation: 'not-checked', revocation_detail: reasons.join('; ') || 'no X.509 signature to check', revocation_certificates: certificates };
}

const isPdf = (bytes: Uint8Array, file: string): boolean => file.toLowerCase().endsWith('.pdf') || Buffer.from(bytes.subarray(0, 1024)).includes('%PDF-');

export async function verifyFile(options: VerifyOptions): Promise<VerifyReport> {
  const cwd = options.cwd ?? process.cwd();
  const path = resolve(cwd, options.file);
  const bytes = await readRequired(path, 'the file');
  const trust = await trustOf(options, cwd);
  trust.revocation = await revocationSourcesOf(options, cwd);
  const results: { signature: string; verification: Verification }[] = [];

  if (isPdf(bytes, path)) {
    results.push({ signature: 'pdf', verification: await verifyPdf(bytes, { ...trust, revocation: await withDss(bytes, trust.revocation) }) });
  }
  const bundlePath = options.bundle ? resolve(cwd, options.bundle) : bundleName(path);
  const bundleBytes = options.bundle ? await readRequired(bundlePath, '--bundle') : await readOptional(bundlePath);
  if (bundleBytes !== undefined) {
    const { verifyBundle } = await import('../signing/sigstore.js');
    let parsed: unknown;
    try {
      parsed = JSON.parse(bundleBytes.toString('utf8')) as unknown;
    } catch {
      parsed = undefined;
    }
    const verification: Verification =
      parsed === undefined
        ? { status: 'malformed', checks: [{ name: 'bundle-parse', result: 'fail', detail: `${basename(bundlePath)} is not JSON` }] }
        : await verifyBundle({ bundle: parsed, artifact: bytes, artifactName: basename(path), trust });
    results.push({ signature: 'bundle', verification });
  }
  const p7s = await readOptional(p7sName(path));
  if (p7s !== undefined) {
    const { verifyDetachedCms } = await import('../signing/cms-verify.js');
    results.push({ signature: 'p7s', verification: await verifyDetachedCms(p7s, bytes, trust) });
  }
  // An unsigned PDF with no sidecar is reported as the PDF verifier saw it; a non-PDF with nothing beside it is unsigned.
  const signed = results.filter((r) => r.verification.status !== 'unsigned');
  const considered = signed.length > 0 ? signed : results;
  const status: VerificationStatus =
    considered.length === 0 ? 'unsigned' : (PRECEDENCE.find((s) => considered.some((r) => r.verification.status === s)) ?? 'valid');

  // Metadata from signed data only: the first signature that carries it (the PDF's Info dictionary, else the bundle's predicate).
  const metadata = (key: 'tenant' | 'framework' | 'generated_at' | 'report_type'): string | null =>
    considered.map((r) => r.verification[key]).find((v) => v !== undefined) ?? null;
  const timed = considered.find((r) => r.verification.signed_at_source === 'rfc3161') ?? considered.find((r) => r.verification.signed_at !== undefined);
  const signedBy = considered.map((r) => r.verification.signed_by).find((v) => v !== undefined) ?? null;

  // Two signatures of one file must tell the same story: a bundle of another report is tampering.
  const performed = considered.flatMap((r) => r.verification.checks.map((c) => ({ ...c, signature: r.signature })));
  let finalStatus = status;
  for (const key of ['tenant', 'framework', 'generated_at', 'report_type'] as const) {
    const values = new Set(considered.map((r) => r.verification[key]).filter((v) => v !== undefined));
    if (values.size > 1) {
      performed.push({
        signature: 'all',
        name: `consistent-${key.replace('_', '-')}`,
        result: 'fail',
        detail: `the signatures disagree: ${[...values].join(' / ')}`,
      });
      finalStatus = 'tampered';
    }
  }
  const pdf = considered.find((r) => r.signature === 'pdf');
  return {
    file: options.file,
    valid: finalStatus === 'valid',
    signed_by: signedBy,
    signed_at: timed?.verification.signed_at ?? null,
    tenant: metadata('tenant'),
    framework: metadata('framework'),
    generated_at: metadata('generated_at'),
    tampered: finalStatus === 'tampered',
    status: finalStatus,
    signed_at_source: timed?.verification.signed_at_source ?? null,
    report_type: metadata('report_type'),
    signatures: considered.filter((r) => r.verification.status !== 'unsigned').map((r) => r.signature),
    profile: pdf?.verification.profile ?? considered.find((r) => r.signature === 'p7s')?.verification.profile ?? null,
    pdf_signatures: pdf?.verification.signatures ?? null,
    checks: { ...revocationOutcome(considered), performed },
  };
}
