/**
 * The render use case, `infracast render` (DESIGN.md "One pipeline"): load and validate the
 * workspace, ingest its findings once, then for each selected definition build its ReportModel(s),
 * render every requested format, and publish the definition's files together; finally the history
 * snapshots, the POA&M store and out/index.json.
 *
 * A failing report does not stop the others: it is recorded as failed (in the result and the
 * index), its previous artifacts stay where they were, and the caller exits 1 at the end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, InfracastError, isInfracastError } from '../errors.js';
import type { Diagnostic } from '../diagnostics.js';
import { isCui } from '../model/cui-marking.js';
import type { OutputDefinition, OutputFormat } from '../model/definitions.js';
import type { HistorySnapshot } from '../model/history.js';
import type { PoamStore } from '../model/poam.js';
import type { ReportModel } from '../model/report-model.js';
import { jsonRenderer } from '../renderers/json.js';
import { markdownRenderer } from '../renderers/markdown.js';
import type { BrowserSession, RenderContext, Renderer } from '../renderers/renderer.js';
import { docxRenderer } from '../renderers/docx.js';
import { pdfRenderer } from '../renderers/pdf.js';
import { openBrowserSession } from '../io/browser.js';
import { isInterrupted } from '../io/browser-errors.js';
import { xlsxRenderer } from '../renderers/xlsx.js';
import { resolveLogo } from './assets.js';
import { buildFramework, buildGap, buildPoam, buildRemediation, findingsOf, snapshotFor } from './build.js';
import { buildEvidence } from './build-evidence.js';
import { buildArchitecture } from './build-architecture.js';
import { DIAGRAM_RENDERERS } from '../renderers/diagram.js';
import { buildSsp } from './build-ssp.js';
import { oscalSspFiles } from './oscal-ssp.js';
import { workspaceInventory } from './build-architecture.js';
import { architectureSvg } from '../renderers/diagram-svg.js';
import { formatsOf } from './format-plan.js';
import { buildExecutive } from './build-executive.js';
import type { RunContext } from './build.js';
import { mappingRules } from './evaluate.js';
import { unmappedCounts } from './unmapped.js';
import { unmappedCount } from '../reports/meta.js';
import type { UnmappedCount } from '../model/report-model.js';
import { observationWarnings } from './observation-dates.js';
import { ingestWorkspace } from './workspace-findings.js';
import type { IngestProgress } from './ingest.js';
import { resolveInstant } from './instant.js';
import { environmentError, isEnvironmentalError } from '../io/fs-errors.js';
import { isInside } from '../io/workspace.js';
import { acquireWorkspaceLock } from '../io/workspace-lock.js';
import type { LockOwner } from '../io/workspace-lock.js';
import { artifactId, nextIndex, readIndex, sealDefinition, stageDefinition } from './publish.js';
import type { Artifact, IndexItem, RunIndex } from './publish.js';
import { bundleName, loadSigningPlan, p7sName, sha256Hex, signArtifact } from './sign.js';
import type { SigningPlan } from './sign.js';
import { prepareState, readPoam, readSignatureState, readSnapshots, stagePoam, stageSignatureState, stageSnapshot } from './state.js';
import type { SignatureState } from './state.js';
import { recoverWrites, RunTransaction } from './transaction.js';
import { cleanBrowserProfiles } from '../io/browser.js';
import { formatInstant } from './instant.js';
import { artifactFileName } from './output-names.js';
import { contentDigest, KEPT_FORMATS, keptBinary, templatesDigest } from './publishing/growth.js';
import type { KeptBinary } from './publishing/growth.js';
import { selectRun } from './render-selection.js';
import type { SelectionOptions } from './render-selection.js';
import { shareOf, stageShardRecord } from './shard/plan.js';
import type { ShardSpec } from './shard/plan.js';
import { runLogEntries, stageRunLog } from './history/run-log.js';
import { stageScheduleSlots } from './schedule/state.js';
import type { ScheduledSlot } from './history/run-log.js';

/** What to render (paths, cwd, formats, out, only, definitions, env: render-selection.ts), and how. */
export interface RenderOptions extends SelectionOptions {
  /** The run's instant (date or RFC 3339); default SOURCE_DATE_EPOCH, else now. */
  at?: string;
  /** Sign every definition's artifacts, as if each had `signed: true`. */
  sign?: boolean;
  /**
   * How this run signs, whatever the workspace says (the action's `sign` input): `off` signs nothing
   * (definitions with `signed: true` are published unsigned); `keyless` makes the Sigstore bundles
   * with the workflow's identity (signing.sigstore.mode: keyless). Absent: as the workspace says.
   */
  signMode?: 'off' | 'keyless';
  /**
   * Stops the run (Ctrl-C): the browser is killed at once, no further definition is started, and
   * nothing of the run is written (a render's writes are all or none: the outputs, out/index.json
   * and the state stay as they were; no FAILED row for what was stopped). `interrupted` says so.
   */
  signal?: AbortSignal;
  onEvent?: (event: RenderEvent) => void;
  /** Wait up to this many seconds for another run holding the workspace to finish (default: refuse at once). */
  waitSeconds?: number;
  /** Definition -> the schedule slots this run renders it for (`schedule run`): its run-log lines name them. */
  scheduledBy?: ReadonlyMap<string, readonly ScheduledSlot[]>;
  /**
   * Keep each published binary (pdf, docx, xlsx, zip) whose report says nothing new, byte for byte
   * with its signature and index item, instead of rendering it again (publishing/growth.ts): what
   * scheduled runs use, so that a repository they commit to grows only when the content changes.
   */
  keepUnchangedBinaries?: boolean;
  /**
   * Render only this shard's share of the run's list (`--shard i/N`, app/shard/plan.ts). The state
   * folder gets shard.json, what `infracast merge` needs; schedule slots are not recorded (the
   * merge records a schedule once every shard rendered its definitions).
   */
  shard?: ShardSpec;
}

export type RenderEvent =
  | { kind: 'waiting'; owner: LockOwner }
  | { kind: 'ingest'; progress: IngestProgress }
  | { kind: 'report-start'; definition: string; type: string; index: number; total: number }
  | { kind: 'report-done'; report: ReportOutcome; index: number; total: number };

export interface ReportOutcome {
  /** The definition's output name (its folder under out/). */
  definition: string;
  /** The definition file. */
  file: string;
  type: string;
  status: 'completed' | 'failed';
  /** The definition's classification is CUI: its artifacts go only where config cui.authorised_destinations allows. */
  cui: boolean;
  /** One per file written or attempted, as in out/index.json. */
  artifacts: IndexItem[];
  /** Things the reader should know that did not fail the report (e.g. a logo not fetched). */
  warnings: string[];
  /** `environment`: the machine lacks something (a browser, a key): the run exits 3. */
  error?: { code: string; message: string; hints: string[]; environment?: boolean };
}

export interface RenderResult {
  ok: boolean;
  /** The run's instant, as every artifact states it. */
  generatedAt: string;
  workspace?: string;
  outDir?: string;
  /** Validation problems: errors stop the run before anything is rendered. */
  diagnostics: Diagnostic[];
  /** About the run as a whole (e.g. no findings file matched). */
  warnings: string[];
  findings: number;
  reports: ReportOutcome[];
  failed: number;
  history: { written: number; unchanged: number };
  poam?: 'written' | 'unchanged';
  /** Artifacts signed by this run, and signed artifacts whose bytes did not change (their published signatures were kept). */
  signatures: { signed: number; kept: number };
  /** Ctrl-C stopped the run before every definition was rendered. */
  interrupted?: boolean;
  /** Set when a report failed for want of something on the machine (no browser...): exit 3. */
  environmentError?: { code: string; message: string; hints: string[] };
  /** Per framework the definitions report on: findings that map to none of its controls (as summary's unmapped_findings). */
  unmapped?: UnmappedCount[];
}

/** What a definition's build produced: report models, extra files, history snapshots. */
interface Built {
  reports: { fileStem: string; model: ReportModel }[];
  /** Files that are not renderings of a model: charts, the evidence zip. */
  files: (Artifact & { supporting?: boolean })[];
  snapshots: HistorySnapshot[];
  /** The type's own renderers, by format, where they are not the report ones (RENDERERS). */
  renderers?: Partial<Record<OutputFormat, Renderer>>;
  /** What the reader must know about the built document (missing facts...): the definition's warnings. */
  warnings?: string[];
}

interface BuildContext {
  run: RunContext;
  definition: OutputDefinition;
  poam: { store: PoamStore; used: boolean };
  history: (framework: string) => Promise<HistorySnapshot[]>;
  /** The run's --format choice, if any (what formatsOf narrows the definition's formats to). */
  formats?: OutputFormat[];
}

type Builder = (ctx: BuildContext) => Promise<Built> | Built;

/** A report's file stem: the definition's output name, plus the framework when the definition has several. */
function fileStemOf(definition: OutputDefinition, framework: string): string {
  return definition.frameworks.length > 1 ? `${definition.outputName}-${framework}` : definition.outputName;
}

/** One model per framework of the definition (see fileStemOf). */
function perFramework(ctx: BuildContext, build: (run: RunContext, definition: OutputDefinition, framework: string) => ReportModel, snapshots: boolean): Built {
  const { run, definition } = ctx;
  return {
    reports: definition.frameworks.map((framework) => ({
      fileStem: fileStemOf(definition, framework),
      model: build(run, definition, framework),
    })),
    files: [],
    snapshots: snapshots ? definition.frameworks.map((framework) => snapshotFor(run, definition, framework)) : [],
  };
}

const single = (ctx: BuildContext, model: ReportModel): Built => ({ reports: [{ fileStem: ctx.definition.outputName, model }], files: [], snapshots: [] });

/** Report builders by type (kind Report). */
const REPORT_BUILDERS: Partial<Record<string, Builder>> = {
  framework: (ctx) => perFramework(ctx, buildFramework, true),
  gap: (ctx) => perFramework(ctx, buildGap, true),
  remediation: (ctx) => single(ctx, buildRemediation(ctx.run, ctx.definition)),
  poam: (ctx) => {
    const { model, store } = buildPoam(ctx.run, ctx.definition, ctx.poam.store);
    ctx.poam.store = store;
    ctx.poam.used = true;
    return single(ctx, model);
  },
  executive: async (ctx) => {
    const history = (await Promise.all(ctx.definition.frameworks.map((framework) => ctx.history(framework)))).flat();
    const { model, charts, snapshots } = buildExecutive(ctx.run, ctx.definition, history);
    const encoder = new TextEncoder();
    return {
      reports: [{ fileStem: ctx.definition.outputName, model }],
      files: charts.map((chart) => ({ format: 'svg' as const, fileName: chart.fileName, bytes: encoder.encode(chart.svg), supporting: true })),
      snapshots,
    };
  },
  // One bundle per framework; the zip is always written (md and json are its index, outside it).
  evidence: (ctx) => {
    const { definition } = ctx;
    const built: Built = { reports: [], files: [], snapshots: [] };
    for (const framework of definition.frameworks) {
      const outputName = fileStemOf(definition, framework);
      const { model, zip } = buildEvidence(ctx.run, { ...definition, outputName, frameworks: [framework] });
      built.reports.push({ fileStem: outputName, model });
      built.files.push({ format: 'zip', fileName: zip.fileName, bytes: zip.bytes });
    }
    return built;
  },
};

/**
 * Document builders by type (kind Document); a type not here fails with TYPE_UNAVAILABLE.
 * Exported for the test that the type table's `built` flags match the builders.
 */
export const DOCUMENT_BUILDERS: Partial<Record<string, Builder>> = {
  'architecture-diagram': (ctx) => ({ ...single(ctx, buildArchitecture(ctx.run, ctx.definition)), renderers: DIAGRAM_RENDERERS }),
  ssp: async (ctx) => {
    const { run, definition } = ctx;
    const built: Built = { reports: [], files: [], snapshots: [], warnings: [] };
    // Section 8.1: the inventory's diagram, a file beside the document that PDF and DOCX embed.
    const inventory = definition.options.include_architecture_diagram === true ? workspaceInventory(run.workspace) : undefined;
    const diagram = inventory ? { fileName: `${definition.outputName}-architecture.svg` } : undefined;
    if (inventory && diagram) {
      const svg = await architectureSvg(inventory, { title: 'Authorization boundary and data flows', idPrefix: 'ssp-' });
      built.files.push({ format: 'svg', fileName: diagram.fileName, bytes: new TextEncoder().encode(svg), supporting: true });
    } else if (definition.options.include_architecture_diagram === true) {
      built.warnings!.push('ssp: include_architecture_diagram: the workspace has no inventory (kind: Inventory) to draw the diagram from');
    }
    for (const framework of definition.frameworks) {
      const { model, warnings } = buildSsp(run, definition, framework, diagram);
      built.reports.push({ fileStem: fileStemOf(definition, framework), model });
      built.warnings!.push(...warnings);
    }
    // OSCAL is written from the statements and facts directly (not from the document model).
    if (formatsOf(definition, ctx.formats).includes('oscal')) {
      const oscal = oscalSspFiles(run.workspace, definition, formatInstant(run.at));
      built.files.push(...oscal.files);
      // Facts missing from system: are already warned about by the document: one warning each.
      built.warnings!.push(...oscal.warnings.filter((w) => !built.warnings!.includes(w)));
    }
    return built;
  },
};

const RENDERERS: Partial<Record<OutputFormat, Renderer>> = {
  md: markdownRenderer,
  json: jsonRenderer,
  pdf: pdfRenderer,
  docx: docxRenderer,
  xlsx: xlsxRenderer,
};

function errorOf(error: unknown): ReportOutcome['error'] & object {
  if (isInfracastError(error)) {
    return { code: error.code, message: error.message, hints: error.hints, ...(error.exitCode === ExitCode.Environment ? { environment: true } : {}) };
  }
  return {
    code: 'INTERNAL',
    message: (error as Error).message ?? String(error),
    hints: ['This is a bug in Infracast; please report it with the command you ran.'],
  };
}

/** What a definition whose formats failed (some or all) reports: each failed file and why, the fixes once each. */
function formatFailure(failures: readonly IndexItem[], errors: readonly NonNullable<ReportOutcome['error']>[]): NonNullable<ReportOutcome['error']> {
  const environment = errors.find((e) => e.environment);
  return {
    code: environment?.code ?? errors[0]?.code ?? 'FORMAT_UNAVAILABLE',
    message: failures.map((f) => (f.error?.startsWith(`${f.format} `) ? f.error : `${f.format}: ${f.error ?? 'failed'}`)).join('; '),
    hints: [...new Set(errors.flatMap((e) => e.hints))],
    ...(environment ? { environment: true } : {}),
  };
}

const INTERRUPTED = Symbol('interrupted');

/**
 * The definition Ctrl-C stopped is given a moment to settle (its browser was killed: it rejects at
 * once; a CPU-bound step may not), and from now on can stage nothing: the run is then aborted whole.
 */
async function settleInterrupted(tx: RunTransaction, work: Promise<unknown>): Promise<void> {
  tx.closeStaging();
  await Promise.race([work.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, SETTLE_MS).unref())]);
}

/** How long an interrupted definition is given to stop before the run is aborted without waiting for it. */
const SETTLE_MS = 300;

export async function render(options: RenderOptions = {}): Promise<RenderResult> {
  const env = options.env ?? process.env;
  const pinned = options.at !== undefined || Boolean(env.SOURCE_DATE_EPOCH);
  const at = resolveInstant(options.at, env);
  const generatedAt = formatInstant(at);
  const emit = options.onEvent ?? (() => undefined);

  const selection = await selectRun(options, at);
  const result: RenderResult = {
    ok: false,
    generatedAt,
    diagnostics: selection.diagnostics,
    warnings: [],
    findings: 0,
    reports: [],
    failed: 0,
    history: { written: 0, unchanged: 0 },
    signatures: { signed: 0, kept: 0 },
  };
  if (!selection.ok) return result;
  const { workspace, outDir } = selection;
  const config = workspace.config!;
  Object.assign(result, { workspace: workspace.root, outDir });
  result.warnings.push(...selection.warnings);
  // A shard renders its share of the run's list (app/shard/plan.ts); the merge puts the shares together.
  const definitions = options.shard ? shareOf(selection.definitions, options.shard) : selection.definitions;

  // One writer at a time: the state is read, and everything written, under the workspace's lock.
  const lock = await acquireWorkspaceLock(config.stateDir, {
    command: 'infracast render',
    waitSeconds: options.waitSeconds ?? 0,
    onWait: (owner) => emit({ kind: 'waiting', owner }),
  });
  let tx: RunTransaction | undefined;
  let browser: RunSession['browser'];
  // Ctrl-C twice, or a run that did not stop in time (the command exits): the browser killed, the
  // staged files removed, the lock released, synchronously, as the process ends.
  const onExit = (): void => {
    browser?.kill();
    tx?.abortSync();
    lock.release();
  };
  process.on('exit', onExit);
  try {
    // What a killed or failed run left: its commit finished, or its staged files dropped.
    const recovery = await recoverWrites(outDir, config.stateDir, { sharedOutput: !isInside(workspace.root, outDir) });
    if (recovery.finished)
      result.warnings.push(`finished the commit of an interrupted run (${recovery.published.map((n) => `out/${n}`).join(', ') || 'state only'})`);
    cleanBrowserProfiles();
    await prepareState(config.stateDir);

    // Findings are imported once and shared by every report of the run.
    const ingested = await ingestWorkspace(workspace, { onProgress: (progress) => emit({ kind: 'ingest', progress }) });
    result.findings = ingested.findings.length;
    // Findings no source dates are dated by this run: once per file, say so and how to fix it.
    result.warnings.push(...observationWarnings(ingested.observation ?? [], workspace.root));
    if (ingested.files.length === 0) {
      result.warnings.push(
        `no findings file matched findings.sources (${config.findingsSources.join(', ')}): controls are judged on attestations and exceptions alone`,
      );
    }
    const previousPoam = await readPoam(config.stateDir);
    const index = readIndex(outDir);
    if (index.rebuilt) result.warnings.push(index.rebuilt);
    tx = new RunTransaction(outDir, config.stateDir);
    const run: RunContext = { workspace, ingested, at, previousPoam };
    const session: RunSession = {
      run,
      options,
      outDir,
      generatedAt,
      pinned,
      tx,
      index,
      poam: { store: previousPoam, used: false },
      history: new Map(),
      // Kept outside the session too: the exit handler above kills it.
      get browser() {
        return browser;
      },
      set browser(value) {
        browser = value;
      },
      signing: { plans: new Map(), state: await readSignatureState(config.stateDir), counts: result.signatures, changed: false },
    };
    const items: IndexItem[] = [];
    const published: string[] = [];
    /** The output folders this run staged (a shard's record names them for the merge). */
    const folders: string[] = [];
    const snapshots: HistorySnapshot[] = [];
    // Ctrl-C: the browser is killed at once (a graceful close waits on a busy browser), and the
    // definition in progress is abandoned at that moment rather than when its work notices.
    const interrupted = new Promise<typeof INTERRUPTED>((resolve) => {
      if (options.signal?.aborted) resolve(INTERRUPTED);
      options.signal?.addEventListener('abort', () => resolve(INTERRUPTED), { once: true });
    });
    const onAbort = (): void => session.browser?.kill();
    options.signal?.addEventListener('abort', onAbort);
    try {
      for (const [i, definition] of definitions.entries()) {
        if (options.signal?.aborted) {
          result.interrupted = true;
          break;
        }
        emit({ kind: 'report-start', definition: definition.outputName, type: definition.type, index: i, total: definitions.length });
        const work = renderDefinition(session, definition);
        const done = await Promise.race([work, interrupted]).catch((error: unknown): typeof INTERRUPTED => {
          if (isInterrupted(error)) return INTERRUPTED;
          throw error;
        });
        if (done === INTERRUPTED) {
          result.interrupted = true;
          await settleInterrupted(tx, work);
          break;
        }
        const { outcome, snapshots: made, publishedFile } = done;
        snapshots.push(...made);
        if (publishedFile) {
          published.push(publishedFile);
          folders.push(definition.outputName);
        }
        items.push(...outcome.artifacts);
        result.reports.push(outcome);
        emit({ kind: 'report-done', report: outcome, index: i, total: definitions.length });
      }
    } finally {
      // The browser is closed whatever happened (a failed report, an exception); killed first on Ctrl-C.
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) session.browser?.kill();
      await session.browser?.close();
    }

    // Stopped: nothing of the run is published (what was staged is removed, the lock released).
    if (result.interrupted) {
      await tx.abort();
      result.reports = [];
      return result;
    }

    // "N of M findings map to no control of <framework>": impossible to miss in the final lines.
    const findings = findingsOf(run);
    result.unmapped = unmappedCounts(findings, [...new Set(definitions.flatMap((d) => d.frameworks))], mappingRules(workspace)).map((u) =>
      unmappedCount(u.framework, u.unmapped, findings.length),
    );

    // What signing had to say (a certificate outside its validity, time-stamped), once per set-up.
    for (const plan of session.signing.plans.values()) result.warnings.push(...((await plan.catch(() => undefined))?.warnings ?? []));

    // The state and the index go with the outputs, in one commit: the POA&M ids the reports
    // print are the store's, whatever happens to this process from here on.
    for (const snapshot of snapshots) result.history[await stageSnapshot(tx, config.stateDir, snapshot)]++;
    if (session.poam.used) result.poam = await stagePoam(tx, config.stateDir, session.poam.store);
    if (session.signing.changed) await stageSignatureState(tx, config.stateDir, session.signing.state);
    // The Report History: one line per definition published, in the same commit as its files.
    await stageRunLog(tx, config.stateDir, runLogEntries(result.reports, { workspace: workspace.root, outDir, generatedAt, scheduledBy: options.scheduledBy }));
    // A schedule's slot is recorded when every definition rendered for it was published (schedule run).
    if (options.scheduledBy && !options.shard) await stageScheduleSlots(tx, config.stateDir, completedSlots(options.scheduledBy, result.reports));
    await tx.stageFile(join(outDir, 'index.json'), `${JSON.stringify(nextIndex(index, published, items), null, 2)}\n`);
    if (options.shard)
      await stageShardRecord(tx, config.stateDir, {
        shard: options.shard,
        generatedAt,
        plan: selection.definitions.map((d) => d.outputName),
        reports: result.reports,
        published,
        folders,
        workspace: workspace.root,
        ...(options.scheduledBy ? { scheduledBy: options.scheduledBy } : {}),
      });
    await tx.commit();
  } catch (error) {
    await tx?.abort();
    throw error;
  } finally {
    process.off('exit', onExit);
    lock.release();
  }
  result.failed = result.reports.filter((r) => r.status === 'failed').length;
  result.ok = result.failed === 0 && !result.interrupted;
  // A missing browser or key is the environment's fault, not the report's: exit 3, as documented.
  const environment = result.reports.find((r) => r.error?.environment);
  if (environment?.error) result.environmentError = environment.error;
  return result;
}

/** What one run shares across its definitions. */
interface RunSession {
  run: RunContext;
  options: RenderOptions;
  outDir: string;
  generatedAt: string;
  /** The instant was given (--at, SOURCE_DATE_EPOCH): index times are that instant, not the clock. */
  pinned: boolean;
  /** Where the run's outputs and state are staged until it commits. */
  tx: RunTransaction;
  /** out/index.json as the run found it (what says which folders Infracast published). */
  index: RunIndex;
  poam: { store: PoamStore; used: boolean };
  history: Map<string, HistorySnapshot[]>;
  /** The run's browser once a format needed it (closed by render(); killed on Ctrl-C). */
  browser: { session: Promise<BrowserSession>; close: () => Promise<void>; kill: () => void } | undefined;
  signing: {
    /** Signing set-ups by signer (read once per run; a definition may name its own signer). */
    plans: Map<string, Promise<SigningPlan>>;
    state: SignatureState;
    counts: { signed: number; kept: number };
    changed: boolean;
  };
  /** templatesDigest() of the template overrides, once per run (keepUnchangedBinaries). */
  templates?: string;
}

/**
 * One definition: build, render each format, publish the files together. A failure is recorded in
 * the outcome (the previous files stay); it never stops the run.
 */
async function renderDefinition(
  session: RunSession,
  definition: OutputDefinition,
): Promise<{ outcome: ReportOutcome; snapshots: HistorySnapshot[]; publishedFile?: string }> {
  const { run, options, generatedAt, pinned } = session;
  const { workspace } = run;
  const config = workspace.config!;
  const definitionFile = workspaceRelative(workspace.root, definition.source.file);
  const startedAt = pinned ? generatedAt : formatInstant(new Date());
  const outcome: ReportOutcome = {
    definition: definition.outputName,
    file: definition.source.file,
    type: definition.type,
    status: 'completed',
    cui: isCui(definition.options.classification),
    artifacts: [],
    warnings: [],
  };
  const item = (fileName: string, format: IndexItem['format'], framework: string | null, extra: Partial<IndexItem>): IndexItem => ({
    id: artifactId(definition.outputName, fileName, generatedAt),
    type: definition.type,
    framework,
    format,
    status: 'completed',
    size_bytes: 0,
    sha256: null,
    path: null,
    created_at: startedAt,
    completed_at: pinned ? generatedAt : formatInstant(new Date()),
    definition: definitionFile,
    ...extra,
  });
  const frameworkOf = (model: ReportModel): string | null => (model.meta.frameworks.length === 1 ? model.meta.frameworks[0]! : null);
  try {
    const builder = (definition.kind === 'Report' ? REPORT_BUILDERS : DOCUMENT_BUILDERS)[definition.type];
    if (!builder) {
      throw new InfracastError(
        'TYPE_UNAVAILABLE',
        `${definition.kind === 'Report' ? 'report' : 'document'} type ${definition.type} is not built by this version of Infracast`,
        {
          hints: ['Render the other definitions (infracast render --only framework --only gap ...), or upgrade Infracast.'],
        },
      );
    }
    const built = await builder({
      run,
      definition,
      ...(options.formats ? { formats: options.formats } : {}),
      poam: session.poam,
      history: async (framework) => {
        const key = `${definition.outputName}\u0000${framework}`;
        if (!session.history.has(key)) session.history.set(key, await readSnapshots(config.stateDir, definition.outputName, framework));
        return session.history.get(key)!;
      },
    });
    outcome.warnings.push(...(built.warnings ?? []));
    const logo = await resolveLogo(definition.options.organization_logo, config);
    if ('warning' in logo) outcome.warnings.push(logo.warning);
    const artifacts: DefinitionArtifact[] = [];
    /** sha256 of each report's canonical JSON (the .json rendering), by file stem: what every format's signature states. */
    const reportData = new Map<string, string>();
    if ('logo' in logo) artifacts.push({ format: logo.logo.format, fileName: logo.logo.fileName, bytes: logo.logo.bytes, supporting: true, framework: null });
    for (const file of built.files) artifacts.push({ ...file, framework: definition.frameworks.length === 1 ? definition.frameworks[0]! : null });
    // What the Markdown links to by file name, for the formats that embed it (PDF, DOCX).
    const attachments = new Map(artifacts.filter((a) => a.supporting).map((a) => [a.fileName, a.bytes]));
    const ctx: RenderContext = {
      workspaceRoot: workspace.root,
      templatesDir: config.templatesDir,
      attachments,
      browser: () => browserOf(session),
      // Blocked requests and dropped images: the report is rendered without them, and says so.
      warn: (message) => outcome.warnings.push(message),
    };
    // Growth policy (publishing/growth.ts): each report's content digest, and the published binary
    // kept instead of a new rendering when its report's digest is the one its folder's marker holds.
    // The action's `sign: none` (signMode off) publishes even a `signed: true` definition unsigned.
    const signedNow = options.signMode !== 'off' && (definition.options.signed === true || options.sign === true);
    const growth = options.keepUnchangedBinaries
      ? {
          content: {} as Record<string, string>,
          inputs: {
            attachments,
            templates: (session.templates ??= templatesDigest(config.templatesDir)),
            signing: signedNow ? (await signingPlanOf(session, definition)).fingerprint : null,
          },
        }
      : undefined;
    const keep = (stem: string, format: string, fileName: string): KeptBinary | undefined => {
      const digest = growth?.content[stem];
      if (digest === undefined || !KEPT_FORMATS.has(format)) return undefined;
      const signing = signedNow ? { key: `${definition.outputName}/${fileName}`, state: session.signing.state } : undefined;
      return keptBinary(join(session.outDir, definition.outputName), fileName, stem, digest, signing);
    };
    const failures: IndexItem[] = [];
    /** Why formats failed (a missing browser: exit 3, with its fix). */
    const formatErrors: NonNullable<ReportOutcome['error']>[] = [];
    for (const { fileStem, model } of built.reports) {
      // The cover shows the copied logo; the model carries the file name, never the source path.
      const shown: ReportModel = { ...model, meta: { ...model.meta, ...('logo' in logo ? { logo: logo.logo.fileName } : {}) } };
      if (!('logo' in logo)) delete shown.meta.logo;
      if (growth) growth.content[fileStem] = contentDigest(shown, growth.inputs);
      for (const format of formatsOf(definition, options.formats)) {
        const fileName = artifactFileName(fileStem, format);
        // Written by the builder itself (the evidence zip, the OSCAL SSP), not rendered from the model.
        if ((format === 'zip' || format === 'oscal') && built.files.some((f) => f.format === format)) continue;
        const kept = keep(fileStem, format, fileName);
        if (kept) {
          artifacts.push({ format, fileName, bytes: kept.bytes, framework: frameworkOf(model), kept });
          continue;
        }
        const renderer = built.renderers?.[format] ?? RENDERERS[format];
        if (!renderer) {
          failures.push(item(fileName, format, frameworkOf(model), { status: 'failed', error: `${format} is not rendered by this version of Infracast` }));
          continue;
        }
        // Formats succeed or fail one by one: without a browser the PDF fails, the rest is published.
        try {
          artifacts.push({ format, fileName, bytes: await renderer.render(shown, ctx), framework: frameworkOf(model) });
        } catch (error) {
          if (isInterrupted(error) || isEnvironmentalError(error)) throw error;
          const failed = errorOf(error);
          failures.push(item(fileName, format, frameworkOf(model), { status: 'failed', error: failed.message }));
          formatErrors.push(failed);
        }
      }
      reportData.set(fileStem, sha256Hex(await jsonRenderer.render(shown, ctx)));
    }
    // The builder's own binaries (the evidence zip) follow the same policy, by the report they belong to.
    for (const a of artifacts.filter((a) => !a.supporting && built.files.some((f) => f.fileName === a.fileName))) {
      const kept = keep(a.fileName.slice(0, a.fileName.lastIndexOf('.')), a.format, a.fileName);
      if (kept) Object.assign(a, { bytes: kept.bytes, kept });
    }
    // Signing is the last step before publishing: the bytes hashed are the bytes written.
    const signed = signedNow ? await signDefinition(session, definition, artifacts, reportData) : undefined;
    // Nothing but supporting files (every format failed): the previous artifacts stay as they are.
    const stage = artifacts.some((a) => !a.supporting) ? await stageDefinition(session.tx, session.index, definition.outputName, artifacts) : undefined;
    const written = stage?.staged ?? [];
    if (signed) signed.commit();
    const paths = new Map(written.map((w) => [w.artifact.fileName, w.path]));
    for (const w of written) {
      const a = w.artifact as (typeof artifacts)[number];
      if (a.sidecar) continue;
      const signature = signed?.signatures.get(a.fileName);
      // A kept binary keeps its item: its sha256, its signature, and the dates it was made.
      if (a.kept) {
        outcome.artifacts.push(a.kept.item);
        continue;
      }
      outcome.artifacts.push(
        item(a.fileName, a.format, a.framework, {
          size_bytes: w.size,
          sha256: w.sha256,
          path: w.path,
          ...(a.supporting ? { supporting: true } : {}),
          ...(signature
            ? {
                signature: {
                  embedded: signature.embedded,
                  ...(paths.has(bundleName(a.fileName)) ? { bundle: paths.get(bundleName(a.fileName))! } : {}),
                  ...(paths.has(p7sName(a.fileName)) ? { p7s: paths.get(p7sName(a.fileName))! } : {}),
                },
              }
            : {}),
        }),
      );
    }
    if (stage) await sealDefinition(session.tx, stage.folder, definition.outputName, definitionFile, outcome.artifacts, growth?.content);
    outcome.artifacts.push(...failures);
    if (failures.length > 0) {
      outcome.status = 'failed';
      outcome.error = formatFailure(failures, formatErrors);
    }
    return { outcome, snapshots: built.snapshots, ...(written.length > 0 ? { publishedFile: definitionFile } : {}) };
  } catch (error) {
    // Ctrl-C: the caller drops the definition (render()).
    if (isInterrupted(error)) throw error;
    // A full disk, a read-only folder: nothing of the run can be published; it stops here (exit 3).
    if (isEnvironmentalError(error)) throw environmentError(error, session.outDir);
    outcome.status = 'failed';
    outcome.error = errorOf(error);
    outcome.artifacts = formatsOf(definition, options.formats).map((format) =>
      item(artifactFileName(definition.outputName, format), format, null, { status: 'failed', error: outcome.error!.message }),
    );
    return { outcome, snapshots: [] };
  }
}

/** A file of a definition's folder: a report rendering, a supporting file (logo, chart) or a signature sidecar. */
type DefinitionArtifact = Artifact & { supporting?: boolean; sidecar?: boolean; framework: string | null; kept?: KeptBinary };

/**
 * Signs the definition's report files in place (`artifacts` gains the sidecars). An artifact whose
 * bytes, before signing, are those last signed with the same set-up keeps its published signed file
 * and sidecars: a run with no change re-signs nothing. The state is updated by `commit()`, once the
 * files are published.
 */
async function signDefinition(
  session: RunSession,
  definition: OutputDefinition,
  artifacts: DefinitionArtifact[],
  reportData: ReadonlyMap<string, string>,
): Promise<{ signatures: Map<string, { embedded: boolean }>; commit: () => void }> {
  const { signing, run, outDir, generatedAt } = session;
  const config = run.workspace.config!;
  const plan = await signingPlanOf(session, definition);
  const signedAt = new Date();
  const signatures = new Map<string, { embedded: boolean }>();
  const records: SignatureState = {};
  for (const artifact of artifacts.filter((a) => !a.supporting)) {
    const key = `${definition.outputName}/${artifact.fileName}`;
    const source = sha256Hex(artifact.bytes);
    const stem = artifact.fileName.slice(0, artifact.fileName.lastIndexOf('.'));
    // A kept binary (growth policy) is already signed: its signature and record stay as they are.
    const kept = artifact.kept?.signature;
    let result = kept
      ? { bytes: artifact.bytes, sidecars: kept.sidecars, embedded: artifact.kept!.item.signature?.embedded ?? false }
      : keptSignature(join(outDir, definition.outputName), artifact.fileName, source, signing.state[key], plan);
    if (result) signing.counts.kept++;
    else {
      result = await signArtifact(
        plan,
        artifact.fileName,
        artifact.bytes,
        {
          tenant: config.tenant.name,
          framework: artifact.framework,
          report_type: definition.type,
          format: artifact.format,
          generated_at: generatedAt,
          report_data_sha256: reportData.get(stem) ?? source,
        },
        signedAt,
      );
      signing.counts.signed++;
    }
    artifact.bytes = result.bytes;
    for (const sidecar of result.sidecars)
      artifacts.push({ format: artifact.format, fileName: sidecar.fileName, bytes: sidecar.bytes, sidecar: true, framework: artifact.framework });
    signatures.set(artifact.fileName, { embedded: result.embedded });
    records[key] = kept?.record ?? {
      source_sha256: source,
      signed_sha256: sha256Hex(result.bytes),
      sidecars: Object.fromEntries(result.sidecars.map((s) => [s.fileName, sha256Hex(s.bytes)])),
      setup: plan.fingerprint,
    };
  }
  return {
    signatures,
    commit: () => {
      // The definition's records are replaced as a whole: a file no longer signed loses its record.
      for (const key of Object.keys(signing.state)) if (key.startsWith(`${definition.outputName}/`)) delete signing.state[key];
      Object.assign(signing.state, records);
      signing.changed = true;
    },
  };
}

/** The definition's signing set-up (its own signer, else the workspace's), read once per run. */
function signingPlanOf(session: RunSession, definition: OutputDefinition): Promise<SigningPlan> {
  const { plans } = session.signing;
  const signer = definition.options.signer ?? '';
  // The action's `sign: keyless` (signMode keyless) signs with the workflow identity whatever signing.sigstore.mode says.
  const mode = session.options.signMode === 'keyless' ? 'keyless' : undefined;
  if (!plans.has(signer))
    plans.set(signer, loadSigningPlan(session.run.workspace.config!, session.options.env ?? process.env, definition.options.signer, mode));
  return plans.get(signer)!;
}

/** The published signed file and sidecars, when they are exactly what the state says was signed from these bytes with this set-up. */
function keptSignature(
  folder: string,
  fileName: string,
  source: string,
  record: SignatureState[string] | undefined,
  plan: SigningPlan,
): { bytes: Uint8Array; sidecars: { fileName: string; bytes: Uint8Array }[]; embedded: boolean } | undefined {
  if (!record || record.source_sha256 !== source || record.setup !== plan.fingerprint) return undefined;
  const read = (name: string): Uint8Array | undefined => {
    try {
      return readFileSync(join(folder, name));
    } catch {
      return undefined;
    }
  };
  const bytes = read(fileName);
  if (!bytes || sha256Hex(bytes) !== record.signed_sha256) return undefined;
  const sidecars: { fileName: string; bytes: Uint8Array }[] = [];
  for (const [name, sha] of Object.entries(record.sidecars)) {
    const sidecar = read(name);
    if (!sidecar || sha256Hex(sidecar) !== sha) return undefined;
    sidecars.push({ fileName: name, bytes: sidecar });
  }
  return { bytes, sidecars, embedded: fileName.endsWith('.pdf') && plan.identity !== undefined };
}

/** The run's browser: launched by the first format that needs it, shared by the rest of the run. */
async function browserOf(session: RunSession): Promise<BrowserSession> {
  if (!session.browser) {
    // Nothing is launched until the first print; discovery errors surface then (exit 3).
    const opened = openBrowserSession();
    if (session.options.signal?.aborted) opened.kill();
    session.browser = { session: Promise.resolve(opened), close: () => opened.close(), kill: () => opened.kill() };
  }
  return session.browser.session;
}

function workspaceRelative(root: string, file: string): string {
  return file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
}

// For the test that the type table's `built` flags match the builders (test/unit/output-types.test.ts).
export { REPORT_BUILDERS };

/** Schedule -> slot, for every schedule of `scheduledBy` whose definitions all completed in this run. */
export function completedSlots(scheduledBy: ReadonlyMap<string, readonly ScheduledSlot[]>, reports: readonly ReportOutcome[]): Map<string, Date> {
  const completed = new Set(reports.filter((r) => r.status === 'completed').map((r) => r.definition));
  const slots = new Map<string, Date>();
  const incomplete = new Set<string>();
  for (const [definition, scheduled] of scheduledBy)
    for (const { schedule, slot } of scheduled) {
      if (!completed.has(definition)) incomplete.add(schedule);
      slots.set(schedule, new Date(slot));
    }
  for (const schedule of incomplete) slots.delete(schedule);
  return slots;
}
