/** Throwaway workspaces for tests, in the system temp folder. */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

export const MINIMAL_CONFIG = `tenant:
  id: acme-corp
  name: Acme Corp
system:
  name: Acme Cloud
  fips199: moderate
frameworks: [nist-800-53]
`;

/** Creates a workspace with the given files (path -> content); infracast.yaml defaults to a minimal one. */
export function makeWorkspace(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'infracast-ws-'));
  const all = { 'infracast.yaml': MINIMAL_CONFIG, ...files };
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/**
 * What a copy of a workspace takes: what git would hold, without its rendered output (out/) and the
 * state folder's run-time files (a lock or journal of a run in progress there: copied, the copy
 * would be locked by that run), as .infracast/.gitignore lists them.
 */
export function committedPart(source: string): (path: string) => boolean {
  const rendered = join(source, 'out');
  return (path) =>
    path !== rendered && !path.startsWith(`${rendered}/`) && !/[/\\]\.infracast[/\\](\.lock|\.journal\.json)(\.[^/\\]*)?$/.test(path) && !path.endsWith('.tmp');
}

/** A throwaway copy of an existing workspace (e.g. examples/acme), to alter without touching the original. */
export function copyWorkspace(source: string): string {
  const root = mkdtempSync(join(tmpdir(), 'infracast-ws-'));
  cpSync(source, root, { recursive: true, filter: committedPart(source) });
  return root;
}

/** Every file below `dir` with its bytes and mtime (a symlink: where it points), by relative path. */
export function snapshotTree(dir: string): Map<string, { bytes: string; mtime: number }> {
  const files = new Map<string, { bytes: string; mtime: number }>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isSymbolicLink()) files.set(relative(dir, path), { bytes: `-> ${readlinkSync(path)}`, mtime: 0 });
      else if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), { bytes: readFileSync(path).toString('base64'), mtime: statSync(path).mtimeMs });
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

/** What a run leaves, byte for byte: every file of out/ and .infracast/ with its sha256, by path. */
export function recordSnapshot(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const top of ['out', '.infracast'])
    for (const [path, { bytes }] of snapshotTree(join(root, top))) files[join(top, path)] = createHash('sha256').update(bytes).digest('hex');
  return files;
}

/** The POA&M store as id -> its weakness (detector and source id): what must never change meaning. */
export function poamWeaknesses(root: string): Record<string, string> {
  const lines = readFileSync(join(root, '.infracast', 'poam.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const items = lines.map((l) => JSON.parse(l) as { id: string; weakness_detector: string; weakness_source_id: string });
  const ids = items.map((i) => i.id);
  if (new Set(ids).size !== ids.length) throw new Error(`${root}: a POA&M id appears twice in poam.jsonl`);
  return Object.fromEntries(items.map((i) => [i.id, `${i.weakness_detector} ${i.weakness_source_id}`]));
}

/** A writer of throwaway files in one temp folder, each name made unique (`<n>-<name>`); returns the path. */
export function tempFileWriter(prefix: string): (name: string, content: string | Buffer) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let counter = 0;
  return (name, content) => {
    const path = join(dir, `${++counter}-${name}`);
    writeFileSync(path, content);
    return path;
  };
}
