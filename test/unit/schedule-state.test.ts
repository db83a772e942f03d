/** The last rendered slots (issue 16): one sorted line per schedule, a slot only moves forward, damage is named. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseScheduleSlots, readScheduleSlots, recordScheduleSlots, scheduleSlotsPath } from '../../src/app/schedule/state.js';

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
