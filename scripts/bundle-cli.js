#!/usr/bin/env node
// Bundles the CLI (oclif + dist/src/main.js + dist/src/commands) into dist/cli with esbuild, so
// that a run loads a few files instead of several hundred: start-up time is dominated by module
// loading (see `npm run bench`). Heavy libraries (PDF, DOCX, XLSX, signing...) stay external and
// are imported only by the code that needs them. The library API (dist/src/index.js) is not bundled.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'cli');
/** The start-up path's dependencies (croner: validate and schedule), and pkijs/asn1js (verify: resolving and loading them as separate packages cost
 *  40 ms of a 250 ms verification); every other dependency stays a runtime import. */
const BUNDLED = ['@oclif/core', 'js-yaml', 'ajv', 'ajv-formats', 'fastest-levenshtein', 'pkijs', 'asn1js', 'croner'];
const { dependencies = {} } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// typescript and ts-node: oclif's development-time loaders, never used by an installed CLI.
const external = [...Object.keys(dependencies).filter((d) => !BUNDLED.includes(d)), 'typescript', 'ts-node'].flatMap((d) => [d, `${d}/*`]);

rmSync(outdir, { recursive: true, force: true });
const commandsDir = join(root, 'dist', 'src', 'commands');
await build({
  entryPoints: [
    join(root, 'dist', 'src', 'main.js'),
    // bin/run.js runs a plain `verify` through it, without oclif.
    join(root, 'dist', 'src', 'verify-fast.js'),
    // package.json oclif.helpClass and oclif.hooks.
    join(root, 'dist', 'src', 'cli', 'help.js'),
    join(root, 'dist', 'src', 'hooks', 'command-not-found.js'),
    // Topics (e.g. `catalog import`) are sub-folders of commands/.
    ...readdirSync(commandsDir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.js'))
      .map((f) => join(commandsDir, f)),
  ],
  outbase: join(root, 'dist', 'src'),
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  external,
  // Bundled CommonJS (yaml) calls require() for Node built-ins.
  banner: { js: "import { createRequire as __infracastCreateRequire } from 'node:module';\nconst require = __infracastCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'linked',
  minify: true,
  sourcemap: 'linked',
});
console.log(
  `bundle: ${
    readdirSync(join(outdir, 'commands'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.js')).length
  } commands -> dist/cli/commands`,
);
