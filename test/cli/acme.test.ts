/**
 * examples/acme is the main fixture: its README states the figures it is built to produce.
 * This test checks the ones that can be checked before the engine exists (definitions per kind,
 * files, outputs, the one expiry warning, records per findings file); the engine's issue adds
 * the SPRS score and the evaluated counts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validate } from '../../src/index.js';
import { examplesDir, repoRoot } from '../support/paths.js';

const acme = join(examplesDir, 'acme');
const readme = readFileSync(join(acme, 'README.md'), 'utf8');

/** Rows of the Markdown table that follows a heading, as arrays of cell texts. */
function tableAfter(heading: string): string[][] {
  const start = readme.indexOf(heading);
  assert.ok(start !== -1, `README has "${heading}"`);
  const lines = readme.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim().replace(/\*\*/g, '')),
    );
  }
  return rows;
}

/** Records in a findings file, counted from the format's own structure. */
function recordsIn(path: string): number {
  const text = readFileSync(join(acme, path), 'utf8');
  if (path.endsWith('.csv')) return text.trim().split('\n').length - 1;
  const json = JSON.parse(text);
  if (path.endsWith('.sarif')) return json.runs.reduce((n: number, run: { results: unknown[] }) => n + run.results.length, 0);
  if (Array.isArray(json)) return json.length;
  return (json.Findings ?? json.findings).length;
}

describe('examples/acme: the figures its README states', () => {
  it('validates with exactly the one deliberate warning', async () => {
    const result = await validate({ paths: [acme], at: '2026-11-29' });
    assert.equal(result.ok, true, JSON.stringify(result.diagnostics, null, 2));
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.file.slice(acme.length + 1)}`),
      ['warning expired exceptions/exc-2025-014-dr-eks-version-expired.yaml'],
    );
  });
  it('has the documents per kind, files and outputs of the README table', async () => {
    const ws = (await validate({ paths: [acme], at: '2026-11-29' })).workspaces[0]!;
    const table = new Map(tableAfter('### Documents per kind').map(([kind, n]) => [kind!, Number(n)]));
    const counted = new Map<string, number>();
    for (const d of ws.documents) counted.set(d.kind, (counted.get(d.kind) ?? 0) + 1);
    for (const kind of ['Report', 'Document', 'Schedule', 'ControlImplementation', 'Attestation', 'Exception', 'Mapping', 'Inventory']) {
      assert.equal(counted.get(kind), table.get(kind), kind);
    }
    assert.equal(ws.files.length, table.get('YAML files checked by `validate` (incl. infracast.yaml)'));
    assert.equal(ws.outputs.length, table.get('output definitions (8 Reports + 6 Documents + 1 inline in a schedule)'));
  });
  it('has the output names of the README table', async () => {
    const ws = (await validate({ paths: [acme], at: '2026-11-29' })).workspaces[0]!;
    const expected = tableAfter('### Definitions and output names')
      .filter((row) => row[1] !== 'Schedule')
      .map((row) => row[3]!)
      .sort();
    assert.deepEqual(ws.outputs.map((o) => o.outputName).sort(), expected);
  });
  it('has the records per findings file of the README table', () => {
    const rows = tableAfter('| file | format | producer').filter((row) => row[0]!.startsWith('findings/'));
    assert.equal(rows.length, 5);
    let total = 0;
    for (const row of rows) {
      assert.equal(recordsIn(row[0]!), Number(row[4]), row[0]);
      total += Number(row[4]);
    }
    assert.equal(total, 433);
  });
  it('its findings are what scripts/generate-acme-findings.js writes', () => {
    const generated = spawnSync(process.execPath, ['scripts/generate-acme-findings.js', '--check'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(generated.status, 0, generated.stdout + generated.stderr);
  });
});
