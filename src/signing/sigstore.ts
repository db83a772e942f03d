/**
 * Sigstore bundles (v0.3, DSSE envelope, in-toto Statement v1) for every rendered artifact: the
 * `<file>.sigstore.json` sidecar (notes/signing.md §3 and §4 "What gets produced").
 *
 * Signing: with a local key (RSA or EC P-256; the bundle names the key by a hint) and an optional
 * RFC 3161 time-stamp, or keyless in CI (GitHub OIDC -> Fulcio certificate -> Rekor `dsse` entry,
 * optional TSA). Verification is offline: `@sigstore/verify` with trust material built from what
 * the user gives (`--key`, `--ca`, `--trusted-root` + identity policy), plus the checks the library
 * leaves to the caller (the statement subject against the file, the RFC 3161 TSA chain to `--ca`).
 *
 * The Sigstore packages and pkijs are imported here only: app/ loads this module lazily.
 */
import { createHash, createPublicKey, sign as cryptoSign, X509Certificate as NodeX509, type KeyObject } from 'node:crypto';
import { bundleFromJSON, bundleToJSON, type Bundle, type SerializedBundle } from '@sigstore/bundle';
import { RFC3161Timestamp } from '@sigstore/core';
import { PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs';
import { CIContextProvider, DSSEBundleBuilder, FulcioSigner, RekorWitness, TSAWitness, type Signer, type Witness } from '@sigstore/sign';
import { toSignedEntity, toTrustMaterial, Verifier, type SignedEntity, type TrustMaterial, type VerificationPolicy } from '@sigstore/verify';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { ExitCode, InfracastError } from '../errors.js';
import { canonicalJson } from '../model/order.js';
import { certificateEmail, commonName, cryptoEngine, parseCertificates, readSigningKey } from './cms.js';
import { requestTimestamp, tstInfoOf, tokenCovers } from './tsa.js';
import { worstStatus, type SignedMetadata, type TrustAnchors, type Verification, type VerificationCheck, type VerificationStatus } from './verification.js';
import { exactArrayBuffer } from './bytes.js';
import { checkTimestamp } from './cms-verify.js';
import { decodeCertificate } from './x509-certificate.js';
import { describePathFailure, validatePkijsPath } from './path-validation.js';
import { bareKeyIdentityProblem, identityProblem, signerUsageProblem, tsaUsageProblem, type SignerKind } from './signer-policy.js';

export type { SerializedBundle } from '@sigstore/bundle';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_TYPE = 'https://infracast.dev/attestations/compliance-report/v1';
/** The DSSE payload type of an in-toto statement. */
export const PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface ReportPredicate {
  tenant: string;
  framework: string | null;
  report_type: string;
  format: string;
  generated_at: string;
  /** sha256 of the canonical report JSON: the same data can be checked across formats. */
  report_data_sha256: string;
  signer: {
    email?: string;
    kind: 'key' | 'keyless';
    /** PEM certificates, leaf first: lets `verify --ca` tie the bundle's bare key to an X.509 identity. */
    certificate_chain?: string[];
  };
  generator: { name: 'infracast'; version: string };
}

export interface InTotoStatement {
  _type: typeof STATEMENT_TYPE;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: typeof PREDICATE_TYPE;
  predicate: ReportPredicate;
}

/** The in-toto Statement v1 for one artifact. */
export function inTotoStatement(subject: { name: string; sha256: string }, predicate: ReportPredicate): InTotoStatement {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: subject.name, digest: { sha256: subject.sha256.toLowerCase() } }],
    predicateType: PREDICATE_TYPE,
    predicate,
  };
}

/** The DSSE payload: sorted keys, no whitespace, so one statement always signs the same bytes. */
export function statementPayload(statement: InTotoStatement): Buffer {
  return Buffer.from(canonicalJson(statement), 'utf8');
}

/** The `<file>.sigstore.json` text: sorted keys, 2-space indent, trailing newline (byte-identical for one bundle). */
export function bundleSerialize(bundle: SerializedBundle): string {
  return `${canonicalJson(bundle, 2)}\n`;
}

const sha256 = (bytes: Uint8Array | string): Buffer => createHash('sha256').update(bytes).digest();
const spkiDer = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });
/** The key hint of a local-key bundle: hex sha256 of the SubjectPublicKeyInfo DER (the same id `verify` prints). */
export const keyHint = (key: KeyObject): string => sha256(spkiDer(key)).toString('hex');
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

// ---------------------------------------------------------------------------------------------
// Signing with a local key
// ---------------------------------------------------------------------------------------------

export interface SignWithKeyInput {
  statement: InTotoStatement;
  /** PEM private key, RSA or EC P-256, unencrypted. Never echoed in errors. */
  key: string;
  /** PEM certificates of the key, leaf first: written into the signed predicate for `verify --ca`. */
  chain?: string;
  /** An RFC 3161 endpoint (`signing.tsa_url`): the token goes into the bundle's timestampVerificationData. */
  timestamp?: { url: string; timeoutMs?: number };
}

/**
 * A Witness that time-stamps the DSSE signature at a standard RFC 3161 endpoint (binary
 * `application/timestamp-query`, e.g. DigiCert or `openssl ts`), unlike @sigstore/sign's TSAWitness
 * which speaks the Sigstore TSA's JSON API. The token lands where @sigstore/verify looks for it.
 */
class Rfc3161Witness implements Witness {
  constructor(private readonly options: { url: string; timeoutMs?: number }) {}

  async testify(content: Parameters<Witness['testify']>[0]): Promise<Awaited<ReturnType<Witness['testify']>>> {
    if (content.$case !== 'dsseEnvelope') throw new Error('only DSSE bundles are time-stamped here');
    const signature = content.dsseEnvelope.signatures[0]?.sig;
    if (!signature) throw new Error('the envelope has no signature to time-stamp');
    // The bundle format stores the whole TimeStampResp (status + token), not the bare token.
    const { response } = await requestTimestamp(signature, this.options);
    return { rfc3161Timestamps: [{ signedTimestamp: Buffer.from(response) }] };
  }
}

/** PEM blocks of a chain, normalised (one block per entry, trailing newline). */
function pemBlocks(chain: string): string[] {
  return [...chain.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => `${m[0]}\n`);
}

/** The certificate's e-mail, else its common name: who a certificate names as signer. */
const certificateName = (cert: pkijs.Certificate): string | undefined => certificateEmail(cert) ?? commonName(cert);

/** A DSSE bundle v0.3 over the statement, signed with a local key; `witnesses: []` unless a TSA is given. */
export async function signWithKey(input: SignWithKeyInput): Promise<SerializedBundle> {
  const privateKey = readSigningKey(input.key);
  const publicKey = createPublicKey(privateKey);
  const hint = keyHint(publicKey);
  let statement = input.statement;
  if (input.chain !== undefined) {
    const leaf = parseCertificates(input.chain)[0]!;
    // A key that is not the leaf's would make `verify --ca` reject every bundle: say so now.
    if (!Buffer.from(leaf.subjectPublicKeyInfo.toSchema().toBER()).equals(spkiDer(publicKey)))
      throw new InfracastError('SIGNING_KEY_INVALID', 'The signing key does not match the first certificate of the chain (the signer certificate).', {
        hints: ['Put the certificate of this key first in the chain file.'],
      });
    const email = certificateName(leaf);
    statement = {
      ...statement,
      predicate: {
        ...statement.predicate,
        signer: {
          ...statement.predicate.signer,
          kind: 'key',
          ...(statement.predicate.signer.email === undefined && email?.includes('@') ? { email } : {}),
          certificate_chain: pemBlocks(input.chain),
        },
      },
    };
  }
  const signer: Signer = {
    // ECDSA signatures come out DER-encoded and RSA as PKCS#1 v1.5, which is what @sigstore/verify checks.
    sign: async (data) => ({
      signature: cryptoSign('sha256', data, privateKey),
      key: { $case: 'publicKey', publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), hint },
    }),
  };
  const witnesses: Witness[] = input.timestamp ? [new Rfc3161Witness(input.timestamp)] : [];
  try {
    const bundle = await new DSSEBundleBuilder({ signer, witnesses }).create({ data: statementPayload(statement), type: PAYLOAD_TYPE });
    return bundleToJSON(bundle);
  } catch (cause) {
    if (cause instanceof InfracastError) throw cause;
    // Not the cause's text verbatim: Node's key errors never quote the key, but say only what failed.
    throw new InfracastError('SIGNING_FAILED', `Signing the Sigstore bundle failed: ${cause instanceof Error ? cause.name : 'error'}.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Keyless signing (CI)
// ---------------------------------------------------------------------------------------------

export interface SignKeylessInput {
  statement: InTotoStatement;
  fulcioURL: string;
  rekorURL: string;
  /** A Sigstore TSA (JSON API, `POST /api/v1/timestamp`), e.g. https://timestamp.sigstore.dev. */
  tsaURL?: string;
  /** Upload a `dsse` entry to Rekor. Without it a TSA is required: the Fulcio certificate lives 10 minutes. */
  tlog: boolean;
  /** An OIDC token; default: GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN) or SIGSTORE_ID_TOKEN. */
  identityToken?: string;
}

const OIDC_HINTS = [
  'In GitHub Actions, give the job `permissions: id-token: write` (it sets ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN).',
  'Elsewhere, put an OIDC token for the audience "sigstore" in SIGSTORE_ID_TOKEN, or sign with a local key (--key).',
];

async function identityToken(given: string | undefined): Promise<string> {
  if (given) return given;
  const env = process.env;
  const gha = Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  if (!gha && !env.SIGSTORE_ID_TOKEN)
    throw new InfracastError('OIDC_TOKEN_UNAVAILABLE', 'Keyless signing needs an OIDC identity token, and none is available.', {
      exitCode: ExitCode.Environment,
      hints: OIDC_HINTS,
    });
  try {
    const token = await new CIContextProvider('sigstore').getToken();
    if (typeof token !== 'string' || !token) throw new Error('empty token');
    return token;
  } catch (cause) {
    throw new InfracastError('OIDC_TOKEN_UNAVAILABLE', `The OIDC identity token could not be obtained${gha ? ' from GitHub Actions' : ''}.`, {
      exitCode: ExitCode.Environment,
      hints: OIDC_HINTS,
      cause: cause instanceof Error ? cause : undefined,
    });
  }
}

/** A DSSE bundle v0.3 signed keyless: Fulcio certificate, Rekor `dsse` entry unless `tlog: false`, optional TSA. */
export async function signKeyless(input: SignKeylessInput): Promise<SerializedBundle> {
  if (!input.tlog && !input.tsaURL)
    throw new InfracastError('USAGE', 'Keyless signing without the transparency log needs a time-stamp authority.', {
      exitCode: ExitCode.Usage,
      hints: ['The Fulcio certificate is valid for minutes only: set a Sigstore TSA URL, or keep the Rekor upload on.'],
    });
  const token = await identityToken(input.identityToken);
  const signer = new FulcioSigner({ fulcioBaseURL: input.fulcioURL, identityProvider: { getToken: () => Promise.resolve(token) } });
  const witnesses: Witness[] = [];
  // `dsse` entries, never `intoto` (legacyCompatibility): Rekor then keeps hashes, not the statement with tenant data.
  if (input.tlog) witnesses.push(new RekorWitness({ rekorBaseURL: input.rekorURL, entryType: 'dsse', fetchOnConflict: true }));
  if (input.tsaURL) witnesses.push(new TSAWitness({ tsaBaseURL: input.tsaURL }));
  try {
    const bundle = await new DSSEBundleBuilder({ signer, witnesses }).create({ data: statementPayload(input.statement), type: PAYLOAD_TYPE });
    return bundleToJSON(bundle);
  } catch (cause) {
    // @sigstore/sign quotes the identity token in some messages (IDENTITY_TOKEN_PARSE_ERROR): never repeat it.
    const text = message(cause).split(token).join('<token>');
    const code = (cause as { code?: unknown }).code;
    throw new InfracastError('SIGSTORE_FAILED', `Keyless signing failed${typeof code === 'string' ? ` (${code})` : ''}: ${text}.`, {
      exitCode: ExitCode.Environment,
      hints: [
        `Check that Fulcio (${input.fulcioURL})${input.tlog ? `, Rekor (${input.rekorURL})` : ''}${input.tsaURL ? ` and the TSA (${input.tsaURL})` : ''} are reachable.`,
      ],
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

export interface VerifyBundleInput {
  /** The parsed sidecar JSON (anything: hostile input is reported, never thrown). */
  bundle: unknown;
  /** The artifact's bytes. */
  artifact: Uint8Array;
  /**
   * The artifact's file name. The digest decides which subject is the file; a different name (a
   * renamed download, `report (1).xlsx`) is only noted in the `subject-name` check, never tampering.
   */
  artifactName?: string;
  trust: TrustAnchors;
}

/** PEM blocks as pkijs certificates; undefined when any block is not a certificate. */
function certificatesOf(pem: string | undefined): pkijs.Certificate[] {
  if (!pem) return [];
  try {
    return parseCertificates(pem);
  } catch {
    return [];
  }
}

/**
 * An X.509 signer of a bundle through the shared RFC 5280 validator and signer policy (the same as
 * a PDF's or a .p7s's): the failing check and why, or the decoded leaf.
 */
async function x509SignerProblem(
  leaf: pkijs.Certificate,
  intermediates: pkijs.Certificate[],
  roots: pkijs.Certificate[],
  at: Date,
  trust: TrustAnchors,
  kind: SignerKind,
): Promise<{ check: 'chain' | 'key-usage' | 'identity'; detail: string } | undefined> {
  const path = await validatePkijsPath(leaf, intermediates, roots, at);
  if (!path.valid) return { check: 'chain', detail: describePathFailure(path) };
  const usage = signerUsageProblem(path.chain[0]!, kind);
  if (usage) return { check: 'key-usage', detail: usage };
  // Keyless identities (SAN, OIDC issuer extension) are pinned by @sigstore/verify's policy.
  const identity = kind.keyless ? undefined : identityProblem(path.chain[0]!, trust);
  if (identity) return { check: 'identity', detail: identity };
  return undefined;
}

interface TokenResult {
  /** `tampered`: the token is corrupt, forged or covers another signature; `untrusted`: intact, TSA not trusted. */
  outcome: 'trusted' | 'untrusted' | 'tampered';
  detail: string;
  genTime?: Date;
  /** The bundle's signedTimestamp (a TimeStampResp). */
  response: Uint8Array;
}

/**
 * One RFC 3161 token, checked the way notes §4 "verify" step 5 says: imprint = sha256(DSSE signature),
 * the token's CMS signature, then the TSA certificate (critical timeStamping EKU) chaining to a root
 * at genTime. @sigstore/verify checks tokens too, but only against a Sigstore trusted root, and one bad
 * token fails its whole verification; here an untrusted TSA merely gives no `signed_at`.
 */
/** The TimeStampToken of a granted DER TimeStampResp (what Sigstore bundles store); throws otherwise. */
function tokenOfResponse(response: Uint8Array): Uint8Array {
  const ber = asn1js.fromBER(exactArrayBuffer(response));
  if (ber.offset === -1 || !(ber.result instanceof asn1js.Sequence)) throw new Error('not a DER TimeStampResp');
  const parsed = new pkijs.TimeStampResp({ schema: ber.result });
  if (parsed.status.status !== 0 && parsed.status.status !== 1) throw new Error(`the TSA refused (PKIStatus ${parsed.status.status})`);
  const block = ber.result.valueBlock.value[1];
  if (!block) throw new Error('granted, but no TimeStampToken');
  // The bytes as stored: the TSA's signature covers them, a re-encoding might differ.
  return new Uint8Array(block.valueBeforeDecodeView);
}

async function checkToken(response: Uint8Array, signature: Uint8Array, anchors: TsaAnchors): Promise<TokenResult> {
  let info: pkijs.TSTInfo;
  let signed: pkijs.SignedData;
  let token: Uint8Array;
  try {
    token = tokenOfResponse(response);
    info = tstInfoOf(token);
    signed = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(exactArrayBuffer(token)).content });
  } catch (error) {
    return { outcome: 'tampered', detail: `the time-stamp token is corrupt (${message(error)})`, response };
  }
  if (!tokenCovers(token, signature)) return { outcome: 'tampered', detail: 'the time-stamp token covers another signature', response };
  const genTime = info.genTime;
  // A token may leave its TSA certificate out (the Sigstore TSA API does unless asked): look in the anchors.
  const carried = (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  if (carried.length > 0) {
    // The same checks as a PDF signature's token (cms-verify): the carried certificates are not covered by
    // the token's signature, so an edit there is caught by their ESS hash and their issuers' signatures.
    const outcome = await checkTimestamp(token, signature, [...anchors.roots, ...anchors.certs].map(derOf));
    if (outcome.broken) return { outcome: 'tampered', detail: outcome.broken, response };
    if (outcome.untrustedReason) return { outcome: 'untrusted', detail: `${outcome.untrustedReason}; time-stamp ignored`, response, genTime };
    return { outcome: 'trusted', detail: `RFC 3161 time-stamp at ${isoSecond(genTime)}`, response, genTime };
  }
  if (carried.length === 0) signed.certificates = anchors.certs;
  let signer: pkijs.Certificate | undefined;
  try {
    const result = await signed.verify(
      // For a TSTInfo, pkijs compares the imprint with `data` too (checked above with a clearer message).
      { signer: 0, data: exactArrayBuffer(signature), extendedMode: true, checkChain: false },
      cryptoEngine(),
    );
    if (!result.signatureVerified) return { outcome: 'tampered', detail: 'the time-stamp token signature does not verify', response };
    signer = result.signerCertificate ?? undefined;
  } catch (error) {
    // pkijs codes 2 and 3: no certificate to check the signature with, i.e. an unknown TSA, not an edit.
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 2 || code === 3)
      return { outcome: 'untrusted', detail: 'the TSA certificate is neither in the token nor among the trust anchors; time-stamp ignored', response, genTime };
    return { outcome: 'tampered', detail: `the time-stamp token signature does not verify (${message(error)})`, response };
  }
  if (!signer) return { outcome: 'untrusted', detail: 'the time-stamp token names no TSA certificate', response, genTime };
  const usage = tsaUsageOf(signer);
  if (usage)
    return { outcome: 'untrusted', detail: `the TSA certificate is not a time-stamping certificate (${usage}); time-stamp ignored`, response, genTime };
  const intermediates = [...carried, ...anchors.certs].filter((c) => c !== signer);
  const path = await validatePkijsPath(signer, intermediates, anchors.roots, genTime);
  if (!path.valid) return { outcome: 'untrusted', detail: `the TSA is not trusted (${describePathFailure(path)}); time-stamp ignored`, response, genTime };
  return { outcome: 'trusted', detail: `RFC 3161 time-stamp at ${isoSecond(genTime)}`, response, genTime };
}

const derOf = (cert: pkijs.Certificate): Uint8Array => new Uint8Array(cert.toSchema().toBER());
/** The TSA policy (signer-policy.ts) for a pkijs certificate; one that does not decode fails it. */
function tsaUsageOf(cert: pkijs.Certificate): string | undefined {
  try {
    return tsaUsageProblem(decodeCertificate(derOf(cert)));
  } catch {
    return 'critical extendedKeyUsage timeStamping only';
  }
}

const isoSecond = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

/** What TSA tokens are checked against: root certificates, and certificates that may complete a path. */
interface TsaAnchors {
  roots: pkijs.Certificate[];
  certs: pkijs.Certificate[];
}

type Authority = TrustedRoot['timestampAuthorities'][number];

/** The TSAs of a Sigstore trusted root. */
const trustedRootTsaAnchors = (root: TrustedRoot | undefined): TsaAnchors => authorityAnchors(root?.timestampAuthorities ?? []);

/** Certificate authorities (Fulcio CAs or TSAs) of a trusted root: each chain is leaf first, its last certificate the root. */
function authorityAnchors(authorities: Authority[]): TsaAnchors {
  const anchors: TsaAnchors = { roots: [], certs: [] };
  for (const authority of authorities) {
    try {
      const chain = (authority.certChain?.certificates ?? []).map((c) => pkijs.Certificate.fromBER(exactArrayBuffer(c.rawBytes)));
      const last = chain.at(-1);
      if (!last) continue;
      anchors.roots.push(last);
      anchors.certs.push(...chain.slice(0, -1));
    } catch {
      // A broken anchor anchors nothing.
    }
  }
  return anchors;
}

/** The certificates of a bundle's verification material: the signer's, then any chain it carries. */
function bundleCertificates(bundle: Bundle): { leaf?: pkijs.Certificate; intermediates: pkijs.Certificate[] } {
  const material = bundle.verificationMaterial.content;
  const raw =
    material.$case === 'certificate'
      ? [material.certificate.rawBytes]
      : material.$case === 'x509CertificateChain'
        ? material.x509CertificateChain.certificates.map((c) => c.rawBytes)
        : [];
  try {
    const [leaf, ...intermediates] = raw.map((bytes) => pkijs.Certificate.fromBER(exactArrayBuffer(bytes)));
    return leaf ? { leaf, intermediates } : { intermediates: [] };
  } catch {
    return { intermediates: [] };
  }
}

/** Trust material with no CA, log or TSA and the one key: what a local-key bundle is checked with. */
function keyTrustMaterial(hint: string, key: KeyObject): TrustMaterial {
  const details =
    key.asymmetricKeyType === 'rsa'
      ? (({ 2048: PublicKeyDetails.PKIX_RSA_PKCS1V15_2048_SHA256, 3072: PublicKeyDetails.PKIX_RSA_PKCS1V15_3072_SHA256 } as Record<number, PublicKeyDetails>)[
          key.asymmetricKeyDetails?.modulusLength ?? 0
        ] ?? PublicKeyDetails.PKIX_RSA_PKCS1V15_4096_SHA256)
      : PublicKeyDetails.PKIX_ECDSA_P256_SHA_256;
  const root = TrustedRoot.fromJSON({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1' });
  return toTrustMaterial(root, { [hint]: { rawBytes: spkiDer(key), keyDetails: details, validFor: undefined } });
}

/** The statement of a verified payload, or why it is not one of ours. */
function readStatement(payload: Buffer): { statement: InTotoStatement } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return { problem: 'the DSSE payload is not JSON' };
  }
  const s = value as Partial<InTotoStatement> | null;
  if (!s || typeof s !== 'object' || s._type !== STATEMENT_TYPE) return { problem: 'the DSSE payload is not an in-toto Statement v1' };
  if (s.predicateType !== PREDICATE_TYPE) return { problem: `the statement's predicate type is ${String(s.predicateType)}, not an Infracast report` };
  if (!Array.isArray(s.subject) || !s.predicate || typeof s.predicate !== 'object') return { problem: 'the statement has no subject or predicate' };
  return { statement: s as InTotoStatement };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function metadataOf(predicate: ReportPredicate): SignedMetadata {
  const m: SignedMetadata = {};
  const tenant = str(predicate.tenant);
  const framework = str(predicate.framework);
  const reportType = str(predicate.report_type);
  const generatedAt = str(predicate.generated_at);
  const format = str(predicate.format);
  if (tenant !== undefined) m.tenant = tenant;
  if (framework !== undefined) m.framework = framework;
  if (reportType !== undefined) m.report_type = reportType;
  if (generatedAt !== undefined) m.generated_at = generatedAt;
  if (format !== undefined) m.format = format;
  return m;
}

/** Errors of @sigstore/verify carry a code; SIGNATURE_ERROR is the only one that means "edited". */
const verifyCode = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERROR';
};

/** Verifies a sidecar bundle against the artifact. Never throws: every problem is a check and a status. */
export async function verifyBundle(input: VerifyBundleInput): Promise<Verification> {
  try {
    return await verifyUnsafe(input);
  } catch (error) {
    // A bug or an input shape nobody foresaw: still an answer, never `valid`.
    return { status: 'malformed', checks: [{ name: 'bundle-parse', result: 'fail', detail: `unexpected input (${message(error)})` }] };
  }
}

async function verifyUnsafe({ bundle: json, artifact, artifactName, trust }: VerifyBundleInput): Promise<Verification> {
  const checks: VerificationCheck[] = [];
  const statuses: VerificationStatus[] = [];
  const fail = (name: string, status: VerificationStatus, detail: string): void => {
    checks.push({ name, result: 'fail', detail });
    statuses.push(status);
  };
  const artifactSha256 = sha256(artifact).toString('hex');
  const done = (extra: Partial<Verification> = {}): Verification => ({
    status: worstStatus(statuses),
    ...extra,
    signed_content_sha256: artifactSha256,
    checks,
  });

  // 1. bundle-parse
  let bundle: Bundle;
  try {
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('not a JSON object');
    bundle = bundleFromJSON(json);
  } catch (error) {
    fail('bundle-parse', 'malformed', `not a Sigstore bundle (${message(error)})`);
    return done();
  }
  if (bundle.content.$case !== 'dsseEnvelope') {
    fail('bundle-parse', 'malformed', 'the bundle holds a message signature, not a DSSE envelope');
    return done();
  }
  const envelope = bundle.content.dsseEnvelope;
  const signature = envelope.signatures[0]?.sig;
  if (envelope.signatures.length !== 1 || !signature || signature.length === 0) {
    fail('bundle-parse', 'malformed', `the DSSE envelope has ${envelope.signatures.length} signatures, not one`);
    return done();
  }
  // The payload type is signed (DSSE PAE): a changed one fails the signature check below (`tampered`);
  // an intact envelope of another type is not a statement of ours (`malformed`, after the signature).
  const foreignType = envelope.payloadType !== PAYLOAD_TYPE;
  const material = bundle.verificationMaterial.content;
  checks.push({ name: 'bundle-parse', result: 'pass', detail: `${bundle.mediaType}, ${material.$case === 'publicKey' ? 'local key' : 'certificate'}` });

  let trustedRoot: TrustedRoot | undefined;
  if (trust.trustedRootJson !== undefined) {
    try {
      trustedRoot = TrustedRoot.fromJSON(trust.trustedRootJson);
    } catch {
      trustedRoot = undefined;
    }
  }

  // Timestamps first (reported last): the verified time is when certificates must have been valid.
  const tokens = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? [];
  const tsaAnchors: TsaAnchors = material.$case === 'publicKey' ? { roots: certificatesOf(trust.caPem), certs: [] } : trustedRootTsaAnchors(trustedRoot);
  const tokenResults: TokenResult[] = [];
  for (const t of tokens) tokenResults.push(await checkToken(new Uint8Array(t.signedTimestamp), signature, tsaAnchors));
  const trustedToken = tokenResults.find((r) => r.outcome === 'trusted');
  const checkTime = trustedToken?.genTime ?? trust.now ?? new Date();

  // The entity @sigstore/verify checks: the tokens we trust only (it rejects the bundle for any other).
  const bare: Bundle = {
    ...bundle,
    verificationMaterial: { ...bundle.verificationMaterial, timestampVerificationData: { rfc3161Timestamps: [] } },
  } as Bundle;
  const entity: SignedEntity = toSignedEntity(bare);
  const trustedTimestamps: SignedEntity['timestamps'] = tokenResults
    .filter((r) => r.outcome === 'trusted')
    .map((r) => ({ $case: 'timestamp-authority', timestamp: RFC3161Timestamp.parse(Buffer.from(r.response)) }));

  // 2. dsse-signature
  let intact = false;
  let signedBy: string | undefined;
  let policyFailure: { check: string; detail: string } | undefined;
  let tlogTime: Date | undefined;
  const payloadRead: ReturnType<typeof readStatement> = readStatement(envelope.payload);
  const unreadable = foreignType
    ? `the DSSE payload type is ${envelope.payloadType}, not ${PAYLOAD_TYPE}`
    : 'problem' in payloadRead
      ? payloadRead.problem
      : undefined;
  // The chain carried in the payload names candidate keys below even when the type is foreign: an
  // edited type must still meet the key that signed the original and fail as `tampered`.
  const carriedStatement = 'statement' in payloadRead ? payloadRead.statement : undefined;
  const statement = unreadable === undefined ? carriedStatement : undefined;

  if (material.$case === 'publicKey') {
    const hint = material.publicKey.hint;
    // Candidate keys: the user's --key, and the leaf of the chain the signer put in the statement.
    const candidates: { key: KeyObject; from: 'key' | 'chain' }[] = [];
    if (trust.publicKeyPem) {
      try {
        candidates.push({ key: createPublicKey(trust.publicKeyPem), from: 'key' });
      } catch {
        fail('dsse-signature', 'untrusted', 'the given public key is not a readable PEM public key');
      }
    }
    // Read before the signature is checked, so hostile shapes are expected here: only an array of strings counts.
    const carried: unknown = carriedStatement?.predicate.signer?.certificate_chain;
    const chain = certificatesOf(Array.isArray(carried) ? carried.filter((c) => typeof c === 'string').join('\n') : undefined);
    if (chain[0]) {
      try {
        candidates.push({ key: new NodeX509(Buffer.from(chain[0].toSchema().toBER())).publicKey, from: 'chain' });
      } catch {
        // A leaf Node cannot read gives no key.
      }
    }
    const matching = candidates.filter((c) => keyHint(c.key) === hint);
    const key = matching[0]?.key;
    if (!key) {
      const why =
        candidates.length === 0
          ? 'no trust anchor for a local-key bundle (give the public key or the CA root)'
          : `no given key matches the bundle's key hint ${hint}`;
      if (!checks.some((c) => c.name === 'dsse-signature')) fail('dsse-signature', 'untrusted', why);
    } else {
      try {
        new Verifier(keyTrustMaterial(hint, key), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify({ ...entity, timestamps: [] });
        intact = true;
      } catch (error) {
        const code = verifyCode(error);
        fail('dsse-signature', code === 'SIGNATURE_ERROR' ? 'tampered' : 'untrusted', `${code}: ${message(error)}`);
      }
      if (intact && !statement) fail('dsse-signature', 'malformed', unreadable ?? 'unreadable payload');
      else if (intact) {
        const byKey = matching.some((c) => c.from === 'key');
        let byCa: string | undefined;
        let caProblem: string | undefined;
        if (trust.caPem && chain[0] && matching.some((c) => c.from === 'chain')) {
          const leaf = chain[0];
          const problem = await x509SignerProblem(leaf, chain.slice(1), certificatesOf(trust.caPem), checkTime, trust, { keyless: false });
          // The certificate chains but is not for signing documents, or is not the pinned signer: that
          // is decisive, whatever key was also given (the same policy as a PDF or .p7s signer).
          if (problem && problem.check !== 'chain') policyFailure = problem;
          else if (problem) caProblem = problem.detail;
          else byCa = certificateName(leaf);
        } else if (trust.caPem) caProblem = 'the statement carries no signer certificate for this key';
        const bareKeyProblem = bareKeyIdentityProblem(trust);
        if (policyFailure) {
          checks.push({ name: 'dsse-signature', result: 'pass', detail: 'the signature is intact; its certificate chains to the given CA' });
          fail(policyFailure.check, 'untrusted', policyFailure.detail);
        } else if (byCa) {
          signedBy = byCa;
          checks.push({ name: 'dsse-signature', result: 'pass', detail: `signed by ${byCa}, certificate chains to the given CA at ${isoSecond(checkTime)}` });
          if (trust.identity !== undefined || trust.issuer !== undefined) checks.push({ name: 'identity', result: 'pass', detail: byCa });
        } else if (byKey && bareKeyProblem) {
          checks.push({ name: 'dsse-signature', result: 'pass', detail: `the signature is intact under the given public key sha256:${hint}` });
          fail('identity', 'untrusted', bareKeyProblem);
        } else if (byKey) {
          signedBy = `sha256:${hint}`;
          checks.push({ name: 'dsse-signature', result: 'pass', detail: `signed by the given public key sha256:${hint}` });
        } else {
          fail('dsse-signature', 'untrusted', `the signature is intact, but the signer is not trusted (${caProblem ?? 'no trust anchor given'})`);
        }
      }
    }
  } else {
    // Keyless: integrity with the certificate's own key first, so an edit reads as `tampered`, not `untrusted`.
    const key = entity.key.$case === 'certificate' ? createPublicKey({ key: entity.key.certificate.publicKey, format: 'der', type: 'spki' }) : undefined;
    if (!key || !entity.signature.verifySignature(key)) {
      fail('dsse-signature', 'tampered', 'the DSSE signature does not verify with the bundle certificate');
    } else {
      intact = true;
      if (!statement) fail('dsse-signature', 'malformed', unreadable ?? 'unreadable payload');
      else if (!trustedRoot) fail('dsse-signature', 'untrusted', 'no Sigstore trusted root given for a keyless bundle');
      else if (!trust.identity) fail('dsse-signature', 'untrusted', 'no identity policy given for a keyless bundle (the expected certificate identity)');
      else {
        const policy: VerificationPolicy = { subjectAlternativeName: trust.identity, ...(trust.issuer ? { extensions: { issuer: trust.issuer } } : {}) };
        try {
          const signer = new Verifier(toTrustMaterial(trustedRoot), { tlogThreshold: 0, ctlogThreshold: 1, timestampThreshold: 1 }).verify(
            { ...entity, timestamps: [...trustedTimestamps, ...entity.timestamps.filter((t) => t.$case === 'transparency-log')] },
            policy,
          );
          const logged = bundle.verificationMaterial.tlogEntries.find((e) => e.inclusionPromise);
          if (logged) tlogTime = new Date(Number(logged.integratedTime) * 1000);
          // @sigstore/verify checked the Fulcio chain its own way; the shared RFC 5280 validator and signer
          // policy decide too (pathLen, critical extensions, usages), at the verified signing time.
          const { leaf, intermediates } = bundleCertificates(bundle);
          const authorities = authorityAnchors(trustedRoot.certificateAuthorities as unknown as Authority[]);
          const at = trustedToken?.genTime ?? tlogTime ?? checkTime;
          const problem = leaf
            ? await x509SignerProblem(leaf, [...intermediates, ...authorities.certs], authorities.roots, at, trust, { keyless: true })
            : { check: 'chain' as const, detail: 'the bundle certificate is unreadable' };
          if (problem) {
            checks.push({ name: 'dsse-signature', result: 'pass', detail: 'the signature is intact; @sigstore/verify accepted the certificate' });
            fail(problem.check, 'untrusted', problem.detail);
          } else signedBy = signer.identity?.subjectAlternativeName ?? trust.identity;
          if (!problem)
            checks.push({
              name: 'dsse-signature',
              result: 'pass',
              detail: `signed by ${signedBy} (issuer ${signer.identity?.extensions?.issuer ?? 'unknown'}), ${bundle.verificationMaterial.tlogEntries.length} transparency log entries; the Fulcio certificate path is valid (RFC 5280) at ${isoSecond(at)}`,
            });
        } catch (error) {
          const code = verifyCode(error);
          fail('dsse-signature', code === 'SIGNATURE_ERROR' ? 'tampered' : 'untrusted', `${code}: ${message(error)}`);
        }
      }
    }
  }

  // 3. subject-digest: @sigstore/verify does not look at the artifact for DSSE bundles.
  if (!intact || !statement) {
    checks.push({ name: 'subject-digest', result: 'skipped', detail: 'the statement is not verified' });
  } else {
    const subjects = statement.subject.filter((s) => s && typeof s === 'object');
    const match = subjects.find((s) => str(s.digest?.sha256)?.toLowerCase() === artifactSha256);
    if (!match) fail('subject-digest', 'tampered', `the file's sha256 ${artifactSha256} is not the signed subject digest`);
    else {
      checks.push({ name: 'subject-digest', result: 'pass', detail: `sha256 ${artifactSha256} matches subject ${String(match.name)}` });
      // A note, not a verdict: the bytes are the signed ones whatever the file is called now.
      if (artifactName !== undefined && match.name !== artifactName)
        checks.push({
          name: 'subject-name',
          result: 'pass',
          detail: `the file is named ${artifactName}; it was signed as ${String(match.name)} (the digest decides)`,
        });
    }
  }

  // 4. timestamp
  let signedAt: Pick<Verification, 'signed_at' | 'signed_at_source'> = {};
  for (const r of tokenResults) {
    if (r.outcome === 'tampered') fail('timestamp', 'tampered', r.detail);
    else checks.push({ name: 'timestamp', result: r.outcome === 'trusted' ? 'pass' : 'fail', detail: r.detail });
  }
  if (trustedToken?.genTime && intact) signedAt = { signed_at: isoSecond(trustedToken.genTime), signed_at_source: 'rfc3161' };
  else if (tlogTime && !Number.isNaN(tlogTime.getTime())) {
    signedAt = { signed_at: isoSecond(tlogTime), signed_at_source: 'transparency-log' };
    checks.push({ name: 'timestamp', result: 'pass', detail: `transparency log integrated time ${signedAt.signed_at}` });
  } else if (tokenResults.length === 0) checks.push({ name: 'timestamp', result: 'skipped', detail: 'no time-stamp in the bundle' });

  const verified = intact && statement !== undefined;
  // Only a valid verification names a signer: "signed by X" next to a changed file would read as an endorsement.
  return done({
    ...(signedBy && worstStatus(statuses) === 'valid' ? { signed_by: signedBy } : {}),
    ...signedAt,
    ...(verified ? metadataOf(statement.predicate) : {}),
  });
}
