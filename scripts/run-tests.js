#!/usr/bin/env node
// The whole test suite, as `npm test` (and so CI) runs it:
//   build (tsc type-checks src and test) -> lint -> test tiers, each with its wall time.
// Tiers (DESIGN.md "Tests"): unit + golden + cli; real tools; interop on ../shared/fixtures.
// Node 20's `node --test` takes folders, not globs; concurrency is explicit (its default is 1 on 2 cores).
// The last line is the plain summary "tests: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

function step(name, command, args) {
  const t = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  console.log(`== ${name}: ${result.status === 0 ? 'ok' : 'FAILED'} (${seconds(t)})`);
  if (result.status !== 0) {
    console.log('tests: 0 passed, 1 failed, 0 skipped');
    process.exit(1);
  }
}

step('build + type-check', 'npm', ['run', '--silent', 'build']);
// The example workspace signs its SOC 2 report: the render tests that copy it need its throwaway key.
step('development signing key (examples/acme)', 'bash', ['scripts/dev-keys.sh', 'examples/acme']);
step('lint + format check', 'npm', ['run', '--silent', 'lint']);

const hasTests = (dir) => existsSync(dir) && readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.test.js'));
const tiers = [
  { name: 'unit + golden + cli', dirs: ['dist/test/unit', 'dist/test/golden', 'dist/test/cli'], concurrency: 2 },
  { name: 'real tools', dirs: ['dist/test/tools'], concurrency: 2 },
  { name: 'interop (../shared/fixtures)', dirs: ['dist/test/interop'], concurrency: 2 },
];
const totals = { pass: 0, fail: 0, skipped: 0 };
const reportDir = mkdtempSync(join(tmpdir(), 'infracast-tests-'));
// The tests' own cache folder: nothing is written to the home folder, and every run starts empty.
process.env.INFRACAST_CACHE_DIR = join(reportDir, 'cache');
let failed = false;
for (const [i, tier] of tiers.entries()) {
  const dirs = tier.dirs.filter((d) => hasTests(join(root, d)));
  if (dirs.length === 0) {
    console.log(`== ${tier.name}: no tests yet`);
    continue;
  }
  const tap = join(reportDir, `tier-${i}.tap`);
  const t = Date.now();
  const result = spawnSync(
    process.execPath,
    [
      '--test',
      `--test-concurrency=${tier.concurrency}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...dirs,
    ],
    { cwd: root, stdio: 'inherit', env: process.env },
  );
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (label) => Number(new RegExp(`^# ${label} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  const tierTotals = { pass: count('pass'), fail: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo') };
  for (const k of Object.keys(totals)) totals[k] += tierTotals[k];
  if (result.status !== 0 && tierTotals.fail === 0) tierTotals.fail = totals.fail += 1; // crashed runner
  failed ||= result.status !== 0;
  console.log(`== ${tier.name}: ${tierTotals.pass} passed, ${tierTotals.fail} failed, ${tierTotals.skipped} skipped (${seconds(t)})`);
}
rmSync(reportDir, { recursive: true, force: true });
console.log(`== total wall time ${seconds(started)}`);
console.log(`tests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(failed ? 1 : 0);
