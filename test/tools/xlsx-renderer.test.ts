/**
 * The XLSX renderer (issue 5, XLSX part), structural tests (DESIGN.md "Tests": read back, assert
 * content, never bytes): the acme gap, remediation, framework and POA&M models rendered and read back
 * with exceljs, and the zip itself inspected. Plus the CLI writing an .xlsx, and hostile text.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { Worksheet } from 'exceljs';
import { buildFramework, buildGap, buildPoam, buildRemediation } from '../../src/app/build.js';
import type { RunContext } from '../../src/app/build.js';
import { ingestWorkspace } from '../../src/app/workspace-findings.js';
import { validate } from '../../src/app/validate.js';
import type { ReportModel, Table } from '../../src/model/report-model.js';
import { isoToDate, sheetNames, xlsxRenderer } from '../../src/renderers/xlsx.js';
import { runCli } from '../support/cli.js';
import { examplesDir } from '../support/paths.js';

const acme = join(examplesDir, 'acme');
const ctx = { workspaceRoot: acme, templatesDir: join(acme, 'templates') };
const models = new Map<string, ReportModel>();

async function load(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  return workbook;
}

const letter = (n: number): string => String.fromCharCode(64 + n);

/** Zip entry names and DOS date/time fields, in the order of the local headers. */
function zipEntries(bytes: Uint8Array): { name: string; time: number; date: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: { name: string; time: number; date: number }[] = [];
  let at = 0;
  while (view.getUint32(at, true) === 0x04034b50) {
    const nameLength = view.getUint16(at + 26, true);
    const extra = view.getUint16(at + 28, true);
    entries.push({
      name: new TextDecoder().decode(bytes.subarray(at + 30, at + 30 + nameLength)),
      time: view.getUint16(at + 10, true),
      date: view.getUint16(at + 12, true),
    });
    at += 30 + nameLength + extra + view.getUint32(at + 18, true);
  }
  return entries;
}

describe('XLSX renderer on examples/acme', () => {
  before(async () => {
    const checked = await validate({ paths: [acme], at: '2026-11-29' });
    const workspace = checked.workspaces[0]!;
    const ingested = await ingestWorkspace(workspace);
    const run: RunContext = { workspace, ingested, at: new Date('2026-11-29T00:00:00Z') };
    const of = (type: string) => workspace.outputs.find((o) => o.type === type && o.kind === 'Report')!;
    models.set('gap', buildGap(run, of('gap'), 'nist-800-171'));
    models.set('remediation', buildRemediation(run, of('remediation')));
    models.set('framework', buildFramework(run, of('framework'), 'nist-800-53'));
    models.set('poam', buildPoam(run, of('poam'), undefined).model);
  });

  for (const kind of ['gap', 'remediation', 'framework', 'poam']) {
    it(`${kind}: one sheet per table between Summary and Provenance, row counts, typed cells`, async () => {
      const model = models.get(kind)!;
      const workbook = await load(await xlsxRenderer.render(model, ctx));
      const names = workbook.worksheets.map((w) => w.name);
      assert.deepEqual(names, ['Summary', ...sheetNames(model.tables.map((t) => t.title)).map((n) => n), 'Provenance'].slice(0, names.length));
      assert.equal(names.length, model.tables.length + 2);
      for (const [i, table] of model.tables.entries()) {
        const sheet = workbook.worksheets[i + 1]!;
        assert.equal(sheet.actualRowCount, table.rows.length + 1, `${sheet.name}: header + ${table.rows.length} rows`);
        assert.deepEqual(
          (sheet.getRow(1).values as unknown[]).slice(1),
          table.columns.map((c) => c.label),
        );
        assertTypedCells(sheet, table);
      }
    });
  }

  it('every table sheet: frozen header row, autofilter over the used range, widths within bounds, wrap on prose', async () => {
    const model = models.get('remediation')!;
    const workbook = await load(await xlsxRenderer.render(model, ctx));
    for (const [i, table] of model.tables.entries()) {
      const sheet = workbook.worksheets[i + 1]!;
      const view = sheet.views[0] as { state: string; ySplit: number; xSplit?: number };
      assert.equal(view.state, 'frozen');
      assert.equal(view.ySplit, 1);
      assert.equal(sheet.autoFilter, `A1:${letter(table.columns.length)}${table.rows.length + 1}`);
      for (let c = 1; c <= table.columns.length; c++) {
        const width = sheet.getColumn(c).width!;
        assert.ok(width >= 8 && width <= 60, `${sheet.name} column ${c}: width ${width}`);
      }
    }
    const findings = workbook.getWorksheet('Open findings')!;
    const remediation = model.tables[1]!.columns.findIndex((c) => c.key === 'remediation') + 1;
    assert.equal(findings.getCell(2, remediation).alignment?.wrapText, true, 'remediation text wraps');
    const identity = model.tables[1]!.columns.findIndex((c) => c.key === 'identity') + 1;
    assert.notEqual(findings.getCell(2, identity).alignment?.wrapText, true, 'identifiers do not wrap');
  });

  it('status columns: data validation list and conditional fills; severity columns: fills for CRITICAL..INFORMATIONAL', async () => {
    const model = models.get('gap')!;
    const workbook = await load(await xlsxRenderer.render(model, ctx));
    const table = model.tables[0]!;
    const sheet = workbook.worksheets[1]!;
    const status = table.columns.findIndex((c) => c.type === 'status') + 1;
    const severity = table.columns.findIndex((c) => c.type === 'severity') + 1;
    for (let r = 2; r <= table.rows.length + 1; r++) {
      const validation = sheet.getCell(r, status).dataValidation;
      assert.equal(validation?.type, 'list', `row ${r}`);
      assert.deepEqual(validation?.formulae, ['"passing,failing,not-assessed,not-applicable"']);
    }
    assert.equal(sheet.getCell(2, severity).dataValidation, undefined, 'no validation on other columns');
    // Read back by exceljs's reader, which its typings do not declare.
    const formats = (sheet as Worksheet & { conditionalFormattings: { ref: string; rules: unknown[] }[] }).conditionalFormattings;
    const statusRef = `${letter(status)}2:${letter(status)}${table.rows.length + 1}`;
    const severityRef = `${letter(severity)}2:${letter(severity)}${table.rows.length + 1}`;
    const rulesOf = (ref: string) =>
      formats
        .find((f) => f.ref === ref)
        ?.rules.map((rule) => {
          const r = rule as { formulae?: string[]; style?: { fill?: { bgColor?: { argb?: string } } } };
          return [r.formulae?.[0], r.style?.fill?.bgColor?.argb];
        });
    assert.deepEqual(rulesOf(statusRef), [
      ['"failing"', 'FFF8CBAD'],
      ['"passing"', 'FFC6EFCE'],
      ['"not-assessed"', 'FFFFEB9C'],
      ['"not-applicable"', 'FFE7E6E6'],
    ]);
    assert.deepEqual(
      rulesOf(severityRef)?.map((r) => r[0]),
      ['"CRITICAL"', '"HIGH"', '"MEDIUM"', '"LOW"', '"INFORMATIONAL"'],
    );
    // POA&M statuses are open/closed: their own vocabulary.
    const poam = await load(await xlsxRenderer.render(models.get('poam')!, ctx));
    const poamTable = models.get('poam')!.tables[0]!;
    const poamStatus = poamTable.columns.findIndex((c) => c.type === 'status') + 1;
    assert.deepEqual(poam.worksheets[1]!.getCell(2, poamStatus).dataValidation?.formulae, ['"open,closed"']);
  });

  it('summary sheet: banner first, cover facts, summary figures; banner in every header and footer; properties', async () => {
    const model = models.get('gap')!;
    const bytes = await xlsxRenderer.render(model, ctx);
    const workbook = await load(bytes);
    const summary = workbook.getWorksheet('Summary')!;
    assert.equal(summary.getCell('A1').value, 'CUI//FEDCON');
    assert.equal(summary.getCell('A2').value, model.meta.title);
    const facts = new Map<string, unknown>();
    summary.eachRow((row) => {
      const label = String(row.getCell(1).value);
      if (!facts.has(label)) facts.set(label, row.getCell(2).value);
    });
    assert.equal(facts.get('Tenant'), 'Acme Corp (acme-corp)');
    assert.equal(facts.get('Frameworks'), 'nist-800-171');
    assert.deepEqual(facts.get('Generated at (UTC)'), new Date(model.meta.generatedAt));
    assert.equal(facts.get('Controlled by'), 'Acme Corp, Security Compliance Office');
    assert.equal(facts.get('SPRS: score'), 80);
    assert.equal(facts.get('Gaps'), 12);
    // The gap golden's "May go on a CMMC POA&M | 5 of 12" (CMMC status with POA&M, model/cmmc.ts).
    assert.equal(facts.get('SPRS: POA&M eligible'), 5);
    for (const sheet of workbook.worksheets) {
      assert.match(sheet.headerFooter.oddHeader ?? '', /&C&"-,Bold"CUI\/\/FEDCON&R/, `${sheet.name} header`);
      assert.match(sheet.headerFooter.oddFooter ?? '', /&C&"-,Bold"CUI\/\/FEDCON&RPage &P of &N/, `${sheet.name} footer`);
    }
    const provenance = workbook.getWorksheet('Provenance')!;
    const cells: string[] = [];
    provenance.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value))));
    for (const input of model.provenance.inputs) assert.ok(cells.includes(input.path) && cells.includes(input.sha256), input.path);
    assert.ok(cells.includes(model.provenance.toolVersion));
    // Where the findings' observation times come from, per file: Trivy's from infracast.yaml.
    assert.ok(cells.includes('Observation times of findings'));
    assert.ok(cells.includes('declared in infracast.yaml (2026-11-26T00:00:00Z)'), cells.join(' | '));
    assert.ok(cells.includes('the records'));
    assert.equal(workbook.title, model.meta.title);
    assert.equal(workbook.creator, 'Acme Corp');
    assert.match(workbook.keywords, /nist-800-171/);
    assert.match(workbook.subject, /gap/);
    assert.deepEqual(workbook.created, new Date(model.meta.generatedAt));
    assert.deepEqual(workbook.modified, new Date(model.meta.generatedAt));
  });

  it('same model, same bytes; zip entries sorted with generated_at as their time', async () => {
    const model = models.get('remediation')!;
    const a = await xlsxRenderer.render(model, ctx);
    await new Promise((resolve) => setTimeout(resolve, 2100)); // a different wall-clock second pair
    const b = await xlsxRenderer.render(model, ctx);
    assert.ok(Buffer.from(a).equals(Buffer.from(b)), 'byte-identical');
    const entries = zipEntries(a);
    const names = entries.map((e) => e.name);
    assert.deepEqual(
      names,
      [...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)),
    );
    assert.ok(names.includes('[Content_Types].xml') && names.includes('xl/workbook.xml') && names.every((n) => !n.startsWith('/')));
    const at = new Date(model.meta.generatedAt);
    for (const e of entries) {
      assert.equal(e.date, ((at.getUTCFullYear() - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(), e.name);
      assert.equal(e.time, (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1), e.name);
    }
  });
});

function assertTypedCells(sheet: Worksheet, table: Table): void {
  for (const [r, row] of table.rows.entries()) {
    for (const [c, column] of table.columns.entries()) {
      const value = row[column.key];
      const cell = sheet.getCell(r + 2, c + 1).value;
      const where = `${sheet.name}!${letter(c + 1)}${r + 2}`;
      if (value === null || value === undefined) assert.equal(cell, null, where);
      else if (column.type === 'number') assert.equal(cell, Number(value), where);
      else if (column.type === 'date' && typeof value === 'string' && isoToDate(value)) {
        assert.ok(cell instanceof Date, `${where}: a real date`);
        assert.equal(cell.getTime(), isoToDate(value)!.getTime(), where);
      } else assert.equal(cell, value, where);
    }
  }
}

describe('XLSX renderer: names, dates and hostile text', () => {
  it('sheet names: forbidden characters replaced, at most 31 characters, unique ignoring case', () => {
    assert.deepEqual(sheetNames(['Summary', 'a/b:c*d?e[f]g\\h', 'x'.repeat(40), 'x'.repeat(40), 'SUMMARY', "'quoted'", 'History', '']), [
      'Summary',
      'a b c d e f g h',
      'x'.repeat(31),
      `${'x'.repeat(27)} (2)`,
      'SUMMARY (2)',
      'quoted',
      'History sheet',
      'Sheet',
    ]);
  });

  it('ISO dates are read in UTC; other text is not a date', () => {
    assert.equal(isoToDate('2026-11-29')?.toISOString(), '2026-11-29T00:00:00.000Z');
    assert.equal(isoToDate('2026-11-27T05:00:01Z')?.toISOString(), '2026-11-27T05:00:01.000Z');
    assert.equal(isoToDate('2026-11-27T05:00:01')?.toISOString(), '2026-11-27T05:00:01.000Z');
    assert.equal(isoToDate('2026-11-27T05:00:01-05:00')?.toISOString(), '2026-11-27T10:00:01.000Z');
    assert.equal(isoToDate('yesterday'), null);
    assert.equal(isoToDate('2026-13-45'), null);
    assert.equal(isoToDate('2026-02-30'), null);
    assert.equal(isoToDate('2026-02-30T10:00:00'), null);
  });

  it('formula-looking, control-character and over-long text stays inert text', async () => {
    const model: ReportModel = {
      kind: 'remediation',
      meta: {
        title: 'Hostile & <odd>',
        tenant: { id: 't', name: 'T & Co' },
        frameworks: [],
        generatedAt: '2026-01-02T03:04:05Z',
        coverPage: true,
        tableOfContents: false,
      },
      provenance: { toolVersion: 'infracast test', catalogs: [], inputs: [], generatedAt: '2026-01-02T03:04:05Z', coverage: [] },
      sections: [],
      tables: [
        {
          id: 't',
          title: 'Rows: [odd]?',
          columns: [
            { key: 'text', label: 'Text', type: 'string' },
            { key: 'when', label: 'When', type: 'date' },
            { key: 'n', label: 'N', type: 'number' },
            { key: 'status', label: 'Status', type: 'status' },
          ],
          rows: [
            { text: '=HYPERLINK("https://evil.example","click")', when: 'not a date', n: '12', status: 'weird, value' },
            { text: 'bell\u0007 and nul\u0000 gone', when: null, n: null, status: null },
            { text: 'y'.repeat(40000), when: '2026-01-01', n: 1.5, status: 'other' },
          ],
        },
      ],
    };
    const workbook = await load(await xlsxRenderer.render(model, ctx));
    const sheet = workbook.getWorksheet('Rows odd')!;
    assert.equal(sheet.getCell('A2').value, '=HYPERLINK("https://evil.example","click")');
    assert.equal(sheet.getCell('A2').type, ExcelJS.ValueType.String);
    assert.equal(sheet.getCell('B2').value, 'not a date');
    assert.equal(sheet.getCell('C2').value, 12);
    assert.equal(sheet.getCell('A3').value, 'bell and nul gone');
    assert.equal(String(sheet.getCell('A4').value).length, 32767);
    assert.equal(sheet.getCell('C4').value, 1.5);
    // A status value with a comma cannot be in an inline list: no validation rather than a wrong one.
    assert.equal(sheet.getCell('D2').dataValidation, undefined);
    assert.match(sheet.headerFooter.oddHeader ?? '', /Hostile && <odd>/);
  });
});

describe('infracast render --format xlsx (the CLI)', () => {
  it('writes the remediation and gap workbooks and lists them in out/index.json', () => {
    const root = mkdtempSync(join(tmpdir(), 'infracast-xlsx-cli-'));
    try {
      cpSync(acme, root, { recursive: true });
      const result = runCli(['render', 'reports/remediation-by-team.yaml', 'reports/nist-800-171-gap.yaml', '--format', 'xlsx', '--json'], {
        cwd: root,
        env: { SOURCE_DATE_EPOCH: '1796040000' },
      });
      assert.equal(result.status, 0, result.stderr + result.stdout);
      for (const file of ['out/remediation-by-team/remediation-by-team.xlsx', 'out/nist-800-171-gap-analysis/nist-800-171-gap-analysis.xlsx']) {
        assert.ok(existsSync(join(root, file)), file);
      }
      const index = JSON.parse(readFileSync(join(root, 'out', 'index.json'), 'utf8')) as { items?: { format: string; status: string }[] };
      const items = index.items ?? (index as unknown as { format: string; status: string }[]);
      assert.equal(items.filter((i) => i.format === 'xlsx' && i.status === 'completed').length, 2);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
