/**
 * `infracast validate` sniffs every findings file of the configured sources (the decoded head only,
 * gzip too): a file no loader reads is an error at the file, in the words `render` and
 * `findings inspect` use, so that validate never says "valid" when render will fail; a configured
 * source that matches nothing is a warning.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { runCli } from '../support/cli.js';
import { examplesDir } from '../support/paths.js';
import { makeWorkspace, MINIMAL_CONFIG } from '../support/workspace.js';

const ASFF = join(examplesDir, 'acme', 'findings', 'securityhub', 'acme-securityhub-2026-11-26.asff.json');
/** Not a findings export: a package manifest someone dropped in findings/. */
const NOT_FINDINGS = '{\n  "name": "scanner-wrapper",\n  "version": "1.0.0",\n  "dependencies": {}\n}\n';
const at = ['--at', '2026-11-29'];

/** The message of a diagnostic line `file:1:1: error: MESSAGE [code]` (message lines included). */
function diagnosticMessage(stderr: string, file: string, code: string): string | undefined {
  const match = new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:1:1: error: ([\\s\\S]*?) \\[${code}\\]`).exec(stderr);
  return match?.[1];
}

describe('validate: findings files are sniffed', () => {
  it('an unrecognised file (plain or gzip) is an error at the file, with the words render and inspect use; render stops before rendering', () => {
    const root = makeWorkspace({ 'findings/manifest.json': NOT_FINDINGS, 'findings/old.json.gz': gzipSync(NOT_FINDINGS) });
    copyFileSync(ASFF, join(root, 'findings', 'hub.asff.json'));
    const result = runCli(['validate', ...at], { cwd: root });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    const plain = diagnosticMessage(result.stderr, 'findings/manifest.json', 'findings-unrecognised');
    assert.ok(plain, result.stderr);
    assert.match(plain, /^not a findings format Infracast reads\. Tried:\n {2}- /);
    assert.ok(diagnosticMessage(result.stderr, 'findings/old.json.gz', 'findings-unrecognised'), 'the gzip file is decoded and sniffed');
    assert.doesNotMatch(result.stderr, /hub\.asff\.json/, 'a real export is fine');
    assert.match(result.stderr, /hint: Formats: native JSON/);
    assert.match(result.stderr, /: 2 errors \(4 files checked\)/);

    const inspect = runCli(['findings', 'inspect', 'findings/manifest.json'], { cwd: root });
    assert.equal(inspect.status, 1);
    assert.ok(inspect.stderr.includes(`findings/manifest.json: ${plain} [FINDINGS_UNRECOGNISED]`), `same words as inspect:\n${inspect.stderr}`);

    const render = runCli(['render', ...at], { cwd: root });
    assert.equal(render.status, 1);
    assert.equal(diagnosticMessage(render.stderr, 'findings/manifest.json', 'findings-unrecognised'), plain);
  });

  it('a configured source that matches no file is a warning at the source; the default source is not', () => {
    const root = makeWorkspace({
      'infracast.yaml': `${MINIMAL_CONFIG}findings:\n  sources:\n    - findings/**/*.json\n    - path: findings/trivy/*.sarif\n      observed_at: 2026-11-26\n`,
    });
    copyFileSync(ASFF, join(root, 'findings-hub.json'));
    mkdirSync(join(root, 'findings'));
    copyFileSync(ASFF, join(root, 'findings', 'hub.json'));
    const result = runCli(['validate', ...at], { cwd: root });
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stderr,
      /^infracast\.yaml:11:13: warning: findings source 'findings\/trivy\/\*\.sarif' matches no file \[findings-source-unmatched\]$/m,
    );
    assert.doesNotMatch(result.stderr, /findings\/\*\*\/\*\.json' matches/);
    const bare = runCli(['validate', ...at], { cwd: makeWorkspace({}) });
    assert.equal(bare.status, 0);
    assert.doesNotMatch(bare.stderr, /matches no file/, 'no findings/ folder and no sources configured: nothing to warn about');
  });

  it('reads only the head of each file: a big export broken after its first 64 KiB is sniffed as what it starts as', () => {
    const root = makeWorkspace({});
    mkdirSync(join(root, 'findings'));
    const big = Buffer.concat([readFileSync(ASFF), Buffer.alloc(8 * 1024 * 1024, 'x')]);
    writeFileSync(join(root, 'findings', 'hub.asff.json'), big);
    const result = runCli(['validate', ...at], { cwd: root });
    assert.equal(result.status, 0, result.stderr);
  });

  it('a findings file given on the command line is sniffed; a non-YAML file no source lists is still a usage error', () => {
    const root = makeWorkspace({ 'findings/manifest.json': NOT_FINDINGS, 'notes.txt': 'hello\n' });
    const named = runCli(['validate', 'findings/manifest.json', ...at], { cwd: root });
    assert.equal(named.status, 1, named.stderr);
    assert.ok(diagnosticMessage(named.stderr, 'findings/manifest.json', 'findings-unrecognised'), named.stderr);
    assert.match(named.stderr, /1 error \(1 file checked\)/);
    const other = runCli(['validate', 'notes.txt', ...at], { cwd: root });
    assert.equal(other.status, 2, other.stderr);
    assert.match(other.stderr, /notes\.txt: not a YAML file, nor a findings file of findings\.sources/);
  });

  it('examples/acme: every findings file is recognised', () => {
    const result = runCli(['validate', join(examplesDir, 'acme'), ...at]);
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /findings-/);
  });
});
