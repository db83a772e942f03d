/**
 * RFC 5280 §6.1 certification path validation, once, for every signature check: PDF and `.p7s`
 * signers, bundle certificates, and the TSAs of RFC 3161 tokens (at their genTime). Pure: no IO, no
 * clock (the caller gives the time).
 *
 * Why not pkijs' CertificateChainValidationEngine: it ignores pathLenConstraint and unknown critical
 * extensions (issue 13), which is exactly what an attacker with a sub-CA or an odd certificate needs.
 *
 * Input: the leaf, the untrusted certificates that may complete a path, the trust anchors, and the
 * time, each certificate as DER bytes or PEM text (a PEM text may hold several certificates).
 * Output: `{ valid: true, chain }` (DER, leaf first, trust anchor last) or the first rule a path
 * broke, with the certificate that broke it.
 *
 * Path building: from the leaf upwards, issuer candidates are the certificates whose subject equals
 * the issuer name (RFC 5280 §7.1 comparison), trust anchors first, and among equals those whose
 * subjectKeyIdentifier is the child's authorityKeyIdentifier (a hint only: names and signatures
 * decide). Every candidate is tried (backtracking), a certificate appears at most once in a path,
 * and paths are bounded in length and number. When no path validates, the failure reported comes
 * from the most complete attempt: a path that reached an anchor, else a bad signature, else a name
 * that does not chain, else no issuer at all.
 *
 * Trust anchors are treated as certificates (as OpenSSL, Go and pyca/cryptography do, and as
 * x509-limbo expects): an anchor must be valid at the time, a CA (basicConstraints cA, critical),
 * allow keyCertSign, carry no unknown critical extension, and its pathLenConstraint and name
 * constraints bind the path below it. Its own signature is not checked. The RFC 5280 §4 profile rules
 * a conforming CA follows (see `profileProblem`) are checked on every certificate of the path.
 */
import type * as pkijs from 'pkijs';
import { sameBytes } from './der.js';
import { signatureHolds } from './signature.js';
import {
  certificateBytes,
  decodeCertificate,
  EXTENSION,
  extensionOf,
  KEY_USAGE,
  PROCESSED_EXTENSIONS,
  type DecodedCertificate,
  type GeneralName,
} from './x509-certificate.js';
import { ConstraintState, constraintProblem, describe, sameName, subjectEmails, validDnsName, validMailbox } from './x509-names.js';

export type CertificateInput = Uint8Array | string;

export interface PathValidationInput {
  leaf: CertificateInput;
  /** Untrusted certificates that may complete a path (e.g. the ones a CMS or a bundle carries). */
  intermediates?: readonly CertificateInput[];
  /** Trust anchors. */
  roots: readonly CertificateInput[];
  /** The instant every certificate must be valid at (compared at whole seconds, as certificates state them). */
  time: Date;
  /** At most this many intermediates that are not self-issued (a caller's policy; x509-limbo's max_chain_depth). */
  maxIntermediates?: number;
}

/** Stable names of the rules a path can break. */
export type PathRule =
  | 'malformed'
  | 'no-path'
  | 'name-chaining'
  | 'signature'
  | 'validity'
  | 'basic-constraints'
  | 'path-length'
  | 'key-cert-sign'
  | 'unknown-critical-extension'
  | 'extension-criticality'
  | 'name-constraints'
  | 'key-identifier'
  | 'serial-number'
  | 'signature-algorithm-mismatch'
  | 'empty-name'
  | 'subject-alt-name'
  | 'max-depth';

export interface PathFailure {
  valid: false;
  rule: PathRule;
  detail: string;
  /** The subject DN of the certificate that broke the rule (null when the input itself is unusable). */
  certificate: string | null;
}
export type PathValidationResult = { valid: true; chain: Uint8Array[] } | PathFailure;

/** The same result, with the decoded certificates of the chain (for the signer policy and messages). */
export type DecodedPathResult = { valid: true; chain: DecodedCertificate[] } | PathFailure;

/** Most intermediates any path may have, whatever the caller allows: bounds the search. */
const MAX_PATH_INTERMEDIATES = 8;
/** Most complete paths tried: a hostile pool of look-alike certificates cannot make the search explode. */
const MAX_PATHS = 64;

const fail = (rule: PathRule, detail: string, cert: DecodedCertificate | null): PathFailure => ({
  valid: false,
  rule,
  detail,
  certificate: cert ? cert.subjectText : null,
});

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function decodeAll(inputs: readonly CertificateInput[]): DecodedCertificate[] {
  const seen = new Set<string>();
  const out: DecodedCertificate[] = [];
  for (const der of inputs.flatMap(certificateBytes)) {
    const key = hex(der);
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      out.push(withSelfIssued(decodeCertificate(der)));
    } catch {
      // An unreadable extra certificate completes no path; the search reports what is missing.
    }
  }
  return out;
}

const withSelfIssued = (cert: DecodedCertificate): DecodedCertificate => ({ ...cert, selfIssued: sameName(cert.issuer, cert.subject) });

/** Validates the path of `leaf` (see the module comment). Never throws. */
export async function validatePath(input: PathValidationInput): Promise<PathValidationResult> {
  const leaves = certificateBytes(input.leaf);
  if (leaves.length !== 1) return fail('malformed', `the leaf must be one certificate (${leaves.length} given)`, null);
  let leaf: DecodedCertificate;
  try {
    leaf = withSelfIssued(decodeCertificate(leaves[0]!));
  } catch (cause) {
    return fail('malformed', `the leaf is not an X.509 certificate (${cause instanceof Error ? cause.message : String(cause)})`, null);
  }
  const result = await guarded(() =>
    validateDecodedPath(leaf, decodeAll(input.intermediates ?? []), decodeAll(input.roots), input.time, input.maxIntermediates),
  );
  return result.valid ? { valid: true, chain: result.chain.map((c) => c.der) } : result;
}

/** DER certificates (as a CMS carries them) through the same validator, with the decoded chain. */
export async function validateDerPath(
  leaf: Uint8Array,
  intermediates: readonly Uint8Array[],
  roots: readonly Uint8Array[],
  time: Date,
): Promise<DecodedPathResult> {
  let decodedLeaf: DecodedCertificate;
  try {
    decodedLeaf = withSelfIssued(decodeCertificate(leaf));
  } catch (cause) {
    return fail('malformed', `the signer certificate is not an X.509 certificate (${cause instanceof Error ? cause.message : String(cause)})`, null);
  }
  return guarded(() => validateDecodedPath(decodedLeaf, decodeAll(intermediates), decodeAll(roots), time));
}

/** pkijs certificates (a Sigstore bundle's) through the same validator. */
export async function validatePkijsPath(
  leaf: pkijs.Certificate,
  intermediates: readonly pkijs.Certificate[],
  roots: readonly pkijs.Certificate[],
  time: Date,
): Promise<DecodedPathResult> {
  const der = (c: pkijs.Certificate): Uint8Array => new Uint8Array(c.toSchema().toBER());
  return validateDerPath(der(leaf), intermediates.map(der), roots.map(der), time);
}

/** An input no rule foresaw is a failure, never a throw and never valid. */
async function guarded(run: () => Promise<DecodedPathResult>): Promise<DecodedPathResult> {
  try {
    return await run();
  } catch (cause) {
    return fail('malformed', `validation stopped: ${cause instanceof Error ? cause.message : String(cause)}`, null);
  }
}

/** A failure in one line: `rule: detail (certificate)`. */
export const describePathFailure = (f: PathFailure): string => `${f.rule}: ${f.detail}${f.certificate ? ` (${f.certificate})` : ''}`;

/** Failures ranked by how far the attempt got: the most informative one is reported. */
const RANK: Partial<Record<PathRule, number>> = { 'no-path': 0, 'max-depth': 1, 'name-chaining': 2, signature: 3 };
const rank = (f: PathFailure): number => RANK[f.rule] ?? 4;

async function validateDecodedPath(
  leaf: DecodedCertificate,
  pool: DecodedCertificate[],
  anchors: DecodedCertificate[],
  time: Date,
  maxIntermediates?: number,
): Promise<DecodedPathResult> {
  if (anchors.length === 0) return fail('no-path', 'no trust anchor given', leaf);
  const at = new Date(Math.floor(time.getTime() / 1000) * 1000);
  let best: PathFailure | undefined;
  const note = (f: PathFailure): void => {
    if (!best || rank(f) > rank(best)) best = f;
  };
  const signatures = new Map<string, Promise<boolean>>();
  const signedBy = (child: DecodedCertificate, issuer: DecodedCertificate): Promise<boolean> => {
    const key = `${hex(child.der)}/${hex(issuer.der)}`;
    let verdict = signatures.get(key);
    if (!verdict) {
      const { signatureAlgorithm, tbs, signatureValue } = child.fields;
      verdict = Promise.resolve(signatureHolds(signatureAlgorithm, issuer.fields.spki, tbs, signatureValue));
      signatures.set(key, verdict);
    }
    return verdict;
  };
  let pathsTried = 0;

  // The leaf itself trusted: a path of one certificate.
  if (anchors.some((a) => hex(a.der) === hex(leaf.der))) {
    const problem = checkPath([leaf], at);
    if (!problem) return { valid: true, chain: [leaf] };
    note(problem);
  }

  const hinted = (child: DecodedCertificate) => (c: DecodedCertificate) =>
    child.authorityKeyId !== undefined && c.subjectKeyId !== undefined && hex(c.subjectKeyId) === hex(child.authorityKeyId) ? 0 : 1;
  const byHint = (child: DecodedCertificate, list: DecodedCertificate[]): DecodedCertificate[] => {
    const order = hinted(child);
    return [...list].sort((a, b) => order(a) - order(b));
  };

  /** Depth-first from `path` (leaf first); returns a validated chain or undefined. */
  const extend = async (path: DecodedCertificate[]): Promise<DecodedCertificate[] | undefined> => {
    const current = path.at(-1)!;
    const anchorCandidates = byHint(
      current,
      anchors.filter((a) => sameName(a.subject, current.issuer)),
    );
    const poolCandidates = byHint(
      current,
      pool.filter(
        (c) => sameName(c.subject, current.issuer) && !path.some((p) => hex(p.der) === hex(c.der)) && !anchors.some((a) => hex(a.der) === hex(c.der)),
      ),
    );
    if (anchorCandidates.length === 0 && poolCandidates.length === 0) {
      const akiMatch =
        current.authorityKeyId && [...anchors, ...pool].find((c) => c.subjectKeyId && hex(c.subjectKeyId) === hex(current.authorityKeyId!) && c !== current);
      note(
        current.issuer.length === 0
          ? fail('empty-name', 'the issuer name is empty (RFC 5280 §4.1.2.4)', current)
          : akiMatch
            ? fail(
                'name-chaining',
                `its issuer name is not the subject of the certificate its authority key identifier names (${akiMatch.subjectText})`,
                current,
              )
            : fail('no-path', `no trusted or given certificate is its issuer (${describeIssuer(current)})`, current),
      );
      return undefined;
    }
    for (const anchor of anchorCandidates) {
      if (pathsTried++ >= MAX_PATHS) return undefined;
      if (!(await signedBy(current, anchor))) {
        note(fail('signature', `its signature does not verify under the key of ${anchor.subjectText}`, current));
        continue;
      }
      const candidate = [...path, anchor];
      const problem = checkPath([...candidate].reverse(), at, maxIntermediates);
      if (!problem) return candidate;
      note(problem);
    }
    const intermediates = path.length - 1;
    if (poolCandidates.length > 0 && intermediates >= MAX_PATH_INTERMEDIATES) {
      note(fail('max-depth', `no trust anchor within ${MAX_PATH_INTERMEDIATES} intermediate certificates`, current));
      return undefined;
    }
    for (const issuer of poolCandidates) {
      if (pathsTried >= MAX_PATHS) return undefined;
      if (!(await signedBy(current, issuer))) {
        note(fail('signature', `its signature does not verify under the key of ${issuer.subjectText}`, current));
        continue;
      }
      const found = await extend([...path, issuer]);
      if (found) return found;
    }
    return undefined;
  };

  const chain = await extend([leaf]);
  if (chain) return { valid: true, chain };
  return best ?? fail('no-path', 'no path to a trust anchor', leaf);
}

function describeIssuer(cert: DecodedCertificate): string {
  return cert.issuer.length === 0 ? 'an empty issuer name' : `issuer ${cert.issuer.map((rdn) => rdn.map((a) => a.text).join('+')).join(', ')}`;
}

/**
 * RFC 5280 §6.1.3 and §6.1.4 over one path, trust anchor first and leaf last: the first rule broken.
 */
function checkPath(path: DecodedCertificate[], at: Date, maxIntermediates?: number): PathFailure | undefined {
  const constraints = new ConstraintState();
  let maxPathLength = Number.POSITIVE_INFINITY;
  const last = path.length - 1;
  if (maxIntermediates !== undefined) {
    const counted = path.slice(1, last).filter((c) => !c.selfIssued).length;
    if (counted > maxIntermediates)
      return fail('max-depth', `the path has ${counted} intermediate certificates, at most ${maxIntermediates} allowed`, path[1] ?? null);
  }
  for (const [i, cert] of path.entries()) {
    const isLeaf = i === last;
    if (cert.malformed) return fail('malformed', cert.malformed, cert);
    const profile = profileProblem(cert, isLeaf ? 'leaf' : 'ca');
    if (profile) return profile;
    if (at < cert.notBefore) return fail('validity', `not valid before ${cert.notBefore.toISOString()} (checked at ${at.toISOString()})`, cert);
    if (at > cert.notAfter) return fail('validity', `expired at ${cert.notAfter.toISOString()} (checked at ${at.toISOString()})`, cert);
    const unknown = cert.extensions.find((e) => e.critical && !PROCESSED_EXTENSIONS.includes(e.id));
    if (unknown) return fail('unknown-critical-extension', `the critical extension ${unknown.id} is not one this validator processes`, cert);

    // Names of every certificate below an anchor are within the constraints in force, except a
    // self-issued intermediate's (RFC 5280 §6.1.3 b, c: key rollover).
    if (i > 0 && (isLeaf || !cert.selfIssued)) {
      for (const name of namesOf(cert)) {
        const problem = constraints.problem(name);
        if (problem) return fail('name-constraints', problem, cert);
      }
    }
    if (isLeaf) break;

    // Preparation for the next certificate (RFC 5280 §6.1.4).
    if (cert.nameConstraints) {
      for (const base of [...cert.nameConstraints.permitted, ...cert.nameConstraints.excluded]) {
        const problem = constraintProblem(base);
        if (problem) return fail('name-constraints', problem, cert);
      }
      constraints.add(cert.nameConstraints);
    }
    if (i > 0 && !cert.selfIssued) {
      if (maxPathLength <= 0) return fail('path-length', 'a pathLenConstraint above allows no further CA certificate here', cert);
      maxPathLength--;
    }
    const pathLen = cert.basicConstraints?.pathLen;
    if (pathLen !== undefined && pathLen < maxPathLength) maxPathLength = pathLen;
  }
  return undefined;
}

/** The names name constraints apply to: the subject DN, the SAN entries, and the subject's emailAddress when there is no SAN. */
function namesOf(cert: DecodedCertificate): GeneralName[] {
  const names: GeneralName[] = [];
  if (cert.subject.length > 0) names.push({ form: 'directory', rdns: cert.subject });
  if (cert.subjectAltNames) names.push(...cert.subjectAltNames);
  else for (const email of subjectEmails(cert.subject)) names.push({ form: 'rfc822', value: email });
  return names;
}

/**
 * The RFC 5280 §4 rules for a certificate at a position of the path (`ca`: any but the leaf; the
 * trust anchor included). Each is a MUST of the profile that a conforming CA follows.
 */
function profileProblem(cert: DecodedCertificate, position: 'leaf' | 'ca'): PathFailure | undefined {
  const { fields: c } = cert;
  if (c.version !== 2 && cert.extensions.length > 0) return fail('malformed', `a v${c.version + 1} certificate with extensions (only v3 may have them)`, cert);
  const serial = c.serial;
  if (serial.length > 20 || (serial[0] ?? 0) & 0x80 || serial.every((b) => b === 0))
    return fail('serial-number', 'the serial number is not a positive integer of at most 20 octets (RFC 5280 §4.1.2.2)', cert);
  if (!sameBytes(c.innerAlgorithm.der, c.signatureAlgorithm.der))
    return fail('signature-algorithm-mismatch', 'the outer signatureAlgorithm differs from the signature field inside (RFC 5280 §4.1.1.2)', cert);
  if (cert.issuer.length === 0) return fail('empty-name', 'the issuer name is empty (RFC 5280 §4.1.2.4)', cert);
  if (position === 'ca' && cert.subject.length === 0) return fail('empty-name', 'a CA certificate with an empty subject (RFC 5280 §4.1.2.6)', cert);

  const critical = (id: string): boolean | undefined => extensionOf(cert, id)?.critical;
  if (critical(EXTENSION.authorityKeyId)) return fail('extension-criticality', 'authorityKeyIdentifier is marked critical (RFC 5280 §4.2.1.1)', cert);
  if (critical(EXTENSION.subjectKeyId)) return fail('extension-criticality', 'subjectKeyIdentifier is marked critical (RFC 5280 §4.2.1.2)', cert);
  if (critical(EXTENSION.authorityInfoAccess)) return fail('extension-criticality', 'authorityInfoAccess is marked critical (RFC 5280 §4.2.2.1)', cert);
  if (critical(EXTENSION.policyConstraints) === false)
    return fail('extension-criticality', 'policyConstraints is not marked critical (RFC 5280 §4.2.1.11)', cert);
  if (critical(EXTENSION.nameConstraints) === false) return fail('extension-criticality', 'nameConstraints is not marked critical (RFC 5280 §4.2.1.10)', cert);
  if (!cert.selfIssued && !cert.authorityKeyId?.length)
    return fail('key-identifier', 'no authorityKeyIdentifier keyIdentifier, which a certificate not self-issued must carry (RFC 5280 §4.2.1.1)', cert);

  const ca = cert.basicConstraints?.ca === true;
  if (cert.keyUsage?.has(KEY_USAGE.keyCertSign) && !ca)
    return fail('key-cert-sign', 'keyUsage asserts keyCertSign but basicConstraints does not assert cA (RFC 5280 §4.2.1.3)', cert);
  if (cert.basicConstraints?.pathLen !== undefined && !ca) return fail('basic-constraints', 'a pathLenConstraint without cA (RFC 5280 §4.2.1.9)', cert);
  if (cert.nameConstraints && !ca) return fail('name-constraints', 'nameConstraints in a certificate that is not a CA (RFC 5280 §4.2.1.10)', cert);

  if (cert.subject.length === 0 && critical(EXTENSION.subjectAltName) !== true)
    return fail('subject-alt-name', 'an empty subject without a critical subjectAltName (RFC 5280 §4.2.1.6)', cert);
  for (const name of cert.subjectAltNames ?? []) {
    const bad =
      (name.form === 'dns' && !validDnsName(name.value)) ||
      (name.form === 'rfc822' && !validMailbox(name.value)) ||
      (name.form === 'ip' && name.bytes.length !== 4 && name.bytes.length !== 16);
    if (bad) return fail('subject-alt-name', `the subjectAltName ${describe(name)} is not well-formed (RFC 5280 §4.2.1.6)`, cert);
  }

  if (position === 'ca') {
    if (!cert.basicConstraints) return fail('basic-constraints', 'a CA certificate without basicConstraints (RFC 5280 §6.1.4 k)', cert);
    if (!ca) return fail('basic-constraints', 'basicConstraints does not assert cA, yet the certificate issues another', cert);
    if (critical(EXTENSION.basicConstraints) !== true)
      return fail('basic-constraints', 'basicConstraints of a CA certificate is not marked critical (RFC 5280 §4.2.1.9)', cert);
    if (cert.keyUsage && !cert.keyUsage.has(KEY_USAGE.keyCertSign))
      return fail('key-cert-sign', 'keyUsage of a CA certificate does not assert keyCertSign (RFC 5280 §6.1.4 n)', cert);
    if (!cert.subjectKeyId?.length) return fail('key-identifier', 'a CA certificate without subjectKeyIdentifier (RFC 5280 §4.2.1.2)', cert);
  }
  return undefined;
}
