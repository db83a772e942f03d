/** The rules beyond JSON Schema (src/schema/rules.ts and the cross-file rules), one case each. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { validate } from '../../src/index.js';
import { makeWorkspace, MINIMAL_CONFIG } from '../support/workspace.js';

async function codesFor(files: Record<string, string>, options: { strict?: boolean } = {}): Promise<string[]> {
  const root = makeWorkspace(files);
  const result = await validate({ paths: [root], at: '2026-11-29', ...options });
  return result.diagnostics.map((d) => `${d.file.slice(root.length + 1)}:${d.line} ${d.severity} ${d.code}`);
}

const attestation = (extra = ''): string =>
  `framework: nist-800-171\nrequirements: ["3.5.3"]\nresult: met\nattester: {name: Pat}\nattested_at: "2026-10-01"\n${extra}`;

describe('definition rules', () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ['format and formats both', { 'reports/a.yaml': 'type: gap\nformat: md\nformats: [json]\n' }, ['reports/a.yaml:3 error conflicting-keys']],
    ['framework and frameworks both', { 'reports/a.yaml': 'type: gap\nframework: soc2\nframeworks: [soc2]\n' }, ['reports/a.yaml:3 error conflicting-keys']],
    [
      'baseline on a framework other than nist-800-53',
      { 'reports/a.yaml': 'type: gap\nframework: soc2\nbaseline: moderate\n' },
      ['reports/a.yaml:3 error not-applicable-key'],
    ],
    [
      'report_subtype outside far-dfars-compliance',
      { 'reports/a.yaml': 'type: ssp\nreport_subtype: far-52204-21\n' },
      ['reports/a.yaml:2 error not-applicable-key'],
    ],
    ['far-dfars-compliance without report_subtype', { 'reports/a.yaml': 'type: far-dfars-compliance\n' }, ['reports/a.yaml:1 error missing-key']],
    [
      'a framework that contradicts the subtype',
      { 'reports/a.yaml': 'type: far-dfars-compliance\nreport_subtype: dfars-252204-7012\nframework: soc2\n' },
      ['reports/a.yaml:3 error conflicting-keys'],
    ],
    [
      'logo_url and organization_logo both',
      { 'reports/a.yaml': 'type: gap\noptions:\n  logo_url: https://a.example/l.png\n  organization_logo: https://a.example/l.png\n' },
      ['reports/a.yaml:3 error conflicting-keys'],
    ],
    [
      'a logo over plain http',
      { 'reports/a.yaml': 'type: gap\noptions:\n  organization_logo: http://a.example/l.png\n' },
      ['reports/a.yaml:3 error insecure-url'],
    ],
    ['a missing logo asset', { 'reports/a.yaml': 'type: gap\noptions:\n  organization_logo: assets/nope.png\n' }, ['reports/a.yaml:3 error missing-file']],
    [
      'an evidence window that ends before it starts',
      { 'reports/a.yaml': 'type: evidence\nformat: zip\noptions:\n  window: {from: "2026-10-01", to: "2026-09-01"}\n' },
      ['reports/a.yaml:4 error invalid-window'],
    ],
    [
      'a structured FOUO banner',
      { 'reports/a.yaml': 'type: gap\noptions:\n  classification:\n    banner: FOR OFFICIAL USE ONLY\n' },
      ['reports/a.yaml:4 error obsolete-marking'],
    ],
    ['a definition that is a list', { 'reports/a.yaml': '- type: gap\n' }, ['reports/a.yaml:1 error not-a-mapping']],
    ['an unknown kind', { 'reports/a.yaml': 'kind: Reprt\ntype: gap\n' }, ['reports/a.yaml:1 error invalid-value']],
    [
      'no framework anywhere',
      { 'infracast.yaml': MINIMAL_CONFIG.replace('frameworks: [nist-800-53]\n', ''), 'reports/a.yaml': 'type: gap\n' },
      ['reports/a.yaml:1 error missing-framework'],
    ],
  ];
  for (const [name, files, expected] of cases) it(name, async () => assert.deepEqual(await codesFor(files), expected));

  it('an architecture diagram needs no framework', async () => {
    assert.deepEqual(
      await codesFor({
        'infracast.yaml': MINIMAL_CONFIG.replace('frameworks: [nist-800-53]\n', ''),
        'reports/a.yaml': 'type: architecture-diagram\nformat: svg\n',
      }),
      [],
    );
  });
});

describe('schedule rules', () => {
  const cases: [string, string, string[]][] = [
    ['reports and an inline definition both', 'name: s\nfrequency: daily\nreports: [x]\ntype: gap\n', ['schedules/s.yaml:3 error conflicting-keys']],
    ['neither reports nor an inline definition', 'name: s\nfrequency: daily\n', ['schedules/s.yaml:1 error missing-key']],
    ['weekly without a day', 'name: s\nfrequency: weekly\ntype: gap\n', ['schedules/s.yaml:1 error missing-key']],
    ['daily with a day', 'name: s\nfrequency: daily\nday: monday\ntype: gap\n', ['schedules/s.yaml:3 error not-applicable-key']],
    ['monthly on a weekday', 'name: s\nfrequency: monthly\nday: monday\ntype: gap\n', ['schedules/s.yaml:3 error invalid-value']],
    ['weekly on a day of the month', 'name: s\nfrequency: weekly\nday: 3\ntype: gap\n', ['schedules/s.yaml:3 error wrong-type']],
    [
      'inline options validated as the type',
      'name: s\nfrequency: daily\ntype: gap\noptions:\n  include_trends: true\n',
      ['schedules/s.yaml:5 error unknown-key'],
    ],
    ['format without an inline type', 'name: s\nfrequency: daily\nreports: [gap]\nformat: pdf\n', ['schedules/s.yaml:4 error not-applicable-key']],
  ];
  for (const [name, text, expected] of cases) it(name, async () => assert.deepEqual(await codesFor({ 'schedules/s.yaml': text }), expected));
  it('two schedules with one name', async () => {
    const codes = await codesFor({
      'schedules/a.yaml': 'name: s\nfrequency: daily\ntype: gap\n',
      'schedules/b.yaml': 'name: s\nfrequency: daily\ntype: executive\n',
    });
    assert.ok(codes.includes('schedules/b.yaml:1 error duplicate-name'), codes.join('\n'));
  });
});

describe('attestation, exception, inventory and config rules', () => {
  it('an expired attestation warns, and is an error with --strict', async () => {
    const files = { 'attestations/a.yaml': `id: a\n${attestation('expires: "2026-11-01"\n')}` };
    assert.deepEqual(await codesFor(files), ['attestations/a.yaml:7 warning expired']);
    assert.deepEqual(await codesFor(files, { strict: true }), ['attestations/a.yaml:7 error expired']);
  });
  it('an attestation expiring on the instant itself no longer applies', async () => {
    assert.deepEqual(await codesFor({ 'attestations/a.yaml': `id: a\n${attestation('expires: "2026-11-29"\n')}` }), ['attestations/a.yaml:7 warning expired']);
    assert.deepEqual(await codesFor({ 'attestations/a.yaml': `id: a\n${attestation('expires: "2026-11-30"\n')}` }), []);
  });
  it('expires before attested_at', async () => {
    assert.deepEqual(await codesFor({ 'attestations/a.yaml': `id: a\n${attestation('expires: "2026-09-01"\n')}` }), [
      'attestations/a.yaml:7 error invalid-window',
    ]);
  });
  it('partial needs its condition and a justification; partial_condition only with partial', async () => {
    const partial = attestation().replace('result: met', 'result: partial');
    assert.deepEqual(await codesFor({ 'attestations/a.yaml': `id: a\n${partial}` }), [
      'attestations/a.yaml:1 error missing-key',
      'attestations/a.yaml:1 error missing-key',
    ]);
    const misplaced = attestation('partial_condition: mfa-remote-and-privileged-only\n');
    assert.deepEqual(await codesFor({ 'attestations/a.yaml': `id: a\n${misplaced}` }), ['attestations/a.yaml:7 error not-applicable-key']);
  });
  it('evidence must exist and match its sha256', async () => {
    const good = createHash('sha256').update('evidence\n').digest('hex');
    const evidence = (sha: string): string => attestation(`evidence:\n  - path: assets/e.txt\n    sha256: "${sha}"\n`);
    assert.deepEqual(await codesFor({ 'assets/e.txt': 'evidence\n', 'attestations/a.yaml': `id: a\n${evidence(good)}` }), []);
    assert.deepEqual(await codesFor({ 'assets/e.txt': 'changed\n', 'attestations/a.yaml': `id: a\n${evidence(good)}` }), [
      'attestations/a.yaml:9 error digest-mismatch',
    ]);
    assert.deepEqual(await codesFor({ 'attestations/a.yaml': `id: a\n${evidence(good)}` }), ['attestations/a.yaml:8 error missing-file']);
  });
  it('duplicate attestation ids across files, reported at both', async () => {
    const codes = await codesFor({ 'attestations/a.yaml': `id: same\n${attestation()}`, 'attestations/b.yaml': `id: same\n${attestation()}` });
    assert.deepEqual(codes, ['attestations/a.yaml:1 error duplicate-name', 'attestations/b.yaml:1 error duplicate-name']);
  });
  it('an exception must say what it covers; approved ones name the approver', async () => {
    const base = 'id: e\ntype: risk-accepted\njustification: because\n';
    assert.deepEqual(await codesFor({ 'exceptions/e.yaml': `${base}approval: {state: pending}\n` }), ['exceptions/e.yaml:1 error missing-key']);
    assert.deepEqual(await codesFor({ 'exceptions/e.yaml': `${base}controls: [AC-2]\napproval: {state: approved}\n` }), [
      'exceptions/e.yaml:5 error missing-key',
      'exceptions/e.yaml:5 error missing-key',
    ]);
  });
  it('a control statement needs a statement unless not applicable', async () => {
    assert.deepEqual(await codesFor({ 'controls/c.yaml': 'framework: nist-800-53\ncontrol: AC-2\nstatus: implemented\n' }), [
      'controls/c.yaml:1 error missing-key',
    ]);
    assert.deepEqual(
      await codesFor({ 'controls/c.yaml': 'framework: nist-800-53\ncontrol: AC-2\nstatus: not-applicable\nremarks: No wireless anywhere.\n' }),
      [],
    );
    // FedRAMP: a not-applicable control says why; a planned one says what and by when.
    assert.equal((await codesFor({ 'controls/c.yaml': 'framework: nist-800-53\ncontrol: AC-2\nstatus: not-applicable\n' })).length, 1);
    assert.equal((await codesFor({ 'controls/c.yaml': 'framework: nist-800-53\ncontrol: AC-2\nstatus: planned\nstatement: Okta.\nremarks: Q3.\n' })).length, 1);
    assert.deepEqual(
      await codesFor({
        'controls/c.yaml':
          'framework: nist-800-53\ncontrol: AC-2\nstatus: planned\nplanned_completion_date: 2027-03-31\nremarks: Q1 rollout.\nby_component:\n  okta:\n    parts: {a: Okta groups.}\n',
      }),
      [],
    );
    assert.equal((await codesFor({ 'controls/c.yaml': 'framework: nist-800-53\ncontrol: AC-2\norigination: [inherited]\nstatement: AWS.\n' })).length, 1);
  });
  it('statements name declared leveraged authorizations and roles (system: in infracast.yaml)', async () => {
    const statement =
      'framework: nist-800-53\ncontrol: PE-3\nstatus: implemented\norigination: [inherited]\ninherited_from: aws\nresponsible_roles: [ISSO, Facilities]\nstatement: AWS data centres.\n';
    // Nothing declared: the authorization is a warning (declare it), roles are not checked.
    assert.deepEqual(await codesFor({ 'controls/pe.yaml': statement }), ['controls/pe.yaml:5 warning unknown-reference']);
    const config = (system: string): string => MINIMAL_CONFIG.replace('  fips199: moderate\n', `  fips199: moderate\n${system}`);
    const declared =
      '  leveraged_authorizations: [{id: aws-east-west, name: AWS, authorization_type: jab}]\n  roles: [{id: isso, title: ISSO}, {id: facilities, title: Facilities}]\n';
    // Declared: an unknown id is an error (a broken 6.1 reference), a role matches its id or its title.
    assert.deepEqual(await codesFor({ 'infracast.yaml': config(declared), 'controls/pe.yaml': statement }), ['controls/pe.yaml:5 error unknown-reference']);
    assert.deepEqual(await codesFor({ 'infracast.yaml': config(declared), 'controls/pe.yaml': statement.replace('aws\n', 'aws-east-west\n') }), []);
    assert.deepEqual(
      await codesFor({
        'infracast.yaml': config(declared),
        'controls/pe.yaml': statement.replace('aws\n', 'aws-east-west\n').replace('Facilities', 'Facility'),
      }),
      ['controls/pe.yaml:6 warning unknown-reference'],
    );
  });

  it('inventory references resolve', async () => {
    const text = 'components:\n  - {id: a, name: A, type: compute, boundary: vpc}\n  - {id: a, name: B, type: database}\nconnections:\n  - {from: a, to: b}\n';
    assert.deepEqual(await codesFor({ 'inventory/i.yaml': text }), [
      'inventory/i.yaml:2 error unknown-reference',
      'inventory/i.yaml:3 error duplicate-id',
      'inventory/i.yaml:5 error unknown-reference',
    ]);
  });
  it('mapping framework ids are known', async () => {
    assert.deepEqual(await codesFor({ 'mappings/m.yaml': 'rules:\n  - rule: iam_*\n    controls: {nist-800-35: [AC-2]}\n' }), [
      'mappings/m.yaml:3 error unknown-framework',
    ]);
  });
  it('config: folders stay inside, time zone and regular expressions are valid', async () => {
    const config = `${MINIMAL_CONFIG}output: ../out\ntimezone: Mars/Olympus\nredaction:\n  patterns:\n    - {name: bad, regex: "([a-z"}\n`;
    assert.deepEqual(await codesFor({ 'infracast.yaml': config }), [
      'infracast.yaml:8 error outside-workspace',
      'infracast.yaml:9 error invalid-timezone',
      'infracast.yaml:12 error invalid-regex',
    ]);
  });
  it('signing that needs the network under a closed network policy warns', async () => {
    const config = `${MINIMAL_CONFIG}signing:\n  tsa_url: https://tsa.example.com\n`;
    assert.deepEqual(await codesFor({ 'infracast.yaml': config }), ['infracast.yaml:9 warning network-disabled']);
    assert.deepEqual(await codesFor({ 'infracast.yaml': `${config}network:\n  allow: true\n` }), []);
  });
  it('a PAdES level above B-B without a TSA is an error with the fix', async () => {
    const config = `${MINIMAL_CONFIG}signing:\n  pades_level: B-LT\n`;
    assert.deepEqual(await codesFor({ 'infracast.yaml': config }), ['infracast.yaml:9 error pades-level-needs-tsa']);
    const stamped = `${MINIMAL_CONFIG}signing:\n  tsa_url: https://tsa.example.com\n  pades_level: B-LTA\nnetwork:\n  allow: true\n`;
    assert.deepEqual(await codesFor({ 'infracast.yaml': stamped }), []);
    assert.deepEqual(await codesFor({ 'infracast.yaml': `${MINIMAL_CONFIG}signing:\n  pades_level: B-B\n` }), []);
    assert.deepEqual(await codesFor({ 'infracast.yaml': `${MINIMAL_CONFIG}signing:\n  pades_level: LT\n` }), ['infracast.yaml:9 error invalid-value']);
  });
  it('control statements name inventory components that exist', async () => {
    const files = {
      'inventory/i.yaml': 'components:\n  - {id: eks, name: EKS, type: container}\n',
      'controls/c.yaml': 'framework: nist-800-53\ncontrol: AC-2\nstatement: x\ncomponents: [eks, ekss]\n',
    };
    assert.deepEqual(await codesFor(files), ['controls/c.yaml:4 error unknown-reference']);
  });
  it('validate refuses a file that is not YAML', async () => {
    const root = makeWorkspace({ 'notes.md': '# notes\n' });
    await assert.rejects(validate({ paths: [`${root}/notes.md`] }), /not a YAML file/);
  });
});

describe('control ids exist in their framework (evaluation.md section 2)', () => {
  it('unknown, malformed and withdrawn ids are errors; any accepted form of a real id is fine', async () => {
    const files = {
      'attestations/a.yaml': `id: a\n${attestation().replace('["3.5.3"]', '["3.1.23", "3_5_3", "AC-2"]')}`,
      'controls/c.yaml': 'framework: nist-800-53\ncontrol: AC-3(1)\nstatement: x\n',
      'mappings/m.yaml': 'rules:\n  - rule: x\n    controls: {fedramp-moderate: [ac-2.4, ZZ-1], far-52204-21: [b.1.xv]}\n',
    };
    assert.deepEqual(await codesFor(files), [
      'attestations/a.yaml:3 error unknown-control',
      'attestations/a.yaml:3 error unknown-control',
      'controls/c.yaml:2 error unknown-control',
      'mappings/m.yaml:3 error unknown-control',
    ]);
  });
});

describe('custom catalogs (catalogs/)', () => {
  const catalog =
    'id: acme-baseline\nname: Acme Baseline\nversion: "2026.1"\ncontrols:\n  - {id: ACME-1, title: Inventory}\n  - {id: ACME-2, title: Backups}\n';
  it('declare a framework that config, definitions, attestations and mappings may name', async () => {
    const files = {
      'infracast.yaml': MINIMAL_CONFIG.replace('frameworks: [nist-800-53]', 'frameworks: [nist-800-53, acme-baseline]'),
      'catalogs/acme.yaml': catalog,
      'reports/a.yaml': 'type: framework\nframework: acme-baseline\n',
      'attestations/a.yaml': `id: a\n${attestation().replace('nist-800-171', 'acme-baseline').replace('3.5.3', 'ACME-2')}`,
    };
    assert.deepEqual(await codesFor(files), []);
  });
  it('catalogs imported from OSCAL (catalogs/<id>.json) are frameworks too', async () => {
    assert.deepEqual(
      await codesFor({ 'catalogs/fedramp-low-imported.json': '{}', 'reports/a.yaml': 'type: framework\nframework: fedramp-low-imported\n' }),
      [],
    );
  });
  it('may not reuse a built-in id, nor repeat a control id', async () => {
    const bad = catalog.replace('acme-baseline', 'soc2').replace('ACME-2', 'ACME-1');
    assert.deepEqual(await codesFor({ 'catalogs/c.yaml': bad }), ['catalogs/c.yaml:1 error duplicate-name', 'catalogs/c.yaml:6 error duplicate-id']);
  });
});
