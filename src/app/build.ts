/**
 * The build stage: a definition and the run's evaluation -> ReportModel (reports/). This module
 * gathers what the pure builders need from the workspace (implementation statements, provenance);
 * one run shares its ingested findings across every report.
 */
import { redactFindings } from '../model/redaction.js';
import type { RedactionRules } from '../model/redaction.js';
import { openItemOf, updatePoam } from '../model/poam.js';
import type { PoamStore } from '../model/poam.js';
import { buildPoamReport } from '../reports/poam.js';
import type { FrameworkEvaluation } from '../model/evaluation.js';
import { idSchemeOf } from '../model/control-ids.js';
import type { OutputDefinition } from '../model/definitions.js';
import type { Provenance, ReportModel } from '../model/report-model.js';
import { cmmcLevel1, getCatalog, sprsFacts } from '../catalogs/index.js';
import { globMatches } from '../model/evaluation.js';
import type { Finding } from '../model/finding.js';
import type { OwnerRule } from '../model/owners.js';
import { buildFrameworkReport } from '../reports/framework.js';
import { buildGapReport } from '../reports/gap.js';
import { buildRemediationReport } from '../reports/remediation.js';
import { unmappedCount } from '../reports/meta.js';
import { evaluateWorkspace, mappingRules, SPRS_FRAMEWORKS } from './evaluate.js';
import type { WorkspaceEvaluation } from './evaluate.js';
import { snapshotOf } from '../model/history.js';
import type { HistorySnapshot } from '../model/history.js';
import { assessmentDateOf, cmmcExceptionsByRequirement, poamByRequirement } from '../model/cmmc.js';
import { computeSprs } from '../model/sprs.js';
import type { SprsContext, SprsResult } from '../model/sprs.js';
import type { Baseline } from '../model/definitions.js';

import { controlImplementationsOf } from './control-implementations.js';
import { IMPLEMENTATION_STATUS_LABELS } from '../model/control-implementation.js';
import { exceptionsOf } from './records.js';
import type { IngestResult } from './ingest.js';
import type { LoadedWorkspace } from './load-workspace.js';
import { inputDigests, toolVersion } from './provenance.js';
import { formatInstant } from './instant.js';
import { observationProvenance } from './observation-dates.js';

export interface RunContext {
  workspace: LoadedWorkspace;
  ingested: IngestResult;
  at: Date;
  /** The POA&M store as the run found it (state folder); the run's store is `poamOf(run)`. */
  previousPoam?: PoamStore;
}

const redactedByRun = new WeakMap<RunContext, Finding[]>();
/**
 * The run's findings with the workspace's redaction rules applied (evaluation.md section 9):
 * every report is built from these, never from the raw import. Computed once per run.
 */
export function findingsOf(run: RunContext): Finding[] {
  let findings = redactedByRun.get(run);
  if (!findings) {
    findings = redactFindings(run.ingested.findings, (run.workspace.config?.raw.redaction ?? {}) as RedactionRules);
    redactedByRun.set(run, findings);
  }
  return findings;
}

/** Implementation statements (controls/) of a framework, by canonical control id: what the framework report prints. */
function statementsFor(workspace: LoadedWorkspace, framework: string): Map<string, { statement?: string; parts?: Record<string, string>; status?: string }> {
  const statements = new Map<string, { statement?: string; parts?: Record<string, string>; status?: string }>();
  for (const [id, v] of controlImplementationsOf(workspace, framework)) {
    statements.set(id, {
      ...(v.statement ? { statement: v.statement } : {}),
      ...(Object.keys(v.parts).length > 0 ? { parts: v.parts } : {}),
      ...(v.status ? { status: IMPLEMENTATION_STATUS_LABELS[v.status] } : {}),
    });
  }
  return statements;
}

const evaluationsByRun = new WeakMap<RunContext, Map<string, WorkspaceEvaluation>>();
/**
 * One framework's evaluation on the run, computed once however many reports (and history
 * snapshots) use it.
 */
export function evaluationOf(run: RunContext, framework: string, baseline?: Baseline): WorkspaceEvaluation {
  let byKey = evaluationsByRun.get(run);
  if (!byKey) evaluationsByRun.set(run, (byKey = new Map()));
  const key = `${framework}\u0000${baseline ?? ''}`;
  let result = byKey.get(key);
  if (!result) byKey.set(key, (result = evaluateWorkspace(run.workspace, findingsOf(run), framework, run.at, baseline)));
  return result;
}

const poamByRun = new WeakMap<RunContext, PoamStore>();
/**
 * The POA&M store after this run (evaluation.md section 6), computed once: the poam report writes
 * it back, the SPRS posting data and CMMC status read which requirements it covers.
 */
export function poamOf(run: RunContext): PoamStore {
  let store = poamByRun.get(run);
  if (!store) {
    const deadlines = (run.workspace.config?.raw.poam as { deadlines_days?: Record<string, number> } | undefined)?.deadlines_days;
    store = updatePoam(run.previousPoam, {
      findings: findingsOf(run),
      exceptions: exceptionsOf(run.workspace),
      mappings: mappingRules(run.workspace),
      ...(deadlines ? { deadlines } : {}),
      at: run.at,
    });
    poamByRun.set(run, store);
  }
  return store;
}

/** The SPRS computation of a framework scored by the DoD Assessment Methodology, with what it was given. */
export interface SprsView {
  sprs: SprsResult;
  /** The date of the assessment evidence (YYYY-MM-DD), when anything decided anything. */
  assessmentDate?: string;
  /** NOT MET requirement -> planned completion, from the POA&M. */
  poam: ReadonlyMap<string, string | null>;
}

const sprsByRun = new WeakMap<RunContext, Map<string, SprsView>>();
/**
 * The SPRS score of nist-800-171 (the DoD scoring posted to SPRS) or the CMMC score of cmmc-l2
 * (32 CFR 170.24: CMMC exceptions count), once per run; undefined for frameworks without one.
 */
export function sprsOf(run: RunContext, framework: string, baseline?: Baseline): SprsView | undefined {
  if (!SPRS_FRAMEWORKS.has(framework)) return undefined;
  let byKey = sprsByRun.get(run);
  if (!byKey) sprsByRun.set(run, (byKey = new Map()));
  let view = byKey.get(framework);
  if (!view) {
    const { evaluation, base } = evaluationOf(run, framework, baseline);
    const source = base ?? evaluation;
    const poam = poamByRequirement(source, poamOf(run));
    const assessmentDate = assessmentDateOf(source, run.at);
    const context: SprsContext = {
      facts: sprsFacts(),
      level1: cmmcLevel1(),
      at: run.at,
      cmmcExceptions: cmmcExceptionsByRequirement(exceptionsOf(run.workspace), run.at),
      poam,
      ...(assessmentDate ? { assessmentDate } : {}),
    };
    view = { sprs: computeSprs(source, context, framework === 'cmmc-l2' ? 'cmmc' : 'dod'), ...(assessmentDate ? { assessmentDate } : {}), poam };
    byKey.set(framework, view);
  }
  return view;
}

/**
 * The history snapshot (evaluation.md section 7) of one framework of a definition on this run,
 * with the SPRS score for the frameworks that have one.
 */
export function snapshotFor(run: RunContext, definition: OutputDefinition, framework: string): HistorySnapshot {
  const { evaluation } = evaluationOf(run, framework, definition.baseline);
  return snapshotOf(definition.outputName, formatInstant(run.at), evaluation, sprsOf(run, framework, definition.baseline)?.sprs.sprs_score);
}

const inputsByRun = new WeakMap<RunContext, { path: string; sha256: string }[]>();
/** The run's input files with their digests, hashed once per run whatever the number of reports. */
function inputsOf(run: RunContext): { path: string; sha256: string }[] {
  let inputs = inputsByRun.get(run);
  if (!inputs) {
    inputs = inputDigests(run.workspace.root, [...run.workspace.files, ...run.ingested.files.map((f) => f.file)]);
    inputsByRun.set(run, inputs);
  }
  return inputs;
}

/** The provenance block (evaluation.md section 8) of a report on the run, for the frameworks it evaluated. */
export function provenanceOf(
  run: RunContext,
  generatedAt: string,
  evaluated: { framework: string; release: string; baseline?: string; evaluation: FrameworkEvaluation }[],
): Provenance {
  return {
    toolVersion: toolVersion(),
    catalogs: evaluated.map(({ framework, release, baseline }) => ({ framework, release, ...(baseline && baseline !== 'none' ? { baseline } : {}) })),
    inputs: inputsOf(run),
    generatedAt,
    coverage: evaluated.map(({ framework, evaluation }) => ({
      framework,
      assessed: evaluation.counts.total - evaluation.counts.notAssessed,
      total: evaluation.counts.total,
    })),
    observedAt: observationProvenance(run.ingested.observation, run.workspace.root),
  };
}

/**
 * The model with the unmapped count of each framework it is read against on its cover ("N of M
 * findings map to no control of <framework>", reports/meta.ts): every report type shows it once,
 * worded the same. The counts are the evaluation's, over every finding of the run.
 */
export function withUnmapped(
  run: RunContext,
  definition: OutputDefinition,
  model: ReportModel,
  frameworks: readonly string[] = definition.frameworks,
): ReportModel {
  const findings = findingsOf(run).length;
  const unmapped = frameworks.map((framework) => unmappedCount(framework, evaluationOf(run, framework, definition.baseline).evaluation.unmapped, findings));
  return unmapped.length === 0 ? model : { ...model, meta: { ...model.meta, unmapped } };
}

const sprsView = (sprs: SprsResult): { score: number | null; status: string } => ({ score: sprs.sprs_score, status: sprs.sprs_status });

/** A framework report for one framework of the definition. */
export function buildFramework(run: RunContext, definition: OutputDefinition, framework: string): ReportModel {
  const { workspace, at } = run;
  const { evaluation, catalog } = evaluationOf(run, framework, definition.baseline);
  const generatedAt = formatInstant(at);
  const config = workspace.config;
  const model = buildFrameworkReport({
    definition,
    tenant: config?.tenant ?? { id: 'unknown', name: 'unknown' },
    evaluation,
    catalog,
    ...(framework === 'nist-800-171' ? { sprs: sprsView(sprsOf(run, framework)!.sprs) } : {}),
    statements: statementsFor(workspace, framework),
    generatedAt,
    provenance: provenanceOf(run, generatedAt, [{ framework, release: catalog.release, baseline: catalog.baseline, evaluation }]),
  });
  return withUnmapped(run, definition, model, [framework]);
}

/** A gap report for one framework of the definition. */
export function buildGap(run: RunContext, definition: OutputDefinition, framework: string): ReportModel {
  const { workspace, at } = run;
  const { evaluation, catalog } = evaluationOf(run, framework, definition.baseline);
  const generatedAt = formatInstant(at);
  const sp80053 = idSchemeOf(framework) === 'sp800-53';
  const model = buildGapReport({
    definition,
    tenant: workspace.config?.tenant ?? { id: 'unknown', name: 'unknown' },
    evaluation,
    catalog,
    ...(framework === 'nist-800-171' ? { sprs: sprsOf(run, framework)!.sprs, points: new Map([...sprsFacts()].map(([id, f]) => [id, f.points])) } : {}),
    ...(sp80053 ? { lowBaseline: new Set(getCatalog('nist-800-53', { baseline: 'low' }).controls.map((c) => c.id)) } : {}),
    at,
    generatedAt,
    provenance: provenanceOf(run, generatedAt, [{ framework, release: catalog.release, baseline: catalog.baseline, evaluation }]),
  });
  return withUnmapped(run, definition, model, [framework]);
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * infracast.yaml `owners:` as owner rules (model/owners.ts: the last matching rule wins): a list of
 * {owner, resource?, rule?, account?, tool?}, or a map of resource glob -> owner.
 */
export function ownerRules(workspace: LoadedWorkspace): OwnerRule[] {
  const rules: OwnerRule[] = [];
  const configured = workspace.config?.raw.owners;
  if (Array.isArray(configured)) {
    for (const entry of configured as Record<string, unknown>[]) {
      const owner = text(entry?.owner);
      if (!owner) continue;
      rules.push({
        owner,
        ...(text(entry.resource) ? { resource: text(entry.resource) } : {}),
        ...(text(entry.rule) ? { rule: text(entry.rule) } : {}),
        ...(text(entry.account) ? { account: text(entry.account) } : {}),
        ...(text(entry.tool) ? { tool: text(entry.tool) } : {}),
      });
    }
  } else if (configured && typeof configured === 'object') {
    for (const [resource, owner] of Object.entries(configured as Record<string, unknown>)) if (text(owner)) rules.push({ owner: owner as string, resource });
  }
  return rules;
}

/**
 * Places findings that name no owner (no owner, no team/owner tag) on the inventory: the owner of
 * the first component whose resource_ids glob matches the finding's resource id or location URI
 * (Trivy SARIF results carry only the image, e.g. acme-agc/api). Other findings are returned as they are.
 */
export function withInventoryOwners(workspace: LoadedWorkspace, findings: readonly Finding[]): Finding[] {
  const components: { owner: string; globs: string[] }[] = [];
  for (const record of workspace.records.filter((r) => r.kind === 'Inventory')) {
    for (const component of Array.isArray(record.value.components) ? (record.value.components as Record<string, unknown>[]) : []) {
      const owner = text(component.owner);
      const globs = Array.isArray(component.resource_ids) ? component.resource_ids.filter((id): id is string => typeof id === 'string') : [];
      if (owner && globs.length > 0) components.push({ owner, globs });
    }
  }
  return findings.map((f) => {
    const tags = { ...f.resource?.tags, ...f.tags };
    if (f.owner || tags.team || tags.Team || tags.owner || tags.Owner) return f;
    const keys = [f.resource?.id, f.location?.uri].filter((k): k is string => k !== undefined);
    const component = components.find((c) => c.globs.some((g) => keys.some((k) => globMatches(g, k))));
    return component ? { ...f, owner: component.owner } : f;
  });
}

/**
 * A remediation report over the run's findings that the definition's frameworks charge to a
 * control (the others are counted), each with its controls and its POA&M item.
 */
export function buildRemediation(run: RunContext, definition: OutputDefinition): ReportModel {
  const { workspace, at } = run;
  const generatedAt = formatInstant(at);
  const evaluated = definition.frameworks.map((framework) => {
    const { evaluation, catalog } = evaluationOf(run, framework, definition.baseline);
    return { framework, release: catalog.release, baseline: catalog.baseline, evaluation };
  });
  const model = buildRemediationReport({
    definition,
    tenant: workspace.config?.tenant ?? { id: 'unknown', name: 'unknown' },
    findings: withInventoryOwners(workspace, findingsOf(run)),
    exceptions: exceptionsOf(workspace),
    owners: ownerRules(workspace),
    evaluations: evaluated.map((e) => e.evaluation),
    poamItem: openItemOf(poamOf(run)),
    at,
    generatedAt,
    provenance: provenanceOf(run, generatedAt, evaluated),
  });
  return withUnmapped(run, definition, model);
}

/**
 * The poam report: the POA&M store as it stands after this run. `previous` is the store read from
 * the workspace state (app/state.ts); the caller writes the returned store back.
 */
export function buildPoam(run: RunContext, definition: OutputDefinition, previous: PoamStore | undefined): { model: ReportModel; store: PoamStore } {
  const { workspace, at } = run;
  const store = previous === run.previousPoam ? poamOf(run) : poamOf({ ...run, previousPoam: previous });
  const generatedAt = formatInstant(at);
  // The store spans every framework, but the report is read against the definition's: its
  // provenance names their catalogs and coverage like every other report (evaluation.md section 8).
  const evaluated = definition.frameworks.map((framework) => {
    const { evaluation, catalog } = evaluationOf(run, framework, definition.baseline);
    return { framework, release: catalog.release, baseline: catalog.baseline, evaluation };
  });
  const model = buildPoamReport({
    options: definition.options,
    frameworks: definition.frameworks,
    tenant: workspace.config?.tenant ?? { id: 'unknown', name: 'unknown' },
    store,
    today: generatedAt.slice(0, 10),
    generatedAt,
    provenance: provenanceOf(run, generatedAt, evaluated),
  });
  return { model: withUnmapped(run, definition, model), store };
}
