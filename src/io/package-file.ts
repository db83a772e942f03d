/**
 * A file inside a dependency (a font, the resvg WebAssembly), by its package specifier
 * (`@fontsource/source-sans-3/files/x.woff2`). Installed, Node resolves it from node_modules. The
 * GitHub Action runs its committed bundle from a checkout of the repository, where node_modules is
 * absent: scripts/bundle-action.js copies these files into actions/infracast/dist/assets/, and they
 * are found there, walking up from the bundled module.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder beside the action's bundle that holds the copied package files. */
export const BUNDLED_ASSETS = 'assets';

/** `from` is the caller's import.meta.url. */
export function packageFile(specifier: string, from: string): string {
  try {
    return createRequire(from).resolve(specifier);
  } catch (error) {
    for (let dir = dirname(fileURLToPath(from)); ; dir = dirname(dir)) {
      const candidate = join(dir, BUNDLED_ASSETS, ...specifier.split('/'));
      if (existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) throw error;
    }
  }
}
