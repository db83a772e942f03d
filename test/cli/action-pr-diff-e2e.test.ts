/**
 * The action's pull-request commands end to end (issue 17): a bundle of this working tree's action
 * (run() and the real runner core, a stand-in comparison behind the Differ seam whose size and
 * numbers each test sets: test/support/stand-in-differ.ts; the real one runs in
 * action-pr-diff-acme.test.ts) spawned as the runner spawns it, with a pull_request event
 * payload (GITHUB_EVENT_PATH), in a shallow clone of the pull request's merge commit from a local bare
 * repository with a base and a head branch, and GITHUB_API_URL at a loopback stand-in of the comment
 * routes. What a pull request sees: one comment, created then edited; nothing for a fork; a diff over
 * the cap as a summary with the full file; fail-on after the comment; annotations relative to the
 * repository's root.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { bundleActionFrom, runAction, TEST_TOKEN } from '../support/action.js';
import type { ActionRun } from '../support/action.js';
import { git } from '../support/git.js';
import { repoRoot } from '../support/paths.js';
import { pullRequestStandIn } from '../support/pr-comments.js';
import { MINIMAL_CONFIG } from '../support/workspace.js';

const MARKER = '<!-- infracast:diff compliance -->';
const NUMBER = 7;
const BASE_FILES = {
  'compliance/infracast.yaml': MINIMAL_CONFIG,
  'compliance/reports/weekly-gap.yaml': 'name: Weekly Gap\ntype: gap\nframework: nist-800-53\nformats: [md, json]\n',
  'compliance/stand-in-scores.json': '{"nist-800-171": {"score": 80, "sprs": 87}}\n',
  'README.md': '# acme compliance\n',
};

let bundle: string;

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

interface PullRequestRepo {
  seed: string;
  origin: string;
  base: string;
  head: string;
  /** refs/pull/N/merge, as GitHub prepares it for a pull_request event. */
  merge: string;
}

/** A seed repository (main = the base, feature = the head with `changes`), its bare origin, the merge commit. */
function pullRequestRepository(changes: Record<string, string>): PullRequestRepo {
  const root = mkdtempSync(join(tmpdir(), 'infracast-pr-repo-'));
  const seed = join(root, 'seed');
  writeFiles(seed, BASE_FILES);
  git(seed, ['init', '-q']);
  git(seed, ['add', '-A']);
  git(seed, ['commit', '-q', '-m', 'base'], '2026-01-05T09:00:00Z');
  const origin = join(root, 'origin.git');
  git(root, ['init', '-q', '--bare', origin]);
  git(seed, ['remote', 'add', 'origin', origin]);
  git(seed, ['push', '-q', 'origin', 'main']);
  return { seed, origin, ...pushHead(seed, changes, 'head', '2026-01-06T09:00:00Z') };
}

/** Commits `changes` on feature, remakes the merge commit into main, pushes both (a push to the pull request). */
function pushHead(seed: string, changes: Record<string, string>, message: string, date: string): Omit<PullRequestRepo, 'seed' | 'origin'> {
  const branches = git(seed, ['branch', '--list', 'feature']).trim();
  git(seed, ['checkout', '-q', ...(branches ? ['feature'] : ['-b', 'feature'])]);
  writeFiles(seed, changes);
  git(seed, ['add', '-A']);
  git(seed, ['commit', '-q', '-m', message], date);
  const head = git(seed, ['rev-parse', 'HEAD']).trim();
  git(seed, ['checkout', '-q', '-B', 'pull-merge', 'main']);
  git(seed, ['merge', '-q', '--no-ff', '-m', `Merge ${head} into main`, 'feature'], date);
  const merge = git(seed, ['rev-parse', 'HEAD']).trim();
  git(seed, ['checkout', '-q', 'main']);
  git(seed, ['push', '-q', '-f', 'origin', 'main', 'feature', 'pull-merge']);
  return { base: git(seed, ['rev-parse', 'main']).trim(), head, merge };
}

/** The clone actions/checkout leaves: the merge commit, depth 1 unless fetch-depth: 0. */
function checkout(repo: PullRequestRepo, depth: 'shallow' | 'full', into?: string): string {
  const dir = into ?? join(mkdtempSync(join(tmpdir(), 'infracast-pr-checkout-')), 'repo');
  git(dirname(dir), ['clone', '-q', ...(depth === 'shallow' ? ['--depth=1'] : []), '--branch', 'pull-merge', `file://${repo.origin}`, dir]);
  return dir;
}

/** The event payload the runner writes for a pull request; `fork` names the head's repository. */
function eventFile(repo: Pick<PullRequestRepo, 'base' | 'head'>, headRepository = 'acme/compliance'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'infracast-pr-event-')), 'event.json');
  writeFileSync(
    file,
    JSON.stringify({
      action: 'synchronize',
      number: NUMBER,
      pull_request: {
        number: NUMBER,
        base: { ref: 'main', sha: repo.base, repo: { full_name: 'acme/compliance' } },
        head: { ref: 'feature', sha: repo.head, repo: { full_name: headRepository } },
      },
    }),
  );
  return file;
}

function assertNoStack(run: ActionRun): void {
  assert.doesNotMatch(run.stdout + run.stderr, /\n\s+at .+:\d+:\d+/, run.stdout + run.stderr);
}

describe('the action on a pull request (bundle of this tree, stand-in comparison)', () => {
  // One stand-in per test (each test is its own pull request's history of comments).
  let api: Awaited<ReturnType<typeof pullRequestStandIn>>;
  const apis: (typeof api)[] = [];
  before(() => {
    bundle = bundleActionFrom(join(repoRoot, 'dist', 'test', 'support', 'action-stand-in-main.js'));
  });
  beforeEach(async () => {
    api = await pullRequestStandIn({ token: TEST_TOKEN, repository: 'acme/compliance', number: NUMBER });
    apis.push(api);
  });
  after(() => Promise.all(apis.map((a) => a.close())));

  const prDiff = (workspace: string, event: string, inputs: Record<string, string> = {}, eventName = 'pull_request'): Promise<ActionRun> =>
    runAction(
      { command: 'pr-diff', 'working-directory': 'compliance', now: '2026-03-09T12:17:00Z', ...inputs },
      { workspace, apiUrl: api.url, bundle, env: { GITHUB_EVENT_NAME: eventName, GITHUB_EVENT_PATH: event, GITHUB_RUN_ID: '4242' } },
    );

  it('a shallow checkout: fetches the base commit (and says why), creates one comment; a new push edits that comment, found past the first page', async () => {
    // Someone's earlier comments fill more than one page of the list.
    for (let i = 0; i < 120; i++) api.add(`review note ${i}`, { login: 'reviewer', type: 'User' });
    const repo = pullRequestRepository({ 'compliance/reports/weekly-gap.yaml': 'name: Weekly Gap\ntype: gap\nframework: nist-800-53\nformats: [md]\n' });
    const shallow = checkout(repo, 'shallow');
    assert.throws(() => git(shallow, ['cat-file', '-e', `${repo.base}^{commit}`]), 'the shallow clone lacks the base commit');

    const first = await prDiff(shallow, eventFile(repo));
    assert.equal(first.status, 0, first.stdout + first.stderr);
    assert.match(
      first.stdout,
      new RegExp(`base commit of pull request #7 \\(main\\) ${repo.base.slice(0, 12)} is not in the clone .*fetching it from origin\\. fetch-depth: 0`),
    );
    const posts = api.requests.filter((r) => r.method === 'POST');
    assert.equal(posts.length, 1);
    assert.equal(posts[0]!.authorization, `Bearer ${TEST_TOKEN}`);
    const ours = api.comments.filter((c) => c.body.includes(MARKER));
    assert.equal(ours.length, 1);
    assert.match(ours[0]!.body, /1 file\(s\) changed: compliance\/reports\/weekly-gap\.yaml/);
    assert.match(ours[0]!.body, /^-formats: \[md, json\]$/m);
    assert.equal(first.outputs['comment-url'], ours[0]!.html_url);
    assert.equal(first.outputs['diff-file'], '');
    assert.equal(first.outputs.changed, 'true');
    assert.match(first.summary, /## Infracast compliance diff: pull request #7/);
    assert.match(first.summary, new RegExp(`comment ${ours[0]!.id} created on pull request #7`));
    assertNoStack(first);

    const next = pushHead(
      repo.seed,
      { 'compliance/reports/weekly-gap.yaml': 'name: Weekly Gap\ntype: gap\nframework: nist-800-53\nformats: [json]\n' },
      'json only',
      '2026-01-07T09:00:00Z',
    );
    const full = checkout({ ...repo, ...next }, 'full');
    const requestsBefore = api.requests.length;
    const second = await prDiff(full, eventFile(next));
    assert.equal(second.status, 0, second.stdout + second.stderr);
    assert.doesNotMatch(second.stdout, /is not in the clone/, 'fetch-depth: 0 has the base: nothing fetched');
    const sent = api.requests.slice(requestsBefore);
    assert.deepEqual(
      sent.map((r) => `${r.method} ${r.url}`),
      [
        'GET /repos/acme/compliance/issues/7/comments?per_page=100&page=1',
        'GET /repos/acme/compliance/issues/7/comments?per_page=100&page=2',
        `PATCH /repos/acme/compliance/issues/comments/${ours[0]!.id}`,
      ],
    );
    assert.equal(api.comments.filter((c) => c.body.includes(MARKER)).length, 1, 'still one comment');
    assert.match(api.comments.find((c) => c.id === ours[0]!.id)!.body, /^\+formats: \[json\]$/m);
    assert.match(second.summary, new RegExp(`comment ${ours[0]!.id} updated`));
  });

  it('a fork (pull_request): the diff is computed and summarised, nothing is posted, one log line says why', async () => {
    const repo = pullRequestRepository({ 'compliance/reports/weekly-gap.yaml': 'name: Weekly Gap\ntype: gap\nframework: nist-800-53\nformats: [md]\n' });
    const run = await prDiff(checkout(repo, 'shallow'), eventFile(repo, 'mallory/compliance'));
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(api.requests.length, 0, 'no request to the API at all');
    assert.equal(run.stdout.match(/comes from a fork/g)?.length, 1, run.stdout);
    assert.match(run.stdout, /pull request #7 comes from a fork \(mallory\/compliance\): its pull_request token is read-only, so no comment is posted/);
    assert.match(run.summary, /1 file\(s\) changed: compliance\/reports\/weekly-gap\.yaml/);
    assert.equal(run.outputs['comment-url'], '');
  });

  it('a fork under pull_request_target: refused before anything of the fork is fetched or read', async () => {
    const repo = pullRequestRepository({ 'compliance/reports/weekly-gap.yaml': 'name: Weekly Gap\ntype: gap\nframework: nist-800-53\nformats: [md]\n' });
    const shallow = checkout(repo, 'shallow');
    const run = await prDiff(shallow, eventFile(repo, 'mallory/compliance'), {}, 'pull_request_target');
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^::error::command: pr-diff refuses pull request #7 under pull_request_target: its head is in mallory\/compliance/m);
    assert.equal(api.requests.length, 0);
    assert.doesNotMatch(run.stdout, /fetching it/);
    assert.throws(() => git(shallow, ['cat-file', '-e', `${repo.head}^{commit}`]), 'the head was never fetched');
    assertNoStack(run);
  });

  it('pull_request_target, head in the same repository: the checkout is the base, the head commit is fetched and compared', async () => {
    const repo = pullRequestRepository({ 'compliance/reports/weekly-gap.yaml': 'name: Weekly Gap\ntype: gap\nframework: nist-800-53\nformats: [md]\n' });
    const base = join(mkdtempSync(join(tmpdir(), 'infracast-pr-checkout-')), 'repo');
    git(dirname(base), ['clone', '-q', '--depth=1', '--branch', 'main', `file://${repo.origin}`, base]);
    const run = await prDiff(base, eventFile(repo), {}, 'pull_request_target');
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`head commit of pull request #7 ${repo.head.slice(0, 12)} is not in the clone`));
    assert.doesNotMatch(run.stdout, /base commit of pull request #7 .* is not in the clone/);
    assert.match(api.comments[0]!.body, /^-formats: \[md, json\]$/m);
    assert.match(run.summary, new RegExp(`compared with \`${repo.head.slice(0, 12)}\``));
  });

  it('a diff over the 65,536-character cap: the comment is the summary and says where the full diff is; diff-file holds it', async () => {
    const big = Array.from({ length: 3000 }, (_, i) => `- AC-${i}: the system enforces approved authorizations for logical access.`).join('\n');
    const repo = pullRequestRepository({ 'compliance/controls/ac.md': `# Access control\n\n${big}\n` });
    const run = await prDiff(checkout(repo, 'full'), eventFile(repo));
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(api.comments.length, 1);
    const comment = api.comments[0]!;
    assert.ok(comment.body.length <= 65_536, `${comment.body.length} characters`);
    assert.match(comment.body, /1 file\(s\) changed: compliance\/controls\/ac\.md/);
    assert.doesNotMatch(comment.body, /AC-2999/);
    assert.match(
      comment.body,
      /The full diff \(\d+ characters\) is longer than a comment may be \(65536\): it is attached to \[the workflow run\]\(https:\/\/github\.com\/acme\/compliance\/actions\/runs\/4242\) as an artifact/,
    );
    const file = run.outputs['diff-file']!;
    assert.ok(existsSync(file), file);
    const full = readFileSync(file, 'utf8');
    assert.ok(full.length > 65_536, `${full.length}`);
    assert.match(full, /^\+- AC-2999: /m);
  });

  it('fail-on score-lowered: the comment is posted first, then the check fails naming the drop', async () => {
    const repo = pullRequestRepository({ 'compliance/stand-in-scores.json': '{"nist-800-171": {"score": 78, "sprs": 84}}\n' });
    const run = await prDiff(checkout(repo, 'full'), eventFile(repo), { 'fail-on': 'score-lowered, high-poam' });
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.deepEqual(
      api.requests.map((r) => r.method),
      ['GET', 'POST'],
    );
    assert.match(api.comments[0]!.body, /stand-in-scores\.json/);
    assert.ok(run.stdout.indexOf('comment 1000 created') < run.stdout.indexOf('::error::fail-on'), 'posted before the failure');
    assert.match(run.stdout, /^::error::fail-on score-lowered: this pull request lowers nist-800-171 SPRS 87 -> 84$/m);
    assert.match(run.summary, /\*\*Failed\*\*: fail-on score-lowered/);
    assertNoStack(run);
  });

  it('an unknown fail-on condition stops the step with the allowed list', async () => {
    const repo = pullRequestRepository({ 'README.md': '# changed\n' });
    const run = await prDiff(checkout(repo, 'full'), eventFile(repo), { 'fail-on': 'score-drop' });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^::error::input fail-on: "score-drop" is not one of score-lowered, high-poam, cmmc-eligibility/m);
    assertNoStack(run);
  });

  it('validate with the clone in a sub-folder of GITHUB_WORKSPACE (actions/checkout path:): annotations relative to the repository root, listed in the summary', async () => {
    const repo = pullRequestRepository({
      'compliance/reports/broken.yaml': 'name: Broken\ntype: gap\nframework: nist-800-53\nformats: [md]\nfrobnicate: true\n',
    });
    const workspace = mkdtempSync(join(tmpdir(), 'infracast-pr-workspace-'));
    checkout(repo, 'shallow', join(workspace, 'repo'));
    const run = await runAction({ command: 'validate', 'working-directory': 'repo/compliance' }, { workspace, apiUrl: api.url, bundle });
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^::error file=compliance\/reports\/broken\.yaml,line=5,col=1::.*frobnicate/m);
    assert.match(run.summary, /## Infracast validate: compliance\n/);
    assert.match(run.summary, /\| error \| compliance\/reports\/broken\.yaml \| 5 \| 1 \|/);
  });
});
