/**
 * `findings inspect` inside a workspace (or with -w) applies its mappings/ and the built-in ones:
 * with -f FRAMEWORK its unmapped count is the one `summary -f FRAMEWORK` reports
 * (`unmapped_findings`), by the same function; outside a workspace it reports what the records
 * name, as before.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { examplesDir } from '../support/paths.js';

const acme = join(examplesDir, 'acme');
const at = ['--at', '2026-11-29'];

interface InspectJson {
  workspace?: string;
  mappings?: string;
  files: { file: string; unmappedByFramework?: Record<string, number>; counts: { unmapped: number } }[];
  totals: { findings: number; counts: { unmapped: number }; unmappedByFramework?: Record<string, number> };
}

const inspect = (args: string[], cwd?: string): InspectJson => {
  const result = runCli(['findings', 'inspect', ...args, '--json'], cwd ? { cwd } : {});
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as InspectJson;
};
const unmappedOfSummary = (framework: string): number => {
  const result = runCli(['summary', '-f', framework, '-w', acme, ...at, '--json']);
  assert.equal(result.status, 0, result.stderr);
  return (JSON.parse(result.stdout) as { unmapped_findings: number }).unmapped_findings;
};

describe('findings inspect with a workspace: mappings applied, per framework', () => {
  for (const framework of ['nist-800-171', 'nist-800-53']) {
    it(`inspect -f ${framework} and summary -f ${framework} agree on the unmapped findings of examples/acme`, () => {
      const expected = unmappedOfSummary(framework);
      const found = inspect([join(acme, 'findings'), '-f', framework]);
      assert.equal(found.totals.unmappedByFramework?.[framework], expected);
      assert.equal(found.mappings, 'workspace mappings/ and built-in');
      // -w names the workspace explicitly; the files may then be anywhere in it.
      assert.equal(
        inspect([
          join(acme, 'findings', 'trivy'),
          join(acme, 'findings', 'native'),
          join(acme, 'findings', 'prowler'),
          join(acme, 'findings', 'securityhub'),
          '-w',
          acme,
          '-f',
          framework,
        ]).totals.unmappedByFramework?.[framework],
        expected,
      );
    });
  }

  it("without -f: the workspace's frameworks; the count the records alone give is kept beside", () => {
    const found = inspect(['findings'], acme);
    assert.deepEqual(Object.keys(found.totals.unmappedByFramework ?? {}), ['nist-800-53', 'fedramp-moderate', 'nist-800-171']);
    assert.equal(found.totals.counts.unmapped, 71, 'records that name no control of any framework, as before');
    const trivy = found.files.find((f) => f.file.endsWith('.sarif'))!;
    // Trivy's CVEs name nothing themselves; acme's mappings/acme-scanners.yaml maps them.
    assert.equal(trivy.counts.unmapped, 57);
    assert.deepEqual(trivy.unmappedByFramework, { 'nist-800-53': 0, 'fedramp-moderate': 0, 'nist-800-171': 0 });
    const human = runCli(['findings', 'inspect', 'findings'], { cwd: acme });
    assert.match(human.stdout, /^workspace: \. \(mappings: workspace mappings\/ and built-in\)$/m);
    assert.match(human.stdout, /^ {2}unmapped after mappings: nist-800-53 0, fedramp-moderate 0, nist-800-171 0$/m);
  });

  it('outside a workspace: what the records name, as before; -f applies the built-in mappings only, and says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infracast-loose-'));
    copyFileSync(join(acme, 'findings', 'trivy', 'acme-agc-images-2026-11-26.sarif'), join(dir, 'trivy.sarif'));
    const plain = inspect(['trivy.sarif'], dir);
    assert.equal(plain.workspace, undefined);
    assert.equal(plain.totals.unmappedByFramework, undefined);
    assert.equal(plain.totals.counts.unmapped, 57);
    const builtIn = inspect(['trivy.sarif', '-f', 'nist-800-53'], dir);
    assert.equal(builtIn.mappings, 'built-in only (no workspace)');
    assert.equal(builtIn.totals.unmappedByFramework?.['nist-800-53'], 57, "Prowler's built-in mappings say nothing of CVEs");
  });

  it('an unknown framework is an error with the known ones; -f with --summary is a usage error', () => {
    const unknown = runCli(['findings', 'inspect', join(acme, 'findings'), '-f', 'nist-800-5']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /unknown framework "nist-800-5"/);
    const summary = runCli(['findings', 'inspect', join(acme, 'findings'), '-f', 'nist-800-53', '--summary']);
    assert.equal(summary.status, 2, summary.stderr);
    assert.match(summary.stderr, /--framework needs the findings kept/);
  });
});
