/**
 * Golden files of the scanner JSON formats read natively (Trivy, Grype, Checkov, Semgrep), one per
 * tool over its real exports in test/fixtures/findings/<tool> (PROVENANCE.md), and the facts of
 * those exports that the normalisation must keep (spec/evaluation.md section 1).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InspectJson } from '../../src/commands/findings/inspect.js';
import type { Finding } from '../../src/model/finding.js';
import { checkFindingsGolden } from '../support/findings-golden.js';

const DIR = 'test/fixtures/findings';

function recordsByFile(json: InspectJson): Record<string, number> {
  return Object.fromEntries(json.files.map((f) => [f.file.slice(f.file.lastIndexOf('/') + 1), f.records]));
}

/** The one finding of `file` (a name in the tool's folder) with this native id and predicate. */
function one(json: InspectJson, file: string, nativeId: string, where: (f: Finding) => boolean = () => true): Finding {
  const found = json.findings!.filter((f) => f.nativeId === nativeId && f.sources[0]!.file.endsWith(`/${file}`) && where(f));
  assert.equal(found.length, 1, `${file}: ${found.length} findings ${nativeId}`);
  return found[0]!;
}

describe('golden: scanner JSON formats, their real exports', () => {
  it('trivy: vulnerabilities, misconfigurations, secrets and a finding a VEX statement set aside', () => {
    const json = checkFindingsGolden('trivy', `${DIR}/trivy`);
    assert.deepEqual(recordsByFile(json), {
      'fluentd-multiple-lockfiles.json': 3,
      'npm-with-suppressed.json': 2,
      'secrets.json': 2,
      'terraform-remote-submodule.json': 2,
    });
    for (const file of json.files) assert.deepEqual([file.format, file.tool, file.invalid], ['trivy', 'trivy', 0]);
    assert.equal(json.totals.merged, 0);

    const libidn = one(json, 'fluentd-multiple-lockfiles.json', 'CVE-2019-18224');
    assert.equal(libidn.ruleId, 'CVE-2019-18224');
    assert.equal(libidn.severity, 'CRITICAL');
    assert.deepEqual(libidn.severitySource, { value: 'CRITICAL', scale: 'trivy' });
    // nvd 9.8 and redhat 5.6: the highest.
    assert.deepEqual(libidn.vulnerability, {
      id: 'CVE-2019-18224',
      aliases: ['DSA-4613-1'],
      package: 'libidn2-0',
      installedVersion: '2.0.5-1',
      fixedVersion: '2.0.5-1+deb10u1',
      cvss: 9.8,
    });
    assert.deepEqual(libidn.location, {
      uri: 'testdata/fixtures/sbom/fluentd-multiple-lockfiles-cyclonedx.json (debian 10.2)',
      package: 'libidn2-0',
      version: '2.0.5-1',
    });
    assert.deepEqual(libidn.resource, { id: 'testdata/fixtures/sbom/fluentd-multiple-lockfiles-cyclonedx.json', type: 'cyclonedx' });
    assert.equal(libidn.remediation, 'Upgrade libidn2-0 from 2.0.5-1 to 2.0.5-1+deb10u1. See https://avd.aquasec.com/nvd/cve-2019-18224');
    assert.deepEqual([libidn.result, libidn.state, libidn.observedAt, libidn.observedAtSource], ['FAIL', 'open', '2021-08-25T12:20:30.000Z', 'run']);

    const bash = one(json, 'fluentd-multiple-lockfiles.json', 'CVE-2019-18276');
    // CVSS v3 7.8 wins over v2 7.2; Trivy's own severity label (Debian's LOW) stays the severity.
    assert.deepEqual([bash.severity, bash.vulnerability!.cvss, bash.vulnerability!.fixedVersion], ['LOW', 7.8, undefined]);
    assert.match(bash.remediation!, /^No fixed version of bash 5\.0-4 is known yet/);
    const gem = one(json, 'fluentd-multiple-lockfiles.json', 'CVE-2020-8165');
    assert.equal(gem.location!.uri, 'var/lib/gems/2.5.0/specifications/activesupport-6.0.2.1.gemspec');
    assert.equal(gem.vulnerability!.fixedVersion, '6.0.3.1, 5.2.4.3');

    const egress = one(json, 'terraform-remote-submodule.json', 'AWS-0104');
    assert.deepEqual([egress.ruleId, egress.result, egress.severity], ['AWS-0104', 'FAIL', 'CRITICAL']);
    assert.deepEqual(egress.location, { uri: 'terraform-aws-modules/vpc/aws/modules/vpc-endpoints/modules/vpc-endpoints/main.tf', startLine: 107 });
    assert.equal(egress.remediation, 'Set a more restrictive cidr range. See https://avd.aquasec.com/misconfig/aws-0104');
    assert.equal(egress.vulnerability, undefined);

    const key = one(json, 'secrets.json', 'aws-access-key-id');
    assert.deepEqual([key.severity, key.location], ['CRITICAL', { uri: 'deploy.sh', startLine: 3 }]);
    assert.ok(!JSON.stringify(key).includes('AWS_ACCESS_KEY_ID'), 'the matched line is not kept');

    const vex = one(json, 'npm-with-suppressed.json', 'CVE-2017-16137');
    assert.deepEqual([vex.result, vex.state, vex.description], ['FAIL', 'suppressed', 'not_affected: vulnerable_code_not_in_execute_path (./vex.json)']);
    // CreatedAt "2024-09-09T13:21:09.230231+06:00", in UTC.
    assert.equal(vex.observedAt, '2024-09-09T07:21:09.230Z');
  });

  it('grype: a GHSA match names its CVE; the suggested fix version; the scan time', () => {
    const json = checkFindingsGolden('grype', `${DIR}/grype`);
    assert.deepEqual(recordsByFile(json), { 'TestJsonImgsPresenter.json': 2, 'chainguard-ruby-test.json': 3 });
    for (const file of json.files) assert.deepEqual([file.format, file.tool], ['grype', 'grype']);

    const ghsa = one(json, 'chainguard-ruby-test.json', 'GHSA-hv5j-3h9f-99c2');
    assert.equal(ghsa.ruleId, 'CVE-2023-28755');
    // Its CVSS comes from the related CVE record.
    assert.deepEqual(ghsa.vulnerability, {
      id: 'CVE-2023-28755',
      aliases: ['GHSA-hv5j-3h9f-99c2'],
      package: 'uri',
      installedVersion: '0.10.1',
      fixedVersion: '0.10.2',
      cvss: 7.5,
    });
    assert.equal(ghsa.remediation, 'Upgrade uri from 0.10.1 to 0.10.2. See https://github.com/advisories/GHSA-hv5j-3h9f-99c2');
    assert.deepEqual(ghsa.resource, { id: 'cgr.dev/chainguard/ruby:latest-3.0', type: 'image' });
    assert.deepEqual([ghsa.severity, ghsa.severitySource], ['HIGH', { value: 'High', scale: 'grype' }]);
    // descriptor.timestamp "2023-05-17T21:00:56.783213-04:00", in UTC.
    assert.deepEqual([ghsa.observedAt, ghsa.observedAtSource], ['2023-05-18T01:00:56.783Z', 'run']);
    // The same CVE matched on the same package twice (by GHSA, by CVE): two findings.
    const cve = one(json, 'chainguard-ruby-test.json', 'CVE-2023-28755', (f) => f.vulnerability?.package === 'uri');
    assert.notEqual(cve.identity, ghsa.identity);
    assert.equal(cve.vulnerability!.fixedVersion, undefined);
    const apk = one(json, 'chainguard-ruby-test.json', 'CVE-2023-28755', (f) => f.vulnerability?.package === 'ruby-3.0');
    assert.deepEqual([apk.vulnerability!.fixedVersion, apk.location!.uri], ['3.0.6-r0', '/lib/apk/db/installed']);

    const snapshot = one(json, 'TestJsonImgsPresenter.json', 'CVE-1999-0001');
    // Three fix versions; Grype suggests the one for the installed version.
    assert.equal(snapshot.vulnerability!.fixedVersion, '1.2.1');
    assert.equal(snapshot.observedAt, undefined, 'an empty timestamp is no time');
  });

  it('checkov: passed, failed and skipped checks of one report, and a report of four frameworks', () => {
    const json = checkFindingsGolden('checkov', `${DIR}/checkov`);
    assert.deepEqual(recordsByFile(json), { 'checkov_with_skips.json': 22, 'example-output.json': 33 });
    const skips = json.files.find((f) => f.file.endsWith('checkov_with_skips.json'))!;
    // summary: passed 8, failed 12, skipped 2 (the skipped are suppressed failures).
    assert.deepEqual(skips.counts.result, { FAIL: 14, PASS: 8, MANUAL: 0, NOT_APPLICABLE: 0, ERROR: 0, INFO: 0 });
    assert.deepEqual(skips.counts.state, { open: 20, resolved: 0, suppressed: 2 });
    // No severity without an API key: failures are MEDIUM "unrated", passes INFORMATIONAL.
    assert.deepEqual(skips.counts.severity, { CRITICAL: 0, HIGH: 0, MEDIUM: 14, LOW: 0, INFORMATIONAL: 8 });

    const skipped = one(json, 'checkov_with_skips.json', 'CKV_AWS_18', (f) => f.state === 'suppressed');
    assert.deepEqual(
      [skipped.result, skipped.description, skipped.resource, skipped.location],
      ['FAIL', 'Skipping access logging for test', { id: 'aws_s3_bucket.example' }, { uri: '/main.tf', startLine: 2 }],
    );
    assert.deepEqual(skipped.severitySource, { value: 'unrated', scale: 'checkov' });
    const failed = one(json, 'checkov_with_skips.json', 'CKV_AWS_18', (f) => f.state === 'open');
    assert.deepEqual([failed.resource!.id, failed.location!.startLine], ['aws_s3_bucket.no_skip', 8]);
    assert.equal(
      failed.remediation,
      'See https://docs.prismacloud.io/en/enterprise-edition/policy-reference/aws-policies/s3-policies/s3-13-enable-logging',
    );

    const frameworks = json.files.find((f) => f.file.endsWith('example-output.json'))!;
    assert.deepEqual(frameworks.counts.severity, { CRITICAL: 0, HIGH: 7, MEDIUM: 19, LOW: 7, INFORMATIONAL: 0 });
    const dynamo = one(json, 'example-output.json', 'CKV_AWS_28');
    assert.deepEqual([dynamo.severity, dynamo.otherControls], ['HIGH', { 'FEDRAMP (MODERATE)': ['CP-10', 'CP-9(b)', 'SI-12'] }]);
    const express = one(json, 'example-output.json', 'CVE-2014-6393');
    assert.deepEqual(express.vulnerability, { id: 'CVE-2014-6393', package: 'express', installedVersion: '3.0.0', fixedVersion: '3.11.0', cvss: 4 });
    assert.deepEqual([express.ruleId, express.severity], ['CVE-2014-6393', 'MEDIUM']);
    assert.equal(express.remediation, 'Upgrade express from 3.0.0 to 3.11.0. See https://nvd.nist.gov/vuln/detail/CVE-2014-6393');
    const vulnerabilities = json.findings!.filter((f) => f.vulnerability && f.sources[0]!.file.endsWith('example-output.json'));
    assert.equal(vulnerabilities.length, 13);
    // One licence check on two versions of one package: two findings.
    const licences = json.findings!.filter((f) => f.nativeId === 'BC_LIC_2' && f.location?.package === 'send');
    assert.deepEqual(licences.map((f) => f.location!.version).sort(), ['0.0.4', '0.1.0']);
    assert.notEqual(licences[0]!.identity, licences[1]!.identity);
  });

  it('semgrep: results with severity, CWE/OWASP and the autofix; errors are not findings', () => {
    const json = checkFindingsGolden('semgrep', `${DIR}/semgrep`);
    assert.deepEqual(recordsByFile(json), {
      'autofix-csv-writer.results.json': 2,
      'autofix-django-none-password-default.results.json': 2,
      'cdn_ruleset_resolution.results.json': 2,
      'nosem_rule__invalid_id.error.json': 3,
    });
    const django = json.findings!.filter((f) => f.sources[0]!.file.endsWith('autofix-django-none-password-default.results.json'))[0]!;
    assert.deepEqual([django.severity, django.severitySource], ['HIGH', { value: 'ERROR', scale: 'semgrep' }]);
    assert.deepEqual(django.otherControls, { CWE: ['CWE-521: Weak Password Requirements'], OWASP: ['A2: Broken Authentication'] });
    // A fix of several lines is announced, not quoted; then the rule's reference.
    assert.equal(
      django.remediation,
      'Semgrep has an autofix for this result: semgrep scan --autofix. See https://docs.djangoproject.com/en/3.0/ref/contrib/auth/#django.contrib.auth.models.User.set_password',
    );
    const csv = json.findings!.filter((f) => f.sources[0]!.file.endsWith('autofix-csv-writer.results.json'))[0]!;
    assert.equal(
      csv.remediation,
      `Suggested fix: csv.writer(csvfile, delimiter=',', quotechar='"', quoting=csv.QUOTE_ALL) See https://affinity-it-security.com/how-to-prevent-csv-injection/`,
    );
    const info = one(json, 'cdn_ruleset_resolution.results.json', 'python.lang.correctness.useless-eqeq.useless-eqeq');
    assert.deepEqual([info.severity, info.location], ['LOW', { uri: 'targets/basic/stupid.py', startLine: 3 }]);
    assert.equal(info.remediation, 'See https://semgrep.dev/r/python.lang.correctness.useless-eqeq.useless-eqeq');
    const nosem = json.findings!.filter((f) => f.nativeId === 'rules.test-nosem');
    assert.deepEqual(
      nosem.map((f) => [f.severity, f.location!.startLine]),
      [
        ['MEDIUM', 2],
        ['MEDIUM', 6],
        ['MEDIUM', 12],
      ],
    );
  });
});
