#!/usr/bin/env node
// `node scripts/bench-ssp.js`: the SSP document at FedRAMP High scale (issue 15). Copies
// examples/acme into a temp folder (its system facts, inventory and findings), replaces its controls/
// with a statement for every one of the 410 FedRAMP High controls (parameters from the catalog's
// FedRAMP assignments, three parts each) and its reports/ with two definitions of the same baseline:
// the SSP and the framework report. Runs the real CLI (`bin/run.js render <definition> --format ...`,
// over dist/) as a whole process for each, in the same run, in the same formats (md, docx, pdf;
// BENCH_SSP_FORMATS adds oscal to the SSP once a renderer for it is merged), and prints both times
// and their ratio. Exit 1 when a render fails or the SSP takes more than 1.5x the framework report.
//   BENCH_SSP_KEEP=1 keeps the temp folder (its path is printed).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'run.js');
const BOUND = 1.5;
const FORMATS = ['md', 'docx', 'pdf'];
const SSP_FORMATS = (process.env.BENCH_SSP_FORMATS ?? FORMATS.join(',')).split(',');

if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.error('bench-ssp: dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const { getCatalog } = await import(pathToFileURL(join(root, 'dist', 'src', 'catalogs', 'index.js')).href);

const STATUSES = ['implemented', 'implemented', 'implemented', 'partial', 'planned'];
const yamlText = (s) => JSON.stringify(s);

/** One ControlImplementation per FedRAMP High control, one multi-document file per family. */
function writeControls(dir) {
  const byFamily = new Map();
  getCatalog('fedramp-high').controls.forEach((control, i) => {
    const status = STATUSES[i % STATUSES.length];
    const lines = [
      'kind: ControlImplementation',
      'framework: nist-800-53',
      `control: ${yamlText(control.id)}`,
      `status: ${status}`,
      ...(status === 'planned' ? ['planned_completion_date: 2027-06-30', 'remarks: Scheduled with the platform migration.'] : []),
      ...(status === 'partial' ? ['remarks: Automation covers production; the recovery region follows.'] : []),
      'origination: [service-provider-system-specific]',
      'responsible_roles: [ISSO, Platform Engineering]',
    ];
    const parameters = Object.entries(control.parameters ?? {});
    if (parameters.length > 0) lines.push('parameters:', ...parameters.map(([id, value]) => `  ${id}: ${yamlText(value)}`));
    lines.push('parts:');
    for (const part of ['a', 'b', 'c']) {
      lines.push(
        `  ${part}: ${yamlText(
          `For ${control.id} ${control.title} part ${part}, the platform team enforces the requirement through infrastructure code reviewed in pull requests, ` +
            'AWS Config rules and Security Hub controls evaluated continuously, and a quarterly review by the ISSO recorded in the compliance tracker.',
        )}`,
      );
    }
    byFamily.set(control.family, [...(byFamily.get(control.family) ?? []), lines.join('\n')]);
  });
  mkdirSync(dir, { recursive: true });
  for (const [family, docs] of byFamily) writeFileSync(join(dir, `${family.toLowerCase()}.yaml`), `${docs.join('\n---\n')}\n`);
}

function timed(args, cwd) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, SOURCE_DATE_EPOCH: '1795000000' },
  });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: result.status, stderr: result.stderr, stdout: result.stdout };
}

const ws = mkdtempSync(join(tmpdir(), 'infracast-bench-ssp-'));
let failedRun = false;
try {
  cpSync(join(root, 'examples', 'acme'), ws, { recursive: true, filter: (src) => !/[/\\](out|\.dev-keys|controls|reports|schedules)$/.test(src) });
  writeControls(join(ws, 'controls'));
  mkdirSync(join(ws, 'reports'));
  const list = (formats) => `[${formats.join(', ')}]`;
  writeFileSync(join(ws, 'reports', 'ssp.yaml'), `name: SSP\ntype: ssp\nframework: fedramp-high\nformats: ${list(SSP_FORMATS)}\n`);
  writeFileSync(join(ws, 'reports', 'framework.yaml'), `name: Framework\ntype: framework\nframework: fedramp-high\nformats: ${list(FORMATS)}\n`);
  const formatArgs = (formats) => formats.flatMap((f) => ['--format', f]);
  // The framework report first: both then find the catalogs and the findings in the OS cache alike.
  const baseline = timed([bin, 'render', join(ws, 'reports', 'framework.yaml'), ...formatArgs(FORMATS), '--out', join(ws, 'out')], ws);
  const ssp = timed([bin, 'render', join(ws, 'reports', 'ssp.yaml'), ...formatArgs(SSP_FORMATS), '--out', join(ws, 'out')], ws);
  console.log(`FedRAMP High (410 controls, each with a statement), formats ${SSP_FORMATS.join(', ')}`);
  for (const [name, run] of [
    ['framework report', baseline],
    ['SSP', ssp],
  ]) {
    if (run.status !== 0) {
      console.log(`  ${name} failed (exit ${run.status}): ${`${run.stderr}${run.stdout}`.split('\n').slice(0, 5).join(' | ')}`);
      failedRun = true;
    }
  }
  if (!failedRun) {
    const ratio = ssp.ms / baseline.ms;
    console.log(`  infracast render (ssp, fedramp-high)        ${ssp.ms.toFixed(0).padStart(7)} ms`);
    console.log(`  baseline: infracast render (framework report) ${baseline.ms.toFixed(0).padStart(7)} ms`);
    console.log(`  ratio ${ratio.toFixed(2)}x ${ratio <= BOUND ? `ok (bound ${BOUND.toFixed(1)}x)` : `OVER the ${BOUND.toFixed(1)}x bound`}`);
    failedRun = ratio > BOUND;
  }
} finally {
  if (process.env.BENCH_SSP_KEEP === '1') console.log(`  kept ${ws}`);
  else rmSync(ws, { recursive: true, force: true });
}
process.exitCode = failedRun ? 1 : 0;
