/**
 * Rewrites a findings export with its records in another order (or a selection of them), in the
 * file's own format: ASFF `{"Findings": [...]}` or array, OCSF and native arrays, native JSON Lines
 * and `{"findings": [...]}`, SARIF results within each run, CSV rows under the header, OSCAL
 * assessment-results findings and POA&M items (JSON and XML), Trivy targets and the findings of
 * each, Grype matches, Checkov checks of each report (and the reports of a list), Semgrep results. Everything else in the file stays
 * as it was, so that only the record order differs.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { detectFormat, HEAD_BYTES } from '../../src/loaders/registry.js';

/** Returns the records to write, in the order to write them. */
export type Arrange = <T>(records: readonly T[]) => T[];

/** A seeded rank of position i: sha256 of the seed and the position (the same seed, the same order). */
const rank = (seed: string, i: number): string => createHash('sha256').update(`${seed}:${i}`).digest('hex');

export const reversed: Arrange = (records) => [...records].reverse();

export function shuffled(seed: number): Arrange {
  return (records) =>
    records
      .map((record, i) => ({ record, key: rank(`order ${seed}`, i) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ record }) => record);
}

/**
 * Some of the records (each kept or not by its position's rank: the same `selection` seed keeps
 * the same records of a file; at least one), in the order of the `order` seed.
 */
export function someShuffled(selection: number, order: number): Arrange {
  return (records) => {
    const kept = records.filter((_, i) => rank(`selection ${selection}`, i) < '8');
    // Never none: some formats cannot say "no records" in a way detection recognises.
    return shuffled(order)(kept.length > 0 || records.length === 0 ? kept : [records[0]!]);
  };
}

/** The format Infracast detects for a file (the same detection as ingest). */
export function formatOf(path: string): string {
  const detected = detectFormat(readFileSync(path).subarray(0, HEAD_BYTES));
  if (!detected.loader) throw new Error(`${path}: no findings format`);
  return detected.loader.format;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The file's content with its records arranged; the file's format is detected from its content. */
export function rewrite(path: string, arrange: Arrange): string {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const format = formatOf(path);
  if (format === 'csv') return rewriteCsv(text, arrange);
  if (text.trimStart().startsWith('<')) return rewriteXml(text, format, arrange);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined; // JSON Lines (native)
  }
  if (format === 'native' && !Array.isArray(doc) && !(isObject(doc) && Array.isArray(doc.findings))) return rewriteJsonLines(text, arrange);
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  // Containers (Trivy targets, Checkov reports) are only reordered, never left out: a selection
  // applies to the findings inside them.
  const reorder = <T>(list: readonly T[]): T[] => {
    const first = arrange(list);
    return [...first, ...list.filter((item) => !first.includes(item))];
  };
  // Arranges the lists under `keys` of an object, leaving absent keys absent.
  const within = (obj: Json, keys: string[]): Json => {
    const out: Json = { ...obj };
    for (const key of keys) if (Array.isArray(obj[key])) out[key] = arrange(obj[key]);
    return out;
  };
  const checkovReport = (report: Json): Json =>
    isObject(report.results) ? { ...report, results: within(report.results, ['passed_checks', 'failed_checks', 'skipped_checks']) } : report;
  if (format === 'checkov' && Array.isArray(doc)) return json(reorder(doc.map((r) => (isObject(r) ? checkovReport(r) : r))));
  if (Array.isArray(doc)) return json(arrange(doc));
  if (!isObject(doc)) throw new Error(`${path}: not a JSON document`);
  switch (format) {
    case 'asff':
      return json({ ...doc, Findings: arrange(doc.Findings as unknown[]) });
    case 'native':
      return json({ ...doc, findings: arrange(doc.findings as unknown[]) });
    case 'sarif':
      return json({ ...doc, runs: (doc.runs as Json[]).map((run) => ({ ...run, results: arrange((run.results as unknown[]) ?? []) })) });
    case 'oscal-ar': {
      const ar = doc['assessment-results'] as Json;
      const results = (ar.results as Json[]).map((r) => (Array.isArray(r.findings) ? { ...r, findings: arrange(r.findings) } : r));
      return json({ ...doc, 'assessment-results': { ...ar, results } });
    }
    case 'oscal-poam': {
      const poam = doc['plan-of-action-and-milestones'] as Json;
      return json({ ...doc, 'plan-of-action-and-milestones': { ...poam, 'poam-items': arrange(poam['poam-items'] as unknown[]) } });
    }
    case 'trivy':
      return json({
        ...doc,
        ...(Array.isArray(doc.Results)
          ? { Results: reorder(doc.Results.map((r: Json) => within(r, ['Vulnerabilities', 'Misconfigurations', 'Secrets', 'ExperimentalModifiedFindings']))) }
          : {}),
      });
    case 'grype':
      return json(within(doc, ['matches', 'ignoredMatches']));
    case 'checkov':
      return json(checkovReport(doc));
    case 'semgrep':
      return json(within(doc, ['results']));
    default:
      throw new Error(`${path}: no rewriter for ${format}`);
  }
}

function rewriteJsonLines(text: string, arrange: Arrange): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return `${arrange(lines).join('\n')}\n`;
}

/** CSV records: lines outside quotes (a quoted cell may hold line breaks); the header stays first. */
function rewriteCsv(text: string, arrange: Arrange): string {
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const records: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && text.startsWith(newline, i)) {
      records.push(text.slice(start, i));
      start = i + newline.length;
      i += newline.length - 1;
    }
  }
  if (start < text.length) records.push(text.slice(start));
  const [header, ...rows] = records.filter((r) => r !== '');
  return `${[header!, ...arrange(rows)].join(newline)}${newline}`;
}

/** OSCAL XML: the `<finding>` elements of each `<result>`, or the `<poam-item>` elements, rearranged in place. */
function rewriteXml(text: string, format: string, arrange: Arrange): string {
  const element = format === 'oscal-poam' ? 'poam-item' : 'finding';
  const pattern = new RegExp(`<${element}\\b[\\s\\S]*?</${element}>`, 'g');
  if (format === 'oscal-poam') return replaceAll(text, pattern, arrange);
  // Findings stay within their result.
  return text.replace(/<result\b[\s\S]*?<\/result>/g, (result) => replaceAll(result, pattern, arrange));
}

function replaceAll(text: string, pattern: RegExp, arrange: Arrange): string {
  const blocks = text.match(pattern) ?? [];
  const arranged = arrange(blocks);
  let i = 0;
  // Blocks left out of a selection leave nothing behind.
  return text.replace(pattern, () => arranged[i++] ?? '');
}
