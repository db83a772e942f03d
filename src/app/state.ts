/**
 * The workspace's persistent state (docs/evaluation.md section 7): the folder `config.stateDir`
 * (`.infracast/` by default), committed with the workspace.
 *
 *   version.json                                         {"state_version": 1}
 *   poam.jsonl                                           a header line {"kind":"header","next_id":N}, then one item per line, by id number
 *   history/<definition>/<framework>/<generated_at>.json one snapshot per file (':' in generated_at written as '-')
 *   schedules.jsonl                                      the last slot rendered per schedule, one line each, by name (app/schedule/state.ts)
 *   deliveries.jsonl                                     each e-mail and webhook delivered, one line each, sorted (app/delivery/record.ts)
 *   runs.jsonl                                           the run log: one line per definition a render published, appended (app/history/run-log.ts)
 *   .gitignore, .gitattributes                           run-time files git ignores; the line files git merges by union
 *
 * Every file is JSON with keys sorted by code units, `\n` line endings and a final newline, written
 * atomically, and not written at all when its bytes would not change (same bytes, same mtime), so
 * re-rendering with the same generated_at changes nothing and two committers do not conflict.
 * A newer state_version is refused; older ones go through MIGRATIONS, one version at a time.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode, InfracastError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { HistorySnapshot } from '../model/history.js';
import { canonicalJson, compareCodeUnits } from '../model/order.js';
import { emptyPoamStore, poamIdNumber } from '../model/poam.js';
import type { PoamItem, PoamStore } from '../model/poam.js';
import type { RunTransaction } from './transaction.js';

export const STATE_VERSION = 1;

/** What a run may leave in the state folder that is never part of the record (its lock, a journal, temporary files). */
export const STATE_GITIGNORE = `# Written by Infracast: run-time files, never part of the compliance record.
.lock
.lock.*
.journal.json
.journal.json.*
*.tmp
`;

/**
 * How git merges the state folder. The run log and the schedule slots are sets of lines: two
 * branches (or two jobs, then a rebase) that each added lines merge with both sides kept, and their
 * readers take duplicates and any order. Not poam.jsonl: its header counter and its items by id
 * must be merged by a person (two branches can give one id to two weaknesses).
 */
export const STATE_GITATTRIBUTES = `# Written by Infracast: these files are sets of lines; a merge keeps both sides' lines.
deliveries.jsonl merge=union
runs.jsonl merge=union
schedules.jsonl merge=union
`;

/** Upgrades a state folder from version `from` to `from + 1`, in place. */
export type StateMigration = (stateDir: string) => Promise<void>;

/** Migrations by the version they upgrade from. Version 1 is the first: none yet. */
export const MIGRATIONS: Readonly<Record<number, StateMigration>> = {};

export type WriteOutcome = 'written' | 'unchanged';

export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InfracastError('FILE_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Stages `text` for `path` in the run's transaction unless the file already holds exactly these bytes. */
async function stageIfChanged(tx: RunTransaction, path: string, text: string): Promise<WriteOutcome> {
  if ((await readIfExists(path)) === text) return 'unchanged';
  await tx.stageFile(path, text);
  return 'written';
}

/** Writes `text` atomically unless the file already holds exactly these bytes. */
export async function writeIfChanged(path: string, text: string): Promise<WriteOutcome> {
  if ((await readIfExists(path)) === text) return 'unchanged';
  await writeFileAtomic(path, text);
  return 'written';
}

export function invalid(file: string, message: string, line?: number, cause?: unknown): InfracastError {
  return new InfracastError('STATE_INVALID', `${file}${line === undefined ? '' : `:${line}`}: ${message}`, {
    location: line === undefined ? { file } : { file, line },
    hints: ['The state folder is written by Infracast; restore the file from git (git checkout -- <file>) or resolve its merge conflict.'],
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The folder's state_version, or undefined when it has none yet (a new workspace). */
export async function readStateVersion(stateDir: string): Promise<number | undefined> {
  const file = join(stateDir, 'version.json');
  const text = await readIfExists(file);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid(file, 'is not JSON', undefined, error);
  }
  const version = (parsed as { state_version?: unknown } | null)?.state_version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw invalid(file, 'has no state_version (a whole number from 1)');
  return version;
}

/** Refuses a state folder written by a newer Infracast. */
function refuseNewer(stateDir: string, version: number, current = STATE_VERSION): void {
  if (version > current) {
    throw new InfracastError(
      'STATE_VERSION_UNSUPPORTED',
      `${join(stateDir, 'version.json')}: state_version ${version} is newer than this Infracast understands (${current})`,
      {
        exitCode: ExitCode.Environment,
        location: { file: join(stateDir, 'version.json') },
        hints: ['Upgrade Infracast to the version that wrote this state (see the workspace history), or run that version.'],
      },
    );
  }
}

/** Checks the version before reading: newer is refused; older is read only after `prepareState` migrated it. */
export async function checkReadable(stateDir: string): Promise<void> {
  const version = await readStateVersion(stateDir);
  if (version === undefined) return;
  refuseNewer(stateDir, version);
  if (version < STATE_VERSION) {
    throw new InfracastError('STATE_INVALID', `${join(stateDir, 'version.json')}: state_version ${version} needs migrating to ${STATE_VERSION}`, {
      location: { file: join(stateDir, 'version.json') },
      hints: ['Run the command that writes state (it migrates the folder first), then commit the result.'],
    });
  }
}

/**
 * Makes the folder current before writing: refuses a newer version, runs the migrations from an
 * older one in order, and writes version.json. Returns the version found (undefined: none).
 * `current` is for tests of the hook; it defaults to STATE_VERSION.
 */
export async function prepareState(
  stateDir: string,
  migrations: Readonly<Record<number, StateMigration>> = MIGRATIONS,
  current: number = STATE_VERSION,
): Promise<number | undefined> {
  const found = await readStateVersion(stateDir);
  if (found !== undefined) {
    refuseNewer(stateDir, found, current);
    for (let v = found; v < current; v++) {
      const migrate = migrations[v];
      if (migrate === undefined) throw invalid(join(stateDir, 'version.json'), `no migration from state_version ${v} to ${v + 1}`);
      await migrate(stateDir);
    }
  }
  await writeIfChanged(join(stateDir, 'version.json'), `${canonicalJson({ state_version: current })}\n`);
  await writeIfChanged(join(stateDir, '.gitignore'), STATE_GITIGNORE);
  await writeIfChanged(join(stateDir, '.gitattributes'), STATE_GITATTRIBUTES);
  return found;
}

// POA&M ----------------------------------------------------------------------------------------

export function poamPath(stateDir: string): string {
  return join(stateDir, 'poam.jsonl');
}

/** poam.jsonl's text: the header line, then the items by id number, one per line. */
export function serialisePoam(store: PoamStore): string {
  const items = [...store.items].sort((a, b) => poamIdNumber(a.id) - poamIdNumber(b.id));
  return [canonicalJson({ kind: 'header', next_id: store.next_id }), ...items.map((item) => canonicalJson(item))].map((line) => `${line}\n`).join('');
}

export function parsePoam(text: string, file: string): PoamStore {
  // A store is never taken as new unless it is absent: an empty or cut-off file is a damaged record
  // (an interrupted copy, a bad merge), and renumbering its items would give ids to other weaknesses.
  if (text.trim() === '') throw invalid(file, 'is empty: a POA&M store always starts with its header line {"kind":"header","next_id":<n>}');
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw invalid(file, 'is cut off: its last line has no line ending (Infracast ends every line)', lines.length);
  lines.pop();
  const parse = (line: string, n: number): Record<string, unknown> => {
    if (/^(<{7}|={7}|>{7})/.test(line)) throw invalid(file, 'has an unresolved merge conflict', n);
    try {
      const value: unknown = JSON.parse(line);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      return value as Record<string, unknown>;
    } catch (error) {
      throw invalid(file, 'is not a JSON object', n, error);
    }
  };
  const header = parse(lines[0]!, 1);
  if (header.kind !== 'header' || typeof header.next_id !== 'number' || !Number.isInteger(header.next_id) || header.next_id < 1) {
    throw invalid(file, 'the first line must be {"kind":"header","next_id":<n>}', 1);
  }
  const items: PoamItem[] = [];
  const ids = new Set<string>();
  lines.slice(1).forEach((line, i) => {
    const item = parse(line, i + 2);
    if (typeof item.id !== 'string' || Number.isNaN(poamIdNumber(item.id))) throw invalid(file, 'an item needs an id POAM-<n>', i + 2);
    if (item.status !== 'open' && item.status !== 'closed') throw invalid(file, `${item.id}: status must be open or closed`, i + 2);
    if (ids.has(item.id)) throw invalid(file, `${item.id} appears twice`, i + 2);
    ids.add(item.id);
    items.push(item as unknown as PoamItem);
  });
  items.sort((a, b) => poamIdNumber(a.id) - poamIdNumber(b.id));
  // A merge of two branches that each added items keeps both; next_id stays past every id.
  const nextId = Math.max(header.next_id, ...items.map((item) => poamIdNumber(item.id) + 1));
  return { next_id: nextId, items };
}

/** The stored POA&M, or an empty store when there is none yet. */
export async function readPoam(stateDir: string): Promise<PoamStore> {
  await checkReadable(stateDir);
  const file = poamPath(stateDir);
  const text = await readIfExists(file);
  return text === undefined ? emptyPoamStore() : parsePoam(text, file);
}

/** Stages the store in the run's transaction, unless its bytes would not change. */
export async function stagePoam(tx: RunTransaction, stateDir: string, store: PoamStore): Promise<WriteOutcome> {
  return stageIfChanged(tx, poamPath(stateDir), serialisePoam(store));
}

export async function writePoam(stateDir: string, store: PoamStore): Promise<WriteOutcome> {
  await prepareState(stateDir);
  return writeIfChanged(poamPath(stateDir), serialisePoam(store));
}

// History --------------------------------------------------------------------------------------

/** A definition or framework name as one path segment: anything but letters, digits, '_' and '-' (and '.' inside) percent-encoded. */
export function pathSegment(name: string): string {
  if (name === '') throw new InfracastError('USAGE', 'a history snapshot needs a definition and a framework name', { exitCode: ExitCode.Usage });
  const encoded = name.replace(/[^A-Za-z0-9._-]/g, (c) => [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
  return encoded.startsWith('.') ? `%2E${encoded.slice(1)}` : encoded;
}

export function snapshotPath(stateDir: string, snapshot: Pick<HistorySnapshot, 'definition' | 'framework' | 'generated_at'>): string {
  if (Number.isNaN(Date.parse(snapshot.generated_at)) || /[/\\]/.test(snapshot.generated_at)) {
    throw new InfracastError('USAGE', `generated_at '${snapshot.generated_at}' is not an RFC 3339 instant`, { exitCode: ExitCode.Usage });
  }
  return join(stateDir, 'history', pathSegment(snapshot.definition), pathSegment(snapshot.framework), `${snapshot.generated_at.replace(/:/g, '-')}.json`);
}

export function serialiseSnapshot(snapshot: HistorySnapshot): string {
  return `${canonicalJson(snapshot, 2)}\n`;
}

/** Stages one snapshot in the run's transaction; the same snapshot again leaves the file untouched. */
export async function stageSnapshot(tx: RunTransaction, stateDir: string, snapshot: HistorySnapshot): Promise<WriteOutcome> {
  return stageIfChanged(tx, snapshotPath(stateDir, snapshot), serialiseSnapshot(snapshot));
}

/** Writes one snapshot; the same snapshot again (same generated_at, same content) leaves the file untouched. */
export async function writeSnapshot(stateDir: string, snapshot: HistorySnapshot): Promise<WriteOutcome> {
  await prepareState(stateDir);
  return writeIfChanged(snapshotPath(stateDir, snapshot), serialiseSnapshot(snapshot));
}

/** Every stored snapshot of (definition, framework), in file-name order. */
export async function readSnapshots(stateDir: string, definition: string, framework: string): Promise<HistorySnapshot[]> {
  await checkReadable(stateDir);
  const dir = join(stateDir, 'history', pathSegment(definition), pathSegment(framework));
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort(compareCodeUnits);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const snapshots: HistorySnapshot[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const text = (await readIfExists(file)) ?? '';
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw invalid(file, 'is not JSON', undefined, error);
    }
    const s = value as Partial<HistorySnapshot> | null;
    if (!s || typeof s.generated_at !== 'string' || typeof s.counts !== 'object' || !Array.isArray(s.failing_controls)) {
      throw invalid(file, 'is not a history snapshot (generated_at, counts, failing_controls)');
    }
    snapshots.push(s as HistorySnapshot);
  }
  return snapshots;
}

// Signatures ------------------------------------------------------------------------------------

/**
 * What was last signed, per published artifact (`<definition>/<file>`): the sha256 of the bytes
 * before signing, of the published file and of each sidecar, and the signing set-up. A render whose
 * bytes did not change reuses the published signed files instead of signing again, so a scheduled
 * run with no change commits nothing (issue: signed reports, "re-signed only when its bytes differ").
 */
export interface SignatureRecord {
  source_sha256: string;
  signed_sha256: string;
  /** Sidecar file name -> sha256. */
  sidecars: Record<string, string>;
  /** Fingerprint of the signing set-up (certificate, mode, TSA, services): a new key re-signs. */
  setup: string;
}

export type SignatureState = Record<string, SignatureRecord>;

const signaturesPath = (stateDir: string): string => join(stateDir, 'signatures.json');

export async function readSignatureState(stateDir: string): Promise<SignatureState> {
  await checkReadable(stateDir);
  const file = signaturesPath(stateDir);
  const text = await readIfExists(file);
  if (text === undefined) return {};
  try {
    const parsed = JSON.parse(text) as { artifacts?: unknown };
    const artifacts = typeof parsed === 'object' && parsed !== null ? parsed.artifacts : undefined;
    if (typeof artifacts !== 'object' || artifacts === null || Array.isArray(artifacts)) throw new Error('no "artifacts" object');
    for (const [key, record] of Object.entries(artifacts as Record<string, unknown>)) {
      const r = record as Partial<SignatureRecord> | null;
      if (
        typeof r !== 'object' ||
        r === null ||
        typeof r.source_sha256 !== 'string' ||
        typeof r.signed_sha256 !== 'string' ||
        typeof r.setup !== 'string' ||
        typeof r.sidecars !== 'object' ||
        r.sidecars === null
      )
        throw new Error(`the record of ${key} lacks source_sha256, signed_sha256, sidecars or setup`);
    }
    return artifacts as SignatureState;
  } catch (cause) {
    throw invalid(file, `not the signature state Infracast writes (${(cause as Error).message})`, undefined, cause);
  }
}

export async function stageSignatureState(tx: RunTransaction, stateDir: string, state: SignatureState): Promise<WriteOutcome> {
  return stageIfChanged(tx, signaturesPath(stateDir), `${canonicalJson({ artifacts: state }, 2)}\n`);
}

export async function writeSignatureState(stateDir: string, state: SignatureState): Promise<WriteOutcome> {
  await prepareState(stateDir);
  return writeIfChanged(signaturesPath(stateDir), `${canonicalJson({ artifacts: state }, 2)}\n`);
}
