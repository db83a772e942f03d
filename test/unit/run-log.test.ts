/**
 * The run log (issue 16, the spec's Report History): the lines a render adds, appending without
 * repeats, reading as a set whatever the order, damage named with its line and fix, and the commit
 * of each line from git blame (none outside git, none for a line not committed).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { blameFile } from '../../src/app/history/blame.js';
import { distinctRuns, withCommits } from '../../src/app/history/report-history.js';
import { appendToRunLog, parseRunLog, runLogEntries, serialiseRunLogEntry } from '../../src/app/history/run-log.js';
import type { RunLogEntry } from '../../src/app/history/run-log.js';
import type { IndexItem } from '../../src/app/publish.js';
import { InfracastError } from '../../src/errors.js';

const SHA = (c: string): string => c.repeat(64);

function item(path: string | null, format: IndexItem['format'], extra: Partial<IndexItem> = {}): IndexItem {
  return {
    id: path ?? format,
    type: 'gap',
    framework: null,
    format,
    status: 'completed',
    size_bytes: 10,
    sha256: path === null ? null : SHA('a'),
    path,
    created_at: '2026-12-01T10:00:00Z',
    completed_at: '2026-12-01T10:00:00Z',
    definition: 'reports/x.yaml',
    ...extra,
  };
}

const entry = (generated_at: string, definition: string, extra: Partial<RunLogEntry> = {}): RunLogEntry => ({
  generated_at,
  definition,
  type: 'gap',
  artifacts: [{ path: `out/${definition}/${definition}.md`, format: 'md', sha256: SHA('b'), size_bytes: 5 }],
  ...extra,
});

const lines = (...entries: RunLogEntry[]): string => entries.map((e) => `${serialiseRunLogEntry(e)}\n`).join('');

describe('run log lines of a render', () => {
  const reports = [
    {
      definition: 'gap',
      type: 'gap',
      status: 'completed' as const,
      artifacts: [item('gap/gap.md', 'md'), item('gap/chart.svg', 'svg', { supporting: true }), item('gap/gap.json', 'json')],
    },
    { definition: 'exec', type: 'executive', status: 'failed' as const, artifacts: [item(null, 'pdf', { status: 'failed', error: 'no browser' })] },
    { definition: 'all', type: 'framework', status: 'completed' as const, artifacts: [item('all/all.md', 'md')] },
  ];

  it('one line per completed definition, report files only (no charts), workspace-relative paths, sorted', () => {
    const made = runLogEntries(reports, { workspace: '/ws', outDir: '/ws/out', generatedAt: '2026-12-01T10:00:00Z' });
    assert.deepEqual(
      made.map((e) => [e.definition, e.schedule, e.artifacts.map((a) => a.path)]),
      [
        ['all', undefined, ['out/all/all.md']],
        ['gap', undefined, ['out/gap/gap.json', 'out/gap/gap.md']],
      ],
    );
    assert.equal(
      serialiseRunLogEntry(made[0]!),
      `{"artifacts":[{"format":"md","path":"out/all/all.md","sha256":"${SHA('a')}","size_bytes":10}],"definition":"all","generated_at":"2026-12-01T10:00:00Z","type":"framework"}`,
    );
  });

  it('a definition rendered for schedule slots gets one line per slot; an output folder outside the workspace stays relative', () => {
    const scheduledBy = new Map([
      [
        'gap',
        [
          { schedule: 'Weekly', slot: '2026-12-07T12:00:00Z' },
          { schedule: 'Daily', slot: '2026-12-07T07:00:00Z' },
        ],
      ],
    ]);
    const made = runLogEntries(reports, { workspace: '/ws', outDir: '/elsewhere', generatedAt: '2026-12-07T12:17:00Z', scheduledBy });
    assert.deepEqual(
      made.map((e) => [e.schedule ?? '-', e.slot ?? '-', e.definition]),
      [
        ['-', '-', 'all'],
        ['Daily', '2026-12-07T07:00:00Z', 'gap'],
        ['Weekly', '2026-12-07T12:00:00Z', 'gap'],
      ],
    );
    assert.equal(made[0]!.artifacts[0]!.path, '../elsewhere/all/all.md');
  });
});

describe('appending to the run log', () => {
  const a = entry('2026-12-01T10:00:00Z', 'a');
  const b = entry('2026-12-02T10:00:00Z', 'b');

  it('appends only the lines not there yet; nothing new gives undefined (the file is not rewritten)', () => {
    const first = appendToRunLog(undefined, [a]);
    assert.equal(first, lines(a));
    assert.equal(appendToRunLog(first, [a]), undefined);
    assert.equal(appendToRunLog(first, [a, b, b]), lines(a, b));
  });

  it('keeps every existing line as it is, in its place (git blame keeps naming the commit that recorded it)', () => {
    const existing = lines(b, a); // out of order, as a union merge may leave it
    assert.equal(appendToRunLog(existing, [entry('2026-11-01T00:00:00Z', 'c')]), existing + lines(entry('2026-11-01T00:00:00Z', 'c')));
  });

  it('ends a last line that lost its line ending before appending', () => {
    const cut = lines(a).slice(0, -1);
    assert.equal(appendToRunLog(cut, [b]), lines(a, b));
    assert.equal(parseRunLog(cut, 'f').length, 1, 'and the reader takes that last line');
  });
});

describe('reading the run log', () => {
  it('duplicates count once, newest first whatever the file order, then by schedule, slot and definition', () => {
    const old = entry('2026-12-01T10:00:00Z', 'a');
    const scheduled = entry('2026-12-07T12:17:00Z', 'b', { schedule: 'Weekly', slot: '2026-12-07T12:00:00Z' });
    const plain = entry('2026-12-07T12:17:00Z', 'b');
    const other = entry('2026-12-07T12:17:00Z', 'a', { schedule: 'Weekly', slot: '2026-12-07T12:00:00Z' });
    const parsed = parseRunLog(lines(old, scheduled, other, old, plain, scheduled), 'runs.jsonl');
    const runs = withCommits(distinctRuns(parsed), () => null);
    assert.deepEqual(
      runs.map((r) => `${r.generated_at} ${r.schedule ?? '-'} ${r.definition}`),
      ['2026-12-07T12:17:00Z - b', '2026-12-07T12:17:00Z Weekly a', '2026-12-07T12:17:00Z Weekly b', '2026-12-01T10:00:00Z - a'],
    );
    // The same lines in another order list the same way.
    assert.deepEqual(
      withCommits(distinctRuns(parseRunLog(lines(plain, other, scheduled, old), 'runs.jsonl')), () => null),
      runs,
    );
  });

  it('a line kept twice shows a commit when either copy is committed', () => {
    const a = entry('2026-12-01T10:00:00Z', 'a');
    const commit = { id: 'c'.repeat(40), committed_at: '2026-12-01T11:00:00Z', boundary: false };
    const runs = withCommits(distinctRuns(parseRunLog(lines(a, a), 'f')), (line) => (line.line === 2 ? commit : null));
    assert.equal(runs.length, 1);
    assert.deepEqual(runs[0]!.commit, commit);
  });

  const damage: [string, string, RegExp, RegExp][] = [
    [
      'a line that is not JSON',
      `${lines(entry('2026-12-01T10:00:00Z', 'a'))}{"generated_at":\n`,
      /runs\.jsonl:2: line 2 is not JSON/,
      /delete the damaged line/,
    ],
    [
      'a merge conflict marker (a clone without the union merge)',
      `<<<<<<< HEAD\n${lines(entry('2026-12-01T10:00:00Z', 'a'))}`,
      /runs\.jsonl:1: line 1 is a merge conflict marker/,
      /delete the marker lines/,
    ],
    [
      'an empty line',
      `${lines(entry('2026-12-01T10:00:00Z', 'a'))}\n${lines(entry('2026-12-01T10:00:00Z', 'b'))}`,
      /runs\.jsonl:2: line 2 is empty/,
      /git checkout/,
    ],
    [
      'a slot without its schedule',
      `{"artifacts":[],"definition":"a","generated_at":"2026-12-01T10:00:00Z","slot":"2026-12-01T10:00:00Z","type":"gap"}\n`,
      /:1: .*a slot without its schedule/,
      /restore the file from git/,
    ],
    [
      'an instant that is not UTC',
      `{"artifacts":[],"definition":"a","generated_at":"2026-12-01T10:00:00+01:00","type":"gap"}\n`,
      /generated_at '2026-12-01T10:00:00\+01:00' is not a UTC instant/,
      /git checkout/,
    ],
    [
      'a short sha256',
      `{"artifacts":[{"format":"md","path":"out/a/a.md","sha256":"abc","size_bytes":1}],"definition":"a","generated_at":"2026-12-01T10:00:00Z","type":"gap"}\n`,
      /:1: line 1 artifact 1 is not \{path, format, sha256/,
      /git checkout/,
    ],
  ];
  for (const [what, text, message, hint] of damage) {
    it(`${what}: STATE_INVALID naming the file and line, with the fix`, () => {
      assert.throws(
        () => parseRunLog(text, '/ws/.infracast/runs.jsonl'),
        (error: unknown) => {
          assert.ok(error instanceof InfracastError);
          assert.equal(error.code, 'STATE_INVALID');
          assert.match(error.message, /^\/ws\/\.infracast\/runs\.jsonl:\d+: /);
          assert.match(error.message, message);
          assert.match(error.hints.join('\n'), hint);
          return true;
        },
      );
    });
  }
});

describe('the commit of each line (git blame)', () => {
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd, encoding: 'utf8' }).trim();

  it('committed lines give their commit, a line appended since gives none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'infracast-blame-'));
    git(dir, 'init', '-q');
    const file = join(dir, 'runs.jsonl');
    writeFileSync(file, 'one\n');
    git(dir, 'add', 'runs.jsonl');
    git(dir, 'commit', '-qm', 'first', '--date', '2026-12-01T10:00:00Z');
    const first = git(dir, 'rev-parse', 'HEAD');
    appendFileSync(file, 'two\n');
    git(dir, 'commit', '-qam', 'second');
    const second = git(dir, 'rev-parse', 'HEAD');
    appendFileSync(file, 'three\n');
    const blame = await blameFile(file);
    assert.equal(blame.note, undefined);
    assert.deepEqual(
      [...blame.lines].map(([n, l]) => [n, l.text, l.commit?.id ?? null, l.commit?.boundary ?? null]),
      [
        [1, 'one', first, false],
        [2, 'two', second, false],
        [3, 'three', null, null],
      ],
    );
    assert.match(blame.lines.get(1)!.commit!.committed_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    // Only the lines asked for (a page): blame stops once it has them.
    const some = await blameFile(file, [3, 2]);
    assert.deepEqual(
      [...some.lines].map(([n, l]) => [n, l.commit?.id ?? null]),
      [
        [2, second],
        [3, null],
      ],
    );
    assert.equal((await blameFile(file, [])).lines.size, 0);
  });

  it('outside a repository, or a file git does not track: no commits, and a note saying why', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'infracast-blame-'));
    writeFileSync(join(outside, 'runs.jsonl'), 'one\n');
    // tmpdir() itself is in no repository on the machines this runs on; GIT_CEILING_DIRECTORIES keeps git from looking above anyway.
    process.env.GIT_CEILING_DIRECTORIES = tmpdir();
    try {
      const none = await blameFile(join(outside, 'runs.jsonl'));
      assert.equal(none.lines.size, 0);
      assert.match(none.note ?? '', /not in a git repository/);
    } finally {
      delete process.env.GIT_CEILING_DIRECTORIES;
    }
    const repo = mkdtempSync(join(tmpdir(), 'infracast-blame-'));
    git(repo, 'init', '-q');
    writeFileSync(join(repo, 'runs.jsonl'), 'one\n');
    // A repository with no commit yet, then one whose commits do not hold the file.
    for (const commit of [false, true]) {
      if (commit) {
        writeFileSync(join(repo, 'other'), 'x\n');
        git(repo, 'add', 'other');
        git(repo, 'commit', '-qm', 'other');
      }
      const untracked = await blameFile(join(repo, 'runs.jsonl'));
      assert.equal(untracked.lines.size, 0);
      assert.match(untracked.note ?? '', /runs\.jsonl is not committed yet/);
    }
  });
});
