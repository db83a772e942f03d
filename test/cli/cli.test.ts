/** The CLI as a user runs it: help, exit codes, --json, GitHub annotations, init. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { examplesDir, fixturesDir, repoRoot } from '../support/paths.js';
import { makeWorkspace } from '../support/workspace.js';

const COMMANDS = ['validate', 'init', 'schema'];

describe('help', () => {
  it('infracast --help lists every command', () => {
    const r = runCli(['--help']);
    assert.equal(r.status, 0);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^ {2}${c} `, 'm'));
  });
  for (const c of COMMANDS) {
    it(`infracast ${c} --help is complete: usage, description, examples, exit codes`, () => {
      const r = runCli([c, '--help']);
      assert.equal(r.status, 0);
      for (const section of ['USAGE', 'DESCRIPTION', 'EXAMPLES', 'FLAGS']) assert.match(r.stdout, new RegExp(`^${section}`, 'm'), section);
      assert.match(r.stdout, /--json/);
      assert.match(r.stdout, /^EXIT CODES\n {2}0 {2}ok: /m);
    });
  }
});

describe('exit codes and errors', () => {
  it('an unknown flag is a usage error (2), not a stack trace', () => {
    const r = runCli(['validate', '--no-such-flag']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Nonexistent flag: --no-such-flag \[USAGE\]/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
  it('a missing path is a usage error (2)', () => {
    const r = runCli(['validate', '/definitely/not/here']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no such file or folder \[FILE_NOT_FOUND\]/);
  });
  it('a path outside any workspace fails (1) with the fix', () => {
    const r = runCli(['validate', tmpdir()]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no infracast\.yaml in this folder or any folder above it/);
    assert.match(r.stderr, /hint: Run `infracast init`/);
  });
  it('--json carries the same error fields', () => {
    const r = runCli(['validate', tmpdir(), '--json']);
    assert.equal(r.status, 1);
    const json = JSON.parse(r.stdout);
    assert.equal(json.error.code, 'WORKSPACE_NOT_FOUND');
    assert.equal(json.error.exitCode, 1);
    assert.ok(Array.isArray(json.error.hints));
  });
  it('a bad --at is a usage error', () => {
    assert.equal(runCli(['validate', join(examplesDir, 'starter'), '--at', 'soon']).status, 2);
  });
});

describe('validate', () => {
  it('accepts the starter workspace', () => {
    const r = runCli(['validate', join(examplesDir, 'starter'), '--at', '2026-11-29']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /valid \(\d+ files checked\)/);
  });
  it('finds the workspace by walking up from a file, from any directory', () => {
    const r = runCli(['validate', join(examplesDir, 'starter', 'reports', 'framework.yaml'), '--verbose', '--at', '2026-11-29'], { cwd: tmpdir() });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /framework\.yaml: Report -> nist-800-53-framework \(type framework is a report type\)/);
  });
  it('--verbose says which kind it chose and why', () => {
    const root = makeWorkspace({
      'reports/poam.yaml': 'type: poam\nformat: xlsx\noptions:\n  month: "2024-03"\n---\ntype: poam\nformat: md\n',
    });
    const r = runCli(['validate', root, '--verbose', '--at', '2026-11-29']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /poam\.yaml#1: Document -> poam-1 \(type poam with document-only option month\)/);
    assert.match(r.stdout, /poam\.yaml#2: Report -> poam-2 \(type poam without document-only options/);
  });
  it('--json gives diagnostics with file, line, col, code, message and hint', () => {
    const r = runCli(['validate', join(fixturesDir, 'bad-inputs', 'reports', 'unknown-key.yaml'), '--json', '--at', '2026-11-29'], { cwd: repoRoot });
    assert.equal(r.status, 1);
    const json = JSON.parse(r.stdout);
    assert.equal(json.ok, false);
    assert.equal(json.errors, 1);
    assert.deepEqual(json.diagnostics[0], {
      file: 'test/fixtures/bad-inputs/reports/unknown-key.yaml',
      line: 2,
      col: 1,
      severity: 'error',
      code: 'unknown-key',
      message: "unknown key 'framwork' (did you mean 'framework'?)",
      hint: 'Allowed here: kind, name, description, type, framework, frameworks, baseline, format, formats, options.',
    });
  });
  it('inside GitHub Actions also prints ::error annotations', () => {
    const r = runCli(['validate', 'test/fixtures/bad-inputs/reports/unknown-framework.yaml', '--at', '2026-11-29'], {
      cwd: repoRoot,
      env: { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: repoRoot },
    });
    assert.equal(r.status, 1);
    assert.match(
      r.stdout,
      /^::error file=test\/fixtures\/bad-inputs\/reports\/unknown-framework\.yaml,line=2,col=12,title=infracast unknown-framework::unknown framework 'nist-800-35' \(did you mean 'nist-800-53'\?\)%0AKnown frameworks/m,
    );
  });
  it('a definition in a multi-document stream is named <stem>-<n>; a name: collision is an error at both places', () => {
    const root = makeWorkspace({ 'reports/pack.yaml': 'type: gap\n---\ntype: executive\n', 'reports/other.yaml': 'name: pack-2\ntype: gap\n' });
    const r = runCli(['validate', root, '--json', '--at', '2026-11-29']);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.diagnostics.map((d: { file: string; code: string }) => `${d.file.split('/').pop()} ${d.code}`).sort(), [
      'other.yaml duplicate-name',
      'pack.yaml duplicate-name',
    ]);
  });
});

describe('init', () => {
  it('scaffolds a workspace that validate accepts, with modelines pointing at real schema files', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'infracast-init-')), 'compliance');
    const r = runCli(['init', dir, '--tenant', 'Globex Inc']);
    assert.equal(r.status, 0, r.stderr);
    const v = runCli(['validate', dir, '--at', '2026-11-29']);
    assert.equal(v.status, 0, v.stderr);
    const config = readFileSync(join(dir, 'infracast.yaml'), 'utf8');
    assert.match(config, /id: globex-inc/);
    for (const file of ['infracast.yaml', 'reports/framework.yaml', 'schedules/weekly.yaml', 'attestations/access-review.yaml']) {
      const text = readFileSync(join(dir, file), 'utf8');
      const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)?.[1];
      assert.ok(modeline, `${file} has a modeline`);
      assert.ok(existsSync(resolve(dirname(join(dir, file)), modeline)), `${file}: ${modeline} exists`);
    }
  });
  it("the starter's attestation shows observed_at, and an evidence bundle of the starter holds its evidence file", () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'infracast-init-')), 'compliance');
    assert.equal(runCli(['init', dir]).status, 0);
    assert.match(readFileSync(join(dir, 'attestations', 'access-review.yaml'), 'utf8'), /^ {4}observed_at: "\d{4}-\d{2}-\d{2}"$/m);
    writeFileSync(
      join(dir, 'reports', 'evidence.yaml'),
      'name: evidence\ntype: evidence\nframework: nist-800-53\nformats: [zip, json]\noptions:\n  window: { from: 2026-01-01, to: 2026-03-31 }\n',
    );
    const r = runCli(['render', join(dir, 'reports', 'evidence.yaml'), '--at', '2026-04-01']);
    assert.equal(r.status, 0, r.stderr);
    const index = JSON.parse(readFileSync(join(dir, 'out', 'evidence', 'evidence.json'), 'utf8')) as {
      tables: { id: string; rows: Record<string, unknown>[] }[];
    };
    const manifest = index.tables.find((t) => t.id === 'manifest')!.rows.filter((row) => row.kind === 'attestation-evidence');
    assert.deepEqual(
      manifest.map((row) => [row.source, row.observed_at, row.observed_at_from]),
      [['assets/access-review.txt', '2026-01-12T00:00:00.000Z', null]],
    );
  });
  it('never overwrites an existing workspace', () => {
    const root = makeWorkspace({});
    const r = runCli(['init', root]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /already exists/);
  });
});

describe('schema', () => {
  it('lists the kinds and prints one schema', () => {
    const list = JSON.parse(runCli(['schema', '--json']).stdout) as { name: string; id: string }[];
    assert.ok(list.some((s) => s.name === 'report' && s.id === 'https://infracast.dev/schemas/v1/report.schema.json'));
    const report = JSON.parse(runCli(['schema', 'report']).stdout);
    assert.equal(report.title, 'Infracast report definition');
  });
  it('suggests the kind for a typo (usage error)', () => {
    const r = runCli(['schema', 'reprot']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /did you mean 'report'/);
  });
});
