/** Runs the real CLI (bin/run.js) in a child process, as a user would. */
import { spawn, spawnSync } from 'node:child_process';
import { binPath } from './paths.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const env = { ...process.env, GITHUB_ACTIONS: '', NO_COLOR: '1', ...options.env };
  const result = spawnSync(process.execPath, [binPath, ...args], { cwd: options.cwd ?? process.cwd(), env, encoding: 'utf8' });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export interface CliProcess {
  pid: number;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves once the output so far matches. */
  waitFor(pattern: RegExp): Promise<void>;
  /** Kills it with SIGKILL, as `kill -9` would. */
  kill(): void;
  done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
}

/** The CLI in a child process that the test watches while it runs (to start another beside it, or to kill it). */
export function startCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliProcess {
  const env = { ...process.env, GITHUB_ACTIONS: '', NO_COLOR: '1', ...options.env };
  const child = spawn(process.execPath, [binPath, ...args], { cwd: options.cwd ?? process.cwd(), env });
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  const seen = (): void => {
    for (const w of [...watchers])
      if (w.pattern.test(stdout + stderr)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((stdout += chunk), seen()));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => ((stderr += chunk), seen()));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ status: code ?? -1, signal, stdout, stderr })),
  );
  return {
    pid: child.pid ?? -1,
    output: () => stdout + stderr,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        watchers.push({ pattern, resolve });
        seen();
        void done.then(() => reject(new Error(`the CLI ended before its output matched ${String(pattern)}:\n${stdout}${stderr}`)));
      }),
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
    done,
  };
}

/**
 * The CLI in a child process without blocking this one: for tests whose loopback servers (a TSA,
 * the Sigstore stand-ins) live in the test process and must answer while the CLI runs.
 */
export async function runCliAsync(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const { status, stdout, stderr } = await startCli(args, options).done;
  return { status, stdout, stderr };
}
