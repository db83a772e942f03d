import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The installed package's root (the folder with its package.json): where schemas/, templates/
 * and examples/ are. Found by walking up, because the code runs both from dist/src (library) and
 * from the bundled CLI in dist/cli.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'schemas'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('infracast: cannot find the package root (package.json beside schemas/)');
    dir = parent;
  }
  cached = dir;
  return dir;
}
