/**
 * Golden files pinning the normalised findings of one file per format (`findings inspect --json`).
 * Sources: ../shared/fixtures/findings (skipped without it, failing under CI), the native
 * export of examples/acme and a few of test/fixtures/findings (the scanner JSON formats:
 * scanner-findings.test.ts). Regenerate on purpose with UPDATE_GOLDEN=1 and review the diff.
 */
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { checkFindingsGolden } from '../support/findings-golden.js';
import { repoRoot, sharedDir } from '../support/paths.js';
import { requireShared } from '../support/shared.js';

const CASES: [string, string][] = [
  ['asff', 'fixtures/findings/asff/prowler-findings.asff.json'],
  ['ocsf', 'fixtures/findings/ocsf/prowler-example_output_aws.ocsf.json'],
  ['sarif', 'fixtures/findings/sarif/trivy-alpine-310.sarif'],
  ['csv', 'fixtures/findings/prowler-csv/prowler-example_output_aws.csv'],
  ['oscal-ar-json', 'fixtures/findings/oscal-assessment-results/ifa_assessment-results-example.json'],
  ['oscal-poam-xml', 'fixtures/findings/oscal-poam/fedramp-AwesomeCloudPOAM.xml'],
];

const LOCAL_CASES: [string, string][] = [
  ['inspector-asff', 'test/fixtures/findings/inspector/inspector-ec2-ghsa.asff.json'],
  ['grype-sarif', 'test/fixtures/findings/cross-check/grype-TestSarifPresenter_image.sarif'],
  ['njsscan-sarif', 'test/fixtures/findings/njsscan/njsscan.sarif'],
];

describe('golden: normalised findings, one file per format', () => {
  for (const [name, path] of CASES) {
    it(name, (t) => {
      if (!requireShared(t, path)) return;
      checkFindingsGolden(name, relative(repoRoot, join(sharedDir, path)));
    });
  }
  it('native', () => {
    checkFindingsGolden('native', 'examples/acme/findings/native/acme-collector-2026-11-27.json');
  });
  // Vulnerability findings, a SARIF run's time (test/fixtures/findings/PROVENANCE.md).
  for (const [name, path] of LOCAL_CASES) it(name, () => void checkFindingsGolden(name, path));
});
