/** Real git repositories for tests: `git init` in a folder and commits at a fixed date. */
import { spawnSync } from 'node:child_process';

/** Runs git in `cwd` with a fixed identity (and, given a date, fixed author and committer dates); throws on failure. */
export function git(cwd: string, args: string[], date?: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1' };
  if (date) Object.assign(env, { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  const result = spawnSync(
    'git',
    ['-c', 'user.name=Infracast Tests', '-c', 'user.email=tests@infracast.invalid', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args],
    { cwd, env, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** `git init` and a first commit of everything in `cwd`, committed at `date` (RFC 3339). */
export function initRepository(cwd: string, date: string): void {
  git(cwd, ['init', '-q']);
  commitAll(cwd, date, 'first');
}

/** Commits everything in `cwd` at `date`. */
export function commitAll(cwd: string, date: string, message: string): void {
  git(cwd, ['add', '-A']);
  git(cwd, ['commit', '-q', '-m', message], date);
}
