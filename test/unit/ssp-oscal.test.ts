/** The OSCAL SSP writer's decisions, on small made-up inputs (schema validity: test/interop/ssp-oscal.test.ts). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadWorkspace } from '../../src/app/load-workspace.js';
import { oscalSspFileName, oscalSspOf } from '../../src/app/oscal-ssp.js';
import { isCui } from '../../src/model/cui-marking.js';
import { publishedFileNames } from '../../src/app/output-names.js';
import { getCatalog } from '../../src/catalogs/index.js';
import { controlImplementationOf } from '../../src/model/control-implementation.js';
import type { ControlImplementation } from '../../src/model/control-implementation.js';
import { URL_NAMESPACE, uuidV5 } from '../../src/model/uuid-v5.js';
import { oscalSspProblems } from '../../src/reports/ssp-oscal-check.js';
import { componentListing, oscalControlId, sspToOscal, statementPartId } from '../../src/reports/ssp-oscal.js';
import type { SspOscalInput } from '../../src/reports/ssp-oscal.js';
import { examplesDir } from '../support/paths.js';

type Json = Record<string, unknown>;
const catalog = getCatalog('fedramp-low');
const statement = (value: Json): ControlImplementation => controlImplementationOf({ framework: 'nist-800-53', ...value });

function input(statements: Json[], system: Partial<SspOscalInput['system']> = {}): SspOscalInput {
  return {
    framework: 'fedramp-low',
    catalog,
    implementations: new Map(statements.map((s) => [String(s.control), { ...statement(s), location: `controls/x.yaml:${String(s.control)}` }])),
    system: { name: 'Test System', id: 'F0000000001', fips199: 'low', csp_name: 'Test CSP', ...system },
    inventory: [
      { id: 'db', name: 'Database', type: 'database' },
      { id: 'staff', name: 'Staff', type: 'user' },
    ],
    tool: 'infracast 0.0.0-test',
    generatedAt: '2026-12-01T00:00:00Z',
    cui: false,
  };
}
const ssp = (result: { document: Json }): Json => result.document['system-security-plan'] as Json;
const requirements = (result: { document: Json }): Json[] => (ssp(result)['control-implementation'] as Json)['implemented-requirements'] as Json[];
const requirement = (result: { document: Json }, id: string): Json => requirements(result).find((r) => r['control-id'] === id)!;
const props = (node: Json): Json[] => (node.props as Json[] | undefined) ?? [];

const AC2 = {
  control: 'AC-2',
  status: 'partial',
  remarks: 'Reviews are not automated yet.',
  origination: ['service-provider-system-specific', 'configured-by-customer'],
  responsible_roles: ['System Owner', 'Cloud Platform Team'],
  parameters: { 'ac-02_odp.01': 'approval by the ISSO', 'ac-02_odp.99': 'no such parameter' },
  parts: { a: 'Account types are listed.', 'ac-2_smt.b': 'Managers are assigned.', zz: 'No such part.' },
  by_component: { db: { parts: { c: 'Database accounts follow roles.' } }, ghost: { statement: 'Not in the inventory.' } },
};

describe('name-based UUIDs (RFC 4122 version 5)', () => {
  it('gives the UUIDs of the RFC namespaces that Python uuid.uuid5 gives', () => {
    assert.equal(uuidV5(URL_NAMESPACE, 'https://www.example.com/'), '3d3ed9d2-aa3d-5fa6-90e8-ed662e90f559');
    assert.equal(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org'), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });
});

describe('sspToOscal', () => {
  it('writes one implemented-requirement per baseline control, in baseline order; a control without a statement has no status and a remark', () => {
    const result = sspToOscal(input([AC2]), { oscalVersion: '1.1.2' });
    assert.deepEqual(
      requirements(result).map((r) => r['control-id']),
      catalog.controls.map((c) => oscalControlId(c.id)),
    );
    const ac1 = requirement(result, 'ac-1');
    assert.equal(ac1.props, undefined);
    assert.match(String(ac1.remarks), /No implementation statement: controls\/ has none for AC-1/);
    assert.ok(result.warnings.some((w) => w.startsWith(`${catalog.controls.length - 1} of ${catalog.controls.length} baseline controls have no statement`)));
  });

  it('a statement: FedRAMP status with its remark, originations, set-parameters (the statement, then FedRAMP), statements per part and per component', () => {
    const result = sspToOscal(input([AC2]), { oscalVersion: '1.1.2' });
    const ac2 = requirement(result, 'ac-2');
    assert.deepEqual(props(ac2), [
      { name: 'implementation-status', ns: 'https://fedramp.gov/ns/oscal', value: 'partial', remarks: 'Reviews are not automated yet.' },
      { name: 'control-origination', ns: 'https://fedramp.gov/ns/oscal', value: 'sp-system' },
      { name: 'control-origination', ns: 'https://fedramp.gov/ns/oscal', value: 'customer-configured' },
    ]);
    const params = ac2['set-parameters'] as Json[];
    assert.deepEqual(params[0], { 'param-id': 'ac-02_odp.01', values: ['approval by the ISSO'] });
    // FedRAMP Low sets ac-02_odp.06 ("twenty-four (24) hours"): its value when the statement has none.
    assert.deepEqual(
      params.find((p) => p['param-id'] === 'ac-02_odp.06'),
      { 'param-id': 'ac-02_odp.06', values: [catalog.controls.find((c) => c.id === 'AC-2')!.parameters!['ac-02_odp.06']] },
    );
    assert.ok(result.warnings.some((w) => w.includes('AC-2 has no parameter ac-02_odp.99')));
    const statements = ac2.statements as Json[];
    assert.deepEqual(
      statements.map((s) => s['statement-id']),
      ['ac-2_smt.a', 'ac-2_smt.b', 'ac-2_smt.c'],
    );
    const thisSystem = (ssp(result)['system-implementation'] as Json).components as Json[];
    const uuidOf = (type: string, title?: string): unknown => thisSystem.find((c) => c.type === type && (!title || c.title === title))!.uuid;
    assert.equal((statements[0]!['by-components'] as Json[])[0]!['component-uuid'], uuidOf('this-system'));
    assert.equal((statements[2]!['by-components'] as Json[])[0]!['component-uuid'], uuidOf('service', 'Database'));
    assert.deepEqual((statements[2]!['by-components'] as Json[])[0]!['implementation-status'], { state: 'partial' });
    assert.ok(result.warnings.some((w) => w.includes('AC-2 has no part zz (ac-2_smt.zz)')));
    assert.ok(result.warnings.some((w) => w.includes('by_component names "ghost"')));
    // A component listed without text of its own: on the control as a whole, with the text a reader recognises.
    const listedOnly = sspToOscal(input([{ ...AC2, components: ['db'], by_component: {} }]), { oscalVersion: '1.1.2' });
    assert.deepEqual(
      (requirement(listedOnly, 'ac-2')['by-components'] as Json[]).map((b) => [b['component-uuid'], b.description]),
      [[uuidOf('service', 'Database'), componentListing('Database', 'AC-2')]],
    );
    // Inventory users are people, not components.
    assert.ok(!thisSystem.some((c) => c.title === 'Staff'));
  });

  it('responsible roles: FedRAMP role words map to FedRAMP role ids, unknown ones become roles and users with a warning; every responsible role is a user', () => {
    const result = sspToOscal(input([AC2]), { oscalVersion: '1.1.2' });
    assert.deepEqual(requirement(result, 'ac-2')['responsible-roles'], [{ 'role-id': 'system-owner' }, { 'role-id': 'cloud-platform-team' }]);
    const users = (ssp(result)['system-implementation'] as Json).users as Json[];
    assert.deepEqual(
      users.map((u) => u['role-ids']),
      [['system-owner'], ['cloud-platform-team']],
    );
    assert.ok(result.warnings.some((w) => w.includes('responsible role "Cloud Platform Team" (controls/x.yaml:AC-2) is not in system.roles')));
    assert.deepEqual(oscalSspProblems(result.document, catalog.controls), []);
  });

  it('inherited: the leveraged authorization named by id gives leveraged-authorization-uuid; an unknown one is a warning', () => {
    const leveraged = [{ id: 'cloud', name: 'Cloud Inc', authorization_type: 'jab' as const, date_authorized: '2020-01-01' }];
    const inherited = {
      control: 'PE-3',
      status: 'implemented',
      origination: ['inherited'],
      inherited_from: 'cloud',
      responsible_roles: ['isso'],
      statement: 'Inherited.',
    };
    const undated = { id: 'old', name: 'Old Cloud', authorization_type: 'agency' as const };
    const statements = [inherited, { ...inherited, control: 'PE-2', inherited_from: 'other' }, { ...inherited, control: 'PE-6', inherited_from: 'old' }];
    const result = sspToOscal(input(statements, { leveraged_authorizations: [...leveraged, undated] }), { oscalVersion: '1.1.2' });
    assert.equal(((ssp(result)['system-implementation'] as Json)['leveraged-authorizations'] as Json[]).length, 1);
    assert.ok(
      result.warnings.includes(
        '1 inherited controls name leveraged authorization "old", which has no date_authorized: they have no leveraged-authorization-uuid (PE-6)',
      ),
    );
    const la = ((ssp(result)['system-implementation'] as Json)['leveraged-authorizations'] as Json[])[0]!;
    assert.deepEqual(props(requirement(result, 'pe-3')).at(-1), { name: 'leveraged-authorization-uuid', ns: 'https://fedramp.gov/ns/oscal', value: la.uuid });
    assert.ok(result.warnings.some((w) => w.includes('inherited_from "other" is not a leveraged authorization')));
    assert.deepEqual(oscalSspProblems(result.document, catalog.controls), [
      'pe-2: inherited without a leveraged-authorization-uuid',
      'pe-6: inherited without a leveraged-authorization-uuid',
    ]);
  });

  it('a "-1" control originated elsewhere than the service provider: a warning, and a broken FedRAMP rule', () => {
    const ac1 = { control: 'AC-1', status: 'implemented', origination: ['shared'], responsible_roles: ['isso'], statement: 'Policy.' };
    const result = sspToOscal(input([ac1]), { oscalVersion: '1.1.2' });
    assert.ok(result.warnings.some((w) => w.includes('AC-1 is a "-1" control')));
    assert.deepEqual(oscalSspProblems(result.document, catalog.controls), [
      'ac-1: control-origination customer-configured: a "-1" control is sp-corporate or sp-system',
    ]);
  });

  it('remarks: on the FedRAMP status of a control not implemented (else its label), on the requirement of an implemented one', () => {
    const result = sspToOscal(
      input([
        { control: 'AC-3', status: 'implemented', remarks: 'Reviewed yearly.', responsible_roles: ['isso'], statement: 'Enforced.' },
        {
          control: 'AC-7',
          status: 'planned',
          planned_completion_date: '2027-01-31',
          remarks: 'Lockout in Q1.',
          responsible_roles: ['isso'],
          statement: 'Planned.',
        },
        { control: 'AC-8', status: 'alternative', responsible_roles: ['isso'], statement: 'Other banner.' },
      ]),
      { oscalVersion: '1.1.2' },
    );
    assert.equal(requirement(result, 'ac-3').remarks, 'Reviewed yearly.');
    assert.deepEqual(props(requirement(result, 'ac-7')).slice(0, 2), [
      { name: 'planned-completion-date', ns: 'https://fedramp.gov/ns/oscal', value: '2027-01-31' },
      { name: 'implementation-status', ns: 'https://fedramp.gov/ns/oscal', value: 'planned', remarks: 'Lockout in Q1.' },
    ]);
    assert.equal(requirement(result, 'ac-7').remarks, undefined);
    assert.equal(props(requirement(result, 'ac-8'))[0]!.remarks, 'Alternative Implementation');
  });

  it('is deterministic, and changing one statement changes only its own implemented-requirement', () => {
    const a = sspToOscal(input([AC2]), { oscalVersion: '1.1.2' });
    assert.equal(sspToOscal(input([AC2]), { oscalVersion: '1.1.2' }).json, a.json);
    const b = sspToOscal(input([{ ...AC2, parts: { ...AC2.parts, a: 'Changed.' } }]), { oscalVersion: '1.1.2' });
    const changed = requirements(a).filter((r, i) => JSON.stringify(r) !== JSON.stringify(requirements(b)[i]));
    assert.deepEqual(
      changed.map((r) => r['control-id']),
      ['ac-2'],
    );
    assert.deepEqual(ssp(a).metadata, ssp(b).metadata);
  });

  it('marks a CUI document; states the OSCAL version asked for', () => {
    const plain = sspToOscal(input([]), { oscalVersion: '1.0.4' });
    assert.equal((ssp(plain).metadata as Json).props, undefined);
    assert.equal((ssp(plain).metadata as Json)['oscal-version'], '1.0.4');
    const cui = sspToOscal({ ...input([]), cui: true }, { oscalVersion: '1.1.2' });
    assert.deepEqual((ssp(cui).metadata as Json).props, [{ name: 'marking', value: 'Controlled Unclassified Information' }]);
    assert.equal(isCui({ banner: 'CUI', categories: ['ISVI'] }), true);
    assert.equal(isCui('CUI//SP-CTI'), true);
    assert.equal(isCui({ banner: 'UNCLASSIFIED' }), false);
    assert.equal(isCui(undefined), false);
  });

  it('missing system facts are visible gaps with warnings, never invented', () => {
    const result = sspToOscal(input([], { csp_name: undefined }), { oscalVersion: '1.1.2' });
    const characteristics = ssp(result)['system-characteristics'] as Json;
    assert.deepEqual(characteristics.status, {
      state: 'other',
      remarks: "[Not stated: the system's operational status. Add system.status to infracast.yaml.]",
    });
    assert.match(String((characteristics['authorization-boundary'] as Json).description), /^\[Not stated: the authorization boundary/);
    for (const field of ['system.csp_name', 'system.status', 'system.information_types', 'system.authorization_boundary', 'system.description', 'system.owner'])
      assert.ok(
        result.warnings.some((w) => w.includes(field)),
        field,
      );
  });

  it("a responsible role the workspace names a person for cites the person's party; a component lists the protocols and ports of the connections to it", () => {
    const owner = { name: 'Pat Owner', email: 'pat@example.com', phone: '+1 202 555 0100', address: '1 Main Street, Springfield, VA 22150' };
    const connections = [
      { from: 'staff', to: 'db', protocol: 'PostgreSQL', port: 5432, transport: 'tcp' as const },
      { from: 'app', to: 'db', protocol: 'PostgreSQL', port: 5432 },
      { from: 'app', to: 'db', protocol: 'HTTPS' },
    ];
    const result = sspToOscal({ ...input([AC2], { owner }), connections }, { oscalVersion: '1.1.2' });
    const party = ((ssp(result).metadata as Json).parties as Json[]).find((p) => p.name === 'Pat Owner')!;
    assert.deepEqual((requirement(result, 'ac-2')['responsible-roles'] as Json[])[0], { 'role-id': 'system-owner', 'party-uuids': [party.uuid] });
    assert.deepEqual(party['telephone-numbers'], [{ number: '+1 202 555 0100' }]);
    assert.deepEqual(party.addresses, [{ 'addr-lines': ['1 Main Street, Springfield, VA 22150'] }]);
    const db = ((ssp(result)['system-implementation'] as Json).components as Json[]).find((c) => c.title === 'Database')!;
    assert.deepEqual(
      (db.protocols as Json[]).map(({ uuid: _uuid, ...rest }) => rest),
      [
        { name: 'PostgreSQL', 'port-ranges': [{ start: 5432, end: 5432, transport: 'TCP' }] },
        { name: 'PostgreSQL', 'port-ranges': [{ start: 5432, end: 5432 }] },
        { name: 'HTTPS' },
      ],
    );
  });

  it('part keys: a letter, a nested item, or the catalog id', () => {
    assert.equal(statementPartId('ac-2', 'a'), 'ac-2_smt.a');
    assert.equal(statementPartId('ac-2', 'd.1'), 'ac-2_smt.d.1');
    assert.equal(statementPartId('ac-2', 'ac-2_smt.h'), 'ac-2_smt.h');
    assert.equal(oscalControlId('AC-2(12)'), 'ac-2.12');
  });
});

describe('oscalSspOf (workspace)', () => {
  it('acme: <name>.oscal.json; frameworks without a published OSCAL profile (SP 800-171, SP 800-53 without a baseline) are refused with a hint', async () => {
    const workspace = await loadWorkspace(join(examplesDir, 'acme'), { at: new Date('2026-12-01T00:00:00Z') });
    const definition = workspace.outputs.find((o) => o.type === 'ssp')!;
    assert.equal(oscalSspFileName(definition.outputName), 'fedramp-moderate-ssp.oscal.json');
    const names = publishedFileNames({ ...definition, formats: ['oscal'] });
    for (const name of ['fedramp-moderate-ssp.oscal.json', 'fedramp-moderate-ssp.oscal.json.sigstore.json', 'fedramp-moderate-ssp.oscal.json.p7s'])
      assert.ok(names.includes(name), name);
    assert.ok(!names.includes('fedramp-moderate-ssp.oscal'));
    assert.throws(() => oscalSspOf(workspace, definition, 'nist-800-171', '2026-12-01T00:00:00Z'), /no published OSCAL baseline profile/);
    assert.throws(
      () => oscalSspOf(workspace, definition, 'nist-800-53', '2026-12-01T00:00:00Z'),
      (e: Error & { hints?: string[] }) => (e.hints ?? []).some((h) => h.includes('baseline: low')),
    );
    const result = oscalSspOf(workspace, { ...definition, baseline: 'moderate' }, 'nist-800-53', '2026-12-01T00:00:00Z');
    assert.match(String((ssp(result)['import-profile'] as Json).href), /NIST_SP-800-53_rev5_MODERATE-baseline_profile\.json$/);
    // No FedRAMP namespace outside FedRAMP baselines.
    assert.ok(!result.json.includes('https://fedramp.gov/ns/oscal'));
  });
});
