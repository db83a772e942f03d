/**
 * The validate use case: find the workspace of each given path, load it, and report every
 * problem. Library API: `import { validate } from 'infracast'`.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { compareDiagnostics } from '../diagnostics.js';
import { ExitCode, InfracastError } from '../errors.js';
import { CONFIG_FILE, findWorkspaceRoot, isInside } from '../io/workspace.js';
import { resolveInstant } from './instant.js';
import { isMarkdownDefinition, loadWorkspace } from './load-workspace.js';
import type { LoadedWorkspace } from './load-workspace.js';

export interface ValidateOptions {
  /** Files or folders; default: the workspace containing the current directory. */
  paths?: string[];
  cwd?: string;
  /** The instant expiry is judged at (date or RFC 3339); default SOURCE_DATE_EPOCH, else now. */
  at?: string;
  /** Expired attestations and exceptions are errors. */
  strict?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface ValidateResult {
  ok: boolean;
  errorCount: number;
  warningCount: number;
  /** The instant expiry was judged at. */
  at: string;
  workspaces: LoadedWorkspace[];
  /** Files whose diagnostics are reported (all of a workspace when its folder was given). */
  checkedFiles: string[];
  /** Diagnostics of the given paths (all of the workspace when a folder was given), sorted. */
  diagnostics: Diagnostic[];
}

export async function validate(options: ValidateOptions = {}): Promise<ValidateResult> {
  const cwd = options.cwd ?? process.cwd();
  const at = resolveInstant(options.at, options.env ?? process.env);
  const paths = (options.paths && options.paths.length > 0 ? options.paths : ['.']).map((p) => resolve(cwd, p));

  // Group the paths by workspace; a folder means "all of it".
  const groups = new Map<string, { whole: boolean; files: string[]; findings: string[] }>();
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch {
      throw new InfracastError('FILE_NOT_FOUND', `${path}: no such file or folder`, {
        exitCode: ExitCode.Usage,
        hints: ['Check the path; globs are expanded by your shell.'],
      });
    }
    const root = await findWorkspaceRoot(path);
    if (!root) {
      throw new InfracastError('WORKSPACE_NOT_FOUND', `${path}: no ${CONFIG_FILE} in this folder or any folder above it`, {
        hints: ['Run `infracast init` to create a workspace, or give a path inside one (e.g. examples/acme).'],
      });
    }
    const group = groups.get(root) ?? { whole: false, files: [], findings: [] };
    if (isDir || path === resolve(root, CONFIG_FILE)) group.whole = true;
    // Anything but YAML may be a findings export of the workspace's sources (checked once loaded).
    else if (!/\.ya?ml$/i.test(path) && !isMarkdownDefinition(root, path)) group.findings.push(path);
    else group.files.push(path);
    groups.set(root, group);
  }

  const workspaces: LoadedWorkspace[] = [];
  const diagnostics: Diagnostic[] = [];
  const checkedFiles: string[] = [];
  for (const [root, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const workspace = await loadWorkspace(root, { at, strict: options.strict ?? false, extraFiles: group.files });
    const notFindings = group.findings.find((file) => !workspace.findingsFiles.includes(file));
    if (notFindings !== undefined) {
      throw new InfracastError('USAGE', `${notFindings}: not a YAML file, nor a findings file of findings.sources; validate checks the workspace's files`, {
        exitCode: ExitCode.Usage,
        hints: [
          'Give .yaml/.yml files, findings exports that findings.sources in infracast.yaml lists, or a workspace folder. Any findings export can be read with `infracast findings inspect`.',
        ],
      });
    }
    workspaces.push(workspace);
    checkedFiles.push(...(group.whole ? [...workspace.files, ...workspace.findingsFiles] : [...new Set([...group.files, ...group.findings])]));
    const configFile = resolve(root, CONFIG_FILE);
    const wanted = new Set([...group.files, ...group.findings]);
    diagnostics.push(...workspace.diagnostics.filter((d) => group.whole || wanted.has(d.file) || d.file === configFile || !isInside(root, d.file)));
  }
  diagnostics.sort(compareDiagnostics);
  const errorCount = diagnostics.filter((d) => d.severity === 'error').length;
  return { ok: errorCount === 0, errorCount, warningCount: diagnostics.length - errorCount, at: at.toISOString(), workspaces, checkedFiles, diagnostics };
}
