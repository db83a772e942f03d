/**
 * `infracast history`, the spec's Report History (issue 16), as a user meets it on a copy of
 * examples/acme in a real git repository: `schedule run` and `render` each add their runs to
 * .infracast/runs.jsonl; the history lists them newest first with the commit that recorded each
 * line (what `git rev-parse` names; "not committed" before the commit), a page at a time; two
 * branches that each rendered merge without a conflict (the state folder's union merge) and keep
 * every run with its own commit; a shallow clone shows its boundary. Renders md and json only.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { examplesDir } from '../support/paths.js';
import { copyWorkspace } from '../support/workspace.js';

interface Item {
  generated_at: string;
  definition: string;
  type: string;
  schedule: string | null;
  slot: string | null;
  artifacts: { path: string; format: string; sha256: string; size_bytes: number }[];
  commit: { id: string; committed_at: string; boundary: boolean } | null;
}
interface Page {
  items: Item[];
  total: number;
  page: number;
  per_page: number;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Infracast Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Infracast Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  TZ: 'UTC',
};
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_ENV },
  }).trim();

const cli = (root: string, args: string[]): ReturnType<typeof runCli> => {
  const result = runCli(args, { cwd: root });
  assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}${result.stdout}`);
  return result;
};
const history = (root: string, ...args: string[]): Page => JSON.parse(cli(root, ['history', ...args, '--json']).stdout) as Page;

/** Monday 07:30 EDT on 2027-03-15 and the two Mondays after: the weekly slot is 11:00Z (07:00 New York). */
const MONDAY = ['2027-03-15T11:30:00Z', '2027-03-22T11:30:00Z', '2027-03-29T11:30:00Z'];

/** A copy of examples/acme whose one schedule renders a gap analysis in md and json, in a git repository with its first commit (outputs not committed). */
function acmeRepository(): string {
  const root = copyWorkspace(join(examplesDir, 'acme'));
  rmSync(join(root, 'schedules'), { recursive: true });
  rmSync(join(root, '.dev-keys'), { recursive: true, force: true });
  writeFileSync(join(root, 'reports', 'weekly-gap.yaml'), 'name: Weekly Gap\ntype: gap\nframework: nist-800-171\nformats: [md, json]\n');
  mkdirSync(join(root, 'schedules'));
  writeFileSync(
    join(root, 'schedules', 'weekly-gap.yaml'),
    'name: Weekly Gap\nfrequency: weekly\nday: monday\ntime: "07:00"\ntimezone: America/New_York\ncatch_up: 6h\nreports: [weekly-gap]\n',
  );
  // The rendered files go to a release here, not to git: only the workspace and its state are committed.
  writeFileSync(join(root, '.gitignore'), 'out/\n');
  git(root, 'init', '-q');
  commitAll(root, 'the workspace');
  return root;
}

/** Commits everything (out/ is ignored) and returns the commit id. */
function commitAll(root: string, message: string): string {
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', message);
  return git(root, 'rev-parse', 'HEAD');
}

const runLog = (root: string): string => readFileSync(join(root, '.infracast', 'runs.jsonl'), 'utf8');

describe('infracast history: report runs with the commit of each', () => {
  let root: string;
  let recorded: string;
  before(() => {
    root = acmeRepository();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('schedule run and render each add their runs, not committed yet; --json in the spec shape', () => {
    cli(root, ['schedule', 'run', '--at', MONDAY[0]!]);
    cli(root, ['render', 'reports/nist-800-171-gap.yaml', '--format', 'md', '--format', 'json', '--at', '2027-03-16T09:00:00Z']);
    const page = history(root);
    assert.deepEqual(Object.keys(page), ['items', 'total', 'page', 'per_page']);
    assert.deepEqual([page.total, page.page, page.per_page], [2, 1, 30]);
    const [plain, scheduled] = page.items;
    assert.deepEqual(
      [plain!.generated_at, plain!.definition, plain!.schedule, plain!.slot, plain!.commit],
      ['2027-03-16T09:00:00Z', 'nist-800-171-gap-analysis', null, null, null],
    );
    assert.deepEqual(
      [scheduled!.generated_at, scheduled!.definition, scheduled!.type, scheduled!.schedule, scheduled!.slot],
      ['2027-03-15T11:30:00Z', 'weekly-gap', 'gap', 'Weekly Gap', '2027-03-15T11:00:00Z'],
    );
    // The artifacts are the files on disk, byte for byte.
    assert.deepEqual(
      scheduled!.artifacts.map((a) => [a.path, a.format]),
      [
        ['out/weekly-gap/weekly-gap.json', 'json'],
        ['out/weekly-gap/weekly-gap.md', 'md'],
      ],
    );
    for (const a of scheduled!.artifacts) {
      const bytes = readFileSync(join(root, a.path));
      assert.equal(a.size_bytes, bytes.length);
      assert.equal(a.sha256, execFileSync('sha256sum', [join(root, a.path)], { encoding: 'utf8' }).split(' ')[0]);
    }
    const text = cli(root, ['history']).stdout;
    assert.match(
      text,
      /^2027-03-15T11:30:00Z {2}weekly-gap {2}Weekly Gap @ 2027-03-15T11:00:00Z {2}weekly-gap\.json [0-9a-f]{12}, weekly-gap\.md [0-9a-f]{12} {2}not committed$/m,
    );
    assert.match(text, /^2027-03-16T09:00:00Z {2}nist-800-171-gap-analysis {2}render {2}.* {2}not committed$/m);
    assert.match(text, /runs\.jsonl is not committed yet/);
  });

  it('a repeated run with the same instant adds nothing (no slot rendered twice; the same line is not written twice)', () => {
    const before = runLog(root);
    cli(root, ['schedule', 'run', '--at', MONDAY[0]!]);
    cli(root, ['render', 'reports/nist-800-171-gap.yaml', '--format', 'md', '--format', 'json', '--at', '2027-03-16T09:00:00Z']);
    assert.equal(runLog(root), before);
  });

  it('once committed, each run names that commit (git rev-parse); a later run is not committed until it is', () => {
    recorded = commitAll(root, 'the first runs');
    cli(root, ['schedule', 'run', '--at', MONDAY[1]!]);
    const page = history(root);
    assert.deepEqual(
      page.items.map((i) => [i.generated_at, i.commit?.id ?? null, i.commit?.boundary ?? null]),
      [
        ['2027-03-22T11:30:00Z', null, null],
        ['2027-03-16T09:00:00Z', recorded, false],
        ['2027-03-15T11:30:00Z', recorded, false],
      ],
    );
    assert.equal(page.items[1]!.commit!.committed_at, git(root, 'show', '-s', '--format=%cd', '--date=format-local:%Y-%m-%dT%H:%M:%SZ', 'HEAD'));
    const text = cli(root, ['history']).stdout;
    assert.match(text, new RegExp(`^2027-03-15T11:30:00Z .* ${recorded.slice(0, 12)}$`, 'm'));
    assert.match(text, /^2027-03-22T11:30:00Z .* not committed$/m);
    assert.doesNotMatch(text, /not committed yet|git repository/, 'no note once the file is committed');
  });

  it('--per-page and --page: newest first, a page at a time, with total', () => {
    git(root, 'commit', '-qam', 'the second week');
    const first = history(root, '--per-page', '2');
    const second = history(root, '--per-page', '2', '--page', '2');
    assert.deepEqual([first.total, first.page, first.per_page, second.page], [3, 1, 2, 2]);
    assert.deepEqual(
      [...first.items, ...second.items].map((i) => i.generated_at),
      ['2027-03-22T11:30:00Z', '2027-03-16T09:00:00Z', '2027-03-15T11:30:00Z'],
    );
    assert.deepEqual(history(root, '--per-page', '2', '--page', '3').items, []);
    assert.match(cli(root, ['history', '--per-page', '2']).stdout, /^page 1 of 2 \(3 runs\); --page 2 for older runs$/m);
    assert.deepEqual(
      history(root, '--schedule', 'Weekly Gap').items.map((i) => i.slot),
      ['2027-03-22T11:00:00Z', '2027-03-15T11:00:00Z'],
    );
    assert.deepEqual(
      history(root, '--definition', 'nist-800-171-gap-analysis').items.map((i) => i.definition),
      ['nist-800-171-gap-analysis'],
    );
  });

  it('--scores keeps the score snapshots; --limit without --scores is a usage error', () => {
    const scores = JSON.parse(cli(root, ['history', '--scores', '--definition', 'weekly-gap', '--json']).stdout) as { snapshots: { generated_at: string }[] };
    assert.deepEqual(
      scores.snapshots.map((s) => s.generated_at),
      ['2027-03-22T11:30:00Z', '2027-03-15T11:30:00Z'],
    );
    const wrong = runCli(['history', '--limit', '2'], { cwd: root });
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /--limit is for --scores/);
  });

  it('a shallow clone: lines past its boundary show the boundary commit, marked', () => {
    const clone = join(mkdtempSync(join(tmpdir(), 'infracast-shallow-')), 'ws');
    try {
      git(tmpdir(), 'clone', '-q', '--depth', '2', `file://${root}`, clone);
      const newest = git(root, 'rev-parse', 'HEAD');
      const page = history(clone);
      assert.deepEqual(
        page.items.map((i) => [i.generated_at, i.commit?.id, i.commit?.boundary]),
        [
          ['2027-03-22T11:30:00Z', newest, false],
          ['2027-03-16T09:00:00Z', recorded, true],
          ['2027-03-15T11:30:00Z', recorded, true],
        ],
      );
      assert.match(cli(clone, ['history']).stdout, new RegExp(`^2027-03-15T11:30:00Z .* <=${recorded.slice(0, 12)}$`, 'm'));
    } finally {
      rmSync(join(clone, '..'), { recursive: true, force: true });
    }
  });
});

describe('two branches that each rendered merge without a conflict', () => {
  let root: string;
  before(() => {
    root = acmeRepository();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('both sides kept (union merge), each run with the commit of its branch; the schedule at its latest slot', () => {
    cli(root, ['schedule', 'run', '--at', MONDAY[0]!]);
    const week1 = commitAll(root, 'week 1');
    assert.equal(git(root, 'check-attr', 'merge', '--', '.infracast/runs.jsonl'), '.infracast/runs.jsonl: merge: union');
    git(root, 'branch', 'other');

    // main: the scheduled run of week 2.
    cli(root, ['schedule', 'run', '--at', MONDAY[1]!]);
    const ours = commitAll(root, 'week 2 on main');

    // other: a later scheduled run (week 3: its job ran from an older checkout) and a plain render.
    git(root, 'checkout', '-q', 'other');
    cli(root, ['schedule', 'run', '--at', MONDAY[2]!]);
    cli(root, ['render', 'reports/nist-800-171-gap.yaml', '--format', 'md', '--at', '2027-03-30T09:00:00Z']);
    const theirs = commitAll(root, 'week 3 and a render on other');

    git(root, 'checkout', '-q', 'main');
    const merge = spawnSync('git', ['merge', '--no-edit', 'other'], { cwd: root, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
    assert.equal(merge.status, 0, merge.stdout + merge.stderr);
    assert.equal(git(root, 'status', '--porcelain'), '', 'merged clean');
    const merged = git(root, 'rev-parse', 'HEAD');
    assert.doesNotMatch(runLog(root), /^(<{7}|={7}|>{7})/m);
    assert.equal(runLog(root).split('\n').length - 1, 4, 'week 1, week 2 (main), week 3 and the render (other)');

    const page = history(root);
    assert.deepEqual(
      page.items.map((i) => [i.generated_at, i.schedule, i.commit?.id]),
      [
        ['2027-03-30T09:00:00Z', null, theirs],
        ['2027-03-29T11:30:00Z', 'Weekly Gap', theirs],
        ['2027-03-22T11:30:00Z', 'Weekly Gap', ours],
        ['2027-03-15T11:30:00Z', 'Weekly Gap', week1],
      ],
    );
    assert.ok(
      page.items.every((i) => i.commit?.id !== merged),
      'a line is the commit that appended it, never the merge',
    );
    // schedules.jsonl kept both sides' line of the schedule: the later slot is the one rendered last.
    assert.equal(readFileSync(join(root, '.infracast', 'schedules.jsonl'), 'utf8').split('\n').length - 1, 2);
    const due = JSON.parse(cli(root, ['schedule', 'due', '--at', MONDAY[2]!, '--json']).stdout) as { schedules: { name: string; status: string }[] };
    assert.equal(due.schedules.find((s) => s.name === 'Weekly Gap')?.status, 'rendered');
    // The next run writes one sorted line per schedule again, and appends after both sides' runs.
    cli(root, ['schedule', 'run', '--at', '2027-04-05T11:30:00Z']);
    assert.equal(readFileSync(join(root, '.infracast', 'schedules.jsonl'), 'utf8'), '{"schedule":"Weekly Gap","slot":"2027-04-05T11:00:00Z"}\n');
    assert.equal(history(root).items[0]!.commit, null);
    assert.equal(history(root).total, 5);
  });

  it('a rebase (the pull --rebase after a rejected push) replays the appended lines without a conflict', () => {
    const pushed = commitAll(root, 'week 4 on main'); // the run left uncommitted by the test before
    git(root, 'checkout', '-q', '-b', 'late', 'HEAD~1');
    cli(root, ['render', 'reports/nist-800-171-gap.yaml', '--format', 'md', '--at', '2027-04-06T09:00:00Z']);
    commitAll(root, 'a render that lost the race to push');
    const rebase = spawnSync('git', ['rebase', 'main'], { cwd: root, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
    assert.equal(rebase.status, 0, rebase.stdout + rebase.stderr);
    const page = history(root, '--per-page', '2');
    assert.deepEqual(
      page.items.map((i) => [i.generated_at, i.commit?.id]),
      [
        ['2027-04-06T09:00:00Z', git(root, 'rev-parse', 'HEAD')],
        ['2027-04-05T11:30:00Z', pushed],
      ],
    );
    assert.equal(page.total, 6);
  });

  it('without the union merge the same histories conflict (what the state folder .gitattributes prevents)', () => {
    const plain = acmeRepository();
    try {
      // The repository's own attributes come before the folder's: git's plain line merge, as a clone without the file would do.
      writeFileSync(join(plain, '.git', 'info', 'attributes'), '*.jsonl merge=text\n');
      cli(plain, ['schedule', 'run', '--at', MONDAY[0]!]);
      commitAll(plain, 'week 1');
      git(plain, 'branch', 'other');
      cli(plain, ['schedule', 'run', '--at', MONDAY[1]!]);
      commitAll(plain, 'week 2');
      git(plain, 'checkout', '-q', 'other');
      cli(plain, ['render', 'reports/nist-800-171-gap.yaml', '--format', 'md', '--at', '2027-03-23T09:00:00Z']);
      commitAll(plain, 'a render');
      git(plain, 'checkout', '-q', 'main');
      const merge = spawnSync('git', ['merge', '--no-edit', 'other'], { cwd: plain, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
      assert.notEqual(merge.status, 0);
      assert.match(merge.stdout, /CONFLICT \(content\): Merge conflict in \.infracast\/runs\.jsonl/);
      const damaged = runCli(['history'], { cwd: plain });
      assert.equal(damaged.status, 1);
      assert.match(damaged.stderr, /runs\.jsonl:2: line 2 is a merge conflict marker/);
      assert.match(damaged.stderr, /delete the marker lines/);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});
