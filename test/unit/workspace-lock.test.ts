/**
 * One writer at a time (issue 12): the workspace lock refuses a second writer naming the holder,
 * waits when asked, and takes over a lock whose holder is gone, including when its pid now belongs
 * to another process (containers reuse pids).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { acquireWorkspaceLock, currentOwner, isStale, LOCK_FILE, STALE_AFTER_MS } from '../../src/io/workspace-lock.js';
import type { LockOwner } from '../../src/io/workspace-lock.js';
import { InfracastError } from '../../src/errors.js';

const stateDir = (): string => mkdtempSync(join(tmpdir(), 'infracast-lock-'));
const onLinux = existsSync('/proc/self/stat');

describe('the workspace lock', () => {
  it('a second writer is refused with exit 3, naming the holder; after release it gets the lock', async () => {
    const dir = stateDir();
    const first = await acquireWorkspaceLock(dir, { command: 'infracast render' });
    await assert.rejects(acquireWorkspaceLock(dir, { command: 'infracast render' }), (error: unknown) => {
      assert.ok(error instanceof InfracastError);
      assert.equal(error.code, 'WORKSPACE_LOCKED');
      assert.equal(error.exitCode, 3);
      assert.match(error.message, new RegExp(`being written by infracast render \\(pid ${process.pid} on ${hostname()}, since \\d{4}-`));
      assert.match(error.hints.join(' '), /--wait/);
      return true;
    });
    first.release();
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
    const second = await acquireWorkspaceLock(dir, { command: 'infracast render' });
    second.release();
  });

  it('--wait queues behind a live holder in another process, saying who it waits for', async () => {
    const dir = stateDir();
    // A holder in another process: takes the lock, holds it 1.5 s, releases.
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { acquireWorkspaceLock } = await import(${JSON.stringify(new URL('../../src/io/workspace-lock.js', import.meta.url).href)});
         const lock = await acquireWorkspaceLock(${JSON.stringify(dir)}, { command: 'infracast render' });
         process.stdout.write('held\\n'); setTimeout(() => { lock.release(); }, 1500);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    // Listened for now: the holder may have exited by the time we have the lock.
    const closed = new Promise((r) => holder.on('close', r));
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    let waitedFor: LockOwner | undefined;
    const started = Date.now();
    const lock = await acquireWorkspaceLock(dir, { command: 'infracast render', waitSeconds: 20, onWait: (o) => (waitedFor = o) });
    assert.equal(waitedFor?.pid, holder.pid);
    assert.ok(Date.now() - started >= 500, 'it waited');
    lock.release();
    await closed;
  });

  it('takes over the lock of a killed run at once (same host: no process has its pid and start time)', async () => {
    const dir = stateDir();
    const dead: LockOwner = { ...currentOwner('infracast render'), pid: 4_194_305, pid_start: '1', token: 'dead' };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(dead));
    const lock = await acquireWorkspaceLock(dir, { command: 'infracast render' });
    assert.equal((JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockOwner).token, lock.owner.token);
    lock.release();
  });

  it('a reused pid does not keep a dead run’s lock: the start time tells the processes apart', { skip: !onLinux && 'needs /proc' }, () => {
    const me = currentOwner('infracast render');
    // Our own pid, as a container's new process would have it, with another start time.
    assert.equal(isStale({ ...me, pid: process.ppid, pid_start: '1' }, 0), true);
    assert.equal(isStale({ ...me, pid: process.pid }, 0), false, 'a live holder, however old its lock');
    assert.equal(isStale({ ...me, pid: process.pid }, STALE_AFTER_MS * 10), false);
  });

  it('a holder on another host (a shared volume) is judged by the lock’s age: it touches it while alive', async () => {
    const other: LockOwner = { ...currentOwner('infracast render'), host: 'ci-runner-7', boot: 'elsewhere', token: 'remote' };
    assert.equal(isStale(other, 5_000), false);
    assert.equal(isStale(other, STALE_AFTER_MS + 1), true);
    const dir = stateDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(other));
    await assert.rejects(acquireWorkspaceLock(dir, { command: 'infracast render' }), /ci-runner-7/);
    const old = new Date(Date.now() - STALE_AFTER_MS - 5_000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    const lock = await acquireWorkspaceLock(dir, { command: 'infracast render' });
    lock.release();
  });

  it('an unreadable lock file is judged by its age alone', () => {
    assert.equal(isStale(undefined, 1_000), false);
    assert.equal(isStale(undefined, STALE_AFTER_MS + 1), true);
  });
});
