/** `infracast catalog show`: a framework's control ids and titles, and validate's unknown-control hint pointing at it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { MINIMAL_CONFIG, makeWorkspace } from '../support/workspace.js';

interface Shown {
  framework: string;
  baseline: string | null;
  count: number;
  controls: { id: string; title: string; family: string; family_title?: string }[];
}
const shown = (args: string[]): Shown => {
  const r = runCli(['catalog', 'show', ...args, '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Shown;
};

describe('infracast catalog show', () => {
  it('lists the 110 SP 800-171 requirements as a table, in catalog order', () => {
    const r = runCli(['catalog', 'show', 'nist-800-171']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^NIST SP 800-171 Rev\. 2: 110 controls, /);
    assert.match(lines[2]!, /^ID {7}TITLE$/);
    assert.equal(lines[3], '3.1.1    Authorized Access Control');
    assert.equal(lines.length, 3 + 110);
    assert.equal(lines.at(-1), '3.14.7   Identify Unauthorized Use'); // ids padded to the longest, 3.13.11
  });
  it('--json: every control with its family; ids unique', () => {
    const json = shown(['nist-800-171']);
    assert.deepEqual([json.framework, json.baseline, json.count, json.controls.length], ['nist-800-171', null, 110, 110]);
    assert.deepEqual(json.controls[0], { id: '3.1.1', title: 'Authorized Access Control', family: 'AC', family_title: 'Access Control' });
    assert.equal(new Set(json.controls.map((c) => c.id)).size, 110);
  });
  it('--baseline (any case) narrows SP 800-53 to an SP 800-53B baseline', () => {
    const all = shown(['nist-800-53']);
    const moderate = shown(['nist-800-53', '--baseline', 'MODERATE']);
    const low = shown(['nist-800-53', '--baseline', 'low']);
    assert.equal(moderate.baseline, 'moderate');
    assert.equal(moderate.count, 287);
    assert.ok(low.count < moderate.count && moderate.count < all.count, `${low.count} < ${moderate.count} < ${all.count}`);
    const ids = new Set(moderate.controls.map((c) => c.id));
    for (const c of low.controls) assert.ok(ids.has(c.id), `${c.id} is LOW but not MODERATE`);
    assert.ok(ids.has('AC-2(4)') && !low.controls.some((c) => c.id === 'AC-2(4)'));
  });
  it('a bad --baseline, or one on a framework without baselines, is a usage error (2)', () => {
    const bad = runCli(['catalog', 'show', 'nist-800-53', '--baseline', 'medium']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^infracast: Expected --baseline=medium to be one of: LOW, MODERATE, HIGH \[USAGE\]$/m);
    const fedramp = runCli(['catalog', 'show', 'fedramp-low', '--baseline', 'low']);
    assert.equal(fedramp.status, 2);
    assert.match(fedramp.stderr, /a FedRAMP framework is already one baseline/);
  });
  it('an unknown framework fails (1) with the near ones', () => {
    const r = runCli(['catalog', 'show', 'nist-800-17']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown framework "nist-800-17" \[FRAMEWORK_UNKNOWN\]\n {2}hint: did you mean "nist-800-53" or "nist-800-171"\?/);
  });
  it("shows a workspace's own catalog", () => {
    const root = makeWorkspace({
      'catalogs/acme.yaml': 'id: acme-baseline\nname: Acme Baseline\ncontrols:\n  - {id: ACME-1, title: Inventory}\n  - {id: ACME-2, title: Backups}\n',
    });
    const json = shown(['acme-baseline', '-w', root]);
    assert.deepEqual(
      json.controls.map((c) => `${c.id} ${c.title}`),
      ['ACME-1 Inventory', 'ACME-2 Backups'],
    );
  });
});

describe("validate's unknown-control hint", () => {
  it('points at catalog show for the framework', () => {
    const root = makeWorkspace({ 'infracast.yaml': MINIMAL_CONFIG, 'controls/c.yaml': 'framework: nist-800-53\ncontrol: AC-99\nstatement: x\n' });
    const r = runCli(['validate', root]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /control AC-99 does not exist in nist-800-53 \[unknown-control\]/);
    assert.match(r.stderr, /hint: `infracast catalog show nist-800-53` lists its control ids\./);
  });
});
