#!/usr/bin/env node
// `node scripts/bench-remediation.js [count]`: the remediation report's grouping at scale (issue 14).
// Writes (into a temp folder) a workspace whose one findings file is `count` (default 100,000) ASFF
// findings shaped like a real Security Hub export: one FAILED control (the Acme sample's S3.9
// finding) across `count` buckets, no team or owner tags, and an `owners:` rule of infracast.yaml
// that gives them all one owner. Runs the real CLI (`bin/run.js render <ws> --format md`, over dist/)
// as a whole process, and as the baseline in the same run `infracast findings inspect --summary`
// on the same file (the import alone). Prints both times and their ratio. Exit 1 when the render
// fails or takes more than 4x the import (grouping linear in the findings: before issue 14 a copy
// of the owner's list per finding made it quadratic, about a minute at 100,000).
//   BENCH_REMEDIATION_KEEP=1 keeps the temp folder (its path is printed).
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'run.js');
const count = Number(process.argv[2] ?? process.env.BENCH_REMEDIATION_FINDINGS ?? 100000);
// The render also evaluates every framework of the definition, updates the POA&M and writes the
// history snapshot: 3.0-3.6x the import on 2 cores (issue 14, after caching mapping-rule lookups).
// The bound guards against a return of the per-finding copy (116x), not against noise.
const BOUND = 4;

if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.error('bench-remediation: dist/ is missing: run `npm run build` first');
  process.exit(2);
}

async function writeFindings(path, n) {
  const sample = JSON.parse(readFileSync(join(root, 'examples', 'acme', 'findings', 'securityhub', 'acme-securityhub-2026-11-26.asff.json'), 'utf8')).Findings;
  const failed =
    sample.find((f) => f.ProductFields?.ControlId === 'S3.9' && f.Compliance?.Status === 'FAILED') ?? sample.find((f) => f.Compliance?.Status === 'FAILED');
  // No tags: the owner must come from infracast.yaml's owners map, as in most real exports.
  const template = JSON.stringify({
    ...failed,
    Id: `${failed.Id}/bucket-@@N@@`,
    Resources: failed.Resources.map(({ Tags: _tags, ...r }) => ({ ...r, Id: `arn:aws:s3:::acme-bench-bucket-@@N@@` })),
  });
  const out = createWriteStream(path);
  out.write('{"Findings": [\n');
  for (let i = 0; i < n; i += 1000) {
    const parts = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) parts.push(template.replaceAll('@@N@@', String(j).padStart(6, '0')));
    if (!out.write(`${i === 0 ? '' : ',\n'}${parts.join(',\n')}`)) await once(out, 'drain');
  }
  out.write('\n]}\n');
  out.end();
  await once(out, 'finish');
}

function timed(args, cwd) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, SOURCE_DATE_EPOCH: '1795000000' },
  });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: result.status, stderr: result.stderr };
}

const ws = mkdtempSync(join(tmpdir(), 'infracast-bench-remediation-'));
let failedRun = false;
try {
  mkdirSync(join(ws, 'findings'));
  mkdirSync(join(ws, 'reports'));
  writeFileSync(
    join(ws, 'infracast.yaml'),
    [
      'version: 1',
      'tenant: { id: bench, name: Bench }',
      'system: { name: Bench, id: BENCH-1, fips199: moderate, description: A generated workspace. }',
      'frameworks: [nist-800-53]',
      'findings:',
      '  sources: [findings/*.json]',
      '  max_file_size_mb: 1024',
      'owners:',
      "  - { resource: 'arn:aws:s3:::acme-bench-*', owner: storage }",
      '',
    ].join('\n'),
  );
  writeFileSync(join(ws, 'reports', 'remediation.yaml'), 'name: Remediation\ntype: remediation\nformats: [md]\noptions:\n  group_by: team\n');
  const file = join(ws, 'findings', 'securityhub.json');
  await writeFindings(file, count);
  spawnSync('cat', [file], { stdio: 'ignore' });
  const baseline = timed([bin, 'findings', 'inspect', file, '--summary', '--json'], ws);
  const render = timed([bin, 'render', ws, '--format', 'md'], ws);
  console.log(`${count} findings of one rule, one owner (owners map), no tags`);
  if (baseline.status !== 0) console.log(`  baseline failed (exit ${baseline.status}): ${baseline.stderr.split('\n')[0]}`);
  if (render.status !== 0) {
    console.log(`  render failed (exit ${render.status}): ${render.stderr.split('\n').slice(0, 5).join(' | ')}`);
    failedRun = true;
  } else {
    const ratio = render.ms / baseline.ms;
    console.log(`  infracast render --format md (remediation)   ${render.ms.toFixed(0).padStart(7)} ms`);
    console.log(`  baseline: infracast findings inspect --summary ${baseline.ms.toFixed(0).padStart(7)} ms`);
    console.log(`  ratio ${ratio.toFixed(2)}x ${ratio <= BOUND ? `ok (bound ${BOUND.toFixed(1)}x)` : `OVER the ${BOUND.toFixed(1)}x bound`}`);
    failedRun = ratio > BOUND;
  }
} finally {
  if (process.env.BENCH_REMEDIATION_KEEP === '1') console.log(`  kept ${ws}`);
  else rmSync(ws, { recursive: true, force: true });
}
process.exitCode = failedRun ? 1 : 0;
