/**
 * Nothing lost, ever (issue 12): the real CLI on a copy of examples/acme that has been rendered
 * once, rendered again with a fault at every call that changes the disk (test/support/fault-preload:
 * ENOSPC at every write, EROFS at every change, kill -9 at every change), and at the stages that
 * write nothing (import, build, print); each followed by a normal run. That run must give, byte for
 * byte, the outputs and state of a run that met no fault, and so map every POA&M id to the same
 * weakness. A faulted run exits 3 (the environment) with the path and never a stack trace.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { binPath, repoRoot } from '../support/paths.js';
import { noBrowserReason } from '../support/pdf.js';

const T1 = '2026-11-28T12:00:00Z';
const T2 = '2026-11-29T12:00:00Z';
const DEFINITIONS = ['reports/nist-800-171-gap.yaml', 'reports/poam-status.yaml', 'reports/remediation-by-team.yaml'];
const FORMATS = ['--format', 'md', '--format', 'json'];
const preload = join(repoRoot, 'dist', 'test', 'support', 'fault-preload.js');
/** The calls the shim fails with ENOSPC (the ones that need space), as its log names them. */
const ALLOCATING = /^(writeFileSync|writeFile|mkdirSync|mkdir|open|openSync|mkdtemp|mkdtempSync|copyFile|copyFileSync) /;
const scratch = mkdtempSync(join(tmpdir(), 'infracast-faults-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The CLI in a child process; `fault` loads the shim; `killOn` kills it (SIGKILL) when its output first matches. */
function render(dir: string, args: string[], options: { fault?: { mode: string; at?: number; log?: string }; killOn?: RegExp } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_ACTIONS: '', NO_COLOR: '1', INFRACAST_CACHE: 'off' };
  if (options.fault) {
    Object.assign(env, {
      NODE_OPTIONS: `--import=${preload}`,
      FAULT_ROOT: dir,
      FAULT_MODE: options.fault.mode,
      FAULT_AT: String(options.fault.at ?? 0),
      ...(options.fault.log ? { FAULT_LOG: options.fault.log } : {}),
    });
  }
  const child = spawn(process.execPath, [binPath, 'render', ...args], { cwd: dir, env });
  let stdout = '';
  let stderr = '';
  const watch = (chunk: string, sink: 'out' | 'err'): void => {
    if (sink === 'out') stdout += chunk;
    else stderr += chunk;
    if (options.killOn && options.killOn.test(stdout + stderr) && child.exitCode === null) child.kill('SIGKILL');
  };
  child.stdout.setEncoding('utf8').on('data', (c: string) => watch(c, 'out'));
  child.stderr.setEncoding('utf8').on('data', (c: string) => watch(c, 'err'));
  return new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
}

/** Every file of out/ and .infracast/ with its sha256 (what a run leaves, byte for byte). */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const top of ['out', '.infracast']) {
    const base = join(dir, top);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { recursive: true })) {
      const path = join(base, String(entry));
      if (statSync(path).isFile()) files[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  }
  return files;
}

/** POA&M id -> its weakness (detector and source id). */
function poamIds(dir: string): Record<string, string> {
  const lines = readFileSync(join(dir, '.infracast', 'poam.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return Object.fromEntries(
    lines
      .map((l) => JSON.parse(l) as { id: string; weakness_detector: string; weakness_source_id: string })
      .map((i) => [i.id, `${i.weakness_detector} ${i.weakness_source_id}`]),
  );
}

let base = '';
let reference: Record<string, string> = {};
let referencePoam: Record<string, string> = {};
let counter = 0;
/** A fresh copy of the workspace as it stands after the T1 run. */
function copy(): string {
  const dir = join(scratch, `run-${++counter}`);
  cpSync(base, dir, { recursive: true });
  return dir;
}

async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** One fault, then a normal run; the normal run must leave exactly the reference. */
async function faultThenRecover(mode: 'enospc' | 'erofs' | 'kill', at: number): Promise<void> {
  const dir = copy();
  const faulted = await render(dir, [...DEFINITIONS, ...FORMATS, '--at', T2], { fault: { mode, at } });
  const what = `${mode} at call ${at}`;
  if (mode === 'kill') assert.equal(faulted.signal, 'SIGKILL', `${what}: killed\n${faulted.stderr}`);
  else {
    assert.ok(faulted.status === 3 || faulted.status === 0, `${what}: exit ${faulted.status}\n${faulted.stderr}`);
    assert.doesNotMatch(faulted.stderr, /INTERNAL|this is a bug|\n\s+at /, `${what}: no stack trace`);
    if (faulted.status === 3) assert.match(faulted.stderr, /\[(DISK_FULL|READ_ONLY)\]/, what);
  }
  const normal = await render(dir, [...DEFINITIONS, ...FORMATS, '--at', T2]);
  assert.equal(normal.status, 0, `${what}: the next run\n${normal.stderr}`);
  assert.deepEqual(snapshot(dir), reference, `${what}: the next run's outputs and state are a clean run's`);
  assert.deepEqual(poamIds(dir), referencePoam, `${what}: every POA&M id names the same weakness`);
  rmSync(dir, { recursive: true, force: true });
}

describe('fault injection: every write fails or kills, and the next run repairs it exactly', () => {
  let calls: { enospc: number; erofs: number };
  /** The allocating calls of a run, in order (what ENOSPC numbers). */
  let allocating: string[] = [];
  before(async () => {
    base = join(scratch, 'base');
    assert.equal(runCli(['init', '--example', 'acme', base], { cwd: repoRoot }).status, 0);
    // A smaller estate keeps a run under a second (it is run some 250 times): the collector's and
    // Trivy's findings (104) are plenty for the POA&M, the gap and the remediation report.
    for (const gone of ['reports/evidence-oct-nov-2026.yaml', 'findings/prowler', 'findings/securityhub']) rmSync(join(base, gone), { recursive: true });
    const first = await render(base, [...DEFINITIONS, ...FORMATS, '--at', T1]);
    assert.equal(first.status, 0, first.stderr);
    const clean = copy();
    assert.equal((await render(clean, [...DEFINITIONS, ...FORMATS, '--at', T2])).status, 0);
    reference = snapshot(clean);
    referencePoam = poamIds(clean);
    // One counting run: every call under the workspace that changes the disk, in order.
    const log = join(scratch, 'count.json');
    const counted = await render(copy(), [...DEFINITIONS, ...FORMATS, '--at', T2], { fault: { mode: 'count', log } });
    assert.equal(counted.status, 0, counted.stderr);
    const entries = (JSON.parse(readFileSync(log, 'utf8')) as { log: string[] }).log;
    allocating = entries.filter((e) => ALLOCATING.test(e));
    calls = { enospc: allocating.length, erofs: entries.length - allocating.length };
    assert.ok(calls.enospc >= 20 && calls.erofs >= 10, JSON.stringify(calls));
  });

  it('ENOSPC at every allocating call (each write, folder, temporary file, the journal)', async () => {
    const points = Array.from({ length: calls.enospc }, (_, i) => i + 1);
    await pool(points, 2, (at) => faultThenRecover('enospc', at));
  });

  it('EROFS at every other call that changes the disk (renames, removals: the commit, the lock)', async () => {
    const points = Array.from({ length: calls.erofs }, (_, i) => i + 1);
    await pool(points, 2, (at) => faultThenRecover('erofs', at));
  });

  it('kill -9 at every call that changes the disk (staging, the commit point, each rename of the commit)', async () => {
    const points = Array.from({ length: calls.enospc + calls.erofs }, (_, i) => i + 1);
    await pool(points, 2, (at) => faultThenRecover('kill', at));
  });

  it('a disk-full run names the path and the fix, commits nothing, and leaves no temporary file', async () => {
    const dir = copy();
    const before = snapshot(dir);
    // The first write of a staged artifact.
    const at = allocating.findIndex((e) => /^open \/out\/\.staging-/.test(e)) + 1;
    assert.ok(at > 0, allocating.join('\n'));
    const run = await render(dir, [...DEFINITIONS, ...FORMATS, '--at', T2], { fault: { mode: 'enospc', at } });
    assert.equal(run.status, 3, run.stderr);
    assert.match(run.stderr, /out\/\.staging-[^ ]*: cannot write: no space left on the device \(ENOSPC\) \[DISK_FULL\]/);
    assert.match(run.stderr, /hint: Free space on the disk/);
    assert.match(run.stderr, /the previous reports and state are as they were/);
    assert.deepEqual(snapshot(dir), before, 'nothing changed');
    assert.deepEqual(
      readdirSync(join(dir, 'out')).filter((e) => e.startsWith('.')),
      [],
      'no staging folder left',
    );
  });
});

describe('kill -9 at the stages that write nothing: import, build, print', { skip: noBrowserReason() }, () => {
  const PDF = [...DEFINITIONS, '--format', 'md', '--format', 'json', '--format', 'pdf', '--at', T2];
  let pdfReference: Record<string, string> = {};
  before(async () => {
    const clean = copy();
    const run = await render(clean, PDF);
    assert.equal(run.status, 0, run.stderr);
    pdfReference = snapshot(clean);
  });
  for (const [stage, killOn] of [
    ['import', /imported /],
    ['build and print (a definition in progress, Chromium printing)', /\[1\/3\]/],
    ['the last definition printing', /\[2\/3\]/],
  ] as const) {
    it(`killed during ${stage}: the next run is a clean run`, async () => {
      const dir = copy();
      const killed = await render(dir, PDF, { killOn });
      assert.equal(killed.signal, 'SIGKILL', killed.stderr);
      const normal = await render(dir, PDF);
      assert.equal(normal.status, 0, normal.stderr);
      assert.deepEqual(snapshot(dir), pdfReference);
    });
  }
});
