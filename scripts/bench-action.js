#!/usr/bin/env node
// `node scripts/bench-action.js`: the GitHub Action's start-up (issue 16: within 3x of `node -e 0`),
// as whole processes, the median of BENCH_RUNS (default 9) each, all in the same run:
//   - `node -e 0`, on the Node the action declares (node24: .tools/node-24 when present);
//   - start-up: the committed bundle (actions/infracast/dist/index.js) reading its inputs and
//     stopping at an unknown command (entry parse + input read + a failed step): the bound;
//   - the hourly sweep: `command: scheduled` on a copy of examples/acme at an instant between its
//     slots (nothing due), `publish: none`, with the Infracast cache warm (a developer's machine, a
//     self-hosted runner) and as a fresh hosted runner has it (no cache folder: the action skips
//     the cache), reported beside it with their ratios.
// Exit 1 when the start-up is over 3x or a run fails. Needs the committed bundle (npm run build:action).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './bench-support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'actions', 'infracast', 'dist', 'index.js');
const node24 = join(root, '.tools', 'node-24', 'bin', 'node');
/** Wednesday 2026-03-04 12:17Z: acme's monthly slot (the 3rd) is past its window, its weekly one (Monday) too. */
const BETWEEN_SLOTS = '2026-03-04T12:17:00Z';
const BOUND = 3;

export async function benchAction({ runs = Number(process.env.BENCH_RUNS ?? 9), node = existsSync(node24) ? node24 : process.execPath } = {}) {
  if (!existsSync(bundle)) throw new Error('bench-action: actions/infracast/dist/index.js is missing: run `npm run build:action`');
  const work = mkdtempSync(join(tmpdir(), 'infracast-bench-action-'));
  try {
    const acme = join(root, 'examples', 'acme');
    // What git holds of acme: no rendered output, no lock or journal of a run in progress.
    cpSync(acme, join(work, 'acme'), {
      recursive: true,
      filter: (path) => !/^out([/\\]|$)/.test(relative(acme, path)) && !/[/\\]\.infracast[/\\](\.lock|\.journal\.json)/.test(path),
    });
    const runner = (inputs, cache) => {
      const output = join(work, 'output');
      writeFileSync(output, '');
      writeFileSync(join(work, 'summary'), '');
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_')));
      const defaults = { 'working-directory': '.', definitions: '', now: '', publish: 'none', sign: 'key', 'fail-under': '', token: '' };
      for (const [name, value] of Object.entries({ ...defaults, ...inputs })) env[`INPUT_${name.toUpperCase()}`] = value;
      Object.assign(env, {
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: work,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: join(work, 'summary'),
        ...cache(),
      });
      return env;
    };
    const measure = (label, args, env, expectStatus) => {
      spawnSync(node, args, { cwd: work, stdio: 'ignore', env: env() }); // warm-up: the OS file cache
      const times = [];
      for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        const result = spawnSync(node, args, { cwd: work, encoding: 'utf8', env: env() });
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (result.status !== expectStatus) throw new Error(`${label}: exit ${result.status}, expected ${expectStatus}:\n${result.stdout}${result.stderr}`);
      }
      return { label, ms: median(times) };
    };
    // A warm cache (a developer's machine, a self-hosted runner); a fresh hosted runner: no cache folder, so the action skips the cache.
    const warmCache = () => ({ INFRACAST_CACHE_DIR: join(work, 'cache-warm') });
    const freshRunner = () => ({ XDG_CACHE_HOME: join(work, 'fresh-home-cache'), INFRACAST_CACHE_DIR: '' });
    const sweep = { command: 'scheduled', 'working-directory': 'acme', now: BETWEEN_SLOTS, publish: 'none' };
    const baseline = measure('node -e 0', ['-e', '0'], () => process.env, 0);
    const startup = measure('start-up (entry + inputs, unknown command)', [bundle], () => runner({ command: 'none-such' }, freshRunner), 1);
    const warm = measure('hourly sweep, nothing due (warm cache)', [bundle], () => runner(sweep, warmCache), 0);
    const fresh = measure('hourly sweep, nothing due (fresh runner)', [bundle], () => runner(sweep, freshRunner), 0);
    return { node: spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim(), runs, baseline, rows: [startup, warm, fresh] };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchAction();
  console.log(`action start-up (median of ${result.runs} runs each, node ${result.node})`);
  console.log(`  ${result.baseline.label.padEnd(44)} ${result.baseline.ms.toFixed(0).padStart(6)} ms  1.00x  baseline`);
  let failed = false;
  for (const row of result.rows) {
    const ratio = row.ms / result.baseline.ms;
    const bounded = row === result.rows[0];
    failed ||= bounded && ratio > BOUND;
    const verdict = bounded
      ? ratio <= BOUND
        ? `ok (bound ${BOUND.toFixed(1)}x)`
        : `OVER the ${BOUND.toFixed(1)}x bound`
      : ratio <= BOUND
        ? 'within 3x (reported)'
        : 'over 3x (reported, not bounded)';
    console.log(`  ${row.label.padEnd(44)} ${row.ms.toFixed(0).padStart(6)} ms  ${ratio.toFixed(2)}x  ${verdict}`);
  }
  process.exitCode = failed ? 1 : 0;
}
