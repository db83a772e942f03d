/**
 * Sharded runs (docs/sharding.md, issue 17 "Scale beyond one runner"): infracast plan, then shards
 * rendered by separate processes each in its own copy of the workspace (as matrix jobs each check the
 * repository out), then infracast merge of their folders (as the publish job downloads the
 * artifacts): the workspace ends byte for byte as one render of the whole list leaves it.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli, startCli } from '../support/cli.js';
import { examplesDir } from '../support/paths.js';
import { copyWorkspace, recordSnapshot } from '../support/workspace.js';

const FRAMEWORKS = ['nist-800-53', 'fedramp-moderate', 'nist-800-171', 'pci-dss', 'soc2'];

/**
 * examples/acme rendering Markdown and JSON only (no browser, no signing key: signatures are not
 * byte-reproducible), plus generated definitions over its frameworks: 31 definitions of 8 types,
 * two poam reports (the POA&M store read by two shards), and the acme findings that open its items.
 */
function shardWorkspace(): string {
  const root = copyWorkspace(join(examplesDir, 'acme'));
  for (const folder of ['reports', 'schedules'])
    for (const name of readdirSync(join(root, folder))) {
      const file = join(root, folder, name);
      if (name === 'architecture-diagram.yaml') continue; // svg only: deterministic as it is
      const text = readFileSync(file, 'utf8')
        .replace(/^formats?: .*$/m, 'formats: [md, json]')
        .replace(/^ {2}signed: true\n/m, '')
        // The monthly schedule renders a poam report that is built (the poam document type is not yet).
        .replace(/^ {2}- fedramp-monthly-poam$/m, '  - fedramp-poam-status-report');
      writeFileSync(file, text);
    }
  const generated = (name: string, body: string): void => writeFileSync(join(root, 'reports', `${name}.yaml`), `name: ${name}\n${body}formats: [md, json]\n`);
  for (const framework of FRAMEWORKS) {
    generated(`Generated ${framework} status`, `type: framework\nframework: ${framework}\n`);
    generated(`Generated ${framework} gaps`, `type: gap\nframework: ${framework}\n`);
  }
  for (const severity of ['CRITICAL', 'HIGH', 'MEDIUM'])
    generated(`Generated remediation ${severity}`, `type: remediation\noptions:\n  severity_filter: [${severity}]\n`);
  generated('Generated executive federal', 'type: executive\nframeworks: [nist-800-53, nist-800-171]\n');
  generated('Generated executive commercial', 'type: executive\nframeworks: [pci-dss, soc2]\n');
  generated('Generated POAM nist-800-53', 'type: poam\nframework: nist-800-53\n');
  return root;
}

interface Plan {
  now: string;
  shards: number;
  definitions: { name: string; type: string; shard: number }[];
  matrix: { now: string[]; shard: number[] };
  paths: { output: string; state: string };
}

function plan(workspace: string, ...args: string[]): Plan {
  const result = runCli(['plan', workspace, '--json', ...args]);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Plan;
}

/** Every shard in its own copy of `committed`, as concurrent processes; each one's artifact copied to shards/infracast-shard-<i>. */
async function runShards(committed: string, command: string[], count: number, at: string): Promise<{ folders: string[]; statuses: number[] }> {
  const artifacts = mkdtempSync(join(tmpdir(), 'infracast-shards-'));
  const checkouts = Array.from({ length: count }, () => {
    const copy = mkdtempSync(join(tmpdir(), 'infracast-shard-ws-'));
    cpSync(committed, copy, { recursive: true });
    return copy;
  });
  const runs = checkouts.map((copy, i) => startCli([...command, '--shard', `${i}/${count}`, '--at', at], { cwd: copy }).done);
  const results = await Promise.all(runs);
  const folders = checkouts.map((copy, i) => {
    const folder = join(artifacts, `infracast-shard-${i}`);
    mkdirSync(folder);
    for (const top of ['out', '.infracast']) if (existsSync(join(copy, top))) cpSync(join(copy, top), join(folder, top), { recursive: true });
    rmSync(copy, { recursive: true, force: true });
    return folder;
  });
  return { folders, statuses: results.map((r) => r.status) };
}

function copyOf(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'infracast-ws-'));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

const T1 = '2026-11-29T12:00:00Z';
const T2 = '2026-12-03T11:17:00Z';

describe('sharded runs: plan, shards in separate processes, merge', () => {
  let workspace: string;
  before(() => {
    workspace = shardWorkspace();
  });

  it('plan gives the same list twice, and the shards partition it round-robin', () => {
    const first = plan(workspace, '--shards', '3', '--at', T1);
    const again = plan(workspace, '--shards', '3', '--at', T1);
    assert.deepEqual(again, first);
    assert.equal(first.definitions.length, 31);
    assert.equal(first.now, T1);
    assert.deepEqual(first.matrix, { now: [T1], shard: [0, 1, 2] });
    assert.deepEqual(first.paths, { output: 'out', state: '.infracast' });
    const names = first.definitions.map((d) => d.name);
    assert.equal(new Set(names).size, names.length, 'a definition is listed once');
    first.definitions.forEach((d, position) => assert.equal(d.shard, position % 3, d.name));
    const sizes = [0, 1, 2].map((i) => first.definitions.filter((d) => d.shard === i).length);
    assert.deepEqual(sizes, [11, 10, 10]);
    // Sized to the work when no count is given: one shard per 10 definitions, at most --max-shards.
    assert.equal(plan(workspace, '--at', T1).shards, 4);
    assert.equal(plan(workspace, '--at', T1, '--max-shards', '2').shards, 2);
  });

  it('a shard index out of range, or not i/N, is a usage error and writes nothing', () => {
    const copy = copyOf(workspace);
    for (const shard of ['3/3', '-1/3', '1', '0/0', '0/257']) {
      const result = runCli(['render', copy, '--shard', shard, '--at', T1]);
      assert.equal(result.status, 2, `${shard}: ${result.stderr}`);
      assert.match(result.stderr, /--shard/);
    }
    assert.match(runCli(['render', copy, '--shard', '3/3']).stderr, /shard 3 is out of range \(shards of 3 are numbered 0 to 2\)/);
    assert.equal(existsSync(join(copy, 'out')), false);
    assert.equal(runCli(['schedule', 'run', '-w', copy, '--shard', '5/2']).status, 2);
  });

  it('three shards merged equal one render byte for byte: out/, index.json and the state, over two runs', async () => {
    const single = copyOf(workspace);
    const merged = copyOf(workspace);
    for (const at of [T1, T2]) {
      const committed = copyOf(merged); // what the shard jobs check out: the last publish
      const alone = runCli(['render', single, '--at', at]);
      const { folders, statuses } = await runShards(committed, ['render', '.'], 3, at);
      // Definitions that fail (types not built yet) fail in their shard as in the single render: exit 1.
      assert.equal(alone.status, 1, alone.stderr);
      assert.deepEqual(
        statuses,
        [1, 1, 1].map((s, i) => (readShardFailed(folders[i]!) ? s : 0)),
      );
      const merge = runCli(['merge', ...folders], { cwd: merged });
      assert.equal(merge.status, 1, merge.stderr); // as render: a definition failed
      assert.match(merge.stdout, /merged 3 shard\(s\) of /);
      assert.deepEqual(recordSnapshot(merged), recordSnapshot(single), `at ${at}`);
      rmSync(committed, { recursive: true, force: true });
    }
    // Not vacuous: the Markdown and JSON of every built definition, history, the run log, POA&M items.
    const files = Object.keys(recordSnapshot(single));
    assert.ok(files.filter((f) => f.endsWith('.md')).length >= 25, `${files.filter((f) => f.endsWith('.md')).length} Markdown files`);
    assert.ok(files.some((f) => f.startsWith('.infracast/history/')));
    const poam = readFileSync(join(merged, '.infracast', 'poam.jsonl'), 'utf8')
      .trim()
      .split('\n');
    assert.ok(poam.length > 5, 'the findings open POA&M items');
    assert.equal(
      readFileSync(join(merged, '.infracast', 'runs.jsonl'), 'utf8')
        .trim()
        .split('\n').length,
      2 * 27,
    );
    assert.equal(existsSync(join(merged, '.infracast', 'shard.json')), false, 'the shard record is never merged');
  });

  it('a scheduled run over two shards records the slot once every shard rendered its definitions', async () => {
    const single = copyOf(workspace);
    const merged = copyOf(workspace);
    const due = plan(merged, '--scheduled', '--shards', '2', '--at', T2);
    assert.deepEqual(
      due.definitions.map((d) => `${d.shard} ${d.name}`),
      ['0 nist-800-53-moderate-control-status', '1 fedramp-poam-status-report', '0 remediation-by-team'],
    );
    const alone = runCli(['schedule', 'run', '-w', single, '--at', T2]);
    assert.equal(alone.status, 0, alone.stderr);
    const { folders, statuses } = await runShards(merged, ['schedule', 'run'], 2, T2);
    assert.deepEqual(statuses, [0, 0]);
    for (const folder of folders) assert.equal(existsSync(join(folder, '.infracast', 'schedules.jsonl')), false, 'a shard records no slot');
    const merge = runCli(['merge', ...folders, '--json'], { cwd: merged });
    assert.equal(merge.status, 0, merge.stderr);
    const result = JSON.parse(merge.stdout) as { scheduled: { recorded: { schedule: string; slot: string }[] } };
    assert.deepEqual(
      result.scheduled.recorded.map((r) => `${r.schedule} ${r.slot}`),
      ['FedRAMP Monthly ConMon 2026-12-03T11:00:00Z'],
    );
    assert.deepEqual(recordSnapshot(merged), recordSnapshot(single));
    // Nothing is due any more: the plan of the same instant is empty (the workflow skips its shard jobs).
    const after = plan(merged, '--scheduled', '--at', T2);
    assert.deepEqual([after.shards, after.matrix.shard], [0, []]);
  });

  it('merge refuses what is not every shard of one run, and writes nothing', async () => {
    const target = copyOf(workspace);
    const { folders } = await runShards(target, ['render', '.', '--only', 'remediation'], 2, T1);
    const other = await runShards(target, ['render', '.', '--only', 'remediation'], 2, T2);
    const cases: [string[], RegExp][] = [
      [[folders[0]!], /shard\(s\) 1 of 2 missing/],
      [[folders[0]!, folders[0]!], /shard 0 is given twice/],
      [[folders[0]!, other.folders[1]!], /is not of the same run/],
      [[join(target, 'reports')], /not the folder of a shard/],
    ];
    for (const [given, message] of cases) {
      const result = runCli(['merge', ...given], { cwd: target });
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, message);
    }
    assert.equal(existsSync(join(target, 'out')), false);
  });

  it('shards that computed another POA&M store (another checkout) are refused: exit 1, nothing written', async () => {
    const target = copyOf(workspace);
    // Each of the two poam reports on its own shard, both writing the whole run's store.
    const good = await runShards(target, ['render', '.', '--only', 'poam'], 3, T1);
    const other = copyOf(target);
    rmSync(join(other, 'findings', 'trivy'), { recursive: true });
    const drifted = await runShards(other, ['render', '.', '--only', 'poam'], 3, T1);
    const result = runCli(['merge', good.folders[0]!, good.folders[1]!, drifted.folders[2]!], { cwd: target });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /poam\.jsonl in the state folder: shards [01] and 2 wrote it differently/);
    assert.equal(existsSync(join(target, 'out')), false);
    assert.equal(existsSync(join(target, '.infracast', 'poam.jsonl')), false);
  });
});

/** Whether a shard's share held a definition that fails (its record says so). */
function readShardFailed(folder: string): boolean {
  const record = JSON.parse(readFileSync(join(folder, '.infracast', 'shard.json'), 'utf8')) as { reports: { status: string }[] };
  return record.reports.some((r) => r.status === 'failed');
}
