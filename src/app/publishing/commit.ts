/**
 * Commits a run's outputs and its state folder to the repository and pushes them (the Action's
 * `publish: commit`). Exactly the paths given are staged (never a folder of outputs: a withheld CUI
 * artifact lying in out/ must not ride along), nothing is committed when none of them changed, the
 * commit names each schedule and slot in git trailers, and a push rejected because someone pushed
 * first is retried after `git pull --rebase`. A rebase that conflicts is aborted before the error
 * is raised, so the repository is never left mid-rebase.
 *
 * git runs through simple-git (loaded only here), which strips GIT_* variables from the
 * environment: the repository's own configuration (on a runner, the credentials actions/checkout
 * persisted) is what git uses.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { ExitCode, InfracastError } from '../../errors.js';

/** The identity GitHub shows as github-actions[bot] (its user id 41898282). */
export const BOT_AUTHOR = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' } as const;

export interface Trailer {
  /** A trailer token: letters, digits and '-', e.g. Infracast-Schedule. */
  key: string;
  /** One line. */
  value: string;
}

export interface CommitOutputsOptions {
  /** Any folder inside the repository's working tree (its top is found with git). */
  repoDir: string;
  /** What `paths` are relative to (the workspace; default repoDir). */
  workspace?: string;
  /** Files and folders to stage, relative to `workspace` or absolute. A path that neither exists nor is tracked is skipped. */
  paths: readonly string[];
  /** The commit's subject (and body). */
  message: string;
  /** Appended with git's trailer format, in order (one Infracast-Schedule / Infracast-Slot pair per schedule). */
  trailers?: readonly Trailer[];
  /** Author and committer; default github-actions[bot]. */
  author?: { name: string; email: string };
  /** The branch pushed to; default the checked-out branch. */
  branch?: string;
  /** Default origin. */
  remote?: string;
  /** false: commit only (default true). */
  push?: boolean;
  /** Pushes tried before giving up (default 5). */
  maxAttempts?: number;
  /** The wait before retry `attempt` (2, 3...) in milliseconds; default 1 s, 2 s, 4 s... capped at 15 s. */
  backoffMs?: (attempt: number) => number;
  onLog?: (line: string) => void;
}

export interface CommitOutputsResult {
  /** A commit was made (false: none of the paths changed). */
  committed: boolean;
  /** HEAD after the run: the commit made (rebased, if it was), as pushed. */
  sha?: string;
  pushed: boolean;
  /** Pushes tried (0 when nothing was committed or push is false). */
  attempts: number;
  /** Repository-relative paths the commit changed. */
  changed: string[];
  /** Paths not staged, and why (absent and untracked; ignored by .gitignore). */
  skipped: { path: string; reason: string }[];
}

const TRAILER_KEY = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/** The words git prints when a push lost the race with another push (then: pull --rebase, push again). */
// Not "failed to push some refs": git prints it for every refused push (a protected branch, a hook), which no retry fixes.
const CONCURRENT_PUSH = /\[rejected\]|\(fetch first\)|non-fast-forward|cannot lock ref|stale info/i;

export async function commitOutputs(options: CommitOutputsOptions): Promise<CommitOutputsResult> {
  const log = options.onLog ?? (() => undefined);
  for (const t of options.trailers ?? []) {
    if (!TRAILER_KEY.test(t.key) || /[\r\n]/.test(t.value) || t.value.trim() === '')
      throw failure(`commit trailer ${JSON.stringify(`${t.key}: ${t.value}`)} is not a trailer (a token key of letters, digits and '-', a one-line value)`);
  }
  if (options.message.trim() === '') throw failure('the commit message is empty');
  const author = options.author ?? BOT_AUTHOR;
  const { simpleGit } = await import('simple-git');
  const top = (await simpleGit({ baseDir: options.repoDir }).raw(['rev-parse', '--show-toplevel']).catch(gitFailure('find the repository'))).trim();
  const git = simpleGit({ baseDir: top, config: [`user.name=${author.name}`, `user.email=${author.email}`] });
  const workspace = resolve(options.workspace ?? options.repoDir);

  // Repository-relative POSIX paths, each checked: outside the repository is a caller's bug.
  const wanted = options.paths.map((path) => {
    const absolute = isAbsolute(path) ? path : resolve(workspace, path);
    const inRepo = relative(top, absolute);
    if (inRepo.startsWith('..') || isAbsolute(inRepo)) throw failure(`${path} is outside the repository ${top}`);
    return { path: inRepo === '' ? '.' : inRepo.split(sep).join('/'), absolute };
  });
  const skipped: CommitOutputsResult['skipped'] = [];
  const stage: string[] = [];
  for (const { path, absolute } of wanted) {
    if (!existsSync(absolute) && (await git.raw(['ls-files', '--', path])).trim() === '') {
      skipped.push({ path, reason: 'neither exists nor is tracked' });
      continue;
    }
    // Ignored files are not forced in: committing out/ is the repository's choice (.gitignore).
    if (existsSync(absolute) && (await isIgnored(git, path))) {
      skipped.push({ path, reason: 'ignored by .gitignore (remove the rule to commit it, or publish to a release)' });
      continue;
    }
    stage.push(path);
  }
  for (const s of skipped) log(`not committed: ${s.path}: ${s.reason}`);
  const result: CommitOutputsResult = { committed: false, pushed: false, attempts: 0, changed: [], skipped };
  if (stage.length === 0) return result;

  // -A: a tracked file that a run removed is committed as removed. Folders (the state folder) follow its .gitignore.
  await git.raw(['add', '-A', '--', ...stage]).catch(gitFailure('stage the outputs'));
  result.changed = (await git.raw(['diff', '--cached', '--name-only', '-z', '--', ...stage])).split('\0').filter(Boolean);
  if (result.changed.length === 0) {
    log('nothing changed: no commit');
    return result;
  }
  // Where to push is settled before committing: a detached HEAD fails here, with nothing committed.
  const remote = options.remote ?? 'origin';
  const branch = options.push === false ? '' : (options.branch ?? (await currentBranch(git)));
  // Only these paths: whatever else the index held stays staged, uncommitted.
  const trailerArgs = (options.trailers ?? []).flatMap((t) => ['--trailer', `${t.key}: ${t.value}`]);
  await git
    .raw(['-c', 'trailer.ifexists=add', 'commit', '--no-verify', '-m', options.message, ...trailerArgs, '--', ...result.changed])
    .catch(gitFailure('commit'));
  result.committed = true;
  result.sha = (await git.raw(['rev-parse', 'HEAD'])).trim();
  log(`committed ${result.sha.slice(0, 12)} (${result.changed.length} file${result.changed.length === 1 ? '' : 's'})`);
  if (options.push === false) return result;

  const attempts = Math.max(1, options.maxAttempts ?? 5);
  const backoff = options.backoffMs ?? ((attempt: number) => Math.min(15_000, 1000 * 2 ** (attempt - 2)));
  for (let attempt = 1; ; attempt++) {
    result.attempts = attempt;
    try {
      await git.raw(['push', remote, `HEAD:refs/heads/${branch}`]);
      result.pushed = true;
      result.sha = (await git.raw(['rev-parse', 'HEAD'])).trim();
      log(`pushed ${result.sha.slice(0, 12)} to ${remote} ${branch}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
      return result;
    } catch (error) {
      const text = messageOf(error);
      if (!CONCURRENT_PUSH.test(text)) throw failure(`git push to ${remote} ${branch} failed: ${text}`);
      if (attempt >= attempts)
        throw failure(`git push to ${remote} ${branch} was still rejected after ${attempts} attempts (other runs keep pushing first): ${text}`);
      log(`push rejected (another push came first): pulling ${remote} ${branch} with rebase, then pushing again (attempt ${attempt + 1} of ${attempts})`);
      await new Promise((done) => setTimeout(done, backoff(attempt + 1)));
      await pullRebase(git, remote, branch);
    }
  }
}

/**
 * `git pull --rebase` onto the remote branch; on a conflict the rebase is aborted (the local commit
 * stays as it was) and the error names the conflicting files. --autostash: files the run changed
 * but did not commit (withheld, kept) would otherwise stop the rebase.
 */
async function pullRebase(git: SimpleGit, remote: string, branch: string): Promise<void> {
  try {
    await git.raw(['pull', '--rebase', '--autostash', '--no-edit', remote, branch]);
  } catch (error) {
    const conflicted = (await git.raw(['diff', '--name-only', '--diff-filter=U', '-z']).catch(() => '')).split('\0').filter(Boolean);
    if (await rebaseInProgress(git)) await git.raw(['rebase', '--abort']).catch(() => undefined);
    if (conflicted.length > 0)
      throw failure(
        `the outputs conflict with what was pushed to ${remote} ${branch} meanwhile (${conflicted.join(', ')}); the rebase was aborted and nothing was pushed`,
        ['Render again on top of the new commit (re-run the workflow), or resolve the files by hand.'],
      );
    throw failure(`git pull --rebase ${remote} ${branch} failed: ${messageOf(error)}`);
  }
}

async function rebaseInProgress(git: SimpleGit): Promise<boolean> {
  for (const dir of ['rebase-merge', 'rebase-apply']) {
    const path = (await git.raw(['rev-parse', '--git-path', dir])).trim();
    if (existsSync(resolve(await topOf(git), path))) return true;
  }
  return false;
}

async function topOf(git: SimpleGit): Promise<string> {
  return (await git.raw(['rev-parse', '--show-toplevel'])).trim();
}

async function currentBranch(git: SimpleGit): Promise<string> {
  const name = (await git.raw(['rev-parse', '--abbrev-ref', 'HEAD'])).trim();
  if (name === 'HEAD') throw failure('HEAD is detached: name the branch to push to (the branch option / input)');
  return name;
}

async function isIgnored(git: SimpleGit, path: string): Promise<boolean> {
  // simple-git resolves on a non-zero exit without stderr: what check-ignore prints is the answer.
  return (await git.raw(['check-ignore', '--', path])).trim() !== '';
}

/** Credentials in a remote URL (https://user:token@host) never reach a message. */
export function withoutCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

function messageOf(error: unknown): string {
  return withoutCredentials(((error as Error)?.message ?? String(error)).trim());
}

function gitFailure(what: string): (error: unknown) => never {
  return (error) => {
    throw failure(`git could not ${what}: ${messageOf(error)}`);
  };
}

/** No `cause`: git's own error may hold a remote URL with its credentials; the message says what matters. */
function failure(message: string, hints: string[] = []): InfracastError {
  return new InfracastError('PUBLISH_FAILED', withoutCredentials(message), { exitCode: ExitCode.Failed, hints });
}
