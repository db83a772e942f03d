/**
 * Nothing lost, ever (issue 12): the real CLI on a copy of examples/acme that has been rendered
 * once, rendered again with a fault at every call that changes the disk (test/support/fault-preload:
 * ENOSPC at every write, EROFS at every change, kill -9 at every change), and at the stages that
 * write nothing (import, build, print); each followed by a normal run. That run must give, byte for
 * byte, the outputs and state of a run that met no fault, and so map every POA&M id to the same
 * weakness. A faulted run exits 3 (the environment) with the path and never a stack trace.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startCli, type CliProcess } from '../support/cli.js';
import { repoRoot } from '../support/paths.js';
import { noBrowserReason } from '../support/pdf.js';
import { poamWeaknesses, recordSnapshot } from '../support/workspace.js';

const T1 = '2026-11-28T12:00:00Z';
const T2 = '2026-11-29T12:00:00Z';
const DEFINITIONS = ['reports/nist-800-171-gap.yaml', 'reports/poam-status.yaml', 'reports/remediation-by-team.yaml'];
const FORMATS = ['--format', 'md', '--format', 'json'];
const preload = join(repoRoot, 'dist', 'test', 'support', 'fault-preload.js');
/** The calls the shim fails with ENOSPC (the ones that need space), as its log names them. */
const ALLOCATING = /^(writeFileSync|writeFile|mkdirSync|mkdir|open|openSync|mkdtemp|mkdtempSync|copyFile|copyFileSync) /;
const scratch = mkdtempSync(join(tmpdir(), 'infracast-faults-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The CLI with the fault shim loaded (FAULT_MODE count|enospc|erofs|kill, at the FAULT_AT-th call). */
function render(dir: string, args: string[], fault?: { mode: string; at?: number; log?: string }): CliProcess {
  const env: NodeJS.ProcessEnv = { INFRACAST_CACHE: 'off' };
  if (fault) {
    Object.assign(env, {
      NODE_OPTIONS: `--import=${preload}`,
      FAULT_ROOT: dir,
      FAULT_MODE: fault.mode,
      FAULT_AT: String(fault.at ?? 0),
      ...(fault.log ? { FAULT_LOG: fault.log } : {}),
    });
  }
  return startCli(['render', ...args], { cwd: dir, env });
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
  const faulted = await render(dir, [...DEFINITIONS, ...FORMATS, '--at', T2], { mode, at }).done;
  const what = `${mode} at call ${at}`;
  if (mode === 'kill') assert.equal(faulted.signal, 'SIGKILL', `${what}: killed\n${faulted.stderr}`);
  else {
    assert.ok(faulted.status === 3 || faulted.status === 0, `${what}: exit ${faulted.status}\n${faulted.stderr}`);
    assert.doesNotMatch(faulted.stderr, /INTERNAL|this is a bug|\n\s+at /, `${what}: no stack trace`);
    if (faulted.status === 3) assert.match(faulted.stderr, /\[(DISK_FULL|READ_ONLY)\]/, what);
  }
  const normal = await render(dir, [...DEFINITIONS, ...FORMATS, '--at', T2]).done;
  assert.equal(normal.status, 0, `${what}: the next run\n${normal.stderr}`);
  assert.deepEqual(recordSnapshot(dir), reference, `${what}: the next run's outputs and state are a clean run's`);
  assert.deepEqual(poamWeaknesses(dir), referencePoam, `${what}: every POA&M id names the same weakness`);
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
    const first = await render(base, [...DEFINITIONS, ...FORMATS, '--at', T1]).done;
    assert.equal(first.status, 0, first.stderr);
    const clean = copy();
    assert.equal((await render(clean, [...DEFINITIONS, ...FORMATS, '--at', T2]).done).status, 0);
    reference = recordSnapshot(clean);
    referencePoam = poamWeaknesses(clean);
    // One counting run: every call under the workspace that changes the disk, in order.
    const log = join(scratch, 'count.json');
    const counted = await render(copy(), [...DEFINITIONS, ...FORMATS, '--at', T2], { mode: 'count', log }).done;
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
    const before = recordSnapshot(dir);
    // The first write of a staged artifact.
    const at = allocating.findIndex((e) => /^open \/out\/\.staging-/.test(e)) + 1;
    assert.ok(at > 0, allocating.join('\n'));
    const run = await render(dir, [...DEFINITIONS, ...FORMATS, '--at', T2], { mode: 'enospc', at }).done;
    assert.equal(run.status, 3, run.stderr);
    assert.match(run.stderr, /out\/\.staging-[^ ]*: cannot write: no space left on the device \(ENOSPC\) \[DISK_FULL\]/);
    assert.match(run.stderr, /hint: Free space on the disk/);
    assert.match(run.stderr, /the previous reports and state are as they were/);
    assert.deepEqual(recordSnapshot(dir), before, 'nothing changed');
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
    const run = await render(clean, PDF).done;
    assert.equal(run.status, 0, run.stderr);
    pdfReference = recordSnapshot(clean);
  });
  for (const [stage, killOn] of [
    ['import', /imported /],
    ['build and print (a definition in progress, Chromium printing)', /\[1\/3\]/],
    ['the last definition printing', /\[2\/3\]/],
  ] as const) {
    it(`killed during ${stage}: the next run is a clean run`, async () => {
      const dir = copy();
      const run = render(dir, PDF);
      await run.waitFor(killOn);
      run.kill();
      const killed = await run.done;
      assert.equal(killed.signal, 'SIGKILL', killed.stderr);
      const normal = await render(dir, PDF).done;
      assert.equal(normal.status, 0, normal.stderr);
      assert.deepEqual(recordSnapshot(dir), pdfReference);
    });
  }
});
