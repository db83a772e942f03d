#!/usr/bin/env node
// Writes the views of the type table (src/model/output-types.ts) that live in files: the README's
// list of types (between its types:start and types:end markers) and the type, report_subtype and
// per-type format enums of schemas/report.schema.json and document.schema.json. Run by
// `npm run docs:types`, which compiles first and builds again after (the validators come from the
// schemas). test/unit/output-types.test.ts fails when a file differs from what this would write.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { withReadmeTypes, withSchemaTypes } = await import(join(root, 'dist', 'src', 'app', 'types-docs.js'));

/** Rewrites a file when its content changes; says which. */
function update(path, next) {
  if (readFileSync(path, 'utf8') === next) return;
  writeFileSync(path, next);
  console.log(`docs:types: rewrote ${path.slice(root.length + 1)}`);
}

const readme = join(root, 'README.md');
update(readme, withReadmeTypes(readFileSync(readme, 'utf8')));
for (const [file, kind] of [
  ['report.schema.json', 'Report'],
  ['document.schema.json', 'Document'],
]) {
  const path = join(root, 'schemas', file);
  update(path, `${JSON.stringify(withSchemaTypes(JSON.parse(readFileSync(path, 'utf8')), kind), null, 2)}\n`);
}
