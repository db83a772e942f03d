/**
 * The content cache on a machine that forgets it (a GitHub-hosted runner starts every job on a fresh
 * VM): filling it costs a cold run a quarter of its time and the cache is thrown away with the VM.
 * Such a run skips it, unless INFRACAST_CACHE_DIR names a cache to keep (e.g. restored and saved by
 * actions/cache) or the default cache folder already exists (a self-hosted runner that keeps it).
 */
import { existsSync } from 'node:fs';
import { defaultCacheDir } from '../io/cache.js';

/** Whether to run with INFRACAST_CACHE=off: nothing asked for a cache and none exists. */
export function cacheIsThrowaway(env: NodeJS.ProcessEnv): boolean {
  return env.INFRACAST_CACHE === undefined && !env.INFRACAST_CACHE_DIR && !existsSync(defaultCacheDir(env));
}
