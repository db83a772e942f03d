/** A CSV export other than Prowler's is read through the column mapping in infracast.yaml (findings.csv). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ingestWorkspace } from '../../src/app/workspace-findings.js';
import { loadWorkspace } from '../../src/app/load-workspace.js';
import { makeWorkspace, MINIMAL_CONFIG } from '../support/workspace.js';

it('findings.csv maps header names to fields (snake_case in YAML)', async () => {
  const config = `${MINIMAL_CONFIG}findings:\n  sources: [findings/*.csv]\n  csv:\n    tool: acme-scanner\n    columns:\n      id: QID\n      title: Title\n      result: Status\n      severity: Sev\n      rule_id: Check\n      resource_id: Asset\n`;
  const csv = 'QID,Title,Status,Sev,Check,Asset\n1001,Open SSH to the world,FAIL,HIGH,ssh_open,i-0abc\n1002,TLS ok,PASS,LOW,tls_ok,i-0def\n';
  const root = makeWorkspace({ 'infracast.yaml': config, 'findings/scan.csv': csv });
  const workspace = await loadWorkspace(root, { at: new Date('2026-11-29T00:00:00Z') });
  assert.deepEqual(workspace.diagnostics, []);
  assert.deepEqual(workspace.config?.findingsCsv?.columns, {
    id: 'QID',
    title: 'Title',
    result: 'Status',
    severity: 'Sev',
    ruleId: 'Check',
    resourceId: 'Asset',
  });
  const result = await ingestWorkspace(workspace);
  assert.deepEqual(
    result.findings.map((f) => [f.nativeId, f.title, f.result, f.severity, f.ruleId, f.resource?.id, f.tool]),
    [
      ['1001', 'Open SSH to the world', 'FAIL', 'HIGH', 'ssh_open', 'i-0abc', 'acme-scanner'],
      ['1002', 'TLS ok', 'PASS', 'LOW', 'tls_ok', 'i-0def', 'acme-scanner'],
    ],
  );
});
