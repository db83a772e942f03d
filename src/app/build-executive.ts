/**
 * The build stage of the executive report: evaluates every framework of the definition once,
 * makes this run's history snapshots, and hands both, with the stored snapshots, to the pure
 * builder (reports/executive.ts). Reading and writing the state folder is the caller's part
 * (app/state.ts readSnapshots / writeSnapshot), so that building stays free of I/O and a dry run
 * can build without touching the workspace's history.
 */
import type { OutputDefinition } from '../model/definitions.js';
import { snapshotOf } from '../model/history.js';
import type { HistorySnapshot } from '../model/history.js';
import { relative, resolve } from 'node:path';
import type { Provenance, ReportModel } from '../model/report-model.js';
import type { ChartFile } from '../reports/charts.js';
import { buildExecutiveReport } from '../reports/executive.js';
import type { ExecutiveFrameworkInput } from '../reports/executive.js';
import { evaluationOf, findingsOf, provenanceOf, sprsOf, withUnmapped } from './build.js';
import type { RunContext } from './build.js';
import { exceptionsOf } from './records.js';
import { formatInstant } from './instant.js';

export interface ExecutiveBuild {
  model: ReportModel;
  /** SVG files to write beside the report (same folder: the Markdown links them by file name). */
  charts: ChartFile[];
  /** This run's snapshots, one per framework, for the caller to store (app/state.ts writeSnapshot). */
  snapshots: HistorySnapshot[];
}

/** Records the evaluation reads: the files that hold them are inputs of the report. */
const EVALUATION_KINDS = new Set(['Attestation', 'Exception', 'Mapping', 'Catalog', 'ControlImplementation']);

/**
 * The provenance's inputs cut to what this report used: infracast.yaml, its own definition, the
 * findings files and the files of the records the evaluation reads. Other definitions, schedules
 * and inventories change nothing in it, and listing them made the list read as "every file".
 */
function usedInputsOnly(run: RunContext, definition: OutputDefinition, provenance: Provenance): Provenance {
  const { workspace } = run;
  const rel = (file: string): string => relative(workspace.root, resolve(workspace.root, file));
  const used = new Set<string>(['infracast.yaml', rel(definition.source.file)]);
  for (const f of run.ingested.files) used.add(rel(f.file));
  for (const r of workspace.records) if (EVALUATION_KINDS.has(r.kind)) used.add(rel(r.source.file));
  return { ...provenance, inputs: provenance.inputs.filter((i) => used.has(i.path)) };
}

/**
 * @param history the stored snapshots of this definition (every framework; others are ignored),
 *   e.g. readSnapshots(stateDir, definition.outputName, framework) for each of definition.frameworks
 */
export function buildExecutive(run: RunContext, definition: OutputDefinition, history: readonly HistorySnapshot[]): ExecutiveBuild {
  const { workspace, at } = run;
  const generatedAt = formatInstant(at);
  const findings = findingsOf(run);
  // The run's evaluations, shared with the other reports of the run (computed once per framework).
  const evaluated = definition.frameworks.map((framework) => ({ framework, ...evaluationOf(run, framework, definition.baseline) }));
  const frameworks: ExecutiveFrameworkInput[] = evaluated.map(({ framework, evaluation, catalog }) => {
    const sprs = sprsOf(run, framework, definition.baseline)?.sprs;
    return {
      evaluation,
      catalog,
      snapshot: snapshotOf(definition.outputName, generatedAt, evaluation, sprs ? sprs.sprs_score : undefined),
      ...(sprs ? { sprs: { score: sprs.sprs_score, status: sprs.sprs_status } } : {}),
    };
  });
  const { model, charts } = buildExecutiveReport({
    definition,
    tenant: workspace.config?.tenant ?? { id: 'unknown', name: 'unknown' },
    frameworks,
    history,
    findings,
    exceptions: exceptionsOf(workspace),
    at,
    generatedAt,
    provenance: usedInputsOnly(
      run,
      definition,
      provenanceOf(
        run,
        generatedAt,
        evaluated.map(({ framework, catalog, evaluation }) => ({ framework, release: catalog.release, baseline: catalog.baseline, evaluation })),
      ),
    ),
  });
  return { model: withUnmapped(run, definition, model), charts, snapshots: frameworks.map((f) => f.snapshot) };
}
