/**
 * Semgrep JSON (`semgrep scan --json`): one finding per result (`results[]`), streamed. A result a
 * `nosemgrep` comment covers (`extra.is_ignored`, with --disable-nosem) is suppressed.
 *
 * `errors[]` are not findings and are not read: they describe the scan (a file Semgrep could not
 * parse, a rule that timed out, a `nosem` comment naming no rule), not the code, and the results
 * are complete for what was scanned. They are not record problems either, which would fail the
 * import without --skip-invalid; Semgrep prints them on every run.
 *
 * Severity: ERROR, WARNING and INFO are HIGH, MEDIUM and LOW, as Semgrep's SARIF levels (error,
 * warning, note) read in Infracast; the newer CRITICAL/HIGH/MEDIUM/LOW are taken as written;
 * INVENTORY and EXPERIMENT results are INFORMATIONAL.
 */
import { joinRemediation, seeUrl } from './remediation.js';
import type { Severity } from '../model/definitions.js';
import type { Finding } from '../model/finding.js';
import { firstRecord, readJsonRecords } from './json-records.js';
import { objectWithMember } from './json-shape.js';
import { ControlSet, asObject, isObject, optObject, optString, reqString } from './normalise.js';
import type { Json } from './normalise.js';
import { httpUrl, labelledSeverity, lineNumber, recordObject, scannerFinding } from './scanner.js';
import type { Detection, FormatLoader, LoaderInput, RecordOutcome } from './types.js';

const FORMAT = 'semgrep';
const TOOL = 'semgrep';

const SEMGREP_SEVERITIES: Record<string, Severity> = {
  ERROR: 'HIGH',
  WARNING: 'MEDIUM',
  INFO: 'LOW',
  INVENTORY: 'INFORMATIONAL',
  EXPERIMENT: 'INFORMATIONAL',
};

function looksSemgrepResult(value: unknown): boolean {
  return isObject(value) && typeof value.check_id === 'string' && 'path' in value && isObject(value.extra);
}

/** A metadata value that may be one string or a list of them (`cwe`, `owasp`, `references`). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [] : [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
}

/** CWE and OWASP references of the rule, kept under their own names (they are not controls Infracast evaluates). */
function weaknessReferences(metadata: Json | undefined): Record<string, string[]> | undefined {
  if (!metadata) return undefined;
  const controls = new ControlSet();
  for (const cwe of strings(metadata.cwe)) controls.addKeyed('CWE', cwe);
  for (const owasp of strings(metadata.owasp)) controls.addKeyed('OWASP', owasp);
  return controls.others();
}

/** Where to read about the rule: its page in the registry, else its first reference. */
function ruleUrl(metadata: Json | undefined): string | undefined {
  if (!metadata) return undefined;
  return [metadata.source, metadata.shortlink, ...strings(metadata.references)].map((u) => (typeof u === 'string' ? httpUrl(u) : undefined)).find(Boolean);
}

/**
 * The autofix as advice: a one-line fix quoted; a longer one (whole functions, code blocks) only
 * announced, since a report's remediation cell is no place for code.
 */
function fixAdvice(fix: string | undefined): string | undefined {
  const text = fix?.trim();
  if (!text) return undefined;
  return !text.includes('\n') && text.length <= 200 ? `Suggested fix: ${text}` : 'Semgrep has an autofix for this result: semgrep scan --autofix.';
}

export function normaliseSemgrepResult(value: unknown, record: number, file: string): Finding {
  const result = recordObject(value);
  const checkId = reqString(result, 'check_id');
  const path = reqString(result, 'path');
  const extra = asObject(result.extra, 'extra');
  const start = optObject(result, 'start');
  const startLine = start ? lineNumber(start.line, 'start.line') : undefined;
  const metadata = optObject(extra, 'metadata', 'extra.metadata');
  const { severity, severitySource } = labelledSeverity(reqString(extra, 'severity', 'extra.severity'), 'extra.severity', 'semgrep', SEMGREP_SEVERITIES);
  const tags: Record<string, string> = {};
  for (const key of ['category', 'confidence', 'likelihood', 'impact']) {
    const tag = metadata ? optString(metadata, key, `extra.metadata.${key}`) : undefined;
    if (tag) tags[key] = tag;
  }
  return scannerFinding({
    format: FORMAT,
    tool: TOOL,
    file,
    record,
    nativeId: checkId,
    // Semgrep's rule id is its name; its SARIF says "Semgrep Finding: <id>".
    title: checkId,
    result: 'FAIL',
    state: extra.is_ignored === true ? 'suppressed' : 'open',
    severity,
    severitySource,
    description: optString(extra, 'message', 'extra.message'),
    ruleId: checkId,
    location: { uri: path, ...(startLine ? { startLine } : {}) },
    resource: { id: path, type: 'File' },
    otherControls: weaknessReferences(metadata),
    tags,
    remediation: joinRemediation([fixAdvice(optString(extra, 'fix', 'extra.fix')), seeUrl(ruleUrl(metadata))]),
  });
}

export const semgrepLoader: FormatLoader = {
  format: FORMAT,
  label: 'Semgrep JSON',
  detect(head: Buffer, headText: string): Detection {
    const shape = objectWithMember(headText, 'results');
    if ('reason' in shape) return { ok: false, reason: shape.reason };
    const first = firstRecord(head, ['results']);
    if (looksSemgrepResult(first)) return { ok: true, tool: TOOL };
    // No result, or a first result larger than the head: Semgrep writes "errors" and "paths" beside them.
    if (first === undefined && shape.keys.includes('errors') && shape.keys.includes('paths')) return { ok: true, tool: TOOL };
    if (first === undefined && /"check_id"\s*:/.test(headText) && /"extra"\s*:/.test(headText)) return { ok: true, tool: TOOL };
    return { ok: false, reason: 'its first result has no "check_id", "path" and "extra"' };
  },
  read(input: LoaderInput): AsyncIterable<RecordOutcome> {
    return readJsonRecords(input, (value, record) => normaliseSemgrepResult(value, record, input.file), { keys: ['results'] });
  },
};
