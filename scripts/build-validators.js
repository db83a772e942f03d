#!/usr/bin/env node
// Precompiles the JSON Schemas in schemas/ into one ESM module of standalone ajv validators
// (dist/src/generated/validators.js, declared by src/generated/validators.d.ts), so that the CLI
// never compiles schemas at start-up. Run by `npm run build` (and so by `prepare`); not committed.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { createAjv, SCHEMA_ID_BASE } from './lib/ajv.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = join(root, 'schemas');
const outFile = join(root, 'dist', 'src', 'generated', 'validators.js');

// verbose: errors carry parentSchema, which gives "did you mean" its candidates.
const ajv = createAjv({ code: { source: true, esm: true, lines: false }, verbose: true });
const exportsByKind = {};
const schemasHash = createHash('sha256');
for (const file of readdirSync(schemaDir)
  .filter((f) => f.endsWith('.schema.json'))
  .sort()) {
  const text = readFileSync(join(schemaDir, file), 'utf8');
  schemasHash.update(`${file}\0${text}\0`);
  const schema = JSON.parse(text);
  const kind = file.replace(/\.schema\.json$/, '');
  if (schema.$id !== `${SCHEMA_ID_BASE}${file}`) throw new Error(`${file}: $id must be ${SCHEMA_ID_BASE}${file}`);
  ajv.addSchema(schema);
  // Export names are identifiers (report-output -> reportOutput); the default export keys them by kind.
  if (kind !== 'common') exportsByKind[kind.replace(/-(\w)/g, (_m, c) => c.toUpperCase())] = schema.$id;
}
let code = standaloneCode(ajv, exportsByKind);
// ajv's ESM output still require()s its runtime helpers and formats: turn those into imports.
const imports = new Map();
code = code.replace(/require\("([^"]+)"\)/g, (_m, spec) => {
  if (!imports.has(spec)) imports.set(spec, `__runtime${imports.size}`);
  return imports.get(spec);
});
const header = [...imports].map(([spec, name]) => `import ${name} from ${JSON.stringify(`${spec}.js`)};`).join('\n');
const names = Object.keys(exportsByKind);
const kindOf = (name) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
code = `${header}\n${code.replace(/^"use strict";/, '')}\nexport default { ${names.map((n) => `${JSON.stringify(kindOf(n))}: ${n}`).join(', ')} };\n`;
const timeZones = [...Intl.supportedValuesOf('timeZone'), 'UTC'].sort();
const buildInfo = `export const schemasHash = ${JSON.stringify(schemasHash.digest('hex'))};\nexport const timeZones = ${JSON.stringify(timeZones)};\n`;
mkdirSync(dirname(outFile), { recursive: true });
for (const [path, text] of [
  [outFile, code],
  [join(dirname(outFile), 'build-info.js'), buildInfo],
]) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}
console.log(`validators: ${names.length} schemas -> ${outFile.slice(root.length + 1)}`);
