#!/usr/bin/env node
// `node scripts/bench-schedule.js [count]`: `infracast schedule due` over `count` (default 1,000)
// schedules (issue 16: under 1 s), as a whole CLI process (start-up, validation of the workspace,
// the state file, every decision). Writes into a temp folder a workspace of one report definition
// and `count` schedule files spread over the frequencies, `last` and day 31, raw crons and five
// time zones, with a recorded slot for every other one (.infracast/schedules.jsonl), then runs
// `bin/run.js schedule due --at ... --json` (over dist/) BENCH_RUNS times (default 5) and prints
// the median. Exit 1 when it fails, decides a different number of schedules, or takes 1 s or more.
//   BENCH_SCHEDULE_KEEP=1 keeps the temp folder (its path is printed).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './bench-support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'run.js');
const count = Number(process.argv[2] ?? process.env.BENCH_SCHEDULE_COUNT ?? 1000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const BOUND_MS = 1000;
const AT = '2027-03-15T11:17:00Z';

if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.error('bench-schedule: dist/ is missing: run `npm run build` first');
  process.exit(2);
}

const ZONES = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
const WHEN = [
  (i) => `frequency: daily\ntime: "${String(i % 24).padStart(2, '0')}:30"\n`,
  (i) => `frequency: weekly\nday: ${['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'][i % 7]}\ntime: "07:00"\n`,
  (i) => `frequency: monthly\nday: ${(i % 31) + 1}\ntime: "06:00"\ncatch_up: P1D\n`,
  () => `frequency: monthly\nday: last\ntime: "23:00"\n`,
  (i) => `frequency: quarterly\nday: ${i % 2 === 0 ? 31 : 1}\ntime: "02:30"\n`,
  (i) => `cron: "${i % 60} */6 * * 1-5"\ncatch_up: 6h\n`,
];

const work = mkdtempSync(join(tmpdir(), 'infracast-bench-schedule-'));
try {
  writeFileSync(join(work, 'infracast.yaml'), 'tenant:\n  id: bench\n  name: Bench\nsystem:\n  name: Bench\n  fips199: moderate\nframeworks: [nist-800-53]\n');
  mkdirSync(join(work, 'reports'));
  mkdirSync(join(work, 'schedules'));
  mkdirSync(join(work, '.infracast'));
  writeFileSync(join(work, 'reports', 'exec.yaml'), 'name: Exec\ntype: executive\nformat: md\n');
  const state = [];
  for (let i = 0; i < count; i++) {
    const name = `Schedule ${String(i).padStart(5, '0')}`;
    writeFileSync(
      join(work, 'schedules', `s${i}.yaml`),
      `name: ${name}\n${WHEN[i % WHEN.length](i)}timezone: ${ZONES[i % ZONES.length]}\n${i % 10 === 9 ? 'enabled: false\n' : ''}reports: [exec]\n`,
    );
    if (i % 2 === 0) state.push(`{"schedule":"${name}","slot":"2027-03-0${1 + (i % 9)}T00:00:00Z"}\n`);
  }
  writeFileSync(join(work, '.infracast', 'version.json'), '{"state_version":1}\n');
  writeFileSync(join(work, '.infracast', 'schedules.jsonl'), state.join(''));

  // -o json, not --json: oclif's --json prints through its JSON colouriser, which alone costs more than the
  // decisions (reported apart below); piped, `schedule due` prints JSON anyway.
  const cpuFile = join(work, 'cpu');
  const preload = `data:text/javascript,import{writeFileSync}from'node:fs';process.on('exit',()=>{const u=process.resourceUsage();writeFileSync(${JSON.stringify(cpuFile)},String((u.userCPUTime+u.systemCPUTime)/1000))})`;
  const args = [`--import=${preload}`, bin, 'schedule', 'due', '-w', work, '--at', AT, '-o', 'json'];
  const env = { ...process.env, INFRACAST_CACHE_DIR: join(work, '.cache') };
  spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore', env }); // warm-up: OS file cache, Infracast cache
  const times = [];
  const cpu = [];
  let decided;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0) {
      console.log(`infracast schedule due: exit ${result.status}: ${result.stderr.split('\n')[0]}`);
      process.exit(1);
    }
    decided = JSON.parse(result.stdout);
    cpu.push(Number(readFileSync(cpuFile, 'utf8')));
  }
  const ms = median(times);
  const statuses = {};
  for (const s of decided.schedules) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const ok = decided.schedules.length === count && ms < BOUND_MS;
  console.log(
    `infracast schedule due over ${count} schedules: ${ms.toFixed(0)} ms wall, ${median(cpu).toFixed(0)} ms CPU (medians of ${runs}, whole process, node ${process.version}); ` +
      `${Object.entries(statuses)
        .map(([k, v]) => `${v} ${k}`)
        .join(
          ', ',
        )}; ${ok ? `ok (bound ${BOUND_MS} ms)` : decided.schedules.length !== count ? `decided ${decided.schedules.length}, not ${count}` : `OVER the ${BOUND_MS} ms bound`}`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  if (process.env.BENCH_SCHEDULE_KEEP === '1') console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
