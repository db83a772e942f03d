/**
 * Interop tests use real public data in ../shared. Without it they skip with a clear message,
 * except in CI (CI=true), which always has ../shared: there a missing folder is a failure.
 */
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { sharedDir } from './paths.js';

export function requireShared(t: TestContext, relativePath = ''): string | undefined {
  const path = relativePath ? `${sharedDir}/${relativePath}` : sharedDir;
  if (existsSync(path)) return path;
  const message = `interop: ${path} is absent, so this test cannot run (it needs the shared fixtures beside the repository)`;
  if (process.env.CI) throw new Error(`${message}; CI must have ../shared`);
  t.skip(message);
  return undefined;
}
