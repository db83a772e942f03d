#!/usr/bin/env node
// Bundles the GitHub Action (dist/src/action/main.js, from `npm run build`) into
// actions/infracast/dist with esbuild. The bundle is committed: GitHub runs it from a checkout of
// this repository at the action's ref, where node_modules is absent, so every dependency is inside
// it, and the few package files read at run time (fonts, the resvg WebAssembly) are copied into
// dist/assets/ (src/io/package-file.ts finds them there). Heavy libraries (puppeteer-core, docx,
// exceljs, signing, simple-git) sit in chunks loaded only when a run needs them (splitting).
// The output is byte-deterministic: no timestamps, content-hashed chunk names, files copied in
// code-unit order; test/cli/action-bundle.test.ts rebuilds it and compares byte for byte.
//
//   node scripts/bundle-action.js            -> actions/infracast/dist
//   node scripts/bundle-action.js --out DIR  -> DIR (the freshness test)
//   node scripts/bundle-action.js --out DIR --entry FILE
//       -> DIR, bundled from FILE (a compiled module) instead of dist/src/action/main.js: the
//          end-to-end tests bundle an entry wiring a stand-in behind one of run()'s seams, from the
//          working tree's sources, without touching the committed bundle
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFlag = process.argv.indexOf('--out');
const outdir = outFlag > 0 ? process.argv[outFlag + 1] : join(root, 'actions', 'infracast', 'dist');
const entryFlag = process.argv.indexOf('--entry');
const entry = entryFlag > 0 ? resolve(process.argv[entryFlag + 1]) : join(root, 'dist', 'src', 'action', 'main.js');

/** Package files read at run time: [package, folder in it, which files]. */
const ASSETS = [
  ['@fontsource/source-sans-3', 'files', /^source-sans-3-latin(-ext)?-(400|600|700)-(normal|italic)\.woff2?$/],
  ['@fontsource/jetbrains-mono', 'files', /^jetbrains-mono-latin(-ext)?-(400|700)-normal\.woff2?$/],
  ['@resvg/resvg-wasm', '.', /^index_bg\.wasm$/],
];

/** Source rewrites the action bundle needs (each must apply, or the build fails). */
const REWRITES = [
  {
    // The time zones of the building Node's ICU would make the bundle depend on the Node that built
    // it; the list is only a fast path before Intl (src/schema/rules.ts), so the action has none.
    file: /[\\/]dist[\\/]src[\\/]generated[\\/]build-info\.js$/,
    from: /export const timeZones = \[[^\]]*\];/,
    to: 'export const timeZones = [];',
  },
  {
    // The CLI loads `yaml` lazily through createRequire, which esbuild cannot see: make it a plain
    // require() so that the package is bundled (it still runs only when a YAML file needs it).
    file: /[\\/]dist[\\/]src[\\/]io[\\/]yaml-source\.js$/,
    from: /createRequire\(import\.meta\.url\)\('yaml'\)/,
    to: "require('yaml')",
  },
];

/**
 * @actions/core imports its OIDC client (@actions/http-client, which loads undici) and @actions/exec
 * (its platform helpers) when it loads: 70 ms of a start-up budget of about 150. Neither is used
 * unless a run asks for an OIDC token or the platform details, so for those two importers they
 * are swapped for stand-ins that import the real module on first use.
 */
const LAZY = [
  {
    importer: /@actions[\\/]core[\\/]lib[\\/]oidc-utils\.js$/,
    specifier: '@actions/http-client',
    contents: `export class HttpClient {
  constructor(...args) { this.args = args; }
  async getJson(...call) { const { HttpClient } = await import('@actions/http-client'); return new HttpClient(...this.args).getJson(...call); }
}`,
  },
  {
    importer: /@actions[\\/]core[\\/]lib[\\/]platform\.js$/,
    specifier: '@actions/exec',
    contents: `export async function getExecOutput(...args) { return (await import('@actions/exec')).getExecOutput(...args); }`,
  },
];

const lazy = {
  name: 'infracast-action-lazy',
  setup(b) {
    for (const [index, stand] of LAZY.entries()) {
      b.onResolve({ filter: new RegExp(`^${stand.specifier}$`) }, ({ importer, resolveDir, namespace }) =>
        namespace === 'file' && stand.importer.test(importer) ? { path: String(index), namespace: 'lazy', pluginData: { resolveDir } } : undefined,
      );
    }
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, ({ path, pluginData }) => ({
      contents: LAZY[Number(path)].contents,
      loader: 'js',
      resolveDir: pluginData.resolveDir,
    }));
  },
};

const rewrites = {
  name: 'infracast-action-rewrites',
  setup(b) {
    for (const rewrite of REWRITES) {
      b.onLoad({ filter: rewrite.file }, ({ path }) => {
        const text = readFileSync(path, 'utf8');
        if (!rewrite.from.test(text))
          throw new Error(`bundle-action: ${relative(root, path)} no longer contains ${rewrite.from}; update scripts/bundle-action.js`);
        return { contents: text.replace(rewrite.from, rewrite.to), loader: 'js' };
      });
    }
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { index: entry },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Stable names: content hashes, no paths of the building machine.
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS calls require() for Node built-ins.
  banner: { js: "import { createRequire as __infracastCreateRequire } from 'node:module';\nconst require = __infracastCreateRequire(import.meta.url);" },
  plugins: [rewrites, lazy],
  logLevel: 'error',
  legalComments: 'linked',
  minify: true,
  metafile: true,
  // Optional native helpers of ws (puppeteer-core) and the like: absent, their callers fall back.
  external: ['bufferutil', 'utf-8-validate'],
});

for (const [pkg, folder, pattern] of ASSETS) {
  const from = join(root, 'node_modules', pkg, folder);
  const to = join(outdir, 'assets', pkg, folder);
  mkdirSync(to, { recursive: true });
  const names = readdirSync(from)
    .filter((name) => pattern.test(name))
    .sort();
  if (names.length === 0) throw new Error(`bundle-action: no file of ${pkg}/${folder} matches ${pattern}`);
  for (const name of names) copyFileSync(join(from, name), join(to, name));
  // The fonts' and resvg's licences travel with them.
  for (const licence of ['LICENSE', 'LICENSE.md', 'LICENSE.txt']) {
    const file = join(root, 'node_modules', pkg, licence);
    if (statSync(file, { throwIfNoEntry: false })) copyFileSync(file, join(outdir, 'assets', pkg, licence));
  }
}

const files = readdirSync(outdir, { recursive: true }).map(String);
const bytes = files.reduce((sum, f) => sum + (statSync(join(outdir, f)).isFile() ? statSync(join(outdir, f)).size : 0), 0);
const entryBytes = result.metafile.outputs[relative(process.cwd(), join(outdir, 'index.js')).split('\\').join('/')]?.bytes;
console.log(
  `bundle-action: ${files.filter((f) => f.endsWith('.js')).length} scripts, ${(bytes / 1024 / 1024).toFixed(1)} MiB -> ${relative(root, outdir) || outdir}${entryBytes ? ` (entry ${Math.round(entryBytes / 1024)} KiB)` : ''}`,
);
