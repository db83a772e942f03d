/**
 * Browser discovery (DESIGN.md "Runtime": found, never downloaded): CHROME_PATH first, snap shims
 * skipped, BROWSER_NOT_FOUND with exit 3 and the fix when there is none. No browser is needed:
 * candidates are injected, and the not-found case runs in a child process with PATH stripped.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ExitCode, isInfracastError } from '../../src/errors.js';
import { browserCandidates, findBrowser, isSnapShim } from '../../src/io/browser.js';
import { repoRoot } from '../support/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'infracast-browser-'));
const fake = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
};

describe('browser discovery', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('takes CHROME_PATH, then PUPPETEER_EXECUTABLE_PATH, then the usual places in order', () => {
    const a = fake('chrome-a', '#!/bin/sh\nexec true\n');
    const b = fake('chrome-b', '#!/bin/sh\nexec true\n');
    assert.equal(findBrowser({ env: { CHROME_PATH: a, PUPPETEER_EXECUTABLE_PATH: b }, candidates: [] }), a);
    assert.equal(findBrowser({ env: { PUPPETEER_EXECUTABLE_PATH: b }, candidates: [a] }), b);
    // A browser named explicitly but missing is an error, never a silent fall-back to another one.
    assert.throws(() => findBrowser({ env: { CHROME_PATH: join(dir, 'missing') }, candidates: [b] }), /CHROME_PATH=.*missing is not an executable file/);
    assert.equal(findBrowser({ env: {}, candidates: [join(dir, 'nope'), b] }), b);
    assert.ok(browserCandidates('linux').includes('/usr/bin/chromium'));
    assert.ok(browserCandidates('darwin').some((c) => c.includes('Google Chrome.app')));
  });

  it("skips Ubuntu's chromium-browser snap shim, saying why", () => {
    const shim = fake(
      'chromium-browser',
      '#! /bin/sh\nif ! [ -x /snap/bin/chromium ]; then\n  echo "Command \'$0\' requires the chromium snap to be installed." >&2\n  exit 1\nfi\nexec /snap/bin/chromium "$@"\n',
    );
    assert.equal(isSnapShim(shim), true);
    // Debian's /usr/bin/chromium is a launcher script too, but a working one.
    assert.equal(isSnapShim(fake('chromium', '#!/bin/sh\nLIBDIR=/usr/lib/chromium\nexec $LIBDIR/chromium "$@"\n')), false);
    try {
      findBrowser({ env: {}, candidates: [shim] });
      assert.fail('a shim is no browser');
    } catch (error) {
      assert.ok(isInfracastError(error));
      assert.equal(error.code, 'BROWSER_NOT_FOUND');
      assert.match(error.message, /snap/);
    }
  });

  it('fails with BROWSER_NOT_FOUND, exit 3 and how to install one, when CHROME_PATH points nowhere and none is found', () => {
    // A child process with PATH stripped that renders a PDF through a session whose discovery
    // finds nothing: the error must reach the caller (the render use case) as an environment error.
    const script = `
      const { withBrowserSession } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist/src/io/browser.js')).href)});
      try {
        await withBrowserSession((s) => s.printPdf('<p>x</p>', {}), { candidates: ['/nowhere/chromium'] });
        process.exit(0);
      } catch (error) {
        process.stdout.write(JSON.stringify(error));
        process.exit(error.exitCode ?? 1);
      }`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: '', CHROME_PATH: '/nowhere/chrome', HOME: dir },
    });
    assert.equal(result.status, ExitCode.Environment, result.stderr);
    const error = JSON.parse(result.stdout) as { code: string; message: string; hints: string[] };
    assert.equal(error.code, 'BROWSER_NOT_FOUND');
    assert.match(error.message, /CHROME_PATH=\/nowhere\/chrome/);
    assert.ok(error.hints.some((h) => /apt-get install chromium/.test(h)));
    assert.ok(error.hints.some((h) => /CHROME_PATH/.test(h)));
  });
});
