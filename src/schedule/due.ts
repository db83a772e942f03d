/**
 * Whether a schedule is due at an instant (notes/action.md "the cron is a tick, the CLI decides"):
 * its latest slot at or before `now` is due when it is newer than the last slot rendered and no
 * older than the catch-up window (default: one period, the time from that slot to the next).
 * Older slots are reported as missed, never rendered late; a rendered slot is never due again.
 * Pure: `now` and the last rendered slot are passed in.
 */
import type { ScheduleDefinition } from '../model/definitions.js';
import { recurrenceOf } from './recurrence.js';
import type { Recurrence } from './recurrence.js';

export type DueStatus = 'due' | 'rendered' | 'missed' | 'not-due' | 'disabled';

export interface DueDecision {
  status: DueStatus;
  /** The latest slot at or before now (due, rendered, missed). */
  slot?: Date;
  /** The first slot after now. */
  next?: Date;
  /** The catch-up window applied to `slot`, in ms. */
  windowMs?: number;
  /** missed: how far past the window now is, in ms. */
  missedByMs?: number;
  /** Slots after the last rendered one and before `slot`: never rendered, and never will be. */
  skippedSlots?: number;
}

/** How many skipped slots are counted at most (a schedule left alone for years stops counting there). */
const SKIPPED_COUNT_LIMIT = 1000;

/** The decision for `schedule` at `now`, given the last slot rendered (undefined: never). */
export function decideDue(
  schedule: ScheduleDefinition,
  now: Date,
  lastRendered: Date | undefined,
  recurrence: Recurrence = recurrenceOf(schedule),
): DueDecision {
  const slot = recurrence.latestSlot(now);
  // The slot after the latest one at or before now is the first one after now.
  const next = slot === undefined ? recurrence.nextSlot(now) : recurrence.nextSlot(slot);
  const withNext = next === undefined ? {} : { next };
  if (!schedule.enabled) return { status: 'disabled', ...withNext };
  if (slot === undefined) return { status: 'not-due', ...withNext };
  if (lastRendered !== undefined && slot.getTime() <= lastRendered.getTime()) return { status: 'rendered', slot, ...withNext };
  const skipped = lastRendered === undefined ? {} : { skippedSlots: recurrence.countBetween(lastRendered, slot, SKIPPED_COUNT_LIMIT) };
  // One period: from the slot to the next one.
  const windowMs = schedule.catchUp?.ms ?? (next === undefined ? Number.POSITIVE_INFINITY : next.getTime() - slot.getTime());
  const late = now.getTime() - slot.getTime();
  if (late > windowMs) return { status: 'missed', slot, windowMs, missedByMs: late - windowMs, ...withNext, ...skipped };
  return { status: 'due', slot, windowMs, ...withNext, ...skipped };
}
