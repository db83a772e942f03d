/**
 * A schedule's slots: the instants it is due at, from its frequency (or raw cron) read in its own
 * IANA time zone. croner 11 does the calendar and daylight-saving arithmetic (notes/action.md: a
 * 02:30 job runs at 03:00 on the spring-forward day, once on the fall-back day, at the first 02:30);
 * this module turns a definition into a cron and adds what cron cannot say: `day: 29..31` in a
 * shorter month is that month's last day. Pure: the instant is always passed in.
 */
import { Cron, CronDate } from 'croner';
import type { ScheduleDefinition } from '../model/definitions.js';

const WEEKDAY_NUMBER: Readonly<Record<string, number>> = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };
/** Calendar quarters: a quarterly schedule runs in their first month. */
const QUARTER_MONTHS = '1,4,7,10';
/** Days that every month has: a monthly day up to this one needs no month-end rule. */
const DAYS_IN_EVERY_MONTH = 28;

export interface Recurrence {
  /** The cron expression read in `timezone` (with `day: 29..31`, also matching the month's last day, filtered). */
  readonly cron: string;
  readonly timezone: string;
  /** The latest slot at or before `at` (undefined: none). */
  latestSlot(at: Date): Date | undefined;
  /** The first slot strictly after `at` (undefined: none). */
  nextSlot(at: Date): Date | undefined;
  /** How many slots lie strictly between `after` and `before`, counting up to `limit` at most. */
  countBetween(after: Date, before: Date, limit: number): number;
}

type When = Pick<ScheduleDefinition, 'frequency' | 'day' | 'time' | 'cron' | 'timezone'>;

/** The cron expression of a schedule, and the day of the month it keeps when a month is shorter (29..31). */
export function cronOf(schedule: When): { cron: string; monthDay?: number } {
  if (schedule.cron !== undefined) return { cron: schedule.cron };
  const [hour, minute] = (schedule.time ?? '00:00').split(':').map(Number);
  const at = `${minute} ${hour}`;
  switch (schedule.frequency) {
    case 'weekly':
      return { cron: `${at} * * ${WEEKDAY_NUMBER[String(schedule.day)] ?? 1}` };
    case 'monthly':
    case 'quarterly': {
      const months = schedule.frequency === 'quarterly' ? QUARTER_MONTHS : '*';
      if (schedule.day === 'last' || schedule.day === undefined) return { cron: `${at} L ${months} *` };
      const day = Number(schedule.day);
      // 29..31: that day, or the month's last day when the month ends before it (the filter keeps one of the two).
      if (day > DAYS_IN_EVERY_MONTH) return { cron: `${at} ${day},L ${months} *`, monthDay: day };
      return { cron: `${at} ${day} ${months} *` };
    }
    default:
      return { cron: `${at} * * *` };
  }
}

function lastDayOfMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/** The slots of `schedule`. Its time zone must be valid (validate checks it first). */
export function recurrenceOf(schedule: When): Recurrence {
  const { cron, monthDay } = cronOf(schedule);
  const job = new Cron(cron, { timezone: schedule.timezone, mode: '5-part', paused: true });
  // Only for day 29..31: a match is a slot when it is that day, or the month's last day in a shorter month.
  const keeps = (run: Date): boolean => {
    if (monthDay === undefined) return true;
    const local = new CronDate(run, schedule.timezone);
    return local.day === Math.min(monthDay, lastDayOfMonth(local.year, local.month));
  };
  return {
    cron,
    timezone: schedule.timezone,
    latestSlot(at) {
      // croner includes a run earlier in the reference's second: pass the end of the second `at` is in,
      // from its start, so a slot at exactly `at` counts and one a moment after it does not.
      let reference = new Date(Math.floor(at.getTime() / 1000) * 1000 + 999);
      for (;;) {
        const run = job.previousRuns(1, reference)[0];
        if (run === undefined || keeps(run)) return run;
        reference = new Date(run.getTime() - 1000);
      }
    },
    nextSlot(at) {
      let reference = at;
      for (;;) {
        const run = job.nextRun(reference) ?? undefined;
        if (run === undefined || keeps(run)) return run;
        reference = run;
      }
    },
    countBetween(after, before, limit) {
      // croner's iterator carries its position from one run to the next: several times cheaper than nextRun from each.
      let count = 0;
      for (const run of job.enumerate(after)) {
        if (run.getTime() >= before.getTime() || count >= limit) break;
        if (keeps(run)) count++;
      }
      return count;
    },
  };
}

/**
 * The same recurrence for every schedule with the same cron and zone (a workspace's schedules
 * share a few patterns: weekly on Monday at 07:00 in New York...), with its answers per instant
 * remembered: croner's search costs tens of microseconds a call.
 */
export class RecurrenceCache {
  private readonly recurrences = new Map<string, Recurrence>();

  of(schedule: When): Recurrence {
    const key = `${cronOf(schedule).cron}\u0000${schedule.timezone}`;
    let recurrence = this.recurrences.get(key);
    if (!recurrence) {
      recurrence = memoised(recurrenceOf(schedule));
      this.recurrences.set(key, recurrence);
    }
    return recurrence;
  }
}

function memoised(recurrence: Recurrence): Recurrence {
  const latest = new Map<number, Date | undefined>();
  const next = new Map<number, Date | undefined>();
  const remember = (cache: Map<number, Date | undefined>, at: Date, find: (at: Date) => Date | undefined): Date | undefined => {
    const key = at.getTime();
    if (!cache.has(key)) cache.set(key, find(at));
    return cache.get(key);
  };
  return {
    cron: recurrence.cron,
    timezone: recurrence.timezone,
    latestSlot: (at) => remember(latest, at, (a) => recurrence.latestSlot(a)),
    nextSlot: (at) => remember(next, at, (a) => recurrence.nextSlot(a)),
    countBetween: (after, before, limit) => recurrence.countBetween(after, before, limit),
  };
}

/** An instant as the wall-clock time of `timezone` with its offset: 2027-03-14T03:00-04:00. */
export function localTime(instant: Date, timezone: string): string {
  const local = new CronDate(instant, timezone);
  const wall = Date.UTC(local.year, local.month, local.day, local.hour, local.minute);
  const offset = Math.round((wall - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${pad(local.year, 4)}-${pad(local.month + 1)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An instant in UTC to the second: 2027-03-14T07:00:00Z (the form slots are recorded in). */
export function utcTime(instant: Date): string {
  return `${instant.toISOString().slice(0, 19)}Z`;
}
