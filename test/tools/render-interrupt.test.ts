/**
 * Ctrl-C during a real render of a PDF-heavy definition (issue 14): the acme NIST SP 800-53
 * framework report (about 120 pages) printed by real Chromium. Interrupted while Chromium starts
 * (a terminal sends SIGINT to the whole process group, Chromium included: the run used to wait 30 s
 * on puppeteer) and while it prints, the render exits 130 within 2 s, leaves no browser, profile,
 * staging folder or lock behind, writes nothing (no FAILED row in `infracast list`), and the next
 * run works.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { noBrowserReason } from '../support/pdf.js';
import { binPath, examplesDir } from '../support/paths.js';
import { copyWorkspace } from '../support/workspace.js';

const env = { SOURCE_DATE_EPOCH: String(Date.parse('2026-11-29T12:00:00Z') / 1000) };

/** The direct children of a process (Linux /proc). */
function children(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** Whether a process runs (a zombie has ended). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const commandOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

async function until(test: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (test()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return test();
}

/**
 * Renders the framework report as PDF, sends SIGINT `afterMs` after Chromium appears (to the process
 * group, as a terminal does, or to the render alone), and reports how the run ended.
 */
async function interrupt(root: string, afterMs: number, target: 'group' | 'process') {
  const child = spawn(process.execPath, [binPath, 'render', 'reports/nist-800-53-moderate.yaml', '--format', 'pdf'], {
    cwd: root,
    env: { ...process.env, ...env, GITHUB_ACTIONS: '', NO_COLOR: '1' },
    detached: true,
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  const pid = child.pid!;
  const browsers: number[] = [];
  const seen = await until(() => {
    browsers.push(...children(pid).filter((c) => /chrom/i.test(commandOf(c)) && !browsers.includes(c)));
    return browsers.length > 0;
  }, 60_000);
  assert.ok(seen, `Chromium never started: ${output}`);
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  const sentAt = Date.now();
  if (target === 'group') process.kill(-pid, 'SIGINT');
  else process.kill(pid, 'SIGINT');
  const { code, at } = await exited;
  return { code, stoppedMs: at - sentAt, output, pid, browsers };
}

describe('Ctrl-C during a real PDF render', { skip: noBrowserReason() }, () => {
  for (const [when, afterMs, target] of [
    ['while Chromium starts, sent to the process group as a terminal does', 50, 'group'],
    ['while Chromium prints, sent to the render alone', 1_500, 'process'],
  ] as const) {
    it(`${when}: exit 130 within 2 s, nothing written, nothing left behind`, async (t) => {
      const root = copyWorkspace(join(examplesDir, 'acme'));
      try {
        const run = await interrupt(root, afterMs, target);
        assert.equal(run.code, 130, run.output);
        t.diagnostic(`stopped ${run.stoppedMs} ms after Ctrl-C`);
        assert.ok(run.stoppedMs < 2_000, `stopped ${run.stoppedMs} ms after Ctrl-C`);
        assert.match(run.output, /interrupted: nothing of this run was written/);
        assert.doesNotMatch(run.output, /\n\s+at \S+ \(/, 'no stack trace');
        // No browser outlives the run, nor its profile folder.
        assert.ok(await until(() => run.browsers.every((b) => !running(b)), 2_000), `Chromium still runs: ${run.browsers.filter(running).join(', ')}`);
        assert.deepEqual(
          readdirSync(tmpdir()).filter((n) => n.startsWith(`infracast-chromium-${run.pid}-`)),
          [],
        );
        // Nothing written: no output folder (so no staging folder, no index), the state as it was, the lock released.
        assert.ok(!existsSync(join(root, 'out')), `out/ holds ${existsSync(join(root, 'out')) ? readdirSync(join(root, 'out')).join(', ') : ''}`);
        assert.deepEqual(readdirSync(join(root, '.infracast')).sort(), ['.gitattributes', '.gitignore', 'version.json']);
        const list = runCli(['list'], { cwd: root, env });
        assert.equal(list.status, 0, list.stderr);
        assert.doesNotMatch(list.stdout, /FAILED/);
        // The workspace is free for the next run.
        const next = runCli(['render', 'reports/nist-800-53-moderate.yaml', '--format', 'md'], { cwd: root, env });
        assert.equal(next.status, 0, next.stderr);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }
});
