/**
 * The action's run() through its seams (src/action/types.ts): a recording core, a pinned clock, and
 * publisher/deliverer stand-ins. No process, no runner: what the step would print, output and fail with.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { parseFailUnder } from '../../../src/action/inputs.js';
import { run } from '../../../src/action/run.js';
import type { ActionDeps, AnnotationPlace, DeliveryRequest, PublishRequest } from '../../../src/action/types.js';
import { makeWorkspace, MINIMAL_CONFIG } from '../../support/workspace.js';

interface Recorded {
  outputs: Record<string, string>;
  failed: string[];
  errors: { message: string; place?: AnnotationPlace }[];
  warnings: string[];
  info: string[];
  summary: string;
}

/** A core that records; `inputs` as the runner would give them (unset: ''). */
function fakeCore(inputs: Record<string, string>, faults: { setOutput?: boolean } = {}): { core: ActionDeps['core']; seen: Recorded } {
  const seen: Recorded = { outputs: {}, failed: [], errors: [], warnings: [], info: [], summary: '' };
  return {
    seen,
    core: {
      getInput: (name) => (inputs[name] ?? '').trim(),
      info: (m) => void seen.info.push(m),
      warning: (m) => void seen.warnings.push(m),
      error: (message, place) => void seen.errors.push({ message, ...(place ? { place } : {}) }),
      setOutput: (name, value) => {
        if (faults.setOutput) throw new Error('EACCES: GITHUB_OUTPUT is not writable');
        seen.outputs[name] = value;
      },
      setFailed: (m) => void seen.failed.push(m),
      appendSummary: (md) => {
        seen.summary += md;
        return Promise.resolve();
      },
    },
  };
}

const WORKSPACE = {
  'reports/weekly-gap.yaml': 'name: Weekly Gap\ntype: gap\nframework: nist-800-53\nformats: [md, json]\n',
  'schedules/weekly.yaml':
    'name: Weekly\nfrequency: weekly\nday: monday\ntime: "07:00"\ntimezone: America/New_York\ncatch_up: 6h\nreports: [weekly-gap]\nrecipients: [ciso@acme.com]\n',
};
const MONDAY = '2026-03-09T12:17:00Z';

async function runWith(
  inputs: Record<string, string>,
  extra: Partial<ActionDeps> & { env?: NodeJS.ProcessEnv; faults?: { setOutput?: boolean } } = {},
): Promise<Recorded> {
  const { core, seen } = fakeCore(inputs, extra.faults);
  await run({
    core,
    env: { ...extra.env },
    clock: () => new Date(MONDAY),
    ...(extra.publisher ? { publisher: extra.publisher } : {}),
    ...(extra.deliverer ? { deliverer: extra.deliverer } : {}),
  });
  return seen;
}

describe('action run()', () => {
  it('scheduled: renders what is due at the clock, hands the recorded artifacts to the publisher and the recipients to the deliverer', async () => {
    const root = makeWorkspace(WORKSPACE);
    const published: PublishRequest[] = [];
    const delivered: DeliveryRequest[] = [];
    const seen = await runWith(
      { command: 'scheduled', publish: 'commit', 'commit-message': 'reports', token: 'ghs_x' },
      {
        env: { GITHUB_WORKSPACE: root, GITHUB_REPOSITORY: 'acme/compliance' },
        publisher: {
          publish: (request) => {
            published.push(request);
            return Promise.resolve({ changed: true, published: request.artifacts, withheld: [], notes: ['committed abc123'] });
          },
        },
        deliverer: {
          deliver: (request) => {
            delivered.push(request);
            return Promise.resolve({ warnings: ['ciso@acme.com rejected: 550'], notes: [], withheld: [] });
          },
        },
      },
    );
    assert.deepEqual(seen.failed, []);
    assert.equal(published.length, 1);
    const request = published[0]!;
    assert.equal(request.mode, 'commit');
    assert.equal(request.at, MONDAY, 'the clock is the instant when no now input is given');
    assert.deepEqual(
      request.recorded.map((r) => [r.schedule, r.slot]),
      [['Weekly', '2026-03-09T11:00:00Z']],
    );
    assert.deepEqual(request.artifacts.map((a) => a.path).sort(), ['out/weekly-gap/weekly-gap.json', 'out/weekly-gap/weekly-gap.md']);
    assert.equal(request.commitMessage, 'reports');
    assert.equal(request.token, 'ghs_x');
    assert.equal(request.repository, 'acme/compliance');
    assert.deepEqual(delivered[0]?.recipients, { Weekly: ['ciso@acme.com'] });
    assert.ok(seen.warnings.includes('ciso@acme.com rejected: 550'), 'a rejected recipient is a warning, not a failure');
    assert.equal(seen.outputs.changed, 'true');
    assert.match(seen.summary, /committed abc123/);
  });

  it('the default publisher and deliverer: artifact names the files; delivery without mail settings fails the step with its sentence, after the outputs', async () => {
    const root = makeWorkspace(WORKSPACE);
    const folder = basename(root);
    const seen = await runWith(
      { command: 'scheduled', 'working-directory': folder, publish: 'artifact', now: MONDAY },
      { env: { GITHUB_WORKSPACE: dirname(root) } },
    );
    const artifacts = JSON.parse(seen.outputs.artifacts!) as { path: string }[];
    assert.deepEqual(artifacts.map((a) => a.path).sort(), [`${folder}/out/weekly-gap/weekly-gap.json`, `${folder}/out/weekly-gap/weekly-gap.md`]);
    assert.equal(seen.failed.length, 1);
    assert.match(seen.failed[0]!, /^delivery failed: no e-mail sent for Weekly: infracast\.yaml has no mail\.from/);
  });

  it('a failed publish skips delivery (its links would point at nothing) and fails the step with both sentences', async () => {
    const root = makeWorkspace(WORKSPACE);
    let delivered = 0;
    const seen = await runWith(
      { command: 'scheduled', publish: 'commit', now: MONDAY },
      {
        env: { GITHUB_WORKSPACE: root },
        publisher: { publish: () => Promise.reject(new Error('push refused: protected branch')) },
        deliverer: {
          deliver: () => {
            delivered++;
            return Promise.resolve({ warnings: [], notes: [], withheld: [] });
          },
        },
      },
    );
    assert.equal(delivered, 0);
    assert.deepEqual(seen.failed, [
      "push refused: protected branch\ndelivery skipped: publishing failed, so nothing was mailed or announced for this run's slots",
    ]);
  });

  it('publish: commit outside a git repository and release without GITHUB_REPOSITORY fail with a plain sentence; none fails nothing', async () => {
    const files = { 'reports/weekly-gap.yaml': WORKSPACE['reports/weekly-gap.yaml'] };
    const commit = await runWith({ command: 'render', publish: 'commit', now: MONDAY }, { env: { GITHUB_WORKSPACE: makeWorkspace(files) } });
    assert.match(commit.failed.join('\n'), /^git could not find the repository/);
    assert.equal(commit.outputs.changed, 'false');
    assert.equal(commit.outputs.index, 'out/index.json', 'the outputs are set before the step fails');
    const release = await runWith(
      { command: 'render', publish: 'release', 'release-tag': 'r1', token: 'ghs_x', now: MONDAY },
      { env: { GITHUB_WORKSPACE: makeWorkspace(files) } },
    );
    assert.match(release.failed.join('\n'), /^publish: release needs GITHUB_REPOSITORY/);
    const none = await runWith({ command: 'render', publish: 'none', now: MONDAY }, { env: { GITHUB_WORKSPACE: makeWorkspace(files) } });
    assert.deepEqual(none.failed, []);
    assert.equal(none.outputs.index, 'out/index.json');
  });

  it('publish: artifact withholds CUI files unless the workspace authorises release (an upload is gated as a release), and says so', async () => {
    const files = {
      'reports/open.yaml': 'name: Open\ntype: gap\nframework: nist-800-53\nformat: md\n',
      'reports/cui.yaml': 'name: Cui\ntype: gap\nframework: nist-800-53\nformat: md\noptions:\n  classification: CUI\n',
    };
    const gated = await runWith({ command: 'render', publish: 'artifact', now: MONDAY }, { env: { GITHUB_WORKSPACE: makeWorkspace(files) } });
    assert.deepEqual(
      (JSON.parse(gated.outputs.artifacts!) as { path: string }[]).map((a) => a.path),
      ['out/open/open.md'],
    );
    const withheld = 'out/cui/cui.md: CUI, withheld from the artifact upload (infracast.yaml cui.authorised_destinations does not list release)';
    assert.ok(gated.warnings.includes(withheld), gated.warnings.join('\n'));
    assert.match(gated.summary, /### Withheld\n\n- out\/cui\/cui\.md: CUI, withheld/);
    assert.deepEqual(gated.failed, []);
    const authorised = makeWorkspace({ ...files, 'infracast.yaml': `${MINIMAL_CONFIG}cui:\n  authorised_destinations: [release]\n` });
    const open = await runWith({ command: 'render', publish: 'artifact', now: MONDAY }, { env: { GITHUB_WORKSPACE: authorised } });
    assert.deepEqual((JSON.parse(open.outputs.artifacts!) as { path: string }[]).map((a) => a.path).sort(), ['out/cui/cui.md', 'out/open/open.md']);
  });

  it('sign: none renders a definition that asks for signing without a key; key (the workspace set-up) fails for want of one; keyless asks for Fulcio', async () => {
    const files = { 'reports/signed.yaml': 'name: Signed\ntype: gap\nframework: nist-800-53\nformat: md\noptions:\n  signed: true\n' };
    const none = await runWith({ command: 'render', sign: 'none', now: MONDAY }, { env: { GITHUB_WORKSPACE: makeWorkspace(files) } });
    assert.deepEqual(none.failed, []);
    const key = await runWith({ command: 'render', sign: 'key', now: MONDAY }, { env: { GITHUB_WORKSPACE: makeWorkspace(files) } });
    assert.match(key.failed.join('\n'), /no signing key is configured/);
    // keyless needs no key, but the workspace's network policy must allow Fulcio (no real Fulcio here).
    const keyless = await runWith({ command: 'render', sign: 'keyless', now: MONDAY }, { env: { GITHUB_WORKSPACE: makeWorkspace(files) } });
    assert.match(keyless.failed.join('\n'), /fulcio/i);
    assert.doesNotMatch(keyless.failed.join('\n'), /no signing key is configured/);
  });

  it('validate: annotations relative to GITHUB_WORKSPACE, warnings as warnings, a summary table, the step fails on errors', async () => {
    const root = makeWorkspace({ 'reports/broken.yaml': 'name: Broken\ntype: gap\nframework: nist-800-53\nformat: md\nfrobnicate: true\n' });
    const seen = await runWith({ command: 'validate' }, { env: { GITHUB_WORKSPACE: root } });
    assert.deepEqual(
      seen.errors.map((e) => e.place),
      [{ file: 'reports/broken.yaml', startLine: 5, startColumn: 1 }],
    );
    assert.match(seen.errors[0]!.message, /frobnicate/);
    assert.match(seen.summary, /\| error \| reports\/broken\.yaml \| 5 \| 1 \|/);
    assert.deepEqual(seen.failed, ['the workspace has 1 validation error(s); each is annotated on its line']);
  });

  it('scheduled on an invalid workspace annotates the problems instead of rendering', async () => {
    const root = makeWorkspace({ ...WORKSPACE, 'schedules/bad.yaml': 'name: Bad\ncron: "0 7 * * 1"\nfrequency: daily\nreports: [weekly-gap]\n' });
    const seen = await runWith({ command: 'scheduled', now: MONDAY }, { env: { GITHUB_WORKSPACE: root } });
    assert.ok(
      seen.errors.some((e) => e.place?.file === 'schedules/bad.yaml'),
      JSON.stringify(seen.errors),
    );
    assert.match(seen.failed[0]!, /validation error\(s\); nothing was rendered/);
    assert.equal(existsSync(join(root, 'out')), false);
  });

  it('never throws: a failing runner channel, a bad input, a missing workspace all end as setFailed with a plain message', async () => {
    const root = makeWorkspace(WORKSPACE);
    const broken = await runWith({ command: 'validate' }, { env: { GITHUB_WORKSPACE: root }, faults: { setOutput: true } });
    assert.deepEqual(broken.failed, ['EACCES: GITHUB_OUTPUT is not writable']);
    const unknown = await runWith({ command: 'deploy' }, { env: { GITHUB_WORKSPACE: root } });
    assert.match(unknown.failed[0]!, /^input command: "deploy" is not one of scheduled, render, validate, plan, merge, pr-diff\nhint: /);
    const missing = await runWith({ 'working-directory': 'nowhere' }, { env: { GITHUB_WORKSPACE: root } });
    assert.match(missing.failed[0]!, /^input working-directory: nowhere is not a folder of the checkout/);
    const now = await runWith({ now: 'last tuesday' }, { env: { GITHUB_WORKSPACE: root } });
    assert.match(now.failed[0]!, /^input now: "last tuesday" is not a date/);
    for (const seen of [broken, unknown, missing, now]) assert.doesNotMatch(seen.failed.join('\n'), /\n\s+at /);
  });

  it('an input the command does not use is a warning (a fail-under on validate would otherwise look like a passing gate)', async () => {
    const root = makeWorkspace(WORKSPACE);
    const seen = await runWith(
      { command: 'validate', 'fail-under': 'nist-800-53:90', definitions: 'reports/*.yaml', 'fail-on': 'score-lowered' },
      { env: { GITHUB_WORKSPACE: root } },
    );
    assert.deepEqual(
      seen.warnings.filter((w) => w.startsWith('input ')),
      [
        'input definitions is ignored by command: validate (it applies to render)',
        'input fail-under is ignored by command: validate (it applies to scheduled and render)',
        'input fail-on is ignored by command: validate (it applies to pr-diff)',
      ],
    );
    assert.deepEqual(seen.failed, []);
  });

  it('fail-under: parsed per framework; a malformed entry is refused with the entry quoted', () => {
    assert.deepEqual(parseFailUnder('nist-800-171:88, NIST-800-53:75.5'), [
      { framework: 'nist-800-171', threshold: 88 },
      { framework: 'nist-800-53', threshold: 75.5 },
    ]);
    assert.deepEqual(parseFailUnder(' '), []);
    assert.throws(() => parseFailUnder('nist-800-171:88,soc2'), /input fail-under: "soc2" is not framework:threshold/);
    assert.throws(() => parseFailUnder('nist-800-171:high'), /"nist-800-171:high"/);
  });
});
