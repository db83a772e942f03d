/** An unknown control id in a finding is reported once per id with a count, never fatal (issue: engine). */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { ingest } from '../../src/app/ingest.js';

it('unknown and withdrawn control ids are counted per id; known ones are not listed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'infracast-unknown-'));
  const record = (id: string, controls: string[]) => ({
    id,
    title: id,
    result: 'FAIL',
    severity: 'LOW',
    resource: { id },
    controls: { 'nist-800-53': controls },
  });
  const file = join(dir, 'export.json');
  writeFileSync(file, JSON.stringify({ findings: [record('a', ['AC-2', 'ZZ-9']), record('b', ['ZZ-9', 'AC-3(1)']), record('c', ['AC-2'])] }));
  const result = await ingest({ paths: [file] });
  assert.equal(result.totals.findings, 3, 'nothing dropped');
  assert.deepEqual(result.files[0]?.counts.unknownControls, [
    { framework: 'nist-800-53', id: 'AC-3(1)', findings: 1 },
    { framework: 'nist-800-53', id: 'ZZ-9', findings: 2 },
  ]);
});
