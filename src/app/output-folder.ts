/**
 * The output folder can never swallow the workspace (issue 12, "Nothing lost, ever"). Publishing
 * replaces `<output>/<definition>/` folders, so an output folder that is the workspace root, holds
 * it, or is, holds or lies inside one of the workspace's own folders lets a definition's name pick
 * a folder of inputs to replace: `output: .` with a definition named Controls deleted every control
 * statement. `validate` refuses such an `output:` (at its line:col) and `render` such an `--out`
 * (a usage error, exit 2), before anything is written.
 */
import { join, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { ExitCode, InfracastError } from '../errors.js';
import { isGlob } from '../io/glob.js';
import { foldPath, overlapOf, physicalPath, windowsReading } from '../io/path-overlap.js';
import { escapeRoute, resolveReference } from '../io/workspace.js';
import type { YamlDocument } from '../io/yaml-source.js';
import type { WorkspaceConfig } from '../model/config.js';
import { DEFINITION_FOLDERS } from '../schema/kinds.js';
import { diagnosticAt } from './workspace-rules.js';

/** A folder of the workspace's own that the output folder must stay clear of. */
export interface GuardedFolder {
  /** Absolute path as configured (not resolved through symlinks). */
  path: string;
  /** What it holds, for the message. */
  holds: string;
}

const DEFINITION_FOLDER_HOLDS: Readonly<Record<string, string | undefined>> = {
  reports: 'report and document definitions',
  schedules: 'schedules',
  controls: 'control implementation statements',
  attestations: 'attestations',
  exceptions: 'exceptions',
  mappings: 'rule-to-control mappings',
  inventory: 'the infrastructure inventory',
  catalogs: 'custom and imported catalogs',
};

/**
 * The workspace's own folders, in the order the hint names them: the definition folders, findings/
 * and the base folder of every findings source, assets/, the templates and state folders,
 * .infracast/, .git/, .github/ and node_modules/; whether or not they exist yet. A findings source
 * whose fixed prefix is the root itself (`**\/*.sarif`) guards nothing more: the root is guarded on
 * its own. A folder named twice keeps its first description (a state: of .infracast is the state folder).
 */
export function guardedFolders(root: string, config: WorkspaceConfig): GuardedFolder[] {
  const at = (name: string, holds: string): GuardedFolder => ({ path: join(root, name), holds });
  const folders: GuardedFolder[] = [
    ...DEFINITION_FOLDERS.map((name) => at(name, DEFINITION_FOLDER_HOLDS[name] ?? 'definitions')),
    at('findings', 'findings exports'),
    ...config.findingsSources.map((source) => ({ path: fixedPrefix(root, source), holds: `findings source ${source}` })),
    at('assets', 'logos and evidence files'),
    { path: config.templatesDir, holds: 'template overrides' },
    { path: config.stateDir, holds: 'state: history snapshots, POA&M ids, signatures' },
    at('.infracast', 'editor schemas'),
    at('.git', 'the git repository'),
    at('.github', 'GitHub workflows'),
    at('node_modules', 'installed packages'),
  ];
  const seen = new Set<string>([foldPath(resolve(root))]);
  return folders.filter((folder) => {
    const key = foldPath(resolve(folder.path));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The folder a findings source reads below: a glob's path before its first glob character, a plain path itself. */
function fixedPrefix(root: string, source: string): string {
  const names = source.split('/');
  const firstGlob = names.findIndex((name) => isGlob(name));
  return resolve(root, ...(firstGlob < 0 ? names : names.slice(0, firstGlob)));
}

/** What is wrong with publishing to `outDir`, in words that follow "the output folder ...". */
export interface OutputDirProblem {
  problem: string;
  /** The workspace's own folders, for the hint (`controls/, findings/, .infracast/`). */
  guarded: string;
  /** Set when a symlink on the way leads there: the fix may be the link. */
  symlink?: string;
}

/**
 * Undefined when `outDir` may receive published folders; else why not. Pure but for reading
 * symlinks: every path is compared as the file system resolves it, case-insensitively (see
 * io/path-overlap.ts), and also as Windows reads it (`out\..\controls`, `controls.`).
 */
export function outputDirProblem(root: string, outDir: string, config: WorkspaceConfig): OutputDirProblem | undefined {
  const realRoot = physicalPath(root);
  const folders = guardedFolders(root, config);
  const shown = (path: string): string => {
    const rel = relative(root, path);
    return rel === '' ? '.' : rel.startsWith('..') ? path : `${rel.split(sep).join('/')}/`;
  };
  const guarded = folders.map((f) => shown(f.path)).join(', ');
  const readings = [outDir, windowsReading(root, outDir)].filter((p): p is string => p !== undefined);
  for (const [index, reading] of readings.entries()) {
    const real = physicalPath(reading);
    const symlink = foldPath(relative(realRoot, real)) !== foldPath(relative(root, reading)) ? real : undefined;
    const how = [index > 0 ? `as Windows reads it, ${shown(reading)}` : '', symlink ? `through a symlink, ${symlink}` : ''].filter(Boolean).join('; ');
    const said = (problem: string): OutputDirProblem => ({ problem: how ? `(${how}) ${problem}` : problem, guarded, ...(symlink ? { symlink } : {}) });
    const toRoot = overlapOf(real, realRoot);
    if (toRoot === 'same') return said('is the workspace root');
    if (toRoot === 'contains') return said(`contains the workspace (${root})`);
    const hits = folders.flatMap((folder) => {
      const overlap = overlapOf(real, physicalPath(folder.path));
      if (!overlap) return [];
      const relation = overlap === 'same' ? 'is' : overlap === 'inside' ? 'is inside' : 'contains';
      return [`${relation} the workspace's folder ${shown(folder.path)} (${folder.holds})`];
    });
    if (hits.length > 0) return said(hits.join(', and '));
  }
  return undefined;
}

const CONSEQUENCE = 'publishing replaces its <definition>/ folders, so a definition named after a folder there would delete that folder';

/** validate: infracast.yaml's `output:` (or the default out/, when it is a symlink) overlaps no workspace folder and stays inside the workspace. */
export async function outputFolderDiagnostics(root: string, configDoc: YamlDocument, config: WorkspaceConfig): Promise<Diagnostic[]> {
  const body = configDoc.value as Record<string, unknown>;
  const written = typeof body.output === 'string' ? body.output : undefined;
  const path = written === undefined ? [] : ['output'];
  const name = written === undefined ? "the default output folder 'out'" : `output folder '${written}'`;
  const found = outputDirProblem(root, config.outputDir, config);
  if (found) {
    return [
      diagnosticAt(
        configDoc,
        path,
        'unsafe-output-folder',
        `${name} ${found.problem}: ${CONSEQUENCE}`,
        `Publish to a folder of its own: output: out (the default) or another new folder that is not, does not hold and is not inside the workspace root or its own folders (${found.guarded})${found.symlink ? '; or remove the symlink' : ''}.`,
      ),
    ];
  }
  if (written === undefined) return [];
  const resolved = await resolveReference(root, written);
  if (!resolved.escapes) return [];
  return [
    diagnosticAt(
      configDoc,
      path,
      'outside-workspace',
      `${name} resolves outside the workspace ${escapeRoute(resolved)}`,
      'Keep output: inside the workspace (out is the default); to publish one run elsewhere, use render --out DIR.',
    ),
  ];
}

/** render --out: the same rule as output:, as a usage error (exit 2) before anything is written. A folder outside the workspace is fine. */
export function assertOutFlag(flag: string, outDir: string, root: string, config: WorkspaceConfig): void {
  const found = outputDirProblem(root, outDir, config);
  if (!found) return;
  throw new InfracastError('USAGE', `--out ${flag} ${found.problem}: ${CONSEQUENCE}`, {
    exitCode: ExitCode.Usage,
    hints: [
      `Give --out a folder of its own: a new folder such as out/ (the default), or one outside the workspace (e.g. --out /tmp/reports); not the workspace root or its own folders (${found.guarded})${found.symlink ? '; or remove the symlink' : ''}.`,
    ],
  });
}
