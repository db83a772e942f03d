/** Custom frameworks are evaluated like built-in ones (issue: engine, "Custom frameworks"). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
  // Each list holds exactly what its count counts.
  assert.deepEqual(
    result.failing_practices.map((p) => [p.practice_id, p.status, p.remediation]),
    [['ACME-2', 'failing', 'Close the 1 open finding; for Backups missing: Enable backups.']],
  );
  assert.deepEqual(
    result.not_assessed_practices.map((p) => [p.practice_id, p.status, p.remediation]),
    [['ACME-3', 'not-assessed', 'No evidence: attest the requirement (attestations/) or add a scan whose mapping covers it.']],
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
    result.failing_practices.map((p) => [p.practice_id, p.status, p.derived_from]),
    [['ACME-1', 'failing', 'crosswalk catalogs/ (acme-baseline): nist-800-53 AC-2']],
  );
  assert.deepEqual(
    result.not_assessed_practices.map((p) => [p.practice_id, p.derived_from]),
    [['ACME-2', undefined]],
  );
});

describe('the built-in crosswalk, NIST SP 800-171 Rev. 2 Appendix D (evaluation.md section 3)', () => {
  const findings = JSON.stringify([
    // AC-2 failing: Appendix D relates it to 3.1.1 and 3.1.2 (one row of basic requirements).
    { id: 'x', title: 'Stale accounts', result: 'FAIL', severity: 'HIGH', resource: { id: 'okta' }, controls: { 'nist-800-53': ['AC-2'] } },
    // AU-2 passing: never makes 3.3.1 passing.
    { id: 'y', title: 'Logging on', result: 'PASS', severity: 'LOW', resource: { id: 'trail' }, controls: { 'nist-800-53': ['AU-2'] } },
    // CA-7 failing: related to 3.12.1-3.12.4; the plans of action (3.12.2) and the SSP (3.12.4) are
    // documentary: only an attestation decides them.
    { id: 'z', title: 'No monitoring', result: 'FAIL', severity: 'LOW', resource: { id: 'acct' }, controls: { 'nist-800-53': ['CA-7'] } },
  ]);
  const workspace = (extra = ''): string =>
    makeWorkspace({ 'infracast.yaml': `${MINIMAL_CONFIG}${extra}findings:\n  sources: [findings/*.json]\n`, 'findings/f.json': findings });

  it('a failing SP 800-53 control fails the requirements related to it, naming the crosswalk; a passing one passes none', async () => {
    const result = await summary({ framework: 'nist-800-171', workspace: workspace(), at: '2026-11-29' });
    assert.deepEqual(
      result.failing_practices.map((p) => [p.practice_id, p.derived_from]),
      [
        ['3.1.1', 'crosswalk NIST SP 800-171 Rev. 2 Appendix D: nist-800-53 AC-2'],
        ['3.1.2', 'crosswalk NIST SP 800-171 Rev. 2 Appendix D: nist-800-53 AC-2'],
        ['3.12.1', 'crosswalk NIST SP 800-171 Rev. 2 Appendix D: nist-800-53 CA-7'],
        ['3.12.3', 'crosswalk NIST SP 800-171 Rev. 2 Appendix D: nist-800-53 CA-7'],
      ],
    );
    assert.match(
      result.failing_practices[0]!.reason!,
      /fails through crosswalk NIST SP 800-171 Rev\. 2 Appendix D: nist-800-53 AC-2 \(failure propagates; success never does\)/,
    );
    assert.equal(result.practices_passing, 0, 'AU-2 passing passes nothing');
    assert.ok(
      result.not_assessed_practices.some((p) => p.practice_id === '3.12.4'),
      'the SSP stays for an attestation to decide',
    );
    // The findings still name no SP 800-171 requirement: the crosswalk relates controls, not findings.
    assert.equal(result.unmapped_findings, 3);
    // CMMC Level 2 is SP 800-171 under other ids: it sees the same failures.
    const cmmc = await summary({ framework: 'cmmc-l2', workspace: workspace(), at: '2026-11-29' });
    assert.deepEqual(
      cmmc.failing_practices.map((p) => p.practice_id),
      ['AC.L2-3.1.1', 'AC.L2-3.1.2', 'CA.L2-3.12.1', 'CA.L2-3.12.3'],
    );
  });
  it('never the other way: a failing requirement fails no SP 800-53 control', async () => {
    const root = makeWorkspace({
      'infracast.yaml': `${MINIMAL_CONFIG}findings:\n  sources: [findings/*.json]\n`,
      'findings/f.json': JSON.stringify([
        { id: 'x', title: 'Stale accounts', result: 'FAIL', severity: 'HIGH', resource: { id: 'okta' }, controls: { 'nist-800-171': ['3.1.1'] } },
      ]),
    });
    const result = await summary({ framework: 'nist-800-53', workspace: root, at: '2026-11-29' });
    assert.equal(result.practices_failing, 0);
  });
  it('crosswalks: [] in infracast.yaml turns it off', async () => {
    const result = await summary({ framework: 'nist-800-171', workspace: workspace('crosswalks: []\n'), at: '2026-11-29' });
    assert.equal(result.practices_failing, 0);
  });
});
