/**
 * The `findings inspect` use case: import findings files and say what Infracast makes of them.
 * Inside a workspace (the files' own, or `-w`) the import is the workspace's (observation dates its
 * sources declare) and the findings are mapped as evaluation maps them: the workspace's mappings/
 * then the built-in ones, per framework, with the same function as `summary` (controlsOfFinding),
 * so that an unmapped count here is `summary -f`'s `unmapped_findings`. Outside a workspace the
 * counts are what the records name, unless frameworks are asked for (then the built-in mappings).
 */
import { dirname, resolve } from 'node:path';
import { BUILT_IN_FRAMEWORK_IDS } from '../catalogs/frameworks.js';
import { ExitCode, InfracastError } from '../errors.js';
import { expandPaths } from '../io/glob.js';
import { CONFIG_FILE, findWorkspaceRoot } from '../io/workspace.js';
import { controlSortKey } from '../model/control-ids.js';
import { controlsOfFinding } from '../model/evaluation.js';
import type { MappingRule } from '../model/evaluation.js';
import { builtInMappingRules, catalogOf, evidenceFrameworkOf, mappingRules } from './evaluate.js';
import { ingest } from './ingest.js';
import type { IngestResult } from './ingest.js';
import { resolveInstant } from './instant.js';
import { loadWorkspace } from './load-workspace.js';
import type { LoadedWorkspace } from './load-workspace.js';
import { isUnmapped } from './unmapped.js';
import { ingestWorkspace } from './workspace-findings.js';

export interface InspectOptions {
  /** Files, folders and globs. */
  paths: string[];
  cwd?: string;
  summary?: boolean;
  skipInvalid?: boolean;
  /** Frameworks to count unmapped findings for; default: the workspace's frameworks. */
  frameworks?: string[];
  /** A path inside the workspace whose mappings apply; default: the workspace holding every file, if one does. */
  workspace?: string;
  /** List every rule with the controls it counts for per framework and what says so. */
  rules?: boolean;
  env?: NodeJS.ProcessEnv;
}

export type MappingsApplied = 'workspace mappings/ and built-in' | 'built-in only (no workspace)';

export interface InspectResult extends IngestResult {
  /** The workspace whose import and mappings were used. */
  workspace?: string;
  /** Which mapping rules the per-framework counts apply; absent when there are none. */
  mappings?: MappingsApplied;
  /** Per framework: distinct findings that map to none of its controls (as summary's unmapped_findings). */
  unmappedByFramework?: Record<string, number>;
  /** The same per file (findings read from the file, merged ones included). */
  unmappedByFile?: Map<string, Record<string, number>>;
  /** Frameworks whose counts were skipped, and why (e.g. --summary keeps no findings). */
  note?: string;
  /** With `rules`: per tool and rule, the controls its findings count for and why (the records, or which mapping rule). */
  rules?: RuleMapping[];
}

/** How the findings of one rule map, per framework. */
export interface RuleMapping {
  tool?: string;
  /** The finding's rule id; absent for findings that carry none. */
  rule?: string;
  findings: number;
  /** Per framework: every control, and per reason (the records, or `<mapping source>: <rule pattern>`) the controls it gave. */
  frameworks: Record<string, { controls: string[]; by: Record<string, string[]> }>;
}

/** What made a control count: the record itself, or a mapping rule (its source and pattern). */
const NAMED_BY_RECORD = 'named by the records';

/** The workspace named by -w, else the one holding every given file, else none. */
async function workspaceRootOf(options: InspectOptions, cwd: string): Promise<string | undefined> {
  if (options.workspace !== undefined) {
    const root = await findWorkspaceRoot(resolve(cwd, options.workspace));
    if (!root) {
      throw new InfracastError('WORKSPACE_NOT_FOUND', `${options.workspace}: no ${CONFIG_FILE} in this folder or any folder above it`, {
        exitCode: ExitCode.Usage,
        hints: ['Give a path inside a workspace with -w, or leave -w out to read the files on their own.'],
      });
    }
    return root;
  }
  const { files } = await expandPaths(options.paths, cwd);
  const byFolder = new Map<string, Promise<string | undefined>>();
  const roots = new Set<string | undefined>();
  for (const file of files) {
    const folder = dirname(file);
    if (!byFolder.has(folder)) byFolder.set(folder, findWorkspaceRoot(folder));
    roots.add(await byFolder.get(folder));
  }
  return roots.size === 1 ? [...roots][0] : undefined;
}

function checkFrameworks(frameworks: readonly string[], workspace: LoadedWorkspace | undefined): void {
  for (const framework of frameworks) {
    if (workspace) catalogOf(workspace, framework);
    else if (!BUILT_IN_FRAMEWORK_IDS.includes(framework)) {
      throw new InfracastError('FRAMEWORK_UNKNOWN', `unknown framework "${framework}"`, {
        hints: [`Built-in: ${BUILT_IN_FRAMEWORK_IDS.join(', ')}. Frameworks of a workspace's catalogs/ apply with -w.`],
      });
    }
  }
}

/** Unmapped findings per framework, in total (distinct findings) and per file. */
function countUnmapped(
  result: IngestResult,
  frameworks: readonly string[],
  rules: MappingRule[],
): Pick<InspectResult, 'unmappedByFramework' | 'unmappedByFile'> {
  const zero = (): Record<string, number> => Object.fromEntries(frameworks.map((f) => [f, 0]));
  const total = zero();
  const byFile = new Map(result.files.map((f) => [f.file, zero()]));
  for (const finding of result.findings) {
    const files = new Set(finding.sources.map((s) => s.file));
    for (const framework of frameworks) {
      if (!isUnmapped(finding, framework, rules)) continue;
      total[framework]!++;
      for (const file of files) {
        const counts = byFile.get(file);
        if (counts) counts[framework]!++;
      }
    }
  }
  return { unmappedByFramework: total, unmappedByFile: byFile };
}

/**
 * Per tool and rule, the controls of each framework its findings count for, each with what said so,
 * by the same function as evaluation (controlsOfFinding): `findings inspect --rules`, the way to
 * check a mapping. Sorted by tool, then rule (code units).
 */
function mapRules(result: IngestResult, frameworks: readonly string[], rules: MappingRule[]): RuleMapping[] {
  const byRule = new Map<string, { tool?: string; rule?: string; findings: number; frameworks: Map<string, Map<string, Set<string>>> }>();
  for (const finding of result.findings) {
    const key = `${finding.tool ?? ''}\u0000${finding.ruleId ?? ''}`;
    let entry = byRule.get(key);
    if (!entry) {
      entry = { findings: 0, frameworks: new Map(frameworks.map((f) => [f, new Map()])) };
      if (finding.tool !== undefined) entry.tool = finding.tool;
      if (finding.ruleId !== undefined) entry.rule = finding.ruleId;
      byRule.set(key, entry);
    }
    entry.findings++;
    for (const framework of frameworks) {
      const mapped = controlsOfFinding(finding, evidenceFrameworkOf(framework), rules);
      const controls = entry.frameworks.get(framework)!;
      for (const id of mapped.ids) {
        const rule = mapped.rules.get(id);
        const by = mapped.named.has(id) || !rule ? NAMED_BY_RECORD : `${rule.source}: ${rule.rule}`;
        controls.set(id, (controls.get(id) ?? new Set()).add(by));
      }
    }
  }
  const codeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...byRule.keys()].sort(codeUnits).map((key) => {
    const entry = byRule.get(key)!;
    return {
      ...(entry.tool !== undefined ? { tool: entry.tool } : {}),
      ...(entry.rule !== undefined ? { rule: entry.rule } : {}),
      findings: entry.findings,
      frameworks: Object.fromEntries(
        [...entry.frameworks].map(([framework, controls]) => {
          const ids = [...controls.keys()].sort((a, b) => codeUnits(controlSortKey(a), controlSortKey(b)));
          const reasons = [...new Set(ids.flatMap((id) => [...controls.get(id)!]))].sort(codeUnits);
          return [framework, { controls: ids, by: Object.fromEntries(reasons.map((r) => [r, ids.filter((id) => controls.get(id)!.has(r))])) }];
        }),
      ),
    };
  });
}

export async function inspectFindings(options: InspectOptions): Promise<InspectResult> {
  const cwd = options.cwd ?? process.cwd();
  const asked = options.frameworks ?? [];
  if (asked.length > 0 && options.summary) {
    throw new InfracastError('USAGE', '--framework needs the findings kept, and --summary keeps none', {
      exitCode: ExitCode.Usage,
      hints: ['Drop --summary to count unmapped findings per framework (or drop --framework for the counts of a huge export).'],
    });
  }
  const root = await workspaceRootOf(options, cwd);
  const loaded = root ? await loadWorkspace(root, { at: resolveInstant(undefined, options.env ?? process.env) }) : undefined;
  // A workspace whose infracast.yaml is invalid has no config to import with: read the files on their own.
  const workspace = loaded?.config ? loaded : undefined;
  const frameworks = asked.length > 0 ? [...new Set(asked)] : (workspace?.config?.frameworks ?? []);
  checkFrameworks(frameworks, workspace);

  const read = { summary: options.summary ?? false, skipInvalid: options.skipInvalid ?? false };
  const result: InspectResult = workspace
    ? await ingestWorkspace(workspace, { paths: options.paths, cwd, ...read })
    : await ingest({ paths: options.paths, cwd, ...read });
  if (workspace) result.workspace = workspace.root;
  if (options.rules && frameworks.length === 0) {
    throw new InfracastError('USAGE', '--rules needs a framework to map to', {
      exitCode: ExitCode.Usage,
      hints: ['Give one with -f (e.g. -f nist-800-53), or run it inside a workspace, whose frameworks apply.'],
    });
  }
  if (options.rules && options.summary) {
    throw new InfracastError('USAGE', '--rules needs the findings kept, and --summary keeps none', {
      exitCode: ExitCode.Usage,
      hints: ['Drop --summary.'],
    });
  }
  if (frameworks.length === 0) return result;
  if (options.summary) return { ...result, note: `unmapped per framework (${frameworks.join(', ')}) not counted: --summary keeps no findings` };
  const rules = workspace ? mappingRules(workspace) : builtInMappingRules();
  return {
    ...result,
    mappings: workspace ? 'workspace mappings/ and built-in' : 'built-in only (no workspace)',
    ...countUnmapped(result, frameworks, rules),
    ...(options.rules ? { rules: mapRules(result, frameworks, rules) } : {}),
  };
}
