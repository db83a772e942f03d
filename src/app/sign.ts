/**
 * The sign stage (DESIGN.md "One pipeline": bytes in, signed bytes and sidecars out), as the app
 * layer runs it: read the workspace's signing set-up once (key files, passphrase variable, TSA,
 * Sigstore mode, network policy), then sign each artifact just before it is published, so that the
 * bytes hashed are the bytes written.
 *
 *   report.pdf                PAdES signature embedded (X.509 key), RFC 3161 token when tsa_url is set
 *   <file>.sigstore.json      Sigstore bundle v0.3: DSSE envelope of an in-toto statement (every format)
 *   <file>.p7s                detached CMS, when signing.p7s is true (for `openssl cms -verify`)
 *
 * The signing modules (pkijs, sigstore) are imported only here and only when something is signed.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { ExitCode, InfracastError } from '../errors.js';
import { networkRefusal } from '../model/config.js';
import type { WorkspaceConfig } from '../model/config.js';
import { canonicalJson } from '../model/order.js';
import type { SigningIdentity } from '../signing/keys.js';
import type { ReportPredicate } from '../signing/sigstore.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { configOf } from './listing.js';
import { toolVersion } from './provenance.js';
import { readIndex } from './publish.js';
import { bundleName, p7sName } from './sidecars.js';

export type SigstoreMode = 'key' | 'keyless' | 'off';

/**
 * PAdES baseline levels (ETSI EN 319 142-1 section 6): B-B the signature; B-T plus an RFC 3161
 * signature timestamp; B-LT plus a DSS dictionary with the validation data (chains, CRLs, OCSP
 * responses); B-LTA plus a document timestamp over all of it.
 */
export const PADES_LEVELS = ['B-B', 'B-T', 'B-LT', 'B-LTA'] as const;
export type PadesLevel = (typeof PADES_LEVELS)[number];

/** signing.pades_level, or its default: B-T when a TSA is configured (the timestamp is free then), else B-B. */
export function padesLevelOf(plan: Pick<SigningPlan, 'padesLevel' | 'tsa'>): PadesLevel {
  return plan.padesLevel ?? (plan.tsa ? 'B-T' : 'B-B');
}

/** The workspace's signing set-up, read once per run. */
export interface SigningPlan {
  /** The X.509 identity: PAdES PDF signatures, key-mode bundles, .p7s. Absent in keyless-only set-ups. */
  identity?: SigningIdentity;
  /** The e-mail the reports name as signer (checked against the certificate). */
  signer?: string;
  tsa?: { url: string; timeoutMs: number };
  /** signing.pades_level; absent means the default (padesLevelOf). Every level above B-B needs `tsa`. */
  padesLevel?: PadesLevel;
  /** The workspace's network policy: B-LT fetches CRLs and OCSP responses only from hosts it allows (absent: none). */
  network?: WorkspaceConfig['network'];
  sigstore: { mode: SigstoreMode; tlog: boolean; fulcioURL: string; rekorURL: string; tsaURL?: string };
  p7s: boolean;
  /** Said once per run (stderr): e.g. a signer certificate outside its validity, time-stamped. */
  warnings: string[];
  /** Changes whenever anything above that shapes a signature changes: a new set-up re-signs everything. */
  fingerprint: string;
}

interface SigningConfig {
  key?: string;
  certificate?: string;
  chain?: string[];
  pkcs12?: string;
  passphrase_env?: string;
  signer?: string;
  tsa_url?: string;
  pades_level?: PadesLevel;
  p7s?: boolean;
  sigstore?: { mode?: SigstoreMode; tlog?: boolean; fulcio_url?: string; rekor_url?: string; tsa_url?: string };
}

/** Sigstore's public-good instances (what `sigstore` itself defaults to). */
const PUBLIC_FULCIO = 'https://fulcio.sigstore.dev';
const PUBLIC_REKOR = 'https://rekor.sigstore.dev';

function missingKey(detail: string): InfracastError {
  return new InfracastError('SIGNING_KEY_MISSING', `Signing was asked for, but ${detail}.`, {
    exitCode: ExitCode.Environment,
    hints: [
      'Configure a key in infracast.yaml: signing.key + signing.certificate (PEM), or signing.pkcs12 + signing.passphrase_env.',
      'For a throwaway development key to try signing with: infracast keys dev (docs/signing.md).',
      'In GitHub Actions, signing.sigstore.mode: keyless signs the bundles with the workflow identity (permissions: id-token: write).',
    ],
  });
}

async function readConfigured(root: string, path: string, what: string): Promise<Buffer> {
  const full = isAbsolute(path) ? path : resolve(root, path);
  try {
    return await readFile(full);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw missingKey(`${what} ${path} does not exist`);
    throw new InfracastError('FILE_UNREADABLE', `cannot read ${what} ${path}: ${(error as Error).message}`, { exitCode: ExitCode.Environment });
  }
}

/** A service URL must be allowed by the network policy, like every other fetch (README "Network"). */
function checkAllowed(config: WorkspaceConfig, url: string, what: string): void {
  const host = new URL(url).hostname.toLowerCase();
  const refusal = networkRefusal(config.network, host);
  if (!refusal) return;
  throw new InfracastError('SIGNING_NETWORK_BLOCKED', `${what} ${url} cannot be reached: ${refusal}.`, {
    exitCode: ExitCode.Environment,
    hints: [`Allow it in infracast.yaml: network.allow: true and network.allowed_hosts: [${host}], or remove ${what}.`],
  });
}

/**
 * Reads the signing set-up. `signer` is the definition's options.signer (else signing.signer);
 * throws SIGNING_KEY_MISSING (exit 3) when nothing can sign, SIGNER_MISMATCH when the certificate
 * does not name the signer.
 */
/** `mode` overrides signing.sigstore.mode (the action's `sign: keyless`). */
export async function loadSigningPlan(config: WorkspaceConfig, env: NodeJS.ProcessEnv, signer?: string, mode?: SigstoreMode): Promise<SigningPlan> {
  const raw = (config.raw.signing ?? {}) as SigningConfig;
  const keys = await import('../signing/keys.js');
  const passphrase = raw.passphrase_env !== undefined ? env[raw.passphrase_env] : undefined;
  let identity: SigningIdentity | undefined;
  if (raw.pkcs12 !== undefined) {
    if (passphrase === undefined)
      throw new InfracastError(
        'SIGNING_KEY_MISSING',
        `signing.pkcs12 needs its passphrase, and ${raw.passphrase_env ? `the environment variable ${raw.passphrase_env} is not set` : 'signing.passphrase_env is not set'}.`,
        {
          exitCode: ExitCode.Environment,
          hints: ['Set signing.passphrase_env: INFRACAST_P12_PASSPHRASE in infracast.yaml and export that variable (a repository secret in CI).'],
        },
      );
    identity = await keys.identityFromPkcs12(await readConfigured(config.root, raw.pkcs12, 'signing.pkcs12'), passphrase, raw.pkcs12);
  } else if (raw.key !== undefined) {
    if (raw.certificate === undefined) throw missingKey('signing.key is set without signing.certificate');
    const certificates = [];
    for (const path of [raw.certificate, ...(raw.chain ?? [])]) {
      certificates.push({ pem: (await readConfigured(config.root, path, 'the certificate')).toString('utf8'), source: path });
    }
    identity = keys.identityFromPem({
      key: (await readConfigured(config.root, raw.key, 'signing.key')).toString('utf8'),
      certificates,
      ...(passphrase !== undefined ? { passphrase } : {}),
    });
  }
  mode ??= raw.sigstore?.mode ?? (identity ? 'key' : 'off');
  if (!identity && mode !== 'keyless') throw missingKey('no signing key is configured (signing.key or signing.pkcs12)');
  const claimed = signer ?? raw.signer;
  if (identity) keys.checkSigner(identity, claimed);

  const tsa = raw.tsa_url !== undefined ? { url: raw.tsa_url, timeoutMs: 15_000 } : undefined;
  if (tsa) checkAllowed(config, tsa.url, 'signing.tsa_url');
  const padesLevel = padesLevelOf({ ...(raw.pades_level !== undefined ? { padesLevel: raw.pades_level } : {}), ...(tsa ? { tsa } : {}) });
  // The schema and validate (rules.ts) say the same; a plan read without validate must not sign weaker than asked.
  if (padesLevel !== 'B-B' && !tsa)
    throw new InfracastError('CONFIG_INVALID', `signing.pades_level: ${padesLevel} needs a signature timestamp, and signing.tsa_url is not set.`, {
      location: { file: join(config.root, 'infracast.yaml') },
      hints: ['Add signing.tsa_url (an RFC 3161 time-stamping authority) and allow its host in network.allowed_hosts, or set signing.pades_level: B-B.'],
    });
  const warnings: string[] = [];
  if (identity) {
    const validity = keys.validityProblem(identity, new Date());
    // Without a trusted time a verifier checks the certificate at "now" or at the signer's claim, and
    // it was not valid at signing: such a signature could never verify. With one, it verifies only if
    // the TSA's time falls inside the validity (it will not): a warning, the signer's call.
    if (validity && !tsa)
      throw new InfracastError('SIGNING_CERTIFICATE_INVALID', `The signing certificate ${validity}; a signature made with it can never verify.`, {
        exitCode: ExitCode.Environment,
        hints: ['Renew the signing certificate (signing.certificate or signing.pkcs12), or check the system clock.'],
      });
    if (validity) warnings.push(`the signing certificate ${validity}: verifiers will call these signatures untrusted; renew it`);
  }
  const sigstore = {
    mode,
    tlog: raw.sigstore?.tlog ?? true,
    fulcioURL: raw.sigstore?.fulcio_url ?? PUBLIC_FULCIO,
    rekorURL: raw.sigstore?.rekor_url ?? PUBLIC_REKOR,
    ...(raw.sigstore?.tsa_url !== undefined ? { tsaURL: raw.sigstore.tsa_url } : {}),
  };
  if (mode === 'keyless') {
    // A Fulcio certificate lives ten minutes: without a log entry or a timestamp nobody could verify it later.
    if (!sigstore.tlog && !sigstore.tsaURL)
      throw new InfracastError(
        'CONFIG_INVALID',
        'signing.sigstore.tlog: false needs signing.sigstore.tsa_url: a keyless signature needs a log entry or a timestamp to be verifiable after its certificate expires.',
        {
          location: { file: join(config.root, 'infracast.yaml') },
          hints: ['Add signing.sigstore.tsa_url (a Sigstore timestamp service), or sign with a key (signing.sigstore.mode: key).'],
        },
      );
    checkAllowed(config, sigstore.fulcioURL, 'signing.sigstore.fulcio_url');
    if (sigstore.tlog) checkAllowed(config, sigstore.rekorURL, 'signing.sigstore.rekor_url');
    if (sigstore.tsaURL) checkAllowed(config, sigstore.tsaURL, 'signing.sigstore.tsa_url');
  }
  const p7s = raw.p7s === true && identity !== undefined;
  const fingerprint = createHash('sha256')
    .update(
      canonicalJson({
        certificate: identity?.certificateSha256 ?? null,
        signer: claimed ?? null,
        tsa: tsa?.url ?? null,
        // Only a level other than the default changes the set-up: existing signatures stay as they are.
        ...(padesLevel !== padesLevelOf(tsa ? { tsa } : {}) ? { padesLevel } : {}),
        sigstore,
        p7s,
      }),
    )
    .digest('hex');
  return {
    ...(identity ? { identity } : {}),
    ...(claimed !== undefined ? { signer: claimed } : {}),
    ...(tsa ? { tsa } : {}),
    padesLevel,
    network: config.network,
    sigstore,
    p7s,
    warnings,
    fingerprint,
  };
}

/**
 * What a signature states about the artifact (PDF Info dictionary, in-toto predicate): the predicate's
 * report fields; `report_data_sha256` is the sha256 of the canonical report JSON the artifact was
 * rendered from, the same for every format of one report.
 */
export type ArtifactFacts = Omit<ReportPredicate, 'signer' | 'generator'>;

export interface Sidecar {
  fileName: string;
  bytes: Uint8Array;
}

export interface SignedArtifact {
  /** The artifact as published: a PDF with its embedded signature, other formats unchanged. */
  bytes: Uint8Array;
  sidecars: Sidecar[];
  /** True when the PDF carries an embedded signature. */
  embedded: boolean;
}

export { bundleName, p7sName } from './sidecars.js';

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Signs one artifact. `signedAt` is the time the signer claims (PDF /M); an RFC 3161 token, when a
 * TSA is configured, is what a verifier trusts instead.
 */
export async function signArtifact(
  plan: SigningPlan,
  fileName: string,
  bytes: Uint8Array,
  facts: ArtifactFacts,
  signedAt: Date,
  options: { embedPdf?: boolean } = {},
): Promise<SignedArtifact> {
  let published = bytes;
  let embedded = false;
  const { identity } = plan;
  if (facts.format === 'pdf' && identity && options.embedPdf !== false) {
    const { signPdf } = await import('../signing/pdf.js');
    published = await signPdf({
      pdf: bytes,
      key: identity.keyPem,
      chain: identity.chainPem,
      metadata: {
        tenant: facts.tenant,
        ...(facts.framework !== null ? { framework: facts.framework } : {}),
        report_type: facts.report_type,
        generated_at: facts.generated_at,
        signer: plan.signer ?? identity.emails[0] ?? identity.commonName ?? identity.keyId,
      },
      claimedAt: signedAt,
      reason: `${facts.report_type} report${facts.framework ? ` (${facts.framework})` : ''} generated ${facts.generated_at}`,
      // B-B asks for no signature timestamp, even with a TSA configured (it still stamps bundles and .p7s).
      ...(plan.tsa && padesLevelOf(plan) !== 'B-B' ? { timestamp: plan.tsa } : {}),
    });
    const level = padesLevelOf(plan);
    if (level === 'B-LT' || level === 'B-LTA') {
      // The validation data of the signer's and the TSA's certificates, fetched now, kept in the PDF (pdf-dss.ts).
      const { addValidationData } = await import('../signing/pdf-dss.js');
      const { revocationFetcher } = await import('./revocation-fetch.js');
      published = await addValidationData(published, revocationFetcher(plan.network ?? { allow: false, allowedHosts: [] }));
    }
    if (level === 'B-LTA') {
      // A document timestamp over everything before it, the validation data included (pdf-update.ts).
      const { addDocumentTimestamp } = await import('../signing/pdf-update.js');
      published = await addDocumentTimestamp(published, plan.tsa!);
    }
    embedded = true;
  }
  const sidecars: Sidecar[] = [];
  if (plan.sigstore.mode !== 'off') {
    const sigstore = await import('../signing/sigstore.js');
    const statement = sigstore.inTotoStatement(
      { name: fileName, sha256: sha256Hex(published) },
      {
        tenant: facts.tenant,
        framework: facts.framework,
        report_type: facts.report_type,
        format: facts.format,
        generated_at: facts.generated_at,
        report_data_sha256: facts.report_data_sha256,
        // signWithKey adds the certificate chain (what `verify --ca` checks a key-mode bundle with).
        signer: { kind: plan.sigstore.mode === 'keyless' ? 'keyless' : 'key', ...(plan.signer ? { email: plan.signer } : {}) },
        generator: { name: 'infracast', version: toolVersion().replace(/^infracast /, '') },
      },
    );
    const bundle =
      plan.sigstore.mode === 'keyless'
        ? await sigstore.signKeyless({
            statement,
            fulcioURL: plan.sigstore.fulcioURL,
            rekorURL: plan.sigstore.rekorURL,
            tlog: plan.sigstore.tlog,
            ...(plan.sigstore.tsaURL ? { tsaURL: plan.sigstore.tsaURL } : {}),
          })
        : await sigstore.signWithKey({
            statement,
            key: identity!.keyPem,
            chain: identity!.chainPem,
            ...(plan.tsa ? { timestamp: { url: plan.tsa.url } } : {}),
          });
    sidecars.push({ fileName: bundleName(fileName), bytes: new TextEncoder().encode(sigstore.bundleSerialize(bundle)) });
  }
  if (plan.p7s && identity) {
    const cms = await import('../signing/cms.js');
    // CAdES baseline: the claimed time is the CMS signingTime attribute (PAdES puts it in /M instead).
    let p7s = await cms.signDetached({ data: published, key: identity.keyPem, chain: identity.chainPem, signingTime: signedAt });
    if (plan.tsa) {
      const { requestTimestamp } = await import('../signing/tsa.js');
      const { token } = await requestTimestamp(cms.signatureValue(p7s), plan.tsa);
      p7s = cms.addTimestampToken(p7s, token);
    }
    sidecars.push({ fileName: p7sName(fileName), bytes: p7s });
  }
  return { bytes: published, sidecars, embedded };
}

export interface SignFilesOptions {
  files: string[];
  /** A path inside the workspace whose signing: set-up is used; default the current directory. */
  workspace?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with each warning of the signing set-up (the command prints them on stderr). */
  onWarning?: (message: string) => void;
}

export interface SignedFile {
  file: string;
  /** `embedded`: a PAdES signature was added; `already-signed`: the PDF had one (kept; a second would break it). */
  pdf?: 'embedded' | 'already-signed';
  sidecars: string[];
}

/**
 * `infracast sign FILE...`: signs files with the workspace's set-up. A file listed in out/index.json
 * gets that artifact's facts (type, framework, generated_at); any other file is signed as a `file`
 * whose generated_at is the signing time. Each file is replaced, and its sidecars written, atomically.
 */
export async function signFiles(options: SignFilesOptions): Promise<SignedFile[]> {
  const cwd = options.cwd ?? process.cwd();
  const config = await configOf({ ...(options.workspace ? { workspace: options.workspace } : {}), cwd });
  const plan = await loadSigningPlan(config, options.env ?? process.env);
  for (const warning of plan.warnings) options.onWarning?.(warning);
  const index = readIndex(config.outputDir).items;
  const signedAt = new Date();
  const out: SignedFile[] = [];
  for (const file of options.files) {
    const path = resolve(cwd, file);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch {
      throw new InfracastError('FILE_NOT_FOUND', `${file} does not exist or cannot be read`, { exitCode: ExitCode.Usage, hints: ['Check the path.'] });
    }
    const item = index.find((i) => i.path !== null && resolve(config.outputDir, i.path) === path);
    const format = item?.format ?? (path.includes('.') ? path.slice(path.lastIndexOf('.') + 1).toLowerCase() : 'file');
    const already = format === 'pdf' && (await import('../signing/pdf.js')).hasSignature(bytes);
    const name = path.slice(path.lastIndexOf('/') + 1);
    // The JSON rendering of the same report, when the index has it: its sha256 is the report data's.
    const json = item && index.find((i) => i.format === 'json' && i.definition === item.definition && i.framework === item.framework && i.sha256);
    const signed = await signArtifact(
      plan,
      name,
      bytes,
      {
        tenant: config.tenant.name,
        framework: item?.framework ?? null,
        report_type: item?.type ?? 'file',
        format,
        generated_at: item?.completed_at ?? signedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        report_data_sha256: (json && json.sha256) || sha256Hex(bytes),
      },
      signedAt,
      { embedPdf: !already },
    );
    if (signed.embedded) await writeFileAtomic(path, signed.bytes);
    for (const sidecar of signed.sidecars) await writeFileAtomic(`${path.slice(0, path.length - name.length)}${sidecar.fileName}`, sidecar.bytes);
    out.push({ file, ...(format === 'pdf' ? { pdf: already ? 'already-signed' : 'embedded' } : {}), sidecars: signed.sidecars.map((s) => s.fileName) });
  }
  return out;
}
