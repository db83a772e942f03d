/**
 * Every record of every real export in ../shared/fixtures/findings imports, with its record count
 * preserved (fixtures/PROVENANCE.md "Counts verified"). Skips without ../shared; fails under CI.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { builtInMappingRules } from '../../src/app/evaluate.js';
import { ingest } from '../../src/app/ingest.js';
import { controlsOfFinding } from '../../src/model/evaluation.js';
import { requireShared } from '../support/shared.js';

const EXPECTED: [string, string, number][] = [
  ['asff/securityhub-cis-fsbp-findings.asff.json', 'asff', 18],
  ['asff/prowler-findings.asff.json', 'asff', 10],
  ['ocsf/prowler-example_output_aws.ocsf.json', 'ocsf', 5],
  ['ocsf/prowler-example_output_azure.ocsf.json', 'ocsf', 5],
  ['ocsf/prowler-example_output_gcp.ocsf.json', 'ocsf', 5],
  ['sarif/trivy-alpine-310.sarif', 'sarif', 4],
  ['sarif/semgrep-rule-board.sarif', 'sarif', 3],
  ['sarif/semgrep-dataflow-traces.sarif', 'sarif', 1],
  ['prowler-csv/prowler-example_output_aws.csv', 'csv', 4],
  ['oscal-assessment-results/ifa_assessment-results-example.json', 'oscal-ar', 1],
  ['oscal-assessment-results/fedramp-AwesomeCloudSAR.xml', 'oscal-ar', 23],
  ['oscal-poam/ifa_plan-of-action-and-milestones.json', 'oscal-poam', 2],
  ['oscal-poam/fedramp-AwesomeCloudPOAM.xml', 'oscal-poam', 8],
];

describe('interop: ../shared/fixtures/findings import with every record', () => {
  for (const [path, format, records] of EXPECTED) {
    it(`${path}: ${format}, ${records} records`, async (t) => {
      const dir = requireShared(t, 'fixtures/findings');
      if (!dir) return;
      const result = await ingest({ paths: [join(dir, path)] });
      assert.equal(result.files[0]!.format, format);
      assert.equal(result.files[0]!.records, records);
      assert.equal(result.files[0]!.invalid, 0);
      assert.equal(result.findings.length, records, 'records inside one file are never merged');
      for (const [i, finding] of result.findings.entries()) assert.equal(finding.sources[0]!.record, i + 1);
    });
  }
  it('all of them at once: 89 records, nothing lost', async (t) => {
    const dir = requireShared(t, 'fixtures/findings');
    if (!dir) return;
    const result = await ingest({ paths: [dir] });
    assert.equal(result.files.length, EXPECTED.length);
    assert.equal(
      result.totals.records,
      EXPECTED.reduce((n, [, , r]) => n + r, 0),
    );
    assert.equal(result.totals.findings + result.totals.merged, result.totals.records);
  });
  it('Security Hub: CIS findings name no NIST control (unmapped), FSBP PASSED is PASS', async (t) => {
    const dir = requireShared(t, 'fixtures/findings');
    if (!dir) return;
    const result = await ingest({ paths: [join(dir, 'asff/securityhub-cis-fsbp-findings.asff.json')] });
    assert.deepEqual(result.totals.counts.result, { FAIL: 17, PASS: 1, MANUAL: 0, NOT_APPLICABLE: 0, ERROR: 0, INFO: 0 });
    assert.equal(result.totals.counts.unmapped, 18);
  });
  it('Security Hub: each finding maps to the SP 800-53 controls AWS relates to its control (built-in mapping, checked by hand)', async (t) => {
    const dir = requireShared(t, 'fixtures/findings');
    if (!dir) return;
    const result = await ingest({ paths: [join(dir, 'asff/securityhub-cis-fsbp-findings.asff.json')] });
    const rules = builtInMappingRules();
    const mapped = result.findings.map((f) => [f.ruleId, f.result, [...controlsOfFinding(f, 'nist-800-53', rules).ids].sort().join(' ')]);
    const config1 = 'CM-3 CM-6(1) CM-8 CM-8(2)';
    const cis = (rule: string): string => `cis-aws-foundations-benchmark/v/1.2.0/${rule}`;
    // AWS Security Hub User Guide, doc_source/*-controls.md "Related requirements": CIS 1.2.0 1.1 is
    // checked by CloudWatch.1 and IAM.20, 3.x by CloudWatch.1-14 (no NIST.800-53.r5 id); 2.5 by
    // Config.1 (CM-3, CM-6(1), CM-8, CM-8(2)); S3.2 relates 14 SP 800-53 controls.
    assert.deepEqual(mapped, [
      [cis('1.1'), 'FAIL', ''],
      [cis('2.5'), 'FAIL', config1],
      ...['3.9', '3.8', '3.7', '3.6', '3.5', '3.4', '3.3', '3.2', '3.14', '3.13', '3.12', '3.11', '3.10', '3.1'].map((r) => [cis(r), 'FAIL', '']),
      ['Config.1', 'FAIL', config1],
      ['S3.2', 'PASS', 'AC-21 AC-3 AC-3(7) AC-4 AC-4(21) AC-6 SC-7 SC-7(11) SC-7(16) SC-7(20) SC-7(21) SC-7(3) SC-7(4) SC-7(9)'],
    ]);
  });
  it('the FedRAMP POA&M repeats a uuid for two items: two findings', async (t) => {
    const dir = requireShared(t, 'fixtures/findings');
    if (!dir) return;
    const result = await ingest({ paths: [join(dir, 'oscal-poam/fedramp-AwesomeCloudPOAM.xml')] });
    const repeated = result.findings.filter((f) => f.nativeId === 'fc16a330-a930-4dc5-a473-089a1da2e81c');
    assert.equal(repeated.length, 2);
    assert.notEqual(repeated[0]!.identity, repeated[1]!.identity);
  });
});
