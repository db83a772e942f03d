/**
 * Trivy, Grype, Checkov and Semgrep JSON: detection by content (theirs, and that of every format
 * read before them), a known tool's other output modes named with the fix, malformed records named
 * by file, record and field, and identities. Real exports from test/fixtures/findings (PROVENANCE.md);
 * where a case needs a variant (a malformed record, a key-sorted copy), it is derived in the test
 * from a real export, and says so.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { ingest } from '../../src/app/ingest.js';
import { InfracastError } from '../../src/errors.js';
import { jsonHeadShape } from '../../src/loaders/json-shape.js';
import { HEAD_BYTES, LOADERS, detectFormat } from '../../src/loaders/registry.js';
import type { LoaderInput, RecordOutcome } from '../../src/loaders/registry.js';
import { highestCvss } from '../../src/loaders/scanner.js';
import type { Finding } from '../../src/model/finding.js';
import { runCli } from '../support/cli.js';
import { examplesDir, fixturesDir, repoRoot, sharedDir } from '../support/paths.js';
import { tempFileWriter } from '../support/workspace.js';
import { requireShared } from '../support/shared.js';

const FIXTURES = join(fixturesDir, 'findings');
const file = tempFileWriter('infracast-scanners-');

function filesUnder(root: string): string[] {
  return readdirSync(root)
    .sort()
    .flatMap((name) => {
      const path = join(root, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

function detected(path: string): { format?: string; tool?: string } {
  const result = detectFormat(readFileSync(path).subarray(0, HEAD_BYTES));
  return result.loader ? { format: result.loader.format, ...(result.tool ? { tool: result.tool } : {}) } : {};
}

/** The findings a loader makes of a file, before ingest (no per-file occurrence numbering). */
async function loaderOutcomes(path: string): Promise<RecordOutcome[]> {
  const bytes = readFileSync(path);
  const detection = detectFormat(bytes.subarray(0, HEAD_BYTES));
  assert.ok(detection.loader, `${path} is detected`);
  const input: LoaderInput = {
    file: path,
    head: bytes.subarray(0, HEAD_BYTES),
    async *open() {
      yield bytes;
    },
  };
  const outcomes: RecordOutcome[] = [];
  for await (const outcome of detection.loader.read(input, {})) outcomes.push(outcome);
  return outcomes;
}

const findingsOf = (outcomes: RecordOutcome[]): Finding[] => outcomes.flatMap((o) => ('finding' in o ? [o.finding] : []));

describe('detection by content', () => {
  it('every real export of the four tools is its format, with its tool', () => {
    for (const tool of ['trivy', 'grype', 'checkov', 'semgrep']) {
      const files = filesUnder(join(FIXTURES, tool));
      assert.ok(files.length >= 2, tool);
      for (const path of files) assert.deepEqual(detected(path), { format: tool, tool }, relative(repoRoot, path));
    }
  });
  it('the four come before SARIF, ASFF, OCSF, native and CSV, and after OSCAL', () => {
    const order = LOADERS.map((l) => l.format);
    assert.deepEqual(order, ['oscal-ar', 'oscal-poam', 'trivy', 'grype', 'checkov', 'semgrep', 'sarif', 'asff', 'ocsf', 'native', 'csv']);
  });
  it('the tools exports in formats already read stay those formats (Trivy ASFF, Grype and Semgrep SARIF)', () => {
    assert.deepEqual(detected(join(FIXTURES, 'cross-check', 'trivy-alpine-310.asff.json')), { format: 'asff', tool: 'trivy' });
    assert.equal(detected(join(FIXTURES, 'cross-check', 'grype-TestSarifPresenter_image.sarif')).format, 'sarif');
    assert.equal(detected(join(FIXTURES, 'cross-check', 'semgrep-output_format.sarif')).format, 'sarif');
  });
  it('examples/acme and examples/starter findings are detected as before', () => {
    const expected: Record<string, string> = {
      'acme-securityhub-2026-11-26.asff.json': 'asff',
      'acme-agc-images-2026-11-26.sarif': 'sarif',
      'acme-agc-prod-2026-11-26.ocsf.json': 'ocsf',
      'acme-shared-services-2026-11-25.csv': 'csv',
      'acme-collector-2026-11-27.json': 'native',
      'sample.json': 'native',
    };
    const files = [...filesUnder(join(examplesDir, 'acme', 'findings')), ...filesUnder(join(examplesDir, 'starter', 'findings'))];
    assert.deepEqual(Object.fromEntries(files.map((f) => [basename(f), detected(f).format])), expected);
  });
  it('../shared/fixtures/findings (the golden inputs among them) are detected as before', (t) => {
    const shared = requireShared(t, 'fixtures/findings');
    if (!shared) return;
    const byFolder: Record<string, string> = {
      asff: 'asff',
      ocsf: 'ocsf',
      sarif: 'sarif',
      'prowler-csv': 'csv',
      'oscal-assessment-results': 'oscal-ar',
      'oscal-poam': 'oscal-poam',
    };
    const files = filesUnder(shared);
    assert.equal(files.length, 13);
    for (const path of files) assert.equal(detected(path).format, byFolder[basename(join(path, '..'))], relative(sharedDir, path));
  });
});

describe('the head shape detectors read', () => {
  it('member names of a top-level object, or of the first element of a top-level array, never of nested ones or strings', () => {
    assert.deepEqual(jsonHeadShape('\uFEFF {"a": {"x": 1}, "b": "c\\": {", "d": [1, {"y": 2}]}'), { root: 'object', keys: ['a', 'b', 'd'] });
    assert.deepEqual(jsonHeadShape('[{"check_type": "terraform", "results": {"passed_checks": []}}, {"z": 1}]'), {
      root: 'array',
      keys: ['check_type', 'results'],
    });
    // A head cut inside a record: the names seen so far.
    assert.deepEqual(jsonHeadShape('{"SchemaVersion": 2, "Results": [{"Target": "x", "Vuln'), { root: 'object', keys: ['SchemaVersion', 'Results'] });
    assert.deepEqual(jsonHeadShape('Total: 2'), { root: 'none', keys: [] });
  });
  it('CVSS: the highest v3/v4 score; v2 only when there is no other', () => {
    assert.equal(highestCvss([{ version: '2.0', score: 7.5 }, { version: '3.1', score: 5.6 }, { score: 'x' }]), 5.6);
    assert.equal(highestCvss([{ version: '2', score: 7.2 }]), 7.2);
    assert.equal(highestCvss([{ version: '3.1', score: 11 }, { score: undefined }]), undefined);
  });
});

describe('a known tool export in another output mode: the tool and the fix', () => {
  // [file, what the message names, what the first hint says]
  const CASES: [string, RegExp, RegExp][] = [
    ['trivy-table-sbom-doc-extract.txt', /a Trivy table \(text\) report/, /trivy .*--format json.*--format sarif/],
    ['trivy-compliance-table_all.txt', /a Trivy table \(text\) report/, /trivy .*--format json/],
    ['trivy-alpine-310.junit.xml', /a Trivy JUnit XML report/, /--format json/],
    ['trivy-conda-environment-cyclonedx.json', /a CycloneDX SBOM written by Trivy/, /trivy <target> --format json.*trivy sbom <file>/],
    ['grype-TestCycloneDxPresenterImage.cdx.json', /a CycloneDX document written by Grype/, /grype <target> -o json/],
    ['grype-table-snapshot-extract.txt', /a Grype table \(text\) report/, /grype <target> -o json/],
    ['checkov-cli-doc-extract.txt', /a Checkov CLI \(text\) report/, /checkov -d <dir> -o json.*-o sarif/],
    ['semgrep-text.expected.txt', /a Semgrep text report/, /semgrep scan --json.*--sarif/],
    ['semgrep-emacs.results.out', /a Semgrep report in Emacs format/, /semgrep scan --json/],
    ['semgrep-vim.results.out', /a Semgrep report in Vim format/, /semgrep scan --json/],
    ['semgrep-junit.results.xml', /a Semgrep JUnit XML report/, /semgrep scan --json/],
    ['semgrep-gitlab-sast.results.out', /a GitLab security report written by Semgrep/, /semgrep scan --json/],
    ['gitleaks-json_simple.json', /a gitleaks JSON report/, /gitleaks detect --report-format sarif/],
    ['defectdojo-tfsec-one_finding_legacy.json', /a tfsec JSON report/, /tfsec <dir> --format sarif/],
    ['defectdojo-kics-no_findings.json', /a KICS JSON report/, /--report-formats sarif/],
    ['defectdojo-snyk-single_project_no_vulns.json', /a Snyk JSON report/, /snyk test --sarif-file-output/],
  ];
  for (const [name, what, fix] of CASES) {
    it(name, async () => {
      const path = join(FIXTURES, 'other-exports', name);
      await assert.rejects(ingest({ paths: [path] }), (e: unknown) => {
        assert.ok(e instanceof InfracastError);
        assert.equal(e.code, 'FINDINGS_UNRECOGNISED');
        assert.ok(e.message.startsWith(`${path}: `), e.message);
        assert.match(e.message, what);
        assert.match(e.hints[0]!, fix);
        assert.match(e.hints[1]!, /Trivy JSON, Grype JSON, Checkov JSON, Semgrep JSON/);
        return true;
      });
    });
  }
  it('every file in other-exports/ is a case', () => {
    assert.deepEqual(readdirSync(join(FIXTURES, 'other-exports')).sort(), CASES.map(([name]) => name).sort());
  });
  it('content that proves no tool still lists every format tried', async () => {
    await assert.rejects(ingest({ paths: [file('notes.txt', 'Total findings: 3\nNAME INSTALLED\n')] }), (e: unknown) => {
      assert.ok(e instanceof InfracastError);
      assert.match(e.message, /not a findings format Infracast reads\. Tried:\n {2}- OSCAL/);
      for (const label of ['Trivy JSON', 'Grype JSON', 'Checkov JSON', 'Semgrep JSON']) assert.match(e.message, new RegExp(`- ${label}: `));
      return true;
    });
  });
  it('the CLI prints the tool and the fix, exit 1, no stack trace', () => {
    const result = runCli(['findings', 'inspect', join(FIXTURES, 'other-exports', 'checkov-cli-doc-extract.txt')]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /a Checkov CLI \(text\) report, not a findings format Infracast reads \[FINDINGS_UNRECOGNISED\]/);
    assert.match(result.stderr, /hint: Export Checkov JSON or SARIF instead: checkov -d <dir> -o json/);
    assert.doesNotMatch(result.stderr, /^\s+at .*:\d+:\d+\)?$/m);
  });
});

describe('identity: records of one export never share one (before any per-file numbering)', () => {
  for (const tool of ['trivy', 'grype', 'checkov', 'semgrep']) {
    it(tool, async () => {
      for (const path of filesUnder(join(FIXTURES, tool))) {
        const outcomes = await loaderOutcomes(path);
        const findings = findingsOf(outcomes);
        assert.equal(findings.length, outcomes.length, `${basename(path)}: no problems`);
        assert.equal(new Set(findings.map((f) => f.identity)).size, findings.length, basename(path));
        assert.deepEqual(
          findings.map((f) => f.sources[0]!.record),
          findings.map((_, i) => i + 1),
        );
      }
    });
  }
});

/** A real export, parsed, for a variant derived from it in a test. */
const real = (path: string): Record<string, unknown> => JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as Record<string, unknown>;

describe('malformed records: file, record and field; --skip-invalid skips them', () => {
  // Each derived from a real export by breaking one field of one record.
  const CASES: [string, string, (doc: any) => void, RegExp][] = [
    [
      'trivy',
      'trivy/fluentd-multiple-lockfiles.json',
      (doc) => (doc.Results[1].Vulnerabilities[0].PkgName = { name: 'activesupport' }),
      /record 3, field Results\[1\]\.Vulnerabilities\[0\]\.PkgName: PkgName is an object, expected a string/,
    ],
    [
      'grype',
      'grype/chainguard-ruby-test.json',
      (doc) => delete doc.matches[1].vulnerability.id,
      /record 2, field matches\[1\]\.vulnerability\.id: vulnerability\.id is missing/,
    ],
    [
      'checkov',
      'checkov/checkov_with_skips.json',
      (doc) => (doc.results.failed_checks[0].check_result.result = 'MAYBE'),
      /record 9, field results\.failed_checks\[0\]\.check_result\.result: check_result\.result is "MAYBE", expected PASSED, FAILED or SKIPPED/,
    ],
    [
      'semgrep',
      'semgrep/nosem_rule__invalid_id.error.json',
      (doc) => (doc.results[2].extra.severity = 'SEVERE'),
      /record 3, field extra\.severity: extra\.severity is "SEVERE", expected CRITICAL, HIGH, MEDIUM, LOW, ERROR, WARNING, INFO, INVENTORY, EXPERIMENT or UNKNOWN/,
    ],
  ];
  for (const [tool, source, breakIt, message] of CASES) {
    it(tool, async () => {
      const doc = real(source);
      breakIt(doc);
      const path = file(`bad-${basename(source)}`, JSON.stringify(doc, null, 1));
      await assert.rejects(ingest({ paths: [path] }), (e: unknown) => {
        assert.ok(e instanceof InfracastError);
        assert.equal(e.code, 'FINDINGS_INVALID');
        assert.ok(e.message.startsWith(`${path}: `), e.message);
        assert.match(e.message, message);
        assert.match(e.hints.join('\n'), /--skip-invalid/);
        return true;
      });
      const skipped = await ingest({ paths: [path], skipInvalid: true });
      const clean = await ingest({ paths: [join(FIXTURES, source)] });
      assert.equal(skipped.files[0]!.records, clean.files[0]!.records);
      assert.equal(skipped.files[0]!.invalid, 1);
      assert.equal(skipped.findings.length, clean.findings.length - 1);
      assert.match(
        `field ${skipped.files[0]!.problems[0]!.field}: ${skipped.files[0]!.problems[0]!.message}`,
        new RegExp(message.source.replace(/^record \d+, /, '')),
      );
    });
  }
  it('the CLI skips with --skip-invalid and lists the problem', () => {
    const doc = real('grype/chainguard-ruby-test.json');
    delete (doc.matches as any[])[1].vulnerability.id;
    const result = runCli(['findings', 'inspect', file('bad-grype.json', JSON.stringify(doc)), '--skip-invalid']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /records read: 3, merged: 0, invalid \(skipped\): 1/);
    assert.match(result.stdout, /problem: record 2, field matches\[1\]\.vulnerability\.id: vulnerability\.id is missing/);
  });
});

describe('report shapes around the records', () => {
  it('a first record larger than the detection head: still Grype, Semgrep, Checkov (array)', () => {
    // Real exports with the first record's description padded past HEAD_BYTES.
    const long = 'x'.repeat(HEAD_BYTES);
    const grype = real('grype/chainguard-ruby-test.json') as any;
    grype.matches[0].vulnerability.description = long;
    const semgrep = real('semgrep/cdn_ruleset_resolution.results.json') as any;
    semgrep.results[0].extra.message = long;
    const checkov = [real('checkov/checkov_with_skips.json')] as any;
    checkov[0].results.passed_checks[0].check_name = long;
    for (const [tool, doc] of [
      ['grype', grype],
      ['semgrep', semgrep],
      ['checkov', checkov],
    ] as const) {
      const path = file(`${tool}-long.json`, JSON.stringify(doc, null, 1));
      assert.deepEqual(detected(path), { format: tool, tool }, tool);
    }
  });
  it('trivy: a key-sorted copy (SchemaVersion after Results) gives the same findings', async () => {
    const sortKeys = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(sortKeys)
        : value && typeof value === 'object'
          ? Object.fromEntries(
              Object.keys(value)
                .sort()
                .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
            )
          : value;
    const source = join(FIXTURES, 'trivy', 'fluentd-multiple-lockfiles.json');
    const sorted = file('sorted.json', JSON.stringify(sortKeys(real('trivy/fluentd-multiple-lockfiles.json')), null, 2));
    const [a, b] = [findingsOf(await loaderOutcomes(source)), findingsOf(await loaderOutcomes(sorted))];
    assert.deepEqual(
      b.map((f) => [f.identity, f.resource, f.observedAt]),
      a.map((f) => [f.identity, f.resource, f.observedAt]),
    );
  });
  it('trivy: a clean scan (no Results) has no records; another schema is refused', async () => {
    const clean = real('trivy/secrets.json');
    delete clean.Results;
    const result = await ingest({ paths: [file('clean.json', JSON.stringify(clean))] });
    assert.deepEqual([result.files[0]!.format, result.files[0]!.records], ['trivy', 0]);
    const old = { ...real('trivy/secrets.json'), SchemaVersion: 3 };
    await assert.rejects(ingest({ paths: [file('v3.json', JSON.stringify(old))] }), /not a valid trivy document: SchemaVersion is 3, expected 2/);
  });
  it('trivy: a misconfiguration with only an AVDID takes it as rule id', async () => {
    const doc = real('trivy/terraform-remote-submodule.json') as any;
    const misconfiguration = doc.Results[1].Misconfigurations[0];
    misconfiguration.AVDID = 'AVD-AWS-0104';
    delete misconfiguration.ID;
    const [first] = findingsOf(await loaderOutcomes(file('avdid.json', JSON.stringify(doc))));
    assert.deepEqual([first!.nativeId, first!.ruleId], ['AVD-AWS-0104', 'AVD-AWS-0104']);
  });
  it('grype: ignored matches are suppressed, with the rule reason', async () => {
    const doc = real('grype/chainguard-ruby-test.json') as any;
    doc.ignoredMatches = [
      { ...doc.matches.pop(), appliedIgnoreRules: [{ vulnerability: 'GHSA-hv5j-3h9f-99c2', reason: 'uri is not reachable', namespace: '' }] },
    ];
    const findings = findingsOf(await loaderOutcomes(file('ignored.json', JSON.stringify(doc))));
    assert.deepEqual(
      findings.map((f) => [f.nativeId, f.state]),
      [
        ['CVE-2023-28755', 'open'],
        ['CVE-2023-28755', 'open'],
        ['GHSA-hv5j-3h9f-99c2', 'suppressed'],
      ],
    );
    assert.equal(findings[2]!.description, 'ignored by a Grype ignore rule: uri is not reachable');
  });
  it('checkov: a summary-only report (nothing to scan) is Checkov with no records', async () => {
    // The summary object of a real report, as Checkov prints it alone.
    const summary = (real('checkov/checkov_with_skips.json') as any).summary;
    const result = await ingest({ paths: [file('summary.json', JSON.stringify({ ...summary, passed: 0, failed: 0, skipped: 0 }))] });
    assert.deepEqual([result.files[0]!.format, result.files[0]!.tool, result.files[0]!.records], ['checkov', 'checkov', 0]);
  });
  it('semgrep: a result a nosemgrep comment covers (is_ignored) is suppressed; errors never count', async () => {
    const doc = real('semgrep/nosem_rule__invalid_id.error.json') as any;
    assert.equal(doc.errors.length, 3, 'the export has errors beside its 3 results');
    doc.results[0].extra.is_ignored = true;
    const outcomes = await loaderOutcomes(file('ignored.json', JSON.stringify(doc)));
    assert.deepEqual(
      findingsOf(outcomes).map((f) => f.state),
      ['suppressed', 'open', 'open'],
    );
    assert.equal(outcomes.length, 3);
  });
});
