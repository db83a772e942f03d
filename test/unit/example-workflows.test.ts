/**
 * examples/workflows/*.yml are copied into users' repositories as they are: each must parse, give
 * the Infracast action only inputs its action.yml declares (a mistyped input is silently ignored
 * by GitHub), ask for the least permissions its publishing needs, and never run two sweeps at once.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { repoRoot } from '../support/paths.js';

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }>;
}

const folder = join(repoRoot, 'examples', 'workflows');
const action = parse(readFileSync(join(repoRoot, 'actions', 'infracast', 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
};
const isInfracast = (step: Step): boolean => /\/actions\/infracast@/.test(step.uses ?? '');
const files = readdirSync(folder).filter((f) => f.endsWith('.yml'));

describe('examples/workflows', () => {
  it('has the weekly commit, the monthly release and the keyless-signing workflows', () => {
    for (const name of ['weekly-executive.yml', 'monthly-release.yml', 'keyless-signing.yml']) assert.ok(files.includes(name), name);
  });

  it('pull-request.yml: on pull_request (never pull_request_target), a validate job and a pr-diff job on the full history, the full diff uploaded when the comment had to be cut', () => {
    const workflow = parse(readFileSync(join(folder, 'pull-request.yml'), 'utf8')) as Workflow;
    assert.deepEqual(Object.keys(workflow.on), ['pull_request']);
    assert.deepEqual(workflow.permissions, { contents: 'read', 'pull-requests': 'write' });
    const commands = Object.values(workflow.jobs).map((job) => job.steps.filter(isInfracast).map((s) => s.with?.command));
    assert.deepEqual(commands, [['validate'], ['pr-diff']]);
    const diffJob = Object.values(workflow.jobs)[1]!.steps;
    assert.equal(diffJob[0]!.uses?.startsWith('actions/checkout@'), true);
    assert.equal(diffJob[0]!.with?.['fetch-depth'], 0);
    const upload = diffJob.find((s) => s.uses?.startsWith('actions/upload-artifact@')) as Step & { if?: string };
    assert.equal(upload.with?.path, '${{ steps.diff.outputs.diff-file }}');
    assert.match(upload.if ?? '', /always\(\) && steps\.diff\.outputs\.diff-file != ''/);
  });

  for (const file of files) {
    describe(file, () => {
      const workflow = parse(readFileSync(join(folder, file), 'utf8')) as Workflow;
      const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
      const uses = steps.filter(isInfracast);

      it('gives the action only inputs action.yml declares, with an allowed command and publish mode', () => {
        assert.ok(uses.length > 0, 'no step uses the Infracast action');
        for (const step of uses) {
          for (const input of Object.keys(step.with ?? {})) assert.ok(input in action.inputs, `action.yml declares no input '${input}'`);
          const publish = String(step.with?.publish ?? action.inputs.publish?.default);
          assert.match(publish, /^(commit|release|artifact|none)$/);
        }
      });

      it('asks for the least permissions its publishing needs', () => {
        const permissions = { ...workflow.permissions, ...Object.assign({}, ...Object.values(workflow.jobs).map((j) => j.permissions ?? {})) } as Record<
          string,
          string
        >;
        const publishes = uses.some((s) => ['commit', 'release'].includes(String(s.with?.publish)));
        if (publishes) assert.equal(permissions.contents, 'write');
        const keyless = uses.some((s) => s.with?.sign === 'keyless');
        assert.equal(permissions['id-token'] === 'write', keyless, 'id-token: write exactly when signing keylessly');
        const comments = uses.some((s) => s.with?.command === 'pr-diff');
        assert.equal(permissions['pull-requests'] === 'write', comments, 'pull-requests: write exactly when pr-diff posts its comment');
        for (const [scope, level] of Object.entries(permissions))
          assert.ok(['contents', 'id-token', 'pull-requests', 'actions'].includes(scope), `unexpected permission ${scope}: ${level}`);
      });

      it('names the branch wherever it commits from a checkout of one commit (a detached HEAD cannot be pushed)', () => {
        for (const job of Object.values(workflow.jobs)) {
          const pinned = job.steps.some((s) => /^actions\/checkout@/.test(s.uses ?? '') && s.with?.ref !== undefined);
          for (const step of job.steps.filter(isInfracast))
            if (pinned && step.with?.publish === 'commit') assert.ok(step.with.branch, 'publish: commit after checking out a ref needs branch:');
        }
      });

      it('runs scheduled sweeps one at a time, off the top of the hour', () => {
        const schedule = workflow.on.schedule as { cron: string }[] | undefined;
        if (!schedule) return;
        assert.equal(workflow.concurrency?.['cancel-in-progress'], false);
        for (const { cron } of schedule) assert.doesNotMatch(cron, /^0 /, 'a sweep at minute 0 joins GitHub’s busiest minute');
      });
    });
  }
});
