/**
 * `infracast schedule run`: renders what is due at one pinned instant and records each schedule's
 * slot once every definition it renders was rendered. A failed render records nothing, so the next
 * run tries that slot again (while it is within its catch-up window); a rendered slot is never
 * rendered again (state.ts).
 */
import { formatInstant, resolveInstant } from '../instant.js';
import { render } from '../render.js';
import type { RenderEvent, RenderResult } from '../render.js';
import { dueSchedules } from './decide.js';
import type { ScheduleDueEntry, ScheduleOptions } from './decide.js';
import { recordScheduleSlots } from './state.js';

export interface ScheduleRunOptions extends ScheduleOptions {
  signal?: AbortSignal;
  onEvent?: (event: RenderEvent) => void;
}

export interface ScheduleRunResult {
  ok: boolean;
  workspace: string;
  at: string;
  /** Every schedule's decision before the run. */
  schedules: ScheduleDueEntry[];
  /** Schedules whose slot this run rendered and recorded: name -> slot (UTC). */
  recorded: { schedule: string; slot: string }[];
  /** Due schedules not recorded because a definition of theirs failed. */
  failed: { schedule: string; slot: string; definitions: string[] }[];
  /** The render of the due definitions (absent: nothing was due). */
  render?: RenderResult;
}

export async function runSchedules(options: ScheduleRunOptions = {}): Promise<ScheduleRunResult> {
  const env = options.env ?? process.env;
  const at = resolveInstant(options.at, env);
  const listing = await dueSchedules({ ...options, at: at.toISOString() });
  const due = listing.schedules.filter((s) => s.status === 'due');
  const result: ScheduleRunResult = { ok: true, workspace: listing.workspace, at: formatInstant(at), schedules: listing.schedules, recorded: [], failed: [] };
  if (due.length === 0) return result;
  const names = [...new Set(due.flatMap((s) => s.reports))];
  const rendered = await render({
    paths: [listing.workspace],
    definitions: names,
    at: formatInstant(at),
    env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  result.render = rendered;
  const completed = new Set(rendered.interrupted ? [] : rendered.reports.filter((r) => r.status === 'completed').map((r) => r.definition));
  const slots = new Map<string, Date>();
  for (const schedule of due) {
    const failedDefinitions = schedule.reports.filter((name) => !completed.has(name));
    if (failedDefinitions.length === 0) {
      slots.set(schedule.name, new Date(schedule.slot_utc!));
      result.recorded.push({ schedule: schedule.name, slot: schedule.slot_utc! });
    } else result.failed.push({ schedule: schedule.name, slot: schedule.slot_utc!, definitions: failedDefinitions });
  }
  if (slots.size > 0) {
    const stateDir = listing.stateDir;
    await recordScheduleSlots(stateDir, slots);
  }
  result.ok = rendered.ok && result.failed.length === 0;
  return result;
}
