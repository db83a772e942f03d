/** Locations tests use. Compiled tests run from dist/test/..., so paths are found from the repo root. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

export const repoRoot = findRepoRoot();
export const binPath = join(repoRoot, 'bin', 'run.js');
export const fixturesDir = join(repoRoot, 'test', 'fixtures');
export const goldenDir = join(repoRoot, 'test', 'golden');
export const examplesDir = join(repoRoot, 'examples');
/** ../shared beside the repository (CI always has it). */
export const sharedDir = resolve(repoRoot, '..', 'shared');
