#!/usr/bin/env node
// `npm run bench`: performance figures as ratios against a baseline measured in the same run.
// Each measurement runs in its own child process, several times; the median is reported.
//
//   start-up: `infracast --help` and `infracast validate examples/acme` against `node -e 0`
//             (bound: within 3x, DESIGN.md "Rendering"); validate also with an empty cache,
//             i.e. the first run on a machine (io/cache.ts), reported for comparison.
//   findings: `infracast findings inspect --summary` on 100,000 and 1,000,000 ASFF findings (built
//             by replicating the Acme Security Hub sample into a temp folder, streamed to disk)
//             against a baseline child that reads the same file and JSON.parses it whole; peak RSS
//             is read from each child (process.resourceUsage().maxRSS at exit). Targets: within 2x
//             of the baseline at 100k; peak RSS under 1 GB at 1M. BENCH_FINDINGS=0 skips this part;
//             BENCH_FINDINGS_SIZES=100000 picks the sizes.
//   renderers (issue 5), each script in its own child process, each against its own baseline
//             measured in the same run: scripts/bench-pdf.js (the full SP 800-53 framework report to
//             PDF within 2x of Chromium printing the same HTML once, launch included),
//             scripts/bench-docx.js (DOCX at least 3x faster than pandoc on the same Markdown),
//             scripts/bench-xlsx.js (render of the remediation report to XLSX over 100,000 findings
//             under 600 MB peak RSS of the CLI process). BENCH_RENDER=0 skips them.
//   verify (issue 13): scripts/bench-verify.js, `infracast verify` of the signed full SP 800-53
//             framework PDF (170+ pages) as a whole process, within 2x of `pdfsig` on the same file,
//             both measured in its own run (the CLI's start-up alone reported beside them).
//             BENCH_VERIFY=0 skips it.
//   remediation (issue 14): scripts/bench-remediation.js, `infracast render` of a remediation report
//             over 100,000 ASFF findings of one rule and one owner (owners map, no tags) as a whole
//             process, against `infracast findings inspect --summary` on the same file in the same
//             run (bound 3x: grouping is linear). BENCH_REMEDIATION=0 skips it.
//   diagram (issue 15): scripts/bench-diagram.js, `infracast render` of an architecture diagram of a
//             generated 500-component estate to SVG as a whole process (bound 5 s), and ELK's
//             layout alone. BENCH_DIAGRAM=0 skips it.
//   ssp (issue 15): scripts/bench-ssp.js, `infracast render` of the FedRAMP High SSP (410 controls,
//             each with a statement) to md, docx and pdf as a whole process, within 1.5x of the
//             framework report of the same baseline in the same formats, same run. BENCH_SSP=0 skips it.
//   schedules (issue 16): scripts/bench-schedule.js, `infracast schedule due` over 1,000 generated
//             schedules as a whole process, under 1 s (its CPU time printed beside the wall time).
//             BENCH_SCHEDULE=0 skips it.
//   action (issue 16): scripts/bench-action.js, the GitHub Action's committed bundle: start-up within
//             3x of `node -e 0` (on node24), and the hourly sweep with nothing due on a copy of
//             examples/acme beside it (warm cache, fresh runner). BENCH_ACTION=0 skips it.
//   diff (issue 17): scripts/bench-diff.js, `infracast diff` on examples/acme (base HEAD~1 of a
//             copy in a git repository) within 2.5x of one render of the same definitions, same
//             run. BENCH_DIFF=0 skips it.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './bench-support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const bin = join(root, 'bin', 'run.js');
const workspace = existsSync(join(root, 'examples', 'acme', 'infracast.yaml')) ? 'examples/acme' : 'examples/starter';

const cacheRoot = mkdtempSync(join(tmpdir(), 'infracast-bench-'));

/**
 * Median wall time of a command. `cache`: 'warm' shares one Infracast cache folder across the runs
 * (as on a developer's machine after the first run); 'cold' gives each run an empty one.
 */
function measure(label, args, cache = 'warm') {
  const times = [];
  const env = (i) => ({
    ...process.env,
    SOURCE_DATE_EPOCH: '1795000000',
    INFRACAST_CACHE_DIR: join(cacheRoot, cache === 'warm' ? 'shared' : `cold-${label.length}-${i}`),
  });
  // One warm-up run fills the OS file cache (and, when warm, the Infracast cache).
  spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore', env: env('warm-up') });
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore', env: env(i) });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0) throw new Error(`${label}: exit ${result.status}`);
  }
  return { label, ms: median(times) };
}

const baseline = measure('node -e 0', ['-e', '0']);
const rows = [
  baseline,
  measure('infracast --help', [bin, '--help']),
  measure(`infracast validate ${workspace}`, [bin, 'validate', workspace]),
  measure(`infracast validate ${workspace} (empty cache)`, [bin, 'validate', workspace], 'cold'),
];
rmSync(cacheRoot, { recursive: true, force: true });
console.log(`start-up (median of ${runs} runs each, node ${process.version})`);
let failed = false;
for (const row of rows) {
  const ratio = row.ms / baseline.ms;
  const bounded = row !== baseline && !row.label.includes('empty cache');
  const verdict =
    row === baseline ? 'baseline' : !bounded ? 'first run on a machine (reported, not bounded)' : ratio <= 3 ? 'ok (bound 3.0x)' : 'OVER the 3.0x bound';
  failed ||= bounded && ratio > 3;
  console.log(`  ${row.label.padEnd(36)} ${row.ms.toFixed(0).padStart(6)} ms  ${ratio.toFixed(2)}x  ${verdict}`);
}

// ---- findings import ----
if (process.env.BENCH_FINDINGS !== '0') {
  const sizes = (process.env.BENCH_FINDINGS_SIZES ?? '100000,1000000').split(',').map(Number);
  const work = mkdtempSync(join(tmpdir(), 'infracast-bench-findings-'));
  try {
    console.log(`findings import (one run each, node ${process.version})`);
    for (const size of sizes) failed = (await benchFindings(work, size)) || failed;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
// ---- renderers ----
if (process.env.BENCH_RENDER !== '0') {
  for (const script of ['bench-pdf.js', 'bench-docx.js', 'bench-xlsx.js']) failed = benchScript('renderers', script) || failed;
}
// ---- verify ----
if (process.env.BENCH_VERIFY !== '0') failed = benchScript('verify', 'bench-verify.js') || failed;
// ---- remediation grouping ----
if (process.env.BENCH_REMEDIATION !== '0') failed = benchScript('remediation', 'bench-remediation.js') || failed;
// ---- architecture diagram ----
if (process.env.BENCH_DIAGRAM !== '0') failed = benchScript('diagram', 'bench-diagram.js') || failed;
// ---- SSP document ----
if (process.env.BENCH_SSP !== '0') failed = benchScript('ssp', 'bench-ssp.js') || failed;
// ---- schedules ----
if (process.env.BENCH_SCHEDULE !== '0') failed = benchScript('schedules', 'bench-schedule.js') || failed;
// ---- the GitHub Action ----
if (process.env.BENCH_ACTION !== '0') failed = benchScript('action', 'bench-action.js') || failed;
// ---- pull-request diff ----
if (process.env.BENCH_DIFF !== '0') failed = benchScript('diff', 'bench-diff.js') || failed;
process.exitCode = failed ? 1 : 0;

/** Runs one bench script in its own process and prints its lines; true when it missed its target or failed. */
function benchScript(part, script) {
  console.log(`${part}: ${script}`);
  const result = spawnSync(process.execPath, [join(root, 'scripts', script)], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  for (const line of `${result.stdout}${result.stderr}`.trimEnd().split('\n')) console.log(`  ${line}`);
  if (result.status === 0) return false;
  console.log(`  ${script}: exit ${result.status} (target missed or the run failed)`);
  return true;
}

/** Writes `{"Findings": [...]}` with `count` findings replicated from the Acme sample, streamed (never one string). */
async function writeAsff(path, count) {
  const sample = JSON.parse(readFileSync(join(root, 'examples', 'acme', 'findings', 'securityhub', 'acme-securityhub-2026-11-26.asff.json'), 'utf8')).Findings;
  // Each copy gets its own Id (and resource), so that it is a distinct finding.
  const templates = sample.map((f) => JSON.stringify({ ...f, Id: `${f.Id}/copy-@@N@@`, Resources: f.Resources.map((r) => ({ ...r, Id: `${r.Id}-@@N@@` })) }));
  const out = createWriteStream(path);
  out.write('{"Findings": [\n');
  const batch = 1000;
  for (let i = 0; i < count; i += batch) {
    const parts = [];
    for (let j = i; j < Math.min(count, i + batch); j++) parts.push(templates[j % templates.length].replaceAll('@@N@@', String(j)));
    if (!out.write(`${i === 0 ? '' : ',\n'}${parts.join(',\n')}`)) await once(out, 'drain');
  }
  out.write('\n]}\n');
  out.end();
  await once(out, 'finish');
}

/** Runs a child with a preload that writes its peak RSS (bytes) to a file at exit; returns wall ms, peak RSS and status. */
function measureChild(args, rssFile) {
  const preload = `data:text/javascript,import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(${JSON.stringify(rssFile)},String(process.resourceUsage().maxRSS*1024)))`;
  rmSync(rssFile, { force: true });
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [`--import=${preload}`, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rss = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : undefined;
  return { ms, rss, status: result.status, stderr: result.stderr };
}

async function benchFindings(work, size) {
  const file = join(work, `asff-${size}.json`);
  const t = Date.now();
  await writeAsff(file, size);
  const mb = (statSync(file).size / 1024 / 1024).toFixed(0);
  console.log(`  ${size} ASFF findings: ${mb} MiB file, written in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  // One warm-up read fills the OS file cache for both.
  spawnSync('cat', [file], { stdio: 'ignore' });
  const rssFile = join(work, 'rss');
  const baselineCode = `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`;
  const baseline = measureChild(['-e', baselineCode], rssFile);
  const inspect = measureChild([bin, 'findings', 'inspect', file, '--summary', '--json'], rssFile);
  const gib = (bytes) => (bytes === undefined ? '?' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`);
  let failedHere = false;
  if (inspect.status !== 0) {
    console.log(`    infracast findings inspect --summary: exit ${inspect.status}: ${inspect.stderr.split('\n')[0]}`);
    return true;
  }
  console.log(`    infracast findings inspect --summary  ${inspect.ms.toFixed(0).padStart(7)} ms  peak RSS ${gib(inspect.rss)}`);
  if (baseline.status === 0) {
    const ratio = inspect.ms / baseline.ms;
    const bounded = size <= 100000;
    console.log(`    baseline: read + JSON.parse          ${baseline.ms.toFixed(0).padStart(7)} ms  peak RSS ${gib(baseline.rss)}`);
    console.log(`    ratio ${ratio.toFixed(2)}x ${bounded ? (ratio <= 2 ? 'ok (bound 2.0x at 100k)' : 'OVER the 2.0x bound') : '(reported)'}`);
    failedHere ||= bounded && ratio > 2;
  } else {
    console.log(
      `    baseline: read + JSON.parse fails (${baseline.stderr.split('\n').find((l) => /Error/.test(l)) ?? `exit ${baseline.status}`}): the file cannot be one string`,
    );
  }
  if (size >= 1000000) {
    const ok = inspect.rss !== undefined && inspect.rss < 1024 * 1024 * 1024;
    console.log(`    peak RSS ${ok ? 'ok (bound 1 GiB at 1M)' : 'OVER the 1 GiB bound'}`);
    failedHere ||= !ok;
  }
  rmSync(file, { force: true });
  return failedHere;
}
