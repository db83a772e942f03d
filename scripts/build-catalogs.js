#!/usr/bin/env node
// Generates the built-in framework catalogs (src/catalogs/data/<framework>.json) and the built-in
// Prowler mappings (src/catalogs/data/mappings/*.json) from ../shared/fixtures (DESIGN.md
// "Generated files"; spec/evaluation.md sections 2, 3, 5, 8). The output is committed.
//
//   node scripts/build-catalogs.js            write the data files
//   node scripts/build-catalogs.js --check    exit 1 when a committed file differs from what would be written
//   node scripts/build-catalogs.js --fixtures <dir>   read the fixtures from <dir> (default <repo>/../shared/fixtures)
//
// Facts only: ids, titles, families, baseline membership, statement part labels (a, b...),
// parameter ids with their short labels, FedRAMP parameter values, SPRS points, designations and
// mappings. No statement, requirement or guidance prose is copied.
// Order: every list keeps its source's order (the catalog's, the CSV's, the workbook's), which for
// SP 800-53, FedRAMP and SP 800-171 is also controlSortKey order (a unit test checks that). PCI DSS
// and SOC 2, which have no source here, are written in the standards' own numbering order.
// Deterministic: the same fixtures give byte-identical files (no dates, no locale, no hash order).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import { MAPPING_OUTPUTS } from './lib/mapping-outputs.js';
import { writeOrCheck } from './lib/write-or-check.js';
import { NIST_800_171_SUMMARIES } from './lib/nist-800-171-summaries.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const fixturesArg = args.indexOf('--fixtures');
const fixtures = fixturesArg >= 0 ? resolve(args[fixturesArg + 1]) : resolve(root, '..', 'shared', 'fixtures');
const outDir = join(root, 'src', 'catalogs', 'data');

if (!existsSync(fixtures)) {
  console.error(`build-catalogs: ${fixtures} is absent; the catalogs are generated from the shared fixtures (../shared/fixtures)`);
  process.exit(3);
}

// ---------------------------------------------------------------------------------------------
// Helpers

function fail(message) {
  throw new Error(`build-catalogs: ${message}`);
}
function assertEqual(actual, expected, what) {
  if (actual !== expected) fail(`${what}: expected ${expected}, got ${actual}`);
}
function sameSet(a, b, what) {
  const sa = new Set(a);
  const sb = new Set(b);
  const missing = [...sa].filter((x) => !sb.has(x));
  const extra = [...sb].filter((x) => !sa.has(x));
  if (missing.length || extra.length || sa.size !== a.length || sb.size !== b.length) {
    fail(`${what} differ: only in first ${missing.slice(0, 5).join(', ')}; only in second ${extra.slice(0, 5).join(', ')}`);
  }
}
const fixturePath = (rel) => join(fixtures, rel);
const readText = (rel) => readFileSync(fixturePath(rel), 'utf8');
const readJson = (rel) => JSON.parse(readText(rel));
const readCsv = (rel) => parseCsv(readFileSync(fixturePath(rel)), { columns: true, skip_empty_lines: true });
/** "path (sha256 ...)": where a fact comes from, pinned to the exact bytes read. */
function sourceOf(rel) {
  const sha = createHash('sha256')
    .update(readFileSync(fixturePath(rel)))
    .digest('hex');
  return `../shared/fixtures/${rel} (sha256 ${sha})`;
}
const byCodeUnits = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
/** Same as controlSortKey in src/model/control-ids.ts. */
const sortKey = (id) => id.replace(/\d+/g, (digits) => digits.padStart(4, '0'));
const byControlId = (a, b) => byCodeUnits(sortKey(a), sortKey(b));
const plain = (text) => String(text).replace(/\s+/g, ' ').trim();

/** OSCAL SP 800-53 id (ac-2, ac-2.4, also ac-02.04 in parameter ids) -> canonical AC-2(4). */
function sp80053FromOscal(oscalId) {
  const m = /^([a-z]{2})-0*(\d+)(?:\.0*(\d+))?$/.exec(oscalId);
  if (!m) fail(`not an SP 800-53 OSCAL id: ${oscalId}`);
  return `${m[1].toUpperCase()}-${Number(m[2])}${m[3] ? `(${Number(m[3])})` : ''}`;
}
/** Prowler's 800-53 requirement ids: ac_2_4, and items of a control such as ac_2_3_a, ac_2_d_1 -> AC-2(3), AC-2. */
function sp80053FromProwler(id) {
  const m = /^([a-z]{2})_(\d+)(?:_(\d+))?(?:_[a-z¡](?:_\d+)?)?(?:_[a-z])?$/.exec(id);
  if (!m) fail(`unrecognised Prowler 800-53 requirement id ${id}`);
  return `${m[1].toUpperCase()}-${Number(m[2])}${m[3] ? `(${Number(m[3])})` : ''}`;
}
function sp800171FromProwler(id) {
  const m = /^3_(\d+)_(\d+)$/.exec(id);
  if (!m) fail(`unrecognised Prowler 800-171 requirement id ${id}`);
  return `3.${Number(m[1])}.${Number(m[2])}`;
}
const ROMAN = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x', 'xi', 'xii', 'xiii', 'xiv', 'xv'];
/** 52.204-21(b)(1)(ix) -> b.1.ix */
function farId(ref) {
  const m = /^52\.204-21\(b\)\(1\)\(([ivx]+)\)$/.exec(ref.trim());
  if (!m || !ROMAN.includes(m[1])) fail(`not a FAR 52.204-21(b)(1) reference: ${ref}`);
  return `b.1.${m[1]}`;
}
const farCitation = (id) => `FAR 52.204-21(b)(1)(${id.slice('b.1.'.length)})`;

// ---------------------------------------------------------------------------------------------
// NIST SP 800-53 Rev. 5 (catalog 5.0.1) and SP 800-53B baselines (5.1.1)

const NIST_DIR = 'oscal/nist-sp800-53-rev5';
const NIST_CATALOG = `${NIST_DIR}/NIST_SP-800-53_rev5_catalog.json`;
const nistCatalog = readJson(NIST_CATALOG).catalog;
const families80053 = {};
/** Canonical id -> { id, title, family, withdrawn?, withdrawn_into? } in catalog order. */
const nistControls = new Map();
const propOf = (node, name) => (node.props ?? []).find((p) => p.name === name)?.value;
/** Canonical id -> the labels of its statement's top-level items (written after baselines, below). */
const statementParts = new Map();
/** ac-2_smt.a -> a (a statement item's label as SSPs and the schema's parts: keys write it). */
function partLabel(controlOscalId, partId) {
  const prefix = `${controlOscalId}_smt.`;
  if (!partId?.startsWith(prefix) || partId.slice(prefix.length).includes('.')) fail(`${controlOscalId}: unexpected statement item id ${partId}`);
  return partId.slice(prefix.length);
}
function visitControl(node, family) {
  const id = sp80053FromOscal(node.id);
  const label = propOf(node, 'label');
  if (label && label !== id) fail(`${node.id}: label ${label} is not the canonical id ${id}`);
  const control = { id, title: plain(node.title), family, framework: 'nist-800-53' };
  // The statement's top-level items (a, b, c...): the parts an SSP answers (FedRAMP tags exactly
  // these as response points). Labels only, from the part ids (ac-2_smt.a -> a); never their text.
  const statement = (node.parts ?? []).find((p) => p.name === 'statement');
  const parts = (statement?.parts ?? []).filter((p) => p.name === 'item').map((p) => partLabel(node.id, p.id));
  if (parts.length) statementParts.set(id, parts);
  if (propOf(node, 'status') === 'withdrawn') {
    control.withdrawn = true;
    const into = (node.links ?? [])
      .filter((l) => l.rel === 'incorporated-into' || l.rel === 'moved-to')
      // A link may name a statement part (#ac-2_smt.k): the control it belongs to is what counts.
      // A link may also name a whole family (#sr): kept as the family id (SR).
      .map((l) => l.href.replace(/^#/, '').replace(/_smt\b.*$/, ''))
      .map((target) => (/^[a-z]{2}$/.test(target) ? target.toUpperCase() : sp80053FromOscal(target)));
    if (into.length) control.withdrawn_into = [...new Set(into)];
  }
  if (nistControls.has(id)) fail(`duplicate control ${id}`);
  nistControls.set(id, control);
  for (const child of node.controls ?? []) visitControl(child, family);
}
for (const group of nistCatalog.groups) {
  const family = group.id.toUpperCase();
  families80053[family] = plain(group.title);
  for (const control of group.controls ?? []) visitControl(control, family);
}
assertEqual(nistControls.size, 1189, 'SP 800-53 5.0.1 controls + enhancements');
assertEqual([...nistControls.values()].filter((c) => !c.withdrawn).length, 1007, 'SP 800-53 5.0.1 not withdrawn');

/** Every control id of an OSCAL catalog (JSON), in document order. */
function oscalJsonControlIds(catalog) {
  const ids = [];
  const walk = (node) => {
    for (const c of node.controls ?? []) {
      ids.push(c.id);
      walk(c);
    }
    for (const g of node.groups ?? []) walk(g);
  };
  walk(catalog);
  return ids;
}
/** Every control id of an OSCAL catalog (XML), in document order. */
function oscalXmlControlIds(xml) {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => name === 'control' || name === 'group' });
  const doc = parser.parse(xml);
  const ids = [];
  const walk = (node) => {
    if (!node || typeof node !== 'object') return;
    for (const c of node.control ?? []) {
      ids.push(c['@_id']);
      walk(c);
    }
    for (const g of node.group ?? []) walk(g);
  };
  walk(doc.catalog);
  return { ids, version: String(doc.catalog.metadata.version) };
}
/**
 * What an OSCAL SSP needs of each control of a resolved baseline catalog (param_ids, choice_params,
 * aggregate_params, part_ids, response_points): its parameter ids, those inserted inside another
 * parameter's choice (a nested assignment: FedRAMP needs only the value of the selection that holds
 * it), its statement part ids (the statement and its items, any depth) and the statement parts
 * FedRAMP tags "response-point". Ids only, no prose. Keyed by OSCAL control id. (NIST's params carry
 * a prop alt-identifier or aggregates, which says whether the param aggregates.)
 */
function ensureArray(value) {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
const INSERT_PARAM = /\{\{\s*insert:\s*param,\s*([\w.-]+)\s*\}\}/g;
const RESPONSE_POINT = (prop) => prop.name === 'response-point' && prop.ns === 'https://fedramp.gov/ns/oscal';
function sspFactsOf(params, statement) {
  const facts = { param_ids: params.map((p) => p.id) };
  const inChoices = params.flatMap((p) => p.choiceRefs);
  if (inChoices.length) facts.choice_params = [...new Set(inChoices)];
  // Release 5.1 keeps the 5.0 parameter (ac-1_prm_1) beside the assessment's ones (ac-01_odp.01...)
  // that it aggregates; FedRAMP asks for the latter (though its baselines set a few aggregates).
  // NIST's files mark them (prop aggregates), FedRAMP's XML does not: a _prm_ id in a control with
  // _odp ids is one (the rule is checked against NIST's marks).
  const hasOdp = params.some((p) => p.id.includes('_odp'));
  const aggregates = params.filter((p) => hasOdp && p.id.includes('_prm_')).map((p) => p.id);
  for (const p of params)
    if (p.aggregates !== undefined && p.aggregates !== aggregates.includes(p.id))
      fail(`parameter ${p.id}: aggregates ${p.aggregates}, but the id rule says otherwise`);
  if (aggregates.length) facts.aggregate_params = aggregates;
  const parts = [];
  const points = [];
  const walk = (part) => {
    if (!part.id) fail(`a statement part without an id (${JSON.stringify(part).slice(0, 80)})`);
    parts.push(part.id);
    if (part.responsePoint) points.push(part.id);
    for (const child of part.parts) if (child.name === 'item') walk(child);
  };
  if (statement) walk(statement);
  facts.part_ids = parts;
  if (points.length) facts.response_points = points;
  return facts;
}
function oscalJsonSspFacts(catalog) {
  const facts = new Map();
  const partOf = (p) => ({ id: p.id, name: p.name, responsePoint: (p.props ?? []).some(RESPONSE_POINT), parts: (p.parts ?? []).map(partOf) });
  const walk = (node) => {
    for (const c of node.controls ?? []) {
      const params = (c.params ?? []).map((p) => ({
        id: p.id,
        ...((p.props ?? []).some((prop) => prop.name === 'alt-identifier') || (p.props ?? []).some((prop) => prop.name === 'aggregates')
          ? { aggregates: (p.props ?? []).some((prop) => prop.name === 'aggregates') }
          : {}),
        choiceRefs: (p.select?.choice ?? []).flatMap((choice) => [...choice.matchAll(INSERT_PARAM)].map((m) => m[1])),
      }));
      facts.set(
        c.id,
        sspFactsOf(
          params,
          (c.parts ?? []).map(partOf).find((p) => p.name === 'statement'),
        ),
      );
      walk(c);
    }
    for (const g of node.groups ?? []) walk(g);
  };
  walk(catalog);
  return facts;
}
function oscalXmlSspFacts(xml) {
  const arrays = new Set(['control', 'group', 'param', 'part', 'prop', 'choice', 'insert']);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => arrays.has(name) });
  const facts = new Map();
  const partOf = (p) => ({
    id: p['@_id'],
    name: p['@_name'],
    responsePoint: ensureArray(p.prop).some((prop) => RESPONSE_POINT({ name: prop['@_name'], ns: prop['@_ns'] })),
    parts: ensureArray(p.part).map(partOf),
  });
  const walk = (node) => {
    for (const c of ensureArray(node.control)) {
      const params = ensureArray(c.param).map((p) => ({
        id: p['@_id'],
        choiceRefs: ensureArray(p.select?.choice).flatMap((choice) =>
          typeof choice === 'object'
            ? ensureArray(choice.insert)
                .filter((i) => i['@_type'] === 'param')
                .map((i) => i['@_id-ref'])
            : [],
        ),
      }));
      facts.set(
        c['@_id'],
        sspFactsOf(
          params,
          ensureArray(c.part)
            .map(partOf)
            .find((p) => p.name === 'statement'),
        ),
      );
      walk(c);
    }
    for (const g of ensureArray(node.group)) walk(g);
  };
  walk(parser.parse(xml).catalog);
  return facts;
}
const profileIds = (profile) => profile.imports.flatMap((imp) => (imp['include-controls'] ?? []).flatMap((ic) => ic['with-ids'] ?? []));

const NIST_BASELINE_COUNTS = { low: 149, moderate: 287, high: 370 };
const nistBaselines = {};
let nistBaselineVersion;
const nistBaselineSources = [];
/** Canonical id -> parameter and part ids (SP 800-53B resolved baselines, release 5.1.1). */
const nistSspFacts = new Map();
for (const level of ['low', 'moderate', 'high']) {
  const LEVEL = level.toUpperCase();
  const profileFile = `${NIST_DIR}/NIST_SP-800-53_rev5_${LEVEL}-baseline_profile.json`;
  const resolvedFile = [
    `${NIST_DIR}/NIST_SP-800-53_rev5_${LEVEL}-baseline-resolved-profile_catalog.json`,
    `${NIST_DIR}/NIST_SP-800-53_rev5_${LEVEL}-baseline-resolved-profile_catalog-min.json`,
  ].find((f) => existsSync(fixturePath(f)));
  const profile = readJson(profileFile).profile;
  const ids = profileIds(profile);
  const resolved = oscalJsonControlIds(readJson(resolvedFile).catalog);
  sameSet(ids, resolved, `SP 800-53B ${level}: profile with-ids and resolved catalog`);
  assertEqual(ids.length, NIST_BASELINE_COUNTS[level], `SP 800-53B ${level} baseline size`);
  nistBaselineVersion ??= profile.metadata.version;
  assertEqual(profile.metadata.version, nistBaselineVersion, `SP 800-53B ${level} version`);
  nistBaselines[level] = new Set(ids.map(sp80053FromOscal));
  nistBaselineSources.push(sourceOf(profileFile), sourceOf(resolvedFile));
  // A control's parameters and parts are the same in every baseline that has it (checked).
  for (const [oscalId, facts] of oscalJsonSspFacts(readJson(resolvedFile).catalog)) {
    const id = sp80053FromOscal(oscalId);
    const known = nistSspFacts.get(id);
    if (known && JSON.stringify(known) !== JSON.stringify(facts)) fail(`SP 800-53B ${level}: ${id} has other parameters or parts than in a lower baseline`);
    nistSspFacts.set(id, facts);
  }
}
for (const control of nistControls.values()) {
  const levels = ['low', 'moderate', 'high'].filter((l) => nistBaselines[l].has(control.id));
  if (levels.length && control.withdrawn) fail(`${control.id} is withdrawn but in a baseline`);
  if (levels.length) control.baselines = levels;
  if (levels.length) Object.assign(control, nistSspFacts.get(control.id));
}
for (const level of ['low', 'moderate', 'high'])
  for (const id of nistBaselines[level]) if (!nistControls.has(id)) fail(`${level} baseline: ${id} not in catalog`);

// The organisation-defined parameters of every baseline control (SP 800-53 5.1.1 ids, the ids
// FedRAMP's set-parameters use): id plus the catalog's short label, or the selection's cardinality
// (its choices are catalog text and stay out). Aggregating parameters (ac-1_prm_1, kept by 5.1.1
// for compatibility) are left out: their ODPs are listed. From the NIST HIGH resolved catalog (a
// superset of LOW and MODERATE), and from FedRAMP's HIGH resolved catalog for the FedRAMP
// controls no NIST baseline has.
const isAggregate = (props) => props.some((p) => p.name === 'aggregates');
function paramFacts(id, label, howMany) {
  if (label !== undefined) return { id, label: plain(label) };
  if (howMany === undefined) fail(`parameter ${id} has neither a label nor a selection`);
  return { id, select: howMany === 'one-or-more' ? 'one-or-more' : 'one' };
}
const baselineParams = new Map();
{
  const file = `${NIST_DIR}/NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json`;
  const walk = (node) => {
    for (const c of node.controls ?? []) {
      const params = (c.params ?? [])
        .filter((p) => !isAggregate(p.props ?? []))
        .map((p) => paramFacts(p.id, p.label, p.select ? (p.select['how-many'] ?? 'one') : undefined));
      baselineParams.set(sp80053FromOscal(c.id), params);
      walk(c);
    }
    for (const g of node.groups ?? []) walk(g);
  };
  walk(readJson(file).catalog);
}
const FEDRAMP_HIGH_XML = 'fedramp/oscal/FedRAMP_rev5_HIGH-baseline-resolved-profile_catalog.xml';
{
  const asArray = new Set(['control', 'group', 'param', 'prop']);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => asArray.has(name) });
  const walk = (node) => {
    for (const c of node.control ?? []) {
      const id = sp80053FromOscal(c['@_id']);
      if (!baselineParams.has(id)) {
        const params = (c.param ?? [])
          .filter((p) => !isAggregate((p.prop ?? []).map((q) => ({ name: q['@_name'] }))))
          .map((p) =>
            paramFacts(p['@_id'], typeof p.label === 'object' ? p.label['#text'] : p.label, p.select ? (p.select['@_how-many'] ?? 'one') : undefined),
          );
        baselineParams.set(id, params);
      }
      walk(c);
    }
    for (const g of node.group ?? []) walk(g);
  };
  walk(parser.parse(readText(FEDRAMP_HIGH_XML)).catalog);
}
for (const control of nistControls.values()) {
  if (statementParts.has(control.id) && !control.withdrawn) control.parts = statementParts.get(control.id);
  const params = baselineParams.get(control.id);
  if (params?.length) control.params = params;
}

const nist80053 = {
  framework: 'nist-800-53',
  name: 'NIST SP 800-53 Rev. 5',
  release: `SP 800-53 Rev. 5 catalog ${nistCatalog.metadata.version}, SP 800-53B baselines ${nistBaselineVersion}`,
  sources: [sourceOf(NIST_CATALOG), ...nistBaselineSources, sourceOf(FEDRAMP_HIGH_XML)],
  verified: true,
  families: families80053,
  controls: [...nistControls.values()],
};

// ---------------------------------------------------------------------------------------------
// FedRAMP Rev. 5 Low / Moderate / High (profiles with FedRAMP parameter values; resolved catalogs)

const FEDRAMP_DIR = 'fedramp/oscal';
const FEDRAMP_COUNTS = { low: 156, moderate: 323, high: 410 };
const fedramp = {};
for (const level of ['low', 'moderate', 'high']) {
  const LEVEL = level.toUpperCase();
  const profileFile = `${FEDRAMP_DIR}/FedRAMP_rev5_${LEVEL}-baseline_profile.json`;
  const profile = readJson(profileFile).profile;
  const ids = profileIds(profile);
  const resolvedJson = `${FEDRAMP_DIR}/FedRAMP_rev5_${LEVEL}-baseline-resolved-profile_catalog.json`;
  const resolvedXml = `${FEDRAMP_DIR}/FedRAMP_rev5_${LEVEL}-baseline-resolved-profile_catalog.xml`;
  const resolvedFile = existsSync(fixturePath(resolvedJson)) ? resolvedJson : resolvedXml;
  const resolvedIds = resolvedFile.endsWith('.json') ? oscalJsonControlIds(readJson(resolvedFile).catalog) : oscalXmlControlIds(readText(resolvedFile)).ids;
  const sspFacts = resolvedFile.endsWith('.json') ? oscalJsonSspFacts(readJson(resolvedFile).catalog) : oscalXmlSspFacts(readText(resolvedFile));
  sameSet(ids, resolvedIds, `FedRAMP ${level}: profile with-ids and resolved catalog`);
  assertEqual(ids.length, FEDRAMP_COUNTS[level], `FedRAMP ${level} baseline size`);

  // FedRAMP's parameter values: set-parameters (values, or constraint descriptions) per control.
  const parameters = new Map();
  for (const sp of profile.modify?.['set-parameters'] ?? []) {
    const paramId = sp['param-id'];
    const m = /^([a-z]{2}-\d+(?:\.\d+)?)_(?:odp|prm)/.exec(paramId);
    if (!m) fail(`FedRAMP ${level}: parameter id ${paramId} names no control`);
    const controlId = sp80053FromOscal(m[1]);
    const texts = sp.values?.length ? sp.values : sp.constraints?.length ? sp.constraints.map((c) => c.description) : (sp.guidelines ?? []).map((g) => g.prose);
    const value = texts.map(plain).filter(Boolean).join('; ');
    if (!value) continue;
    if (!parameters.has(controlId)) parameters.set(controlId, {});
    parameters.get(controlId)[paramId] = value;
  }
  const controls = ids.map(sp80053FromOscal).map((id) => {
    const base = nistControls.get(id);
    if (!base) fail(`FedRAMP ${level}: ${id} is not in the SP 800-53 catalog`);
    if (base.withdrawn) fail(`FedRAMP ${level}: ${id} is withdrawn in the SP 800-53 catalog`);
    const control = { id, title: base.title, family: base.family, framework: `fedramp-${level}` };
    if (parameters.has(id)) control.parameters = parameters.get(id);
    Object.assign(control, sspFacts.get(`${id.toLowerCase().replace('(', '.').replace(')', '')}`));
    for (const paramId of Object.keys(control.parameters ?? {}))
      if (!control.param_ids.includes(paramId)) fail(`FedRAMP ${level}: ${id}: FedRAMP sets ${paramId}, not a parameter of the resolved catalog`);
    return control;
  });
  for (const id of parameters.keys()) if (!ids.map(sp80053FromOscal).includes(id)) fail(`FedRAMP ${level}: parameter for ${id}, not in the baseline`);
  const name = `FedRAMP Rev. 5 ${level[0].toUpperCase()}${level.slice(1)}`;
  fedramp[level] = {
    framework: `fedramp-${level}`,
    name,
    release: `${profile.metadata.title} ${profile.metadata.version} (${profile.metadata['last-modified'].slice(0, 10)}); SP 800-53 Rev. 5 catalog ${nistCatalog.metadata.version} (titles)`,
    sources: [sourceOf(profileFile), sourceOf(resolvedFile), sourceOf(NIST_CATALOG)],
    verified: true,
    families: Object.fromEntries(Object.entries(families80053).filter(([f]) => controls.some((c) => c.family === f))),
    controls,
  };
}

// ---------------------------------------------------------------------------------------------
// FedRAMP Tailored LI-SaaS (workbook sheet "LI-SaaS Baseline": control id + tailoring action)

const WORKBOOK = 'fedramp/templates/FedRAMP_Security_Controls_Baseline.xlsx';
const LI_SAAS_DESIGNATIONS = ['Attest', 'Document and Assess', 'Document and Assess (Conditional)', 'FED', 'NSO', 'NSO, Attest', 'NSO, Document and Assess'];
async function buildLiSaas() {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(fixturePath(WORKBOOK));
  const sheet = workbook.worksheets.find((w) => w.name.trim() === 'LI-SaaS Baseline');
  if (!sheet) fail(`${WORKBOOK}: no "LI-SaaS Baseline" sheet`);
  const text = (v) => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') return v.richText ? v.richText.map((t) => t.text).join('') : String(v.result ?? v.text ?? '');
    return String(v);
  };
  // Header row: No | Control ID | Control Name | Tailoring Action | Additional Tailoring Comments
  const header = sheet.getRow(2);
  assertEqual(plain(text(header.getCell(2).value)), 'Control ID', `${WORKBOOK} LI-SaaS header B2`);
  assertEqual(plain(text(header.getCell(4).value)), 'Tailoring Action', `${WORKBOOK} LI-SaaS header D2`);
  const controls = [];
  for (let r = 3; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const rawId = plain(text(row.getCell(2).value));
    const action = plain(text(row.getCell(4).value));
    if (!rawId && !action) continue;
    const m = /^([A-Z]{2})-(\d+)(?: ?\((\d+)\))?$/.exec(rawId);
    if (!m) fail(`${WORKBOOK} LI-SaaS row ${r}: control id ${JSON.stringify(rawId)}`);
    const id = `${m[1]}-${Number(m[2])}${m[3] ? `(${Number(m[3])})` : ''}`;
    if (!LI_SAAS_DESIGNATIONS.includes(action)) fail(`${WORKBOOK} LI-SaaS row ${r}: unknown tailoring action ${JSON.stringify(action)}`);
    const base = nistControls.get(id);
    if (!base || base.withdrawn) fail(`LI-SaaS: ${id} is not an active SP 800-53 control`);
    // LI-SaaS tailors FedRAMP Low (checked below): the same parameters and parts, no baseline file of its own.
    const { param_ids, choice_params, aggregate_params, part_ids, response_points } = fedramp.low.controls.find((c) => c.id === id) ?? {};
    const facts = Object.fromEntries(
      Object.entries({ param_ids, choice_params, aggregate_params, part_ids, response_points }).filter(([, v]) => v !== undefined),
    );
    controls.push({ id, title: base.title, family: base.family, framework: 'fedramp-li-saas', li_saas: action, ...facts });
  }
  // The LI-SaaS worksheet tailors every FedRAMP Low control.
  sameSet(
    controls.map((c) => c.id),
    fedramp.low.controls.map((c) => c.id),
    'LI-SaaS controls and FedRAMP Low',
  );
  return {
    framework: 'fedramp-li-saas',
    name: 'FedRAMP Rev. 5 Tailored LI-SaaS',
    release: `FedRAMP Tailored LI-SaaS baseline (FedRAMP Security Controls Baseline workbook, sheet "LI-SaaS Baseline"); SP 800-53 Rev. 5 catalog ${nistCatalog.metadata.version} (titles)`,
    sources: [sourceOf(WORKBOOK), sourceOf(NIST_CATALOG)],
    verified: true,
    designations: LI_SAAS_DESIGNATIONS,
    families: Object.fromEntries(Object.entries(families80053).filter(([f]) => controls.some((c) => c.family === f))),
    controls,
  };
}

// ---------------------------------------------------------------------------------------------
// CMMC 2.0 (model v2.13 practice list), with the repair of the source's spilled name columns

const CMMC_CSV = 'cmmc/cmmc_2.13_controls_by_control.csv';
/**
 * The source CSV (parsed from the CMMC Model Overview PDF) splits some practice names across
 * CONTROL_NAME and DESCRIPTION. Three shapes occur:
 *   name "... [FCI" + description "Data] ..."          -> name "... [FCI Data]"
 *   name "..."      + description "[CUI Data] ..."      -> name "... [CUI Data]"
 *   name "... by"   + description "Exception Deny ..."  -> name "... by Exception" (a name word spilled:
 *     the description then starts with two capitalised words, the second being the statement's verb)
 * Returns the repaired name; the description is never kept.
 */
function repairCmmcName(row) {
  let name = plain(row.CONTROL_NAME);
  const description = plain(row.DESCRIPTION);
  let m;
  if (/\[(FCI|CUI)$/.test(name) && (m = /^Data\]/.exec(description))) return `${name} Data]`;
  if ((m = /^\[(FCI|CUI) Data\]/.exec(description))) return `${name} ${m[0]}`;
  if ((m = /^([A-Z][a-z]+) [A-Z][a-z]+ /.exec(description))) {
    name = `${name} ${m[1]}`;
  }
  return name;
}
const cmmcRows = readCsv(CMMC_CSV);
const cmmcRepaired = [];
const cmmcByLevel = { 1: [], 2: [] };
for (const row of cmmcRows) {
  if (row.LEVEL !== '1' && row.LEVEL !== '2') continue;
  const name = repairCmmcName(row);
  if (name !== plain(row.CONTROL_NAME)) cmmcRepaired.push(row.CONTROL_ID);
  cmmcByLevel[row.LEVEL].push({ row, name });
}
assertEqual(cmmcByLevel[1].length, 15, 'CMMC Level 1 practices');
assertEqual(cmmcByLevel[2].length, 110, 'CMMC Level 2 practices');
/** The official short name without its "[FCI Data]" / "[CUI Data]" tag: the title of the FAR and 800-171 entries. */
const untagged = (name) => name.replace(/\s*\[(FCI|CUI) Data\]$/, '');

// ---------------------------------------------------------------------------------------------
// NIST SP 800-171 Rev. 2 with SPRS points (DoD Assessment Methodology v1.2.1)

const SPRS_CSV = 'sprs/nist-800-171r2-sprs-points.csv';
const sprsRows = readCsv(SPRS_CSV);
assertEqual(sprsRows.length, 110, 'SP 800-171 rev2 requirements (SPRS CSV)');
const families800171 = {};
const cmmcL2ById = new Map(cmmcByLevel[2].map((p) => [p.row.CONTROL_REQUIREMENT, p]));
const nist800171Controls = sprsRows.map((row) => {
  const id = row.requirement_id.trim();
  if (!/^3\.\d+\.\d+$/.test(id)) fail(`SPRS CSV: requirement id ${id}`);
  families800171[row.family] ??= plain(row.family_name);
  const practice = cmmcL2ById.get(id);
  if (!practice) fail(`SP 800-171 ${id} has no CMMC Level 2 practice`);
  if (practice.row.CONTROL_ID !== row.cmmc_l2_id) fail(`SPRS CSV ${id}: CMMC id ${row.cmmc_l2_id} vs ${practice.row.CONTROL_ID}`);
  const control = { id, title: untagged(practice.name), family: row.family, framework: 'nist-800-171' };
  if (row.points === 'NA') control.points_na = true;
  else if (['1', '3', '5'].includes(row.points)) control.points = Number(row.points);
  else fail(`SPRS CSV ${id}: points ${row.points}`);
  if (row.partial_points) control.partial_points = Number(row.partial_points);
  if (row.designation !== 'basic' && row.designation !== 'derived') fail(`SPRS CSV ${id}: designation ${row.designation}`);
  control.designation = row.designation;
  control.citation = `NIST SP 800-171r2 ${id}`;
  // The team's one-line summary (scripts/lib/nist-800-171-summaries.js), never the official prose.
  control.summary = NIST_800_171_SUMMARIES[id] ?? fail(`SP 800-171 ${id} has no summary in scripts/lib/nist-800-171-summaries.js`);
  return control;
});
sameSet(
  Object.keys(NIST_800_171_SUMMARIES),
  nist800171Controls.map((c) => c.id),
  'SP 800-171 requirements with a summary',
);
const nist800171 = {
  framework: 'nist-800-171',
  name: 'NIST SP 800-171 Rev. 2',
  release: 'SP 800-171 Rev. 2; SPRS points from the DoD Assessment Methodology v1.2.1; titles: CMMC 2.0 model v2.13 practice names',
  sources: [sourceOf(SPRS_CSV), sourceOf(CMMC_CSV)],
  verified: true,
  families: families800171,
  controls: nist800171Controls,
};

// ---------------------------------------------------------------------------------------------
// FAR 52.204-21(b)(1)

const FAR_CSV = 'far/far-52.204-21-nist-800-171r2-mapping.csv';
const farRows = readCsv(FAR_CSV);
assertEqual(farRows.length, 15, 'FAR 52.204-21(b)(1) requirements');
const cmmcL1ById = new Map(cmmcByLevel[1].map((p) => [p.row.CONTROL_REQUIREMENT, p]));
const farControls = farRows.map((row) => {
  const id = farId(row.far_ref);
  const practice = cmmcL1ById.get(id);
  if (!practice || practice.row.CONTROL_ID !== row.cmmc_l1_id) fail(`FAR ${id}: CMMC Level 1 practice ${row.cmmc_l1_id} not found`);
  const mapsTo = row.nist_800_171r2_ids.split(';').map((s) => s.trim());
  for (const target of mapsTo) if (!nist800171Controls.some((c) => c.id === target)) fail(`FAR ${id} maps to unknown ${target}`);
  return { id, title: untagged(practice.name), family: practice.row.DOMAIN_ABBR, framework: 'far-52204-21', citation: farCitation(id), maps_to: mapsTo };
});
// Cross-check with the SPRS CSV's own FAR column.
for (const row of sprsRows) {
  if (!row.far_52_204_21_b1) continue;
  const far = farControls.find((c) => c.id === row.far_52_204_21_b1);
  if (!far || !far.maps_to.includes(row.requirement_id)) fail(`SPRS CSV ${row.requirement_id} -> ${row.far_52_204_21_b1} disagrees with the FAR mapping`);
}
const farMapped = new Set(farControls.flatMap((c) => c.maps_to));
assertEqual(farMapped.size, 17, 'distinct SP 800-171 requirements the FAR requirements map to');
const farFamilies = Object.fromEntries([...new Set(farControls.map((c) => c.family))].map((f) => [f, families800171[f]]));
const far52204 = {
  framework: 'far-52204-21',
  name: 'FAR 52.204-21 Basic Safeguarding',
  release: 'FAR 52.204-21 (b)(1) safeguarding requirements; mapping to SP 800-171 Rev. 2; titles: CMMC 2.0 model v2.13 Level 1 practice names',
  sources: [sourceOf(FAR_CSV), sourceOf(CMMC_CSV)],
  verified: true,
  families: farFamilies,
  controls: farControls,
};

// CMMC catalogs
function cmmcCatalog(level) {
  const families = {};
  const controls = cmmcByLevel[level].map(({ row, name }) => {
    const requirement = row.CONTROL_REQUIREMENT.trim();
    const id = `${row.DOMAIN_ABBR}.L${level}-${requirement}`;
    assertEqual(row.CONTROL_ID.trim(), id, `CMMC CONTROL_ID of ${requirement}`);
    const familyTitle = families800171[row.DOMAIN_ABBR];
    if (!familyTitle || familyTitle.toUpperCase() !== plain(row.DOMAIN)) fail(`CMMC domain ${row.DOMAIN_ABBR} ${row.DOMAIN} vs ${familyTitle}`);
    families[row.DOMAIN_ABBR] = familyTitle;
    const control = { id, title: name, family: row.DOMAIN_ABBR, framework: `cmmc-l${level}` };
    if (level === 1) {
      const far = farControls.find((c) => c.id === requirement);
      if (!far) fail(`CMMC ${id}: no FAR requirement ${requirement}`);
      control.citation = farCitation(requirement);
      control.maps_to = [requirement];
    } else {
      const req = nist800171Controls.find((c) => c.id === requirement);
      if (!req) fail(`CMMC ${id}: no SP 800-171 requirement ${requirement}`);
      control.citation = `NIST SP 800-171r2 ${requirement}`;
      control.maps_to = [requirement];
      if (req.points !== undefined) control.points = req.points;
      if (req.points_na) control.points_na = true;
      if (req.partial_points !== undefined) control.partial_points = req.partial_points;
      control.designation = req.designation;
      control.summary = req.summary;
    }
    return control;
  });
  return {
    framework: `cmmc-l${level}`,
    name: `CMMC 2.0 Level ${level}`,
    release:
      level === 1
        ? 'CMMC 2.0 model v2.13, Level 1 (FAR 52.204-21(b)(1))'
        : 'CMMC 2.0 model v2.13, Level 2 (SP 800-171 Rev. 2); SPRS points from the DoD Assessment Methodology v1.2.1',
    sources: level === 1 ? [sourceOf(CMMC_CSV), sourceOf(FAR_CSV)] : [sourceOf(CMMC_CSV), sourceOf(SPRS_CSV)],
    verified: true,
    /** Practices whose name the source CSV split across CONTROL_NAME and DESCRIPTION, repaired here. */
    repaired_names: cmmcRepaired.filter((id) => controls.some((c) => c.id === id)),
    families,
    controls,
  };
}

// ---------------------------------------------------------------------------------------------
// PCI DSS v4.0.1 and SOC 2: no machine-readable source here. The numbering is the standards'
// structure as the team knows it; every title is the team's own few words (not the standards'
// text). Both are marked verified: false, which outputs show.

const PCI_FAMILIES = {
  1: 'Network security controls',
  2: 'Secure configurations',
  3: 'Stored account data protection',
  4: 'Encryption over open public networks',
  5: 'Anti-malware',
  6: 'Secure systems and software',
  7: 'Need-to-know access',
  8: 'User identification and authentication',
  9: 'Physical access',
  10: 'Logging and monitoring',
  11: 'Security testing',
  12: 'Policies and programs',
};
// Keys are strings: as number literals 12.10 would be 12.1.
// x.y.1 and x.y.2 of every x.1 section are the same two duties for that requirement.
const GOVERNANCE = ['Policies and procedures kept current', 'Roles and responsibilities assigned'];
const PCI = {
  1.1: GOVERNANCE,
  1.2: [
    'NSC configuration standards',
    'Network changes under change control',
    'Network diagram current',
    'Data-flow diagram current',
    'Allowed services and ports approved',
    'Insecure services secured',
    'NSC rules reviewed every six months',
    'NSC configuration files secured',
  ],
  1.3: ['Inbound CDE traffic restricted', 'Outbound CDE traffic restricted', 'Wireless networks separated from CDE'],
  1.4: [
    'NSCs between trusted and untrusted networks',
    'Inbound untrusted traffic restricted',
    'Anti-spoofing in place',
    'Cardholder data stores not reachable from untrusted networks',
    'Internal addresses not disclosed',
  ],
  1.5: ['Dual-connected devices controlled'],
  2.1: GOVERNANCE,
  2.2: [
    'System configuration standards',
    'Vendor default accounts managed',
    'Functions of differing security levels isolated',
    'Only needed functions enabled',
    'Insecure functions justified and secured',
    'Security parameters set against misuse',
    'Non-console admin access encrypted',
  ],
  2.3: ['Wireless vendor defaults changed', 'Wireless keys changed on staff changes'],
  3.1: GOVERNANCE,
  3.2: ['Account data storage minimized'],
  3.3: ['No SAD kept after authorization', 'SAD encrypted before authorization', 'Issuer SAD storage justified'],
  3.4: ['PAN masked on display', 'PAN copy via remote access blocked'],
  3.5: ['Stored PAN unreadable'],
  3.6: ['Keys protected'],
  3.7: [
    'Key generation',
    'Key distribution',
    'Key storage',
    'Key changes at cryptoperiod end',
    'Key retirement and replacement',
    'Split knowledge for manual keys',
    'Key substitution prevented',
    'Key custodians acknowledge duties',
    'Key guidance for customers (service providers)',
  ],
  4.1: GOVERNANCE,
  4.2: ['Strong cryptography for PAN in transit', 'PAN secured in end-user messaging'],
  5.1: GOVERNANCE,
  5.2: ['Anti-malware deployed', 'Anti-malware detects and removes', 'Systems without anti-malware re-evaluated'],
  5.3: [
    'Anti-malware kept current',
    'Scans run periodically or continuously',
    'Removable media scanned',
    'Anti-malware logs kept',
    'Users cannot disable anti-malware',
  ],
  5.4: ['Anti-phishing mechanisms'],
  6.1: GOVERNANCE,
  6.2: ['Secure software development', 'Developer secure coding training', 'Code reviewed before release', 'Common software attacks prevented'],
  6.3: ['Vulnerabilities identified and ranked', 'Software component inventory', 'Security patches installed'],
  6.4: ['Public web apps protected', 'Automated web attack protection', 'Payment page scripts managed'],
  6.5: [
    'Change control procedures',
    'Requirements confirmed after changes',
    'Pre-production separated from production',
    'Duties separated across environments',
    'No live PANs in pre-production',
    'Test data and accounts removed',
  ],
  7.1: GOVERNANCE,
  7.2: [
    'Access control model defined',
    'Access by job function',
    'Privileges approved',
    'User accounts reviewed every six months',
    'System accounts least privilege',
    'Query access to stored data restricted',
  ],
  7.3: ['Access control system in place', 'Access control system enforces privileges', 'Default deny-all'],
  8.1: GOVERNANCE,
  8.2: [
    'Unique user IDs',
    'Shared accounts only by exception',
    'Unique credentials per customer (service providers)',
    'User ID changes authorized',
    'Terminated users revoked',
    'Inactive accounts disabled',
    'Third-party remote access managed',
    'Idle session timeout',
  ],
  8.3: [
    'Authentication for all access',
    'Authentication factors unreadable',
    'Identity verified before authenticator changes',
    'Lockout after failed attempts',
    'First-use and reset passwords',
    'Password length and complexity',
    'Password history',
    'Authentication guidance for users',
    'Password changes when single-factor',
    'Customer password guidance (service providers)',
    'Authentication factors tied to individuals',
  ],
  8.4: ['MFA for admin CDE access', 'MFA for all CDE access', 'MFA for remote network access'],
  8.5: ['MFA systems resist replay and bypass'],
  8.6: ['Interactive use of system accounts managed', 'No hard-coded passwords', 'System account passwords protected'],
  9.1: GOVERNANCE,
  9.2: ['Facility entry controls', 'Network jacks restricted', 'Network hardware access restricted', 'Consoles in sensitive areas locked'],
  9.3: ['Staff physical access authorized', 'Visitor access authorized', 'Visitor badges returned', 'Visitor log kept'],
  9.4: [
    'Media physically secured',
    'Media classified',
    'Media transport secured',
    'Media movement approved',
    'Electronic media inventory',
    'Hard-copy media destroyed',
    'Electronic media destroyed',
  ],
  9.5: ['POI devices protected from tampering'],
  10.1: GOVERNANCE,
  10.2: ['Audit logs enabled', 'Audit log details recorded'],
  10.3: ['Log read access limited', 'Logs protected from changes', 'Logs backed up centrally', 'Log integrity monitored'],
  10.4: ['Daily security log review', 'Periodic review of other logs', 'Log exceptions followed up'],
  10.5: ['Log history retained'],
  10.6: ['Time synchronization', 'Consistent correct time', 'Time settings protected'],
  10.7: ['Control failures detected (service providers)', 'Control failures detected', 'Control failures responded to'],
  11.1: GOVERNANCE,
  11.2: ['Wireless access points detected', 'Authorized wireless inventory'],
  11.3: ['Internal vulnerability scans quarterly', 'External ASV scans quarterly'],
  11.4: [
    'Penetration testing methodology',
    'Internal penetration testing',
    'External penetration testing',
    'Pentest findings corrected',
    'Segmentation tested',
    'Segmentation tested twice yearly (service providers)',
    'Customer pentests supported (multi-tenant providers)',
  ],
  11.5: ['Intrusion detection or prevention', 'Change detection on critical files'],
  11.6: ['Payment page tamper detection'],
  12.1: ['Information security policy', 'Policy reviewed annually', 'Security roles defined', 'Executive security responsibility'],
  12.2: ['Acceptable use policies'],
  12.3: ['Targeted risk analyses', 'Customized approach risk analysis', 'Cryptographic suites reviewed', 'Hardware and software reviewed'],
  12.4: ['Executive PCI DSS accountability (service providers)', 'Operational reviews (service providers)'],
  12.5: ['System component inventory', 'Scope confirmed annually', 'Scope reviewed on org changes (service providers)'],
  12.6: ['Security awareness program', 'Awareness program reviewed', 'Staff trained on hire and annually'],
  12.7: ['Personnel screened'],
  12.8: [
    'Service provider list',
    'Written provider agreements',
    'Due diligence before engagement',
    'Provider compliance monitored',
    'Responsibility split documented',
  ],
  12.9: ['Customer acknowledgement (service providers)', 'Customer requests supported (service providers)'],
  '12.10': [
    'Incident response plan',
    'Plan reviewed and tested',
    'Responders available',
    'Responder training',
    'Monitoring alerts in plan',
    'Plan updated from lessons',
    'Unexpected PAN discovery handled',
  ],
};
function pciCatalog() {
  // Object keys such as "12.10" keep their text; order them numerically (x, then y).
  const sections = Object.keys(PCI).sort((a, b) => {
    const [a1, a2] = a.split('.').map(Number);
    const [b1, b2] = b.split('.').map(Number);
    return a1 - b1 || a2 - b2;
  });
  const controls = sections.flatMap((section) =>
    PCI[section].map((title, i) => ({ id: `${section}.${i + 1}`, title, family: section.split('.')[0], framework: 'pci-dss' })),
  );
  return {
    framework: 'pci-dss',
    name: 'PCI DSS v4.0.1',
    release: 'PCI DSS v4.0.1 requirement numbering (x.y.z), compiled by the team; titles are the team’s own; appendices A1-A3 not included',
    sources: ['Compiled by the Infracast team from the structure of PCI DSS v4.0.1 (no machine-readable source available)'],
    verified: false,
    families: PCI_FAMILIES,
    controls,
  };
}

const SOC2_FAMILIES = {
  CC1: 'Control environment',
  CC2: 'Communication and information',
  CC3: 'Risk assessment',
  CC4: 'Monitoring activities',
  CC5: 'Control activities',
  CC6: 'Logical and physical access',
  CC7: 'System operations',
  CC8: 'Change management',
  CC9: 'Risk mitigation',
  A1: 'Availability',
  C1: 'Confidentiality',
  PI1: 'Processing integrity',
  P1: 'Privacy: notice',
  P2: 'Privacy: choice and consent',
  P3: 'Privacy: collection',
  P4: 'Privacy: use, retention and disposal',
  P5: 'Privacy: access',
  P6: 'Privacy: disclosure and notification',
  P7: 'Privacy: quality',
  P8: 'Privacy: monitoring and enforcement',
};
const SOC2 = {
  CC1: ['Integrity and ethics', 'Board oversight', 'Structure and authority', 'Competence', 'Accountability'],
  CC2: ['Quality information', 'Internal communication', 'External communication'],
  CC3: ['Objectives specified', 'Risks identified and analyzed', 'Fraud risk considered', 'Significant changes assessed'],
  CC4: ['Ongoing and separate evaluations', 'Deficiencies communicated'],
  CC5: ['Control activities selected', 'Technology general controls', 'Policies and procedures deployed'],
  CC6: [
    'Logical access security',
    'User registration and authorization',
    'Access changes by role',
    'Physical access restricted',
    'Asset disposal protections',
    'External threat protections',
    'Data transmission restricted',
    'Malicious software prevented',
  ],
  CC7: ['Configuration and vulnerability detection', 'Anomaly monitoring', 'Security events evaluated', 'Incident response', 'Incident recovery'],
  CC8: ['Change management'],
  CC9: ['Business disruption risk mitigated', 'Vendor and partner risk managed'],
  A1: ['Capacity managed', 'Environmental protection and backups', 'Recovery plan tested'],
  C1: ['Confidential information protected', 'Confidential information disposed'],
  PI1: ['Processing definitions communicated', 'Input controls', 'Processing controls', 'Output controls', 'Stored data controls'],
  P1: ['Privacy notice'],
  P2: ['Choice and consent'],
  P3: ['Collection limited to objectives', 'Explicit consent when required'],
  P4: ['Use limited to objectives', 'Retention', 'Secure disposal'],
  P5: ['Data subject access', 'Correction requests'],
  P6: [
    'Third-party disclosure with consent',
    'Disclosure records',
    'Unauthorized disclosure records',
    'Third-party commitments',
    'Third-party breach notice',
    'Breach notice to data subjects',
    'Accounting of disclosures',
  ],
  P7: ['Data quality'],
  P8: ['Inquiries, complaints and disputes'],
};
function soc2Catalog() {
  const controls = Object.entries(SOC2).flatMap(([family, titles]) =>
    titles.map((title, i) => ({ id: `${family}.${i + 1}`, title, family, framework: 'soc2' })),
  );
  return {
    framework: 'soc2',
    name: 'SOC 2 Trust Services Criteria',
    release: 'AICPA 2017 Trust Services Criteria (revised points of focus 2022) criteria ids, compiled by the team; titles are the team’s own',
    sources: ['Compiled by the Infracast team from the structure of the AICPA Trust Services Criteria (no machine-readable source available)'],
    verified: false,
    families: SOC2_FAMILIES,
    controls,
  };
}

// ---------------------------------------------------------------------------------------------
// Prowler check -> control mappings (Apache-2.0)

const PROWLER = {
  'nist-800-53': { file: 'mappings/prowler/nist_800_53_revision_5_aws.json', parse: sp80053FromProwler, known: nistControls },
  'nist-800-171': {
    file: 'mappings/prowler/nist_800_171_revision_2_aws.json',
    parse: sp800171FromProwler,
    known: new Map(nist800171Controls.map((c) => [c.id, c])),
  },
};
const PROWLER_ORIGIN = 'prowler-cloud/prowler at commit 3e000faa3109230b748e4418a13c11c9e59f5cfb';
function prowlerMapping(framework) {
  const { file, parse, known } = PROWLER[framework];
  const json = readJson(file);
  const checks = new Map();
  const withdrawn = new Set();
  const corrected = {};
  for (const requirement of json.Requirements) {
    let control = parse(requirement.Id);
    let entry = known.get(control);
    if (!entry) {
      // A requirement id naming no control (cp_1_2 -> CP-1(2), which does not exist): Prowler's
      // own section for it ("... (CP-1)") names the control; recorded under `corrected`.
      const section = /\(([A-Z]{2}-\d+(?:\(\d+\))?)\)$/.exec(requirement.Attributes?.[0]?.SubSection ?? '')?.[1];
      if (!section || !known.get(section)) fail(`${file}: ${requirement.Id} -> ${control}, not in the ${framework} catalog`);
      corrected[requirement.Id] = section;
      control = section;
      entry = known.get(section);
    }
    // Prowler names a few controls that SP 800-53 5.0.1 withdrew (e.g. AC-3(1)): kept as Prowler
    // wrote them and listed, since a withdrawn control is never evaluated (evaluation.md section 2).
    if (entry.withdrawn) withdrawn.add(control);
    for (const check of requirement.Checks ?? []) {
      if (!checks.has(check)) checks.set(check, new Set());
      checks.get(check).add(control);
    }
  }
  const sorted = [...checks.keys()].sort(byCodeUnits);
  return {
    framework,
    tool: 'prowler',
    source: `Prowler compliance file prowler/compliance/aws/${file.split('/').pop()} (${json.Framework}, provider ${json.Provider}), ${PROWLER_ORIGIN}`,
    fixture: sourceOf(file),
    license: 'Apache-2.0',
    copyright: 'Copyright the Prowler authors (prowler-cloud/prowler)',
    withdrawn_controls: [...withdrawn].sort(byControlId),
    corrected,
    checks: Object.fromEntries(sorted.map((check) => [check, [...checks.get(check)].sort(byControlId)])),
  };
}

// ---------------------------------------------------------------------------------------------
// Write or check

const outputs = new Map();
const put = (rel, data) => outputs.set(rel, `${JSON.stringify(data, null, 2)}\n`);
put('nist-800-53.json', nist80053);
for (const level of ['low', 'moderate', 'high']) put(`fedramp-${level}.json`, fedramp[level]);
put('fedramp-li-saas.json', await buildLiSaas());
put('nist-800-171.json', nist800171);
put('far-52204-21.json', far52204);
put('cmmc-l1.json', cmmcCatalog(1));
put('cmmc-l2.json', cmmcCatalog(2));
put('pci-dss.json', pciCatalog());
put('soc2.json', soc2Catalog());
put('mappings/prowler-nist-800-53.json', prowlerMapping('nist-800-53'));
put('mappings/prowler-nist-800-171.json', prowlerMapping('nist-800-171'));

// Every id is unique within its catalog.
for (const [rel, text] of outputs) {
  const data = JSON.parse(text);
  if (!data.controls) continue;
  const ids = data.controls.map((c) => c.id);
  if (new Set(ids).size !== ids.length) fail(`${rel}: duplicate ids`);
}

const committed = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.json'))
    : [];
// scripts/build-mappings.js writes and checks its own files (from scripts/sources).
const ofBuildMappings = new Set(Object.values(MAPPING_OUTPUTS));
const stray = committed(outDir)
  .map((f) => f.split('\\').join('/'))
  .filter((rel) => !outputs.has(rel) && !ofBuildMappings.has(rel));
writeOrCheck({ script: 'build-catalogs', root, outDir, outputs, check, stray });
