import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { TINY_CATALOG, profileJson } from '../support/oscal.js';

describe('infracast catalog import', () => {
  let workspace: string;
  let files: string;
  before(() => {
    const base = mkdtempSync(join(tmpdir(), 'infracast-catalog-'));
    workspace = join(base, 'ws');
    assert.equal(runCli(['init', workspace]).status, 0);
    files = join(base, 'oscal');
    mkdirSync(files); // the OSCAL files live outside the workspace
    writeFileSync(join(files, 'catalog.json'), JSON.stringify(TINY_CATALOG));
    writeFileSync(
      join(files, 'profile.json'),
      JSON.stringify(
        profileJson({
          imports: [{ href: 'catalog.json', 'include-controls': [{ 'with-ids': ['xx-1', 'xx-2'], 'with-child-controls': 'yes' }] }],
          merge: { 'as-is': true },
          modify: { 'set-parameters': [{ 'param-id': 'xx-1_prm_1', values: ['weekly'] }] },
        }),
      ),
    );
    writeFileSync(join(files, 'remote.json'), JSON.stringify(profileJson({}, 'https://example.org/oscal/catalog.json')));
  });

  it('imports a catalog from inside the workspace and writes catalogs/<id>.json', () => {
    const result = runCli(['catalog', 'import', join(files, 'catalog.json'), '--id', 'tiny'], { cwd: join(workspace, 'reports') });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /controls: 7 \(1 withdrawn\)/);
    const written = JSON.parse(readFileSync(join(workspace, 'catalogs', 'tiny.json'), 'utf8'));
    assert.equal(written.format, 'infracast-catalog/1');
    assert.equal(written.metadata.title, 'Tiny Test Catalog');
    assert.equal(written.metadata.source.file, 'catalog.json');
    assert.match(written.metadata.source.sha256, /^[0-9a-f]{64}$/);
    const x1 = written.controls.find((c: { id: string }) => c.id === 'XX-1');
    assert.deepEqual(x1.statement, { a: 'Do {{ insert: param, xx-1_prm_1 }} often.', b: 'Pick {{ insert: param, xx-1_prm_2 }}.' });
    assert.equal(x1.family, 'XX');
    assert.equal(written.controls.find((c: { id: string }) => c.id === 'XX-1(2)').withdrawn, true);
  });

  it('resolves a profile with a relative import and reports what it set (--json, default id from the title)', () => {
    const result = runCli(['catalog', 'import', join(files, 'profile.json'), '--workspace', workspace, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.id, 'tiny-test-profile');
    assert.equal(json.kind, 'profile');
    assert.equal(json.controls, 4);
    assert.equal(json.withdrawn, 1);
    assert.equal(json.parameters_set, 1);
    assert.deepEqual(
      json.sources.map((s: { kind: string }) => s.kind),
      ['profile', 'catalog'],
    );
    const written = JSON.parse(readFileSync(join(workspace, 'catalogs', 'tiny-test-profile.json'), 'utf8'));
    const param = written.controls[0].params[0];
    assert.deepEqual([param.values, param.display], [['weekly'], 'weekly']);
  });

  it('fails with exit 3 and no stack trace on a remote href, naming the href and the fix', () => {
    const result = runCli(['catalog', 'import', join(files, 'remote.json'), '--workspace', workspace]);
    assert.equal(result.status, 3);
    assert.match(result.stderr, /CATALOG_HREF_UNRESOLVED/);
    assert.match(result.stderr, /https:\/\/example\.org\/oscal\/catalog\.json/);
    assert.match(result.stderr, /--catalog FILE/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    const json = JSON.parse(runCli(['catalog', 'import', join(files, 'remote.json'), '--workspace', workspace, '--json']).stdout);
    assert.equal(json.error.code, 'CATALOG_HREF_UNRESOLVED');
    assert.equal(json.error.exitCode, 3);
  });

  it('resolves a remote href offline with --href or --catalog', () => {
    const mapped = runCli([
      'catalog',
      'import',
      join(files, 'remote.json'),
      '--workspace',
      workspace,
      '--id',
      'mapped',
      '--href',
      `https://example.org/oscal/catalog.json=${join(files, 'catalog.json')}`,
    ]);
    assert.equal(mapped.status, 0, mapped.stderr);
    const viaCatalog = runCli([
      'catalog',
      'import',
      join(files, 'remote.json'),
      '--workspace',
      workspace,
      '--id',
      'via-catalog',
      '--catalog',
      join(files, 'catalog.json'),
    ]);
    assert.equal(viaCatalog.status, 0, viaCatalog.stderr);
    assert.ok(existsSync(join(workspace, 'catalogs', 'via-catalog.json')));
  });

  it('outside a workspace: exit 1; a bad --id: exit 2', () => {
    const outside = runCli(['catalog', 'import', join(files, 'catalog.json')], { cwd: tmpdir() });
    assert.equal(outside.status, 1);
    assert.match(outside.stderr, /WORKSPACE_NOT_FOUND/);
    const badId = runCli(['catalog', 'import', join(files, 'catalog.json'), '--workspace', workspace, '--id', 'Bad Id']);
    assert.equal(badId.status, 2);
  });
});
