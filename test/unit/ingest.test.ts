import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ingest } from '../../src/app/ingest.js';
import { sniffDelimiter } from '../../src/loaders/csv.js';
import { canonicalOrParent, severityFromCvss, severityFromLabel, severityFromSarifLevel } from '../../src/loaders/normalise.js';
import { InfracastError } from '../../src/errors.js';
import { runCli } from '../support/cli.js';
import { examplesDir } from '../support/paths.js';
import { tempFileWriter } from '../support/workspace.js';

const file = tempFileWriter('infracast-ingest-');

const asffRecord = (id: string, resource: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  SchemaVersion: '2018-10-08',
  Id: id,
  ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
  AwsAccountId: '111122223333',
  Title: 'S3 buckets should block public access',
  Severity: { Label: 'HIGH' },
  Resources: [{ Type: 'AwsS3Bucket', Id: resource, Region: 'us-east-1' }],
  Compliance: { Status: 'FAILED', RelatedRequirements: ['NIST.800-53.r5 AC-2(4)', 'NIST.800-53.r5 ac-3', 'CIS AWS Foundations Benchmark v1.2.0/1.1'] },
  ...extra,
});

const ocsfRecord = (resourceUid: string): Record<string, unknown> => ({
  class_uid: 2004,
  class_name: 'Detection Finding',
  metadata: { event_code: 'iam_root_mfa_enabled', product: { name: 'Prowler', uid: 'prowler' } },
  severity: 'Fatal',
  severity_id: 6,
  status: 'New',
  status_code: 'FAIL',
  status_detail: 'Root account has no MFA.',
  finding_info: { uid: '<finding_uid>', title: 'Ensure MFA is enabled for the root account' },
  resources: [{ uid: resourceUid, region: 'us-east-1', type: 'AwsIamUser' }],
  cloud: { account: { uid: '111122223333' }, region: 'us-east-1' },
  unmapped: { compliance: { 'NIST-800-53-Revision-5': ['ac_2_1', 'ac_3_3_b_1'], 'NIST-800-171-Revision-2': ['3_1_1'], 'CIS-2.0': ['1.5'] } },
});

const sarif = (properties: Record<string, unknown> | undefined, level: string): string =>
  JSON.stringify({
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'Trivy', rules: [{ id: 'CVE-1', shortDescription: { text: 'bug' }, ...(properties ? { properties } : {}) }] } },
        results: [
          {
            ruleId: 'CVE-1',
            level,
            message: { text: 'Package: openssl\nInstalled Version: 1.0\nVulnerability CVE-1' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'image.tar' }, region: { startLine: 1 } } }],
          },
        ],
      },
    ],
  });

describe('severity (evaluation.md section 1)', () => {
  it('CVSS: >= 9.0 CRITICAL, 7.0-8.9 HIGH, 4.0-6.9 MEDIUM, 0.1-3.9 LOW', () => {
    const cases: [number, string][] = [
      [10, 'CRITICAL'],
      [9.0, 'CRITICAL'],
      [8.9, 'HIGH'],
      [7.0, 'HIGH'],
      [6.9, 'MEDIUM'],
      [4.0, 'MEDIUM'],
      [3.9, 'LOW'],
      [0.1, 'LOW'],
      [0, 'INFORMATIONAL'],
    ];
    for (const [score, severity] of cases) assert.equal(severityFromCvss(score), severity, String(score));
  });
  it('labels: OCSF Fatal is CRITICAL; moderate is MEDIUM', () => {
    assert.equal(severityFromLabel('Fatal'), 'CRITICAL');
    assert.equal(severityFromLabel('moderate'), 'MEDIUM');
    assert.equal(severityFromLabel('Informational'), 'INFORMATIONAL');
    assert.equal(severityFromLabel('bogus'), undefined);
  });
  it('SARIF: security-severity wins over level; level only without it', async () => {
    const withCvss = await ingest({ paths: [file('cvss.sarif', sarif({ 'security-severity': '9.5' }, 'note'))] });
    assert.equal(withCvss.findings[0]!.severity, 'CRITICAL');
    assert.deepEqual(withCvss.findings[0]!.severitySource, { value: 9.5, scale: 'cvss' });
    const withLevel = await ingest({ paths: [file('level.sarif', sarif(undefined, 'error'))] });
    assert.equal(withLevel.findings[0]!.severity, severityFromSarifLevel('error'));
    assert.deepEqual(withLevel.findings[0]!.severitySource, { value: 'error', scale: 'sarif-level' });
    assert.deepEqual(withLevel.findings[0]!.location, { uri: 'image.tar', startLine: 1, package: 'openssl', version: '1.0' });
  });
  it('OCSF Fatal -> CRITICAL in a record', async () => {
    const result = await ingest({ paths: [file('fatal.ocsf.json', JSON.stringify([ocsfRecord('arn:a')]))] });
    assert.equal(result.findings[0]!.severity, 'CRITICAL');
  });
});

describe('control ids per framework', () => {
  it('Security Hub RelatedRequirements and Prowler keys become canonical ids; others are kept aside', async () => {
    const asff = await ingest({ paths: [file('c.asff.json', JSON.stringify({ Findings: [asffRecord('id-1', 'arn:b1')] }))] });
    assert.deepEqual(asff.findings[0]!.controls, { 'nist-800-53': ['AC-2(4)', 'AC-3'] });
    assert.deepEqual(asff.findings[0]!.otherControls, { '': ['CIS AWS Foundations Benchmark v1.2.0/1.1'] });
    const ocsf = await ingest({ paths: [file('c.ocsf.json', JSON.stringify([ocsfRecord('arn:a')]))] });
    assert.deepEqual(ocsf.findings[0]!.controls, { 'nist-800-171': ['3.1.1'], 'nist-800-53': ['AC-2(1)', 'AC-3(3)'] });
    assert.deepEqual(ocsf.findings[0]!.otherControls, { 'CIS-2.0': ['1.5'] });
  });
  it('Prowler sub-items count for their control', () => {
    assert.equal(canonicalOrParent('nist-800-53', 'ac_3_3_b_1'), 'AC-3(3)');
    assert.equal(canonicalOrParent('nist-800-53', 'cm_6_a'), 'CM-6');
    assert.equal(canonicalOrParent('nist-800-171', '3_5_3'), '3.5.3');
  });
  it('findings that name no control are unmapped, never dropped', async () => {
    const record = asffRecord('id-2', 'arn:b2', { Compliance: { Status: 'PASSED' } });
    const result = await ingest({ paths: [file('u.asff.json', JSON.stringify([record]))] });
    assert.equal(result.findings.length, 1);
    assert.equal(result.totals.counts.unmapped, 1);
  });
});

describe('identity and merging (evaluation.md section 1)', () => {
  it('the same native id on two resources is two findings', async () => {
    const path = file('two.asff.json', JSON.stringify({ Findings: [asffRecord('same', 'arn:r1'), asffRecord('same', 'arn:r2')] }));
    const result = await ingest({ paths: [path] });
    assert.equal(result.findings.length, 2);
    assert.notEqual(result.findings[0]!.identity, result.findings[1]!.identity);
    assert.match(result.findings[0]!.identity, /^[0-9a-f]{64}$/);
  });
  it('the same record in two files is merged, keeping both sources', async () => {
    const text = JSON.stringify({ Findings: [asffRecord('x', 'arn:r1'), asffRecord('y', 'arn:r1')] });
    const a = file('a.asff.json', text);
    const b = file('b.asff.json', text);
    const result = await ingest({ paths: [a, b] });
    assert.equal(result.findings.length, 2);
    assert.deepEqual(
      result.findings[0]!.sources.map((s) => [s.file, s.record]),
      [
        [a, 1],
        [b, 1],
      ],
    );
    assert.deepEqual(
      result.files.map((f) => [f.records, f.merged]),
      [
        [2, 0],
        [2, 2],
      ],
    );
    const summary = await ingest({ paths: [a, b], summary: true });
    assert.equal(summary.findings.length, 0);
    assert.equal(summary.totals.findings, 2);
    assert.equal(summary.totals.merged, 2);
  });
  it('records inside one file are never merged, even when identical', async () => {
    const record = asffRecord('dup', 'arn:r1');
    const result = await ingest({ paths: [file('dup.asff.json', JSON.stringify([record, record]))] });
    assert.equal(result.findings.length, 2);
    assert.equal(result.files[0]!.merged, 0);
  });
  it('a placeholder native id (<finding_uid>) never merges distinct resources', async () => {
    const a = file('p1.ocsf.json', JSON.stringify([ocsfRecord('arn:aws:iam::1:root')]));
    const b = file('p2.ocsf.json', JSON.stringify([ocsfRecord('arn:aws:iam::2:root')]));
    const result = await ingest({ paths: [a, b] });
    assert.equal(result.findings.length, 2);
    assert.equal(result.totals.merged, 0);
    const c = file('p3.ocsf.json', JSON.stringify([ocsfRecord('<resource_uid>'), { ...ocsfRecord('<resource_uid>'), status_detail: 'another' }]));
    const d = file('p4.ocsf.json', JSON.stringify([{ ...ocsfRecord('<resource_uid>'), status_detail: 'a third' }]));
    assert.equal((await ingest({ paths: [c, d] })).findings.length, 3);
  });
});

describe('gzip, detected by magic bytes', () => {
  const native = readFileSync(join(examplesDir, 'acme', 'findings', 'native', 'acme-collector-2026-11-27.json'));
  it('a gzip-compressed export reads like the plain one, whatever its name', async () => {
    const result = await ingest({ paths: [file('export.json', gzipSync(native))] });
    assert.equal(result.files[0]!.gzip, true);
    assert.equal(result.files[0]!.format, 'native');
    assert.equal(result.files[0]!.records, 47);
  });
  it('corrupt gzip is FINDINGS_INVALID, not a crash', async () => {
    const zipped = gzipSync(native);
    const truncated = file('cut.json.gz', zipped.subarray(0, Math.floor(zipped.length / 2)));
    await assert.rejects(
      ingest({ paths: [truncated] }),
      (e: unknown) => e instanceof InfracastError && e.code === 'FINDINGS_INVALID' && /gzip|truncated/.test(e.message),
    );
    const garbage = Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(200, 7)]);
    await assert.rejects(ingest({ paths: [file('garbage.gz', garbage)] }), (e: unknown) => e instanceof InfracastError && e.code === 'FINDINGS_INVALID');
  });
});

describe('native export: array, object with findings, JSON Lines', () => {
  const record = { id: 'n-1', title: 'T', result: 'FAIL', severity: 'HIGH', controls: { 'nist-800-53': ['ac-2.4'] }, resource: { id: 'r' } };
  it('reads all three shapes', async () => {
    for (const content of [
      JSON.stringify([record]),
      JSON.stringify({ findings: [record] }),
      `${JSON.stringify(record)}\n${JSON.stringify({ ...record, id: 'n-2' })}\n`,
    ]) {
      const result = await ingest({ paths: [file('native.data', content)] });
      assert.equal(result.files[0]!.format, 'native');
      assert.deepEqual(result.findings[0]!.controls, { 'nist-800-53': ['AC-2(4)'] });
    }
  });
});

describe('CSV', () => {
  it('sniffs comma, semicolon and tab', () => {
    assert.equal(sniffDelimiter('a,b,c'), ',');
    assert.equal(sniffDelimiter('a;b;c'), ';');
    assert.equal(sniffDelimiter('a\tb\tc'), '\t');
    assert.equal(sniffDelimiter('"a;x",b,c'), ',');
  });
  for (const delimiter of [',', ';', '\t']) {
    it(`generic columns with ${JSON.stringify(delimiter)}`, async () => {
      const rows = [
        ['id', 'title', 'status', 'severity', 'resource', 'compliance'],
        ['c-1', 'Disk encrypted', 'FAIL', 'high', 'vol-1', 'NIST-800-53-Revision-5: sc_28'],
        ['c-2', 'Disk "two"', 'PASS', 'low', 'vol-2', ''],
      ];
      const text = rows.map((r) => r.map((c) => (c.includes('"') ? `"${c.replace(/"/g, '""')}"` : c)).join(delimiter)).join('\r\n');
      const result = await ingest({ paths: [file('generic.txt', text)] });
      assert.equal(result.files[0]!.format, 'csv');
      assert.equal(result.files[0]!.records, 2);
      assert.deepEqual(result.findings[0]!.controls, { 'nist-800-53': ['SC-28'] });
      assert.equal(result.findings[1]!.title, 'Disk "two"');
    });
  }
  it('a column mapping names other columns', async () => {
    const text = 'Finding,Outcome,Rating\nx,failed,Medium\n';
    const result = await ingest({ paths: [file('mapped.csv', text)], csv: { columns: { title: 'Finding', result: 'Outcome', severity: 'Rating' } } });
    assert.equal(result.findings[0]!.result, 'FAIL');
    assert.equal(result.findings[0]!.severity, 'MEDIUM');
  });
});

describe('bad input: clear errors, record numbers, no stack trace', () => {
  it('a file no format matches names every format tried and why', async () => {
    await assert.rejects(ingest({ paths: [file('notes.json', '{"hello": "world"}')] }), (e: unknown) => {
      assert.ok(e instanceof InfracastError);
      assert.equal(e.code, 'FINDINGS_UNRECOGNISED');
      for (const name of ['SARIF', 'ASFF', 'OCSF', 'native', 'OSCAL assessment-results', 'OSCAL POA&M', 'CSV']) assert.match(e.message, new RegExp(name));
      return true;
    });
  });
  it('a malformed record fails the import with file, record number and field', async () => {
    const bad = file('bad.asff.json', JSON.stringify({ Findings: [asffRecord('a', 'r'), { ...asffRecord('b', 'r'), Severity: { Label: 'SEVERE' } }] }));
    await assert.rejects(ingest({ paths: [bad] }), (e: unknown) => {
      assert.ok(e instanceof InfracastError);
      assert.equal(e.code, 'FINDINGS_INVALID');
      assert.match(e.message, /record 2, field Severity\.Label/);
      assert.ok(e.message.includes(bad));
      return true;
    });
  });
  it('skipInvalid skips and counts malformed records', async () => {
    const bad = file('skip.asff.json', JSON.stringify([asffRecord('a', 'r'), { Id: 'no' }, asffRecord('c', 'r')]));
    const result = await ingest({ paths: [bad], skipInvalid: true });
    assert.equal(result.files[0]!.records, 3);
    assert.equal(result.files[0]!.invalid, 1);
    assert.equal(result.findings.length, 2);
    assert.equal(result.files[0]!.problems[0]!.record, 2);
  });
  it('a CSV row with a bad value names its line', async () => {
    const bad = file('bad.csv', 'title;status;severity\nA;FAIL;high\nB;MAYBE;low\n');
    await assert.rejects(ingest({ paths: [bad] }), /record 2 \(line 3\), field status/);
  });
  it('a truncated export is FINDINGS_INVALID naming the record', async () => {
    const text = JSON.stringify({ Findings: [asffRecord('a', 'r'), asffRecord('b', 'r')] });
    await assert.rejects(
      ingest({ paths: [file('cut.asff.json', text.slice(0, text.length - 40))] }),
      (e: unknown) => e instanceof InfracastError && e.code === 'FINDINGS_INVALID' && /record 2 \(truncated\?\)/.test(e.message),
    );
  });
  it('the CLI prints these without a stack trace, exit 1', () => {
    for (const path of [file('x.json', '{"x":1}'), file('t.asff.json', '{"Findings":[{"SchemaVersion":"2018-10-08","Id":"a","ProductArn":"p",')]) {
      const result = runCli(['findings', 'inspect', path]);
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /\[FINDINGS_(UNRECOGNISED|INVALID)\]/);
      assert.doesNotMatch(result.stderr, /^\s+at .*:\d+:\d+\)?$/m);
    }
  });
});

describe('examples/acme/findings (examples/acme/README.md)', () => {
  it('433 records in 5 files: 96 ASFF, 162 OCSF, 71 CSV, 57 SARIF, 47 native', async () => {
    const result = await ingest({ paths: [join(examplesDir, 'acme', 'findings')] });
    const byFormat = Object.fromEntries(result.files.map((f) => [f.format, f.records]));
    assert.deepEqual(byFormat, { asff: 96, ocsf: 162, csv: 71, sarif: 57, native: 47 });
    assert.equal(result.totals.records, 433);
    assert.equal(result.findings.length, 433);
    assert.deepEqual(result.totals.counts.result, { FAIL: 109, PASS: 314, MANUAL: 7, NOT_APPLICABLE: 1, ERROR: 1, INFO: 1 });
    const trivy = result.files.find((f) => f.format === 'sarif')!;
    assert.deepEqual(trivy.counts.severity, { CRITICAL: 12, HIGH: 28, MEDIUM: 15, LOW: 2, INFORMATIONAL: 0 });
    const openFail = result.findings.filter((f) => f.result === 'FAIL' && f.state === 'open').length;
    assert.equal(openFail, 107);
  });
  it('a glob selects files the same way', async () => {
    const result = await ingest({ paths: ['examples/acme/findings/**/*.{json,csv}'], cwd: join(examplesDir, '..') });
    assert.equal(result.totals.records, 96 + 162 + 71 + 47);
  });
});
