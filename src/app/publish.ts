/**
 * The publish stage's file side (issue: render): each definition's artifacts are written to a
 * staging folder and swapped in together, so that a failed or killed run leaves the previous
 * artifacts intact and never a partial file; out/index.json lists every artifact as the Reports
 * API's "List reports" does.
 *
 *   out/<definition>/<definition>.<ext>
 *   out/index.json
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { OutputFormat } from '../model/definitions.js';

export interface Artifact {
  /** A report format, or the type of a supporting file (a chart, the logo: svg, png, jpg). */
  format: OutputFormat | 'jpg';
  /** File name inside the definition's folder, e.g. nist-800-53.md. */
  fileName: string;
  bytes: Uint8Array;
}

/** One item of out/index.json (spec: List Reports, plus sha256 and the definition file). */
export interface IndexItem {
  id: string;
  type: string;
  framework: string | null;
  format: OutputFormat | 'jpg';
  status: 'completed' | 'failed';
  size_bytes: number;
  sha256: string | null;
  path: string | null;
  created_at: string;
  completed_at: string;
  definition: string;
  /** A file the report uses (chart, logo) rather than a report rendering. */
  supporting?: boolean;
  /** Set when the artifact is signed: whether the signature is embedded (PDF), and the sidecars' paths. */
  signature?: { embedded: boolean; bundle?: string; p7s?: string };
  error?: string;
}

export interface RunIndex {
  items: IndexItem[];
  total: number;
}

/**
 * Writes a definition's artifacts to out/.staging-<name>-<pid>, then swaps the folder in place of
 * out/<name>. If writing fails, the staging folder is removed and out/<name> is untouched.
 */
export function publishDefinition(
  outDir: string,
  name: string,
  artifacts: readonly Artifact[],
): { path: string; sha256: string; size: number; artifact: Artifact }[] {
  mkdirSync(outDir, { recursive: true });
  const staging = join(outDir, `.staging-${name}-${process.pid}`);
  const previous = join(outDir, `.previous-${name}-${process.pid}`);
  const target = join(outDir, name);
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(staging, { recursive: true });
    for (const artifact of artifacts) {
      if (artifact.fileName.includes('/') || artifact.fileName.includes('\\') || artifact.fileName.startsWith('.')) {
        throw new Error(`artifact file name ${artifact.fileName} must be a plain file name`);
      }
      writeFileSync(join(staging, artifact.fileName), artifact.bytes);
    }
    // The swap: two renames in the same folder. A crash between them leaves the previous
    // artifacts under .previous-* and the new ones under .staging-*, never a half-written file.
    let hadPrevious = true;
    try {
      renameSync(target, previous);
    } catch {
      hadPrevious = false;
    }
    renameSync(staging, target);
    if (hadPrevious) rmSync(previous, { recursive: true, force: true });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return artifacts.map((artifact) => ({
    artifact,
    path: join(name, artifact.fileName),
    sha256: createHash('sha256').update(artifact.bytes).digest('hex'),
    size: artifact.bytes.byteLength,
  }));
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Repairs what a killed run left in `outDir` (publishDefinition's two renames, or a staging folder
 * half written): a definition folder moved aside but not replaced is moved back; staging folders
 * and superseded previous folders are removed. Folders of runs still alive are left alone.
 * Returns the names of the definitions restored.
 */
export function recoverInterrupted(outDir: string): string[] {
  const restored: string[] = [];
  let names: string[];
  try {
    names = readdirSync(outDir);
  } catch {
    return restored;
  }
  for (const entry of names) {
    const match = /^\.(staging|previous)-(.+)-(\d+)$/.exec(entry);
    if (!match || isRunning(Number(match[3]))) continue;
    const [, kind, name] = match as unknown as [string, string, string];
    const path = join(outDir, entry);
    if (kind === 'previous' && !existsSync(join(outDir, name))) {
      renameSync(path, join(outDir, name));
      restored.push(name);
    } else rmSync(path, { recursive: true, force: true });
  }
  return restored;
}

/** out/index.json as it is (an empty index when there is none yet). */
export function readIndex(outDir: string): RunIndex {
  try {
    const parsed = JSON.parse(readFileSync(join(outDir, 'index.json'), 'utf8')) as RunIndex;
    return Array.isArray(parsed.items) ? parsed : { items: [], total: 0 };
  } catch {
    return { items: [], total: 0 };
  }
}

/**
 * Writes the index atomically with the run's items: the items of the definitions published by the
 * run (definition files) are replaced; for the others (failed ones, whose previous artifacts are
 * still on disk) the new items are added, replacing only items of the same id. Newest first (then
 * by id), so that `list` reads it as it is.
 */
export async function updateIndex(outDir: string, published: readonly string[], items: readonly IndexItem[]): Promise<RunIndex> {
  const replaced = new Set(published);
  const ids = new Set(items.map((item) => item.id));
  const kept = readIndex(outDir).items.filter((item) => !replaced.has(item.definition) && !ids.has(item.id));
  const all = [...kept, ...items].sort((a, b) =>
    a.completed_at !== b.completed_at ? (a.completed_at < b.completed_at ? 1 : -1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const index: RunIndex = { items: all, total: all.length };
  await writeFileAtomic(join(outDir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}

/** A stable artifact id: the same definition, format and instant always give the same id. */
export function artifactId(definition: string, format: string, generatedAt: string): string {
  return `rpt-${createHash('sha256').update(`${definition}\0${format}\0${generatedAt}`).digest('hex').slice(0, 12)}`;
}
