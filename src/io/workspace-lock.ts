/**
 * One writer at a time (issue 12): a run that writes a workspace's state or outputs holds
 * `<state>/.lock` for its whole length. Two renders of one checkout (two CI jobs, a laptop and a
 * scheduled job) would otherwise both read `poam.jsonl` at the start and write it at the end: one
 * POA&M id given to two weaknesses, index entries lost.
 *
 * The lock is a file created with O_EXCL holding who holds it (pid, the process's start time,
 * host, boot, command, since when). The holder touches it every few seconds. A lock is stale when
 * its holder is gone: on the same host and boot, when no process has that pid with that start time
 * (a pid alone is not enough: in containers a new process often gets the old pid); on another host,
 * or where start times cannot be read, when it has not been touched for STALE_AFTER_MS. A stale lock
 * is broken by renaming it aside and checking that what was moved is the lock judged stale, so that
 * two runs breaking it at once cannot break each other's fresh lock.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ExitCode, InfracastError } from '../errors.js';
import { environmentError } from './fs-errors.js';

export const LOCK_FILE = '.lock';
/** How often the holder touches the lock. */
const HEARTBEAT_MS = 5_000;
/** A lock nobody touched for this long is stale, whoever holds it. */
export const STALE_AFTER_MS = 60_000;
const POLL_MS = 250;

export interface LockOwner {
  pid: number;
  /** The process's start time in clock ticks since boot (Linux /proc), to tell a reused pid apart. */
  pid_start?: string;
  host: string;
  /** Linux boot id: a reboot ends every process. */
  boot?: string;
  command: string;
  since: string;
  token: string;
}

export interface WorkspaceLock {
  owner: LockOwner;
  /** Releases the lock (only if it is still ours). Safe to call twice. */
  release(): void;
}

export interface LockOptions {
  /** What holds it, for the message another run prints ("infracast render"). */
  command: string;
  /** Wait up to this many seconds for the holder to finish; 0 (the default) refuses at once. */
  waitSeconds?: number;
  /** Called once when the run starts waiting, with the holder. */
  onWait?: (owner: LockOwner) => void;
  /** The clock and process facts, for tests. */
  now?: () => number;
}

function procStart(pid: number): string | undefined {
  try {
    // Field 22 of /proc/<pid>/stat is starttime; the command name (field 2) may hold spaces, so count from its ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists on this host (it may be a reuse of the pid: see isStale). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function currentOwner(command: string): LockOwner {
  const start = procStart(process.pid);
  const boot = bootId();
  return {
    pid: process.pid,
    ...(start ? { pid_start: start } : {}),
    host: hostname(),
    ...(boot ? { boot } : {}),
    command,
    since: new Date().toISOString(),
    token: randomUUID(),
  };
}

/** Whether the holder of a lock is gone (see the module comment); `ageMs` is how long since it was touched. */
export function isStale(owner: LockOwner | undefined, ageMs: number): boolean {
  if (!owner) return ageMs > STALE_AFTER_MS; // unreadable: only its age can tell
  const thisBoot = owner.host === hostname() && owner.boot !== undefined && owner.boot === bootId();
  // Exact on this machine: the process with that pid and that start time runs, or it does not. A
  // live holder is never judged by age here (a long synchronous step cannot let its lock be broken).
  if (thisBoot && owner.pid_start !== undefined) return procStart(owner.pid) !== owner.pid_start;
  if (owner.host === hostname() && !pidAlive(owner.pid)) return true;
  // Another host (a shared volume), or no start times to compare: the holder touches it while alive.
  return ageMs > STALE_AFTER_MS;
}

function readOwner(path: string): { owner?: LockOwner; ageMs: number; text: string } | undefined {
  let text: string;
  let mtime: number;
  try {
    text = readFileSync(path, 'utf8');
    mtime = statSync(path).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw environmentError(error, path);
  }
  let owner: LockOwner | undefined;
  try {
    const parsed = JSON.parse(text) as LockOwner;
    if (typeof parsed.pid === 'number' && typeof parsed.token === 'string') owner = parsed;
  } catch {
    // a lock being written, or garbage: judged by age
  }
  return { ...(owner ? { owner } : {}), ageMs: Date.now() - mtime, text };
}

function describeOwner(owner: LockOwner | undefined): string {
  if (!owner) return 'another run (its lock file is unreadable)';
  return `${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.since})`;
}

/** Tries once to create the lock; false when someone holds it. */
function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw environmentError(error, path);
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Moves a stale lock aside, if what is there is still the lock judged stale. */
function breakStale(path: string, staleText: string): void {
  const aside = `${path}.broken-${randomUUID()}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else broke it (or released it) first
  }
  let moved = '';
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    // gone: nothing to give back
  }
  if (moved !== staleText) {
    // We moved a fresh lock another run had just taken: put it back (it is theirs).
    try {
      renameSync(aside, path);
      return;
    } catch {
      // they will find their lock gone when they release it; their run has done its writes under it
    }
  }
  rmSync(aside, { force: true });
}

/**
 * Takes the workspace's lock, waiting up to `waitSeconds` for a live holder; a stale lock is broken.
 * Throws WORKSPACE_LOCKED (exit 3) naming the holder.
 */
export async function acquireWorkspaceLock(stateDir: string, options: LockOptions): Promise<WorkspaceLock> {
  const path = join(stateDir, LOCK_FILE);
  try {
    await mkdir(stateDir, { recursive: true });
  } catch (error) {
    throw environmentError(error, stateDir);
  }
  const owner = currentOwner(options.command);
  const deadline = Date.now() + (options.waitSeconds ?? 0) * 1000;
  let waiting = false;
  for (;;) {
    if (tryCreate(path, owner)) break;
    const held = readOwner(path);
    if (held && isStale(held.owner, held.ageMs)) {
      breakStale(path, held.text);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new InfracastError('WORKSPACE_LOCKED', `${stateDir}: the workspace is being written by ${describeOwner(held?.owner)}`, {
        exitCode: ExitCode.Environment,
        location: { file: path },
        hints: [
          'Wait for that run to finish, or pass --wait (--wait 600 waits up to ten minutes).',
          `A run that was killed leaves its lock: it is taken over once stale (holder gone, or not touched for ${STALE_AFTER_MS / 1000} s).`,
        ],
      });
    }
    if (!waiting && held?.owner) options.onWait?.(held.owner);
    waiting = true;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  // Touched while held: a lock nobody touches is stale, which is how a lock on a shared volume dies.
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // gone or unreachable: the run goes on; release() checks ownership
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  return {
    owner,
    release(): void {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      // Best effort: a lock that cannot be removed (the disk went read-only) is stale once we exit.
      try {
        const held = readOwner(path);
        if (held?.owner?.token === owner.token) rmSync(path, { force: true });
      } catch {
        // left for the next run to break
      }
    },
  };
}
