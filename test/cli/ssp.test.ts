import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { makeWorkspace } from '../support/workspace.js';

const AT = '2026-12-06';

interface ScaffoldJson {
  controls: number;
  written: { control: string; file: string; format: string }[];
  skipped: { control: string; file: string; reason: string }[];
}
interface ValidateJson {
  diagnostics: { severity: string; code: string; file: string }[];
}

describe('ssp scaffold', () => {
  it('writes a valid stub per baseline control; validate passes with only stub warnings; a second run writes nothing', () => {
    const root = makeWorkspace({
      'controls/access.yaml':
        'framework: nist-800-53\ncontrol: AC-2\nstatus: implemented\nstatement: Okta.\n---\nframework: fedramp-low\ncontrol: ac-3\nstatus: implemented\nstatement: IAM.\n',
    });
    const first = runCli(['ssp', 'scaffold', '--framework', 'fedramp-low', '--at', AT, '--json'], { cwd: root });
    assert.equal(first.status, 0, first.stderr);
    const written = JSON.parse(first.stdout) as ScaffoldJson;
    assert.equal(written.controls, 156);
    assert.equal(written.written.length, 154);
    assert.deepEqual(
      written.skipped.map((s) => `${s.control} ${s.file}`),
      ['AC-2 controls/access.yaml', 'AC-3 controls/access.yaml'],
    );
    assert.equal(readdirSync(join(root, 'controls')).length, 155);
    const ac1 = readFileSync(join(root, 'controls', 'ac-1.md'), 'utf8');
    assert.match(ac1, /^---\nframework: nist-800-53\ncontrol: AC-1\ntitle: Policy and Procedures\nstatus: planned\nplanned_completion_date: 2027-12-06\n/);
    // FedRAMP's assignment is filled in; an organisation-defined value says TODO with the catalog's label.
    assert.match(ac1, /\n {2}ac-01_odp\.05: at least every 3 years\n/);
    assert.match(ac1, /\n {2}ac-01_odp\.01: "TODO: personnel or roles"\n/);
    assert.match(ac1, /\n---\n\n## Part a\n\nTODO\n\n## Part b\n\nTODO\n\n## Part c\n\nTODO\n$/);

    const validate = runCli(['validate', '.', '--at', AT, '--json'], { cwd: root });
    assert.equal(validate.status, 0, validate.stdout);
    const diagnostics = (JSON.parse(validate.stdout) as ValidateJson).diagnostics;
    assert.equal(diagnostics.length, 154);
    assert.ok(diagnostics.every((d) => d.severity === 'warning' && d.code === 'unfinished-statement'));

    const again = runCli(['ssp', 'scaffold', '--framework', 'fedramp-low', '--at', AT, '--json'], { cwd: root });
    const second = JSON.parse(again.stdout) as ScaffoldJson;
    assert.equal(second.written.length, 0);
    assert.equal(second.skipped.length, 156);
  });

  it('counts a statement in either form, and leaves a file it did not write alone', () => {
    const root = makeWorkspace({
      'controls/mine.md': '---\nframework: nist-800-171\ncontrol: 3.1.1\nstatus: implemented\n---\nOkta.\n',
      'controls/3.1.2.yaml': '# notes, not a statement\n',
    });
    const run = runCli(['ssp', 'scaffold', '--framework', 'nist-800-171', '--format', 'yaml', '--dry-run', '--json', '--at', AT], { cwd: root });
    assert.equal(run.status, 0, run.stderr);
    const json = JSON.parse(run.stdout) as ScaffoldJson;
    assert.equal(json.written.length, 108);
    assert.deepEqual(
      json.skipped.map((s) => `${s.control} ${s.file}`),
      ['3.1.1 controls/mine.md', '3.1.2 controls/3.1.2.yaml'],
    );
    assert.deepEqual(readdirSync(join(root, 'controls')).sort(), ['3.1.2.yaml', 'mine.md']);
  });

  it('refuses nist-800-53 without a baseline, and a folder outside controls/', () => {
    const root = makeWorkspace({});
    const noBaseline = runCli(['ssp', 'scaffold', '--framework', 'nist-800-53'], { cwd: root });
    assert.equal(noBaseline.status, 2);
    assert.match(noBaseline.stderr, /needs --baseline/);
    const outside = runCli(['ssp', 'scaffold', '--framework', 'fedramp-low', '--dir', 'reports'], { cwd: root });
    assert.equal(outside.status, 2);
    assert.match(outside.stderr, /not inside the workspace's controls\/ folder/);
  });
});

describe('ssp scaffold --component', () => {
  it("asks for the component's text per part, and the stub validates against the inventory", () => {
    const root = makeWorkspace({
      'inventory/agc.yaml': 'components:\n  - id: okta\n    name: Okta\n    type: identity\n',
    });
    const run = runCli(['ssp', 'scaffold', '--framework', 'fedramp-low', '--component', 'okta', '--dir', 'controls/okta', '--at', AT], { cwd: root });
    assert.equal(run.status, 0, run.stderr);
    const ac2 = readFileSync(join(root, 'controls', 'okta', 'ac-2.md'), 'utf8');
    assert.match(ac2, /\ncomponents:\n {2}- okta\n---\n\n## Part a\n\n### Component okta\n\nTODO\n\n## Part b\n/);
    const validate = runCli(['validate', '.', '--at', AT, '--json'], { cwd: root });
    assert.equal(validate.status, 0, validate.stdout);
    assert.ok((JSON.parse(validate.stdout) as ValidateJson).diagnostics.every((d) => d.code === 'unfinished-statement'));
  });
});

describe('ssp import', () => {
  // A minimal SSP written for this test (behaviour, not interoperability: the real SSPs are in test/interop).
  const SSP = {
    'system-security-plan': {
      uuid: 'u',
      metadata: { title: 'T', 'oscal-version': '1.1.2' },
      'system-implementation': { components: [{ uuid: 'c1', type: 'this-system', title: 'This System' }] },
      'control-implementation': {
        'implemented-requirements': [
          {
            uuid: 'r1',
            'control-id': 'ac-3',
            statements: [{ uuid: 's1', 'statement-id': 'ac-3_smt', 'by-components': [{ uuid: 'b1', 'component-uuid': 'c1', description: 'IAM.' }] }],
          },
          {
            uuid: 'r2',
            'control-id': 'ac-2',
            statements: [{ uuid: 's2', 'statement-id': 'ac-2_smt.a', 'by-components': [{ uuid: 'b2', 'component-uuid': 'c1', description: 'Okta.' }] }],
          },
        ],
      },
    },
  };

  it("never overwrites; --force replaces only a control's own file", () => {
    const root = makeWorkspace({ 'controls/family.yaml': 'framework: nist-800-53\ncontrol: AC-2\nstatus: implemented\nstatement: Mine.\n' });
    const file = join(root, 'ssp.json');
    writeFileSync(file, JSON.stringify(SSP));
    const first = JSON.parse(runCli(['ssp', 'import', file, '--json'], { cwd: root }).stdout) as ScaffoldJson;
    assert.deepEqual(
      first.written.map((w) => w.file),
      ['controls/ac-3.md'],
    );
    assert.deepEqual(
      first.skipped.map((w) => `${w.control} ${w.file}`),
      ['AC-2 controls/family.yaml'],
    );
    assert.equal(
      readFileSync(join(root, 'controls', 'ac-3.md'), 'utf8'),
      '---\nframework: nist-800-53\ncontrol: AC-3\ntitle: Access Enforcement\n---\n\nIAM.\n',
    );
    const again = JSON.parse(runCli(['ssp', 'import', file, '--json'], { cwd: root }).stdout) as ScaffoldJson;
    assert.equal(again.written.length, 0);
    const forced = JSON.parse(runCli(['ssp', 'import', file, '--force', '--format', 'yaml', '--json'], { cwd: root }).stdout) as ScaffoldJson;
    assert.deepEqual(
      forced.written.map((w) => w.file),
      ['controls/ac-3.yaml'],
    );
    assert.deepEqual(readdirSync(join(root, 'controls')).sort(), ['ac-3.yaml', 'family.yaml']);
    assert.equal(readFileSync(join(root, 'controls', 'family.yaml'), 'utf8'), 'framework: nist-800-53\ncontrol: AC-2\nstatus: implemented\nstatement: Mine.\n');
  });

  it('names the file and the JSON path of what it cannot read', () => {
    const root = makeWorkspace({});
    const file = (name: string, body: unknown): string => {
      const path = join(root, name);
      writeFileSync(path, JSON.stringify(body));
      return path;
    };
    const notSsp = runCli(['ssp', 'import', file('cat.json', { catalog: {} })], { cwd: root });
    assert.equal(notSsp.status, 1);
    assert.match(notSsp.stderr, /cat\.json: \$: an OSCAL catalog, not a system security plan/);
    const version = runCli(['ssp', 'import', file('v.json', { 'system-security-plan': { metadata: { 'oscal-version': '2.0.0' } } })], { cwd: root });
    assert.equal(version.status, 1);
    assert.match(version.stderr, /v\.json: \$\.system-security-plan\.metadata\.oscal-version: OSCAL version "2\.0\.0" is not supported/);
    const unknown = runCli(
      [
        'ssp',
        'import',
        file('c.json', {
          'system-security-plan': {
            metadata: { 'oscal-version': '1.1.2' },
            'control-implementation': {
              'implemented-requirements': [
                { uuid: 'x', 'control-id': 'ac-2' },
                { uuid: 'y', 'control-id': 'zz-99' },
              ],
            },
          },
        }),
      ],
      { cwd: root },
    );
    assert.equal(unknown.status, 1);
    assert.match(
      unknown.stderr,
      /c\.json: \$\.system-security-plan\.control-implementation\.implemented-requirements\[1\]\.control-id: 'zz-99' is not a nist-800-53 control/,
    );
    const twice = runCli(
      [
        'ssp',
        'import',
        file('d.json', {
          'system-security-plan': {
            metadata: { 'oscal-version': '1.0.4' },
            'control-implementation': {
              'implemented-requirements': [
                { uuid: 'x', 'control-id': 'ac-2' },
                { uuid: 'y', 'control-id': 'ac-02' },
              ],
            },
          },
        }),
      ],
      { cwd: root },
    );
    assert.equal(twice.status, 1);
    assert.match(
      twice.stderr,
      /d\.json: \$\.system-security-plan\.control-implementation\.implemented-requirements\[1\]\.control-id: AC-2 is implemented twice \(also implemented-requirements\[0\]\)/,
    );
    assert.deepEqual(readdirSync(root).sort(), ['c.json', 'cat.json', 'd.json', 'infracast.yaml', 'v.json']);
  });
});
