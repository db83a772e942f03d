/**
 * Golden files pinning the normalised findings of one file per format (`findings inspect --json`).
 * Sources: ../shared/fixtures/findings (skipped without it, failing under CI), the native
 * export of examples/acme and a few of test/fixtures/findings. Regenerate on purpose with
 * UPDATE_GOLDEN=1 and review the diff.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { goldenDir, repoRoot, sharedDir } from '../support/paths.js';
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
  ['grype-sarif', 'test/fixtures/findings/grype/grype-image.sarif'],
  ['njsscan-sarif', 'test/fixtures/findings/njsscan/njsscan.sarif'],
];

function check(name: string, file: string): void {
  // Paths relative to the repository, so that the golden files do not depend on the machine.
  const result = runCli(['findings', 'inspect', file, '--json'], { cwd: repoRoot });
  assert.equal(result.status, 0, result.stderr);
  const actual = `${JSON.stringify(JSON.parse(result.stdout), null, 2)}\n`;
  const golden = join(goldenDir, 'findings', `${name}.json`);
  if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
    mkdirSync(join(goldenDir, 'findings'), { recursive: true });
    writeFileSync(golden, actual);
  }
  assert.equal(actual, readFileSync(golden, 'utf8'));
}

describe('golden: normalised findings, one file per format', () => {
  for (const [name, path] of CASES) {
    it(name, (t) => {
      if (!requireShared(t, path)) return;
      check(name, relative(repoRoot, join(sharedDir, path)));
    });
  }
  it('native', () => check('native', 'examples/acme/findings/native/acme-collector-2026-11-27.json'));
  // Vulnerability findings, a SARIF run's time (test/fixtures/findings/PROVENANCE.md).
  for (const [name, path] of LOCAL_CASES) it(name, () => check(name, path));
});
