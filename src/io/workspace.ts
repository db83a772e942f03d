/**
 * Finding a workspace and its files. A workspace is a folder with infracast.yaml; the CLI finds
 * it by walking up from each path it is given (like eslint and tsconfig), so commands work from
 * any directory.
 */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { compareCodeUnits } from '../model/order.js';
import { isMarkdownReadme, MARKDOWN_FILE } from './control-markdown.js';

export const CONFIG_FILE = 'infracast.yaml';
const YAML_FILE = /\.ya?ml$/i;

/** The nearest folder at or above `start` holding infracast.yaml, or undefined. */
export async function findWorkspaceRoot(start: string): Promise<string | undefined> {
  let dir = resolve(start);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  for (;;) {
    try {
      if (statSync(join(dir, CONFIG_FILE)).isFile()) return dir;
    } catch {
      // not here: go up
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

export interface ResolvedReference {
  /** Absolute path, symlinks not followed. */
  path: string;
  /** Whether the file exists. */
  exists: boolean;
  /** Set when the reference leaves the workspace, and how. */
  escapes?: 'dotdot' | 'absolute' | 'symlink';
  /** Where a symlink led, when it escapes through one. */
  realPath?: string;
}

/** How a reference leaves the workspace, in words that follow "resolves outside the workspace". */
export function escapeRoute(resolved: ResolvedReference): string {
  if (resolved.escapes === 'symlink') return `through a symlink (to ${resolved.realPath ?? '?'})`;
  return resolved.escapes === 'dotdot' ? 'through ..' : 'as an absolute path';
}

/**
 * Resolves a workspace-relative reference and says whether it stays inside the workspace,
 * through `..`, an absolute path, or a symlink anywhere on the way.
 */
export async function resolveReference(root: string, reference: string): Promise<ResolvedReference> {
  const path = resolve(root, reference);
  if (isAbsolute(reference)) return { path, exists: await exists(path), escapes: isInside(root, path) ? undefined : 'absolute' };
  if (!isInside(root, path)) return { path, exists: await exists(path), escapes: 'dotdot' };
  const realRoot = realpathSync(root);
  // Follow symlinks as far as the path exists.
  let existing = path;
  while (!(await exists(existing)) && isInside(root, dirname(existing)) && dirname(existing) !== existing) existing = dirname(existing);
  if (!(await exists(existing))) return { path, exists: false };
  const real = realpathSync(existing);
  if (!isInside(realRoot, real)) return { path, exists: existing === path, escapes: 'symlink', realPath: real };
  return { path, exists: existing === path };
}

async function exists(path: string): Promise<boolean> {
  try {
    lstatSync(path);
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

export interface WorkspaceFile {
  path: string;
  /** The top-level workspace folder it is in (reports, schedules...), or '' for the root. */
  folder: string;
  /** Set when the file is a symlink whose target is outside the workspace. */
  escapesTo?: string;
}

export interface WorkspaceListing {
  /** infracast.yaml first, then the YAML files to read. */
  files: WorkspaceFile[];
  /** YAML files whose name starts with '.', which are not read: reported so that nobody wonders why a definition is ignored. */
  dotFiles: string[];
}

/**
 * infracast.yaml plus every YAML file under the given definition folders, and every Markdown file
 * (but a README.md) under the `markdownFolders` among them, sorted by path (synchronous: small
 * trees, fewer round trips).
 */
export async function listWorkspaceFiles(root: string, folders: readonly string[], markdownFolders: readonly string[] = []): Promise<WorkspaceListing> {
  const files: WorkspaceFile[] = [{ path: join(root, CONFIG_FILE), folder: '' }];
  const dotFiles: string[] = [];
  const realRoot = realpathSync(root);
  function walk(dir: string, folder: string, depth: number): void {
    const isDefinition = (name: string): boolean =>
      YAML_FILE.test(name) || (markdownFolders.includes(folder) && MARKDOWN_FILE.test(name) && !isMarkdownReadme(name));
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      // Dot-folders and non-YAML dot-files (.gitkeep, an editor's .x.yaml.swp) are nobody's definitions.
      if (entry.name.startsWith('.')) {
        if (isDefinition(entry.name) && !entry.isDirectory()) dotFiles.push(full);
        continue;
      }
      if (entry.isSymbolicLink()) {
        let real: string;
        try {
          real = realpathSync(full);
        } catch {
          continue; // dangling link: nothing to read
        }
        if (!isInside(realRoot, real)) {
          if (isDefinition(entry.name)) files.push({ path: full, folder, escapesTo: real });
          continue;
        }
        const info = statSync(real);
        if (info.isDirectory() && depth < 8) walk(full, folder, depth + 1);
        else if (info.isFile() && isDefinition(entry.name)) files.push({ path: full, folder });
      } else if (entry.isDirectory() && depth < 8) {
        walk(full, folder, depth + 1);
      } else if (entry.isFile() && isDefinition(entry.name)) {
        files.push({ path: full, folder });
      }
    }
  }
  for (const folder of folders) walk(join(root, folder), folder, 0);
  return { files: files.sort((a, b) => compareCodeUnits(a.path, b.path)), dotFiles: dotFiles.sort(compareCodeUnits) };
}

/** The top-level workspace folder of a path inside the workspace ('' at the root). */
export function folderOf(root: string, file: string): string {
  const rel = relative(root, file);
  const first = rel.split(sep)[0] ?? '';
  return rel.includes(sep) ? first : '';
}

/** File name without its YAML (or Markdown) extension. */
export function fileStem(file: string): string {
  return basename(file).replace(YAML_FILE, '').replace(MARKDOWN_FILE, '');
}
