/**
 * commitOutputs against real git: a bare repository in a temp folder is `origin`, two clones of it
 * stand for the scheduled run and for whoever pushes meanwhile.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { BOT_AUTHOR, commitOutputs, withoutCredentials } from '../../src/app/publishing/commit.js';
import type { CommitOutputsOptions } from '../../src/app/publishing/commit.js';
import { parseScheduleSlots } from '../../src/app/schedule/state.js';
import { git } from '../support/git.js';

const DATE = '2026-11-02T07:00:00Z';

/** origin (bare) with one commit, and two clones of it: `run` (the scheduled job) and `other`. */
function repositories(files: Record<string, string> = {}): { origin: string; run: string; other: string } {
  const root = mkdtempSync(join(tmpdir(), 'infracast-publishing-'));
  const origin = join(root, 'origin.git');
  git(root, ['init', '-q', '--bare', origin]);
  const seed = join(root, 'seed');
  git(root, ['clone', '-q', origin, seed]);
  write(seed, { 'README.md': 'workspace\n', ...files });
  git(seed, ['add', '-A']);
  git(seed, ['commit', '-q', '-m', 'first'], DATE);
  git(seed, ['push', '-q', 'origin', 'HEAD:refs/heads/main']);
  const run = join(root, 'run');
  const other = join(root, 'other');
  git(root, ['clone', '-q', '--branch', 'main', origin, run]);
  git(root, ['clone', '-q', '--branch', 'main', origin, other]);
  return { origin, run, other };
}

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** A commit on `other`, pushed: what a person or another job does while the run renders. */
function pushFromOther(other: string, files: Record<string, string>, message = 'meanwhile'): void {
  write(other, files);
  git(other, ['add', '-A']);
  git(other, ['commit', '-q', '-m', message], DATE);
  git(other, ['push', '-q', 'origin', 'HEAD:refs/heads/main']);
}

const fast = { backoffMs: () => 1 } satisfies Partial<CommitOutputsOptions>;
const trailers = [
  { key: 'Infracast-Schedule', value: 'weekly-executive' },
  { key: 'Infracast-Slot', value: '2026-11-02T12:00:00Z' },
  { key: 'Infracast-Schedule', value: 'monthly-poam' },
  { key: 'Infracast-Slot', value: '2026-11-02T12:00:00Z' },
];

describe('publishing: commitOutputs on a real repository', () => {
  it('commits exactly the given paths once, as the bot, with one trailer pair per schedule, and pushes; a second call commits nothing', async () => {
    const { origin, run } = repositories();
    write(run, {
      'out/weekly-executive/weekly-executive.md': '# Executive\n',
      'out/index.json': '{"items":[]}\n',
      '.infracast/schedules.jsonl': '{"schedule":"weekly-executive","slot":"2026-11-02T12:00:00Z"}\n',
      'out/cui-poam/cui-poam.md': 'CUI\n',
      'notes.txt': 'not ours\n',
    });
    const options: CommitOutputsOptions = {
      repoDir: run,
      paths: ['out/weekly-executive/weekly-executive.md', 'out/index.json', '.infracast', 'out/never-rendered.pdf'],
      message: 'infracast: scheduled reports at 2026-11-02T12:00:00Z',
      trailers,
      ...fast,
    };
    const first = await commitOutputs(options);
    assert.equal(first.committed, true);
    assert.equal(first.pushed, true);
    assert.equal(first.attempts, 1);
    assert.deepEqual(first.changed, ['.infracast/schedules.jsonl', 'out/index.json', 'out/weekly-executive/weekly-executive.md']);
    assert.deepEqual(first.skipped, [{ path: 'out/never-rendered.pdf', reason: 'neither exists nor is tracked' }]);
    assert.equal(git(origin, ['rev-parse', 'main']).trim(), first.sha);
    assert.deepEqual(git(origin, ['show', '--name-only', '--format=', 'main']).trim().split('\n').sort(), first.changed);
    assert.equal(
      git(origin, ['log', '-1', '--format=%an <%ae>|%cn <%ce>', 'main']).trim(),
      `${BOT_AUTHOR.name} <${BOT_AUTHOR.email}>|${BOT_AUTHOR.name} <${BOT_AUTHOR.email}>`,
    );
    // git's own trailer parser reads back every pair, in order (a repeated slot value is kept).
    assert.equal(git(origin, ['log', '-1', '--format=%(trailers:only,unfold)', 'main']).trim(), trailers.map((t) => `${t.key}: ${t.value}`).join('\n'));
    assert.equal(git(origin, ['log', '-1', '--format=%s', 'main']).trim(), options.message);
    // What was not listed is still there, uncommitted: the CUI file and the stray note.
    assert.match(git(run, ['status', '--porcelain']), /\?\? notes\.txt/);
    assert.match(git(run, ['status', '--porcelain', '--untracked-files=all']), /\?\? out\/cui-poam\/cui-poam\.md/);

    const again = await commitOutputs(options);
    assert.deepEqual({ committed: again.committed, pushed: again.pushed, attempts: again.attempts }, { committed: false, pushed: false, attempts: 0 });
    assert.equal(git(origin, ['rev-list', '--count', 'main']).trim(), '2');
  });

  it('leaves alone what the index held before (only the listed paths are committed)', async () => {
    const { origin, run } = repositories();
    write(run, { 'staged-by-someone.txt': 'x\n', 'out/a.md': 'a\n' });
    git(run, ['add', 'staged-by-someone.txt']);
    const result = await commitOutputs({ repoDir: run, paths: ['out/a.md'], message: 'outputs', ...fast });
    assert.deepEqual(result.changed, ['out/a.md']);
    assert.equal(git(origin, ['show', '--name-only', '--format=', 'main']).trim(), 'out/a.md');
    assert.match(git(run, ['status', '--porcelain']), /^A {2}staged-by-someone\.txt$/m);
  });

  it('resolves paths against the workspace when it is a folder of the repository', async () => {
    const { origin, run } = repositories();
    write(run, { 'compliance/out/a.md': 'a\n' });
    const result = await commitOutputs({ repoDir: run, workspace: join(run, 'compliance'), paths: ['out/a.md'], message: 'outputs', ...fast });
    assert.deepEqual(result.changed, ['compliance/out/a.md']);
    assert.equal(git(origin, ['show', '--name-only', '--format=', 'main']).trim(), 'compliance/out/a.md');
    await assert.rejects(commitOutputs({ repoDir: run, paths: ['../elsewhere.md'], message: 'x' }), /elsewhere\.md is outside the repository/);
  });

  it('commits nothing it would have to force past .gitignore, and says so', async () => {
    const { run } = repositories({ '.gitignore': 'out/\n' });
    write(run, { 'out/a.md': 'a\n', '.infracast/schedules.jsonl': '{"schedule":"s","slot":"2026-11-02T12:00:00Z"}\n' });
    const result = await commitOutputs({ repoDir: run, paths: ['out/a.md', '.infracast'], message: 'outputs', ...fast });
    assert.deepEqual(result.changed, ['.infracast/schedules.jsonl']);
    assert.equal(result.skipped.length, 1);
    assert.match(result.skipped[0]!.reason, /ignored by \.gitignore/);
  });

  it('follows the state folder’s own .gitignore: its lock and journal are never committed', async () => {
    const { origin, run } = repositories();
    write(run, {
      '.infracast/.gitignore': '.lock\n.journal.json\n',
      '.infracast/.lock': '{"pid":1}\n',
      '.infracast/.journal.json': '{}\n',
      '.infracast/schedules.jsonl': '{"schedule":"s","slot":"2026-11-02T12:00:00Z"}\n',
    });
    const result = await commitOutputs({ repoDir: run, paths: ['.infracast'], message: 'state', ...fast });
    assert.deepEqual(result.changed, ['.infracast/.gitignore', '.infracast/schedules.jsonl']);
    assert.equal(git(origin, ['ls-tree', '-r', '--name-only', 'main', '.infracast']).trim(), '.infracast/.gitignore\n.infracast/schedules.jsonl');
  });

  it('a push rejected because another push came first: pull --rebase, push again; both changes reach origin', async () => {
    const { origin, run, other } = repositories();
    pushFromOther(other, { 'docs/policy.md': 'a person edited this meanwhile\n' });
    write(run, { 'out/a.md': 'a\n' });
    const logs: string[] = [];
    const result = await commitOutputs({ repoDir: run, paths: ['out/a.md'], message: 'outputs', onLog: (l) => logs.push(l), ...fast });
    assert.equal(result.pushed, true);
    assert.equal(result.attempts, 2);
    assert.ok(
      logs.some((l) => /push rejected \(another push came first\)/.test(l)),
      logs.join('\n'),
    );
    assert.equal(git(origin, ['rev-parse', 'main']).trim(), result.sha);
    assert.deepEqual(git(origin, ['ls-tree', '-r', '--name-only', 'main']).trim().split('\n').sort(), ['README.md', 'docs/policy.md', 'out/a.md']);
    assert.equal(git(origin, ['log', '--format=%s', 'main']).trim(), 'outputs\nmeanwhile\nfirst');
  });

  it('rebases past uncommitted changes of tracked files (withheld or kept outputs): they are stashed and come back', async () => {
    const { origin, run, other } = repositories({ 'out/cui/cui.md': 'old\n' });
    pushFromOther(other, { 'docs/policy.md': 'meanwhile\n' });
    write(run, { 'out/a.md': 'a\n', 'out/cui/cui.md': 'new CUI content, withheld\n' });
    const result = await commitOutputs({ repoDir: run, paths: ['out/a.md'], message: 'outputs', ...fast });
    assert.equal(result.pushed, true);
    assert.equal(git(origin, ['show', 'main:out/cui/cui.md']), 'old\n');
    assert.equal(readFileSync(join(run, 'out/cui/cui.md'), 'utf8'), 'new CUI content, withheld\n');
  });

  it('a real conflict fails with the files named, the rebase aborted and nothing pushed', async () => {
    const { origin, run, other } = repositories({ 'out/a.md': 'first\n' });
    pushFromOther(other, { 'out/a.md': 'edited by hand\n' });
    const before = git(origin, ['rev-parse', 'main']).trim();
    write(run, { 'out/a.md': 'rendered\n' });
    await assert.rejects(commitOutputs({ repoDir: run, paths: ['out/a.md'], message: 'outputs', ...fast }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PUBLISH_FAILED');
      assert.match(error.message, /conflict with what was pushed to origin main meanwhile \(out\/a\.md\); the rebase was aborted and nothing was pushed/);
      return true;
    });
    assert.equal(git(origin, ['rev-parse', 'main']).trim(), before);
    const gitDir = join(run, '.git');
    assert.ok(!existsSync(join(gitDir, 'rebase-merge')) && !existsSync(join(gitDir, 'rebase-apply')), 'left mid-rebase');
    assert.equal(git(run, ['status', '--porcelain']).trim(), '');
    assert.equal(git(run, ['log', '-1', '--format=%s']).trim(), 'outputs');
  });

  it('gives up after maxAttempts when another push always comes first, saying so', async () => {
    const { origin, run, other } = repositories();
    pushFromOther(other, { 'n.txt': '0\n' });
    // Each time the run's rebase finishes, the other clone pushes again: the next push is rejected too.
    const hook = join(run, '.git', 'hooks', 'post-rewrite');
    writeFileSync(
      hook,
      `#!/bin/sh\nunset $(git rev-parse --local-env-vars)\ncd '${other}' && date +%s%N >> n.txt && git -c user.name=o -c user.email=o@x.invalid commit -qam again && git push -q origin HEAD:refs/heads/main\n`,
      { mode: 0o755 },
    );
    write(run, { 'out/a.md': 'a\n' });
    await assert.rejects(commitOutputs({ repoDir: run, paths: ['out/a.md'], message: 'outputs', maxAttempts: 3, ...fast }), (error: Error) => {
      assert.match(error.message, /^git push to origin main was still rejected after 3 attempts/);
      return true;
    });
    assert.doesNotMatch(git(origin, ['log', '--format=%s', 'main']), /outputs/);
  });

  it('two runs recording different schedules in schedules.jsonl rebase without conflict when it merges as a union', async () => {
    const slots = (a: string, b: string): string => `{"schedule":"monthly-poam","slot":"${a}"}\n{"schedule":"weekly-executive","slot":"${b}"}\n`;
    for (const union of [false, true]) {
      const { origin, run, other } = repositories({
        '.infracast/schedules.jsonl': slots('2026-10-01T12:00:00Z', '2026-10-26T12:00:00Z'),
        ...(union ? { '.infracast/.gitattributes': 'schedules.jsonl merge=union\n' } : {}),
      });
      pushFromOther(other, { '.infracast/schedules.jsonl': slots('2026-11-01T12:00:00Z', '2026-10-26T12:00:00Z') });
      write(run, { '.infracast/schedules.jsonl': slots('2026-10-01T12:00:00Z', '2026-11-02T12:00:00Z') });
      const attempt = commitOutputs({ repoDir: run, paths: ['.infracast'], message: 'state', ...fast });
      if (!union) {
        // Adjacent lines changed on both sides: git's line merge conflicts without the attribute.
        await assert.rejects(attempt, /\.infracast\/schedules\.jsonl/);
        continue;
      }
      await attempt;
      const merged = git(origin, ['show', 'main:.infracast/schedules.jsonl']);
      // Both sides' lines are kept; state.ts reads the later slot of each schedule.
      const read = parseScheduleSlots(merged, 'schedules.jsonl');
      assert.equal(read.get('monthly-poam')?.toISOString(), '2026-11-01T12:00:00.000Z');
      assert.equal(read.get('weekly-executive')?.toISOString(), '2026-11-02T12:00:00.000Z');
    }
  });

  it('refuses a detached HEAD without a branch before committing anything; with one, pushes there', async () => {
    const { origin, run } = repositories();
    git(run, ['checkout', '-q', '--detach']);
    write(run, { 'out/a.md': 'a\n' });
    await assert.rejects(commitOutputs({ repoDir: run, paths: ['out/a.md'], message: 'outputs', ...fast }), /HEAD is detached: name the branch/);
    assert.equal(git(run, ['log', '-1', '--format=%s']).trim(), 'first');
    const result = await commitOutputs({ repoDir: run, paths: ['out/a.md'], message: 'outputs', branch: 'reports', ...fast });
    assert.equal(git(origin, ['rev-parse', 'reports']).trim(), result.sha);
  });

  it('refuses a trailer that is not one, and keeps credentials out of messages', async () => {
    const { run } = repositories();
    await assert.rejects(
      commitOutputs({ repoDir: run, paths: ['README.md'], message: 'x', trailers: [{ key: 'Infracast Slot', value: 'x' }] }),
      /is not a trailer/,
    );
    await assert.rejects(
      commitOutputs({ repoDir: run, paths: ['README.md'], message: 'x', trailers: [{ key: 'Infracast-Slot', value: 'a\nb' }] }),
      /is not a trailer/,
    );
    assert.equal(
      withoutCredentials('fatal: unable to access https://x-access-token:ghs_secret@github.com/o/r.git/'),
      'fatal: unable to access https://***@github.com/o/r.git/',
    );
  });

  it('a push that fails for another reason fails at once, naming the remote, without the URL’s credentials', async () => {
    const { run } = repositories();
    git(run, ['remote', 'set-url', 'origin', 'https://x-access-token:ghs_secret@127.0.0.1:9/o/r.git']);
    write(run, { 'out/a.md': 'a\n' });
    await assert.rejects(commitOutputs({ repoDir: run, paths: ['out/a.md'], message: 'outputs', ...fast }), (error: Error) => {
      assert.match(error.message, /^git push to origin main failed: /);
      assert.doesNotMatch(error.message, /ghs_secret/);
      return true;
    });
  });
});
