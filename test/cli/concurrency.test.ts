/**
 * One writer at a time (issue 12): two real renders of one workspace, as two CI jobs on one
 * checkout or a laptop run beside a scheduled one would start them. Without the lock both read
 * poam.jsonl and out/index.json at the start and wrote them at the end: a POA&M id given to two
 * weaknesses, index entries lost. Now the second refuses naming the holder, or with --wait says
 * whom it waits for and then runs; either way what is left is what the two runs give one after the
 * other, byte for byte.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startCli } from '../support/cli.js';
import { repoRoot } from '../support/paths.js';
import { poamWeaknesses, recordSnapshot } from '../support/workspace.js';

const T1 = '2026-11-28T12:00:00Z';
const T2 = '2026-11-29T12:00:00Z';
/** Two jobs rendering different definitions: each writes its own entries into the one index. */
const JOB_A = ['reports/nist-800-171-gap.yaml', '--format', 'md', '--format', 'json', '--at', T2];
const JOB_B = ['reports/poam-status.yaml', 'reports/remediation-by-team.yaml', '--format', 'md', '--format', 'json', '--at', T2];
const scratch = mkdtempSync(join(tmpdir(), 'infracast-concurrency-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let base = '';
let counter = 0;
function copy(): string {
  const dir = join(scratch, `ws-${++counter}`);
  cpSync(base, dir, { recursive: true });
  return dir;
}

/** What the two jobs leave when run one after the other, in that order. */
const sequential = new Map<string, { files: Record<string, string>; poam: Record<string, string> }>();
function oneAfterTheOther(first: string[], second: string[]): { files: Record<string, string>; poam: Record<string, string> } {
  const key = `${first.join(' ')} | ${second.join(' ')}`;
  if (!sequential.has(key)) {
    const dir = copy();
    for (const job of [first, second]) assert.equal(runCli(['render', ...job], { cwd: dir }).status, 0);
    sequential.set(key, { files: recordSnapshot(dir), poam: poamWeaknesses(dir) });
  }
  return sequential.get(key)!;
}

function indexedDefinitions(dir: string): string[] {
  const index = JSON.parse(readFileSync(join(dir, 'out', 'index.json'), 'utf8')) as { items: { definition: string }[] };
  // Each item names its definition file.
  return [...new Set(index.items.map((i) => i.definition))].sort();
}

before(() => {
  base = join(scratch, 'base');
  assert.equal(runCli(['init', '--example', 'acme', base], { cwd: repoRoot }).status, 0);
  // A smaller estate keeps each run about a second; the collector's and Trivy's findings suffice.
  for (const gone of ['reports/evidence-oct-nov-2026.yaml', 'findings/prowler', 'findings/securityhub']) rmSync(join(base, gone), { recursive: true });
  // Last month's run: the state the two jobs both start from.
  const first = runCli(
    ['render', 'reports/nist-800-171-gap.yaml', 'reports/poam-status.yaml', 'reports/remediation-by-team.yaml', '--format', 'md', '--at', T1],
    { cwd: base },
  );
  assert.equal(first.status, 0, first.stderr);
});

for (const [where, env] of [
  ['on a laptop', { GITHUB_ACTIONS: '' }],
  ['in CI (two jobs on one checkout)', { GITHUB_ACTIONS: 'true', CI: 'true' }],
] as const) {
  describe(`two renders of one workspace at once, ${where}`, () => {
    it('the second refuses at once, naming the holder, and changes nothing', async () => {
      const dir = copy();
      const holder = startCli(['render', ...JOB_A], { cwd: dir, env });
      // Findings are imported under the lock: from here on the first run holds it. Stopped there (a
      // slow run), it holds it for as long as the second takes, whatever the machine's speed.
      await holder.waitFor(/imported /);
      process.kill(holder.pid, 'SIGSTOP');
      const second = await startCli(['render', ...JOB_B], { cwd: dir, env }).done;
      process.kill(holder.pid, 'SIGCONT');
      assert.equal(second.status, 3, second.stdout + second.stderr);
      assert.match(second.stderr, new RegExp(`the workspace is being written by infracast render \\(pid ${holder.pid} on ${hostname()}, since 20\\d\\d-`));
      assert.match(second.stderr, /\[WORKSPACE_LOCKED\]/);
      assert.match(second.stderr, /--wait/);
      assert.doesNotMatch(second.stderr, /\n\s+at /, 'no stack trace');
      assert.equal((await holder.done).status, 0);
      const alone = copy();
      assert.equal(runCli(['render', ...JOB_A], { cwd: alone }).status, 0);
      assert.deepEqual(recordSnapshot(dir), recordSnapshot(alone), 'what the first run alone leaves');
    });

    it('with --wait both start together, one waits saying for whom, and the result is the two runs in turn', async () => {
      const dir = copy();
      const a = startCli(['render', ...JOB_A, '--wait', '120'], { cwd: dir, env });
      const b = startCli(['render', ...JOB_B, '--wait', '120'], { cwd: dir, env });
      // Whichever holds the lock first is stopped (a slow run) until the other says it waits: a fixed
      // pause lost the race on a loaded machine, where the other reached the lock only after it.
      const holder = await Promise.race([a, b].map((run) => run.waitFor(/imported /).then(() => run)));
      const other = holder === a ? b : a;
      process.kill(holder.pid, 'SIGSTOP');
      await Promise.race([other.waitFor(/^waiting: /m), new Promise((resolve) => setTimeout(resolve, 60_000))]).catch(() => undefined);
      process.kill(holder.pid, 'SIGCONT');
      const [ra, rb] = await Promise.all([a.done, b.done]);
      assert.equal(ra.status, 0, ra.stderr);
      assert.equal(rb.status, 0, rb.stderr);
      const waited = [ra, rb].filter((r) => /^waiting: /m.test(r.stderr));
      assert.equal(waited.length, 1, `exactly one waited:\n${ra.stderr}\n---\n${rb.stderr}`);
      const first = waited[0] === rb ? a : b;
      assert.equal(first, holder);
      assert.match(waited[0]!.stderr, new RegExp(`^waiting: the workspace is being written by infracast render \\(pid ${first.pid} on `, 'm'));
      const expected = oneAfterTheOther(first === a ? JOB_A : JOB_B, first === a ? JOB_B : JOB_A);
      assert.deepEqual(poamWeaknesses(dir), expected.poam, 'every POA&M id names the weakness it names when the jobs run in turn');
      assert.deepEqual(
        indexedDefinitions(dir),
        ['reports/nist-800-171-gap.yaml', 'reports/poam-status.yaml', 'reports/remediation-by-team.yaml'],
        'no index entry lost',
      );
      assert.deepEqual(recordSnapshot(dir), expected.files, 'byte for byte the two runs in turn');
    });
  });
}
