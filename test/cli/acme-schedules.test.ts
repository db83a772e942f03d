/**
 * examples/acme's README "Schedules": `infracast schedule due --at <instant>` at each instant of its
 * two tables (a fresh clone, then with the recorded slots the README names) gives the README's
 * answers, across both 2027 daylight-saving changes in New York (issue 16, "Done when").
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { localTime } from '../../src/schedule/recurrence.js';
import { runCli } from '../support/cli.js';
import { examplesDir } from '../support/paths.js';
import { copyWorkspace } from '../support/workspace.js';

const acme = join(examplesDir, 'acme');
const section = readFileSync(join(acme, 'README.md'), 'utf8').split('## Schedules')[1]!.split('\n## ')[0]!;

/** The Markdown tables of the section, in order: their rows as cell texts (header and rule dropped). */
function tables(): string[][][] {
  const found: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of section.split('\n')) {
    if (!line.startsWith('|')) {
      current = undefined;
      continue;
    }
    if (!current) found.push((current = []));
    current.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
  }
  return found.map((rows) => rows.slice(2));
}

interface Due {
  schedules: { name: string; status: string; slot?: string; missed_by_hours?: number }[];
}
const cell = (s: Due['schedules'][number]): string =>
  `${s.status === 'missed' ? `missed by ${s.missed_by_hours} h` : s.status}${s.slot ? `, slot ${s.slot}` : ''}`;

function check(workspace: string, rows: string[][]): void {
  assert.ok(rows.length >= 3, 'the table has rows');
  for (const [instant, newYork, weekly, monthly] of rows) {
    assert.equal(localTime(new Date(instant!), 'America/New_York'), newYork, `${instant} in New York`);
    const r = runCli(['schedule', 'due', '-w', workspace, '--at', instant!, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const byName = new Map((JSON.parse(r.stdout) as Due).schedules.map((s) => [s.name, cell(s)]));
    assert.deepEqual(
      [byName.get('Weekly Security Executive Summary'), byName.get('FedRAMP Monthly ConMon')],
      [weekly, monthly],
      `schedule due --at ${instant}`,
    );
  }
}

describe('examples/acme: the schedule answers its README states', () => {
  const [fresh, recorded] = tables();
  it('on a fresh clone, across the March and November 2027 changes', () => {
    check(copyWorkspace(acme), fresh!);
  });
  it('with the slots the README records in .infracast/schedules.jsonl', () => {
    const lines = [...section.matchAll(/`(\{"schedule":[^`]+\})`/g)].map((m) => m[1]!);
    assert.equal(lines.length, 2);
    const workspace = copyWorkspace(acme);
    writeFileSync(join(workspace, '.infracast/schedules.jsonl'), lines.map((l) => `${l}\n`).join(''));
    check(workspace, recorded!);
  });
});
