#!/usr/bin/env node
// `node scripts/bench-diagram.js [count]`: the architecture diagram at scale (issue 15: "diagram
// layout of a 500-component inventory in under 5 s"). Writes (into a temp folder) a workspace whose
// inventory is a generated estate of `count` components (default 500; test/support/estate-inventory.ts:
// workload accounts with VPCs of public, application and data subnets, a shared-services account,
// external users, partners and SaaS, connections from tier to tier), and an architecture-diagram
// definition. Times `bin/run.js render <ws> --format svg` as a whole process (the median of
// BENCH_DIAGRAM_RUNS runs, default 3), and, in this process, ELK's layout alone (first layout in a
// fresh process, then a second). Exit 1 when the render fails or its median is over 5 s.
// The machine's load average is printed beside the figures: on a busy machine they are not the
// tool's. BENCH_DIAGRAM_KEEP=1 keeps the temp folder (its path is printed).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './bench-support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'run.js');
const count = Number(process.argv[2] ?? process.env.BENCH_DIAGRAM_COMPONENTS ?? 500);
const runs = Number(process.env.BENCH_DIAGRAM_RUNS ?? 3);
const BOUND_MS = 5000;

if (!existsSync(join(root, 'dist', 'cli', 'main.js')) || !existsSync(join(root, 'dist', 'test', 'support', 'estate-inventory.js'))) {
  console.error('bench-diagram: dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const dist = (path) => pathToFileURL(join(root, 'dist', path)).href;
const { estateInventory } = await import(dist('test/support/estate-inventory.js'));
const { mergeInventories } = await import(dist('src/model/inventory.js'));
const { drawArchitecture } = await import(dist('src/renderers/diagram-svg.js'));

const load = () => loadavg()[0].toFixed(1);

const inventory = estateInventory(count);
const ws = mkdtempSync(join(tmpdir(), 'infracast-bench-diagram-'));
let failed = false;
try {
  mkdirSync(join(ws, 'inventory'));
  mkdirSync(join(ws, 'reports'));
  writeFileSync(
    join(ws, 'infracast.yaml'),
    [
      'version: 1',
      'tenant: { id: bench, name: Bench }',
      'system: { name: Bench, id: BENCH-1, fips199: moderate, description: A generated workspace. }',
      'frameworks: [nist-800-53]',
      '',
    ].join('\n'),
  );
  // JSON is YAML: the inventory file as the CLI reads any other.
  writeFileSync(join(ws, 'inventory', 'estate.yaml'), `${JSON.stringify(inventory, null, 1)}\n`);
  writeFileSync(join(ws, 'reports', 'architecture-diagram.yaml'), 'name: Estate architecture\ntype: architecture-diagram\nformat: svg\n');
  console.log(
    `${inventory.components.length} components, ${inventory.boundaries.length} boundaries, ${inventory.connections.length} connections (load average ${load()} on this machine)`,
  );

  // The child's CPU time (user + system), written at its exit: on a machine shared with other work
  // the wall time is mostly waiting for a core, and this says what the run itself cost.
  const cpuFile = join(ws, 'cpu-ms');
  const preload = `data:text/javascript,import{writeFileSync}from'node:fs';process.on('exit',()=>{const u=process.cpuUsage();writeFileSync(${JSON.stringify(cpuFile)},String((u.user+u.system)/1000))})`;
  const times = [];
  const cpu = [];
  for (let i = 0; i < runs && !failed; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [`--import=${preload}`, bin, 'render', ws, '--format', 'svg'], {
      cwd: ws,
      encoding: 'utf8',
      env: { ...process.env, SOURCE_DATE_EPOCH: '1795000000' },
    });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (existsSync(cpuFile)) cpu.push(Number(readFileSync(cpuFile, 'utf8')));
    if (result.status !== 0) {
      console.log(`  render failed (exit ${result.status}): ${`${result.stdout}${result.stderr}`.split('\n').slice(0, 6).join(' | ')}`);
      failed = true;
    }
  }
  if (!failed) {
    const svg = join(ws, 'out', 'estate-architecture', 'estate-architecture.svg');
    const ms = median(times);
    console.log(
      `  infracast render --format svg (whole process)  ${ms.toFixed(0).padStart(6)} ms  median of ${runs} (${times.map((t) => t.toFixed(0)).join(', ')}); svg ${(statSync(svg).size / 1024).toFixed(0)} kB`,
    );
    if (cpu.length > 0) console.log(`  its CPU time (user + system)                    ${median(cpu).toFixed(0).padStart(6)} ms  median`);
    console.log(`  ${ms <= BOUND_MS ? 'ok' : 'OVER'} (bound ${BOUND_MS} ms, wall)`);
    failed = ms > BOUND_MS;
  }

  // The layout alone, in this process: the first (cold, as in a CLI run) and a second.
  const { inventory: merged } = mergeInventories([{ file: 'estate.yaml', body: JSON.parse(readFileSync(join(ws, 'inventory', 'estate.yaml'), 'utf8')) }]);
  const cpu0 = process.cpuUsage();
  const first = await drawArchitecture(merged);
  const firstCpu = process.cpuUsage(cpu0);
  const second = await drawArchitecture(merged);
  console.log(
    `  elk layout alone                                ${first.layoutMs.toFixed(0).padStart(6)} ms  first in a fresh process (drawing included: ${((firstCpu.user + firstCpu.system) / 1000).toFixed(0)} ms CPU); second ${second.layoutMs.toFixed(0)} ms; drawing ${first.width} x ${first.height} px (load average ${load()})`,
  );
} finally {
  if (process.env.BENCH_DIAGRAM_KEEP === '1') console.log(`  kept ${ws}`);
  else rmSync(ws, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
