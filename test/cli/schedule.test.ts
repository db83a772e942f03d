/**
 * infracast schedule list / due / run / workflow (issue 16), as a user runs them: a run renders
 * what is due and records its slot; a re-run, a late run and a repeated run render nothing more;
 * a failed render records nothing; the state file is one sorted line per schedule.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../support/cli.js';
import { repoRoot } from '../support/paths.js';
import { makeWorkspace } from '../support/workspace.js';

const WORKSPACE = {
  'reports/exec.yaml': 'name: Exec\ntype: executive\nformat: md\n',
  'reports/exec-pdf.yaml': 'name: Exec PDF\ntype: executive\nformat: pdf\n',
  'schedules/weekly.yaml': 'name: Weekly\nfrequency: weekly\nday: monday\ntime: "07:00"\ntimezone: America/New_York\ncatch_up: 6h\nreports: [exec]\n',
  'schedules/daily.yaml': 'name: Daily Inline\ntype: gap\nformat: md\ncron: "30 2 * * *"\ntimezone: America/New_York\n',
  'schedules/paused.yaml': 'name: Paused\nfrequency: daily\nenabled: false\nreports: [exec]\n',
  'schedules/pdf.yaml': 'name: Needs A Browser\nfrequency: daily\ntime: "03:00"\nreports: [exec-pdf]\n',
};

const json = <T>(args: string[]): T => {
  const r = runCli([...args, '--json']);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  return JSON.parse(r.stdout) as T;
};
interface DueJson {
  due: number;
  schedules: { name: string; status: string; slot_utc?: string; next_run?: string; next_run_utc?: string; missed_by_hours?: number; reason: string }[];
}

describe('infracast schedule', () => {
  it('due names each status; run renders what is due once, records it, and a failed render records nothing', () => {
    const root = makeWorkspace(WORKSPACE);
    const env = { CHROME_PATH: join(root, 'no-such-browser') };
    // Monday 2027-03-15 07:30 EDT: the weekly slot (11:00Z, an hour earlier in UTC than a week before) and 02:30's (03:00 EDT, spring forward).
    const at = '2027-03-15T11:30:00Z';
    const before = json<DueJson>(['schedule', 'due', '-w', root, '--at', at]);
    const status = Object.fromEntries(before.schedules.map((s) => [s.name, [s.status, s.slot_utc]]));
    assert.deepEqual(status, {
      'Daily Inline': ['due', '2027-03-15T06:30:00Z'],
      'Needs A Browser': ['due', '2027-03-15T03:00:00Z'],
      Paused: ['disabled', undefined],
      Weekly: ['due', '2027-03-15T11:00:00Z'],
    });
    const run = runCli(['schedule', 'run', '-w', root, '--at', at], { env });
    assert.equal(run.status, 3, run.stdout + run.stderr); // the PDF has no browser
    assert.match(run.stderr, /Needs A Browser: slot 2027-03-15T03:00:00Z not recorded: exec-pdf failed/);
    assert.ok(existsSync(join(root, 'out/exec/exec.md')));
    assert.ok(existsSync(join(root, 'out/daily-inline')), 'the inline schedule rendered its own definition');
    const state = join(root, '.infracast/schedules.jsonl');
    assert.equal(
      readFileSync(state, 'utf8'),
      '{"schedule":"Daily Inline","slot":"2027-03-15T06:30:00Z"}\n{"schedule":"Weekly","slot":"2027-03-15T11:00:00Z"}\n',
    );
    // A repeated run, and a late one (a delayed cron) later that morning: nothing rendered again; the failed one retried.
    rmSync(join(root, 'out/exec'), { recursive: true });
    for (const again of [at, '2027-03-15T14:00:00Z']) {
      const after = json<DueJson>(['schedule', 'due', '-w', root, '--at', again]);
      const byName = Object.fromEntries(after.schedules.map((s) => [s.name, s.status]));
      assert.deepEqual(byName, { 'Daily Inline': 'rendered', 'Needs A Browser': 'due', Paused: 'disabled', Weekly: 'rendered' });
      const rerun = runCli(['schedule', 'run', '-w', root, '--at', again], { env });
      assert.equal(rerun.status, 3);
      assert.equal(existsSync(join(root, 'out/exec')), false, 'the weekly report is not rendered twice');
    }
    // Past the 6 h window, before the next Monday: missed by N hours (never recorded, never rendered late).
    const weekly = json<DueJson>(['schedule', 'due', '-w', root, '--at', '2027-03-16T11:00:00Z']).schedules.find((s) => s.name === 'Weekly')!;
    assert.equal(weekly.status, 'rendered');
    const fresh = makeWorkspace(WORKSPACE);
    const missed = json<DueJson>(['schedule', 'due', '-w', fresh, '--at', '2027-03-15T20:30:00Z']).schedules.find((s) => s.name === 'Weekly')!;
    assert.deepEqual([missed.status, missed.missed_by_hours], ['missed', 3.5]);
    assert.match(missed.reason, /3 h 30 min beyond its catch-up window \(6h\)/);
  });

  it('list: the next run in its zone and in UTC, enabled, what it renders; a table for people', () => {
    const root = makeWorkspace(WORKSPACE);
    const listing = json<{ schedules: { name: string; enabled: boolean; next_run?: string; next_run_utc?: string; reports: string[]; cron: string }[] }>([
      'schedule',
      'list',
      '-w',
      root,
      '--at',
      '2027-11-06T12:00:00Z',
    ]);
    const weekly = listing.schedules.find((s) => s.name === 'Weekly')!;
    assert.deepEqual([weekly.next_run, weekly.next_run_utc, weekly.cron], ['2027-11-08T07:00-05:00', '2027-11-08T12:00:00Z', '0 7 * * 1']);
    const daily = listing.schedules.find((s) => s.name === 'Daily Inline')!;
    assert.deepEqual([daily.next_run, daily.reports], ['2027-11-07T02:30-05:00', ['daily-inline']]);
    assert.equal(listing.schedules.find((s) => s.name === 'Paused')!.enabled, false);
    const table = runCli(['schedule', 'list', '-w', root, '--at', '2027-11-06T12:00:00Z', '-o', 'table']);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^Weekly +yes +weekly on monday at 07:00 America\/New_York +2027-11-08T07:00-05:00 \(2027-11-08T12:00:00Z\) +exec$/m);
  });

  it('an invalid workspace stops due with exit 1; a bad --at is a usage error', () => {
    const root = makeWorkspace({ ...WORKSPACE, 'schedules/bad.yaml': 'name: Bad\ncron: "0 7 * * 1"\nfrequency: daily\nreports: [exec]\n' });
    assert.equal(runCli(['schedule', 'due', '-w', root]).status, 1);
    assert.equal(runCli(['schedule', 'due', '-w', makeWorkspace(WORKSPACE), '--at', 'tomorrow']).status, 2);
  });

  it('workflow: an hourly sweep at an odd minute, a now input, concurrency, contents: write only, the action publishing and mailing', () => {
    const r = runCli(['schedule', 'workflow', '--workspace', 'compliance']);
    assert.equal(r.status, 0, r.stderr);
    const workflow = parse(r.stdout) as Workflow;
    assert.deepEqual(workflow.on.schedule, [{ cron: '17 * * * *' }]);
    assert.ok(workflow.on.workflow_dispatch.inputs.now);
    assert.deepEqual(workflow.permissions, { contents: 'write' });
    assert.equal(workflow.concurrency['cancel-in-progress'], false);
    const steps = workflow.jobs.scheduled.steps;
    assert.deepEqual(
      steps.filter((s) => s.uses).map((s) => s.uses),
      ['actions/checkout@v4', 'infracast/infracast/actions/infracast@v0'],
    );
    const action = steps.at(-1)!;
    assert.deepEqual(action.with, { command: 'scheduled', 'working-directory': 'compliance', now: '${{ inputs.now }}', publish: 'commit' });
    assert.deepEqual(Object.keys(action.env!), ['INFRACAST_SMTP_USER', 'INFRACAST_SMTP_PASSWORD']);
    assertActionInputs(action.with!);
  });

  it('workflow --publish release: a release per month, the action of --action', () => {
    const r = runCli(['schedule', 'workflow', '--publish', 'release', '--action', 'acme/infracast/actions/infracast@v0.1.0', '--minute', '41']);
    assert.equal(r.status, 0, r.stderr);
    const workflow = parse(r.stdout) as Workflow;
    assert.deepEqual(workflow.on.schedule, [{ cron: '41 * * * *' }]);
    const action = workflow.jobs.scheduled.steps.at(-1)!;
    assert.equal(action.uses, 'acme/infracast/actions/infracast@v0.1.0');
    assert.equal(action.with!.publish, 'release');
    assert.equal(action.with!['release-tag'], '${{ steps.month.outputs.tag }}');
    assert.ok(workflow.jobs.scheduled.steps.some((s) => s.id === 'month'));
    assertActionInputs(action.with!);
  });
});

interface Workflow {
  on: { schedule: { cron: string }[]; workflow_dispatch: { inputs: { now: object } } };
  concurrency: { group: string; 'cancel-in-progress': boolean };
  permissions: Record<string, string>;
  jobs: { scheduled: { steps: { id?: string; uses?: string; run?: string; with?: Record<string, string>; env?: Record<string, string> }[] } };
}

/** Every input the workflow gives the action is one actions/infracast/action.yml declares. */
function assertActionInputs(given: Record<string, string>): void {
  const declared = (parse(readFileSync(join(repoRoot, 'actions', 'infracast', 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs;
  for (const name of Object.keys(given)) assert.ok(name in declared, `action.yml declares no input ${name}`);
}
