/**
 * CSV with a header row (Prowler's CSV works as is; other tools through a column mapping). The
 * delimiter is sniffed from the header (comma, semicolon, tab); rows stream through csv-parse.
 */
import { Readable, pipeline } from 'node:stream';
import type { Severity } from '../model/definitions.js';
import type { Finding, FindingState, Resource } from '../model/finding.js';
import { ControlSet, identityOf, isPlaceholder, normaliseTime, recordTime, resultFromStatus, setOptional, severityFromLabel, tagsOf } from './normalise.js';
import type { CsvColumnMapping, Detection, FormatLoader, LoaderInput, LoaderOptions, RecordOutcome } from './types.js';
import { RecordError } from './types.js';
import { boundedLines } from './lines.js';
import { MAX_RECORD_BYTES, RecordTooLargeError } from './record-limit.js';

const FORMAT = 'csv';
const DELIMITERS = [',', ';', '\t'] as const;

/** Header names tried for each field when no mapping names a column (Prowler's first). */
const DEFAULT_COLUMNS: Required<{ [K in keyof CsvColumnMapping]: string[] }> = {
  id: ['FINDING_UID', 'id', 'finding_id', 'finding id'],
  title: ['CHECK_TITLE', 'title', 'name'],
  description: ['STATUS_EXTENDED', 'description', 'details'],
  result: ['STATUS', 'result', 'status'],
  severity: ['SEVERITY', 'severity'],
  ruleId: ['CHECK_ID', 'rule_id', 'rule', 'check_id', 'check'],
  resourceId: ['RESOURCE_UID', 'resource_id', 'resource', 'resource_arn'],
  resourceType: ['RESOURCE_TYPE', 'resource_type'],
  resourceName: ['RESOURCE_NAME', 'resource_name'],
  account: ['ACCOUNT_UID', 'account', 'account_id'],
  region: ['REGION', 'region'],
  observedAt: ['TIMESTAMP', 'observed_at', 'timestamp', 'date'],
  remediation: ['REMEDIATION_RECOMMENDATION_TEXT', 'remediation'],
  owner: ['owner'],
  compliance: ['COMPLIANCE', 'compliance', 'controls'],
  tags: ['RESOURCE_TAGS', 'tags'],
  muted: ['MUTED', 'muted', 'suppressed'],
  tool: ['tool'],
};

/** The delimiter that splits the header line into the most fields (quotes respected). */
export function sniffDelimiter(headerLine: string): string {
  let best: string = ',';
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    let count = 0;
    let quoted = false;
    for (const ch of headerLine) {
      if (ch === '"') quoted = !quoted;
      else if (ch === delimiter && !quoted) count++;
    }
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

function headerLineOf(text: string): string {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const end = text.search(/\r?\n/);
  return text.slice(start, end === -1 ? undefined : end);
}

function splitHeader(line: string, delimiter: string): string[] {
  return line.split(delimiter).map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
}

type ColumnIndex = Partial<Record<keyof CsvColumnMapping, number>>;

/** Which column holds each field: the mapping's names first, then the defaults; names compare case-insensitively. */
export function resolveColumns(header: string[], mapping: CsvColumnMapping = {}): ColumnIndex {
  const lower = header.map((h) => h.toLowerCase());
  const index: ColumnIndex = {};
  for (const field of Object.keys(DEFAULT_COLUMNS) as (keyof CsvColumnMapping)[]) {
    const names = mapping[field] ? [mapping[field]!] : DEFAULT_COLUMNS[field];
    for (const name of names) {
      const at = lower.indexOf(name.toLowerCase());
      if (at !== -1) {
        index[field] = at;
        break;
      }
    }
  }
  return index;
}

function missingRequired(index: ColumnIndex): string[] {
  const missing: string[] = [];
  if (index.result === undefined) missing.push('result (STATUS)');
  if (index.title === undefined && index.ruleId === undefined) missing.push('title or rule id (CHECK_TITLE/CHECK_ID)');
  return missing;
}

/** `NIST-800-53-Revision-5: ac_2_1, ac_3 | CIS-2.0: 1.20` -> control set. */
function addCompliance(controls: ControlSet, text: string): void {
  for (const group of text.split('|')) {
    const colon = group.indexOf(':');
    if (colon <= 0) continue;
    const key = group.slice(0, colon).trim();
    for (const id of group.slice(colon + 1).split(',')) if (id.trim() !== '') controls.addKeyed(key, id.trim());
  }
}

function rowToFinding(row: string[], header: string[], columns: ColumnIndex, tool: string, file: string, record: number): Finding {
  const cell = (field: keyof CsvColumnMapping): string | undefined => {
    const at = columns[field];
    if (at === undefined) return undefined;
    const value = row[at]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const columnName = (field: keyof CsvColumnMapping): string => header[columns[field]!] ?? field;
  const resultText = cell('result');
  if (!resultText) throw new RecordError(`${columnName('result')} is empty`, columnName('result'));
  const result = resultFromStatus(resultText);
  if (!result) throw new RecordError(`${columnName('result')} is "${resultText}", expected PASS, FAIL, MANUAL...`, columnName('result'));
  const ruleId = cell('ruleId');
  const title = cell('title') ?? ruleId;
  if (!title) throw new RecordError(`${columnName('title')} is empty`, columnName('title'));
  const severityText = cell('severity');
  let severity: Severity = 'INFORMATIONAL';
  if (severityText) {
    const mapped = severityFromLabel(severityText);
    if (!mapped)
      throw new RecordError(`${columnName('severity')} is "${severityText}", expected critical, high, medium, low or informational`, columnName('severity'));
    severity = mapped;
  }
  const nativeId = cell('id') ?? '';
  const account = cell('account');
  const region = cell('region');
  const resourceId = cell('resourceId');
  let resource: Resource | undefined;
  if (resourceId) {
    resource = { id: resourceId };
    const type = cell('resourceType');
    const name = cell('resourceName');
    if (type) resource.type = type;
    if (name) resource.name = name;
    if (account) resource.account = account;
    if (region) resource.region = region;
    const tags = tagsOf(cell('tags'));
    if (tags) resource.tags = tags;
  }
  const controls = new ControlSet();
  const compliance = cell('compliance');
  if (compliance) addCompliance(controls, compliance);
  const muted = cell('muted');
  const state: FindingState = muted && /^(true|yes|1)$/i.test(muted) ? 'suppressed' : 'open';
  const description = cell('description');
  const finding: Finding = {
    identity: identityOf({
      format: FORMAT,
      tool,
      nativeId,
      resourceId: isPlaceholder(resourceId) ? undefined : resourceId,
      account,
      region,
      fallback: [ruleId, description, resourceId],
    }),
    nativeId,
    title,
    tool,
    result,
    state,
    severity,
    severitySource: { value: severityText ?? 'none', scale: tool === 'prowler' ? 'prowler' : 'csv' },
    controls: controls.controls(),
    sources: [{ file, format: FORMAT, tool, record }],
  };
  return setOptional(finding, {
    otherControls: controls.others(),
    description,
    ruleId,
    resource,
    tags: resource?.tags && { ...resource.tags },
    // An owner column wins; without one, the resource's `owner` tag.
    owner: cell('owner') ?? resource?.tags?.owner,
    remediation: cell('remediation'),
    ...recordTime(normaliseTime(cell('observedAt'))),
  });
}

function toolOf(header: string[], options: LoaderOptions): string {
  if (options.csv?.tool) return options.csv.tool;
  return header.includes('PROWLER_VERSION') || (header.includes('CHECK_ID') && header.includes('FINDING_UID')) ? 'prowler' : 'csv';
}

export const csvLoader: FormatLoader = {
  format: FORMAT,
  label: 'CSV with a header row',
  detect(_head: Buffer, headText: string, options: LoaderOptions): Detection {
    const t = headText.trimStart();
    if (t.startsWith('{') || t.startsWith('[') || t.startsWith('<')) return { ok: false, reason: 'JSON or XML, not CSV' };
    const line = headerLineOf(headText);
    if ([...line].some((ch) => ch.charCodeAt(0) < 0x09 || (ch.charCodeAt(0) > 0x0d && ch.charCodeAt(0) < 0x20)))
      return { ok: false, reason: 'binary data, not text' };
    const delimiter = options.csv?.delimiter ?? sniffDelimiter(line);
    const header = splitHeader(line, delimiter);
    if (header.length < 2) return { ok: false, reason: 'the first line is not a header row (no comma, semicolon or tab)' };
    const missing = missingRequired(resolveColumns(header, options.csv?.columns));
    if (missing.length > 0) return { ok: false, reason: `a header row without a column for ${missing.join(' and ')} (configure the column mapping)` };
    return { ok: true, tool: toolOf(header, options) };
  },
  async *read(input: LoaderInput, options: LoaderOptions): AsyncIterable<RecordOutcome> {
    const { parse } = await import('csv-parse');
    const headText = input.head.toString('utf8');
    const delimiter = options.csv?.delimiter ?? sniffDelimiter(headerLineOf(headText));
    const maxRecordBytes = input.maxRecordBytes ?? MAX_RECORD_BYTES;
    const parser = parse({
      delimiter,
      bom: true,
      relax_column_count: true,
      info: true,
      skip_empty_lines: true,
      relax_quotes: false,
      max_record_size: maxRecordBytes,
    });
    // pipeline, not pipe: an error of the input (a limit, the encoding, broken gzip) reaches the parser's reader instead of crashing the process.
    pipeline(Readable.from(boundedLines(input.open(), maxRecordBytes)), parser, () => {});
    let header: string[] | undefined;
    let columns: ColumnIndex = {};
    let tool = 'csv';
    let record = 0;
    // A line past the limit stops the read before csv-parse parses it; csv-parse's own limit stops a
    // row of many lines (quoted newlines), and its error becomes the splitters' (one code for every format).
    const rows = (async function* () {
      try {
        yield* parser as AsyncIterable<{ record: string[]; info: { lines: number } }>;
      } catch (error) {
        const csvError = error as { code?: string; lines?: number; bytes_records?: number };
        if (csvError.code !== 'CSV_MAX_RECORD_SIZE') throw error;
        throw new RecordTooLargeError(`the row at line ${csvError.lines ?? '?'}`, csvError.bytes_records ?? 0, maxRecordBytes, record + 1);
      }
    })();
    for await (const row of rows) {
      const cells = row.record;
      const line = row.info.lines;
      if (!header) {
        header = cells.map((h) => h.trim());
        columns = resolveColumns(header, options.csv?.columns);
        const missing = missingRequired(columns);
        if (missing.length > 0) throw new RecordError(`the header row has no column for ${missing.join(' and ')}`);
        tool = toolOf(header, options);
        continue;
      }
      record++;
      try {
        if (cells.length !== header.length) throw new RecordError(`${cells.length} fields where the header has ${header.length}`);
        yield { record, line, finding: rowToFinding(cells, header, columns, tool, input.file, record) };
      } catch (error) {
        if (!(error instanceof RecordError)) throw error;
        yield { record, line, problem: { file: input.file, record, line, ...(error.field ? { field: error.field } : {}), message: error.message } };
      }
    }
  },
};
