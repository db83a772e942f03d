/**
 * `infracast ssp scaffold`: a stub statement for every baseline control that has none yet, so a
 * team starts from a complete skeleton. A stub is valid (schema and rules) and plainly unfinished:
 * status planned, its texts and unknown parameter values TODO, which validate reports as warnings
 * until they are written (app/ssp-statement-rules.ts). FedRAMP parameter assignments are filled in
 * (the value the SSP must state); the others say TODO with the catalog's short label. Existing
 * statements (any file, either form) and existing files are never touched.
 */
import { mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getCatalog, lookupControl } from '../catalogs/index.js';
import type { CatalogControl } from '../catalogs/catalog.js';
import { ExitCode, InfracastError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { controlFileName, controlsDir, controlFileText, shownPath, writtenStatements } from './ssp-control-files.js';
import { statementScheme, TODO } from './ssp-statement-rules.js';
import type { ControlFileFormat, ControlValue } from './ssp-control-files.js';
import { requireWorkspaceRoot } from './workspace-root.js';

/** The frameworks an SSP is written for (issue 15). */
export const SCAFFOLD_FRAMEWORKS = ['fedramp-low', 'fedramp-moderate', 'fedramp-high', 'fedramp-li-saas', 'nist-800-53', 'nist-800-171'] as const;
export type Baseline = 'low' | 'moderate' | 'high';

export interface ScaffoldOptions {
  framework: string;
  /** Required for nist-800-53 (SP 800-53B baseline), refused for the others. */
  baseline?: string;
  /** An inventory component whose text the stub asks for (per part), instead of the system's. */
  component?: string;
  format?: ControlFileFormat;
  /** Folder to write to, inside the workspace's controls/ (default controls). */
  dir?: string;
  dryRun?: boolean;
  workspace?: string;
  cwd?: string;
  /** The run's instant: the stubs' planned completion date is a year later. */
  at: Date;
}

export interface ScaffoldEntry {
  control: string;
  /** The file written (or that would be, with dryRun), or the file that already has the statement. */
  file: string;
  format?: ControlFileFormat;
  reason?: string;
}

export interface ScaffoldResult {
  root: string;
  framework: string;
  baseline?: Baseline;
  controls: number;
  written: ScaffoldEntry[];
  skipped: ScaffoldEntry[];
  dryRun: boolean;
}

export async function sspScaffold(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const framework = options.framework;
  if (!(SCAFFOLD_FRAMEWORKS as readonly string[]).includes(framework)) {
    throw new InfracastError('USAGE', `ssp scaffold writes statements for ${SCAFFOLD_FRAMEWORKS.join(', ')}, not "${framework}"`, {
      exitCode: ExitCode.Usage,
      hints: ['Choose the framework of the SSP, e.g. --framework fedramp-moderate, or --framework nist-800-53 --baseline moderate.'],
    });
  }
  if (framework === 'nist-800-53' && options.baseline === undefined) {
    throw new InfracastError('USAGE', 'nist-800-53 needs --baseline low, moderate or high (SP 800-53B)', { exitCode: ExitCode.Usage });
  }
  const root = await requireWorkspaceRoot(options.workspace, options.cwd ?? process.cwd(), 'Run it inside a workspace, or give --workspace DIR.');
  const dir = controlsDir(root, options.dir);
  const catalog = getCatalog(framework, options.baseline === undefined ? {} : { baseline: options.baseline as Baseline });
  const format = options.format ?? 'md';
  const scheme = statementScheme(framework);
  const written = await writtenStatements(root);
  const dueDate = new Date(options.at.getTime() + 365 * 86_400_000).toISOString().slice(0, 10);
  const fedrampValues = fedrampParameterSource(framework);

  const result: ScaffoldResult = {
    root,
    framework,
    ...(framework === 'nist-800-53' ? { baseline: catalog.baseline as Baseline } : {}),
    controls: catalog.controls.length,
    written: [],
    skipped: [],
    dryRun: options.dryRun ?? false,
  };
  for (const control of catalog.controls) {
    const existing = written.get(`${scheme} ${control.id}`);
    if (existing) {
      result.skipped.push({ control: control.id, file: shownPath(root, existing), reason: 'has a statement' });
      continue;
    }
    const facts = scheme === 'nist-800-53' ? lookupControl('nist-800-53', control.id) : undefined;
    const fedramp = fedrampValues ? (lookupControl(fedrampValues, control.id)?.parameters ?? {}) : {};
    const value = stubOf(scheme, control, facts, fedramp, dueDate, options.component);
    const target = join(dir, controlFileName(control.id, format));
    const other = join(dir, controlFileName(control.id, format === 'md' ? 'yaml' : 'md'));
    const taken = [target, other].find((path) => existsSync(path));
    if (taken) {
      result.skipped.push({ control: control.id, file: shownPath(root, taken), reason: 'the file exists (and holds no statement of this control)' });
      continue;
    }
    const file = controlFileText(value, format);
    const path = join(dir, controlFileName(control.id, file.format));
    if (!result.dryRun) {
      mkdirSync(dirname(path), { recursive: true });
      await writeFileAtomic(path, file.text);
    }
    result.written.push({ control: control.id, file: shownPath(root, path), format: file.format });
  }
  return result;
}

/** Where FedRAMP's parameter assignments come from: the baseline itself; LI-SaaS is tailored from Low and takes Low's. */
function fedrampParameterSource(framework: string): string | undefined {
  if (framework === 'fedramp-li-saas') return 'fedramp-low';
  return framework.startsWith('fedramp-') ? framework : undefined;
}

/** The stub of one control: valid, planned, every text to write a TODO. */
export function stubOf(
  scheme: string,
  control: CatalogControl,
  facts: CatalogControl | undefined,
  fedramp: Record<string, string>,
  dueDate: string,
  component?: string,
): ControlValue {
  const parameters: Record<string, string> = {};
  for (const param of facts?.params ?? []) {
    parameters[param.id] = fedramp[param.id] ?? `${TODO}: ${param.label ?? (param.select === 'one-or-more' ? 'selection (one or more)' : 'selection (one)')}`;
  }
  // FedRAMP may set an aggregating parameter (ac-2_prm_1) rather than its ODPs: kept as FedRAMP wrote it.
  for (const [id, text] of Object.entries(fedramp)) parameters[id] ??= text;
  const parts = facts?.parts ?? [];
  const text = parts.length > 0 ? { parts: Object.fromEntries(parts.map((p) => [p, TODO])) } : { statement: TODO };
  return {
    framework: scheme,
    control: control.id,
    title: control.title,
    status: 'planned',
    planned_completion_date: dueDate,
    remarks: `${TODO}: the plan to implement this control; once implemented, set status and remove planned_completion_date.`,
    ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
    ...(component === undefined ? text : { components: [component], by_component: { [component]: text } }),
  };
}
