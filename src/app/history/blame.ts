/**
 * Which commit recorded each line of a file: `git blame --porcelain` (every line's commit is the
 * one that added it, since the run log is append-only; a line brought in by a merge is the branch
 * commit that appended it, not the merge). No commit message is parsed.
 *
 * A shallow clone has no history past its boundary: blame gives every older line to the boundary
 * commit, so such a line says `boundary: true` ("recorded by this commit or an earlier one").
 * Outside git, without git, or for a file git does not track yet, every line is uncommitted and
 * `note` says why: never an error, history is still listed.
 */
import { execFile } from 'node:child_process';
import type { ExecFileException } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { formatInstant } from '../instant.js';

export interface LineCommit {
  /** The full commit id (what `git rev-parse` prints). */
  id: string;
  /** Its committer date, UTC. */
  committed_at: string;
  /** The clone is shallow and this is its boundary: the line was recorded by this commit or an earlier one. */
  boundary: boolean;
}

export interface FileBlame {
  /** By line number (1-based): the line as git saw it, and its commit (null: not committed). */
  lines: Map<number, { text: string; commit: LineCommit | null }>;
  /** Why no line has a commit (no repository, no git, the file not tracked), when so. */
  note?: string;
}

const NOT_COMMITTED = /^0{40}$/;
const HEADER = /^([0-9a-f]{40}) \d+ (\d+)(?: \d+)?$/;

/** Runs git in `cwd`, never rejecting: the caller reads `error` and `stderr` (no optional locks: reading never writes the index). */
export function git(cwd: string, args: string[]): Promise<{ stdout: string; stderr: string; error?: ExecFileException }> {
  return new Promise((done) => {
    execFile('git', args, { cwd, maxBuffer: 1 << 30, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (error, stdout, stderr) =>
      done({ stdout, stderr, ...(error ? { error } : {}) }),
    );
  });
}

/** What git's failure means for the reader, in a sentence. */
function noteOf(error: ExecFileException, stderr: string, file: string): string {
  if (error.code === 'ENOENT') return 'git is not installed here: no line shows its commit';
  if (/not a git repository/i.test(stderr)) return 'the workspace is not in a git repository: no line is committed';
  if (/no such path|no such ref: HEAD|does not have any commits|bad revision 'HEAD'/i.test(stderr)) return `${basename(file)} is not committed yet`;
  return `git blame failed (${stderr.trim().split('\n')[0] ?? error.message}): no line shows its commit`;
}

/** The commits of a shallow clone's boundary (empty: not shallow). */
async function shallowBoundary(cwd: string): Promise<Set<string>> {
  const path = await git(cwd, ['rev-parse', '--git-path', 'shallow']);
  if (path.error) return new Set();
  try {
    return new Set((await readFile(resolve(cwd, path.stdout.trim()), 'utf8')).split('\n').filter((l) => l !== ''));
  } catch {
    return new Set();
  }
}

/** `-L a,b` options for these line numbers, consecutive ones as one range. */
function lineRanges(numbers: readonly number[]): string[] {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push('-L', `${sorted[i]},${sorted[j]}`);
    i = j + 1;
  }
  return ranges;
}

/**
 * The commits of the file's lines, or of only the given line numbers: blame stops as soon as
 * those are found, so the newest page of a long log (its last lines) costs a few recent commits,
 * not the file's whole history.
 */
export async function blameFile(file: string, only?: readonly number[]): Promise<FileBlame> {
  if (only !== undefined && only.length === 0) return { lines: new Map() };
  const cwd = dirname(file);
  // --root: a repository's first commit is a commit like any other; the shallow boundary is found from .git/shallow.
  const blame = await git(cwd, ['blame', '--porcelain', '--root', ...(only ? lineRanges(only) : []), '--', basename(file)]);
  if (blame.error) return { lines: new Map(), note: noteOf(blame.error, blame.stderr, file) };
  const boundary = await shallowBoundary(cwd);
  const times = new Map<string, number>();
  const lines: FileBlame['lines'] = new Map();
  let current: { id: string; line: number } | undefined;
  for (const row of blame.stdout.split('\n')) {
    if (current === undefined) {
      const header = HEADER.exec(row);
      if (header) current = { id: header[1]!, line: Number(header[2]) };
      continue;
    }
    if (row.startsWith('\t')) {
      const { id, line } = current;
      const time = times.get(id);
      lines.set(line, {
        text: row.slice(1),
        commit: NOT_COMMITTED.test(id)
          ? null
          : { id, committed_at: time === undefined ? '' : formatInstant(new Date(time * 1000)), boundary: boundary.has(id) },
      });
      current = undefined;
    } else if (row.startsWith('committer-time ')) times.set(current.id, Number(row.slice('committer-time '.length)));
  }
  return { lines };
}
