/** Runs the real CLI (bin/run.js) in a child process, as a user would. */
import { spawnSync } from 'node:child_process';
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

/**
 * The CLI in a child process without blocking this one: for tests whose loopback servers (a TSA,
 * the Sigstore stand-ins) live in the test process and must answer while the CLI runs.
 */
export async function runCliAsync(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const { spawn } = await import('node:child_process');
  const env = { ...process.env, GITHUB_ACTIONS: '', NO_COLOR: '1', ...options.env };
  const child = spawn(process.execPath, [binPath, ...args], { cwd: options.cwd ?? process.cwd(), env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const status = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return { status, stdout, stderr };
}
