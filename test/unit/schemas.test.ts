import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FORMATS_OF_TYPE, DOCUMENT_TYPES, REPORT_TYPES } from '../../src/model/definitions.js';
import { repoRoot } from '../support/paths.js';

const schemaDir = join(repoRoot, 'schemas');
const load = (name: string): Record<string, any> => JSON.parse(readFileSync(join(schemaDir, `${name}.schema.json`), 'utf8'));

describe('schemas/: the contract for every YAML kind', () => {
  const files = readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json'));
  it('has one schema per kind plus the shared definitions', () => {
    assert.deepEqual(
      files.sort(),
      [
        'attestation',
        'catalog',
        'common',
        'config',
        'control',
        'document',
        'exception',
        'finding',
        'inventory',
        'mapping',
        'report',
        'report-output',
        'schedule',
      ]
        .map((n) => `${n}.schema.json`)
        .sort(),
    );
  });
  for (const file of files) {
    it(`${file}: draft 2020-12 with a stable $id, a title and a description`, () => {
      const schema = JSON.parse(readFileSync(join(schemaDir, file), 'utf8'));
      assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
      assert.equal(schema.$id, `https://infracast.dev/schemas/v1/${file}`);
      assert.ok(typeof schema.title === 'string' && schema.title.length > 5);
      assert.ok(typeof schema.description === 'string' && schema.description.length > 20);
    });
  }
  it('gives every top-level property a description (hover docs), directly or through its $ref', () => {
    const common = load('common').$defs;
    for (const name of ['config', 'report', 'document', 'schedule', 'attestation', 'exception', 'mapping', 'inventory', 'control', 'catalog']) {
      for (const [key, prop] of Object.entries<Record<string, any>>(load(name).properties ?? {})) {
        if (key === 'kind') continue;
        const ref = typeof prop.$ref === 'string' ? common[String(prop.$ref.split('/').pop())] : undefined;
        assert.ok(prop.description || ref?.description || prop.const, `${name}.${key} has no description`);
      }
    }
  });
  it('keeps the report and document type lists and per-type formats equal to the code', () => {
    for (const [schemaName, kind, types] of [
      ['report', 'Report', REPORT_TYPES],
      ['document', 'Document', DOCUMENT_TYPES],
    ] as const) {
      const schema = load(schemaName);
      assert.deepEqual(schema.properties.type.enum, [...types]);
      for (const branch of schema.allOf) {
        const type = branch.if?.properties?.type?.const;
        const formats = branch.then?.properties?.format?.enum;
        if (type && formats) assert.deepEqual(formats, FORMATS_OF_TYPE[kind][type], `${schemaName} ${type}`);
      }
    }
  });
});
