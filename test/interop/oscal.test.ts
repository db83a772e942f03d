/**
 * OSCAL import on real public data (../shared/fixtures): profile resolution against the
 * published resolved catalogs, and XML/JSON parity. The FedRAMP and NIST baseline profiles were
 * written for SP 800-53 release 5.1.1+, while the only full catalog available here is release
 * 5.0.1 (see fixtures/PROVENANCE.md, "Gaps"): comparisons keep to what both releases share and
 * assert the differences exactly, so that they are explained rather than hidden.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { catalogImport } from '../../src/app/catalog-import.js';
import { parseOscal, resolveProfile, walkControls } from '../../src/catalogs/oscal/index.js';
import type { OscalCatalog, OscalControl, OscalDocument, OscalPart, OscalProfile } from '../../src/catalogs/oscal/index.js';
import { canonicalControlId } from '../../src/model/control-ids.js';
import { runCli } from '../support/cli.js';
import { requireShared } from '../support/shared.js';

const cache = new Map<string, OscalDocument>();
function read(path: string): OscalDocument {
  let document = cache.get(path);
  if (!document) cache.set(path, (document = parseOscal(readFileSync(path, 'utf8'), path)));
  return document;
}
const controlsOf = (c: OscalCatalog): OscalControl[] => [...walkControls(c)].map((e) => e.control);
const allParts = (parts: OscalPart[]): OscalPart[] => parts.flatMap((p) => [p, ...allParts(p.parts)]);

function fixtures(t: TestContext): { nist: string; fedramp: string } | undefined {
  const dir = requireShared(t, 'fixtures');
  return dir ? { nist: join(dir, 'oscal', 'nist-sp800-53-rev5'), fedramp: join(dir, 'fedramp', 'oscal') } : undefined;
}

async function resolveAgainst(profilePath: string, catalogPath: string) {
  const catalog = read(catalogPath);
  return resolveProfile(read(profilePath) as OscalProfile, profilePath, async () => ({ document: catalog, location: catalogPath }));
}

describe('interop: FedRAMP rev5 LOW profile resolved against the NIST SP 800-53 5.0.1 catalog', () => {
  it('gives the published resolved catalog: same control ids in the same order, the same parameter values where the releases share parameter ids', async (t) => {
    const f = fixtures(t);
    if (!f) return;
    const profilePath = join(f.fedramp, 'FedRAMP_rev5_LOW-baseline_profile.json');
    const { catalog: ours, report } = await resolveAgainst(profilePath, join(f.nist, 'NIST_SP-800-53_rev5_catalog.json'));
    const published = read(join(f.fedramp, 'FedRAMP_rev5_LOW-baseline-resolved-profile_catalog.json')) as OscalCatalog;
    const ourControls = controlsOf(ours);
    const theirControls = controlsOf(published);
    t.diagnostic(`controls: ours ${ourControls.length}, published ${theirControls.length}`);
    assert.equal(ourControls.length, 156);
    assert.deepEqual(
      ourControls.map((c) => c.id),
      theirControls.map((c) => c.id),
    );
    assert.deepEqual(report.missingIds, []);
    assert.deepEqual(report.altersUnmatched, []);

    // Parameters. set-parameters naming a parameter the 5.0.1 catalog has must give exactly the published constraints.
    const profile = read(profilePath) as OscalProfile;
    const publishedParams = new Map(theirControls.flatMap((c) => c.params).map((p) => [p.id, p]));
    const ourParams = new Map(ourControls.flatMap((c) => c.params).map((p) => [p.id, p]));
    assert.equal(report.parametersSet.length + report.parametersUnmatched.length, profile.modify.setParameters.length);
    for (const id of report.parametersSet) {
      assert.ok(publishedParams.has(id), id);
      assert.deepEqual(ourParams.get(id)!.constraints, publishedParams.get(id)!.constraints, id);
      assert.deepEqual(ourParams.get(id)!.values, publishedParams.get(id)!.values, id);
    }
    // The others name SP 800-53 5.1 organization-defined parameters (ac-01_odp.05...), which release
    // 5.0.1 does not have (it numbers parameters ac-1_prm_N): the published catalog, resolved against
    // 5.1.1+, carries exactly the profile's constraints for each of them.
    for (const id of report.parametersUnmatched) {
      assert.match(id, /_odp/);
      assert.ok(!ourParams.has(id));
      const set = profile.modify.setParameters.find((s) => s.paramId === id)!;
      assert.deepEqual(publishedParams.get(id)?.constraints, set.constraints, id);
    }
    t.diagnostic(
      `set-parameters: ${report.parametersSet.length} applied (equal to published), ${report.parametersUnmatched.length} name 5.1 ODP ids absent from 5.0.1`,
    );

    // Adds that found no target aim at SP 800-53A assessment objectives (*_obj*), which the 5.0.1 catalog lacks.
    for (const miss of report.addsUnmatched) assert.match(miss.byId, /_obj/, `${miss.controlId} ${miss.byId}`);
    // Parts FedRAMP added (requirements and guidance, *_fr*) are there with the published title and prose.
    const theirById = new Map(theirControls.map((c) => [c.id, c]));
    let added = 0;
    for (const control of ourControls) {
      const theirParts = new Map(allParts(theirById.get(control.id)!.parts).map((p) => [p.id, p]));
      for (const part of allParts(control.parts).filter((p) => p.id?.includes('_fr'))) {
        added += 1;
        assert.equal(part.prose, theirParts.get(part.id)?.prose, part.id);
        assert.equal(part.title, theirParts.get(part.id)?.title, part.id);
      }
    }
    assert.ok(added > 50, `${added} FedRAMP parts`);
    // Titles: release 5.1 changed the capitalisation of a few titles; nothing else differs.
    const titleDiffs = ourControls.filter((c) => c.title !== theirById.get(c.id)!.title);
    for (const c of titleDiffs) assert.equal(c.title.toLowerCase(), theirById.get(c.id)!.title.toLowerCase(), c.id);
    t.diagnostic(`titles differing only in letter case (5.0.1 vs 5.1.1): ${titleDiffs.map((c) => c.id).join(', ')}`);
  });

  it('catalog import writes it into a workspace with canonical ids', async (t) => {
    const f = fixtures(t);
    if (!f) return;
    const workspace = join(mkdtempSync(join(tmpdir(), 'infracast-oscal-')), 'ws');
    assert.equal(runCli(['init', workspace]).status, 0);
    const result = await catalogImport({
      file: join(f.fedramp, 'FedRAMP_rev5_LOW-baseline_profile.json'),
      catalog: join(f.nist, 'NIST_SP-800-53_rev5_catalog.json'),
      workspace,
      id: 'fedramp-low',
    });
    assert.equal(result.controls, 156);
    assert.equal(result.withdrawn, 0);
    assert.equal(result.parametersSet, 10);
    const written = JSON.parse(readFileSync(join(workspace, 'catalogs', 'fedramp-low.json'), 'utf8'));
    assert.equal(written.controls.length, 156);
    for (const c of written.controls) assert.equal(c.id, canonicalControlId('nist-800-53', c.oscal_id));
    assert.deepEqual(
      written.metadata.imports.map((s: { file: string }) => s.file),
      ['NIST_SP-800-53_rev5_catalog.json'],
    );
  });
});

describe('interop: NIST SP 800-53B LOW baseline profile', () => {
  it('resolved against the 5.0.1 catalog selects the ids of the published LOW resolved catalog', async (t) => {
    const f = fixtures(t);
    if (!f) return;
    const { catalog: ours, report } = await resolveAgainst(
      join(f.nist, 'NIST_SP-800-53_rev5_LOW-baseline_profile.json'),
      join(f.nist, 'NIST_SP-800-53_rev5_catalog.json'),
    );
    const published = read(join(f.nist, 'NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json')) as OscalCatalog;
    assert.equal(controlsOf(ours).length, 149);
    assert.deepEqual(
      controlsOf(ours).map((c) => c.id),
      controlsOf(published).map((c) => c.id),
    );
    assert.deepEqual(report.missingIds, []);
  });
});

describe('interop: FedRAMP MODERATE resolved catalog (XML)', () => {
  it('has 323 controls, none withdrawn, and the constraints its profile (JSON) sets', async (t) => {
    const f = fixtures(t);
    if (!f) return;
    const xml = read(join(f.fedramp, 'FedRAMP_rev5_MODERATE-baseline-resolved-profile_catalog.xml')) as OscalCatalog;
    const controls = controlsOf(xml);
    assert.equal(controls.length, 323);
    assert.equal(xml.metadata.title, 'FedRAMP Rev 5 Moderate Baseline');
    const params = new Map(controls.flatMap((c) => c.params).map((p) => [p.id, p]));
    const profile = read(join(f.fedramp, 'FedRAMP_rev5_MODERATE-baseline_profile.json')) as OscalProfile;
    for (const set of profile.modify.setParameters) assert.deepEqual(params.get(set.paramId)?.constraints, set.constraints, set.paramId);
  });

  it('reads the same as the LOW resolved catalog (JSON) for the controls both baselines share', async (t) => {
    const f = fixtures(t);
    if (!f) return;
    const xml = new Map(controlsOf(read(join(f.fedramp, 'FedRAMP_rev5_MODERATE-baseline-resolved-profile_catalog.xml')) as OscalCatalog).map((c) => [c.id, c]));
    const json = controlsOf(read(join(f.fedramp, 'FedRAMP_rev5_LOW-baseline-resolved-profile_catalog.json')) as OscalCatalog);
    let parts = 0;
    let params = 0;
    for (const c of json) {
      const x = xml.get(c.id);
      assert.ok(x, c.id);
      assert.equal(c.title, x.title, c.id);
      // Parameters: labels, selections, guidelines, values (constraints differ by baseline).
      const xParams = new Map(x.params.map((p) => [p.id, p]));
      for (const p of c.params) {
        const q = xParams.get(p.id);
        assert.ok(q, p.id);
        assert.deepEqual([p.label, p.select, p.guidelines, p.values], [q.label, q.select, q.guidelines, q.values], p.id);
        params += 1;
      }
      // NIST parts (statement, guidance, assessment objectives and methods) with the same id read the same;
      // parts FedRAMP adds (*_fr*) legitimately differ between baselines.
      const xParts = new Map(allParts(x.parts).map((p) => [p.id, p]));
      for (const p of allParts(c.parts).filter((q) => q.id !== undefined && !q.id.includes('_fr'))) {
        const q = xParts.get(p.id);
        assert.ok(q, p.id);
        assert.deepEqual([p.name, p.title, p.prose], [q.name, q.title, q.prose], p.id);
        parts += 1;
      }
      // Props, except the zero-padded label that only the JSON rendering carries, and FedRAMP's response points.
      const keep = (ps: OscalControl['props']) => ps.filter((p) => p.class !== 'zero-padded' && p.ns !== 'https://fedramp.gov/ns/oscal');
      assert.deepEqual(keep(c.props), keep(x.props), c.id);
    }
    t.diagnostic(`compared ${json.length} controls, ${params} parameters, ${parts} parts`);
    assert.ok(parts > 2000);
  });
});
