/**
 * The last slot rendered of each schedule, in the state folder's schedules.jsonl (evaluation.md
 * section 7): one line per schedule, sorted by name, `{"schedule":"<name>","slot":"<UTC instant>"}`.
 * It is the idempotency key of scheduled runs: a slot at or before the recorded one is never
 * rendered again, so a delayed, repeated or manually re-run job renders each slot once. It is a
 * committed file, not git history, so a shallow clone is enough; one line per schedule keeps
 * concurrent changes to different schedules apart for git's merge.
 */
import { join } from 'node:path';
import { canonicalJson, compareCodeUnits } from '../../model/order.js';
import { utcTime } from '../../schedule/recurrence.js';
import { forEachJsonLine } from '../json-lines.js';
import { checkReadable, invalid, prepareState, readIfExists, writeIfChanged } from '../state.js';
import type { WriteOutcome } from '../state.js';
import type { RunTransaction } from '../transaction.js';

/** Schedule name -> the last slot rendered. */
export type ScheduleSlots = ReadonlyMap<string, Date>;

export function scheduleSlotsPath(stateDir: string): string {
  return join(stateDir, 'schedules.jsonl');
}

const SLOT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export function parseScheduleSlots(text: string, file: string): Map<string, Date> {
  const slots = new Map<string, Date>();
  forEachJsonLine(text, file, 'keep the later slot of each schedule', (value, line) => {
    const record = value as { schedule?: unknown; slot?: unknown } | null;
    if (typeof record?.schedule !== 'string' || typeof record.slot !== 'string' || !SLOT.test(record.slot))
      throw invalid(file, `line ${line} is not {"schedule":"<name>","slot":"YYYY-MM-DDTHH:MM:SSZ"}`, line);
    const slot = new Date(record.slot);
    const earlier = slots.get(record.schedule);
    // Two lines for one schedule (a merge that kept both sides): the later slot is the one rendered last.
    if (earlier === undefined || earlier < slot) slots.set(record.schedule, slot);
  });
  return slots;
}

export function serialiseScheduleSlots(slots: ScheduleSlots): string {
  return [...slots]
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(([schedule, slot]) => `${canonicalJson({ schedule, slot: utcTime(slot) })}\n`)
    .join('');
}

/** The recorded slots (none when the file is absent: a new workspace). */
export async function readScheduleSlots(stateDir: string): Promise<Map<string, Date>> {
  await checkReadable(stateDir);
  const file = scheduleSlotsPath(stateDir);
  const text = await readIfExists(file);
  return text === undefined ? new Map() : parseScheduleSlots(text, file);
}

/**
 * Records `rendered` (schedule -> slot) over what the file holds, re-read just before writing so a
 * record made meanwhile is kept; a slot only moves forward. Written atomically, and not at all when
 * nothing changes.
 */
export async function recordScheduleSlots(stateDir: string, rendered: ScheduleSlots): Promise<WriteOutcome> {
  await prepareState(stateDir);
  return writeIfChanged(scheduleSlotsPath(stateDir), serialiseScheduleSlots(await slotsAfter(stateDir, rendered)));
}

/**
 * The same, staged in a render's transaction (render.ts): the slots are written in the render's own
 * commit, under its workspace lock, with the files they stand for — a run killed before that commit
 * records no slot, and two runs cannot interleave their reads and writes of the file.
 */
export async function stageScheduleSlots(tx: RunTransaction, stateDir: string, rendered: ScheduleSlots): Promise<WriteOutcome> {
  if (rendered.size === 0) return 'unchanged';
  const file = scheduleSlotsPath(stateDir);
  const next = serialiseScheduleSlots(await slotsAfter(stateDir, rendered));
  if ((await readIfExists(file)) === next) return 'unchanged';
  await tx.stageFile(file, next);
  return 'written';
}

/** The recorded slots with `rendered` over them: a slot only moves forward. */
async function slotsAfter(stateDir: string, rendered: ScheduleSlots): Promise<Map<string, Date>> {
  const slots = await readScheduleSlots(stateDir);
  for (const [schedule, slot] of rendered) {
    const recorded = slots.get(schedule);
    if (recorded === undefined || recorded < slot) slots.set(schedule, slot);
  }
  return slots;
}
