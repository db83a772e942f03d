import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveProfile, walkControls } from '../../src/catalogs/oscal/index.js';
import type { OscalCatalog, OscalControl, OscalProfile } from '../../src/catalogs/oscal/index.js';
import { TINY_CATALOG, doc, loaderOf, profileJson } from '../support/oscal.js';

const catalog = doc(TINY_CATALOG);

async function resolve(body: Record<string, unknown>, extra: Record<string, ReturnType<typeof doc>> = {}) {
  const profile = doc(profileJson(body)) as OscalProfile;
  return resolveProfile(profile, 'profile.json', loaderOf({ 'catalog.json': catalog, ...extra }));
}
const ids = (c: OscalCatalog): string[] => [...walkControls(c)].map((e) => e.control.id);
const control = (c: OscalCatalog, id: string): OscalControl => [...walkControls(c)].find((e) => e.control.id === id)!.control;
const imports = (selection: Record<string, unknown>) => [{ href: 'catalog.json', ...selection }];

describe('profile resolution: selection', () => {
  it('include-all keeps every control in catalog order', async () => {
    const { catalog: out } = await resolve({});
    assert.deepEqual(ids(out), ['xx-1', 'xx-1.1', 'xx-1.2', 'xx-2', 'xx-10', 'yy-1', 'yy-1.1']);
  });
  it('with-ids selects exactly those ids, in catalog order, without child controls by default', async () => {
    const { catalog: out, report } = await resolve({ imports: imports({ 'include-controls': [{ 'with-ids': ['xx-2', 'xx-1', 'zz-9'] }] }) });
    assert.deepEqual(ids(out), ['xx-1', 'xx-2']);
    assert.deepEqual(report.missingIds, ['zz-9']);
  });
  it('with-child-controls: yes brings the enhancements', async () => {
    const { catalog: out } = await resolve({ imports: imports({ 'include-controls': [{ 'with-ids': ['yy-1'], 'with-child-controls': 'yes' }] }) });
    assert.deepEqual(ids(out), ['yy-1', 'yy-1.1']);
  });
  it('matching takes glob patterns', async () => {
    const { catalog: out } = await resolve({ imports: imports({ 'include-controls': [{ matching: [{ pattern: 'xx-1*' }] }] }) });
    assert.deepEqual(ids(out), ['xx-1', 'xx-1.1', 'xx-1.2', 'xx-10']);
    const { catalog: one } = await resolve({ imports: imports({ 'include-controls': [{ matching: [{ pattern: 'xx-?' }] }] }) });
    assert.deepEqual(ids(one), ['xx-1', 'xx-2']);
  });
  it('exclude-controls removes after including', async () => {
    const { catalog: out } = await resolve({
      imports: imports({
        'include-all': {},
        'exclude-controls': [{ 'with-ids': ['xx-1'], 'with-child-controls': 'yes' }, { matching: [{ pattern: 'yy-*' }] }],
      }),
    });
    assert.deepEqual(ids(out), ['xx-2', 'xx-10']);
  });
  it('a selected enhancement of an unselected control moves up; as-is keeps groups, flat drops them', async () => {
    const selection = { 'include-controls': [{ 'with-ids': ['xx-1.1', 'yy-1'] }] };
    const { catalog: asIs } = await resolve({ imports: imports(selection), merge: { 'as-is': true } });
    assert.deepEqual(
      asIs.groups.map((g) => [g.id, g.controls.map((c) => c.id)]),
      [
        ['xx', ['xx-1.1']],
        ['yy', ['yy-1']],
      ],
    );
    const { catalog: flat } = await resolve({ imports: imports(selection), merge: { flat: {} } });
    assert.equal(flat.groups.length, 0);
    assert.deepEqual(
      flat.controls.map((c) => c.id),
      ['xx-1.1', 'yy-1'],
    );
  });
});

describe('profile resolution: set-parameters', () => {
  it('sets values, label, select; adds constraints and guidelines; reports unknown ids', async () => {
    const { catalog: out, report } = await resolve({
      modify: {
        'set-parameters': [
          {
            'param-id': 'xx-1_prm_1',
            values: ['daily'],
            label: 'a better thing',
            constraints: [{ description: 'at least daily' }],
            guidelines: [{ prose: 'Say how often.' }],
          },
          { 'param-id': 'xx-1_prm_2', select: { 'how-many': 'one', choice: ['blue'] } },
          { 'param-id': 'nope_odp.01', values: ['x'] },
        ],
      },
    });
    const [p1, p2] = control(out, 'xx-1').params;
    assert.deepEqual(p1!.values, ['daily']);
    assert.equal(p1!.label, 'a better thing');
    assert.deepEqual(p1!.constraints, [{ description: 'at least daily', tests: [] }]);
    assert.deepEqual(p1!.guidelines, ['Say how often.']);
    assert.deepEqual(p2!.select, { howMany: 'one', choice: ['blue'] });
    assert.deepEqual(report.parametersSet, ['xx-1_prm_1', 'xx-1_prm_2']);
    assert.deepEqual(report.parametersUnmatched, ['nope_odp.01']);
    // The source catalog is not changed by resolution.
    assert.deepEqual(control(catalog as OscalCatalog, 'xx-1').params[0]!.values, []);
  });
});

describe('profile resolution: alters', () => {
  const part = (id: string) => ({ id, name: 'item', prose: `Added ${id}.` });
  const alter = async (adds: unknown[], removes: unknown[] = []) => {
    const { catalog: out, report } = await resolve({ modify: { alters: [{ 'control-id': 'xx-1', adds, removes }] } });
    return { c: control(out, 'xx-1'), report };
  };
  const smtIds = (c: OscalControl): string[] => c.parts[0]!.parts.map((p) => p.id!);

  it('adds at the control: starting and ending', async () => {
    const { c } = await alter([
      { position: 'starting', props: [{ name: 'first', value: '1' }] },
      { position: 'ending', parts: [part('xx-1_new')] },
    ]);
    assert.equal(c.props[0]!.name, 'first');
    assert.equal(c.parts.at(-1)!.id, 'xx-1_new');
  });
  it('adds before and after a part, by id', async () => {
    const { c } = await alter([
      { position: 'before', 'by-id': 'xx-1_smt.b', parts: [part('xx-1_smt.ab')] },
      { position: 'after', 'by-id': 'xx-1_smt.b', parts: [part('xx-1_smt.c')] },
    ]);
    assert.deepEqual(smtIds(c), ['xx-1_smt.a', 'xx-1_smt.ab', 'xx-1_smt.b', 'xx-1_smt.c']);
  });
  it('adds starting and ending inside a part, by id; ending is the default', async () => {
    const { c } = await alter([
      { position: 'starting', 'by-id': 'xx-1_smt', parts: [part('xx-1_fr_0')] },
      { 'by-id': 'xx-1_smt', parts: [part('xx-1_fr')] },
      { position: 'starting', 'by-id': 'xx-1_smt.a', props: [{ name: 'response-point', value: 'yes' }] },
    ]);
    assert.deepEqual(smtIds(c), ['xx-1_fr_0', 'xx-1_smt.a', 'xx-1_smt.b', 'xx-1_fr']);
    assert.equal(c.parts[0]!.parts[1]!.props[0]!.name, 'response-point');
  });
  it('reports adds whose target is missing, and alters of unselected controls', async () => {
    const { report } = await alter([{ position: 'starting', 'by-id': 'xx-1_obj.a-1', props: [{ name: 'p', value: 'v' }] }]);
    assert.deepEqual(report.addsUnmatched, [{ controlId: 'xx-1', byId: 'xx-1_obj.a-1' }]);
    const { report: r2 } = await resolve({
      imports: imports({ 'include-controls': [{ 'with-ids': ['xx-2'] }] }),
      modify: { alters: [{ 'control-id': 'xx-1', adds: [{ parts: [part('q')] }] }] },
    });
    assert.deepEqual(r2.altersUnmatched, ['xx-1']);
  });
  it('removes by id, by name, by class and by item name', async () => {
    assert.deepEqual(smtIds((await alter([], [{ 'by-id': 'xx-1_smt.a' }])).c), ['xx-1_smt.b']);
    assert.deepEqual(
      (await alter([], [{ 'by-name': 'guidance' }])).c.parts.map((p) => p.name),
      ['statement'],
    );
    assert.deepEqual(smtIds((await alter([], [{ 'by-class': 'extra' }])).c), ['xx-1_smt.a']);
    const { c, report } = await alter([], [{ 'by-item-name': 'param' }]);
    assert.equal(c.params.length, 0);
    assert.equal(report.removesApplied, 2);
    assert.equal((await alter([], [{ 'by-id': 'nothing' }])).report.removesUnmatched.length, 1);
  });
});

describe('profile resolution: a profile importing a profile', () => {
  it('resolves the inner profile first, then applies the outer selection and modifications', async () => {
    const inner = doc(
      profileJson({
        imports: imports({ 'include-controls': [{ 'with-ids': ['xx-1', 'xx-2', 'yy-1'] }] }),
        modify: { 'set-parameters': [{ 'param-id': 'xx-1_prm_1', values: ['weekly'] }] },
      }),
    );
    const outer = doc(
      profileJson({
        imports: [{ href: '#11111111-1111-4111-8111-111111111111', 'include-controls': [{ 'with-ids': ['xx-1', 'yy-1', 'xx-10'] }] }],
        modify: { 'set-parameters': [{ 'param-id': 'xx-1_prm_2', values: ['red'] }] },
        'back-matter': { resources: [{ uuid: '11111111-1111-4111-8111-111111111111', rlinks: [{ href: 'inner.json' }] }] },
      }),
    ) as OscalProfile;
    const { catalog: out, report } = await resolveProfile(outer, 'outer.json', loaderOf({ 'catalog.json': catalog, 'inner.json': inner }));
    assert.deepEqual(ids(out), ['xx-1', 'yy-1']);
    assert.deepEqual(report.missingIds, ['xx-10']);
    assert.deepEqual(
      control(out, 'xx-1').params.map((p) => p.values),
      [['weekly'], ['red']],
    );
    assert.deepEqual(
      report.sources.map((s) => [s.location, s.kind, s.depth]),
      [
        ['outer.json', 'profile', 0],
        ['inner.json', 'profile', 1],
        ['catalog.json', 'catalog', 2],
      ],
    );
  });
  it('refuses an import cycle', async () => {
    const self = doc(profileJson({}, 'self.json')) as OscalProfile;
    await assert.rejects(resolveProfile(self, 'self.json', loaderOf({ 'self.json': self })), (e: { code?: string }) => e.code === 'CATALOG_INVALID');
  });
});
