/**
 * One side of `infracast diff`: the workspace evaluated as a render would evaluate it at the pinned
 * instant, without rendering a file or writing state. Every figure comes from the modules render and
 * summary use (build.ts, summary.ts, build-ssp.ts, the POA&M model): nothing is scored again here.
 */
import { relative } from 'node:path';
import { InfracastError } from '../../errors.js';
import { isCui } from '../../model/cui-marking.js';
import type { PoamItem } from '../../model/poam.js';
import { renderMarkdown } from '../../renderers/markdown.js';
import { evaluationOf, poamOf } from '../build.js';
import type { RunContext } from '../build.js';
import { buildSsp } from '../build-ssp.js';
import { readPoam } from '../state.js';
import { summaryOf } from '../summary.js';
import { validate } from '../validate.js';
import { ingestWorkspace } from '../workspace-findings.js';

/** The figures of one framework that the comment compares. */
export interface FrameworkFigures {
  framework: string;
  /** The catalog's name, e.g. "FedRAMP Rev. 5 Moderate". */
  name: string;
  /** passing / assessed (0..1), null when nothing is assessed. */
  score: number | null;
  /** assessed / total (0..1). */
  coverage: number;
  sprs_score?: number | null;
  sprs_status?: string;
  cmmc_level_1?: string;
  cmmc_level_2?: string;
  /** CMMC Level 2 practices that block Conditional status (32 CFR 170.21), sorted. */
  cmmc_blocking?: string[];
}

export interface ControlState {
  status: string;
  /** The deciding evidence (the status reason every report prints). */
  reason: string;
  title: string;
}

/** An open POA&M item as the run would leave the store. */
export interface PoamEntry {
  id: string;
  weakness: string;
  detector: string;
  rating: string;
  controls: string[];
  assets: string[];
  scheduled_completion_date: string;
}

export interface WarningEntry {
  /** Relative to the workspace. */
  file: string;
  line: number;
  code: string;
  message: string;
}

export interface SideEvaluation {
  frameworks: FrameworkFigures[];
  /** framework -> control id -> state. */
  controls: Map<string, Map<string, ControlState>>;
  /** Open POA&M items after the run, by weakness (detector, source id, kind). */
  poam: Map<string, PoamEntry>;
  /** SSP definition output name -> control id -> the control's section of the SSP Markdown. */
  ssp: Map<string, { framework: string; sections: Map<string, string> }>;
  warnings: WarningEntry[];
  /** Some definition of the workspace (or its defaults) is CUI-classified. */
  cui: boolean;
  /** The workspace's config, for redaction and the CUI gate. */
  raw: Record<string, unknown>;
}

/** The key of a weakness independent of the POAM-<n> numbering, which differs between sides. */
export const weaknessKey = (item: Pick<PoamItem, 'weakness_detector' | 'weakness_source_id' | 'kind'>): string =>
  `${item.weakness_detector}\u0000${item.weakness_source_id}\u0000${item.kind}`;

/** Frameworks the comparison covers: infracast.yaml's, then those definitions name, once each. */
function frameworksOf(run: RunContext): string[] {
  const listed = [...(run.workspace.config?.frameworks ?? []), ...run.workspace.outputs.flatMap((d) => d.frameworks)];
  return [...new Set(listed)];
}

function figuresOf(run: RunContext, framework: string): FrameworkFigures {
  const summary = summaryOf(run, framework);
  return {
    framework,
    name: summary.provenance.catalog.name,
    score: summary.score,
    coverage: summary.coverage,
    ...(summary.sprs_score !== undefined ? { sprs_score: summary.sprs_score } : {}),
    ...(summary.sprs_status !== undefined ? { sprs_status: summary.sprs_status } : {}),
    ...(summary.cmmc
      ? {
          cmmc_level_1: summary.cmmc.level_1.status,
          cmmc_level_2: summary.cmmc.level_2.status,
          cmmc_blocking: summary.cmmc.level_2.blocking.map((b) => b.practice_id).sort(),
        }
      : {}),
  };
}

/** The SSP Markdown cut at its control headings (`#### AC-2 Account Management ...`): control id -> section. */
export function controlSections(markdown: string, controlIds: ReadonlySet<string>): Map<string, string> {
  const sections = new Map<string, string>();
  let current: { id: string; lines: string[] } | undefined;
  const close = (): void => {
    if (current) sections.set(current.id, current.lines.join('\n').trimEnd());
    current = undefined;
  };
  for (const line of markdown.split('\n')) {
    const heading = /^(#{1,6}) (\S+)/.exec(line);
    if (heading) {
      close();
      if (controlIds.has(heading[2]!)) current = { id: heading[2]!, lines: [] };
    }
    current?.lines.push(line);
  }
  close();
  return sections;
}

/** Evaluates the workspace at `workspacePath` at `at`; `label` names the side in errors. */
export async function evaluateSide(workspacePath: string, at: Date, label: string, env: NodeJS.ProcessEnv): Promise<SideEvaluation> {
  const checked = await validate({ paths: [workspacePath], at: at.toISOString(), env });
  const workspace = checked.workspaces[0];
  if (!workspace?.config || !checked.ok) {
    throw new InfracastError('CONFIG_INVALID', `the workspace at ${label} has ${checked.errorCount} validation error(s): nothing can be compared`, {
      hints: [`Check out ${label} and run \`infracast validate\` there; a side that does not validate has no figures.`],
    });
  }
  const config = workspace.config;
  const ingested = await ingestWorkspace(workspace);
  const run: RunContext = { workspace, ingested, at, previousPoam: await readPoam(config.stateDir) };
  const frameworks = frameworksOf(run);
  const controls = new Map<string, Map<string, ControlState>>();
  for (const framework of frameworks) {
    const states = new Map<string, ControlState>();
    for (const r of evaluationOf(run, framework).evaluation.results)
      states.set(r.control.id, { status: r.status, reason: r.notes.reason.text, title: r.control.title });
    controls.set(framework, states);
  }
  const poam = new Map<string, PoamEntry>();
  for (const item of poamOf(run).items.filter((i) => i.status === 'open')) {
    poam.set(weaknessKey(item), {
      id: item.id,
      weakness: item.weakness_name,
      detector: item.weakness_detector,
      rating: item.adjusted_risk_rating,
      controls: item.controls,
      assets: item.assets,
      scheduled_completion_date: item.scheduled_completion_date,
    });
  }
  const ssp = new Map<string, { framework: string; sections: Map<string, string> }>();
  for (const definition of workspace.outputs.filter((d) => d.type === 'ssp')) {
    const framework = definition.frameworks[0]!;
    const ids = new Set(evaluationOf(run, framework, definition.baseline).evaluation.results.map((r) => r.control.id));
    const markdown = renderMarkdown(buildSsp(run, definition, framework).model, config.templatesDir);
    ssp.set(definition.outputName, { framework, sections: controlSections(markdown, ids) });
  }
  const warnings = checked.diagnostics
    .filter((d) => d.severity === 'warning')
    .map((d) => ({ file: relative(workspace.root, d.file).split('\\').join('/'), line: d.line, code: d.code, message: d.message }));
  const cui = isCui(config.defaultOptions.classification) || workspace.outputs.some((d) => isCui(d.options.classification));
  return { frameworks: frameworks.map((f) => figuresOf(run, f)), controls, poam, ssp, warnings, cui, raw: config.raw };
}
