/** Custom frameworks are evaluated like built-in ones (issue: engine, "Custom frameworks"). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { summary } from '../../src/app/summary.js';
import { makeWorkspace, MINIMAL_CONFIG } from '../support/workspace.js';

it('a YAML catalog in catalogs/ gets a summary from its attestations and findings', async () => {
  const root = makeWorkspace({
    'infracast.yaml': `${MINIMAL_CONFIG}findings:\n  sources: [findings/*.json]\n`,
    'catalogs/acme.yaml':
      'id: acme-baseline\nname: Acme Baseline\nversion: "2026.1"\ncontrols:\n  - {id: ACME-1, title: Inventory}\n  - {id: ACME-2, title: Backups}\n  - {id: ACME-3, title: Logging}\n',
    'attestations/a.yaml': 'id: a\nframework: acme-baseline\nrequirements: [ACME-1, ACME-2]\nresult: met\nattester: {name: Pat}\nattested_at: "2026-10-01"\n',
    'findings/f.json': JSON.stringify([
      {
        id: 'x',
        title: 'Backups missing',
        result: 'FAIL',
        severity: 'HIGH',
        resource: { id: 'db-1' },
        controls: { 'acme-baseline': ['ACME-2'] },
        remediation: 'Enable backups.',
      },
    ]),
  });
  const result = await summary({ framework: 'acme-baseline', workspace: root, at: '2026-11-29' });
  assert.equal(result.practices_passing, 1);
  assert.equal(result.practices_failing, 1);
  assert.equal(result.practices_not_assessed, 1);
  assert.deepEqual(
    result.failing_practices.map((p) => [p.practice_id, p.status, p.remediation]),
    [
      ['ACME-2', 'failing', 'Close the 1 open finding; for Backups missing: Enable backups.'],
      ['ACME-3', 'not-assessed', 'No evidence: attest the requirement (attestations/) or add a scan whose mapping covers it.'],
    ],
  );
  assert.equal(result.provenance.catalog.release, '2026.1');
  assert.equal(result.provenance.catalog.verified, false);
});

it('a crosswalk (maps_to) propagates failure, never success (evaluation.md section 3)', async () => {
  const root = makeWorkspace({
    'infracast.yaml': `${MINIMAL_CONFIG}findings:\n  sources: [findings/*.json]\n`,
    'catalogs/acme.yaml':
      'id: acme-baseline\nname: Acme Baseline\ncontrols:\n  - {id: ACME-1, title: Accounts, maps_to: {nist-800-53: [AC-2]}}\n  - {id: ACME-2, title: Logging, maps_to: {nist-800-53: [AU-2]}}\n',
    'findings/f.json': JSON.stringify([
      { id: 'x', title: 'Stale accounts', result: 'FAIL', severity: 'HIGH', resource: { id: 'okta' }, controls: { 'nist-800-53': ['AC-2'] } },
      { id: 'y', title: 'Logging on', result: 'PASS', severity: 'LOW', resource: { id: 'trail' }, controls: { 'nist-800-53': ['AU-2'] } },
    ]),
  });
  const result = await summary({ framework: 'acme-baseline', workspace: root, at: '2026-11-29' });
  assert.deepEqual(
    result.failing_practices.map((p) => [p.practice_id, p.status, (p as { derived_from?: string }).derived_from]),
    [
      ['ACME-1', 'failing', 'crosswalk catalogs/ (acme-baseline): nist-800-53 AC-2'],
      ['ACME-2', 'not-assessed', undefined],
    ],
  );
});
