/**
 * Slots and due decisions (issue 16): a whole year of slots in five zones, checked against an
 * independent oracle (the earliest instant whose wall-clock time in the zone, read with Intl, is at
 * or after the wanted one on that date); both DST edges; month ends, `last`, day 31 in February,
 * quarterly; then due / rendered / missed / disabled.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScheduleDefinition } from '../../src/model/definitions.js';
import { decideDue } from '../../src/schedule/due.js';
import { cronOf, localTime, recurrenceOf, utcTime } from '../../src/schedule/recurrence.js';

type When = Pick<ScheduleDefinition, 'frequency' | 'day' | 'time' | 'cron' | 'timezone'>;
const ZONES = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'] as const;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MINUTE = 60_000;

/** Wall-clock minutes since the epoch of `t` in `zone` (as if the wall time were UTC). */
function wallMinutes(t: number, zone: string, cache: Map<string, Intl.DateTimeFormat>): number {
  let format = cache.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    cache.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(t)).map((p) => [p.type, Number(p.value)]));
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!) / MINUTE;
}

/** The oracle: the earliest instant whose wall time in `zone` is at or after `wall` (UTC fields read as local). */
function firstInstantAtOrAfter(wall: number, zone: string, cache: Map<string, Intl.DateTimeFormat>): number {
  const target = wall / MINUTE;
  let t = wall - 15 * 60 * MINUTE; // wall time there is at most UTC+14: before the target
  const step = 15 * MINUTE; // every offset and DST shift in use is a multiple of 15 minutes
  while (wallMinutes(t, zone, cache) < target) t += step;
  while (wallMinutes(t - MINUTE, zone, cache) >= target) t -= MINUTE;
  return t;
}

/** The local dates (y, m0, d) a schedule runs on in `year`. */
function datesOf(when: When, year: number): [number, number, number][] {
  const dates: [number, number, number][] = [];
  for (let m = 0; m < 12; m++) {
    const last = new Date(Date.UTC(year, m + 1, 0)).getUTCDate();
    if (when.frequency === 'monthly' || (when.frequency === 'quarterly' && m % 3 === 0)) {
      dates.push([year, m, when.day === 'last' ? last : Math.min(Number(when.day), last)]);
      continue;
    }
    if (when.frequency === 'quarterly') continue;
    for (let d = 1; d <= last; d++) {
      if (when.frequency === 'weekly' && WEEKDAYS[new Date(Date.UTC(year, m, d)).getUTCDay()] !== when.day) continue;
      dates.push([year, m, d]);
    }
  }
  return dates;
}

function expectedSlots(when: When, year: number): string[] {
  const cache = new Map<string, Intl.DateTimeFormat>();
  const [hour, minute] = when.time!.split(':').map(Number);
  return datesOf(when, year).map(([y, m, d]) => utcTime(new Date(firstInstantAtOrAfter(Date.UTC(y, m, d, hour!, minute!), when.timezone, cache))));
}

/** Every slot in the local year, walking forward with nextSlot; each one checked backwards with latestSlot. */
function slotsIn(when: When, year: number): string[] {
  const recurrence = recurrenceOf(when);
  const slots: string[] = [];
  const end = Date.UTC(year + 1, 0, 1, 14); // past the local year's end in every zone
  let previous: Date | undefined;
  for (let run = recurrence.nextSlot(new Date(Date.UTC(year, 0, 1, -15))); run && run.getTime() < end; run = recurrence.nextSlot(run)) {
    assert.equal(recurrence.latestSlot(run)?.getTime(), run.getTime(), `latestSlot(${utcTime(run)}) is the slot itself`);
    if (previous) assert.equal(recurrence.latestSlot(new Date(run.getTime() - 1000))?.getTime(), previous.getTime(), `latestSlot just before ${utcTime(run)}`);
    if (localTime(run, when.timezone).startsWith(String(year))) slots.push(utcTime(run));
    previous = run;
  }
  return slots;
}

describe('a year of slots matches the wall-clock oracle', () => {
  const cases: Omit<When, 'timezone'>[] = [
    { frequency: 'daily', time: '02:30' },
    { frequency: 'daily', time: '01:30' },
    { frequency: 'daily', time: '02:15' },
    { frequency: 'weekly', day: 'sunday', time: '02:30' },
    { frequency: 'monthly', day: 31, time: '00:30' },
    { frequency: 'monthly', day: 30, time: '06:00' },
    { frequency: 'monthly', day: 29, time: '23:45' },
    { frequency: 'monthly', day: 'last', time: '02:30' },
    { frequency: 'monthly', day: 1, time: '00:00' },
    { frequency: 'quarterly', day: 31, time: '06:00' },
  ];
  for (const timezone of ZONES) {
    it(`${timezone}: ${cases.length} schedules over 2027 (and 2028 for February 29)`, () => {
      for (const when of cases) {
        for (const year of when.frequency === 'monthly' ? [2027, 2028] : [2027]) {
          const schedule = { ...when, timezone };
          assert.deepEqual(slotsIn(schedule, year), expectedSlots(schedule, year), `${JSON.stringify(schedule)} in ${year}`);
        }
      }
    });
  }
});

describe('the edges, spelled out', () => {
  const ny = (when: Omit<When, 'timezone'>): When => ({ ...when, timezone: 'America/New_York' });
  const between = (when: When, from: string, to: string): string[] => {
    const r = recurrenceOf(when);
    const out: string[] = [];
    for (let run = r.nextSlot(new Date(from)); run && run < new Date(to); run = r.nextSlot(run)) out.push(localTime(run, when.timezone));
    return out;
  };
  it('02:30 daily in New York: 03:00 EDT on the spring-forward day, once on the fall-back day', () => {
    assert.deepEqual(between(ny({ frequency: 'daily', time: '02:30' }), '2027-03-13T00:00Z', '2027-03-16T00:00Z'), [
      '2027-03-13T02:30-05:00',
      '2027-03-14T03:00-04:00',
      '2027-03-15T02:30-04:00',
    ]);
    assert.deepEqual(between(ny({ frequency: 'daily', time: '02:30' }), '2027-11-06T00:00Z', '2027-11-09T00:00Z'), [
      '2027-11-06T02:30-04:00',
      '2027-11-07T02:30-05:00',
      '2027-11-08T02:30-05:00',
    ]);
  });
  it('01:30 daily in New York (the repeated hour): once, at the first 01:30', () => {
    assert.deepEqual(between(ny({ frequency: 'daily', time: '01:30' }), '2027-11-06T12:00Z', '2027-11-08T12:00Z'), [
      '2027-11-07T01:30-04:00',
      '2027-11-08T01:30-05:00',
    ]);
  });
  it('Lord Howe shifts by 30 minutes: 02:15 in the October gap runs at 02:30', () => {
    assert.deepEqual(between({ frequency: 'daily', time: '02:15', timezone: 'Australia/Lord_Howe' }, '2027-10-01T12:00Z', '2027-10-04T12:00Z'), [
      '2027-10-02T02:15+10:30',
      '2027-10-03T02:30+11:00',
      '2027-10-04T02:15+11:00',
    ]);
  });
  it('day 31: the last day of shorter months, February 28 and 29; quarterly day 31 in April is the 30th', () => {
    const monthly = ny({ frequency: 'monthly', day: 31, time: '06:00' });
    assert.deepEqual(
      between(monthly, '2027-01-01T00:00Z', '2027-05-01T00:00Z').map((s) => s.slice(0, 10)),
      ['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30'],
    );
    assert.deepEqual(
      between(monthly, '2028-02-01T00:00Z', '2028-03-01T00:00Z').map((s) => s.slice(0, 10)),
      ['2028-02-29'],
    );
    assert.deepEqual(
      between(ny({ frequency: 'quarterly', day: 31, time: '06:00' }), '2027-01-01T00:00Z', '2028-01-01T00:00Z').map((s) => s.slice(0, 10)),
      ['2027-01-31', '2027-04-30', '2027-07-31', '2027-10-31'],
    );
    assert.equal(cronOf(monthly).cron, '0 6 31,L * *');
  });
  it('a raw cron is read in its zone', () => {
    assert.deepEqual(between({ cron: '0 7 * * 1-5', timezone: 'Asia/Kolkata' }, '2027-01-01T00:00Z', '2027-01-06T00:00Z'), [
      '2027-01-01T07:00+05:30',
      '2027-01-04T07:00+05:30',
      '2027-01-05T07:00+05:30',
    ]);
  });
});

describe('due decisions', () => {
  const schedule = (extra: Partial<ScheduleDefinition> = {}): ScheduleDefinition => ({
    kind: 'Schedule',
    kindReason: 'test',
    name: 'Weekly',
    frequency: 'weekly',
    day: 'monday',
    time: '07:00',
    timezone: 'America/New_York',
    enabled: true,
    recipients: [],
    reports: ['exec'],
    source: { file: 's.yaml', index: 0, count: 1 },
    ...extra,
  });
  const at = (iso: string): Date => new Date(iso);
  it('due: the latest slot, newer than the last rendered and within one period', () => {
    const d = decideDue(schedule(), at('2027-03-15T13:00Z'), at('2027-03-08T12:00Z'));
    assert.equal(d.status, 'due');
    assert.equal(utcTime(d.slot!), '2027-03-15T11:00:00Z');
    assert.equal(utcTime(d.next!), '2027-03-22T11:00:00Z');
    assert.equal(d.skippedSlots, 0);
  });
  it('rendered: that slot is recorded (a re-run, a repeated or delayed job)', () => {
    const d = decideDue(schedule(), at('2027-03-16T13:00Z'), at('2027-03-15T11:00Z'));
    assert.equal(d.status, 'rendered');
    assert.equal(utcTime(d.slot!), '2027-03-15T11:00:00Z');
  });
  it('a slot exactly at now is due; a moment before it, the previous slot is', () => {
    assert.equal(utcTime(decideDue(schedule(), at('2027-03-15T11:00:00Z'), undefined).slot!), '2027-03-15T11:00:00Z');
    assert.equal(utcTime(decideDue(schedule(), at('2027-03-15T10:59:59.999Z'), undefined).slot!), '2027-03-08T12:00:00Z');
  });
  it('missed: beyond the catch_up window, by how much; earlier slots never rendered are counted', () => {
    const d = decideDue(schedule({ catchUp: { text: '6h', ms: 6 * 3600_000 } }), at('2027-03-15T20:00Z'), at('2027-03-01T12:00Z'));
    assert.equal(d.status, 'missed');
    assert.equal(d.missedByMs, 3 * 3600_000);
    assert.equal(d.skippedSlots, 1);
  });
  it('the default window is one period: a monthly slot is due for a month, the DST hour included', () => {
    const monthly = schedule({ frequency: 'monthly', day: 3, time: '06:00' });
    assert.equal(decideDue(monthly, at('2027-04-02T23:00Z'), undefined).status, 'due');
    assert.equal(utcTime(decideDue(monthly, at('2027-04-02T23:00Z'), undefined).slot!), '2027-03-03T11:00:00Z');
    assert.equal(decideDue(monthly, at('2027-04-03T09:59Z'), undefined).windowMs, Date.parse('2027-04-03T10:00Z') - Date.parse('2027-03-03T11:00Z'));
  });
  it('disabled: never due, the next slot still shown', () => {
    const d = decideDue(schedule({ enabled: false }), at('2027-03-15T13:00Z'), undefined);
    assert.deepEqual([d.status, utcTime(d.next!)], ['disabled', '2027-03-22T11:00:00Z']);
  });
});
