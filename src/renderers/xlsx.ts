/**
 * XLSX: the ReportModel's tables as a workbook (DESIGN.md "Rendering": XLSX comes straight from the
 * model's tables). A Summary sheet (cover facts and the report's summary figures), one sheet per
 * table, a Provenance sheet.
 *
 * Every sheet goes through exceljs's streaming writer (`stream.xlsx.WorkbookWriter`), rows committed
 * as they are written, so a 100,000-finding table never exists a second time as cells or XML. In
 * exceljs 4.4 the streaming writer has every feature used here: frozen panes (`views`), `autoFilter`,
 * `headerFooter`, `pageSetup`, column widths and styles (with `useStyles`), `dataValidations` and
 * `addConditionalFormatting` (added to the streaming writer by exceljs PR #1143). What it lacks
 * (images, tables, notes on committed rows) is not used, so no sheet needs the in-memory Workbook.
 * Known constraints of streaming, handled here: columns must be set before the first row is
 * committed (widths come from a first pass over the model's rows), and the sheet's stream must be
 * drained as rows are written (the loop yields to the event loop so archiver compresses as it goes).
 *
 * exceljs stamps the wall-clock time into every zip entry: the bytes are re-packed by
 * io/deterministic-zip.ts (sorted entries, generated_at as mtime, fflate deflate), so the same model gives
 * the same bytes. Workbook created/modified are meta.generatedAt.
 *
 * Text that a spreadsheet could take for a formula (OWASP's CSV injection: a leading `=`, `+`, `-`,
 * `@`, TAB or CR) is stored as text twice over: the cell has the Text number format (`@`), and its
 * style `quotePrefix="1"`, as Excel writes a cell typed with a leading apostrophe. A text cell is
 * never a formula when the file is opened; these keep it text when the cell is edited or the sheet
 * is saved as CSV and opened again. exceljs 4.4 has no API for quotePrefix: the Text format marks
 * those cells' styles, and styles.xml is given the attribute on every Text-formatted style while
 * the zip is re-packed.
 *
 * exceljs is imported on first use so that CLI start-up does not load it.
 */
import { Writable } from 'node:stream';
import { strFromU8, strToU8 } from 'fflate';
import type { Borders, Cell, DataValidation, Fill, Font, Row, Style, Workbook, Worksheet } from 'exceljs';
import type { OutputFormat } from '../model/definitions.js';
import type { ObservationProvenance, ReportModel, Table } from '../model/report-model.js';
import type { Renderer } from './renderer.js';
import { normaliseZip } from '../io/deterministic-zip.js';

type ColumnType = Table['columns'][number]['type'];
type CellValue = string | number | Date | null;

/** Control statuses (model/control.ts) and POA&M item statuses (model/poam.ts): the vocabularies of 'status' columns. */
const STATUS_VOCABULARIES: readonly (readonly string[])[] = [
  ['passing', 'failing', 'not-assessed', 'not-applicable'],
  ['open', 'closed'],
];
const SEVERITY_VOCABULARY = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];

/** Conditional fills (ARGB): background and font colour per value. */
const STATUS_FILLS: Record<string, [string, string]> = {
  failing: ['FFF8CBAD', 'FF9C0006'],
  passing: ['FFC6EFCE', 'FF006100'],
  closed: ['FFC6EFCE', 'FF006100'],
  'not-assessed': ['FFFFEB9C', 'FF7F6000'],
  open: ['FFFFEB9C', 'FF7F6000'],
  'not-applicable': ['FFE7E6E6', 'FF3A3838'],
};
const SEVERITY_FILLS: Record<string, [string, string]> = {
  CRITICAL: ['FFC00000', 'FFFFFFFF'],
  HIGH: ['FFF8CBAD', 'FF9C0006'],
  MEDIUM: ['FFFFEB9C', 'FF7F6000'],
  LOW: ['FFDDEBF7', 'FF1F4E78'],
  INFORMATIONAL: ['FFEDEDED', 'FF3A3838'],
};

const HEADER_FILL: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F3864' } };
const HEADER_FONT: Partial<Font> = { bold: true, color: { argb: 'FFFFFFFF' } };
const HEADER_BORDER: Partial<Borders> = { bottom: { style: 'thin', color: { argb: 'FF8EA9DB' } } };
const LABEL_FONT: Partial<Font> = { bold: true, color: { argb: 'FF1F3864' } };

/** Excel's cell limit is 32,767 characters; longer text is cut with a marker. */
const MAX_CELL = 32767;
const MIN_WIDTH = 8;
const MAX_WIDTH = 60;
/** Identifier columns (no spaces: hashes, ARNs) are cut at this width rather than widen the sheet. */
const MAX_ID_WIDTH = 40;
/** Text columns whose longest value exceeds this many characters wrap. */
const WRAP_OVER = 40;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;
/** Rows written between yields to the event loop (lets archiver drain the sheet stream). */
const ROWS_PER_YIELD = 500;

/** The Date of an ISO date or date-time string, in UTC (a date-time without zone is read as UTC); null otherwise. */
export function isoToDate(value: string): Date | null {
  const dateOnly = DATE_ONLY.test(value);
  const match = dateOnly ? null : DATE_TIME.exec(value);
  if (!dateOnly && !match) return null;
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : match![3] ? value : `${value}Z`);
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls impossible days over (2026-02-30 -> March 2): such text is not a date.
  if (!match?.[3] && new Date(ms).toISOString().slice(0, 10) !== value.slice(0, 10)) return null;
  return new Date(ms);
}

/** Excel's built-in Text number format (numFmtId 49): the mark of the cells given quotePrefix. */
const TEXT_FORMAT = '@';
const TEXT_FORMAT_ID = '49';

/** Whether a value is text a spreadsheet could read as a formula: = + - @ TAB CR first (OWASP). */
export function isFormulaLike(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const c = value.charCodeAt(0);
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;
}

/** Gives a formula-like text cell the Text format (and so quotePrefix), keeping the rest of its style. */
function guardText(cell: Cell): void {
  if (isFormulaLike(cell.value)) cell.style = { ...cell.style, numFmt: TEXT_FORMAT };
}

/** Commits a row of the sheets written cell by cell (not the table rows: writeTableSheet guards those as it builds them). */
function commitRow(row: Row): void {
  row.eachCell(guardText);
  row.commit();
}

/** styles.xml with quotePrefix="1" on every cell style of the Text format (see the module comment). */
export function quotePrefixTextStyles(styles: Uint8Array): Uint8Array {
  const xml = strFromU8(styles);
  const marked = xml.replace(/<cellXfs\b[^>]*>[\s\S]*?<\/cellXfs>/, (cellXfs) =>
    cellXfs.replace(new RegExp(`<xf (?=[^>]*\\bnumFmtId="${TEXT_FORMAT_ID}")(?![^>]*\\bquotePrefix=)`, 'g'), '<xf quotePrefix="1" '),
  );
  return marked === xml ? styles : strToU8(marked);
}

function truncate(text: string): string {
  return text.length <= MAX_CELL ? text : `${text.slice(0, MAX_CELL - 12)} [truncated]`;
}

/** The cell value of a model value in a column of this type. */
function cellValue(type: ColumnType, value: string | number | null | undefined): CellValue {
  if (value === null || value === undefined) return null;
  if (type === 'number') {
    if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
    const n = Number(value);
    return value.trim() !== '' && Number.isFinite(n) ? n : truncate(value);
  }
  if (typeof value === 'number') return value;
  if (type === 'date') return isoToDate(value) ?? truncate(value);
  return truncate(value);
}

/** What one pass over a table's rows tells about each column: width, wrap, number format, allowed values. */
export interface ColumnPlan {
  key: string;
  label: string;
  type: ColumnType;
  width: number;
  wrap: boolean;
  numFmt?: string;
  /** Data validation list of a 'status' column. */
  allowed?: string[];
}

export function planColumns(table: Table): ColumnPlan[] {
  return table.columns.map((column) => {
    let longest = column.label.length;
    let integers = true;
    let timeOfDay = false;
    let prose = false;
    const seen = new Set<string>();
    for (const row of table.rows) {
      const value = row[column.key];
      if (value === null || value === undefined) continue;
      if (typeof value === 'number') {
        if (!Number.isInteger(value)) integers = false;
        longest = Math.max(longest, String(value).length + 2);
        continue;
      }
      if (column.type === 'date' && !DATE_ONLY.test(value)) timeOfDay = true;
      if (column.type === 'status' && seen.size <= 64) seen.add(value);
      if (!prose && value.length > WRAP_OVER && value.includes(' ')) prose = true;
      // The longest line decides the width; text longer than the cap wraps.
      longest = Math.max(longest, value.length > MAX_WIDTH ? MAX_WIDTH + 1 : value.length);
    }
    const plan: ColumnPlan = { key: column.key, label: column.label, type: column.type, width: 0, wrap: false };
    if (column.type === 'number') {
      plan.numFmt = integers ? '#,##0' : '#,##0.0##';
    } else if (column.type === 'date') {
      plan.numFmt = timeOfDay ? 'yyyy-mm-dd hh:mm:ss' : 'yyyy-mm-dd';
      longest = Math.max(longest, timeOfDay ? 19 : 10);
    } else if (column.type === 'status') {
      const values = [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      // A known vocabulary when it holds every value of the column; else the values themselves.
      const vocabulary = STATUS_VOCABULARIES.find((v) => values.every((s) => v.includes(s)));
      const allowed = vocabulary ? [...vocabulary] : values;
      // Excel limits an inline list to 255 characters.
      if (allowed.length > 0 && allowed.join(',').length <= 255 && allowed.every((s) => !s.includes(',') && !s.includes('"'))) plan.allowed = allowed;
    } else if (longest > WRAP_OVER && prose) {
      // Prose wraps; long identifiers (hashes, ARNs) stay on one line, cut at the column's edge.
      plan.wrap = true;
    }
    plan.width = Math.min(plan.wrap || column.type !== 'string' ? MAX_WIDTH : MAX_ID_WIDTH, Math.max(MIN_WIDTH, longest + 2));
    return plan;
  });
}

/** Points per line of the default 11-point font. */
const LINE_HEIGHT = 15;
const MAX_LINES = 12;

/**
 * Neither exceljs nor LibreOffice sizes rows on load, so wrapped text would spill over the next row:
 * the height is estimated from the text (about 1.1 average characters per width unit), capped.
 */
function linesOf(text: string, width: number): number {
  const perLine = Math.max(1, Math.floor(width * 1.1) - 1);
  let lines = 0;
  for (const part of text.split('\n')) lines += Math.max(1, Math.ceil(part.length / perLine));
  return Math.min(MAX_LINES, lines);
}

/** Column letters of a 1-based column number. */
function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

const FORBIDDEN = /[[\]:*?/\\]/g;

/**
 * Sheet names Excel accepts: no []:*?/\, not starting or ending with an apostrophe, at most 31
 * characters, unique ignoring case (Excel compares names case-insensitively), never "History".
 */
export function sheetNames(titles: readonly string[]): string[] {
  const used = new Set<string>();
  return titles.map((title) => {
    let base = title
      .replace(FORBIDDEN, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^'+|'+$/g, '');
    if (base === '' || base.toLowerCase() === 'history') base = base === '' ? 'Sheet' : `${base} sheet`;
    base = base.slice(0, 31).trim();
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) {
      const suffix = ` (${n})`;
      name = `${base.slice(0, 31 - suffix.length).trim()}${suffix}`;
    }
    used.add(name.toLowerCase());
    return name;
  });
}

/** Header/footer text is a code language where `&` starts a code: literal ampersands are doubled. */
function hfText(text: string): string {
  return text.replace(/&/g, '&&').replace(/[\r\n]+/g, ' ');
}

function headerFooter(model: ReportModel): { oddHeader: string; oddFooter: string } {
  const banner = model.meta.classification?.banner;
  const title = hfText(model.meta.title);
  return banner
    ? {
        oddHeader: `&L${title}&C&"-,Bold"${hfText(banner)}&R${hfText(model.meta.generatedAt)}`,
        oddFooter: `&L&A&C&"-,Bold"${hfText(banner)}&RPage &P of &N`,
      }
    : { oddHeader: `&L${title}&R${hfText(model.meta.generatedAt)}`, oddFooter: '&L&A&RPage &P of &N' };
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** "catalogName" -> "Catalog name", "not_assessed" -> "Not assessed". */
function humanise(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .trim();
  const shown = words.replace(/\b(sprs|cmmc|cui|sha256|poam)\b/g, (w) => ACRONYMS[w] ?? w);
  return shown.charAt(0).toUpperCase() + shown.slice(1);
}

const ACRONYMS: Record<string, string> = { sprs: 'SPRS', cmmc: 'CMMC', cui: 'CUI', sha256: 'SHA-256', poam: 'POA&M' };

/** A summary value as a cell: scalars as they are, lists of scalars or of flat objects as one line. */
function summaryValue(value: unknown): CellValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return truncate(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    if (value.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) return truncate(value.join(', '));
    const flat = value.every(
      (v) =>
        v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every((x) => ['string', 'number', 'boolean'].includes(typeof x)),
    );
    if (flat) return truncate(value.map((v) => Object.values(v as object).join(' ')).join('; '));
  }
  return undefined;
}

/** The summary section's figures as label/value rows: scalars, one level of nested objects, simple lists. */
export function summaryRows(data: Record<string, unknown>): [string, CellValue][] {
  const rows: [string, CellValue][] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) {
        const cell = summaryValue(innerValue);
        if (cell !== undefined) rows.push([`${humanise(key)}: ${humanise(inner).replace(/^[A-Z][a-z]/, (w) => w.toLowerCase())}`, cell]);
      }
      continue;
    }
    const cell = summaryValue(value);
    if (cell !== undefined) rows.push([humanise(key), cell]);
  }
  return rows;
}

/**
 * exceljs's typings declare only the per-cell `cell.dataValidation`; both worksheet classes also have
 * `dataValidations.add(address, validation)`, whose writer accepts a range address as one `sqref`.
 * One entry per column instead of one per cell keeps 100,000 rows from making 100,000 entries.
 */
interface RangeValidations {
  dataValidations: { add(address: string, validation: DataValidation): void };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface SheetOptions {
  headerFooter: { oddHeader: string; oddFooter: string };
  frozenRows: number;
  autoFilter?: string;
  landscape: boolean;
}

function addSheet(workbook: Workbook, name: string, options: SheetOptions): Worksheet {
  return workbook.addWorksheet(name, {
    views:
      options.frozenRows > 0 ? [{ state: 'frozen', xSplit: 0, ySplit: options.frozenRows, topLeftCell: `A${options.frozenRows + 1}`, activeCell: 'A2' }] : [],
    headerFooter: { ...options.headerFooter, differentFirst: false, differentOddEven: false },
    pageSetup: {
      orientation: options.landscape ? 'landscape' : 'portrait',
      paperSize: 9,
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      ...(options.frozenRows > 0 ? { printTitlesRow: `1:${options.frozenRows}` } : {}),
    },
    ...(options.autoFilter ? { autoFilter: options.autoFilter } : {}),
  });
}

/** A two-column sheet of label/value rows (Summary, Provenance), with bold section headings. */
type KeyValueLine = { heading: string } | { label: string; value: CellValue; numFmt?: string } | { banner: string } | { title: string } | { blank: true };

function writeKeyValueSheet(sheet: Worksheet, lines: KeyValueLine[], valueWidth: number): void {
  for (const line of lines) {
    if ('blank' in line) {
      sheet.addRow([]).commit();
    } else if ('banner' in line) {
      const row = sheet.addRow([line.banner]);
      row.getCell(1).style = { font: { bold: true, size: 12, color: { argb: 'FF9C0006' } }, alignment: { vertical: 'top' } };
      commitRow(row);
    } else if ('title' in line) {
      const row = sheet.addRow([line.title]);
      row.getCell(1).style = { font: { bold: true, size: 16, color: { argb: 'FF1F3864' } }, alignment: { vertical: 'top' } };
      row.height = 24;
      commitRow(row);
    } else if ('heading' in line) {
      const row = sheet.addRow([line.heading]);
      row.getCell(1).style = { font: { bold: true, size: 12, color: { argb: 'FF1F3864' } }, border: HEADER_BORDER };
      commitRow(row);
    } else {
      const row = sheet.addRow([line.label, line.value]);
      if (typeof line.value === 'string' && line.value.length >= valueWidth) row.height = linesOf(line.value, valueWidth) * LINE_HEIGHT;
      row.getCell(1).style = { font: LABEL_FONT, alignment: { vertical: 'top' } };
      const value: Partial<Style> = { alignment: { vertical: 'top', wrapText: true, horizontal: 'left' } };
      if (line.numFmt) value.numFmt = line.numFmt;
      else if (line.value instanceof Date) value.numFmt = 'yyyy-mm-dd hh:mm:ss';
      row.getCell(2).style = value;
      commitRow(row);
    }
  }
}

/** A small table inside a key/value sheet (Provenance's catalogs, inputs, coverage). */
function writeSubTable(sheet: Worksheet, header: string[], rows: CellValue[][], widths: readonly number[]): void {
  const head = sheet.addRow(header);
  head.eachCell((cell) => {
    cell.style = { font: HEADER_FONT, fill: HEADER_FILL, border: HEADER_BORDER, alignment: { vertical: 'top', wrapText: true } };
  });
  commitRow(head);
  for (const values of rows) {
    const row = sheet.addRow(values);
    const lines = Math.max(1, ...values.map((v, i) => (typeof v === 'string' && v.includes(' ') ? linesOf(v, widths[i] ?? MIN_WIDTH) : 1)));
    if (lines > 1) row.height = lines * LINE_HEIGHT;
    row.eachCell((cell) => {
      cell.style = {
        // Identifiers (paths, digests) stay on one line; prose wraps.
        alignment: {
          vertical: 'top',
          wrapText: typeof cell.value === 'string' && cell.value.includes(' '),
          horizontal: typeof cell.value === 'number' ? 'right' : 'left',
        },
        ...(typeof cell.value === 'number' && !Number.isInteger(cell.value) ? { numFmt: '0.0' } : {}),
      };
    });
    commitRow(row);
  }
}

function summaryLines(model: ReportModel, sheetsOfTables: { name: string; table: Table }[]): KeyValueLine[] {
  const { meta } = model;
  const lines: KeyValueLine[] = [];
  const classification = meta.classification;
  if (classification) lines.push({ banner: classification.banner });
  lines.push({ title: meta.title });
  lines.push({ label: 'Report type', value: model.kind });
  lines.push({ label: 'Tenant', value: `${meta.tenant.name} (${meta.tenant.id})` });
  if (meta.companyName) lines.push({ label: 'Company', value: meta.companyName });
  lines.push({ label: 'Frameworks', value: meta.frameworks.join(', ') || 'none' });
  const generated = isoToDate(meta.generatedAt);
  lines.push({ label: 'Generated at (UTC)', value: generated ?? meta.generatedAt });
  for (const u of meta.unmapped ?? []) lines.push({ label: 'Unmapped findings', value: u.text });
  if (meta.watermark) lines.push({ label: 'Watermark', value: meta.watermark });
  if (classification) {
    lines.push({ label: 'Classification', value: classification.banner });
    if (classification.categories?.length) lines.push({ label: 'CUI categories', value: classification.categories.join(', ') });
    if (classification.dissemination?.length) lines.push({ label: 'Limited dissemination controls', value: classification.dissemination.join(', ') });
    if (classification.designation?.controlled_by) lines.push({ label: 'Controlled by', value: classification.designation.controlled_by });
    if (classification.designation?.poc) lines.push({ label: 'CUI POC', value: classification.designation.poc });
  }
  if (meta.severityFilter?.length) {
    lines.push({
      label: 'Severity filter',
      value: `Finding lists of the document formats show ${meta.severityFilter.join(', ')} only; the sheets of this workbook list every row (statuses, counts and scores include every finding).`,
    });
  }
  lines.push({ label: 'Times', value: 'Dates and times are UTC.' });
  const summary = model.sections.find((s) => s.id === 'summary');
  const figures = summary ? summaryRows(summary.data) : [];
  if (figures.length > 0) {
    lines.push({ blank: true }, { heading: summary?.heading ?? 'Summary' });
    for (const [label, value] of figures) lines.push({ label, value });
  }
  if (sheetsOfTables.length > 0) {
    lines.push({ blank: true }, { heading: 'Sheets' });
    for (const { name, table } of sheetsOfTables)
      lines.push({ label: name, value: `${table.title}: ${table.rows.length} row${table.rows.length === 1 ? '' : 's'}` });
    lines.push({ label: 'Provenance', value: 'Tool version, catalogs, input files with SHA-256, coverage' });
  }
  return lines;
}

/** A table's sheet: typed cells, frozen styled header, autofilter, validation list and fills on status/severity. */
async function writeTableSheet(workbook: Workbook, name: string, table: Table, hf: SheetOptions['headerFooter']): Promise<void> {
  const plans = planColumns(table);
  const lastColumn = columnLetter(Math.max(1, plans.length));
  const lastRow = table.rows.length + 1;
  const sheet = addSheet(workbook, name, {
    headerFooter: hf,
    frozenRows: 1,
    ...(plans.length > 0 ? { autoFilter: `A1:${lastColumn}${lastRow}` } : {}),
    landscape: plans.length > 4,
  });
  // Column styles are inherited by every cell the streaming writer creates in that column.
  sheet.columns = plans.map((plan) => ({
    width: plan.width,
    style: {
      alignment: { vertical: 'top', wrapText: plan.wrap, ...(plan.type === 'status' || plan.type === 'severity' ? { horizontal: 'center' } : {}) },
      ...(plan.numFmt ? { numFmt: plan.numFmt } : {}),
    },
  }));
  const header = sheet.addRow(plans.map((p) => p.label));
  header.eachCell((cell) => {
    cell.style = { font: HEADER_FONT, fill: HEADER_FILL, border: HEADER_BORDER, alignment: { vertical: 'middle', wrapText: true } };
  });
  commitRow(header);

  for (const [i, plan] of plans.entries()) {
    if (table.rows.length === 0) break;
    const letter = columnLetter(i + 1);
    const ref = `${letter}2:${letter}${lastRow}`;
    if (plan.type === 'status' && plan.allowed) {
      (sheet as Worksheet & RangeValidations).dataValidations.add(ref, {
        type: 'list',
        allowBlank: true,
        formulae: [`"${plan.allowed.join(',')}"`],
        showErrorMessage: true,
        errorStyle: 'warning',
        errorTitle: plan.label,
        error: `Expected one of: ${plan.allowed.join(', ')}`,
      });
    }
    const fills = plan.type === 'status' ? STATUS_FILLS : plan.type === 'severity' ? SEVERITY_FILLS : undefined;
    if (fills) {
      const values = plan.type === 'severity' ? SEVERITY_VOCABULARY : Object.keys(fills).filter((v) => plan.allowed?.includes(v) ?? true);
      sheet.addConditionalFormatting({
        ref,
        rules: values.map((value, priority) => ({
          type: 'cellIs',
          operator: 'equal',
          priority: priority + 1,
          formulae: [`"${value}"`],
          style: {
            fill: { type: 'pattern', pattern: 'solid', bgColor: { argb: fills[value]![0] } },
            font: { color: { argb: fills[value]![1] }, ...(value === 'CRITICAL' || value === 'failing' ? { bold: true } : {}) },
          },
        })),
      });
    }
  }

  const values: CellValue[] = new Array<CellValue>(plans.length);
  for (const [n, row] of table.rows.entries()) {
    let lines = 1;
    let formulaLike = false;
    for (const [i, plan] of plans.entries()) {
      const value = cellValue(plan.type, row[plan.key]);
      values[i] = value;
      if (plan.wrap && typeof value === 'string' && value.length >= plan.width) lines = Math.max(lines, linesOf(value, plan.width));
      if (isFormulaLike(value)) formulaLike = true;
    }
    const added = sheet.addRow(values);
    if (lines > 1) added.height = lines * LINE_HEIGHT;
    // Rows without such text (nearly all) are committed without a second walk over their cells.
    if (formulaLike) added.eachCell(guardText);
    added.commit();
    if ((n + 1) % ROWS_PER_YIELD === 0) await yieldToEventLoop();
  }
  sheet.commit();
}

/** The provenance's observation origins in words (the Markdown partial says the same). */
const OBSERVATION_FROM: Record<ObservationProvenance['from'][number]['source'], string> = {
  record: 'the records',
  run: "the tool's run",
  declared: 'declared in infracast.yaml',
  'git-commit': "the file's git commit",
  none: 'none',
};

async function writeProvenanceSheet(workbook: Workbook, name: string, model: ReportModel, hf: SheetOptions['headerFooter']): Promise<void> {
  const sheet = addSheet(workbook, name, { headerFooter: hf, frozenRows: 0, landscape: true });
  const p = model.provenance;
  const widths = [44, 70, 12, 12, 12];
  sheet.columns = widths.map((width, i) => ({ width, style: { alignment: { vertical: 'top', wrapText: i === 1 } } }));
  const banner = model.meta.classification?.banner;
  writeKeyValueSheet(
    sheet,
    [
      ...(banner ? [{ banner }] : []),
      { title: 'Provenance' },
      { label: 'Tool version', value: p.toolVersion },
      { label: 'Generated at (UTC)', value: isoToDate(p.generatedAt) ?? p.generatedAt },
    ],
    70,
  );
  const heading = (text: string): void => {
    sheet.addRow([]).commit();
    const row = sheet.addRow([text]);
    row.getCell(1).style = { font: { bold: true, size: 12, color: { argb: 'FF1F3864' } } };
    commitRow(row);
  };
  heading('Catalogs');
  writeSubTable(
    sheet,
    ['Framework', 'Release', 'Baseline'],
    p.catalogs.map((c) => [c.framework, c.release, c.baseline ?? null]),
    widths,
  );
  heading('Coverage');
  writeSubTable(
    sheet,
    ['Framework', 'Controls assessed', 'Assessed', 'Total', 'Coverage %'],
    p.coverage.map((c) => [
      c.framework,
      `${c.assessed} of ${c.total}`,
      c.assessed,
      c.total,
      c.total > 0 ? Math.round((c.assessed / c.total) * 1000) / 10 : null,
    ]),
    widths,
  );
  heading('Input files');
  writeSubTable(
    sheet,
    ['Path', 'SHA-256'],
    [...p.inputs].sort((a, b) => byCodeUnits(a.path, b.path)).map((i) => [i.path, i.sha256]),
    widths,
  );
  if (p.observedAt && p.observedAt.length > 0) {
    heading('Observation times of findings');
    writeSubTable(
      sheet,
      ['Findings file', 'Observation time from', 'Findings'],
      p.observedAt.flatMap((file) =>
        file.from.map((f) => [
          file.path,
          `${OBSERVATION_FROM[f.source]}${f.at ? ` (${f.at})` : ''}${f.source === 'none' && file.note ? `: ${file.note}` : ''}`,
          f.findings,
        ]),
      ),
      widths,
    );
  }
  sheet.commit();
  await yieldToEventLoop();
}

/** Collects the writer's zip in memory (the output is compressed: a fraction of the sheet XML). */
class Collector extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    callback();
  }
}

export async function renderXlsx(model: ReportModel): Promise<Uint8Array> {
  const ExcelJS = (await import('exceljs')).default;
  const output = new Collector();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useStyles: true,
    // Inline strings: shared strings would keep every distinct string of 100k rows in memory.
    useSharedStrings: false,
    // Fast compression: the bytes are re-packed by normaliseZip anyway.
    zip: { zlib: { level: 1 } },
  });
  const generatedAt = isoToDate(model.meta.generatedAt) ?? new Date(0);
  workbook.creator = model.meta.companyName ?? model.meta.tenant.name;
  workbook.lastModifiedBy = model.provenance.toolVersion;
  workbook.created = generatedAt;
  workbook.modified = generatedAt;
  workbook.title = model.meta.title;
  workbook.subject = `${model.kind} report: ${model.meta.frameworks.join(', ')}`;
  workbook.keywords = ['infracast', model.kind, ...model.meta.frameworks, ...(model.meta.classification ? [model.meta.classification.banner] : [])].join(', ');
  workbook.description = `Generated by ${model.provenance.toolVersion} at ${model.meta.generatedAt}`;
  workbook.company = model.meta.companyName ?? model.meta.tenant.name;
  workbook.category = model.meta.classification?.banner ?? '';

  const hf = headerFooter(model);
  const names = sheetNames(['Summary', ...model.tables.map((t) => t.title || t.id), 'Provenance']);
  const tableSheets = model.tables.map((table, i) => ({ name: names[i + 1]!, table }));

  // Sheets are written and committed one after another: archiver zips entries in order, so a
  // sheet still open would hold back (and buffer) every later one.
  const summary = addSheet(workbook, names[0]!, { headerFooter: hf, frozenRows: 0, landscape: false });
  summary.columns = [34, 90].map((width, i) => ({ width, style: { alignment: { vertical: 'top', wrapText: i > 0 } } }));
  writeKeyValueSheet(summary, summaryLines(model, tableSheets), 90);
  summary.commit();
  for (const { name, table } of tableSheets) await writeTableSheet(workbook, name, table, hf);
  await writeProvenanceSheet(workbook, names[names.length - 1]!, model, hf);
  await workbook.commit();
  const zipped = Buffer.concat(output.chunks);
  output.chunks.length = 0;
  // Level 2: half the time of level 6 on 100,000 rows for a workbook about 8% larger.
  return normaliseZip(zipped, model.meta.generatedAt, 2, { 'xl/styles.xml': quotePrefixTextStyles });
}

export const xlsxRenderer: Renderer = {
  format: 'xlsx' as OutputFormat,
  render: (model) => renderXlsx(model),
};
