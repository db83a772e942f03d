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
