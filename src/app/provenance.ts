/** What every artifact states about how it was made (evaluation.md section 8). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../io/package-root.js';

let version: string | undefined;
export function toolVersion(): string {
  version ??= `infracast ${(JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version}`;
  return version;
}

/** sha256 of every input file, paths relative to the workspace root, sorted by path. */
export function inputDigests(root: string, files: readonly string[]): { path: string; sha256: string }[] {
  return [...new Set(files)]
    .map((path) => ({ path: relative(root, path), full: path }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map(({ path, full }) => ({ path, sha256: createHash('sha256').update(readFileSync(full)).digest('hex') }));
}
