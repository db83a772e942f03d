/**
 * `infracast merge`: the shards of one run (plan.ts), put back into the workspace as one render of
 * the whole list would have left it, in one transaction under the workspace's lock.
 *
 * Each shard folder mirrors the workspace root as far as a run writes it (the output folder and the
 * state folder, at the workspace-relative paths the plan names), with the shard's record
 * (state/shard.json). The merge checks the shards are one run (the same instant, count and list,
 * every shard once), then:
 *   - out/<definition>/: each folder a shard published, swapped in whole (shards render disjoint lists);
 *   - out/index.json: the workspace's index with every shard's items (nextIndex, as render does);
 *   - runs.jsonl: the lines each shard added, in the order one run adds them (schedule, slot, definition);
 *   - schedules.jsonl: a schedule's slot is recorded when every definition it renders completed,
 *     whichever shards rendered them (render.ts completedSlots over all the shards' outcomes);
 *   - signatures.json: each definition's records from the shard that rendered it;
 *   - every other state file (history snapshots, poam.jsonl, version.json...): the one version the
 *     shards wrote. Two shards that wrote a file differently did not run the same run (another
 *     commit, another instant): refused, nothing written. The POA&M store is the whole run's in every
 *     shard (build.ts poamOf), so its ids agree by construction.
 */
import { cp, readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { ExitCode, InfracastError } from '../../errors.js';
import { acquireWorkspaceLock } from '../../io/workspace-lock.js';
import { isInside } from '../../io/workspace.js';
import { appendToRunLog, parseRunLog, runLogPath, sortRunLogEntries } from '../history/run-log.js';
import type { RunLogEntry } from '../history/run-log.js';
import { resolveInstant } from '../instant.js';
import { nextIndex, readIndex } from '../publish.js';
import type { IndexItem } from '../publish.js';
import { completedSlots } from '../render.js';
import type { RenderResult } from '../render.js';
import { dueSchedules } from '../schedule/decide.js';
import { artifactsOf } from '../schedule/run.js';
import type { ScheduleRunResult } from '../schedule/run.js';
import { prepareState, readIfExists, readSignatureState, stageSignatureState } from '../state.js';
import type { SignatureState } from '../state.js';
import { stageScheduleSlots } from '../schedule/state.js';
import { recoverWrites, RunTransaction } from '../transaction.js';
import { validate } from '../validate.js';
import { SHARD_RECORD, shareOf } from './plan.js';
import type { ShardRecord } from './plan.js';

export interface MergeOptions {
  /** The shard folders (each one shard's artifact). */
  folders: string[];
  /** The workspace to merge into (default: the current directory's). */
  workspace?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  waitSeconds?: number;
}

export interface MergeResult {
  ok: boolean;
  workspace: string;
  outDir: string;
  generatedAt: string;
  shards: number;
  /** The whole run as one render would report it: every shard's outcomes in the run's order (`file` absolute). */
  render: RenderResult;
  /** A scheduled run: the schedules' decisions at the run's instant, and those the merge recorded (as schedule run reports them). */
  scheduled?: ScheduleRunResult;
  /** State files the merge wrote or found unchanged, relative to the workspace. */
  state: { written: string[]; unchanged: number };
}

/** Run-time files of a state folder, never part of the record (state.ts STATE_GITIGNORE), and the shard's own record. */
const NOT_STATE = /^(\.lock(\..*)?|\.journal\.json(\..*)?|.*\.tmp|shard\.json)$/;
/** State files merged by their meaning rather than taken whole. */
const MERGED_BY_MEANING = new Set(['runs.jsonl', 'schedules.jsonl', 'signatures.json']);

const posix = (path: string): string => path.split(sep).join('/');

function mergeError(message: string, hint: string, exitCode: ExitCode = ExitCode.Usage): InfracastError {
  return new InfracastError('SHARD_MERGE', message, { exitCode, hints: [hint] });
}

/** Every file below `dir`, relative, with forward slashes, sorted by code units. */
async function filesBelow(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) found.push(posix(relative(dir, path)));
    }
  };
  await walk(dir);
  return found.sort();
}

interface Shard {
  folder: string;
  record: ShardRecord;
  outDir: string;
  stateDir: string;
}

async function readShard(folder: string, relOut: string, relState: string): Promise<Shard> {
  const stateDir = join(folder, relState);
  const file = join(stateDir, SHARD_RECORD);
  const text = await readIfExists(file);
  if (text === undefined)
    throw mergeError(
      `${folder}: no ${posix(join(relState, SHARD_RECORD))}: not the folder of a shard`,
      `Give each shard's artifact as its own folder (actions/download-artifact without merge-multiple), holding ${relOut}/ and ${relState}/ as render --shard left them.`,
    );
  const record = JSON.parse(text) as ShardRecord;
  if (record.kind !== 'infracast-shard' || !Number.isInteger(record.shard) || !Array.isArray(record.plan) || !Array.isArray(record.reports))
    throw mergeError(`${file}: not a shard record written by infracast render --shard`, 'Give the folders that render --shard wrote, unchanged.');
  return { folder, record, outDir: join(folder, relOut), stateDir };
}

/** The shards are one run: the same instant, count and list, each shard exactly once. */
function checkOneRun(shards: readonly Shard[]): void {
  const first = shards[0]!.record;
  for (const { folder, record } of shards) {
    if (record.generated_at !== first.generated_at || record.shards !== first.shards || JSON.stringify(record.plan) !== JSON.stringify(first.plan))
      throw mergeError(
        `${folder}: shard ${record.shard}/${record.shards} of ${record.generated_at} is not of the same run as ${shards[0]!.folder} (${first.shard}/${first.shards} of ${first.generated_at}${JSON.stringify(record.plan) !== JSON.stringify(first.plan) ? ', another list of definitions' : ''})`,
        "Give every shard the same commit and the plan's now (--at), and merge the shards of one run only.",
      );
  }
  const seen = new Map<number, string>();
  for (const { folder, record } of shards) {
    if (seen.has(record.shard)) throw mergeError(`shard ${record.shard} is given twice (${seen.get(record.shard)}, ${folder})`, 'Give each shard once.');
    seen.set(record.shard, folder);
  }
  const missing = Array.from({ length: first.shards }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0)
    throw mergeError(
      `shard(s) ${missing.join(', ')} of ${first.shards} missing: a merge of part of a run would publish part of it as the whole`,
      'Merge once every shard job has uploaded its artifact (the publish job needs: the shard jobs); re-run a failed shard first.',
    );
}

export async function mergeShards(options: MergeOptions): Promise<MergeResult> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  if (options.folders.length === 0) throw mergeError('no shard folders given', 'infracast merge shards/* (one folder per shard).');
  const checked = await validate({ paths: [options.workspace ?? '.'], cwd, at: resolveInstant(undefined, env).toISOString(), env });
  const workspace = checked.workspaces[0];
  if (!workspace?.config || checked.workspaces.length !== 1)
    throw mergeError(`${options.workspace ?? cwd}: not one workspace (no infracast.yaml)`, 'Run infracast merge in the workspace the shards rendered.');
  const config = workspace.config;
  const { outputDir: outDir, stateDir } = config;
  const relOut = relative(workspace.root, outDir);
  const relState = relative(workspace.root, stateDir);
  if (relOut.startsWith('..') || relState.startsWith('..'))
    throw mergeError(
      `the output folder (${outDir}) or the state folder (${stateDir}) is outside the workspace: a shard folder cannot mirror it`,
      'Shard a workspace whose output: and state folders are inside it.',
    );

  const shards = await Promise.all(options.folders.map((folder) => readShard(resolve(cwd, folder), relOut, relState)));
  checkOneRun(shards);
  shards.sort((a, b) => a.record.shard - b.record.shard);
  const first = shards[0]!.record;
  const position = new Map(first.plan.map((name, i) => [name, i]));
  const reports = shards
    .flatMap((s) => s.record.reports)
    .sort((a, b) => (position.get(a.definition) ?? 0) - (position.get(b.definition) ?? 0))
    .map((r) => ({ ...r, file: join(workspace.root, r.file) }));
  const scheduledBy = first.scheduled_by ? new Map(Object.entries(first.scheduled_by)) : undefined;

  const lock = await acquireWorkspaceLock(stateDir, { command: 'infracast merge', waitSeconds: options.waitSeconds ?? 0, onWait: () => undefined });
  let tx: RunTransaction | undefined;
  const result: MergeResult = {
    ok: false,
    workspace: workspace.root,
    outDir,
    generatedAt: first.generated_at,
    shards: first.shards,
    render: {
      ok: false,
      generatedAt: first.generated_at,
      workspace: workspace.root,
      outDir,
      diagnostics: [],
      warnings: [],
      findings: 0,
      reports,
      failed: reports.filter((r) => r.status === 'failed').length,
      history: { written: 0, unchanged: 0 },
      signatures: { signed: 0, kept: 0 },
    },
    state: { written: [], unchanged: 0 },
  };
  result.render.ok = result.render.failed === 0;
  try {
    await recoverWrites(outDir, stateDir, { sharedOutput: !isInside(workspace.root, outDir) });
    await prepareState(stateDir);
    const index = readIndex(outDir);
    tx = new RunTransaction(outDir, stateDir);
    const stage = async (path: string, text: string | Buffer): Promise<void> => {
      const current = await readFile(path).catch(() => undefined);
      if (current !== undefined && Buffer.compare(current, Buffer.from(text)) === 0) {
        result.state.unchanged++;
        return;
      }
      await tx!.stageFile(path, text);
      result.state.written.push(posix(relative(workspace.root, path)));
    };
    // First: two shards that disagree on a state file stop the merge before anything is staged.
    await stageStateFiles(shards, stateDir, stage);
    // The definitions' folders, whole, from the shard that rendered each.
    for (const shard of shards)
      for (const name of shard.record.folders) {
        const staging = await tx.stagingFolder(name);
        await cp(join(shard.outDir, name), staging, { recursive: true });
        tx.publishFolder(staging, name);
      }
    await stageRunLines(shards, stateDir, stage);
    await stageSignatures(shards, stateDir, tx);
    if (scheduledBy) {
      // The decisions as the shards took them: read before this merge records the slots.
      result.scheduled = await scheduledOutcome(result.render, first.generated_at, env);
      await stageScheduleSlots(tx, stateDir, completedSlots(scheduledBy, reports));
    }
    const items: IndexItem[] = reports.flatMap((r) => r.artifacts);
    const published = shards.flatMap((s) => s.record.published);
    await tx.stageFile(join(outDir, 'index.json'), `${JSON.stringify(nextIndex(index, published, items), null, 2)}\n`);
    await tx.commit();
  } catch (error) {
    await tx?.abort();
    throw error;
  } finally {
    lock.release();
  }
  result.render.history.written = result.state.written.filter((path) => path.includes('/history/') || path.startsWith('history/')).length;
  result.ok = result.scheduled?.ok ?? result.render.ok;
  return result;
}

/** What schedule run would report for the whole run: each due schedule recorded, or failed with the definitions that failed. */
async function scheduledOutcome(render: RenderResult, at: string, env: NodeJS.ProcessEnv): Promise<ScheduleRunResult> {
  const workspace = render.workspace!;
  const listing = await dueSchedules({ workspace, at, env });
  const completed = new Set(render.reports.filter((r) => r.status === 'completed').map((r) => r.definition));
  const result: ScheduleRunResult = { ok: true, workspace, at, schedules: listing.schedules, recorded: [], failed: [], render };
  for (const schedule of listing.schedules.filter((s) => s.status === 'due')) {
    const failed = schedule.reports.filter((name) => !completed.has(name));
    if (failed.length === 0)
      result.recorded.push({ schedule: schedule.name, slot: schedule.slot_utc!, artifacts: artifactsOf(render, schedule.reports, workspace) });
    else result.failed.push({ schedule: schedule.name, slot: schedule.slot_utc!, definitions: failed });
  }
  result.ok = render.ok && result.failed.length === 0;
  return result;
}

/** Every state file but those merged by meaning: the one version the shards wrote, if any changed it. */
async function stageStateFiles(shards: readonly Shard[], stateDir: string, stage: (path: string, text: Buffer) => Promise<void>): Promise<void> {
  const versions = new Map<string, Map<string, { bytes: Buffer; shards: number[] }>>();
  for (const shard of shards)
    for (const path of await filesBelow(shard.stateDir)) {
      const name = path.split('/').pop()!;
      if (NOT_STATE.test(name) || (MERGED_BY_MEANING.has(path) && !path.includes('/'))) continue;
      const bytes = await readFile(join(shard.stateDir, path));
      const current = await readFile(join(stateDir, path)).catch(() => undefined);
      if (current !== undefined && Buffer.compare(current, bytes) === 0) continue;
      const byContent = versions.get(path) ?? new Map<string, { bytes: Buffer; shards: number[] }>();
      const key = bytes.toString('base64');
      const version = byContent.get(key) ?? { bytes, shards: [] };
      version.shards.push(shard.record.shard);
      byContent.set(key, version);
      versions.set(path, byContent);
    }
  const sorted = [...versions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [path, byContent] of sorted)
    if (byContent.size > 1)
      throw mergeError(
        `${path} in the state folder: shards ${[...byContent.values()].map((v) => v.shards.join('+')).join(' and ')} wrote it differently, so they did not render the same run`,
        "Run every shard from the same commit with the plan's now (--at); nothing was merged.",
        ExitCode.Failed,
      );
  for (const [path, byContent] of sorted) await stage(join(stateDir, path), [...byContent.values()][0]!.bytes);
}

/** runs.jsonl: the workspace's lines, then the lines the shards added, in the order one run adds them. */
async function stageRunLines(shards: readonly Shard[], stateDir: string, stage: (path: string, text: string) => Promise<void>): Promise<void> {
  const file = runLogPath(stateDir);
  const base = await readIfExists(file);
  const present = new Set((base ?? '').split('\n'));
  const added: RunLogEntry[] = [];
  for (const shard of shards) {
    const shardFile = runLogPath(shard.stateDir);
    const text = await readIfExists(shardFile);
    if (text === undefined) continue;
    for (const line of parseRunLog(text, shardFile)) if (!present.has(line.text)) added.push(line.entry);
  }
  const next = appendToRunLog(base, sortRunLogEntries(added));
  if (next !== undefined) await stage(file, next);
}

/** signatures.json: each definition's records ("<definition>/<file>") from the shard that rendered it. */
async function stageSignatures(shards: readonly Shard[], stateDir: string, tx: RunTransaction): Promise<void> {
  const base = await readIfExists(join(stateDir, 'signatures.json'));
  const changed = await Promise.all(shards.map(async (s) => (await readIfExists(join(s.stateDir, 'signatures.json'))) !== base));
  if (!changed.includes(true)) return;
  const merged: SignatureState = await readSignatureState(stateDir);
  for (const shard of shards) {
    const state = await readSignatureState(shard.stateDir);
    for (const name of shareOf(shard.record.plan, { index: shard.record.shard, count: shard.record.shards })) {
      const prefix = `${name}/`;
      for (const key of Object.keys(merged)) if (key.startsWith(prefix)) delete merged[key];
      for (const [key, record] of Object.entries(state)) if (key.startsWith(prefix)) merged[key] = record;
    }
  }
  await stageSignatureState(tx, stateDir, merged);
}
