/**
 * The action's sharded run through run()'s seams: command plan's outputs, a shard job's inputs, and
 * command merge handing the whole run to the publisher and the deliverer once.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run } from '../../../src/action/run.js';
import type { ActionDeps, DeliveryRequest, PublishRequest } from '../../../src/action/types.js';
import { makeWorkspace } from '../../support/workspace.js';

const WORKSPACE = {
  'reports/weekly-gap.yaml': 'name: Weekly Gap\ntype: gap\nframework: nist-800-53\nformats: [md, json]\n',
  'reports/weekly-status.yaml': 'name: Weekly Status\ntype: framework\nframework: nist-800-53\nformats: [md, json]\n',
  'reports/weekly-remediation.yaml': 'name: Weekly Remediation\ntype: remediation\nformats: [md, json]\n',
  'schedules/weekly.yaml':
    'name: Weekly\nfrequency: weekly\nday: monday\ntime: "07:00"\ntimezone: America/New_York\ncatch_up: 6h\nreports: [weekly-gap, weekly-status, weekly-remediation]\nrecipients: [ciso@acme.com]\n',
};
const MONDAY = '2026-03-09T12:17:00Z';

async function step(
  inputs: Record<string, string>,
  root: string,
  extra: Pick<ActionDeps, 'publisher' | 'deliverer'> = {},
): Promise<{ outputs: Record<string, string>; failed: string[] }> {
  const seen = { outputs: {} as Record<string, string>, failed: [] as string[] };
  await run({
    core: {
      getInput: (name) => inputs[name] ?? '',
      info: () => undefined,
      warning: () => undefined,
      error: () => undefined,
      setOutput: (name, value) => void (seen.outputs[name] = value),
      setFailed: (m) => void seen.failed.push(m),
      appendSummary: () => Promise.resolve(),
    },
    env: { GITHUB_WORKSPACE: root },
    clock: () => new Date(MONDAY),
    ...extra,
  });
  return seen;
}

describe('action: sharded run (plan, shard jobs, merge)', () => {
  it('plan sets the matrix, the pinned instant, the count and the folders a shard uploads', async () => {
    const root = makeWorkspace(WORKSPACE);
    const planned = await step({ command: 'plan', shards: '2' }, root);
    assert.deepEqual(planned.failed, []);
    assert.deepEqual(JSON.parse(planned.outputs.matrix!), { now: [MONDAY], shard: [0, 1] });
    assert.equal(planned.outputs.now, MONDAY);
    assert.equal(planned.outputs.count, '2');
    assert.equal(planned.outputs['shard-paths'], 'out\n.infracast');
    // A render plan of the same workspace; nothing due an hour before the slot: no shard.
    const render = await step({ command: 'plan', 'plan-for': 'render', 'max-shards': '1' }, root);
    assert.equal(render.outputs.count, '1');
    const early = await step({ command: 'plan', now: '2026-03-09T10:17:00Z' }, root);
    assert.deepEqual([early.outputs.count, JSON.parse(early.outputs.matrix!)], ['0', { now: ['2026-03-09T10:17:00Z'], shard: [] }]);
  });

  it('a shard publishes nothing; a bad shard is refused before anything runs', async () => {
    const root = makeWorkspace(WORKSPACE);
    assert.match((await step({ command: 'scheduled', shard: '0/2', publish: 'commit' }, root)).failed.join(), /a shard publishes nothing/);
    assert.match((await step({ command: 'scheduled', shard: '2/2' }, root)).failed.join(), /input shard: 2\/2: shard 2 is out of range/);
    assert.match((await step({ command: 'merge' }, root)).failed.join(), /input shard-artifacts is empty/);
  });

  it('merge publishes and delivers the whole run once: every definition of every shard, the schedule recorded', async () => {
    const root = makeWorkspace(WORKSPACE);
    const artifacts = mkdtempSync(join(tmpdir(), 'infracast-shard-artifacts-'));
    for (const shard of [0, 1]) {
      const checkout = mkdtempSync(join(tmpdir(), 'infracast-shard-checkout-'));
      cpSync(root, checkout, { recursive: true });
      const ran = await step({ command: 'scheduled', now: MONDAY, shard: `${shard}/2`, publish: 'none' }, checkout);
      assert.deepEqual(ran.failed, []);
      const folder = join(artifacts, `infracast-shard-${shard}`);
      mkdirSync(folder);
      for (const top of ['out', '.infracast']) cpSync(join(checkout, top), join(folder, top), { recursive: true });
    }
    const published: PublishRequest[] = [];
    const delivered: DeliveryRequest[] = [];
    const merged = await step({ command: 'merge', 'shard-artifacts': artifacts, publish: 'commit' }, root, {
      publisher: {
        publish: (request) => {
          published.push(request);
          return Promise.resolve({ changed: true, published: request.artifacts, withheld: [], notes: [] });
        },
      },
      deliverer: {
        deliver: (request) => {
          delivered.push(request);
          return Promise.resolve({ warnings: [], withheld: [], notes: [] });
        },
      },
    });
    assert.deepEqual(merged.failed, []);
    assert.equal(published.length, 1);
    assert.deepEqual(
      published[0]!.recorded.map((r) => `${r.schedule} ${r.slot}`),
      ['Weekly 2026-03-09T11:00:00Z'],
    );
    assert.deepEqual([...new Set(published[0]!.artifacts.map((a) => a.definition))].sort(), ['weekly-gap', 'weekly-remediation', 'weekly-status']);
    assert.equal(delivered.length, 1);
    assert.deepEqual(delivered[0]!.recipients, { Weekly: ['ciso@acme.com'] });
  });
});
