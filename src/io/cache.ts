/**
 * A content-addressed cache on disk for work that only depends on bytes: parsed YAML (values and
 * node positions) and "this document is valid against schema X". Keys are sha256 digests of the
 * inputs (with the schemas' own digest and a format version), so a stale entry can never be
 * read; entries are written atomically. Like eslint's or tsc's caches it only saves time: a run
 * with an empty cache (INFRACAST_CACHE=off) gives the same results.
 *
 * Location: INFRACAST_CACHE_DIR, else $XDG_CACHE_HOME/infracast, else ~/.cache/infracast.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Bumped whenever what is cached changes shape. */
const CACHE_FORMAT = 1;

export function digest(...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  hash.update(`infracast-cache-${CACHE_FORMAT}`);
  // Bytes are hashed as they are (a findings file's head: no text encoding on the hot path).
  for (const part of parts) hash.update('\0').update(part);
  return hash.digest('hex');
}

/** Where the cache lives when INFRACAST_CACHE_DIR does not say: $XDG_CACHE_HOME/infracast, else ~/.cache/infracast. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'infracast');
}

export class ContentCache {
  private readonly made = new Set<string>();

  constructor(private readonly dir: string | undefined) {}

  /** The cache the environment asks for (or none when INFRACAST_CACHE is off). */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): ContentCache {
    if (/^(0|off|false|no)$/i.test(env.INFRACAST_CACHE ?? '')) return new ContentCache(undefined);
    return new ContentCache(env.INFRACAST_CACHE_DIR || defaultCacheDir(env));
  }

  private path(namespace: string, key: string): string | undefined {
    return this.dir ? join(this.dir, namespace, key.slice(0, 2), key) : undefined;
  }

  get(namespace: string, key: string): string | undefined {
    const path = this.path(namespace, key);
    if (!path) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  }

  has(namespace: string, key: string): boolean {
    const path = this.path(namespace, key);
    if (!path) return false;
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  }

  /** Best effort: a cache that cannot be written (read-only home, full disk) is simply not used. */
  set(namespace: string, key: string, data: string): void {
    const path = this.path(namespace, key);
    if (!path) return;
    try {
      const folder = join(path, '..');
      if (!this.made.has(folder)) {
        mkdirSync(folder, { recursive: true });
        this.made.add(folder);
      }
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, data);
      renameSync(temporary, path);
    } catch {
      // not cached: the next run does the work again
    }
  }
}
