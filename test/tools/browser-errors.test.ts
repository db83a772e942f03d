/**
 * Browser failures in plain words (issue 14), with real programs: a "browser" that the dynamic
 * loader cannot start (an executable linked against a shared library that is then removed, built
 * with the machine's C compiler), and real Chromium killed while it prints. Each gives an
 * InfracastError (exit 3) naming what happened and the fix, never a stack trace; the formats that
 * need no browser are published all the same, and a crashed browser is not reused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isInfracastError } from '../../src/errors.js';
import { openBrowserSession } from '../../src/io/browser.js';
import { runCli } from '../support/cli.js';
import { noBrowserReason } from '../support/pdf.js';
import { findTool } from '../support/tools.js';
import { makeWorkspace } from '../support/workspace.js';

const env = { SOURCE_DATE_EPOCH: String(Date.parse('2026-11-29T12:00:00Z') / 1000) };
const dir = mkdtempSync(join(tmpdir(), 'infracast-browser-errors-'));

/** An executable that needs libinfracast-absent.so, which is built, linked against, then removed. */
function missingLibraryExecutable(cc: string): string {
  writeFileSync(join(dir, 'absent.c'), 'int infracast_absent(void) { return 0; }\n');
  writeFileSync(join(dir, 'main.c'), 'int infracast_absent(void);\nint main(void) { return infracast_absent(); }\n');
  const lib = spawnSync(cc, ['-shared', '-fPIC', '-o', join(dir, 'libinfracast-absent.so'), join(dir, 'absent.c')], { encoding: 'utf8' });
  assert.equal(lib.status, 0, lib.stderr);
  const exe = spawnSync(cc, ['-o', join(dir, 'chrome'), join(dir, 'main.c'), `-L${dir}`, '-linfracast-absent'], { encoding: 'utf8' });
  assert.equal(exe.status, 0, exe.stderr);
  rmSync(join(dir, 'libinfracast-absent.so'));
  return join(dir, 'chrome');
}

describe('browser failures in plain words', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a browser missing a shared library: the PDF fails naming the library and how to install it; md is published; exit 3', (t) => {
    const cc = findTool('cc', 'gcc', 'clang');
    if (!cc) {
      const reason = 'no C compiler to build an executable with a missing library (scripts/setup.sh --tests installs gcc)';
      if (process.env.CI) throw new Error(`${reason}; CI must have one`);
      return t.skip(reason);
    }
    const chrome = missingLibraryExecutable(cc);
    // What the dynamic loader says (the message the translation reads).
    assert.match(spawnSync(chrome, [], { encoding: 'utf8' }).stderr, /error while loading shared libraries: libinfracast-absent\.so/);
    const root = makeWorkspace({ 'reports/gap.yaml': 'type: gap\nframework: nist-800-53\nbaseline: low\nformats: [md, pdf]\n' });
    try {
      const result = runCli(['render'], { cwd: root, env: { ...env, CHROME_PATH: chrome } });
      assert.equal(result.status, 3, result.stdout + result.stderr);
      const message = `the browser ${chrome} cannot start: the shared library libinfracast-absent.so is not installed`;
      assert.ok(result.stdout.includes(`FAILED: ${message}`), result.stdout);
      assert.match(result.stderr, /hint: Install the browser with its libraries: `sudo apt-get install chromium`/);
      assert.ok(result.stderr.includes(`\`ldd ${chrome} | grep "not found"\``), result.stderr);
      assert.doesNotMatch(result.stdout + result.stderr, /Protocol error|Target closed|\n\s+at \S+/, 'puppeteer words or a stack trace');
      assert.deepEqual(readdirSync(join(root, 'out', 'gap')).sort(), ['.infracast-published.json', 'gap.md']);
      const json = runCli(['render', '--json'], {
        cwd: root,
        env: { ...env, CHROME_PATH: chrome, SOURCE_DATE_EPOCH: String(Number(env.SOURCE_DATE_EPOCH) + 60) },
      });
      const report = (JSON.parse(json.stdout) as { reports: { error: { code: string; message: string; hints: string[] } }[] }).reports[0]!;
      assert.equal(report.error.code, 'BROWSER_LAUNCH_FAILED');
      assert.equal(report.error.message, `pdf: ${message}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it(
    'Chromium killed while it prints: BROWSER_CRASHED (exit 3) with what to do; the next print starts a new browser',
    { skip: noBrowserReason() },
    async () => {
      const session = openBrowserSession();
      try {
        // The browser is started first (a slow machine may take seconds to launch it, and a kill
        // then is a launch failure, not a crash); then a long document is under way when it is killed.
        await session.printPdf('<p>before the crash</p>');
        const html = `<!doctype html><body>${'<p>A paragraph of a long report, repeated to keep the printer busy.</p>'.repeat(60_000)}</body>`;
        const printing = session.printPdf(html);
        const children = (): number[] =>
          readdirSync(`/proc/${process.pid}/task`).flatMap((task) =>
            readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
          );
        const chromium = (): number | undefined => children().find((pid) => /chrom/i.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8')));
        const deadline = Date.now() + 60_000;
        while (!chromium() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        await new Promise((resolve) => setTimeout(resolve, 300));
        process.kill(chromium()!, 'SIGKILL');
        const error = await printing.then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(isInfracastError(error), String(error));
        assert.equal(error.code, 'BROWSER_CRASHED');
        assert.equal(error.exitCode, 3);
        assert.match(error.message, /^the browser \S+ stopped while printing the PDF \(/);
        assert.ok(error.hints.some((h) => /out of memory/.test(h)));
        const again = await session.printPdf('<p>after the crash</p>');
        assert.equal(Buffer.from(again.pdf.subarray(0, 5)).toString('latin1'), '%PDF-');
      } finally {
        await session.close();
      }
    },
  );
});
