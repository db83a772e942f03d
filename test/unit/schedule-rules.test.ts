/** Schedule definitions (issue 16): cron or frequency, day 1..31 and last, enabled, catch_up, time zones. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validate } from '../../src/index.js';
import { formatDuration, parseDuration } from '../../src/model/duration.js';
import { makeWorkspace } from '../support/workspace.js';

const REPORT = 'reports/exec.yaml';
const REPORT_BODY = 'type: executive\nformat: md\n';

async function check(schedule: string, config?: string): Promise<Awaited<ReturnType<typeof validate>>> {
  const files: Record<string, string> = { [REPORT]: REPORT_BODY, 'schedules/s.yaml': schedule };
  const root = makeWorkspace(files);
  if (config !== undefined) {
    const { appendFileSync } = await import('node:fs');
    appendFileSync(`${root}/infracast.yaml`, config);
  }
  return validate({ paths: [root], at: '2026-11-29' });
}
const codes = (r: Awaited<ReturnType<typeof validate>>): string[] => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);

describe('schedule definitions', () => {
  it('a raw cron builds a schedule with enabled, catch_up and the workspace time zone', async () => {
    const r = await check('name: S\ncron: "30  6 1,15 * *"\ncatch_up: 6h\nreports: [exec]\n', 'timezone: Europe/London\n');
    assert.deepEqual(codes(r), []);
    const s = r.workspaces[0]!.schedules[0]!;
    assert.equal(s.cron, '30 6 1,15 * *');
    assert.equal(s.frequency, undefined);
    assert.equal(s.timezone, 'Europe/London');
    assert.equal(s.enabled, true);
    assert.deepEqual(s.catchUp, { text: '6h', ms: 6 * 3600_000 });
  });
  it('cron beside frequency, day or time is an error naming both keys', async () => {
    const r = await check('name: S\ncron: "0 7 * * 1"\nfrequency: weekly\nday: monday\ntime: "07:00"\nreports: [exec]\n');
    const messages = codes(r);
    assert.equal(messages.length, 3, messages.join('\n'));
    for (const key of ['frequency', 'day', 'time'])
      assert.ok(
        messages.some((m) => m.startsWith('conflicting-keys') && m.includes(`cron and ${key}`)),
        key,
      );
  });
  it('neither frequency nor cron is an error saying both', async () => {
    assert.deepEqual(codes(await check('name: S\nreports: [exec]\n')), ['missing-key: a schedule needs frequency (daily, weekly, monthly, quarterly) or cron']);
  });
  it('a cron croner refuses, and one of 6 fields, are errors', async () => {
    assert.match(
      codes(await check('name: S\ncron: "61 7 * * 1"\nreports: [exec]\n')).join('\n'),
      /invalid-cron: cron '61 7 \* \* 1' is not a valid cron expression/,
    );
    assert.match(codes(await check('name: S\ncron: "0 0 7 * * 1"\nreports: [exec]\n')).join('\n'), /5 fields/);
  });
  it('monthly day 31 and last validate; day 32 and 0 do not; enabled: false is kept', async () => {
    for (const day of ['31', 'last', '29']) assert.deepEqual(codes(await check(`name: S\nfrequency: monthly\nday: ${day}\nreports: [exec]\n`)), [], day);
    for (const day of ['32', '0']) assert.notDeepEqual(codes(await check(`name: S\nfrequency: quarterly\nday: ${day}\nreports: [exec]\n`)), [], day);
    const r = await check('name: S\nfrequency: daily\nenabled: false\nreports: [exec]\n');
    assert.equal(r.workspaces[0]!.schedules[0]!.enabled, false);
  });
  it('an unknown time zone is an error with a did-you-mean', async () => {
    assert.match(
      codes(await check('name: S\nfrequency: daily\ntimezone: Europe/Londn\nreports: [exec]\n')).join('\n'),
      /unknown time zone 'Europe\/Londn' \(did you mean 'Europe\/London'\?\)/,
    );
  });
  it('catch_up: short and ISO 8601 forms; zero, months and junk are refused', async () => {
    assert.equal(parseDuration('30m'), 1_800_000);
    assert.equal(parseDuration('PT6H'), 6 * 3600_000);
    assert.equal(parseDuration('P1DT2H30M'), (26 * 60 + 30) * 60_000);
    assert.equal(parseDuration('P2W'), 14 * 86400_000);
    for (const bad of ['0h', 'P', 'PT', 'P1M', '6 h', 'P1DT']) assert.equal(parseDuration(bad), undefined, bad);
    assert.equal(formatDuration((26 * 60 + 30) * 60_000), '1 d 2 h 30 min');
    assert.notDeepEqual(codes(await check('name: S\nfrequency: daily\ncatch_up: 0h\nreports: [exec]\n')), []);
    assert.notDeepEqual(codes(await check('name: S\nfrequency: daily\ncatch_up: P1M\nreports: [exec]\n')), []);
  });
});
