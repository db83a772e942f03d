/**
 * The acme workbooks open in LibreOffice (a real consumer, not exceljs reading its own output):
 * every sheet converted to CSV has the rows of its model table plus the header, and typed cells come
 * out as numbers and dates. Skips without soffice, fails in CI (test/support/soffice.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { buildGap, buildRemediation } from '../../src/app/build.js';
import type { RunContext } from '../../src/app/build.js';
import { ingestWorkspace } from '../../src/app/workspace-findings.js';
import { validate } from '../../src/app/validate.js';
import type { ReportModel } from '../../src/model/report-model.js';
import { sheetNames, xlsxRenderer } from '../../src/renderers/xlsx.js';
import { examplesDir } from '../support/paths.js';
import { requireTool, runSoffice } from '../support/tools.js';

const acme = join(examplesDir, 'acme');

/**
 * Every sheet to its own CSV (LibreOffice 7.2+: the 12th token of the filter options, -1, exports all
 * sheets as <name>-<sheet>.csv): comma, double quote, UTF-8, from line 1, formatted as shown.
 */
const ALL_SHEETS_CSV = 'csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1';

async function acmeModels(): Promise<Record<string, ReportModel>> {
  const checked = await validate({ paths: [acme], at: '2026-11-29' });
  const workspace = checked.workspaces[0]!;
  const ingested = await ingestWorkspace(workspace);
  const run: RunContext = { workspace, ingested, at: new Date('2026-11-29T00:00:00Z') };
  const of = (type: string) => workspace.outputs.find((o) => o.type === type && o.kind === 'Report')!;
  return { gap: buildGap(run, of('gap'), 'nist-800-171'), remediation: buildRemediation(run, of('remediation')) };
}

describe('XLSX in LibreOffice', () => {
  it('gap and remediation workbooks convert to CSV with the same row counts, numbers and dates', async (t) => {
    const soffice = requireTool(t, 'LibreOffice', 'soffice');
    if (!soffice) return;
    const models = await acmeModels();
    const dir = mkdtempSync(join(tmpdir(), 'infracast-xlsx-lo-'));
    try {
      for (const [name, model] of Object.entries(models)) {
        writeFileSync(join(dir, `${name}.xlsx`), await xlsxRenderer.render(model, { workspaceRoot: acme, templatesDir: join(acme, 'templates') }));
        const result = runSoffice(soffice, ['--convert-to', ALL_SHEETS_CSV, '--outdir', dir, `${name}.xlsx`], dir);
        assert.equal(result.status, 0, result.stderr);
        const names = sheetNames(['Summary', ...model.tables.map((table) => table.title), 'Provenance']);
        const csvs = readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.csv'));
        assert.deepEqual(csvs.sort(), names.map((n) => `${name}-${n}.csv`).sort(), 'one CSV per sheet');
        for (const [i, table] of model.tables.entries()) {
          const rows = parse(readFileSync(join(dir, `${name}-${names[i + 1]}.csv`), 'utf8'), { relax_column_count: true }) as string[][];
          assert.equal(rows.length, table.rows.length + 1, `${name}: ${table.title}`);
          assert.deepEqual(
            rows[0],
            table.columns.map((c) => c.label),
          );
          for (const [c, column] of table.columns.entries()) {
            const first = table.rows.findIndex((row) => row[column.key] !== null && row[column.key] !== undefined);
            if (first < 0) continue;
            const shown = rows[first + 1]![c]!;
            const raw = table.rows[first]![column.key];
            // Numbers are shown with the integer format (thousands separator), dates as yyyy-mm-dd[ hh:mm:ss].
            if (column.type === 'number') assert.equal(shown.replace(/,/g, ''), String(raw), `${table.title}.${column.key}`);
            if (column.type === 'date') assert.match(shown, /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/, `${table.title}.${column.key}`);
          }
        }
        const summary = readFileSync(join(dir, `${name}-Summary.csv`), 'utf8');
        assert.match(summary.split('\n')[0]!, /^CUI/, 'banner first');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
