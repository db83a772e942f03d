/**
 * The publish stage's file side: each definition's artifacts are staged in the run's transaction
 * (app/transaction.ts) and swapped in together when the run commits, so that a failed or killed run
 * leaves the previous artifacts intact and never a partial file; out/index.json lists every
 * artifact as the Reports API's "List reports" does, and each published folder carries a marker
 * naming its items (what lets the index be rebuilt, and proves the folder is Infracast's).
 *
 *   out/<definition>/<definition>.<ext>
 *   out/<definition>/.infracast-published.json
 *   out/index.json
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InfracastError } from '../errors.js';
import type { OutputFormat } from '../model/definitions.js';
import { MARKER, readMarker, writeDurably } from './transaction.js';
import type { RunTransaction } from './transaction.js';

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

/** One artifact as staged: its path under the output folder, digest and size. */
export interface Staged {
  path: string;
  sha256: string;
  size: number;
  artifact: Artifact;
}

/** What a published folder's marker holds: the definition's index items (out/index.json is rebuilt from these). */
export interface PublishedMarker {
  infracast_published: 1;
  definition: string;
  items: IndexItem[];
  /**
   * Content digest of each report, by file stem (publishing/growth.ts): written by runs that keep
   * unchanged binaries, so that the next such run can tell whether a binary would say anything new.
   */
  content_sha256?: Record<string, string>;
}

/**
 * Stages a definition's artifacts in the run's transaction: written and flushed in a staging
 * folder, swapped in place of out/<name> only when the run commits. Refuses to stage over a
 * folder Infracast did not publish (no marker, not in the index): publishing never deletes
 * anything it did not create.
 */
export async function stageDefinition(
  tx: RunTransaction,
  index: RunIndex,
  name: string,
  artifacts: readonly Artifact[],
): Promise<{ folder: string; staged: Staged[] }> {
  assertOurs(tx.outDir, name, index);
  const folder = await tx.stagingFolder(name);
  const staged: Staged[] = [];
  try {
    for (const artifact of artifacts) {
      if (artifact.fileName.includes('/') || artifact.fileName.includes('\\') || artifact.fileName.startsWith('.')) {
        throw new Error(`artifact file name ${artifact.fileName} must be a plain file name`);
      }
      await writeDurably(join(folder, artifact.fileName), artifact.bytes);
      staged.push({
        artifact,
        path: join(name, artifact.fileName),
        sha256: createHash('sha256').update(artifact.bytes).digest('hex'),
        size: artifact.bytes.byteLength,
      });
    }
  } catch (error) {
    await tx.dropFolder(folder);
    throw error;
  }
  return { folder, staged };
}

/** Writes the marker into a staged folder and registers it for the commit. */
export async function sealDefinition(
  tx: RunTransaction,
  folder: string,
  name: string,
  definition: string,
  items: IndexItem[],
  content?: Record<string, string>,
): Promise<void> {
  const marker: PublishedMarker = { infracast_published: 1, definition, items, ...(content ? { content_sha256: content } : {}) };
  await writeDurably(join(folder, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
  tx.publishFolder(folder, name);
}

/**
 * A folder may be replaced when Infracast published it: it has the marker, or (published by a
 * version before markers) every file in it is an artifact the index lists for that folder.
 */
function assertOurs(outDir: string, name: string, index: RunIndex): void {
  const folder = join(outDir, name);
  let entries: string[];
  try {
    if (!statSync(folder).isDirectory()) throw notOurs(folder, 'is a file');
    entries = readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (readMarker<PublishedMarker>(folder)?.infracast_published === 1) return;
  const listed = new Set(index.items.filter((i) => i.path !== null).map((i) => i.path!));
  const sidecar = (entry: string): boolean => /\.(sigstore\.json|p7s)$/.test(entry) && listed.has(join(name, entry.replace(/\.(sigstore\.json|p7s)$/, '')));
  const foreign = entries.filter((entry) => !listed.has(join(name, entry)) && !sidecar(entry));
  if (entries.length > 0 && foreign.length > 0)
    throw notOurs(folder, `holds files Infracast did not publish (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''})`);
}

function notOurs(folder: string, why: string): InfracastError {
  return new InfracastError('OUTPUT_NOT_OURS', `${folder} ${why}: Infracast never replaces or deletes what it did not publish`, {
    location: { file: folder },
    hints: ['Move it out of the output folder, or give the definition another name (name:), or render to another folder (--out DIR).'],
  });
}

/**
 * out/index.json as it is; when it is missing or is not an index (a truncated write, a bad merge),
 * rebuilt from the markers of the published folders rather than reset (`rebuilt` says so).
 */
export function readIndex(outDir: string): RunIndex & { rebuilt?: string } {
  const file = join(outDir, 'index.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return rebuildIndex(outDir);
  }
  try {
    const parsed = JSON.parse(text) as RunIndex;
    if (!Array.isArray(parsed.items)) throw new Error('it has no "items" list');
    return parsed;
  } catch (error) {
    return { ...rebuildIndex(outDir), rebuilt: `${file} is not an index (${(error as Error).message}): rebuilt from the published folders` };
  }
}

/** The index the published folders' markers describe. */
export function rebuildIndex(outDir: string): RunIndex {
  let names: string[] = [];
  try {
    names = readdirSync(outDir);
  } catch {
    // no output yet
  }
  const items = names.flatMap((name) => (name.startsWith('.') ? [] : (readMarker<PublishedMarker>(join(outDir, name))?.items ?? [])));
  return sortedIndex(items);
}

function sortedIndex(items: IndexItem[]): RunIndex {
  const all = [...items].sort((a, b) =>
    a.completed_at !== b.completed_at ? (a.completed_at < b.completed_at ? 1 : -1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  return { items: all, total: all.length };
}

/**
 * The index after the run: the items of the definitions published by the run (definition files)
 * are replaced; for the others (failed ones, whose previous artifacts are still on disk) the new
 * items are added, replacing only items of the same id. Newest first (then by id), so that `list`
 * reads it as it is.
 */
export function nextIndex(previous: RunIndex, published: readonly string[], items: readonly IndexItem[]): RunIndex {
  const replaced = new Set(published);
  const ids = new Set(items.map((item) => item.id));
  return sortedIndex([...previous.items.filter((item) => !replaced.has(item.definition) && !ids.has(item.id)), ...items]);
}

/** A stable artifact id: the same definition, format and instant always give the same id. */
export function artifactId(definition: string, format: string, generatedAt: string): string {
  return `rpt-${createHash('sha256').update(`${definition}\0${format}\0${generatedAt}`).digest('hex').slice(0, 12)}`;
}
