#!/usr/bin/env node
// Precompiles the JSON Schemas in schemas/ into one ESM module of standalone ajv validators
// (dist/generated/validators.js), so that the CLI never compiles schemas at start-up.
// Run by `npm run build` (and so by `prepare`); the output is not committed.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAjv, SCHEMA_ID_BASE } from './lib/ajv.js';
import standaloneCode from 'ajv/dist/standalone/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = join(root, 'schemas');
const outFile = join(root, 'dist', 'generated', 'validators.cjs');

const ajv = createAjv({ code: { source: true, esm: false, lines: false }, verbose: true });
const exportsByKind = {};
for (const file of readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json')).sort()) {
  const schema = JSON.parse(readFileSync(join(schemaDir, file), 'utf8'));
  const kind = file.replace(/\.schema\.json$/, '');
  if (schema.$id !== `${SCHEMA_ID_BASE}${file}`) throw new Error(`${file}: $id must be ${SCHEMA_ID_BASE}${file}`);
  ajv.addSchema(schema);
  if (kind !== 'common') exportsByKind[kind] = schema.$id;
}
const code = standaloneCode(ajv, exportsByKind);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(`${outFile}.tmp`, code);
renameSync(`${outFile}.tmp`, outFile);
console.log(`validators: ${Object.keys(exportsByKind).length} schemas -> ${outFile.slice(root.length + 1)}`);
