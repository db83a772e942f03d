import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planPublication } from '../../src/app/publishing/plan.js';
import type { RunArtifact } from '../../src/app/schedule/run.js';

const artifact = (definition: string, file: string, cui = false, sidecars: string[] = []): RunArtifact => ({
  definition,
  path: `out/${definition}/${file}`,
  sha256: '0'.repeat(64),
  size_bytes: 1,
  format: file.slice(file.lastIndexOf('.') + 1),
  cui,
  sidecars,
});

const recorded = [
  {
    schedule: 'weekly-executive',
    slot: '2026-11-02T12:00:00Z',
    artifacts: [
      artifact('weekly-executive', 'weekly-executive.md'),
      artifact('weekly-executive', 'weekly-executive.pdf', false, ['out/weekly-executive/weekly-executive.pdf.sigstore.json']),
    ],
  },
  {
    schedule: 'monthly-poam',
    slot: '2026-11-01T12:00:00Z',
    artifacts: [artifact('cui-poam', 'cui-poam.xlsx', true, ['out/cui-poam/cui-poam.xlsx.p7s']), artifact('weekly-executive', 'weekly-executive.md')],
  },
];

const workspace = '/repo/compliance';
const config = (authorised: string[] = []) => ({ raw: { cui: { authorised_destinations: authorised } }, stateDir: `${workspace}/.infracast` });

describe('publishing: what a run may commit or attach (the CUI gate)', () => {
  it('commits the allowed artifacts with their sidecars, their markers, the index and the state folder; withholds CUI with the reason', () => {
    const plan = planPublication(recorded, 'commit', config(), workspace);
    assert.deepEqual(plan.paths, [
      '.infracast',
      'out/index.json',
      'out/weekly-executive/.infracast-published.json',
      'out/weekly-executive/weekly-executive.md',
      'out/weekly-executive/weekly-executive.pdf',
      'out/weekly-executive/weekly-executive.pdf.sigstore.json',
    ]);
    // Neither the CUI file, nor its signature, nor its folder's marker.
    assert.ok(!plan.paths.some((p) => p.includes('cui-poam')));
    assert.deepEqual(
      plan.withheld.map((w) => w.path),
      ['out/cui-poam/cui-poam.xlsx'],
    );
    assert.match(plan.withheld[0]!.reason, /CUI, withheld from commit/);
    assert.equal(plan.artifacts.length, 2, 'an artifact two schedules rendered is listed once');
    assert.deepEqual(plan.trailers, [
      { key: 'Infracast-Schedule', value: 'weekly-executive' },
      { key: 'Infracast-Slot', value: '2026-11-02T12:00:00Z' },
      { key: 'Infracast-Schedule', value: 'monthly-poam' },
      { key: 'Infracast-Slot', value: '2026-11-01T12:00:00Z' },
    ]);
  });

  it('attaches artifacts and sidecars only to a release (no markers, index or state)', () => {
    const plan = planPublication(recorded, 'release', config(['commit']), workspace);
    assert.deepEqual(plan.paths, [
      'out/weekly-executive/weekly-executive.md',
      'out/weekly-executive/weekly-executive.pdf',
      'out/weekly-executive/weekly-executive.pdf.sigstore.json',
    ]);
    assert.match(plan.withheld[0]!.reason, /withheld from release/);
    assert.deepEqual(plan.assets, [
      { path: 'out/weekly-executive/weekly-executive.md', name: 'weekly-executive.md' },
      { path: 'out/weekly-executive/weekly-executive.pdf', name: 'weekly-executive.pdf' },
      { path: 'out/weekly-executive/weekly-executive.pdf.sigstore.json', name: 'weekly-executive.pdf.sigstore.json' },
    ]);
  });

  it('names release assets apart when two definitions have different files of one name, and attaches an identical one once', () => {
    const logo = (definition: string, sha: string): RunArtifact => ({ ...artifact(definition, 'logo.png'), sha256: sha });
    const plan = planPublication(
      [
        {
          schedule: 's',
          slot: '2026-11-02T12:00:00Z',
          artifacts: [logo('a', '1'.repeat(64)), logo('b', '2'.repeat(64)), artifact('c', 'chart.svg'), artifact('d', 'chart.svg')],
        },
      ],
      'release',
      config(),
      workspace,
    );
    assert.deepEqual(plan.assets, [
      { path: 'out/a/logo.png', name: 'a-logo.png' },
      { path: 'out/b/logo.png', name: 'b-logo.png' },
      { path: 'out/c/chart.svg', name: 'chart.svg' },
    ]);
  });

  it('lets CUI go where the workspace authorises it, sidecars and marker included', () => {
    const plan = planPublication(recorded, 'commit', config(['commit']), workspace);
    assert.deepEqual(plan.withheld, []);
    for (const path of ['out/cui-poam/cui-poam.xlsx', 'out/cui-poam/cui-poam.xlsx.p7s', 'out/cui-poam/.infracast-published.json'])
      assert.ok(plan.paths.includes(path), path);
  });

  it('publishes nothing when nothing was recorded', () => {
    assert.deepEqual(planPublication([], 'commit', config(), workspace), { artifacts: [], paths: [], assets: [], withheld: [], trailers: [] });
  });
});
