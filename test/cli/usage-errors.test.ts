/**
 * A CLI that never leaves you stuck: a usage error says what is wrong, the usage line and where
 * the rest is (without --json too); a mistyped command names the one meant; every help page lists
 * the exit codes; help never cuts a URL in the middle.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { repoRoot } from '../support/paths.js';

const commandIds = Object.keys((JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, unknown> }).commands).map(
  (id) => id.replaceAll(':', ' '),
);

describe('usage errors print their whole message', () => {
  it('summary without --framework names the flag, shows the usage line and points at --help (exit 2)', () => {
    const r = runCli(['summary']);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^infracast: Missing required flag --framework \(-f\) \[USAGE\]$/m);
    assert.match(r.stderr, /^ {2}hint: usage: infracast summary -f ID /m);
    assert.match(r.stderr, /^ {2}hint: `infracast summary --help` shows every flag, the exit codes and examples\.$/m);
    assert.doesNotMatch(r.stderr, /The following error occurred/);
  });
  it('verify without a file names the argument (exit 2)', () => {
    const r = runCli(['verify']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^infracast: Missing required argument FILE \(The signed file\.\) \[USAGE\]$/m);
    assert.match(r.stderr, /^ {2}hint: usage: infracast verify FILE /m);
  });
  it('render with an unknown flag shows its usage, PATHS included', () => {
    const r = runCli(['render', '--formats', 'md']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^infracast: Nonexistent flag: --formats \[USAGE\]$/m);
    assert.match(r.stderr, /^ {2}hint: usage: infracast render \[PATHS\.\.\.\] /m);
  });
  it("a value outside a flag's options names them", () => {
    const r = runCli(['summary', '-f', 'nist-800-53', '-o', 'xml']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^infracast: Expected --output=xml to be one of: json, table \[USAGE\]$/m);
  });
  it('--json carries the same message and hints', () => {
    const r = runCli(['summary', '--json']);
    assert.equal(r.status, 2);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string; hints: string[]; exitCode: number } };
    assert.deepEqual([error.code, error.message, error.exitCode], ['USAGE', 'Missing required flag --framework (-f)', 2]);
    assert.match(error.hints[0]!, /^usage: infracast summary -f ID /);
  });
});

describe('a mistyped command', () => {
  for (const [typed, meant] of [
    ['rendr', 'render'],
    ['sumary', 'summary'],
    ['inspect', 'findings inspect'],
    ['catalog shw', 'catalog show'],
    ['findings inspekt', 'findings inspect'],
  ] as const)
    it(`'${typed}' suggests '${meant}' (exit 2)`, () => {
      const r = runCli([...typed.split(' '), '--at', '2026-01-01']);
      assert.equal(r.status, 2);
      assert.match(r.stderr, new RegExp(`^infracast: unknown command '${typed}' \\(did you mean '${meant}'\\?\\) \\[USAGE\\]$`, 'm'));
      assert.match(r.stderr, new RegExp(`hint: run \`infracast ${meant} --help\` for its usage\\.`));
    });
  it('nothing close: no guess, the pointer to the command list', () => {
    const r = runCli(['frobnicate']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^infracast: unknown command 'frobnicate' \[USAGE\]\n {2}hint: `infracast --help` lists every command\.\n$/);
  });
  it('a topic with a subcommand nothing like its own: both words named, no guess', () => {
    const r = runCli(['catalog', 'frob', 'nist-800-53']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^infracast: unknown command 'catalog frob' \[USAGE\]$/m);
  });
  it('--json gives the error object', () => {
    const r = runCli(['rendr', '--json']);
    assert.equal(r.status, 2);
    assert.equal((JSON.parse(r.stdout) as { error: { message: string } }).error.message, "unknown command 'rendr' (did you mean 'render'?)");
  });
});

describe('help pages', () => {
  for (const id of commandIds)
    it(`infracast ${id} --help lists the exit codes`, () => {
      const r = runCli([...id.split(' '), '--help'], { env: { COLUMNS: '80', OCLIF_COLUMNS: '80' } });
      assert.equal(r.status, 0);
      const section = /^EXIT CODES\n((?: {2}.*\n)+)/m.exec(r.stdout)?.[1];
      assert.ok(section, `no EXIT CODES section in:\n${r.stdout}`);
      assert.match(section, /^ {2}0 {2}ok: /m);
      assert.match(section, /^ {2}2 {2}usage: /m);
    });
  it('render --help shows its PATHS argument', () => {
    const r = runCli(['render', '--help']);
    assert.match(r.stdout, /^ {2}\$ infracast render \[PATHS\.\.\.\]/m);
    assert.match(r.stdout, /^ARGUMENTS\n {2}\[PATHS\.\.\.\] {2}Definition files/m);
  });
  it('a URL in an example is never cut in the middle, however narrow the terminal', () => {
    const r = runCli(['verify', '--help'], { env: { OCLIF_COLUMNS: '60' } });
    assert.equal(r.status, 0);
    for (const url of ['https://github.com/acme/compliance/.github/workflows/report.yml@refs/heads/main', 'https://token.actions.githubusercontent.com'])
      assert.ok(r.stdout.includes(url), `${url} is cut in:\n${r.stdout}`);
  });
});
