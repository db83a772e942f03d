/** Expands file arguments: plain files, folders (every file below, sorted) and globs (`findings/**\/*.json`). */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { compareCodeUnits } from '../model/order.js';

const GLOB_CHARS = /[*?[\]{}]/;

export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

export interface Expanded {
  /** Absolute paths, each once, in argument order (globs and folders sorted by code units). */
  files: string[];
  /** Arguments that matched nothing. */
  unmatched: string[];
}

export async function expandPaths(patterns: readonly string[], cwd: string): Promise<Expanded> {
  // Globs under one folder (findings/**/*.json, findings/**/*.csv) walk it once.
  const walks = new Map<string, Promise<string[]>>();
  const walkOnce = (dir: string): Promise<string[]> => {
    let found = walks.get(dir);
    if (!found) walks.set(dir, (found = walk(dir)));
    return found;
  };
  const files: string[] = [];
  const seen = new Set<string>();
  const unmatched: string[] = [];
  const add = (file: string): void => {
    if (!seen.has(file)) {
      seen.add(file);
      files.push(file);
    }
  };
  for (const pattern of patterns) {
    if (!isGlob(pattern)) {
      const path = resolve(cwd, pattern);
      let isDir = false;
      try {
        isDir = (await stat(path)).isDirectory();
      } catch {
        unmatched.push(pattern);
        continue;
      }
      if (isDir) {
        const found = (await walk(path)).sort(compareCodeUnits);
        if (found.length === 0) unmatched.push(pattern);
        found.forEach(add);
      } else add(path);
      continue;
    }
    // The folder before the first glob character is where the walk starts.
    const absolute = resolve(cwd, pattern);
    const parts = absolute.split(sep);
    const firstGlob = parts.findIndex((p) => isGlob(p));
    const base = parts.slice(0, firstGlob).join(sep) || sep;
    const matcher = picomatch(parts.slice(firstGlob).join('/'), { dot: false });
    let found: string[] = [];
    try {
      found = (await walkOnce(base)).filter((f) => matcher(relative(base, f).split(sep).join('/'))).sort(compareCodeUnits);
    } catch {
      found = [];
    }
    if (found.length === 0) unmatched.push(pattern);
    found.forEach(add);
  }
  return { files, unmatched };
}
