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
