#!/usr/bin/env node
// `node scripts/bench-xlsx.js [count]`: the XLSX memory bound of issue 5. Generates (deterministically,
// into a temp folder) a workspace with `count` findings (default 100,000) in the native JSON format of
// examples/acme/findings/native, about 90% of them open FAILs, and a remediation definition with
// `format: xlsx`; runs the real CLI (`bin/run.js render <ws> --format xlsx`, over dist/) in a child
// process and reads that process's peak RSS (process.resourceUsage().maxRSS, written at exit by a
// preload, the method of scripts/bench.js). Prints wall time, peak RSS, the workbook's size and
// whether the peak stays under 600 MB. Exit 1 when it does not, or when the render fails.
//   BENCH_XLSX_KEEP=1 keeps the temp folder (its path is printed).
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'run.js');
const count = Number(process.argv[2] ?? process.env.BENCH_XLSX_FINDINGS ?? 100000);
const BOUND = 600 * 1000 * 1000;

if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.error('bench-xlsx: dist/ is missing: run `npm run build` first');
  process.exit(2);
}

/** A small deterministic generator (mulberry32), so every run benches the same workspace. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];
const TEAMS = ['platform', 'identity', 'data', 'sre', 'secops', 'it', 'payments', 'mobile'];
const RULES = Array.from({ length: 400 }, (_, i) => ({
  id: `bench.rule-${String(i).padStart(3, '0')}`,
  title: `Resources should satisfy benchmark rule ${i} of the configuration baseline`,
  controls: [['AC-2', 'AC-3', 'AU-2', 'CM-6', 'IA-2', 'SC-7', 'SC-28', 'SI-2'][i % 8]],
  remediation: `Apply the hardened configuration for rule ${i}: update the resource policy, redeploy through the pipeline and confirm the next scan passes.`,
}));

async function writeFindings(path, n) {
  const next = random(20261130);
  const out = createWriteStream(path);
  out.write('{\n  "generated_at": "2026-11-27T06:00:00Z",\n  "tool": { "name": "bench-collector", "version": "1.0.0" },\n  "findings": [\n');
  for (let i = 0; i < n; i++) {
    const rule = RULES[Math.floor(next() * RULES.length)];
    const team = TEAMS[Math.floor(next() * TEAMS.length)];
    const severity = SEVERITIES[Math.min(4, Math.floor(next() * next() * 6))];
    const day = 1 + Math.floor(next() * 27);
    const finding = {
      id: `bench-${String(i).padStart(7, '0')}`,
      title: rule.title,
      description: `Generated finding ${i} for the XLSX memory benchmark.`,
      result: next() < 0.9 ? 'FAIL' : 'PASS',
      severity,
      severity_source: { value: severity.toLowerCase(), scale: 'bench' },
      rule_id: rule.id,
      resource: {
        id: `arn:aws:ec2:us-east-1:284715930621:instance/i-${i.toString(16).padStart(17, '0')}`,
        type: 'AwsEc2Instance',
        name: `bench-instance-${i}`,
        account: '284715930621',
        tags: { team, owner: `${team}.owner` },
      },
      controls: { 'nist-800-53': rule.controls },
      remediation: rule.remediation,
      tool: { name: 'bench-collector', version: '1.0.0' },
      owner: `${team}.owner`,
      observed_at: `2026-11-${String(day).padStart(2, '0')}T0${day % 10}:1${day % 6}:0${day % 10}Z`,
    };
    if (!out.write(`${i === 0 ? '' : ',\n'}    ${JSON.stringify(finding)}`)) await once(out, 'drain');
  }
  out.write('\n  ]\n}\n');
  out.end();
  await once(out, 'finish');
}

const work = mkdtempSync(join(tmpdir(), 'infracast-bench-xlsx-'));
try {
  mkdirSync(join(work, 'findings', 'native'), { recursive: true });
  mkdirSync(join(work, 'reports'));
  writeFileSync(
    join(work, 'infracast.yaml'),
    [
      'version: 1',
      'tenant:',
      '  id: bench',
      '  name: Bench Corp',
      'system:',
      '  name: Bench Platform',
      '  id: BENCH-001',
      '  fips199: moderate',
      '  description: Synthetic workspace of the XLSX memory benchmark.',
      'frameworks: [nist-800-53]',
      'findings:',
      '  sources:',
      '    - findings/**/*.json',
      'output: out',
      'templates: templates',
      'state: .infracast',
      'timezone: UTC',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(work, 'reports', 'remediation.yaml'),
    [
      'name: Remediation',
      'type: remediation',
      'format: xlsx',
      'options:',
      '  title: Remediation Plan (benchmark)',
      '  group_by: team',
      '  classification: CUI',
      '',
    ].join('\n'),
  );
  const t = Date.now();
  const findingsFile = join(work, 'findings', 'native', 'bench.json');
  await writeFindings(findingsFile, count);
  console.log(
    `bench-xlsx: ${count} native findings, ${(statSync(findingsFile).size / 1024 / 1024).toFixed(0)} MiB, written in ${((Date.now() - t) / 1000).toFixed(1)} s (${work})`,
  );
  spawnSync('cat', [findingsFile], { stdio: 'ignore' }); // warm the OS file cache

  const rssFile = join(work, 'rss');
  const preload = `data:text/javascript,import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(${JSON.stringify(rssFile)},String(process.resourceUsage().maxRSS*1024)))`;
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [`--import=${preload}`, bin, 'render', work, '--format', 'xlsx', '--json'], {
    cwd: work,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, SOURCE_DATE_EPOCH: '1796040000' },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rss = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : undefined;
  if (result.status !== 0) {
    console.log(`bench-xlsx: render failed (exit ${result.status}): ${result.stderr.split('\n').slice(0, 5).join('\n')}${result.stdout.slice(0, 2000)}`);
    process.exitCode = 1;
  } else {
    const xlsx = join(work, 'out', 'remediation', 'remediation.xlsx');
    const size = existsSync(xlsx) ? statSync(xlsx).size : 0;
    const ok = rss !== undefined && rss < BOUND;
    console.log(`bench-xlsx: render --format xlsx ${seconds.toFixed(1)} s, workbook ${(size / 1024 / 1024).toFixed(1)} MiB`);
    console.log(
      `bench-xlsx: peak RSS ${rss === undefined ? '?' : `${(rss / 1e6).toFixed(0)} MB (${(rss / 1024 / 1024).toFixed(0)} MiB)`} ${ok ? 'ok (under 600 MB)' : 'OVER the 600 MB bound'}`,
    );
    process.exitCode = ok && size > 0 ? 0 : 1;
  }
} finally {
  if (process.env.BENCH_XLSX_KEEP) console.log(`bench-xlsx: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
