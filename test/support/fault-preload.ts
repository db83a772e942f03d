/**
 * A fault shim for the real CLI (issue 12, fault injection): loaded with `node --import` (through
 * NODE_OPTIONS) before Infracast, it wraps the file-system calls that change the disk and, at the
 * N-th of them under FAULT_ROOT, makes that call fail as a full disk (ENOSPC) or a read-only file
 * system (EROFS) would, or kills the process (SIGKILL, as kill -9 does: no `finally` runs).
 *
 *   FAULT_ROOT   only calls on paths under it count (the workspace copy; caches and /tmp do not)
 *   FAULT_MODE   count | enospc | erofs | kill
 *   FAULT_AT     the 1-based call to fail (not for count)
 *   FAULT_LOG    count mode: where to write the number of calls and each call's name and path
 *
 * ENOSPC is raised by the calls that allocate space (writing, creating), EROFS by the others
 * (renames, removals): the two modes together fail every call once.
 * Node's built-in ESM exports are synchronised with the patched CommonJS objects, so Infracast's
 * `import { renameSync } from 'node:fs'` gets the wrapped function.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const root = process.env.FAULT_ROOT;
const mode = process.env.FAULT_MODE ?? 'count';
const at = Number(process.env.FAULT_AT ?? '0');
const log: string[] = [];
let calls = 0;
/** Inside a wrapped call: the calls it makes itself (rmSync's unlinkSync) are part of it, not calls of their own. */
let depth = 0;

/** Calls that need space on the device (ENOSPC applies); the others only change names or remove. */
const ALLOCATING = new Set(['writeFileSync', 'writeFile', 'mkdirSync', 'mkdir', 'open', 'openSync', 'mkdtemp', 'mkdtempSync', 'copyFile', 'copyFileSync']);

function writes(flags: unknown): boolean {
  return typeof flags === 'string' ? /[wax+]/.test(flags) : typeof flags === 'number' && (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR)) !== 0;
}

function pathOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof URL) return value.pathname;
  if (Buffer.isBuffer(value)) return value.toString();
  return '';
}

/** Decides what happens to one call: nothing, an error to throw, or the end of the process. */
function fault(name: string, path: string): NodeJS.ErrnoException | undefined {
  if (depth > 0 || !root || !path.startsWith(root)) return undefined;
  // ENOSPC fails only the calls that need space; EROFS only the others (renames, removals), so that
  // the two modes together fail every call exactly once.
  if (mode === 'enospc' && !ALLOCATING.has(name)) return undefined;
  if (mode === 'erofs' && ALLOCATING.has(name)) return undefined;
  calls++;
  log.push(`${name} ${path.slice(root.length)}`);
  if (mode === 'count' || calls !== at) return undefined;
  if (mode === 'kill') process.kill(process.pid, 'SIGKILL');
  const code = mode === 'enospc' ? 'ENOSPC' : 'EROFS';
  const error = new Error(`${code}: ${mode === 'enospc' ? 'no space left on device' : 'read-only file system'}, ${name} '${path}'`) as NodeJS.ErrnoException;
  error.code = code;
  error.errno = mode === 'enospc' ? -28 : -30;
  error.syscall = name.replace(/Sync$/, '');
  error.path = path;
  return error;
}

type AnyFn = (...args: unknown[]) => unknown;

function wrapSync(target: Record<string, unknown>, name: string, onlyIf: (args: unknown[]) => boolean = () => true): void {
  const original = target[name] as AnyFn;
  target[name] = function (this: unknown, ...args: unknown[]): unknown {
    if (onlyIf(args)) {
      const error = fault(name, pathOf(args[0]));
      if (error) throw error;
    }
    depth++;
    try {
      return original.apply(this, args);
    } finally {
      depth--;
    }
  };
}

function wrapAsync(target: Record<string, unknown>, name: string, onlyIf: (args: unknown[]) => boolean = () => true): void {
  const original = target[name] as AnyFn;
  target[name] = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    if (onlyIf(args)) {
      const error = fault(name, pathOf(args[0]));
      if (error) throw error;
    }
    return original.apply(this, args);
  };
}

const syncFs = fs as unknown as Record<string, unknown>;
const promises = fs.promises as unknown as Record<string, unknown>;
for (const name of ['writeFileSync', 'renameSync', 'mkdirSync', 'rmSync', 'unlinkSync', 'rmdirSync', 'copyFileSync', 'mkdtempSync']) wrapSync(syncFs, name);
wrapSync(syncFs, 'openSync', (args) => writes(args[1]));
for (const name of ['writeFile', 'rename', 'mkdir', 'rm', 'unlink', 'rmdir', 'copyFile', 'mkdtemp']) wrapAsync(promises, name);
wrapAsync(promises, 'open', (args) => writes(args[1]));
syncBuiltinESMExports();

if (mode === 'count' && process.env.FAULT_LOG) {
  const file = process.env.FAULT_LOG;
  const write = fs.writeFileSync.bind(fs);
  process.on('exit', () => write(file, `${JSON.stringify({ calls, log })}\n`));
}
