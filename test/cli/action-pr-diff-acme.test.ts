/**
 * command: pr-diff with the real comparison (src/app/diff) on a copy of examples/acme: the bundle
 * of this tree's src/action/main.ts, spawned as the runner does, on a shallow clone of a pull
 * request whose head edits a control statement and a mapping (the SPRS score drops). The comment
 * it posts is what `infracast diff` prints locally for the same commits (the promise),
 * and fail-on score-lowered fails the check after posting it.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundleActionFrom, runAction, TEST_TOKEN } from '../support/action.js';
import { runCli } from '../support/cli.js';
import { commitAll, git, initRepository } from '../support/git.js';
import { examplesDir, repoRoot } from '../support/paths.js';
import { pullRequestStandIn } from '../support/pr-comments.js';
import { committedPart } from '../support/workspace.js';

const AT = '2026-12-01T00:00:00Z';
const acme = join(examplesDir, 'acme');

/** Replaces the one occurrence of `from` in the file. */
function replaceOnce(path: string, from: string, to: string): void {
  const text = readFileSync(path, 'utf8');
  assert.equal(text.split(from).length, 2, `${path}: '${from}' once`);
  writeFileSync(path, text.replace(from, to));
}

describe('command: pr-diff with the real comparison, on examples/acme', () => {
  let api: Awaited<ReturnType<typeof pullRequestStandIn>>;
  before(async () => {
    api = await pullRequestStandIn({ token: TEST_TOKEN, repository: 'acme/compliance', number: 12 });
  });
  after(() => api.close());

  it('posts what infracast diff prints for the same commits, then fails on the lowered SPRS score', async () => {
    const seed = mkdtempSync(join(tmpdir(), 'infracast-pr-acme-'));
    cpSync(acme, join(seed, 'acme'), { recursive: true, filter: committedPart(acme) });
    initRepository(seed, '2026-11-30T12:00:00Z');
    const base = git(seed, ['rev-parse', 'HEAD']).trim();
    replaceOnce(
      join(seed, 'acme', 'controls', 'access-control.yaml'),
      'has a named owner who approves membership.',
      'has a named owner, named in the group description, who approves membership.',
    );
    replaceOnce(
      join(seed, 'acme', 'mappings', 'acme-scanners.yaml'),
      'nist-800-171: [3.11.3, 3.14.1]\n    sufficient: false',
      'nist-800-171: [3.11.2, 3.11.3, 3.14.1]\n    sufficient: false',
    );
    commitAll(seed, '2026-11-30T12:00:00Z', 'head');
    const head = git(seed, ['rev-parse', 'HEAD']).trim();
    const checkout = join(mkdtempSync(join(tmpdir(), 'infracast-pr-acme-checkout-')), 'repo');
    git(seed, ['clone', '-q', '--depth=1', `file://${seed}`, checkout]);
    const event = join(mkdtempSync(join(tmpdir(), 'infracast-pr-acme-event-')), 'event.json');
    writeFileSync(
      event,
      JSON.stringify({
        pull_request: {
          number: 12,
          base: { ref: 'main', sha: base, repo: { full_name: 'acme/compliance' } },
          head: { ref: 'feature', sha: head, repo: { full_name: 'acme/compliance' } },
        },
      }),
    );
    const run = await runAction(
      { command: 'pr-diff', 'working-directory': 'acme', now: AT, 'fail-on': 'score-lowered' },
      {
        workspace: checkout,
        apiUrl: api.url,
        bundle: bundleActionFrom(join(repoRoot, 'dist', 'src', 'action', 'main.js')),
        env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event },
      },
    );
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /is not in the clone .*fetching it from origin/);
    assert.match(run.stdout, /^::error::fail-on score-lowered: this pull request lowers nist-800-171 SPRS 80 -> 75/m);
    assert.equal(api.comments.length, 1);
    const comment = api.comments[0]!.body;
    // Acme is CUI and its infracast.yaml does not authorise comments: the comparison's figures-only Markdown.
    assert.ok(!comment.includes('named in the group description'));
    assert.match(run.stdout, /::warning::The workspace is classified CUI/);

    const local = runCli(['diff', '--base', base, '--head', head, '-w', 'acme', '--at', AT], { cwd: seed });
    assert.equal(local.status, 0, local.stderr);
    assert.equal(comment, local.stdout.replace('<!-- infracast:diff -->', '<!-- infracast:diff acme -->'));
  });
});
