/**
 * Every record of every real export in ../shared/fixtures/findings imports, with its record count
 * preserved (fixtures/PROVENANCE.md "Counts verified"). Skips without ../shared; fails under CI.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ingest } from '../../src/app/ingest.js';
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
  it('the FedRAMP POA&M repeats a uuid for two items: two findings', async (t) => {
    const dir = requireShared(t, 'fixtures/findings');
    if (!dir) return;
    const result = await ingest({ paths: [join(dir, 'oscal-poam/fedramp-AwesomeCloudPOAM.xml')] });
    const repeated = result.findings.filter((f) => f.nativeId === 'fc16a330-a930-4dc5-a473-089a1da2e81c');
    assert.equal(repeated.length, 2);
    assert.notEqual(repeated[0]!.identity, repeated[1]!.identity);
  });
});
