/**
 * The two states `infracast diff` compares, as folders: a ref becomes a detached git worktree of
 * the same clone in a temp folder (no second clone, no network), removed afterwards whatever
 * happens; the head defaults to the working tree as it is, uncommitted edits included (what a
 * person runs before pushing).
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ExitCode, InfracastError } from '../../errors.js';
import { git } from '../history/blame.js';

/** The top of the repository holding `dir`, or a clear error when there is none. */
export async function repositoryTop(dir: string): Promise<string> {
  const top = await git(dir, ['rev-parse', '--show-toplevel']);
  if (top.error) {
    const missing = top.error.code === 'ENOENT';
    throw new InfracastError('GIT_FAILED', missing ? 'git is not installed: infracast diff reads the base from git' : `${dir} is not inside a git repository`, {
      ...(missing ? { exitCode: ExitCode.Environment } : {}),
      hints: [missing ? 'Install git.' : 'Run infracast diff inside a clone of the repository that holds the workspace.'],
    });
  }
  return top.stdout.trim();
}

/**
 * The workspace folder, the top of its repository and the path between them (git prints the top
 * with symbolic links resolved, so the workspace is resolved the same way first).
 */
export async function locateWorkspace(path: string): Promise<{ workspace: string; top: string; inside: string }> {
  let workspace: string;
  try {
    workspace = await realpath(resolve(path));
  } catch {
    throw new InfracastError('FILE_NOT_FOUND', `${path}: no such folder`, { hints: ['Give --workspace a folder inside the repository.'] });
  }
  const top = await repositoryTop(workspace);
  return { workspace, top, inside: relative(top, workspace) };
}

/** The commit a ref names, or an error naming the ref and how to bring it into the clone. */
export async function resolveCommit(top: string, ref: string): Promise<string> {
  if (ref.startsWith('-'))
    throw new InfracastError('USAGE', `'${ref}' is not a git ref`, {
      exitCode: ExitCode.Usage,
      hints: ['Give a branch, tag or commit, e.g. --base origin/main.'],
    });
  const commit = await git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (!commit.error) return commit.stdout.trim();
  const shallow = (await git(top, ['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true';
  throw new InfracastError('GIT_REF_NOT_FOUND', `git ref '${ref}' is not in this clone${shallow ? ' (a shallow clone)' : ''}`, {
    exitCode: ExitCode.Usage,
    hints: [
      `Fetch it first: git fetch origin ${ref}${shallow ? ' (or git fetch --unshallow)' : ''}`,
      'In GitHub Actions, check out with fetch-depth: 0 (actions/checkout) so that the base of the pull request is in the clone.',
    ],
  });
}

export interface Side {
  /** What the side is, as the comment names it: the ref as given, or "working tree". */
  label: string;
  /** The commit, when the side is a ref. */
  commit?: string;
  /** The workspace folder on this side. */
  workspace: string;
}

/**
 * Runs `use` with the base and head sides materialised: each ref a detached worktree of the clone
 * of `workspace`, in one temp folder removed (with git's worktree records) even when `use` throws.
 */
export async function withSides<T>(options: { workspace: string; base: string; head?: string }, use: (base: Side, head: Side) => Promise<T>): Promise<T> {
  const { workspace, top, inside } = await locateWorkspace(options.workspace);
  const baseCommit = await resolveCommit(top, options.base);
  const headCommit = options.head === undefined ? undefined : await resolveCommit(top, options.head);
  const temp = await mkdtemp(join(tmpdir(), 'infracast-diff-'));
  const added: string[] = [];
  const materialise = async (name: string, label: string, commit: string): Promise<Side> => {
    const dir = join(temp, name);
    const add = await git(top, ['worktree', 'add', '--detach', '--quiet', dir, commit]);
    if (add.error)
      throw new InfracastError('GIT_FAILED', `git could not check out ${label} (${commit.slice(0, 12)}): ${add.stderr.trim().split('\n')[0] ?? ''}`);
    added.push(dir);
    return { label, commit, workspace: join(dir, inside) };
  };
  try {
    const base = await materialise('base', options.base, baseCommit);
    const head =
      options.head === undefined || headCommit === undefined ? { label: 'working tree', workspace } : await materialise('head', options.head, headCommit);
    return await use(base, head);
  } finally {
    for (const dir of added) await git(top, ['worktree', 'remove', '--force', dir]);
    await rm(temp, { recursive: true, force: true });
    if (added.length > 0) await git(top, ['worktree', 'prune']);
  }
}
