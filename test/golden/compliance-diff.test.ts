/**
 * `infracast diff` on a copy of examples/acme in a real git repository (issue 17): a base commit,
 * then a head commit that (1) edits a control statement in controls/, (2) adds an exception that
 * flips a control, (3) changes a mapping so that the SPRS score drops. The comment bodies are
 * golden files (test/golden/diff/, regenerated only with UPDATE_GOLDEN=1); the JSON is checked
 * field by field. Acme is CUI-classified: as it stands the comment carries figures only; a copy
 * whose base already authorises the `comment` destination shows evidence and statement diffs.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { compareWorkspaces, diffMarkdown } from '../../src/app/diff/index.js';
import type { ComplianceDiff } from '../../src/app/diff/index.js';
import { isInfracastError } from '../../src/errors.js';
import { runCli } from '../support/cli.js';
import { commitAll, git, initRepository } from '../support/git.js';
import { examplesDir, goldenDir } from '../support/paths.js';
import { committedPart, makeWorkspace } from '../support/workspace.js';

const AT = '2026-12-01T00:00:00Z';
const COMMIT_DATE = '2026-11-30T12:00:00Z';
const acme = join(examplesDir, 'acme');

const EXCEPTION = `id: exc-2026-007
title: Pod Security restricted profile reported missing on namespaces that enforce it through Kyverno
type: false-positive
findings:
  - rule: k8s.pod-security.restricted
    resource: 'k8s:arn:aws:eks:us-east-1:284715930621:cluster/agc-prod-eks/namespace/agc-*'
justification: >-
  The collector reads the pod-security.kubernetes.io/enforce label only; the agc-* namespaces
  enforce the restricted profile through the Kyverno cluster policy restrict-pod-security.
requested_by:
  name: Priya Raman
  email: priya.raman@acme.com
  role: Platform Engineering Lead
approval:
  state: approved
  approved_by:
    name: Daniel Brooks
    email: daniel.brooks@acme.com
    role: Information System Security Officer
  approved_at: 2026-11-28
created: 2026-11-27
expires: 2027-05-28
`;

function edit(path: string, from: string, to: string): void {
  const text = readFileSync(path, 'utf8');
  assert.equal(text.split(from).length, 2, `${path}: '${from}' once`);
  writeFileSync(path, text.replace(from, to));
}

/** The three changes of the pull request, made in the workspace at `ws`. */
function headChanges(ws: string): void {
  edit(
    join(ws, 'controls', 'access-control.yaml'),
    'has a named owner who approves membership.',
    'has a named owner, recorded in the group description, who approves membership.',
  );
  writeFileSync(join(ws, 'exceptions', 'exc-2026-007-pod-security-false-positive.yaml'), EXCEPTION);
  // Open Trivy CVEs now also speak against 3.11.2 (5 points): the SPRS score drops.
  edit(join(ws, 'mappings', 'acme-scanners.yaml'), 'nist-800-171: [3.11.3, 3.14.1]\n    sufficient: false', 'nist-800-171: [3.11.2, 3.11.3, 3.14.1]\n    sufficient: false');
}

/** A repository holding acme under `acme/`: commit "base", then the head changes as commit "head". */
function prepareRepository(authoriseComment: boolean): { repo: string; base: string; head: string } {
  const repo = mkdtempSync(join(tmpdir(), 'infracast-diff-repo-'));
  cpSync(acme, join(repo, 'acme'), { recursive: true, filter: committedPart(acme) });
  if (authoriseComment) edit(join(repo, 'acme', 'infracast.yaml'), 'authorised_destinations: [email]', 'authorised_destinations: [email, comment]');
  initRepository(repo, COMMIT_DATE);
  const base = git(repo, ['rev-parse', 'HEAD']).trim();
  headChanges(join(repo, 'acme'));
  commitAll(repo, COMMIT_DATE, 'head');
  return { repo, base, head: git(repo, ['rev-parse', 'HEAD']).trim() };
}

function golden(name: string, actual: string): void {
  const path = join(goldenDir, 'diff', name);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) {
    mkdirSync(join(goldenDir, 'diff'), { recursive: true });
    writeFileSync(path, actual);
  }
  assert.equal(actual, readFileSync(path, 'utf8'), `${name} differs from the golden file (UPDATE_GOLDEN=1 regenerates it)`);
}

/** The commit ids differ per repository: the golden files name them as <base> and <head>. */
const placeholders = (text: string, refs: { base: string; head: string }): string =>
  text.split(refs.base).join('<base>').split(refs.base.slice(0, 12)).join('<base>').split(refs.head).join('<head>').split(refs.head.slice(0, 12)).join('<head>');

describe('infracast diff on examples/acme in a git repository', () => {
  let cui: { repo: string; base: string; head: string };
  let cuiDiff: ComplianceDiff;
  before(async () => {
    cui = prepareRepository(false);
    cuiDiff = await compareWorkspaces({ cwd: cui.repo, workspace: 'acme', base: cui.base, head: cui.head, at: AT });
  });

  it('the JSON, field by field', () => {
    const d = cuiDiff;
    assert.equal(d.format, 'infracast-diff/1');
    assert.equal(d.workspace, 'acme');
    assert.deepEqual([d.base, d.head, d.at, d.changed], [{ ref: cui.base, commit: cui.base }, { ref: cui.head, commit: cui.head }, AT, true]);
    assert.deepEqual(d.cui, { classified: true, comment_authorised: false });
    const sp171 = d.frameworks.find((f) => f.framework === 'nist-800-171')!;
    assert.deepEqual([sp171.base?.sprs_score, sp171.head?.sprs_score, sp171.changed], [80, 75, true]);
    assert.equal(sp171.base?.coverage, sp171.head?.coverage);
    assert.deepEqual(sp171.head?.cmmc_blocking?.includes('3.11.2'), true);
    assert.deepEqual(sp171.base?.cmmc_blocking?.includes('3.11.2'), false);
    assert.deepEqual(
      d.controls.map((c) => [c.framework, c.control, c.base?.status, c.head?.status]),
      [
        ['nist-800-53', 'CM-7', 'failing', 'not-assessed'],
        ['fedramp-moderate', 'CM-7', 'failing', 'not-assessed'],
        ['nist-800-171', '3.11.2', 'passing', 'failing'],
      ],
    );
    const cm7 = d.controls[0]!;
    assert.match(cm7.base!.reason, /k8s\.pod-security\.restricted/);
    assert.match(cm7.head!.reason, /removed as false positive \(exc-2026-007\)/);
    assert.deepEqual(d.poam.opening, []);
    assert.deepEqual(
      d.poam.closing.map((i) => [i.id, i.rating, i.controls, i.scheduled_completion_date]),
      [['POAM-8', 'High', ['CM-6', 'CM-7'], '2026-11-24']],
    );
    assert.deepEqual(
      d.statements.map((s) => [s.definition, s.control]),
      [
        ['fedramp-moderate-ssp', 'AC-2'],
        ['fedramp-moderate-ssp', 'CM-6'],
        ['fedramp-moderate-ssp', 'CM-7'],
      ],
    );
    assert.match(d.statements[0]!.diff, /^\+\| Part b: \| Each Okta group .* recorded in the group description, who approves membership\. \|$/m);
    assert.deepEqual(d.new_warnings, []);
  });

  it('the comment of the CUI workspace: figures only (golden)', () => {
    const { body, truncated } = diffMarkdown(cuiDiff);
    assert.equal(truncated, false);
    assert.ok(!body.includes('recorded in the group description'));
    assert.ok(!body.includes('k8s.pod-security') && !body.includes('k8s\\.pod-security'));
    golden('acme-cui.md', placeholders(body, cui));
  });

  it('the CLI prints the same comment, byte-identical on two runs, and leaves no worktree behind', () => {
    const args = ['diff', '--base', cui.base, '--head', cui.head, '-w', 'acme', '--at', AT];
    const first = runCli(args, { cwd: cui.repo });
    const second = runCli(args, { cwd: cui.repo });
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout, second.stdout);
    assert.equal(first.stdout, diffMarkdown(cuiDiff).body);
    const json = runCli([...args, '--format', 'json'], { cwd: cui.repo });
    assert.deepEqual(JSON.parse(json.stdout), JSON.parse(JSON.stringify(cuiDiff)));
    assert.equal(git(cui.repo, ['worktree', 'list', '--porcelain']).match(/^worktree /gm)?.length, 1);
  });

  it('base == head: no compliance change', async () => {
    const same = await compareWorkspaces({ cwd: cui.repo, workspace: 'acme', base: cui.head, head: cui.head, at: AT });
    assert.equal(same.changed, false);
    assert.match(diffMarkdown(same).body, /^No compliance change\.$/m);
  });

  it('a shallow clone without the base ref: a clear error naming the ref and the fix', async () => {
    const shallow = join(mkdtempSync(join(tmpdir(), 'infracast-diff-shallow-')), 'clone');
    git(cui.repo, ['clone', '-q', '--depth', '1', `file://${cui.repo}`, shallow]);
    await assert.rejects(
      compareWorkspaces({ cwd: shallow, workspace: 'acme', base: cui.base, at: AT }),
      (e: unknown) =>
        isInfracastError(e) &&
        e.message.includes(`'${cui.base}' is not in this clone (a shallow clone)`) &&
        e.hints.some((h) => h.includes(`git fetch origin ${cui.base}`)) &&
        e.hints.some((h) => h.includes('fetch-depth: 0')),
    );
    const cli = runCli(['diff', '--base', 'origin/no-such-branch', '-w', 'acme', '--at', AT], { cwd: shallow });
    assert.equal(cli.status, 2);
    assert.match(cli.stderr, /'origin\/no-such-branch' is not in this clone/);
  });

  it('authorised for comments on the base: evidence and statement diffs (golden); the working tree as head, hostile text inert', async () => {
    const open = prepareRepository(true);
    const diff = await compareWorkspaces({ cwd: open.repo, workspace: 'acme', base: open.base, head: open.head, at: AT });
    assert.deepEqual(diff.cui, { classified: true, comment_authorised: true });
    const { body } = diffMarkdown(diff);
    assert.match(body, /<details><summary>AC-2 \(fedramp-moderate-ssp\)<\/summary>\n\n```diff\n/);
    golden('acme.md', placeholders(body, open));

    // An uncommitted edit in the working tree (the default head) that tries to inject HTML, an
    // image, a link and a fence break into the SSP and the comment.
    const hostile = '<img src=x onerror=alert(1)> ![i](https://evil.example/i.png) [go](javascript:alert(1)) ``` </details>';
    edit(join(open.repo, 'acme', 'controls', 'access-control.yaml'), 'recorded in the group description,', `recorded in the group description ${JSON.stringify(hostile).slice(1, -1)},`);
    const working = diffMarkdown(await compareWorkspaces({ cwd: open.repo, workspace: 'acme', base: open.base, at: AT })).body;
    assert.match(working, /-> `working tree`/);
    const fence = /^(`{3,})diff\n([\s\S]*?)\n\1$/gm;
    const fenced = [...working.matchAll(fence)];
    assert.ok(fenced.some((m) => m[2]!.includes('evil')), 'the hostile statement is inside a diff fence');
    const outside = working.replace(fence, '');
    assert.ok(!outside.includes('evil'), 'nothing of it outside the fences');
    for (const m of fenced) assert.ok(!new RegExp(`^${m[1]}`, 'm').test(m[2]!), 'no line closes the fence early');
  });

  it('a side that does not validate: an error naming it, and its worktree removed all the same', async () => {
    const repo = makeWorkspace({});
    initRepository(repo, COMMIT_DATE);
    writeFileSync(join(repo, 'infracast.yaml'), 'tenant: [not, a, tenant]\n');
    commitAll(repo, COMMIT_DATE, 'broken');
    // A private temp folder for this call (os.tmpdir() reads TMPDIR on each call): what is left in it is this diff's.
    const temp = mkdtempSync(join(tmpdir(), 'infracast-diff-tmp-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    try {
      await assert.rejects(
        compareWorkspaces({ cwd: repo, base: 'HEAD~1', head: 'HEAD', at: AT }),
        (e: unknown) => isInfracastError(e) && e.code === 'CONFIG_INVALID' && /the workspace at head HEAD has \d+ validation error/.test(e.message),
      );
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    assert.equal(git(repo, ['worktree', 'list', '--porcelain']).match(/^worktree /gm)?.length, 1);
    assert.deepEqual(readdirSync(temp), []);
    // Not in a repository at all.
    await assert.rejects(compareWorkspaces({ cwd: makeWorkspace({}), base: 'HEAD', at: AT }), (e: unknown) => isInfracastError(e) && e.code === 'GIT_FAILED' && /is not inside a git repository/.test(e.message));
  });
});
