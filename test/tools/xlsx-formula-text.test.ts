/**
 * Formula-looking text in XLSX (issue 12, OWASP "CSV injection"): every text cell starting with
 * `=`, `+`, `-`, `@`, TAB or CR is written with the Text number format and `quotePrefix="1"` on its
 * style, as Excel itself writes a cell typed with a leading apostrophe, so that no spreadsheet (nor
 * an edit of the cell, nor a CSV export opened again) evaluates it. Numbers and dates stay typed.
 * Checked in the written XML, and in LibreOffice's CSV of the workbook (the text, not a result).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import type { ReportModel } from '../../src/model/report-model.js';
import { xlsxRenderer } from '../../src/renderers/xlsx.js';
import { requireTool, runSoffice } from '../support/tools.js';

const FORMULAS = ['=1+1', '+1+1', '-1+1', '@SUM(1,1)', '\t=1+1', '\r=1+1', '=HYPERLINK("https://evil.example","click")', "=cmd|' /C calc'!A0"];

function model(): ReportModel {
  return {
    kind: 'remediation',
    meta: {
      title: '=1+1 title',
      tenant: { id: 't', name: '-1+1 tenant' },
      companyName: '@SUM(1,1)',
      frameworks: [],
      generatedAt: '2026-01-02T03:04:05Z',
      coverPage: true,
      tableOfContents: false,
    },
    provenance: {
      toolVersion: 'infracast test',
      catalogs: [],
      inputs: [{ path: '=1+1.json', sha256: '0'.repeat(64) }],
      generatedAt: '2026-01-02T03:04:05Z',
      coverage: [],
    },
    sections: [{ id: 'summary', heading: 'Summary', level: 2, data: { owner: '+1+1 owner' } }],
    tables: [
      {
        id: 't',
        title: 'Rows',
        columns: [
          { key: 'text', label: 'Text', type: 'string' },
          { key: 'when', label: 'When', type: 'date' },
          { key: 'n', label: 'N', type: 'number' },
          { key: 'safe', label: '=label', type: 'string' },
        ],
        rows: [
          ...FORMULAS.map((text, i) => ({ text, when: i === 0 ? '2026-01-01' : '=NOW()', n: i === 0 ? -5 : '-', safe: 'plain text' })),
          { text: 'a=1', when: '2026-01-01T10:00:00Z', n: -1.5, safe: ' =1+1 after a space' },
        ],
      },
    ],
  };
}

/** Per sheet XML file: cell reference -> { style index, type, text (text cells only) }. */
function cells(xml: string): Map<string, { s: number; t?: string; text?: string }> {
  const out = new Map<string, { s: number; t?: string; text?: string }>();
  for (const m of xml.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const attrs = m[2]!;
    const s = Number(/\bs="(\d+)"/.exec(attrs)?.[1] ?? 0);
    const t = /\bt="(\w+)"/.exec(attrs)?.[1];
    // exceljs writes text as t="str" with <v> (no shared strings), or t="inlineStr" with <is><t>.
    const text = t === 'str' || t === 'inlineStr' ? /<(?:v|t)(?: [^>]*)?>([\s\S]*?)<\/(?:v|t)>/.exec(m[3] ?? '')?.[1] : undefined;
    out.set(m[1]!, { s, ...(t ? { t } : {}), ...(text !== undefined ? { text: decode(text) } : {}) });
  }
  return out;
}

const decode = (text: string): string =>
  text
    .replace(/_x([0-9A-F]{4})_/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

const FORMULA_LIKE = /^[=+\-@\t\r]/;

describe('XLSX: formula-looking text is stored as text', () => {
  it('every text cell starting with = + - @ TAB CR has quotePrefix="1" and the Text format; other cells do not; numbers and dates stay typed', async () => {
    const files = unzipSync(await xlsxRenderer.render(model(), { workspaceRoot: '.', templatesDir: '.' }));
    const styles = strFromU8(files['xl/styles.xml']!);
    const xfs = [.../<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)![1]!.matchAll(/<xf\b[^>]*>/g)].map((m) => m[0]);
    const sheets = Object.keys(files).filter((name) => /^xl\/worksheets\/sheet\d+\.xml$/.test(name));
    assert.equal(sheets.length, 3, 'Summary, Rows, Provenance');
    let guarded = 0;
    const seen = new Set<string>();
    for (const name of sheets) {
      for (const [ref, cell] of cells(strFromU8(files[name]!))) {
        const xf = xfs[cell.s] ?? '';
        if (cell.text === undefined) {
          assert.doesNotMatch(xf, /quotePrefix/, `${name} ${ref}: a number or date is not quote-prefixed`);
          continue;
        }
        seen.add(cell.text);
        if (FORMULA_LIKE.test(cell.text)) {
          guarded++;
          assert.match(xf, /quotePrefix="1"/, `${name} ${ref} ${JSON.stringify(cell.text)}: ${xf}`);
          assert.match(xf, /numFmtId="49"/, `${name} ${ref}: Text format`);
        } else {
          assert.doesNotMatch(xf, /quotePrefix/, `${name} ${ref} ${JSON.stringify(cell.text)}`);
        }
      }
    }
    for (const text of [...FORMULAS, '=1+1 title', '-1+1 tenant (t)', '@SUM(1,1)', '+1+1 owner', '=1+1.json', '=label', '-', '=NOW()']) {
      assert.ok(seen.has(text), `${JSON.stringify(text)} is written as text`);
    }
    assert.ok(guarded >= FORMULAS.length + 8, `${guarded} guarded cells`);
    // The first row's date and number are typed: no t="inlineStr", a serial and a number.
    const rows = cells(strFromU8(files[sheets.find((n) => n.endsWith('sheet2.xml'))!]!));
    assert.equal(rows.get('B2')!.t, undefined);
    assert.equal(rows.get('C2')!.t, undefined);
    assert.equal(rows.get('C10')!.t, undefined, '-1.5 is a number');
  });

  it('LibreOffice shows the text, not a formula or its result', async (t) => {
    const soffice = requireTool(t, 'LibreOffice', 'soffice');
    if (!soffice) return;
    const dir = mkdtempSync(join(tmpdir(), 'infracast-xlsx-formula-'));
    try {
      writeFileSync(join(dir, 'f.xlsx'), await xlsxRenderer.render(model(), { workspaceRoot: '.', templatesDir: '.' }));
      // Every sheet as CSV (as in xlsx-libreoffice.test.ts); token 10 false: a formula cell gives its result, so "=1+1" evaluated would be "2".
      const filter = 'csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1';
      const result = runSoffice(soffice, ['--convert-to', filter, '--outdir', dir, 'f.xlsx'], dir);
      assert.equal(result.status, 0, result.stderr);
      assert.ok(readdirSync(dir).includes('f-Rows.csv'), readdirSync(dir).join(', '));
      const rows = parse(readFileSync(join(dir, 'f-Rows.csv'), 'utf8'), { relax_column_count: true }) as string[][];
      // LibreOffice drops the leading TAB or CR of a text value (the XML has them), and evaluates none.
      assert.deepEqual(
        rows.slice(1, FORMULAS.length + 1).map((r) => r[0]),
        FORMULAS.map((f) => f.replace(/^[\t\r]/, '')),
      );
      assert.equal(rows[1]![2], '-5');
      assert.equal(rows[2]![1], '=NOW()');
      assert.equal(rows[0]![3], '=label');
      const summary = readFileSync(join(dir, 'f-Summary.csv'), 'utf8');
      assert.match(summary, /=1\+1 title/);
      assert.match(summary, /-1\+1 tenant/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
