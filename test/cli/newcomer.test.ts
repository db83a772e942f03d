/**
 * The newcomer's first hour (issue 14, "Done when"): `init` into an empty folder, copy real
 * Security Hub (CIS AWS Foundations 1.2.0 + FSBP) and Prowler OCSF exports into findings/,
 * `validate`, then `summary -o table` shows coverage through the shipped mappings and how many
 * findings map to no control. The built CLI runs as a user runs it. Skips without ../shared.
 *
 * The numbers, by hand from the sources (scripts/sources/PROVENANCE.md):
 *   25 findings = 2 of the starter's findings/sample.json (they name IA-2(1) and AU-2 themselves)
 *               + 18 Security Hub findings + 5 Prowler OCSF findings.
 *   Security Hub, per the "Related requirements" of the AWS Security Hub User Guide:
 *     FSBP Config.1 FAILED, CIS 1.2.0 2.5 FAILED (checked by Config.1) -> CM-3, CM-6(1), CM-8, CM-8(2);
 *     FSBP S3.2 PASSED -> 14 controls (AC-3 ... SC-7(21)), supporting evidence only;
 *     CIS 1.2.0 1.1 (CloudWatch.1, IAM.20) and 3.1-3.14 (CloudWatch.1-.14): AWS relates no
 *     SP 800-53 control -> 15 unmapped.
 *   Prowler OCSF (accessanalyzer_enabled, 4 account_* checks): none is in Prowler's NIST SP 800-53
 *     or SP 800-171 compliance file -> 5 unmapped.
 *   nist-800-53 (the starter's fips199 moderate: the SP 800-53B moderate baseline): 20 of 25
 *     unmapped; failing CM-3, CM-8 (Security Hub) and IA-2(1) (sample); CM-6(1) and CM-8(2) are
 *     outside the moderate baseline.
 *   nist-800-171: no finding names a requirement; the starter's mappings/example.yaml maps the
 *     sample's cloudtrail_multi_region_enabled (PASS) to 3.3.1: 24 of 25 unmapped. Appendix D
 *     relates CM-3 to 3.4.3, CM-8 to 3.4.1/3.4.2 and IA-2(1) to 3.5.3: those 4 fail through the
 *     crosswalk.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { requireShared } from '../support/shared.js';

const AT = ['--at', '2026-11-29'];

describe("a newcomer's first hour: init, real exports, validate, summary", () => {
  it('summary -o table shows coverage through the shipped mappings and the unmapped count', (t) => {
    const fixtures = requireShared(t, 'fixtures/findings');
    if (!fixtures) return;
    const dir = join(mkdtempSync(join(tmpdir(), 'infracast-newcomer-')), 'compliance');
    const init = runCli(['init', dir]);
    assert.equal(init.status, 0, init.stderr);
    copyFileSync(join(fixtures, 'asff', 'securityhub-cis-fsbp-findings.asff.json'), join(dir, 'findings', 'securityhub.asff.json'));
    copyFileSync(join(fixtures, 'ocsf', 'prowler-example_output_aws.ocsf.json'), join(dir, 'findings', 'prowler.ocsf.json'));
    const validate = runCli(['validate', ...AT], { cwd: dir });
    assert.equal(validate.status, 0, validate.stderr);

    const table = runCli(['summary', '-f', 'nist-800-53', '-o', 'table', ...AT], { cwd: dir });
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^unmapped +20 of 25 findings map to no control of nist-800-53$/m);
    const coverage = /^score +[\d.]+% of assessed, coverage ([\d.]+)%$/m.exec(table.stdout);
    assert.ok(coverage && Number(coverage[1]) > 0, table.stdout);
    const failing = table.stdout.slice(table.stdout.indexOf('FAILING ('), table.stdout.indexOf('NOT ASSESSED ('));
    assert.deepEqual(
      [...failing.matchAll(/^([A-Z]{2}-\d+(?:\(\d+\))?) /gm)].map((m) => m[1]),
      ['CM-3', 'CM-8', 'IA-2(1)'],
    );

    // Piped, summary prints JSON: what decided CM-3 is the built-in Security Hub mapping.
    const json = JSON.parse(runCli(['summary', '-f', 'nist-800-53', ...AT], { cwd: dir }).stdout);
    assert.equal(json.failing_practices.length, json.practices_failing);
    assert.equal(json.not_assessed_practices.length, json.practices_not_assessed);
    const cm3 = json.failing_practices.find((p: { practice_id: string }) => p.practice_id === 'CM-3');
    assert.match(
      cm3.reason,
      /built-in AWS Security Hub mapping: Config\.1, built-in AWS Security Hub mapping: cis-aws-foundations-benchmark\/v\/1\.2\.0\/2\.5/,
    );
    assert.equal(json.unmapped_findings, 20);
    assert.equal(json.findings_total, 25);

    // SP 800-171: only the example mapping maps a finding, and the Appendix D crosswalk carries the failures.
    const sp800171 = runCli(['summary', '-f', 'nist-800-171', '-o', 'table', ...AT], { cwd: dir });
    assert.match(sp800171.stdout, /^unmapped +24 of 25 findings map to no control of nist-800-171$/m);
    assert.match(sp800171.stdout, /^crosswalk +4 of the failing fail through a crosswalk/m);
    const rows = sp800171.stdout.slice(sp800171.stdout.indexOf('FAILING ('), sp800171.stdout.indexOf('NOT ASSESSED ('));
    assert.deepEqual(
      [...rows.matchAll(/^(3\.\d+\.\d+) /gm)].map((m) => m[1]),
      ['3.4.1', '3.4.2', '3.4.3', '3.5.3'],
    );

    // findings inspect --rules: how to check a mapping, rule by rule.
    const inspect = runCli(['findings', 'inspect', 'findings', '--rules', '-f', 'nist-800-53'], { cwd: dir });
    assert.equal(inspect.status, 0, inspect.stderr);
    assert.match(
      inspect.stdout,
      /^ {2}aws-securityhub cis-aws-foundations-benchmark\/v\/1\.2\.0\/2\.5: 1 finding\n {4}nist-800-53: CM-3, CM-6\(1\), CM-8, CM-8\(2\) \(built-in AWS Security Hub mapping: cis-aws-foundations-benchmark\/v\/1\.2\.0\/2\.5\)$/m,
    );
    assert.match(
      inspect.stdout,
      /^ {2}aws-securityhub cis-aws-foundations-benchmark\/v\/1\.2\.0\/1\.1: 1 finding\n {4}nist-800-53: no control \(the records name none and no mapping rule matches\)$/m,
    );
    assert.match(inspect.stdout, /^ {2}unmapped after mappings: nist-800-53 20$/m);

    // render's final lines say it too.
    const render = runCli(['render', ...AT], { cwd: dir });
    assert.equal(render.status, 0, render.stderr);
    assert.match(
      render.stdout,
      /^20 of 25 findings map to no control of nist-800-53 \(infracast findings inspect --rules shows which rules; add a mapping in mappings\/\)$/m,
    );
  });
});
