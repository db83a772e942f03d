/** The last rendered slots (issue 16): one sorted line per schedule, a slot only moves forward, damage is named. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseScheduleSlots, readScheduleSlots, recordScheduleSlots, scheduleSlotsPath } from '../../src/app/schedule/state.js';
import { completedSlots } from '../../src/app/render.js';
import type { ReportOutcome } from '../../src/app/render.js';
import { STATE_GITATTRIBUTES } from '../../src/app/state.js';
import { examplesDir } from '../support/paths.js';

const slot = (iso: string): Date => new Date(iso);

describe('schedules.jsonl', () => {
  it('records one line per schedule, sorted by code units, only forward, and writes nothing when nothing changes', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'infracast-state-'));
    await recordScheduleSlots(
      stateDir,
      new Map([
        ['weekly', slot('2027-03-15T11:00:00Z')],
        ['Monthly', slot('2027-03-03T11:00:00Z')],
      ]),
    );
    assert.equal(
      readFileSync(scheduleSlotsPath(stateDir), 'utf8'),
      '{"schedule":"Monthly","slot":"2027-03-03T11:00:00Z"}\n{"schedule":"weekly","slot":"2027-03-15T11:00:00Z"}\n',
    );
    assert.equal(await recordScheduleSlots(stateDir, new Map([['weekly', slot('2027-03-08T12:00:00Z')]])), 'unchanged');
    assert.equal(await recordScheduleSlots(stateDir, new Map([['weekly', slot('2027-03-15T11:00:00Z')]])), 'unchanged');
    assert.equal(await recordScheduleSlots(stateDir, new Map([['weekly', slot('2027-03-22T11:00:00Z')]])), 'written');
    assert.equal((await readScheduleSlots(stateDir)).get('weekly')?.toISOString(), '2027-03-22T11:00:00.000Z');
    assert.match(readFileSync(join(stateDir, 'version.json'), 'utf8'), /"state_version":1/);
  });
  it('a merge that kept both lines of a schedule: the later slot', () => {
    const slots = parseScheduleSlots('{"schedule":"a","slot":"2027-03-15T11:00:00Z"}\n{"schedule":"a","slot":"2027-03-08T12:00:00Z"}\n', 'f');
    assert.equal(slots.get('a')?.toISOString(), '2027-03-15T11:00:00.000Z');
  });
  it('a union merge of two branches (both sides, out of order, one schedule twice): the latest slot each; the next record writes one sorted line each', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'infracast-state-'));
    writeFileSync(
      scheduleSlotsPath(stateDir),
      [
        '{"schedule":"weekly","slot":"2027-03-08T12:00:00Z"}',
        '{"schedule":"daily","slot":"2027-03-15T06:30:00Z"}',
        '{"schedule":"weekly","slot":"2027-03-15T11:00:00Z"}',
        '{"schedule":"Monthly","slot":"2027-03-03T11:00:00Z"}',
        '{"schedule":"weekly","slot":"2027-03-08T12:00:00Z"}',
        '',
      ].join('\n'),
    );
    const slots = await readScheduleSlots(stateDir);
    assert.deepEqual(Object.fromEntries([...slots].map(([name, slot]) => [name, slot.toISOString()])), {
      weekly: '2027-03-15T11:00:00.000Z',
      daily: '2027-03-15T06:30:00.000Z',
      Monthly: '2027-03-03T11:00:00.000Z',
    });
    assert.equal(await recordScheduleSlots(stateDir, new Map([['daily', slot('2027-03-16T06:30:00Z')]])), 'written');
    assert.equal(
      readFileSync(scheduleSlotsPath(stateDir), 'utf8'),
      '{"schedule":"Monthly","slot":"2027-03-03T11:00:00Z"}\n{"schedule":"daily","slot":"2027-03-16T06:30:00Z"}\n{"schedule":"weekly","slot":"2027-03-15T11:00:00Z"}\n',
    );
  });
  it('the state folder asks git to merge schedules.jsonl and runs.jsonl by union (not poam.jsonl); the examples hold the same file', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'infracast-state-'));
    await recordScheduleSlots(stateDir, new Map([['weekly', slot('2027-03-15T11:00:00Z')]]));
    const attributes = readFileSync(join(stateDir, '.gitattributes'), 'utf8');
    assert.equal(attributes, STATE_GITATTRIBUTES);
    assert.match(attributes, /^schedules\.jsonl merge=union$/m);
    assert.match(attributes, /^runs\.jsonl merge=union$/m);
    assert.doesNotMatch(attributes, /poam|\*/);
    for (const example of ['acme', 'starter'])
      assert.equal(readFileSync(join(examplesDir, example, '.infracast', '.gitattributes'), 'utf8'), STATE_GITATTRIBUTES, example);
  });
  it('an unresolved merge conflict, a cut-off file or a bad line is named with its line', async () => {
    assert.throws(
      () => parseScheduleSlots('<<<<<<< HEAD\n{"schedule":"a","slot":"2027-03-15T11:00:00Z"}\n', 'f'),
      /f:1: line 1 is not JSON \(an unresolved merge conflict/,
    );
    assert.throws(() => parseScheduleSlots('{"schedule":"a","slot":"2027-03-15T11:00:00Z"}', 'f'), /is cut off/);
    assert.throws(() => parseScheduleSlots('{"schedule":"a","slot":"2027-03-15"}\n', 'f'), /f:1: line 1 is not \{"schedule"/);
    const stateDir = mkdtempSync(join(tmpdir(), 'infracast-state-'));
    writeFileSync(join(stateDir, 'version.json'), '{"state_version":99}\n');
    await assert.rejects(readScheduleSlots(stateDir), /state_version 99 is newer/);
  });
});

describe('the slots a render records (render.ts completedSlots)', () => {
  const outcome = (definition: string, status: 'completed' | 'failed'): ReportOutcome => ({
    definition,
    file: '',
    type: 'executive',
    status,
    cui: false,
    artifacts: [],
    warnings: [],
  });
  it('records a schedule only when every definition rendered for it completed', () => {
    const scheduledBy = new Map([
      ['exec', [{ schedule: 'weekly', slot: '2027-03-08T12:00:00Z' }]],
      ['poam', [{ schedule: 'monthly', slot: '2027-03-03T11:00:00Z' }]],
      ['status', [{ schedule: 'monthly', slot: '2027-03-03T11:00:00Z' }]],
    ]);
    const slots = completedSlots(scheduledBy, [outcome('exec', 'completed'), outcome('poam', 'completed'), outcome('status', 'failed')]);
    assert.deepEqual([...slots.keys()], ['weekly']);
    assert.equal(slots.get('weekly')!.toISOString(), '2027-03-08T12:00:00.000Z');
    // A definition the run never reached (interrupted) counts as not completed.
    assert.equal(completedSlots(scheduledBy, [outcome('exec', 'completed'), outcome('poam', 'completed')]).has('monthly'), false);
  });
});
