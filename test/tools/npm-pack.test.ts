/**
 * The package a newcomer installs: `npm pack` of the built checkout, installed into an empty
 * folder, runs `infracast --help` through npx, and carries what the
 * commands read at run time (catalog data, schemas, the starter workspace, docs). Dependencies
 * come from the npm cache that `npm ci` filled (--prefer-offline), else the registry.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from '../support/paths.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const env = { ...process.env, NO_COLOR: '1', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
const run = (command: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('npm pack, installed into an empty folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'infracast-pack-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  // --ignore-scripts: the tests run on the build `npm test` just made; `prepare` would rebuild dist/ under the other tests.
  const packed = run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], repoRoot);
  const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz')) ?? 'none.tgz');

  it('packs the files the CLI reads at run time, and no test or source TypeScript', () => {
    assert.equal(packed.status, 0, packed.stderr);
    const files = new Set((JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
    for (const file of [
      'bin/run.js',
      'dist/cli/main.js',
      'dist/cli/cli/help.js',
      'dist/cli/hooks/command-not-found.js',
      'oclif.manifest.json',
      'src/catalogs/data/nist-800-171.json',
      'schemas/report.schema.json',
      'examples/starter/infracast.yaml',
      'docs/evaluation.md',
      'README.md',
      'LICENSE',
    ])
      assert.ok(files.has(file), `${file} is not in the package`);
    for (const file of files) assert.doesNotMatch(file, /^(test|dist\/test)\/|\.ts$(?<!\.d\.ts$)|^\.dev-keys|\/\.dev-keys\//, `${file} should not be packed`);
  });

  it('npm install TARBALL, then npx infracast --help, catalog show, init + validate', () => {
    const app = join(dir, 'app');
    mkdirSync(app);
    const installed = run(npm, ['install', '--prefer-offline', '--no-package-lock', tarball], app);
    assert.equal(installed.status, 0, installed.stderr);
    const help = run(npx, ['--no-install', 'infracast', '--help'], app);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^VERSION\n {2}infracast\/\d+\.\d+\.\d+ /m);
    for (const command of ['catalog', 'keys', 'render', 'validate', 'summary']) assert.match(help.stdout, new RegExp(`^ {2}${command} `, 'm'), command);
    const catalog = run(npx, ['--no-install', 'infracast', 'catalog', 'show', 'nist-800-171', '--json'], app);
    assert.equal(catalog.status, 0, catalog.stderr);
    assert.equal((JSON.parse(catalog.stdout) as { count: number }).count, 110);
    assert.equal(run(npx, ['--no-install', 'infracast', 'init', 'ws'], app).status, 0);
    const validated = run(npx, ['--no-install', 'infracast', 'validate', 'ws'], app);
    assert.equal(validated.status, 0, validated.stdout + validated.stderr);
    const typo = run(npx, ['--no-install', 'infracast', 'rendr'], app);
    assert.equal(typo.status, 2);
    assert.match(typo.stderr, /did you mean 'render'\?/);
  });
});
