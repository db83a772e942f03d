/**
 * The type table (src/model/output-types.ts) is the one source of the report and document types:
 * its views in code, in the schemas and in the README equal it, `validate` enforces its frameworks
 * and formats, and `infracast types` prints it in the Reports API's shapes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as render from '../../src/app/render.js';
import { readmeTypesBlock, withReadmeTypes, withSchemaTypes } from '../../src/app/types-docs.js';
import { listTypes, typesTable } from '../../src/app/types.js';
import { BUILT_IN_FRAMEWORK_IDS, FRAMEWORK_OF_SUBTYPE } from '../../src/catalogs/frameworks.js';
import { validate } from '../../src/index.js';
import { DOCUMENT_SUBTYPES, DOCUMENT_TYPES, FORMATS_OF_TYPE, OUTPUT_FORMATS, REPORT_TYPES } from '../../src/model/definitions.js';
import { ANY_FRAMEWORK, OUTPUT_TYPES, TYPE_CATEGORIES, typesOf } from '../../src/model/output-types.js';
import type { OutputTypeRow } from '../../src/model/output-types.js';
import { kindLabel } from '../../src/renderers/html.js';
import { repoRoot } from '../support/paths.js';
import { makeWorkspace, MINIMAL_CONFIG } from '../support/workspace.js';

const rows = OUTPUT_TYPES as readonly OutputTypeRow[];
const schema = (name: string): Record<string, any> => JSON.parse(readFileSync(join(repoRoot, 'schemas', `${name}.schema.json`), 'utf8'));

describe('the type table', () => {
  it('has unique ids within each category, and the fields each category needs', () => {
    for (const category of TYPE_CATEGORIES) {
      const ids = typesOf(category).map((row) => row.id);
      assert.equal(new Set(ids).size, ids.length, category);
      assert.ok(ids.length > 0, category);
    }
    for (const row of rows) {
      assert.ok(row.name && row.label && row.description, row.id);
      assert.equal(row.audience !== undefined, row.category === 'report', `${row.id}: audience for report types only`);
      assert.equal(row.applicableTo !== undefined, row.category === 'far-dfars', `${row.id}: applicable_to for far-dfars only`);
      assert.equal(row.frameworks === ANY_FRAMEWORK, row.category === 'report', `${row.id}: report types take any framework`);
      assert.ok(row.formats.length > 0 && row.formats.every((f) => (OUTPUT_FORMATS as readonly string[]).includes(f)), row.id);
      if (Array.isArray(row.frameworks)) for (const f of row.frameworks) assert.ok(BUILT_IN_FRAMEWORK_IDS.includes(f), `${row.id}: ${f}`);
    }
  });
  it('gives each far-dfars row a document type to be a report_subtype of, with its formats and among its frameworks', () => {
    for (const row of typesOf('far-dfars')) {
      const parent = typesOf('document').find((d) => d.id === row.subtypeOf);
      assert.ok(parent, `${row.id}: subtypeOf ${row.subtypeOf}`);
      // The schema enforces formats per type, so a subtype has exactly its type's.
      assert.deepEqual(row.formats, parent.formats, row.id);
      assert.equal(row.frameworks.length, 1, `${row.id} implies one framework`);
      assert.ok((parent.frameworks as readonly string[]).includes(row.frameworks[0]!), row.id);
    }
  });
  it('marks built exactly the types render has a builder for', () => {
    // Until the diagram and SSP branches are merged, their builders are absent here; after, this list can go.
    // Document builders are checked once render.ts exports DOCUMENT_BUILDERS (the diagram branch adds the map).
    const beingBuilt = new Set<string>();
    const builders: Record<string, object> = {
      report: render.REPORT_BUILDERS,
      document: ((render as Record<string, unknown>).DOCUMENT_BUILDERS as object | undefined) ?? {},
    };
    for (const row of [...typesOf('report'), ...typesOf('document')]) {
      const has = row.id in builders[row.category]!;
      if (row.built) assert.ok(has || beingBuilt.has(row.id), `${row.category} type ${row.id} is marked built but render has no builder`);
      else assert.equal(has, false, `${row.category} type ${row.id} has a builder: mark it built in src/model/output-types.ts`);
    }
    for (const row of typesOf('far-dfars')) assert.equal(row.built, typesOf('document').find((d) => d.id === row.subtypeOf)!.built, row.id);
  });
  it('is what the older lists in code are views of', () => {
    assert.deepEqual([...REPORT_TYPES], ['framework', 'executive', 'gap', 'remediation', 'poam', 'evidence']);
    assert.deepEqual([...DOCUMENT_TYPES], ['ssp', 'poam', 'sar', 'architecture-diagram', 'far-dfars-compliance']);
    assert.deepEqual([...DOCUMENT_SUBTYPES], ['far-52204-21', 'dfars-252204-7012']);
    assert.deepEqual(FRAMEWORK_OF_SUBTYPE, { 'far-52204-21': 'far-52204-21', 'dfars-252204-7012': 'nist-800-171' });
    for (const row of typesOf('report')) assert.deepEqual(FORMATS_OF_TYPE.Report[row.id], row.formats);
    for (const row of typesOf('document')) assert.deepEqual(FORMATS_OF_TYPE.Document[row.id], row.formats);
    // The PDF's cover, footer and Subject words (test/tools/pdf-render.test.ts reads "Gap analysis: nist-800-171").
    assert.equal(kindLabel('gap'), 'Gap analysis');
    assert.equal(kindLabel('ssp'), 'System security plan');
    assert.equal(kindLabel('no-such-type'), 'no-such-type');
  });
});

describe('the schemas and the README are views of the table (npm run docs:types rewrites them)', () => {
  for (const [name, kind] of [
    ['report', 'Report'],
    ['document', 'Document'],
  ] as const) {
    it(`schemas/${name}.schema.json: type enum, report_subtype enum and per-type format enums`, () => {
      const current = schema(name);
      const rowsOfKind = typesOf(kind === 'Report' ? 'report' : 'document');
      assert.deepEqual(
        current.properties.type.enum,
        rowsOfKind.map((row) => row.id),
      );
      for (const row of rowsOfKind) {
        const branch = current.allOf.find((b: any) => b.if?.properties?.type?.const === row.id && b.then?.properties?.format);
        assert.deepEqual(branch?.then.properties.format.enum, [...row.formats], `${name} ${row.id} format`);
        assert.deepEqual(branch?.then.properties.formats.items.enum, [...row.formats], `${name} ${row.id} formats`);
      }
      if (kind === 'Document') assert.deepEqual(current.properties.report_subtype.enum, [...DOCUMENT_SUBTYPES]);
      assert.deepEqual(current, withSchemaTypes(current, kind), `schemas/${name}.schema.json differs from the table: run npm run docs:types`);
    });
  }
  it('a schema without a branch for a type of the table cannot be generated (its options are written by hand)', () => {
    const current = schema('document');
    current.allOf = current.allOf.filter((b: any) => b.if?.properties?.type?.const !== 'sar');
    assert.throws(() => withSchemaTypes(current, 'Document'), /no allOf branch for type sar/);
  });
  it("README.md's list of types", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    assert.equal(withReadmeTypes(readme), readme, "README.md's list of types differs from src/model/output-types.ts: run npm run docs:types");
    assert.ok(readme.includes(readmeTypesBlock()));
    // The check can fail: one changed row is a difference.
    const edited = readme.replace('| `sar` (document) |', '| `sar` (document, edited) |');
    assert.notEqual(edited, readme);
    assert.notEqual(withReadmeTypes(edited), edited);
    assert.throws(() => withReadmeTypes('# no markers\n'), /no list of types/);
  });
  it('the README lists every row, marking those not built', () => {
    const block = readmeTypesBlock();
    for (const row of rows) {
      const line = block.split('\n').find((l) => l.includes(`\`${row.id}\``) || l.includes(`report_subtype: ${row.id}\``));
      assert.ok(line, row.id);
    }
    assert.match(block, /^\| `sar` \(document\) .* \| not yet \|$/m);
    assert.match(block, /^\| `ssp` \(document\) .* \| yes \|$/m);
  });
});

describe('infracast types: the listings', () => {
  it('document types: id, name, description, frameworks, formats; no frameworks for a type that takes none', () => {
    const { types } = listTypes();
    assert.deepEqual(
      types.map((t) => t.id),
      typesOf('document').map((row) => row.id),
    );
    for (const t of types) {
      const expected = t.id === 'architecture-diagram' ? ['id', 'name', 'description', 'formats'] : ['id', 'name', 'description', 'frameworks', 'formats'];
      assert.deepEqual(Object.keys(t), expected, t.id);
    }
    assert.equal(listTypes('document').types.length, DOCUMENT_TYPES.length);
  });
  it('far-dfars: id, name, description, applicable_to, formats', () => {
    const { types } = listTypes('far-dfars');
    assert.deepEqual(
      types.map((t) => t.id),
      ['far-52204-21', 'dfars-252204-7012'],
    );
    for (const t of types) assert.deepEqual(Object.keys(t), ['id', 'name', 'description', 'applicable_to', 'formats']);
  });
  it('report: id, name, description, audience, formats', () => {
    const { types } = listTypes('report');
    assert.deepEqual(
      types.map((t) => t.id),
      [...REPORT_TYPES],
    );
    for (const t of types) assert.deepEqual(Object.keys(t), ['id', 'name', 'description', 'audience', 'formats']);
  });
  it('the table for people has id, name, formats and frameworks, and marks the types not built', () => {
    const table = typesTable('document').split('\n');
    assert.match(
      table.find((l) => l.startsWith('ID'))!,
      /^ID +NAME +FORMATS +FRAMEWORKS$/,
    );
    assert.match(
      table.find((l) => l.startsWith('sar '))!,
      /^sar +Security Assessment Report \(not built\) +docx, pdf, md, json, oscal +nist-800-53, /,
    );
    assert.match(
      table.find((l) => l.startsWith('ssp '))!,
      /^ssp +System Security Plan +docx/,
    );
    assert.match(
      table.find((l) => l.startsWith('architecture-diagram '))!,
      / none$/,
    );
    assert.match(typesTable('report'), /^framework +Framework Compliance Report +pdf, docx, xlsx, json, md +any$/m);
    assert.doesNotMatch(typesTable('report'), /not built/);
    assert.match(typesTable('far-dfars'), /report_subtype: <id>/);
  });
});

describe('validate enforces the table', () => {
  async function check(files: Record<string, string>): Promise<{ codes: string[]; messages: string[]; frameworks: string[][] }> {
    const root = makeWorkspace(files);
    const result = await validate({ paths: [root], at: '2026-11-29' });
    return {
      codes: result.diagnostics.map((d) => `${d.file.slice(root.length + 1)}:${d.line}:${d.col} ${d.code}`),
      messages: result.diagnostics.map((d) => `${d.message} | ${d.hint ?? ''}`),
      frameworks: (result.workspaces[0]?.outputs ?? []).map((o) => o.frameworks),
    };
  }
  const accepted = (id: string): readonly string[] => typesOf('document').find((row) => row.id === id)!.frameworks as readonly string[];

  it('a document type refuses a framework it does not take, and names the ones it takes', async () => {
    const { codes, messages } = await check({ 'reports/ssp.yaml': 'type: ssp\nframework: soc2\nformat: md\n' });
    assert.deepEqual(codes, ['reports/ssp.yaml:2:12 framework-not-accepted']);
    assert.ok(messages[0]!.includes(`it takes ${accepted('ssp').join(', ')}`), messages[0]);
  });
  it('in a frameworks list too, at the item', async () => {
    const { codes } = await check({ 'reports/sar.yaml': 'type: sar\nframeworks: [nist-800-53, nist-800-171]\nformat: md\n' });
    assert.deepEqual(codes, ['reports/sar.yaml:2:27 framework-not-accepted']);
  });
  it('architecture-diagram takes no framework', async () => {
    const { codes, messages } = await check({ 'reports/d.yaml': 'type: architecture-diagram\nframework: nist-800-53\nformat: svg\n' });
    assert.deepEqual(codes, ['reports/d.yaml:2:12 framework-not-accepted']);
    assert.match(messages[0]!, /takes no framework/);
  });
  it('an unknown framework is reported once, as unknown', async () => {
    const { codes } = await check({ 'reports/ssp.yaml': 'type: ssp\nframework: nist-800-35\nformat: md\n' });
    assert.deepEqual(codes, ['reports/ssp.yaml:2:12 unknown-framework']);
  });
  it('every framework a type takes is accepted; report types take any', async () => {
    const files: Record<string, string> = {};
    for (const row of typesOf('document'))
      for (const f of Array.isArray(row.frameworks) && row.id !== 'far-dfars-compliance' ? row.frameworks : [])
        files[`reports/${row.id}-${f}.yaml`] = `kind: Document\ntype: ${row.id}\nframework: ${f}\nformat: ${row.formats[0]}\n`;
    for (const f of BUILT_IN_FRAMEWORK_IDS) files[`reports/gap-${f}.yaml`] = `type: gap\nframework: ${f}\n`;
    assert.deepEqual((await check(files)).codes, []);
  });
  it('a definition without framework takes the workspace defaults the type accepts, and says so when there are none', async () => {
    const config = MINIMAL_CONFIG.replace('frameworks: [nist-800-53]', 'frameworks: [soc2, nist-800-53, pci-dss]');
    const ok = await check({ 'infracast.yaml': config, 'reports/sar.yaml': 'type: sar\nformat: md\n' });
    assert.deepEqual(ok.codes, []);
    assert.deepEqual(ok.frameworks, [['nist-800-53']]);
    const none = await check({
      'infracast.yaml': config.replace('soc2, nist-800-53, pci-dss', 'soc2, pci-dss'),
      'reports/sar.yaml': 'type: sar\nformat: md\n',
    });
    assert.deepEqual(none.codes, ['reports/sar.yaml:1:1 missing-framework']);
    assert.ok(none.messages[0]!.includes(`(soc2, pci-dss) is one sar takes (${accepted('sar').join(', ')})`), none.messages[0]);
  });
  it('a format the type does not take is refused, naming the formats it takes (from the table)', async () => {
    for (const row of [...typesOf('report'), ...typesOf('document')]) {
      const wrong = OUTPUT_FORMATS.find((f) => !row.formats.includes(f))!;
      const kind = row.category === 'report' ? 'Report' : 'Document';
      const subtype = row.id === 'far-dfars-compliance' ? 'report_subtype: far-52204-21\n' : '';
      const framework = row.id === 'architecture-diagram' || subtype ? '' : `framework: ${row.category === 'report' ? 'soc2' : accepted(row.id)[0]}\n`;
      const { codes, messages } = await check({ 'reports/x.yaml': `kind: ${kind}\ntype: ${row.id}\n${subtype}${framework}format: ${wrong}\n` });
      assert.equal(codes.length, 1, `${row.id} ${wrong}: ${codes.join(', ')}`);
      assert.match(codes[0]!, / invalid-value$/);
      assert.ok(messages[0]!.endsWith(`Use one of: ${row.formats.join(', ')}.`), `${row.id}: ${messages[0]}`);
    }
  });
});
