/**
 * Sharded runs (docs/sharding.md): one run's list of definitions, cut into shares that separate
 * processes (GitHub Actions matrix jobs) render, then `infracast merge` puts back together.
 *
 * The list is the one render would render (render-selection.ts), or for a scheduled run the due
 * definitions (schedule/run.ts dueRun), in the workspace's order; every shard recomputes it from the
 * same checkout at the same pinned instant, so they all see the same list. A definition's shard is
 * its position in that list modulo the shard count (round-robin): the shares differ in size by at
 * most one, and definitions of one kind (which sit together in the workspace) are spread over the
 * shards rather than piled on one. A hash of the output name would keep a definition on its shard
 * when others are added, which nothing needs (each run plans afresh), and balances worse.
 *
 * What makes the merge conflict-free: every file a definition writes (its out/ folder, its history
 * snapshots, its signature records, its run-log lines) belongs to it alone, and the POA&M store is
 * not a per-definition result: each shard computes the whole run's store from the same previous
 * store, the same findings and the same instant (build.ts poamOf), so every shard gives the same
 * ids to the same weaknesses and the merge checks they agree byte for byte.
 */
import { join, relative, sep } from 'node:path';
import { ExitCode, InfracastError } from '../../errors.js';
import type { OutputFormat } from '../../model/definitions.js';
import type { ScheduledSlot } from '../history/run-log.js';
import { formatInstant, resolveInstant } from '../instant.js';
import type { ReportOutcome } from '../render.js';
import { selectRun } from '../render-selection.js';
import type { RunTransaction } from '../transaction.js';

/** GitHub Actions runs at most 256 jobs of one matrix. */
export const MAX_SHARDS = 256;
/** Definitions per shard when the plan sizes the matrix: a runner's start (checkout, install, ingest) costs about as much as rendering this many. */
export const DEFAULT_PER_SHARD = 10;

/** Shard `index` of `count`, numbered from 0 as the plan's matrix numbers them. */
export interface ShardSpec {
  index: number;
  count: number;
}

function usage(message: string, hint: string): InfracastError {
  return new InfracastError('USAGE', message, { exitCode: ExitCode.Usage, hints: [hint] });
}

/** `i/N` -> the shard; anything else, or an index outside 0..N-1, is a usage error. */
export function parseShard(text: string): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw usage(`--shard ${text}: not i/N`, 'Write the shard as index/count, numbered from 0: --shard 0/3, --shard 1/3, --shard 2/3.');
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS)
    throw usage(`--shard ${text}: the count must be 1 to ${MAX_SHARDS}`, `A GitHub Actions matrix runs at most ${MAX_SHARDS} jobs; infracast plan sizes it.`);
  if (index >= count)
    throw usage(
      `--shard ${text}: shard ${index} is out of range (shards of ${count} are numbered 0 to ${count - 1})`,
      'Shards are numbered from 0, as the matrix of infracast plan numbers them: --shard ${{ matrix.shard }}/${{ needs.plan.outputs.count }}.',
    );
  return { index, count };
}

/** The shard's share of the list: the items whose position modulo the count is the shard's index. */
export function shareOf<T>(list: readonly T[], shard: ShardSpec): T[] {
  return list.filter((_, position) => position % shard.count === shard.index);
}

/** How many shards the plan makes: `shards` when given, else one per DEFAULT_PER_SHARD definitions, at most `maxShards`. */
export function shardCount(definitions: number, options: { shards?: number; maxShards?: number } = {}): number {
  if (options.shards !== undefined) {
    if (!Number.isInteger(options.shards) || options.shards < 1 || options.shards > MAX_SHARDS)
      throw usage(`--shards ${options.shards}: must be 1 to ${MAX_SHARDS}`, `A GitHub Actions matrix runs at most ${MAX_SHARDS} jobs.`);
    return options.shards;
  }
  const max = options.maxShards ?? MAX_SHARDS;
  if (!Number.isInteger(max) || max < 1 || max > MAX_SHARDS)
    throw usage(`--max-shards ${max}: must be 1 to ${MAX_SHARDS}`, `A GitHub Actions matrix runs at most ${MAX_SHARDS} jobs.`);
  return Math.min(max, Math.ceil(definitions / DEFAULT_PER_SHARD));
}

export interface PlanOptions {
  /** Plan a scheduled run (what is due at the instant) instead of a render of the paths. */
  scheduled?: boolean;
  paths?: string[];
  cwd?: string;
  only?: string[];
  formats?: OutputFormat[];
  at?: string;
  shards?: number;
  maxShards?: number;
  env?: NodeJS.ProcessEnv;
}

export interface PlannedDefinition {
  /** The output name (its folder under out/). */
  name: string;
  type: string;
  /** The definition file, relative to the workspace. */
  file: string;
  /** The shard that renders it. */
  shard: number;
}

export interface RunPlan {
  ok: boolean;
  /** The pinned instant every shard must be given (--at). */
  now: string;
  command: 'render' | 'scheduled';
  workspace: string;
  /** What a shard's artifact holds, relative to the workspace: the output and state folders. */
  paths: { output: string; state: string };
  definitions: PlannedDefinition[];
  shards: number;
  /** For strategy.matrix (fromJSON): a one-value `now` and the shard numbers. */
  matrix: { now: string[]; shard: number[] };
}

const posix = (path: string): string => path.split(sep).join('/');

/** The run's list and its shards. A workspace with validation errors plans nothing (ok: false). */
export async function planRun(options: PlanOptions = {}): Promise<RunPlan> {
  const env = options.env ?? process.env;
  const at = resolveInstant(options.at, env);
  const now = formatInstant(at);
  const empty = (workspace: string): RunPlan => ({
    ok: true,
    now,
    command: 'scheduled',
    workspace,
    paths: { output: '', state: '' },
    definitions: [],
    shards: 0,
    matrix: { now: [now], shard: [] },
  });
  let names: string[] | undefined;
  let paths = options.paths ?? [];
  if (options.scheduled) {
    const { dueRun } = await import('../schedule/run.js');
    const due = await dueRun({ workspace: paths[0] ?? '.', ...(options.cwd ? { cwd: options.cwd } : {}), env }, at);
    if (due.names.length === 0) return empty(due.listing.workspace);
    names = due.names;
    paths = [due.listing.workspace];
  }
  const selection = await selectRun(
    { paths, ...(options.cwd ? { cwd: options.cwd } : {}), ...pick(options), ...(names ? { definitions: names } : {}), env },
    at,
  );
  if (!selection.ok) return { ...empty(''), ok: false, command: options.scheduled ? 'scheduled' : 'render' };
  const { workspace, outDir } = selection;
  const count = shardCount(selection.definitions.length, options);
  return {
    ok: true,
    now,
    command: options.scheduled ? 'scheduled' : 'render',
    workspace: workspace.root,
    paths: { output: posix(relative(workspace.root, outDir)), state: posix(relative(workspace.root, workspace.config!.stateDir)) },
    definitions: selection.definitions.map((d, position) => ({
      name: d.outputName,
      type: d.type,
      file: posix(relative(workspace.root, d.source.file)),
      shard: position % count,
    })),
    shards: count,
    matrix: { now: [now], shard: Array.from({ length: count }, (_, i) => i) },
  };
}

function pick(options: PlanOptions): { only?: string[]; formats?: OutputFormat[] } {
  return { ...(options.only ? { only: options.only } : {}), ...(options.formats ? { formats: options.formats } : {}) };
}

// The shard record ------------------------------------------------------------------------------

export const SHARD_RECORD = 'shard.json';

/**
 * What a shard leaves for the merge, in its state folder: which shard of which run it was, the
 * whole run's list (the merge checks every shard rendered the same one), the definitions whose
 * folders it published, and its report outcomes (their index items, statuses, CUI marking).
 * Only `infracast merge` reads it; the merge never copies it into the workspace.
 */
export interface ShardRecord {
  kind: 'infracast-shard';
  shard: number;
  shards: number;
  generated_at: string;
  plan: string[];
  /** Output names whose out/ folder this shard published. */
  folders: string[];
  /** Their definition files, relative to the workspace (what out/index.json replaces). */
  published: string[];
  /** The outcomes, `file` relative to the workspace. */
  reports: ReportOutcome[];
  /** Definition -> the schedule slots the run renders it for (a scheduled run), for the whole run. */
  scheduled_by?: Record<string, ScheduledSlot[]>;
}

export function shardRecordPath(stateDir: string): string {
  return join(stateDir, SHARD_RECORD);
}

export async function stageShardRecord(
  tx: RunTransaction,
  stateDir: string,
  run: {
    shard: ShardSpec;
    generatedAt: string;
    plan: string[];
    reports: readonly ReportOutcome[];
    published: readonly string[];
    folders: readonly string[];
    workspace: string;
    scheduledBy?: ReadonlyMap<string, readonly ScheduledSlot[]>;
  },
): Promise<void> {
  const record: ShardRecord = {
    kind: 'infracast-shard',
    shard: run.shard.index,
    shards: run.shard.count,
    generated_at: run.generatedAt,
    plan: run.plan,
    folders: [...run.folders],
    published: [...run.published],
    reports: run.reports.map((r) => ({ ...r, file: posix(relative(run.workspace, r.file)) })),
    ...(run.scheduledBy ? { scheduled_by: Object.fromEntries([...run.scheduledBy].map(([name, slots]) => [name, [...slots]])) } : {}),
  };
  // Not canonicalJson: the index items keep their key order, which out/index.json prints as it is.
  await tx.stageFile(shardRecordPath(stateDir), `${JSON.stringify(record, null, 2)}\n`);
}
