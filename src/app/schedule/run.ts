/**
 * `infracast schedule run`: renders what is due at one pinned instant and records each schedule's
 * slot once every definition it renders was rendered. A failed render records nothing, so the next
 * run tries that slot again (while it is within its catch-up window); a rendered slot is never
 * rendered again (state.ts).
 */
import { join } from 'node:path';
import { workspacePath } from '../history/run-log.js';
import { formatInstant, resolveInstant } from '../instant.js';
import type { RenderEvent, RenderResult } from '../render.js';
import { dueSchedules } from './decide.js';
import type { ScheduleDueContext, ScheduleDueEntry, ScheduleOptions } from './decide.js';
import type { ScheduledSlot } from '../history/run-log.js';
import type { ShardSpec } from '../shard/plan.js';

export interface ScheduleRunOptions extends ScheduleOptions {
  /** As render's signMode: `off` signs nothing this run, `keyless` signs with the workflow identity. */
  signMode?: 'off' | 'keyless';
  /** Keep published binaries whose report says nothing new (render's keepUnchangedBinaries); default true. */
  keepUnchangedBinaries?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: RenderEvent) => void;
  /** Render only this shard's share of the due definitions (render's shard); the merge records the slots. */
  shard?: ShardSpec;
}

/** What is due at `at`: the schedules, the definitions they render (names) and, per definition, the slots it renders. */
export async function dueRun(
  options: ScheduleOptions,
  at: Date,
): Promise<{ listing: ScheduleDueContext; due: ScheduleDueEntry[]; names: string[]; scheduledBy: Map<string, ScheduledSlot[]> }> {
  const listing = await dueSchedules({ ...options, at: at.toISOString() });
  const due = listing.schedules.filter((s) => s.status === 'due');
  const names = [...new Set(due.flatMap((s) => s.reports))];
  // The run log names, per definition, the schedule slots it was rendered for (app/history/run-log.ts).
  const scheduledBy = new Map(names.map((name) => [name, due.filter((s) => s.reports.includes(name)).map((s) => ({ schedule: s.name, slot: s.slot_utc! }))]));
  return { listing, due, names, scheduledBy };
}

/** A file a recorded schedule rendered: what publishing, delivery and the run history need of it. */
export interface RunArtifact {
  /** The definition (output name) that made it. */
  definition: string;
  /** Relative to the workspace root, with forward slashes, e.g. out/weekly-executive/weekly-executive.pdf. */
  path: string;
  sha256: string;
  size_bytes: number;
  format: string;
  /** The definition is classified CUI: the artifact goes only to destinations config cui.authorised_destinations names. */
  cui: boolean;
  /** Signature sidecars beside it (workspace-relative), when signed. */
  sidecars: string[];
}

export interface ScheduleRunResult {
  ok: boolean;
  workspace: string;
  at: string;
  /** Every schedule's decision before the run. */
  schedules: ScheduleDueEntry[];
  /** Schedules whose slot this run rendered and recorded: name -> slot (UTC). */
  recorded: { schedule: string; slot: string; artifacts: RunArtifact[] }[];
  /** Due schedules not recorded because a definition of theirs failed. */
  failed: { schedule: string; slot: string; definitions: string[] }[];
  /** The render of the due definitions (absent: nothing was due). */
  render?: RenderResult;
}

export async function runSchedules(options: ScheduleRunOptions = {}): Promise<ScheduleRunResult> {
  const env = options.env ?? process.env;
  const at = resolveInstant(options.at, env);
  const { listing, due, names, scheduledBy } = await dueRun(options, at);
  const result: ScheduleRunResult = { ok: true, workspace: listing.workspace, at: formatInstant(at), schedules: listing.schedules, recorded: [], failed: [] };
  if (due.length === 0) return result;
  // Loaded only when something is due: an hourly sweep that finds nothing due never parses the renderers.
  const { render } = await import('../render.js');
  const rendered = await render({
    paths: [listing.workspace],
    definitions: names,
    scheduledBy,
    at: formatInstant(at),
    env,
    keepUnchangedBinaries: options.keepUnchangedBinaries ?? true,
    ...(options.shard ? { shard: options.shard } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.signMode ? { signMode: options.signMode } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  result.render = rendered;
  const completed = new Set(rendered.interrupted ? [] : rendered.reports.filter((r) => r.status === 'completed').map((r) => r.definition));
  // A shard renders only its share: it records no slot (the merge does, app/shard/merge.ts) and
  // answers only for the definitions it rendered.
  const rendering = new Set(rendered.reports.map((r) => r.definition));
  // The render recorded the slots in its own commit (render.ts completedSlots): this says which.
  for (const schedule of due) {
    const failedDefinitions = schedule.reports.filter((name) => (!options.shard || rendering.has(name)) && !completed.has(name));
    if (options.shard) {
      if (failedDefinitions.length > 0) result.failed.push({ schedule: schedule.name, slot: schedule.slot_utc!, definitions: failedDefinitions });
    } else if (failedDefinitions.length === 0)
      result.recorded.push({ schedule: schedule.name, slot: schedule.slot_utc!, artifacts: artifactsOf(rendered, schedule.reports, listing.workspace) });
    else result.failed.push({ schedule: schedule.name, slot: schedule.slot_utc!, definitions: failedDefinitions });
  }
  result.ok = rendered.ok && result.failed.length === 0;
  return result;
}

/** The completed artifacts of these definitions, in the render's order, paths relative to the workspace. */
export function artifactsOf(rendered: RenderResult, definitions: string[], workspace: string): RunArtifact[] {
  const wanted = new Set(definitions);
  const outDir = rendered.outDir ?? join(workspace, 'out');
  const relative = (path: string): string => workspacePath(workspace, outDir, path);
  const artifacts: RunArtifact[] = [];
  for (const report of rendered.reports) {
    if (!wanted.has(report.definition) || report.status !== 'completed') continue;
    for (const item of report.artifacts) {
      if (item.status !== 'completed' || item.path === null || item.sha256 === null) continue;
      const signature = item.signature;
      const sidecars = [signature?.bundle, signature?.p7s].filter((p): p is string => p !== undefined).map(relative);
      artifacts.push({
        definition: report.definition,
        path: relative(item.path),
        sha256: item.sha256,
        size_bytes: item.size_bytes,
        format: item.format,
        cui: report.cui,
        sidecars,
      });
    }
  }
  return artifacts;
}
