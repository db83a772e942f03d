/**
 * What goes wrong with the browser, in words a user can act on (issue 14). puppeteer reports a
 * browser that cannot start, crashes or hangs as protocol errors ("Protocol error
 * (Target.setDiscoverTargets): Target closed") with a stack; these become InfracastErrors (exit 3)
 * that say what happened and how to fix it. The PDF of the definition fails with that message;
 * the definition's other formats need no browser and are published all the same.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, InfracastError } from '../errors.js';

/** The browser could not be used because the run was stopped (Ctrl-C, SIGTERM): not a failure of the report. */
export function interruptedError(): InfracastError {
  // Exit 130 is the render command's (result.interrupted), not this error's.
  return new InfracastError('INTERRUPTED', 'interrupted: the browser was closed before the PDF was printed');
}

export function isInterrupted(error: unknown): boolean {
  return error instanceof InfracastError && error.code === 'INTERRUPTED';
}

const firstLine = (text: string): string => (text.split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 300);

/** The browser's name in messages: the path it was started from. */
const named = (executablePath: string): string => `the browser ${executablePath}`;

const OTHER_BROWSER = 'Or set CHROME_PATH to another Chrome or Chromium that starts here (CHROME_PATH=/path/to/chrome infracast render ...).';

/**
 * What the browser prints when started the way puppeteer starts it. Puppeteer talks to it over a
 * pipe and never shows its stderr, where the reason is ("error while loading shared libraries:
 * libnss3.so", "No usable sandbox!"): it is run once more, briefly, to read it.
 */
export function diagnoseLaunch(executablePath: string, args: readonly string[]): string {
  const profile = mkdtempSync(join(tmpdir(), 'infracast-chromium-diagnose-'));
  try {
    const run = spawnSync(executablePath, ['--headless', `--user-data-dir=${profile}`, ...args, '--dump-dom', 'about:blank'], {
      encoding: 'utf8',
      timeout: 15_000,
      killSignal: 'SIGKILL',
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (run.error) return run.error.message;
    return run.stderr ?? '';
  } finally {
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** A browser that did not start: the reason read from its stderr (`diagnosis`), else what puppeteer said. */
export function launchError(error: unknown, executablePath: string, diagnosis: string): InfracastError {
  const cause = error;
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new InfracastError('BROWSER_TIMEOUT', `${named(executablePath)} did not start within ${startSeconds(error)} s`, {
      exitCode: ExitCode.Environment,
      cause,
      hints: ['The machine may be overloaded: render again when it is quieter.', OTHER_BROWSER],
    });
  }
  const library = /error while loading shared libraries: ([^:\s]+)/.exec(diagnosis)?.[1];
  if (library) {
    return new InfracastError('BROWSER_LAUNCH_FAILED', `${named(executablePath)} cannot start: the shared library ${library} is not installed`, {
      exitCode: ExitCode.Environment,
      cause,
      hints: [
        'Install the browser with its libraries: `sudo apt-get install chromium` (Debian, Ubuntu) brings them all; ' +
          `\`ldd ${executablePath} | grep "not found"\` lists every missing one.`,
        OTHER_BROWSER,
      ],
    });
  }
  if (/no usable sandbox|setuid sandbox|without --no-sandbox|namespace/i.test(diagnosis)) {
    return new InfracastError(
      'BROWSER_LAUNCH_FAILED',
      `${named(executablePath)} cannot start its sandbox: ${firstLine(diagnosis.slice(diagnosis.search(/\S/)))}`,
      {
        exitCode: ExitCode.Environment,
        cause,
        hints: [
          'Allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; in Docker, run with --security-opt seccomp=unconfined or as root, where Infracast turns the sandbox off).',
          OTHER_BROWSER,
        ],
      },
    );
  }
  const said =
    firstLine(
      diagnosis
        .split('\n')
        .filter((line) => /error|fatal|cannot|failed/i.test(line))
        .join('\n'),
    ) || firstLine(String((error as Error)?.message ?? error));
  return new InfracastError('BROWSER_LAUNCH_FAILED', `${named(executablePath)} cannot start${said ? `: ${said}` : ''}`, {
    exitCode: ExitCode.Environment,
    cause,
    hints: [`Check that it runs: ${executablePath} --headless --dump-dom about:blank`, OTHER_BROWSER],
  });
}

function startSeconds(error: Error): number {
  const ms = /(\d+)\s*ms/.exec(error.message)?.[1];
  return ms ? Math.round(Number(ms) / 1000) : 60;
}

/** Messages puppeteer gives when the browser went away under a page (it crashed, was killed, ran out of memory). */
const GONE = /target closed|session closed|connection closed|page crashed|browser has disconnected|frame was detached|websocket is not open|not opened/i;

/** An error met while printing, once the browser had started. */
export function printError(error: unknown, executablePath: string, timeoutSeconds: number): InfracastError {
  if (error instanceof InfracastError) return error;
  const message = String((error as Error)?.message ?? error);
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new InfracastError('BROWSER_TIMEOUT', `${named(executablePath)} did not finish printing the PDF within ${timeoutSeconds} s`, {
      exitCode: ExitCode.Environment,
      cause: error,
      hints: [
        'The machine may be overloaded, or the report very large: render it again, alone (infracast render <definition file>).',
        'Ask for fewer rows where the definition allows it (e.g. options.max_findings_per_control).',
      ],
    });
  }
  if (GONE.test(message)) {
    return new InfracastError('BROWSER_CRASHED', `${named(executablePath)} stopped while printing the PDF (${firstLine(message)})`, {
      exitCode: ExitCode.Environment,
      cause: error,
      hints: [
        'It may have run out of memory: close other programs, or give the container more memory and a larger /dev/shm, then render again.',
        OTHER_BROWSER,
      ],
    });
  }
  return new InfracastError('BROWSER_CRASHED', `${named(executablePath)} failed while printing the PDF: ${firstLine(message)}`, {
    exitCode: ExitCode.Environment,
    cause: error,
    hints: ['Render again; if it fails the same way, report it with the definition file and the browser version (chromium --version).'],
  });
}
