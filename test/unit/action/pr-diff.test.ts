/**
 * The pull-request parts of the action (issue 17) without a process: the event and fork rules,
 * fail-on, the comment body under the cap and for CUI, the sticky-comment upsert over a fake fetch,
 * the base-commit fetch on a real shallow clone, and run() with command: pr-diff through its seams.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PrComparison } from '../../../src/action/differ.js';
import { failOnFailures, parseFailOn } from '../../../src/action/fail-on.js';
import { commentBody, commentMarker, NOTE_RESERVE } from '../../../src/action/pr-comment-body.js';
import { cuiDecision } from '../../../src/action/pr-diff.js';
import { commentSkipped, pullRequestOf, refusal } from '../../../src/action/pr-event.js';
import { run } from '../../../src/action/run.js';
import type { ActionDeps } from '../../../src/action/types.js';
import { ensureCommit } from '../../../src/app/ensure-commit.js';
import { COMMENT_MAX_CHARS, findSticky, upsertComment } from '../../../src/app/publishing/pr-comment.js';
import type { IssueComment } from '../../../src/app/publishing/pr-comment.js';
import { isInfracastError } from '../../../src/errors.js';
import { git } from '../../support/git.js';
import { makeWorkspace } from '../../support/workspace.js';

const BASE = 'a'.repeat(40);
const HEAD = 'b'.repeat(40);

function payload(headRepo: string | null, extra: Record<string, unknown> = {}) {
  return {
    pull_request: {
      number: 7,
      base: { ref: 'main', sha: BASE, repo: { full_name: 'acme/compliance' } },
      head: { ref: 'feature', sha: HEAD, repo: headRepo === null ? null : { full_name: headRepo } },
      ...extra,
    },
  };
}

describe('the pull-request event', () => {
  it('same repository: not a fork; pull_request and pull_request_target both proceed and comment', () => {
    for (const event of ['pull_request', 'pull_request_target']) {
      const pr = pullRequestOf(event, payload('acme/compliance'));
      assert.deepEqual(
        { ...pr },
        {
          event,
          number: 7,
          baseSha: BASE,
          baseRef: 'main',
          headSha: HEAD,
          headRef: 'feature',
          baseRepository: 'acme/compliance',
          headRepository: 'acme/compliance',
          fromFork: false,
        },
      );
      assert.equal(refusal(pr), undefined);
      assert.equal(commentSkipped(pr), undefined);
    }
    // GitHub's names are case-insensitive.
    assert.equal(pullRequestOf('pull_request', payload('ACME/Compliance')).fromFork, false);
  });

  it('a fork: pull_request computes and skips the comment; pull_request_target refuses; a deleted fork (head.repo null) is a fork', () => {
    const fork = pullRequestOf('pull_request', payload('mallory/compliance'));
    assert.equal(fork.fromFork, true);
    assert.equal(refusal(fork), undefined);
    assert.match(commentSkipped(fork)!, /comes from a fork \(mallory\/compliance\): its pull_request token is read-only, so no comment is posted/);
    const target = pullRequestOf('pull_request_target', payload('mallory/compliance'));
    assert.match(refusal(target)!, /refuses pull request #7 under pull_request_target: its head is in mallory\/compliance, not acme\/compliance/);
    const deleted = pullRequestOf('pull_request_target', payload(null));
    assert.equal(deleted.fromFork, true);
    assert.match(refusal(deleted)!, /its head is in a deleted fork/);
  });

  it('another event, or a payload without its pull request, is refused with what to do', () => {
    assert.throws(() => pullRequestOf('push', payload('acme/compliance')), /runs on a pull_request or pull_request_target event; this run's event is "push"/);
    assert.throws(() => pullRequestOf(undefined, payload('acme/compliance')), /GITHUB_EVENT_NAME is unset/);
    assert.throws(() => pullRequestOf('pull_request', {}), /no pull_request with base and head/);
    assert.throws(() => pullRequestOf('pull_request', payload('acme/compliance', { number: '7' })), /no pull_request\.number/);
  });
});

/** A comparison with these numbers and a Markdown of `size` characters. */
function comparison(numbers: Partial<PrComparison> = {}, size = 200): PrComparison {
  return {
    frameworks: [],
    controls_changed: 0,
    poam_opening: [],
    poam_closing: 0,
    statements_changed: 0,
    new_warnings: 0,
    cui: false,
    comment_authorised: false,
    markdown: ({ maxChars, marker }) => {
      const full = `${marker}\n## diff\n\nAC-2 statement: the secret text.\n${'x'.repeat(size)}\n`;
      return full.length <= maxChars ? { body: full, truncated: false, full } : { body: `${marker}\n## diff (summary)\n`, truncated: true, full };
    },
    ...numbers,
  };
}

describe('fail-on', () => {
  it('parses the three conditions, refuses anything else naming it', () => {
    assert.deepEqual(parseFailOn(' score-lowered ,high-poam,score-lowered'), ['score-lowered', 'high-poam']);
    assert.deepEqual(parseFailOn(''), []);
    assert.throws(() => parseFailOn('score-lowered, sprs'), /input fail-on: "sprs" is not one of score-lowered, high-poam, cmmc-eligibility/);
  });

  it('each condition met is one sentence naming what happened; unmet or unasked conditions say nothing', () => {
    const diff = comparison({
      frameworks: [
        { framework: 'nist-800-171', before: 80, after: 78, sprs_before: 87, sprs_after: 84 },
        { framework: 'nist-800-53', before: 61.2, after: 60 },
        { framework: 'fedramp-moderate', before: 50, after: 55 },
        { framework: 'iso-27001', before: 40, after: null },
      ],
      poam_opening: [
        { control: 'AC-2', risk: 'High', deadline: '2026-04-08' },
        { control: 'AU-6', risk: 'Low' },
        { control: 'SC-7', risk: 'critical' },
      ],
      cmmc: { before: 'Conditional Level 2', after: 'Not eligible', eligible_before: true, eligible_after: false },
    });
    assert.deepEqual(failOnFailures(['score-lowered', 'high-poam', 'cmmc-eligibility'], diff), [
      'fail-on score-lowered: this pull request lowers nist-800-171 SPRS 87 -> 84; nist-800-53 61.2% -> 60%; iso-27001 40% -> n/a',
      'fail-on high-poam: this pull request would open 2 High or Critical POA&M item(s): AC-2 (High, due 2026-04-08), SC-7 (critical)',
      'fail-on cmmc-eligibility: this pull request loses CMMC eligibility (Conditional Level 2 -> Not eligible)',
    ]);
    assert.deepEqual(failOnFailures([], diff), []);
    const better = comparison({
      frameworks: [{ framework: 'nist-800-171', before: 78, after: 80, sprs_before: 84, sprs_after: 87 }],
      poam_opening: [{ control: 'AU-6', risk: 'Moderate' }],
      cmmc: { before: 'Not eligible', after: 'Conditional Level 2', eligible_before: false, eligible_after: true },
    });
    assert.deepEqual(failOnFailures(['score-lowered', 'high-poam', 'cmmc-eligibility'], better), []);
  });
});

describe('the comment body', () => {
  const marker = commentMarker('compliance');

  it('markers: one per workspace folder, never ending the HTML comment early', () => {
    assert.equal(commentMarker('.'), '<!-- infracast:diff -->');
    assert.equal(marker, '<!-- infracast:diff compliance -->');
    assert.equal(commentMarker('a--b/c---d'), '<!-- infracast:diff a- -b/c- - -d -->');
  });

  it('within the cap: the diff as is', () => {
    const body = commentBody(comparison(), { marker });
    assert.equal(body.truncated, false);
    assert.match(body.body, /AC-2 statement/);
  });

  it('over the cap: the summary, a line pointing at the run, and the full diff for the file; the body fits', () => {
    const body = commentBody(comparison({}, COMMENT_MAX_CHARS), { marker, runUrl: 'https://github.com/acme/compliance/actions/runs/9' });
    assert.equal(body.truncated, true);
    assert.ok(body.body.length <= COMMENT_MAX_CHARS);
    assert.ok(body.body.startsWith(`${marker}\n## diff (summary)\n`));
    assert.match(
      body.body,
      /is longer than a comment may be \(65536\): it is attached to \[the workflow run\]\(https:\/\/github\.com\/acme\/compliance\/actions\/runs\/9\)/,
    );
    assert.ok(body.full!.length > COMMENT_MAX_CHARS);
  });

  it('a differ that overshoots its budget (or drops the marker) still yields a body that fits: the numbers', () => {
    const overshoot: PrComparison = {
      ...comparison({ frameworks: [{ framework: 'nist-800-171', before: 80, after: 80, sprs_before: 87, sprs_after: 87 }] }),
      markdown: ({ marker: m }) => ({ body: `${m}\n${'y'.repeat(COMMENT_MAX_CHARS)}`, truncated: false, full: 'the full diff' }),
    };
    const body = commentBody(overshoot, { marker });
    assert.equal(body.truncated, true);
    assert.ok(body.body.length <= COMMENT_MAX_CHARS - NOTE_RESERVE + 1024);
    assert.match(body.body, /\| nist-800-171 \| 80% \| 80% \| 87 \| 87 \|/);
    assert.equal(body.full, 'the full diff');
  });

  it('CUI not authorised for comments: the numbers only, never the diff text', () => {
    const email = { raw: { cui: { authorised_destinations: ['email'] } } };
    const withheld = cuiDecision({ cui: false, comment_authorised: false }, true, email).withheld;
    assert.match(withheld!, /classified CUI and infracast\.yaml cui\.authorised_destinations does not list comment/);
    const body = commentBody(comparison({ cui: true, controls_changed: 3, poam_opening: [{ control: 'AC-2', risk: 'High' }] }, COMMENT_MAX_CHARS * 2), {
      marker,
      cuiWithheld: withheld!,
    });
    assert.equal(body.truncated, false);
    assert.doesNotMatch(body.body, /AC-2/);
    assert.match(body.body, /Controls whose status changes: 3/);
    assert.match(body.body, /POA&M items that would open: 1; close: 0/);
  });

  it('the CUI gate is checked twice: text goes out only when the comparison and the action both allow it', () => {
    const comment = { raw: { cui: { authorised_destinations: ['comment'] } } };
    const email = { raw: { cui: { authorised_destinations: ['email'] } } };
    // Not CUI anywhere: text.
    assert.deepEqual(cuiDecision({ cui: false, comment_authorised: false }, false, email), { byComparison: false });
    // CUI, authorised on both sides and in the checkout: text.
    assert.deepEqual(cuiDecision({ cui: true, comment_authorised: true }, true, comment), { byComparison: false });
    // The comparison withheld the text itself: its own CUI Markdown.
    assert.equal(cuiDecision({ cui: true, comment_authorised: false }, true, comment).byComparison, true);
    // The comparison missed the classification, the checkout's workspace has it: numbers only.
    const missed = cuiDecision({ cui: false, comment_authorised: false }, true, email);
    assert.equal(missed.byComparison, false);
    assert.match(missed.withheld!, /does not list comment/);
    // The comparison says authorised, the checkout's config does not: numbers only.
    assert.equal(cuiDecision({ cui: true, comment_authorised: true }, false, email).byComparison, false);
    assert.ok(cuiDecision({ cui: true, comment_authorised: true }, false, email).withheld);
    // No readable config: withheld.
    assert.ok(cuiDecision({ cui: true, comment_authorised: true }, true, undefined).withheld);
  });
});

/** A fake GitHub: the pull request's comments, a fetch answering list/create/edit, the requests it saw. */
function fakeGitHub(initial: IssueComment[]) {
  const comments = initial.map((c) => ({ ...c }));
  const seen: string[] = [];
  let next = 5000;
  const fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    seen.push(`${method} ${url.pathname}${url.search}`);
    const json = (status: number, value: unknown) =>
      Promise.resolve(new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } }));
    if (method === 'GET') {
      const page = Number(url.searchParams.get('page'));
      return json(200, comments.slice((page - 1) * 100, page * 100));
    }
    const body = (JSON.parse(String(init?.body)) as { body: string }).body;
    if (method === 'POST') {
      const created = { id: next++, body, user: { login: 'github-actions[bot]', type: 'Bot' }, html_url: `https://github.invalid/c/${next - 1}` };
      comments.push(created);
      return json(201, created);
    }
    const comment = comments.find((c) => url.pathname.endsWith(`/comments/${c.id}`))!;
    if (comment.user?.type !== 'Bot') return json(403, { message: 'Resource not accessible by integration' });
    comment.body = body;
    return json(200, comment);
  };
  return { comments, seen, fetch: fetch as typeof globalThis.fetch };
}

describe('the sticky comment', () => {
  const marker = '<!-- infracast:diff -->';
  const user = (i: number): IssueComment => ({ id: i, body: `looks good ${i}`, user: { login: 'alice', type: 'User' } });
  const options = (fetch: typeof globalThis.fetch, body: string) => ({
    apiUrl: 'https://api.github.invalid/',
    token: 'ghs_secretToken123',
    repository: 'acme/compliance',
    number: 7,
    marker,
    body,
    fetch,
  });

  it('findSticky: the marker on a line of its own; a bot comment before a person quoting it', () => {
    const inline: IssueComment = { id: 1, body: `see ${marker} above`, user: { type: 'Bot' } };
    const quoted: IssueComment = { id: 2, body: `${marker}\nmine`, user: { login: 'alice', type: 'User' } };
    const bot: IssueComment = { id: 3, body: `${marker}\r\nthe diff`, user: { login: 'github-actions[bot]', type: 'Bot' } };
    assert.equal(findSticky([inline, quoted, bot], marker), bot);
    assert.equal(findSticky([inline, quoted], marker), quoted);
    assert.equal(findSticky([inline, { id: 4, body: null }], marker), undefined);
  });

  it('none yet: every page is read, then one POST', async () => {
    const gh = fakeGitHub(Array.from({ length: 100 }, (_, i) => user(i + 1)));
    const result = await upsertComment(options(gh.fetch, `${marker}\nthe diff`));
    assert.equal(result.action, 'created');
    assert.deepEqual(gh.seen, [
      'GET /repos/acme/compliance/issues/7/comments?per_page=100&page=1',
      'GET /repos/acme/compliance/issues/7/comments?per_page=100&page=2',
      'POST /repos/acme/compliance/issues/7/comments',
    ]);
  });

  it('present on a later page: PATCHed in place; identical: left alone; a person’s marked comment (403): a new one is posted', async () => {
    const gh = fakeGitHub([
      ...Array.from({ length: 150 }, (_, i) => user(i + 1)),
      { id: 900, body: `${marker}\nold`, user: { login: 'github-actions[bot]', type: 'Bot' } },
    ]);
    const logs: string[] = [];
    const updated = await upsertComment({ ...options(gh.fetch, `${marker}\nnew`), onLog: (l) => logs.push(l) });
    assert.deepEqual(updated, { action: 'updated', id: 900 });
    assert.equal(gh.seen.at(-1), 'PATCH /repos/acme/compliance/issues/comments/900');
    assert.equal(gh.comments.find((c) => c.id === 900)!.body, `${marker}\nnew`);
    const count = gh.seen.length;
    assert.equal((await upsertComment(options(gh.fetch, `${marker}\nnew`))).action, 'unchanged');
    assert.ok(
      gh.seen.slice(count).every((s) => s.startsWith('GET ')),
      'nothing written',
    );

    const theirs = fakeGitHub([{ id: 1, body: `${marker}\ncopied`, user: { login: 'alice', type: 'User' } }]);
    const posted = await upsertComment({ ...options(theirs.fetch, `${marker}\nours`), onLog: (l) => logs.push(l) });
    assert.equal(posted.action, 'created');
    assert.match(logs.join('\n'), /comment 1 carries <!-- infracast:diff --> but this token may not edit it \(403\)/);
  });

  it('refused before any request: a body over the cap, or without its marker; API errors name the status, never the token', async () => {
    const gh = fakeGitHub([]);
    await assert.rejects(upsertComment(options(gh.fetch, `${marker}\n${'z'.repeat(COMMENT_MAX_CHARS)}`)), /has 65560 characters; GitHub accepts at most 65536/);
    await assert.rejects(upsertComment(options(gh.fetch, 'no marker')), /lacks its marker/);
    assert.deepEqual(gh.seen, []);
    const denied = (() => Promise.resolve(new Response('{"message":"Bad credentials ghs_secretToken123"}', { status: 401 }))) as typeof fetch;
    await assert.rejects(upsertComment(options(denied, `${marker}\nx`)), (error: unknown) => {
      assert.ok(isInfracastError(error));
      assert.equal(error.code, 'COMMENT_FAILED');
      assert.match(error.message, /^GET https:\/\/api\.github\.invalid\/repos\/acme\/compliance\/issues\/7\/comments: 401: Bad credentials \*\*\*$/);
      assert.match(error.hints[0]!, /pull-requests: write/);
      return true;
    });
  });
});

describe('the base commit', () => {
  it('absent from a shallow clone: fetched alone from origin, with the reason logged; present: nothing fetched', async () => {
    const root = mkdtempSync(join(tmpdir(), 'infracast-ensure-'));
    const seed = join(root, 'seed');
    git(root, ['init', '-q', seed]);
    git(seed, ['commit', '-q', '--allow-empty', '-m', 'base'], '2026-01-05T09:00:00Z');
    const base = git(seed, ['rev-parse', 'HEAD']).trim();
    git(seed, ['commit', '-q', '--allow-empty', '-m', 'head'], '2026-01-06T09:00:00Z');
    git(root, ['clone', '-q', '--depth=1', `file://${seed}`, join(root, 'clone')]);
    const clone = join(root, 'clone');
    const logs: string[] = [];
    assert.equal(await ensureCommit({ repoDir: clone, sha: base, role: 'the base commit', onLog: (l) => logs.push(l) }), true);
    assert.match(
      logs[0]!,
      new RegExp(
        `^the base commit ${base.slice(0, 12)} is not in the clone \\(a shallow actions/checkout fetches one commit\\): fetching it from origin\\. fetch-depth: 0`,
      ),
    );
    git(clone, ['cat-file', '-e', `${base}^{commit}`]);
    assert.equal(await ensureCommit({ repoDir: clone, sha: base, role: 'the base commit', onLog: (l) => logs.push(l) }), false);
    assert.equal(logs.length, 1);
    await assert.rejects(
      ensureCommit({ repoDir: clone, sha: 'c'.repeat(40), role: 'the base commit' }),
      /the base commit cccccccccccc could not be fetched from origin/,
    );
    await assert.rejects(ensureCommit({ repoDir: clone, sha: 'main', role: 'the base commit' }), /"main" is not a full commit id/);
  });
});

describe('run() with command: pr-diff', () => {
  /** A clone with one commit (the event names it as base and head) and `files` as the workspace in compliance/. */
  function prCheckout(files: Record<string, string>): { checkout: string; sha: string } {
    const checkout = mkdtempSync(join(tmpdir(), 'infracast-pr-unit-'));
    git(checkout, ['init', '-q']);
    git(checkout, ['commit', '-q', '--allow-empty', '-m', 'base'], '2026-01-05T09:00:00Z');
    cpSync(makeWorkspace(files), join(checkout, 'compliance'), { recursive: true });
    return { checkout, sha: git(checkout, ['rev-parse', 'HEAD']).trim() };
  }

  async function runPrDiff(
    inputs: Record<string, string>,
    env: NodeJS.ProcessEnv,
    differ: PrComparison,
    fetch: typeof globalThis.fetch,
  ): Promise<{ failed: string[]; info: string[]; warnings: string[]; outputs: Record<string, string>; summary: string }> {
    const seen = { failed: [] as string[], info: [] as string[], warnings: [] as string[], outputs: {} as Record<string, string>, summary: '' };
    const deps: ActionDeps = {
      core: {
        getInput: (name) => (inputs[name] ?? '').trim(),
        info: (m) => void seen.info.push(m),
        warning: (m) => void seen.warnings.push(m),
        error: () => undefined,
        setOutput: (name, value) => void (seen.outputs[name] = value),
        setFailed: (m) => void seen.failed.push(m),
        appendSummary: (md) => {
          seen.summary += md;
          return Promise.resolve();
        },
      },
      env,
      clock: () => new Date('2026-03-09T12:17:00Z'),
      differ: { compare: () => Promise.resolve(differ) },
      fetch,
    };
    await run(deps);
    return seen;
  }

  it('a CUI workspace without comment authorised: the comment and the summary hold only the numbers; fail-on still fails after posting', async () => {
    // The comparison does not flag CUI: the action's own check of the workspace finds the definition's marking.
    const { checkout, sha } = prCheckout({
      'reports/gap.yaml': 'name: Gap\ntype: gap\nframework: nist-800-53\nformats: [md]\noptions:\n  classification: CUI\n',
    });
    const event = join(mkdtempSync(join(tmpdir(), 'infracast-event-')), 'event.json');
    writeFileSync(
      event,
      JSON.stringify({
        pull_request: {
          number: 7,
          base: { ref: 'main', sha, repo: { full_name: 'acme/compliance' } },
          head: { ref: 'f', sha, repo: { full_name: 'acme/compliance' } },
        },
      }),
    );
    const gh = fakeGitHub([]);
    const seen = await runPrDiff(
      { command: 'pr-diff', 'working-directory': 'compliance', token: 'ghs_x', 'fail-on': 'high-poam' },
      { GITHUB_WORKSPACE: checkout, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_API_URL: 'https://api.github.invalid' },
      comparison({ poam_opening: [{ control: 'AC-2', risk: 'High' }] }),
      gh.fetch,
    );
    assert.equal(gh.comments.length, 1);
    assert.doesNotMatch(gh.comments[0]!.body!, /secret text|AC-2/);
    assert.match(gh.comments[0]!.body!, /^<!-- infracast:diff compliance -->\n/);
    assert.match(gh.comments[0]!.body!, /POA&M items that would open: 1/);
    assert.doesNotMatch(seen.summary, /secret text/);
    assert.match(seen.warnings.join('\n'), /classified CUI/);
    assert.deepEqual(seen.failed, ['fail-on high-poam: this pull request would open 1 High or Critical POA&M item(s): AC-2 (High)']);
    assert.equal(seen.outputs['comment-url'], 'https://github.invalid/c/5000');
    assert.equal(seen.outputs['diff-file'], '');
  });
});
