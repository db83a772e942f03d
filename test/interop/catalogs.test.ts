/**
 * The committed catalog data (src/catalogs/data) against the fixtures it is generated from: the id
 * sets re-derived here from the source files, independently of scripts/build-catalogs.js, and the
 * script's own --check (the committed files are exactly what it writes).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { getCatalog } from '../../src/catalogs/index.js';
import { loadCatalogData } from '../../src/catalogs/catalog.js';
import { catalogDataDir } from '../../src/catalogs/index.js';
import { canonicalControlId } from '../../src/model/control-ids.js';
import { repoRoot } from '../support/paths.js';
import { requireShared } from '../support/shared.js';

const json = (dir: string, rel: string): any => JSON.parse(readFileSync(join(dir, rel), 'utf8'));
const csvRows = (dir: string, rel: string): string[][] =>
  readFileSync(join(dir, rel), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => m[1]!.replace(/^"|"$/g, '')));
const sorted = (ids: Iterable<string>): string[] => [...ids].sort();
const canon = (framework: string, raw: string): string => {
  const id = canonicalControlId(framework, raw);
  assert.ok(id, `${framework}: ${raw} does not parse`);
  return id;
};
const allIds = (framework: string): string[] => loadCatalogData(catalogDataDir(), framework)!.controls.map((c) => c.id);

describe('interop: built-in catalogs against ../shared/fixtures', () => {
  it('nist-800-53: ids and withdrawn flags of the 5.0.1 catalog; baselines of the 5.1.1 profiles', (t) => {
    const dir = requireShared(t, 'fixtures/oscal/nist-sp800-53-rev5');
    if (!dir) return;
    const all: string[] = [];
    const active: string[] = [];
    const walk = (node: any): void => {
      for (const c of node.controls ?? []) {
        all.push(canon('nist-800-53', c.id));
        if (!(c.props ?? []).some((p: any) => p.name === 'status' && p.value === 'withdrawn')) active.push(canon('nist-800-53', c.id));
        walk(c);
      }
      for (const g of node.groups ?? []) walk(g);
    };
    walk(json(dir, 'NIST_SP-800-53_rev5_catalog.json').catalog);
    assert.equal(all.length, 1189);
    assert.deepEqual(sorted(allIds('nist-800-53')), sorted(all));
    assert.deepEqual(sorted(getCatalog('nist-800-53').controls.map((c) => c.id)), sorted(active));
    for (const level of ['low', 'moderate', 'high'] as const) {
      const profile = json(dir, `NIST_SP-800-53_rev5_${level.toUpperCase()}-baseline_profile.json`).profile;
      const withIds: string[] = profile.imports[0]['include-controls'][0]['with-ids'];
      assert.deepEqual(sorted(getCatalog('nist-800-53', { baseline: level }).controls.map((c) => c.id)), sorted(withIds.map((id) => canon('nist-800-53', id))));
    }
  });
  it('fedramp-low/moderate/high: the profiles and resolved catalogs (JSON or XML)', (t) => {
    const dir = requireShared(t, 'fixtures/fedramp/oscal');
    if (!dir) return;
    for (const level of ['low', 'moderate', 'high'] as const) {
      const LEVEL = level.toUpperCase();
      const profile = json(dir, `FedRAMP_rev5_${LEVEL}-baseline_profile.json`).profile;
      const withIds: string[] = profile.imports[0]['include-controls'][0]['with-ids'];
      const expected = sorted(withIds.map((id) => canon('nist-800-53', id)));
      assert.deepEqual(sorted(getCatalog(`fedramp-${level}`).controls.map((c) => c.id)), expected);
      const file =
        level === 'low' ? `FedRAMP_rev5_${LEVEL}-baseline-resolved-profile_catalog.json` : `FedRAMP_rev5_${LEVEL}-baseline-resolved-profile_catalog.xml`;
      const text: string = readFileSync(join(dir, file), 'utf8');
      const resolved: string[] = file.endsWith('.xml')
        ? [...text.matchAll(/<control\b[^>]*\bid="([^"]+)"/g)].map((m) => m[1]!)
        : [...text.matchAll(/"id":\s*"([a-z]{2}-\d+(?:\.\d+)?)"/g)].map((m) => m[1]!).filter((id, i, a) => a.indexOf(id) === i);
      assert.deepEqual(sorted(resolved.map((id) => canon('nist-800-53', id))), expected, `${file}`);
      // Every set-parameters entry of the profile appears as a parameter of its control.
      const recorded = new Set(getCatalog(`fedramp-${level}`).controls.flatMap((c) => Object.keys(c.parameters ?? {})));
      for (const sp of profile.modify['set-parameters']) assert.ok(recorded.has(sp['param-id']), `${level}: ${sp['param-id']}`);
    }
  });
  it('nist-800-171, far-52204-21, cmmc-l1, cmmc-l2: the SPRS, FAR and CMMC CSVs', (t) => {
    const dir = requireShared(t, 'fixtures');
    if (!dir) return;
    const sprs = csvRows(dir, 'sprs/nist-800-171r2-sprs-points.csv');
    assert.deepEqual(
      allIds('nist-800-171'),
      sprs.map((r) => r[0]),
    );
    for (const r of sprs) {
      const c = getCatalog('nist-800-171').controls.find((x) => x.id === r[0])!;
      assert.equal(c.points === undefined ? 'NA' : String(c.points), r[2], r[0]);
      assert.equal(c.designation, r[4]);
    }
    const far = csvRows(dir, 'far/far-52.204-21-nist-800-171r2-mapping.csv');
    assert.deepEqual(
      allIds('far-52204-21'),
      far.map((r) => canon('far-52204-21', r[0]!)),
    );
    assert.deepEqual(
      getCatalog('far-52204-21').controls.map((c) => c.maps_to!.join(';')),
      far.map((r) => r[2]),
    );
    const cmmc = csvRows(dir, 'cmmc/cmmc_2.13_controls_by_control.csv');
    assert.deepEqual(
      allIds('cmmc-l1'),
      cmmc.filter((r) => r[2] === '1').map((r) => r[4]),
    );
    assert.deepEqual(
      allIds('cmmc-l2'),
      cmmc.filter((r) => r[2] === '2').map((r) => r[4]),
    );
  });
  it('prowler mappings: every requirement with checks is represented', (t) => {
    const dir = requireShared(t, 'fixtures/mappings/prowler');
    if (!dir) return;
    const m171 = json(dir, 'nist_800_171_revision_2_aws.json');
    const ours = json(catalogDataDir(), 'mappings/prowler-nist-800-171.json').checks as Record<string, string[]>;
    for (const req of m171.Requirements) {
      for (const check of req.Checks) assert.ok(ours[check]?.includes(canon('nist-800-171', req.Id)), `${check} -> ${req.Id}`);
    }
    const checks53 = new Set<string>(json(dir, 'nist_800_53_revision_5_aws.json').Requirements.flatMap((r: any) => r.Checks));
    assert.deepEqual(sorted(Object.keys(json(catalogDataDir(), 'mappings/prowler-nist-800-53.json').checks)), sorted(checks53));
  });
  it('node scripts/build-catalogs.js --check: the committed data is what the script writes', (t) => {
    if (!requireShared(t, 'fixtures')) return;
    const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build-catalogs.js'), '--check'], { encoding: 'utf8' });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  });
});
