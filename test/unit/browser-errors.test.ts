/**
 * The translation of puppeteer's errors into plain InfracastErrors (src/io/browser-errors.ts), on
 * the error classes puppeteer itself throws: a start or a print that timed out, a browser gone
 * under a page, a sandbox that would not start, and an unknown start failure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionClosedError, ProtocolError, TimeoutError } from 'puppeteer-core';
import { isInterrupted, interruptedError, launchError, printError } from '../../src/io/browser-errors.js';

const CHROME = '/usr/bin/chromium';

describe('browser errors in plain words', () => {
  it('a start that timed out: BROWSER_TIMEOUT saying how long it waited', () => {
    const error = launchError(new TimeoutError('Timed out after 60000 ms while waiting for the WS endpoint URL to appear in stdout!'), CHROME, '');
    assert.equal(error.code, 'BROWSER_TIMEOUT');
    assert.equal(error.exitCode, 3);
    assert.equal(error.message, 'the browser /usr/bin/chromium did not start within 60 s');
  });

  it('a missing library, a sandbox that will not start, anything else: BROWSER_LAUNCH_FAILED with the reason from its stderr', () => {
    // What puppeteer 24 throws (a TargetCloseError, a ProtocolError) when the browser exits while it starts.
    const closed = new ProtocolError('Protocol error (Target.setDiscoverTargets): Target closed');
    const library = launchError(
      closed,
      CHROME,
      '/usr/lib/chromium/chromium: error while loading shared libraries: libnss3.so: cannot open shared object file: No such file or directory\n',
    );
    assert.equal(library.code, 'BROWSER_LAUNCH_FAILED');
    assert.equal(library.message, 'the browser /usr/bin/chromium cannot start: the shared library libnss3.so is not installed');
    assert.equal(library.cause, closed);
    const sandbox = launchError(
      closed,
      CHROME,
      '[1:1:1201/000000.000000:FATAL:zygote_host_impl_linux.cc(128)] No usable sandbox! If you are running on Ubuntu 23.10+ ...\n',
    );
    assert.match(sandbox.message, /^the browser \/usr\/bin\/chromium cannot start its sandbox: .*No usable sandbox!/);
    assert.ok(sandbox.hints.some((h) => /user namespaces/.test(h)));
    const other = launchError(closed, CHROME, 'some warning\n[2:2:0:ERROR:platform.cc] Failed to open the display\n');
    assert.equal(other.message, 'the browser /usr/bin/chromium cannot start: [2:2:0:ERROR:platform.cc] Failed to open the display');
    assert.equal(
      launchError(closed, CHROME, '').message,
      'the browser /usr/bin/chromium cannot start: Protocol error (Target.setDiscoverTargets): Target closed',
    );
    for (const error of [library, sandbox, other]) assert.ok(error.hints.some((h) => /CHROME_PATH/.test(h)));
  });

  it('while printing: a timeout is BROWSER_TIMEOUT, a browser gone is BROWSER_CRASHED; both exit 3 with hints', () => {
    const timeout = printError(new TimeoutError('Waiting failed: 120000ms exceeded'), CHROME, 120);
    assert.equal(timeout.code, 'BROWSER_TIMEOUT');
    assert.equal(timeout.message, 'the browser /usr/bin/chromium did not finish printing the PDF within 120 s');
    for (const gone of [new ProtocolError('Protocol error (Page.printToPDF): Target closed'), new ConnectionClosedError('Connection closed.')]) {
      const error = printError(gone, CHROME, 120);
      assert.equal(error.code, 'BROWSER_CRASHED');
      assert.equal(error.exitCode, 3);
      assert.match(error.message, /^the browser \/usr\/bin\/chromium stopped while printing the PDF \((Protocol error|Connection closed)/);
      assert.ok(error.hints.some((h) => /memory/.test(h)));
    }
    // An InfracastError (the browser not found) passes through as it is.
    const interrupted = interruptedError();
    assert.equal(printError(interrupted, CHROME, 120), interrupted);
    assert.ok(isInterrupted(interrupted));
    assert.ok(!isInterrupted(timeout));
  });
});
