/**
 * The run log, `runs.jsonl` in the state folder: one JSON line per definition a render published,
 * the spec's Report History (`infracast history`). A line is the run's instant (`generated_at`),
 * the definition and its type, the schedule and slot when `schedule run` rendered it, and the
 * report files written (workspace-relative path, format, sha256, size).
 *
 * Merge-friendly by construction:
 *   - append-only: a run adds its lines at the end and never rewrites a line, so `git blame` names,
 *     for each line, the commit that recorded it (report-history.ts), and two branches that each
 *     appended merge as "both sides added lines here" (the state folder's .gitattributes asks git
 *     for its union merge on this file: both sides' lines kept, no conflict);
 *   - a line already present is not added again (a re-render with the same pinned instant and the
 *     same bytes changes nothing, as for every state file);
 *   - readers take the lines as a set: a duplicate (two jobs that recorded the same run) counts
 *     once, and the order is the reader's (newest first), not the file's.
 * The lines one run adds are sorted (schedule, slot, definition), so the same run writes the same bytes.
 */
import { join, relative, sep } from 'node:path';
import { InfracastError } from '../../errors.js';
import { canonicalJson, compareCodeUnits } from '../../model/order.js';
import type { IndexItem } from '../publish.js';
import { readIfExists } from '../state.js';
import type { WriteOutcome } from '../state.js';
import type { RunTransaction } from '../transaction.js';

export const RUN_LOG_FILE = 'runs.jsonl';

export function runLogPath(stateDir: string): string {
  return join(stateDir, RUN_LOG_FILE);
}

/** A report file a run wrote. */
export interface RunLogArtifact {
  /** Relative to the workspace root, with forward slashes (out/<definition>/<file>). */
  path: string;
  format: string;
  sha256: string;
  size_bytes: number;
}

/** One line: one definition published by one run. */
export interface RunLogEntry {
  /** The run's instant (the reports' generated_at), UTC, to the second. */
  generated_at: string;
  /** The definition's output name (its folder under out/). */
  definition: string;
  /** Its report or document type. */
  type: string;
  /** The schedule whose slot `schedule run` rendered it for (absent: a plain render). */
  schedule?: string;
  /** That slot, UTC. */
  slot?: string;
  artifacts: RunLogArtifact[];
}

/** What the run log needs of a render's report outcome (render.ts ReportOutcome). */
interface ReportOutcome {
  definition: string;
  type: string;
  status: 'completed' | 'failed';
  artifacts: IndexItem[];
}

/** A schedule slot a run renders a definition for. */
export interface ScheduledSlot {
  schedule: string;
  slot: string;
}

/** Line `line` of the file (1-based) and what it holds. */
export interface RunLogLine {
  line: number;
  text: string;
  entry: RunLogEntry;
}

export function serialiseRunLogEntry(entry: RunLogEntry): string {
  return canonicalJson(entry);
}

/** A workspace-relative POSIX path for a path under the output folder. */
export function workspacePath(workspace: string, outDir: string, path: string): string {
  return relative(workspace, join(outDir, path)).split(sep).join('/');
}

/**
 * The lines a render adds: one per completed definition (a failed one published nothing of the
 * run's), or one per schedule slot it was rendered for. Supporting files (charts, a copied logo)
 * are parts of a rendering, not reports: they are not listed.
 */
export function runLogEntries(
  reports: readonly Pick<ReportOutcome, 'definition' | 'type' | 'status' | 'artifacts'>[],
  run: { workspace: string; outDir: string; generatedAt: string; scheduledBy?: ReadonlyMap<string, readonly ScheduledSlot[]> | undefined },
): RunLogEntry[] {
  const entries: RunLogEntry[] = [];
  for (const report of reports) {
    if (report.status !== 'completed') continue;
    const artifacts = report.artifacts
      .filter((a) => a.status === 'completed' && a.path !== null && a.sha256 !== null && a.supporting !== true)
      .map((a) => ({ path: workspacePath(run.workspace, run.outDir, a.path!), format: a.format, sha256: a.sha256!, size_bytes: a.size_bytes }))
      .sort((a, b) => compareCodeUnits(a.path, b.path));
    const line = { generated_at: run.generatedAt, definition: report.definition, type: report.type, artifacts };
    const slots = run.scheduledBy?.get(report.definition) ?? [];
    if (slots.length === 0) entries.push(line);
    for (const { schedule, slot } of slots) entries.push({ ...line, schedule, slot });
  }
  return sortRunLogEntries(entries);
}

/** The order of the lines one run adds: schedule, slot, definition (what makes the same run write the same bytes). */
export function sortRunLogEntries(entries: RunLogEntry[]): RunLogEntry[] {
  const key = (e: RunLogEntry): string[] => [e.schedule ?? '', e.slot ?? '', e.definition];
  return entries.sort((a, b) => compareKeys(key(a), key(b)));
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const order = compareCodeUnits(a[i]!, b[i]!);
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * The file's text with the entries not already in it appended, or undefined when every one is
 * there. A last line without its line ending (an editor that strips it) is ended first, so the new
 * lines stay whole.
 */
export function appendToRunLog(text: string | undefined, entries: readonly RunLogEntry[]): string | undefined {
  const existing = text ?? '';
  const present = new Set(existing.split('\n'));
  const added: string[] = [];
  for (const entry of entries) {
    const line = serialiseRunLogEntry(entry);
    if (present.has(line)) continue;
    present.add(line);
    added.push(`${line}\n`);
  }
  if (added.length === 0) return undefined;
  const ended = existing === '' || existing.endsWith('\n') ? existing : `${existing}\n`;
  return ended + added.join('');
}

/** Stages the run's lines in its transaction (the caller holds the workspace lock); nothing when every line is there already. */
export async function stageRunLog(tx: RunTransaction, stateDir: string, entries: readonly RunLogEntry[]): Promise<WriteOutcome> {
  const file = runLogPath(stateDir);
  const next = appendToRunLog(await readIfExists(file), entries);
  if (next === undefined) return 'unchanged';
  await tx.stageFile(file, next);
  return 'written';
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Every line of the file, validated. Lines are independent records: their order and repeats are
 * the reader's concern (report-history.ts). A damaged line is named with its number and the fix.
 */
export function parseRunLog(text: string, file: string): RunLogLine[] {
  const lines = text.split('\n');
  // The last line may lack its ending (an editor that strips it); any other empty line is damage.
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, i) => ({ line: i + 1, text: line, entry: parseEntry(line, file, i + 1) }));
}

function parseEntry(line: string, file: string, n: number): RunLogEntry {
  if (/^(<{7}|={7}|>{7})/.test(line)) {
    throw damaged(file, n, 'is a merge conflict marker', [
      'Every line is one run and both sides of a merge keep theirs: delete the marker lines (<<<<<<<, =======, >>>>>>>) and keep every run line.',
      `The state folder's .gitattributes (written by every run) makes git merge ${file.split(/[/\\]/).pop()} without conflicts from now on.`,
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    throw damaged(file, n, line === '' ? 'is empty' : 'is not JSON', undefined, cause);
  }
  const record = value as Record<string, unknown> | null;
  if (record === null || typeof record !== 'object' || Array.isArray(record)) throw damaged(file, n, 'is not a JSON object');
  const text = (key: string): string => {
    const v = record[key];
    if (typeof v !== 'string' || v === '') throw damaged(file, n, `has no ${key} (a non-empty string)`);
    return v;
  };
  const instant = (key: string): string => {
    const v = text(key);
    if (!INSTANT.test(v) || Number.isNaN(Date.parse(v))) throw damaged(file, n, `${key} '${v}' is not a UTC instant YYYY-MM-DDTHH:MM:SSZ`);
    return v;
  };
  const entry: RunLogEntry = { generated_at: instant('generated_at'), definition: text('definition'), type: text('type'), artifacts: [] };
  if ((record.schedule === undefined) !== (record.slot === undefined))
    throw damaged(file, n, 'has a schedule without its slot, or a slot without its schedule');
  if (record.schedule !== undefined) {
    entry.schedule = text('schedule');
    entry.slot = instant('slot');
  }
  if (!Array.isArray(record.artifacts)) throw damaged(file, n, 'has no artifacts list');
  entry.artifacts = record.artifacts.map((a: unknown, i: number) => {
    const artifact = a as Partial<RunLogArtifact> | null;
    if (
      artifact === null ||
      typeof artifact !== 'object' ||
      typeof artifact.path !== 'string' ||
      typeof artifact.format !== 'string' ||
      typeof artifact.sha256 !== 'string' ||
      !SHA256.test(artifact.sha256) ||
      typeof artifact.size_bytes !== 'number' ||
      !Number.isInteger(artifact.size_bytes) ||
      artifact.size_bytes < 0
    )
      throw damaged(file, n, `artifact ${i + 1} is not {path, format, sha256 (64 hex digits), size_bytes}`);
    return { path: artifact.path, format: artifact.format, sha256: artifact.sha256, size_bytes: artifact.size_bytes };
  });
  return entry;
}

function damaged(file: string, line: number, problem: string, hints?: string[], cause?: unknown): InfracastError {
  return new InfracastError('STATE_INVALID', `${file}:${line}: line ${line} ${problem}`, {
    location: { file, line },
    hints: hints ?? [
      'Each line of the run log is one run, written by Infracast: restore the file from git (git checkout -- <file>), or delete the damaged line (the run it recorded is then no longer listed).',
    ],
    ...(cause === undefined ? {} : { cause }),
  });
}
