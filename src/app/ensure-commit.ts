/**
 * A commit the pull-request diff compares against must be in the clone. actions/checkout fetches
 * one commit by default (fetch-depth: 1): the pull request's base commit is then absent, and is
 * fetched here, alone (--depth=1: its tree is all the diff reads), with the reason logged.
 * `fetch-depth: 0` in the workflow makes the fetch unnecessary.
 */
import { execFile } from 'node:child_process';
import { ExitCode, InfracastError } from '../errors.js';

export interface GitRun {
  (cwd: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** git with these arguments in cwd; never throws for a non-zero exit (the caller reads the code). */
export const runGit: GitRun = (cwd, args) =>
  new Promise((resolve) => {
    execFile('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 128) : 0;
      resolve({ code, stdout, stderr: stderr || (error && typeof error.code !== 'number' ? error.message : '') });
    });
  });

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

export interface EnsureCommitOptions {
  /** A folder of the clone. */
  repoDir: string;
  /** The full commit id (40 or 64 hex digits). */
  sha: string;
  /** What the commit is, for the log and messages (e.g. "the pull request's base commit"). */
  role: string;
  remote?: string;
  git?: GitRun;
  onLog?: (line: string) => void;
}

/** true when the commit had to be fetched; throws a plain error when it cannot be had. */
export async function ensureCommit(options: EnsureCommitOptions): Promise<boolean> {
  const git = options.git ?? runGit;
  const remote = options.remote ?? 'origin';
  if (!SHA.test(options.sha))
    throw new InfracastError('USAGE', `${options.role} ${JSON.stringify(options.sha)} is not a full commit id`, {
      hints: ['The pull_request event names its base and head commits by their full ids; check the event payload.'],
    });
  if ((await git(options.repoDir, ['cat-file', '-e', `${options.sha}^{commit}`])).code === 0) return false;
  options.onLog?.(
    `${options.role} ${options.sha.slice(0, 12)} is not in the clone (a shallow actions/checkout fetches one commit): fetching it from ${remote}. fetch-depth: 0 on actions/checkout avoids this fetch.`,
  );
  const fetched = await git(options.repoDir, ['fetch', '--no-tags', '--depth=1', remote, options.sha]);
  if (fetched.code !== 0 || (await git(options.repoDir, ['cat-file', '-e', `${options.sha}^{commit}`])).code !== 0)
    throw new InfracastError(
      'USAGE',
      `${options.role} ${options.sha.slice(0, 12)} could not be fetched from ${remote}: ${fetched.stderr.trim().split('\n').pop() ?? ''}`,
      {
        exitCode: ExitCode.Environment,
        hints: ['Check out with actions/checkout and fetch-depth: 0, so that the base commit is in the clone.'],
      },
    );
  return true;
}

/** The commit the clone has checked out (on a pull_request event: the merge of head into base). */
export async function checkedOutCommit(repoDir: string, git: GitRun = runGit): Promise<string> {
  const head = await git(repoDir, ['rev-parse', '--verify', 'HEAD^{commit}']);
  if (head.code !== 0)
    throw new InfracastError('USAGE', `${repoDir} is not a git checkout with a commit: ${head.stderr.trim()}`, {
      hints: ['Run actions/checkout before this step.'],
    });
  return head.stdout.trim();
}

/** The top of the clone's working tree (annotations are relative to it), or undefined outside git. */
export async function repositoryRoot(dir: string, git: GitRun = runGit): Promise<string | undefined> {
  const top = await git(dir, ['rev-parse', '--show-toplevel']);
  return top.code === 0 ? top.stdout.trim() : undefined;
}
