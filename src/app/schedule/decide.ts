/**
 * `infracast schedule list` and `infracast schedule due`: the workspace's schedules, their next
 * runs, and what is due at one pinned instant (--at, else SOURCE_DATE_EPOCH, else now) given the
 * slots recorded in the state folder. Read only.
 */
import { relative } from 'node:path';
import { InfracastError } from '../../errors.js';
import type { ScheduleDefinition } from '../../model/definitions.js';
import { formatDuration } from '../../model/duration.js';
import { compareCodeUnits } from '../../model/order.js';
import { decideDue } from '../../schedule/due.js';
import type { DueDecision, DueStatus } from '../../schedule/due.js';
import { localTime as zonedTime, RecurrenceCache, utcTime } from '../../schedule/recurrence.js';
import type { Recurrence } from '../../schedule/recurrence.js';
import { formatInstant, resolveInstant } from '../instant.js';
import type { LoadedWorkspace } from '../load-workspace.js';
import { validate } from '../validate.js';
import { readScheduleSlots } from './state.js';

export interface ScheduleOptions {
  /** A path inside the workspace (default: the current directory). */
  workspace?: string;
  cwd?: string;
  /** The instant (date or RFC 3339); default SOURCE_DATE_EPOCH, else now. */
  at?: string;
  env?: NodeJS.ProcessEnv;
}

/** One schedule, as list shows it. */
export interface ScheduleEntry {
  name: string;
  /** The schedule's file, relative to the workspace. */
  file: string;
  enabled: boolean;
  /** When, in words: "weekly on monday at 07:00", "cron 0 7 * * 1-5". */
  when: string;
  /** The cron it runs as, in `timezone`. */
  cron: string;
  timezone: string;
  /** The catch-up window as written, else "one period". */
  catch_up: string;
  /** The definitions it renders, by output name. */
  reports: string[];
  /** An inline schedule's type and formats. */
  inline?: { type: string; formats: string[] };
  recipients: string[];
  /** The first slot after the instant, in the schedule's zone and in UTC (absent: none). */
  next_run?: string;
  next_run_utc?: string;
  /** The last slot rendered, from the state folder (UTC). */
  last_rendered?: string;
}

export interface ScheduleDueEntry extends ScheduleEntry {
  status: DueStatus;
  /** The latest slot at or before the instant (due, rendered, missed), in its zone and in UTC. */
  slot?: string;
  slot_utc?: string;
  /** missed: hours past the catch-up window (one decimal). */
  missed_by_hours?: number;
  /** Slots after the last rendered one and before `slot`, never rendered. */
  skipped_slots?: number;
  /** Why, in one sentence. */
  reason: string;
}

export interface ScheduleListing<T> {
  workspace: string;
  at: string;
  schedules: T[];
}

export interface ScheduleDueListing extends ScheduleListing<ScheduleDueEntry> {
  /** How many are due. */
  due: number;
}

/** What run needs besides the listing: where slots are recorded. */
export interface ScheduleDueContext extends ScheduleDueListing {
  stateDir: string;
}

/** The validated workspace (errors stop here: a schedule is only as good as the definitions it renders). */
export async function loadScheduleWorkspace(options: ScheduleOptions, at: Date): Promise<LoadedWorkspace & { config: NonNullable<LoadedWorkspace['config']> }> {
  const env = options.env ?? process.env;
  const checked = await validate({ paths: [options.workspace ?? '.'], ...(options.cwd ? { cwd: options.cwd } : {}), at: at.toISOString(), env });
  const workspace = checked.workspaces[0];
  if (!workspace || !checked.ok || !workspace.config) {
    throw new InfracastError('CONFIG_INVALID', `the workspace has ${checked.errorCount} validation error(s)`, {
      hints: ['Run `infracast validate` and fix them first.'],
    });
  }
  return workspace as LoadedWorkspace & { config: NonNullable<LoadedWorkspace['config']> };
}

/** localTime, remembered: schedules that share a pattern and zone share their slots (a conversion costs a time-zone lookup). */
const localTimes = new Map<string, string>();
function localTime(instant: Date, timezone: string): string {
  const key = `${instant.getTime()}\u0000${timezone}`;
  let text = localTimes.get(key);
  if (text === undefined) {
    text = zonedTime(instant, timezone);
    localTimes.set(key, text);
  }
  return text;
}

function whenOf(schedule: ScheduleDefinition): string {
  if (schedule.cron !== undefined) return `cron ${schedule.cron}`;
  const day =
    schedule.day === undefined
      ? ''
      : schedule.frequency === 'weekly'
        ? ` on ${schedule.day}`
        : schedule.day === 'last'
          ? ' on the last day'
          : ` on day ${schedule.day}`;
  return `${schedule.frequency}${day} at ${schedule.time ?? '00:00'}`;
}

function entryOf(schedule: ScheduleDefinition, root: string, cron: string, next: Date | undefined, last: Date | undefined): ScheduleEntry {
  return {
    name: schedule.name,
    file: relative(root, schedule.source.file).split('\\').join('/'),
    enabled: schedule.enabled,
    when: whenOf(schedule),
    cron,
    timezone: schedule.timezone,
    catch_up: schedule.catchUp?.text ?? 'one period',
    reports: schedule.reports,
    ...(schedule.inline ? { inline: { type: schedule.inline.type, formats: schedule.inline.formats } } : {}),
    recipients: schedule.recipients,
    ...(next ? { next_run: localTime(next, schedule.timezone), next_run_utc: utcTime(next) } : {}),
    ...(last ? { last_rendered: utcTime(last) } : {}),
  };
}

const byName = (a: ScheduleDefinition, b: ScheduleDefinition): number => compareCodeUnits(a.name, b.name);

/** Each schedule of the workspace, by name, with its recurrence and last rendered slot, at the instant. */
async function eachSchedule<T>(
  options: ScheduleOptions,
  visit: (schedule: ScheduleDefinition, recurrence: Recurrence, last: Date | undefined, at: Date, root: string) => T,
): Promise<{ at: Date; workspace: string; stateDir: string; schedules: T[] }> {
  const at = resolveInstant(options.at, options.env ?? process.env);
  const workspace = await loadScheduleWorkspace(options, at);
  const slots = await readScheduleSlots(workspace.config.stateDir);
  const recurrences = new RecurrenceCache();
  const schedules = [...workspace.schedules]
    .sort(byName)
    .map((schedule) => visit(schedule, recurrences.of(schedule), slots.get(schedule.name), at, workspace.root));
  return { at, workspace: workspace.root, stateDir: workspace.config.stateDir, schedules };
}

export async function listSchedules(options: ScheduleOptions = {}): Promise<ScheduleListing<ScheduleEntry>> {
  const { at, workspace, schedules } = await eachSchedule(options, (schedule, recurrence, last, at, root) =>
    entryOf(schedule, root, recurrence.cron, recurrence.nextSlot(at), last),
  );
  return { workspace, at: formatInstant(at), schedules };
}

/** Each schedule's decision at the instant, and the state folder the slots are recorded in (run). */
export async function dueSchedules(options: ScheduleOptions = {}): Promise<ScheduleDueContext> {
  const { at, workspace, stateDir, schedules } = await eachSchedule(options, (schedule, recurrence, last, at, root) => {
    const decision = decideDue(schedule, at, last, recurrence);
    return dueEntryOf(entryOf(schedule, root, recurrence.cron, decision.next, last), schedule, decision);
  });
  return { workspace, at: formatInstant(at), due: schedules.filter((s) => s.status === 'due').length, schedules, stateDir };
}

function dueEntryOf(entry: ScheduleEntry, schedule: ScheduleDefinition, decision: DueDecision): ScheduleDueEntry {
  const slot = decision.slot ? { slot: localTime(decision.slot, schedule.timezone), slot_utc: utcTime(decision.slot) } : {};
  const missedBy = decision.missedByMs === undefined ? {} : { missed_by_hours: Math.round(decision.missedByMs / 360_000) / 10 };
  const skipped = decision.skippedSlots ? { skipped_slots: decision.skippedSlots } : {};
  return { ...entry, status: decision.status, ...slot, ...missedBy, ...skipped, reason: reasonOf(entry, decision) };
}

function reasonOf(entry: ScheduleEntry, decision: DueDecision): string {
  const next = entry.next_run ? `; next ${entry.next_run}` : '';
  const slot = decision.slot ? localTimeOf(decision, entry) : '';
  const window = entry.catch_up === 'one period' && decision.windowMs !== undefined ? `one period, ${formatDuration(decision.windowMs)}` : entry.catch_up;
  const skipped = decision.skippedSlots ? `; ${decision.skippedSlots} earlier slot(s) since the last rendered were missed and are not rendered` : '';
  switch (decision.status) {
    case 'due':
      return `due: slot ${slot}, within its catch-up window (${window})${skipped}`;
    case 'rendered':
      return `not due: already rendered for slot ${slot}${next}`;
    case 'missed':
      return `missed: slot ${slot} is ${formatDuration(decision.missedByMs ?? 0)} beyond its catch-up window (${window}), never rendered late${skipped}${next}`;
    case 'disabled':
      return `disabled (enabled: false)${next.replace('next', 'its next slot would be')}`;
    default:
      return `not due: no slot yet${next}`;
  }
}

function localTimeOf(decision: DueDecision, entry: ScheduleEntry): string {
  return `${localTime(decision.slot!, entry.timezone)} (${utcTime(decision.slot!)})`;
}
