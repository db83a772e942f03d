/**
 * Issue 12, "Nothing lost, ever": hostile inputs fail fast with a coded error, bounded memory and no
 * stack trace, through the CLI as a user runs it. Each test states the wall time and peak RSS it
 * measured (a child process: `process.resourceUsage().maxRSS`); the bounds asserted are loose
 * enough for a loaded 2-core machine and far below what the inputs used to cost:
 *
 * - a gzip bomb (3 MB inflating to 3 GiB) took 6.3 GB and ended in a V8 fatal error;
 * - a 2 GiB single-line file buffered the line whole;
 * - `{{#each}}` nested six deep ran until killed; a partial including itself overflowed the stack
 *   and was reported as INTERNAL.
 *
 * Measured on the development machine (Node 20, 2 cores, other jobs running; wall time of the whole
 * CLI run over several runs, peak RSS): gzip bomb 0.2-0.6 s, 78 MiB; 2 GiB single-line JSON
 * 0.3-1.0 s, 126 MiB; 2 GiB single-line CSV 0.3-1.1 s, 127 MiB; six-deep {{#each}} 0.7-1.7 s,
 * 121 MiB; self-including partial 0.5-0.9 s, 81 MiB. `infracast --version` alone peaks at 50 MiB.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { runCli } from '../support/cli.js';
import { measured, runCliMeasured, writeGzipBomb, writeSparseFile } from '../support/measure.js';
import { examplesDir } from '../support/paths.js';
import { makeWorkspace, MINIMAL_CONFIG } from '../support/workspace.js';

const GiB = 1024 * 1024 * 1024;
const ASFF = join(examplesDir, 'acme', 'findings', 'securityhub', 'acme-securityhub-2026-11-26.asff.json');
const PROWLER_CSV = join(examplesDir, 'acme', 'findings', 'prowler', 'acme-shared-services-2026-11-25.csv');
/** A native finding, the first record before the hostile one. */
const FIRST = JSON.stringify({ id: 'f-1', title: 'A finding', result: 'FAIL', severity: 'HIGH' });
const at = ['--at', '2026-11-29'];

/** Fast, bounded, coded, no stack trace. */
function assertFailsFast(run: ReturnType<typeof runCliMeasured>, code: string, maxRssMiB: number): void {
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.ok(run.stdout.includes(`[${code}]`) || run.stderr.includes(`[${code}]`) || run.stdout.includes(`"code": "${code}"`), run.stdout + run.stderr);
  assert.doesNotMatch(run.stderr, /\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace');
  assert.ok(run.ms < 10_000, `fails fast: ${measured(run)}`);
  assert.ok(run.peakRssMiB < maxRssMiB, `bounded memory: ${measured(run)}, bound ${maxRssMiB} MiB`);
}

/** Temp folders of this file, removed at the end (they hold 2 GiB sparse files and 3 MB bombs). */
const made: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'infracast-limits-'));
  made.push(dir);
  return dir;
};
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('findings limits: hostile files fail fast with bounded memory', () => {
  it('a gzip bomb (3 MB inflating to 3 GiB) is FINDINGS_DECOMPRESSION_BOMB within its first 16 MiB', (t) => {
    const dir = tempDir();
    const bomb = join(dir, 'export.json.gz');
    writeGzipBomb(bomb, '{"Findings": [{"SchemaVersion": "2018-10-08", "Id": "', 3 * GiB, '"}]}\n');
    const run = runCliMeasured(['findings', 'inspect', bomb, '--summary'], { cwd: dir });
    t.diagnostic(`gzip bomb: ${measured(run)}`);
    assertFailsFast(run, 'FINDINGS_DECOMPRESSION_BOMB', 192);
    // Runs of one byte inflate about 1000 times (deflate's ceiling is 1032; the gzip members' framing takes a little).
    assert.match(
      run.stderr,
      /export\.json\.gz: gzip data inflating \d{3,4} times \(16 MB from \d+ bytes, before byte 16777216 of the decompressed content\): a decompression bomb/,
    );
    assert.match(run.stderr, /hint: .*decompress it \(gunzip\) and import the plain file/);
  });

  it('a 2 GiB single-line JSON file is FINDINGS_RECORD_TOO_LARGE at its second record, without buffering the line', (t) => {
    const dir = tempDir();
    const file = join(dir, 'line.json');
    writeSparseFile(file, `[${FIRST},{"id":"f-2","title":"`, 2 * GiB, '","result":"FAIL","severity":"LOW"}]');
    const run = runCliMeasured(['findings', 'inspect', file, '--summary'], { cwd: dir });
    t.diagnostic(`2 GiB single-line JSON: ${measured(run)}`);
    assertFailsFast(run, 'FINDINGS_RECORD_TOO_LARGE', 320);
    assert.match(run.stderr, /line\.json: record 2 \(from byte offset 68 of this native export\) is larger than findings\.max_record_size_mb \(64 MB\)/);
  });

  it('a 2 GiB single-line CSV row is FINDINGS_RECORD_TOO_LARGE before csv-parse reads it', (t) => {
    const dir = tempDir();
    const file = join(dir, 'line.csv');
    writeSparseFile(file, 'id,title,result,severity\nf-1,A finding,FAIL,HIGH\nf-2,"', 2 * GiB, '",FAIL,LOW\n');
    const run = runCliMeasured(['findings', 'inspect', file, '--summary'], { cwd: dir });
    t.diagnostic(`2 GiB single-line CSV: ${measured(run)}`);
    assertFailsFast(run, 'FINDINGS_RECORD_TOO_LARGE', 320);
    assert.match(run.stderr, /line\.csv: line 3 \(from byte offset 49 of this csv export\) is larger than/);
  });

  it('findings.max_file_size_mb holds a plain file on disk (validate and render say so) and a gzip file once decompressed (render)', () => {
    const big = `[${Array.from({ length: 12_000 }, (_, i) => JSON.stringify({ id: `f-${i}`, title: 'A finding', result: 'FAIL', severity: 'HIGH', description: 'x'.repeat(60) })).join(',\n')}]\n`;
    assert.ok(big.length > 1024 * 1024, 'over 1 MB');
    const config = `${MINIMAL_CONFIG}findings:\n  max_file_size_mb: 1\n`;

    const plain = makeWorkspace({ 'infracast.yaml': config, 'findings/big.json': big, 'reports/gap.yaml': 'type: gap\nformat: md\n' });
    const validate = runCli(['validate', ...at], { cwd: plain });
    assert.equal(validate.status, 1, validate.stderr);
    assert.match(validate.stderr, /findings\/big\.json:1:1: error: 1\.\d MB on disk, larger than findings\.max_file_size_mb \(1 MB\) \[findings-too-large\]/);
    assert.match(validate.stderr, /hint: Split the export .* raise findings\.max_file_size_mb in infracast\.yaml/);
    const render = runCli(['render', ...at], { cwd: plain });
    assert.equal(render.status, 1);
    assert.match(render.stderr, /\[findings-too-large\]/);

    // Compressed it is 0.1 MB: validate's sniff passes; the import stops once 1 MB is decompressed.
    const zipped = makeWorkspace({ 'infracast.yaml': config, 'findings/big.json.gz': gzipSync(big), 'reports/gap.yaml': 'type: gap\nformat: md\n' });
    assert.equal(runCli(['validate', ...at], { cwd: zipped }).status, 0);
    const run = runCliMeasured(['render', ...at], { cwd: zipped });
    assertFailsFast(run, 'FINDINGS_TOO_LARGE', 320);
    assert.match(run.stderr, /findings\/big\.json\.gz: larger than findings\.max_file_size_mb \(1 MB\) once decompressed/);
    // Raised, the same file is read.
    writeFileSync(join(zipped, 'infracast.yaml'), `${MINIMAL_CONFIG}findings:\n  max_file_size_mb: 2\n`);
    const raised = runCli(['render', ...at], { cwd: zipped });
    assert.equal(raised.status, 0, raised.stderr);
  });
});

describe('findings encodings: invalid UTF-8 is located, UTF-16 is read', () => {
  it('a Windows-1252 CSV is FINDINGS_ENCODING at the byte offset of its first non-UTF-8 byte, never replaced', () => {
    const text = readFileSync(PROWLER_CSV, 'utf8');
    const at1252 = text.indexOf('Ensure');
    const latin1 = Buffer.from(text.replace('Ensure', 'Ensur\u00e9'), 'latin1');
    const dir = tempDir();
    writeFileSync(join(dir, 'export.csv'), latin1);
    const run = runCliMeasured(['findings', 'inspect', 'export.csv'], { cwd: dir });
    assertFailsFast(run, 'FINDINGS_ENCODING', 320);
    const offset = Buffer.byteLength(text.slice(0, at1252)) + 5;
    assert.equal(latin1[offset], 0xe9);
    assert.match(run.stderr, new RegExp(`export\\.csv: not valid UTF-8 at byte offset ${offset} \\(bytes E9 .*after ".*Ensur"\\)`));
    assert.match(run.stderr, /hint: .*iconv -f WINDOWS-1252 -t UTF-8/);
  });

  it('validate reports invalid UTF-8 in the head of a configured findings file, as render would fail', () => {
    const root = makeWorkspace({ 'findings/export.csv': Buffer.from(readFileSync(PROWLER_CSV, 'utf8').replace('Ensure', 'Ensur\u00e9'), 'latin1') });
    const result = runCli(['validate', ...at], { cwd: root });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /findings\/export\.csv:1:1: error: not valid UTF-8 at byte offset \d+ .*\[findings-encoding\]/);
  });

  it('UTF-16 (PowerShell 5.1 writes it, with a BOM; or without one) is decoded: the same findings as the UTF-8 export', () => {
    const text = readFileSync(ASFF, 'utf8');
    const dir = tempDir();
    copyFileSync(ASFF, join(dir, 'utf8.json'));
    writeFileSync(join(dir, 'le.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    writeFileSync(join(dir, 'be.json'), Buffer.from(text, 'utf16le').swap16());
    const findingsOf = (file: string): unknown[] => {
      const result = runCli(['findings', 'inspect', file, '--json'], { cwd: dir });
      assert.equal(result.status, 0, result.stderr);
      const findings = (JSON.parse(result.stdout) as { findings: { sources: { file: string }[] }[] }).findings;
      return findings.map((f) => ({ ...f, sources: f.sources.map((s) => ({ ...s, file: 'x' })) }));
    };
    const expected = findingsOf('utf8.json');
    assert.equal(expected.length, 96);
    assert.deepEqual(findingsOf('le.json'), expected);
    assert.deepEqual(findingsOf('be.json'), expected);
    // validate sniffs the decoded head: a UTF-16 export in a workspace is recognised.
    const root = makeWorkspace({ 'findings/hub.json': readFileSync(join(dir, 'le.json')) });
    const validate = runCli(['validate', ...at], { cwd: root });
    assert.equal(validate.status, 0, validate.stderr);
  });

  it('UTF-32 is named and refused', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'export.json'), Buffer.from([0xff, 0xfe, 0, 0, 0x5b, 0, 0, 0, 0x5d, 0, 0, 0]));
    const result = runCli(['findings', 'inspect', 'export.json'], { cwd: dir });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /export\.json: UTF-32LE \(byte order mark FF FE 00 00\), which Infracast does not read \[FINDINGS_ENCODING\]/);
  });
});

describe('template budget: a template bomb fails its report, never the process', () => {
  const GAP = 'type: gap\nframework: nist-800-53\nbaseline: low\nformat: md\noptions:\n  cover_page: false\n';
  const workspace = (template: Record<string, string>): string =>
    makeWorkspace({ 'reports/gap.yaml': GAP, 'reports/remediation.yaml': 'type: remediation\nformat: md\n', ...template });

  it('{{#each}} nested six deep over the 149 gaps is TEMPLATE_BUDGET_EXCEEDED at its line; the other report is rendered', (t) => {
    const rows = '@root.tables.[0].rows';
    const open = `{{#each tables.[0].rows}}${`{{#each ${rows}}}`.repeat(5)}`;
    const root = workspace({ 'templates/gap.md.hbs': `# Bomb\n\n${open}\n${'x'.repeat(99)}\n${'{{/each}}'.repeat(6)}\n` });
    const run = runCliMeasured(['render', ...at, '--json'], { cwd: root });
    t.diagnostic(`six-deep {{#each}}: ${measured(run)}`);
    assertFailsFast(run, 'TEMPLATE_BUDGET_EXCEEDED', 320);
    const result = JSON.parse(run.stdout) as { reports: { definition: string; status: string; error?: { code: string; message: string } }[] };
    const gap = result.reports.find((r) => r.definition === 'gap')!;
    assert.equal(gap.status, 'failed');
    assert.equal(gap.error!.code, 'TEMPLATE_BUDGET_EXCEEDED');
    assert.match(gap.error!.message, /templates\/gap\.md\.hbs:3: the template produced more than 64 MiB of output in \{\{#each\}\}/);
    assert.equal(result.reports.find((r) => r.definition === 'remediation')!.status, 'completed');
  });

  it('a partial including itself is TEMPLATE_RECURSION at the include, not a stack overflow reported as INTERNAL', (t) => {
    const root = workspace({ 'templates/gap.md.hbs': '# Self\n\n{{> self}}\n', 'templates/partials/self.hbs': 'again\n{{> self}}\n' });
    const run = runCliMeasured(['render', ...at], { cwd: root });
    t.diagnostic(`self-including partial: ${measured(run)}`);
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stdout,
      /gap +md +- +FAILED: templates\/partials\/self\.hbs:2: partials nested more than 32 deep \('self' includes itself\): self > self > self > self > \.\.\./,
    );
    assert.match(run.stdout, /1 of 2 definitions rendered/);
    assert.doesNotMatch(run.stdout + run.stderr, /INTERNAL|Maximum call stack/);
    assert.ok(run.ms < 10_000 && run.peakRssMiB < 320, measured(run));
    const json = runCli(['render', ...at, '--json'], { cwd: root });
    assert.match(json.stdout, /"code": "TEMPLATE_RECURSION"/);
  });
});
