/**
 * The OSCAL SSP against NIST's OSCAL JSON schemas (1.1.2 and 1.0.4, ../shared/fixtures) and
 * FedRAMP's rules, for acme as it is (about 20 statements) and for workspaces that state every
 * control of FedRAMP Moderate and High; then side by side with FedRAMP's own SSP OSCAL template.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { loadWorkspace } from '../../src/app/load-workspace.js';
import { oscalSspOf } from '../../src/app/oscal-ssp.js';
import { getCatalog } from '../../src/catalogs/index.js';
import type { OutputDefinition } from '../../src/model/definitions.js';
import { oscalSspProblems } from '../../src/reports/ssp-oscal-check.js';
import { oscalControlId, sspToOscal } from '../../src/reports/ssp-oscal.js';
import type { OscalVersion, SspOscalResult, SspSystemFacts } from '../../src/reports/ssp-oscal.js';
import { errorsOf, oscalValidator, scaffoldedWorkspace } from '../support/oscal-ssp.js';
import { examplesDir } from '../support/paths.js';
import { requireShared } from '../support/shared.js';

type Json = Record<string, unknown>;
const AT = '2026-12-01T00:00:00Z';
const acme = join(examplesDir, 'acme');

async function render(root: string, framework: string, version: OscalVersion, baseline?: 'moderate'): Promise<SspOscalResult> {
  const workspace = await loadWorkspace(root, { at: new Date(AT) });
  assert.deepEqual(
    workspace.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const definition = workspace.outputs.find((o) => o.type === 'ssp')!;
  return oscalSspOf(workspace, { ...definition, ...(baseline ? { baseline } : {}) } as OutputDefinition, framework, AT, version);
}

function assertValid(t: TestContext, fixtures: string, result: SspOscalResult, version: OscalVersion): void {
  const validate = oscalValidator(fixtures, version);
  const valid = validate(result.document);
  assert.ok(valid, `not valid OSCAL ${version}:\n${errorsOf(validate.errors)}`);
  t.diagnostic(`valid OSCAL ${version} (${result.json.length} bytes)`);
}

const ssp = (document: Json): Json => document['system-security-plan'] as Json;

/** Every key path of a JSON value, arrays as [] (what a document has, not what it says). */
function keyPaths(value: unknown, path = '', into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keyPaths(item, `${path}[]`, into);
  else if (value !== null && typeof value === 'object')
    for (const [key, child] of Object.entries(value)) {
      into.add(`${path}/${key}`);
      keyPaths(child, `${path}/${key}`, into);
    }
  return into;
}

describe('interop: OSCAL SSP, NIST schemas and FedRAMP rules', () => {
  it('the schemas do reject: a bad uuid (1.1.2), an SSP without security-impact-level (1.0.4 only)', async (t) => {
    const fixtures = requireShared(t, 'fixtures');
    if (!fixtures) return;
    const result = await render(acme, 'fedramp-moderate', '1.0.4');
    const broken = structuredClone(result.document);
    (ssp(broken) as Json).uuid = 'not-a-uuid';
    assert.equal(oscalValidator(fixtures, '1.1.2')(broken), false);
    const noImpact = structuredClone(result.document);
    delete (ssp(noImpact)['system-characteristics'] as Json)['security-impact-level'];
    assert.equal(oscalValidator(fixtures, '1.0.4')(noImpact), false, '1.0.4 requires security-impact-level');
    assert.equal(
      oscalValidator(
        fixtures,
        '1.1.2',
      )({ ...noImpact, 'system-security-plan': { ...ssp(noImpact), metadata: { ...(ssp(noImpact).metadata as Json), 'oscal-version': '1.1.2' } } }),
      true,
    );
  });

  it("acme as it is (FedRAMP Moderate, its statements): valid 1.1.2 and 1.0.4, FedRAMP's rules kept, the same bytes twice", async (t) => {
    const fixtures = requireShared(t, 'fixtures');
    if (!fixtures) return;
    const result = await render(acme, 'fedramp-moderate', '1.1.2');
    assertValid(t, fixtures, result, '1.1.2');
    assertValid(t, fixtures, await render(acme, 'fedramp-moderate', '1.0.4'), '1.0.4');
    const controls = getCatalog('fedramp-moderate').controls;
    // FedRAMP's rules hold but where acme's facts fall short: an inherited control whose
    // inherited_from is no leveraged authorization with a date_authorized (OSCAL requires the date;
    // without it the authorization is left out) has no leveraged-authorization-uuid, with a warning.
    const workspace = await loadWorkspace(acme, { at: new Date(AT) });
    const dated = new Set(
      ((workspace.config!.system as unknown as SspSystemFacts).leveraged_authorizations ?? []).filter((l) => l.date_authorized).map((l) => l.id),
    );
    const undated = workspace.records
      .filter((r) => r.kind === 'ControlImplementation' && Array.isArray(r.value.origination) && r.value.origination.includes('inherited'))
      .filter((r) => !dated.has(String(r.value.inherited_from)))
      .map((r) => `${oscalControlId(String(r.value.control))}: inherited without a leveraged-authorization-uuid`);
    t.diagnostic(`inherited controls without a dated leveraged authorization: ${undated.length}`);
    assert.deepEqual(oscalSspProblems(result.document, controls).sort(), undated.sort());
    assert.equal((await render(acme, 'fedramp-moderate', '1.1.2')).json, result.json);
    const stated = ((ssp(result.document)['control-implementation'] as Json)['implemented-requirements'] as Json[]).filter((r) => r.props);
    t.diagnostic(`${stated.length} stated of ${controls.length}; ${result.warnings.length} warnings`);
    assert.ok(stated.length >= 15);
    assert.equal(
      result.warnings.some((w) => w.startsWith(`${controls.length - stated.length} of 323 baseline controls have no statement`)),
      stated.length < controls.length,
    );
  });

  for (const [framework, count] of [
    ['fedramp-moderate', 323],
    ['fedramp-high', 410],
  ] as const) {
    it(`every ${framework} control stated: valid 1.1.2 and 1.0.4, FedRAMP's rules complete (${count} implemented-requirements, every parameter, every response point)`, async (t) => {
      const fixtures = requireShared(t, 'fixtures');
      if (!fixtures) return;
      const controls = getCatalog(framework).controls;
      const root = scaffoldedWorkspace(acme, controls);
      const result = await render(root, framework, '1.1.2');
      assertValid(t, fixtures, result, '1.1.2');
      assertValid(t, fixtures, await render(root, framework, '1.0.4'), '1.0.4');
      const requirements = (ssp(result.document)['control-implementation'] as Json)['implemented-requirements'] as Json[];
      assert.equal(requirements.length, count);
      assert.deepEqual(oscalSspProblems(result.document, controls, { complete: true }), []);
      assert.ok(!result.warnings.some((w) => /no statement|no value|response points/.test(w)), result.warnings.join('\n'));
      // The checker does see a broken rule.
      const broken = structuredClone(result.document);
      const first = ((ssp(broken)['control-implementation'] as Json)['implemented-requirements'] as Json[])[0]!;
      (first['set-parameters'] as Json[]).push({ 'param-id': 'xx-1_prm_1', values: ['x'] });
      first['responsible-roles'] = [{ 'role-id': 'nobody' }];
      (first.statements as Json[]).push({
        'statement-id': `${String(first['control-id'])}_smt.zz`,
        uuid: '00000000-0000-4000-8000-000000000000',
        'by-components': [],
      });
      assert.deepEqual(oscalSspProblems(broken, controls), [
        "ac-1: responsible role nobody is no user's role (system-implementation users)",
        'ac-1: responsible role nobody is not a metadata role',
        'ac-1: set-parameter xx-1_prm_1 is not a parameter of AC-1',
        'ac-1: statement ac-1_smt.zz is not a part of AC-1',
      ]);
    });
  }

  it("facts acme's schema may not state yet (a person's phone and address, a connection's transport) stay valid OSCAL", async (t) => {
    const fixtures = requireShared(t, 'fixtures');
    if (!fixtures) return;
    const workspace = await loadWorkspace(acme, { at: new Date(AT) });
    const system = workspace.config!.system as unknown as SspSystemFacts;
    for (const version of ['1.1.2', '1.0.4'] as const) {
      const result = sspToOscal(
        {
          framework: 'fedramp-moderate',
          catalog: getCatalog('fedramp-moderate'),
          implementations: new Map(),
          system: { ...system, owner: { name: 'Pat Owner', phone: '+1 202 555 0100', address: '1 Main Street, Springfield, VA 22150' } },
          inventory: [{ id: 'db', name: 'Database', type: 'database' }],
          connections: [{ from: 'app', to: 'db', protocol: 'PostgreSQL', port: 5432, transport: 'tcp' }],
          tool: 'infracast test',
          generatedAt: AT,
          cui: true,
        },
        { oscalVersion: version },
      );
      assert.ok(result.json.includes('"transport": "TCP"') && result.json.includes('"telephone-numbers"'));
      assertValid(t, fixtures, result, version);
    }
  });

  it('NIST SP 800-53 Moderate: valid 1.1.2, the NIST profile imported, rules kept', async (t) => {
    const fixtures = requireShared(t, 'fixtures');
    if (!fixtures) return;
    const result = await render(acme, 'nist-800-53', '1.1.2', 'moderate');
    assertValid(t, fixtures, result, '1.1.2');
    const controls = getCatalog('nist-800-53', { baseline: 'moderate' }).controls;
    assert.equal(controls.length, 287);
    assert.deepEqual(oscalSspProblems(result.document, controls), []);
  });

  it("side by side with FedRAMP's SSP OSCAL template: the template's statement ids are parts of our Moderate catalog; key paths compared", async (t) => {
    const fixtures = requireShared(t, 'fixtures');
    if (!fixtures) return;
    const template = JSON.parse(readFileSync(join(fixtures, 'fedramp', 'oscal', 'FedRAMP-SSP-OSCAL-Template.json'), 'utf8')) as Json;
    const controls = getCatalog('fedramp-moderate').controls;
    const byId = new Map(controls.map((c) => [oscalControlId(c.id), c]));
    const theirRequirements = (ssp(template)['control-implementation'] as Json)['implemented-requirements'] as Json[];
    const statementIds = theirRequirements.flatMap((r) =>
      ((r.statements as Json[] | undefined) ?? []).map((s) => [String(r['control-id']), String(s['statement-id'])] as const),
    );
    // 38 of the template's 74 are parts of the Rev5 baseline. The others are the "-1" controls'
    // b.1 and b.2 (SP 800-53 Rev4's numbering: Rev5 has c.1 and c.2 for the reviews), and two
    // statement ids "_smt" that name no control: the template's errors, not the catalog's.
    const notParts = statementIds.filter(([control, statement]) => !(byId.get(control)?.part_ids ?? []).includes(statement));
    t.diagnostic(`template statement ids: ${statementIds.length}, not parts of the baseline: ${notParts.length}`);
    assert.equal(statementIds.length - notParts.length, 38);
    assert.equal(notParts.filter(([control, statement]) => statement === `${control}_smt.b.1` || statement === `${control}_smt.b.2`).length, 34);
    assert.deepEqual(
      notParts.filter(([control, statement]) => !/^[a-z]{2}-1$/.test(control) || !/_smt\.b\.[12]$/.test(statement)).map(([, s]) => s),
      ['_smt', '_smt'],
    );
    // The template's set-parameters mostly use SP 800-53 release 5.0 ids (ac-2_prm_1...): 41 of its 61
    // are no parameter of the Rev5 baseline (release 5.1: ac-02_odp.01...). Of the 20 that are, 18
    // are the "-1" controls' 5.0 parameters that 5.1 keeps as aggregates, 2 the baseline's own.
    const paramIds = theirRequirements.flatMap((r) =>
      ((r.statements as Json[] | undefined) ?? []).flatMap((s) =>
        ((s['by-components'] as Json[] | undefined) ?? []).flatMap((b) =>
          ((b['set-parameters'] as Json[] | undefined) ?? []).map((p) => [String(r['control-id']), String(p['param-id'])] as const),
        ),
      ),
    );
    const known = paramIds.filter(([control, param]) => (byId.get(control)?.param_ids ?? []).includes(param));
    t.diagnostic(`template set-parameters: ${paramIds.length}, of which baseline parameter ids: ${known.length} (${known.map(([, p]) => p).join(', ')})`);
    assert.equal(paramIds.length, 61);
    assert.equal(known.length, 20);
    assert.deepEqual(
      known.filter(([control, param]) => !(byId.get(control)?.aggregate_params ?? []).includes(param)).map(([, p]) => p),
      ['ac-01_odp.05', 'ac-01_odp.07'],
    );

    // The checker on FedRAMP's own template: what it finds is what is said above, and the template
    // shows 20 of the 323 Moderate controls.
    const found = oscalSspProblems(template, controls);
    const kinds = new Map<string, number>();
    for (const problem of found) {
      const kind = problem
        .replace(/^\S+( \S*_smt\S*)?: /, '')
        .replace(/\b[a-z]{2}-\d+\S*/g, '<id>')
        .replace(/\b[A-Z]{2}-\d+\S*/g, '<ID>');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    t.diagnostic(`oscalSspProblems on the template: ${[...kinds].map(([k, n]) => `${n} x ${k}`).join('; ')}`);
    assert.equal(kinds.get('0 implemented-requirements (FedRAMP wants exactly one per baseline control)'), 303);
    assert.equal(kinds.get('statement <id> is not a part of <ID>'), 34);
    assert.equal(kinds.get('set-parameter <id> is not a parameter of <ID>'), 41);
    // And what it shows besides: UUIDs used twice (revision props, by-components), ac-1 (planned)
    // with no responsible role, a by-component role that is no user's.
    assert.equal(found.filter((p) => p.endsWith(' is used twice')).length, 4);
    assert.equal(found.length, 303 + 34 + 2 + 41 + 4 + 1 + 1);
    assert.ok(found.includes('ac-1: no responsible role'));

    const ours = (await render(scaffoldedWorkspace(acme, controls), 'fedramp-moderate', '1.0.4')).document;
    const theirPaths = keyPaths(template);
    const ourPaths = keyPaths(ours);
    const onlyTheirs = [...theirPaths].filter((p) => !ourPaths.has(p)).sort();
    const onlyOurs = [...ourPaths].filter((p) => !theirPaths.has(p)).sort();
    t.diagnostic(`key paths: template ${theirPaths.size}, ours ${ourPaths.size}, shared ${[...ourPaths].filter((p) => theirPaths.has(p)).length}`);
    t.diagnostic(`only in the template:\n${onlyTheirs.join('\n')}`);
    t.diagnostic(`only in ours:\n${onlyOurs.join('\n')}`);
    // What we write that the template does not: set-parameters where FedRAMP's guide puts them (on
    // the implemented-requirement; the template has them on this-system's by-component), and the
    // core implementation-status of each by-component (FedRAMP's AUTO-SSP: the control's value is
    // the least of its statements' and components').
    assert.deepEqual(onlyOurs, [
      '/system-security-plan/control-implementation/implemented-requirements[]/set-parameters',
      '/system-security-plan/control-implementation/implemented-requirements[]/set-parameters[]/param-id',
      '/system-security-plan/control-implementation/implemented-requirements[]/set-parameters[]/values',
      '/system-security-plan/control-implementation/implemented-requirements[]/statements[]/by-components[]/implementation-status',
      '/system-security-plan/control-implementation/implemented-requirements[]/statements[]/by-components[]/implementation-status/state',
    ]);
    // Everything FedRAMP's rules and documents.md 1.3 name is in both.
    for (const path of [
      '/system-security-plan/metadata/props[]/value',
      '/system-security-plan/import-profile/href',
      '/system-security-plan/system-characteristics/system-ids[]/identifier-type',
      '/system-security-plan/system-characteristics/props[]/ns',
      '/system-security-plan/system-characteristics/security-sensitivity-level',
      '/system-security-plan/system-characteristics/system-information/information-types[]/categorizations[]/information-type-ids',
      '/system-security-plan/system-characteristics/system-information/information-types[]/confidentiality-impact/selected',
      '/system-security-plan/system-characteristics/security-impact-level/security-objective-availability',
      '/system-security-plan/system-characteristics/status/state',
      '/system-security-plan/system-characteristics/authorization-boundary/description',
      '/system-security-plan/system-implementation/leveraged-authorizations[]/date-authorized',
      '/system-security-plan/system-implementation/users[]/role-ids',
      '/system-security-plan/system-implementation/users[]/authorized-privileges[]/functions-performed',
      '/system-security-plan/system-implementation/components[]/links[]/rel',
      '/system-security-plan/control-implementation/implemented-requirements[]/props[]/remarks',
      '/system-security-plan/control-implementation/implemented-requirements[]/responsible-roles[]/role-id',
      '/system-security-plan/control-implementation/implemented-requirements[]/statements[]/by-components[]/description',
    ])
      assert.ok(theirPaths.has(path) && ourPaths.has(path), path);
  });
});
