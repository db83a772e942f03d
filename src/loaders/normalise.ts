/**
 * What all loaders share (docs/evaluation.md section 1): severity scales, identity, control ids
 * per framework, placeholders, small JSON accessors.
 */
import { createHash } from 'node:crypto';
import { canonicalControlId } from '../model/control-ids.js';
import type { Severity } from '../model/definitions.js';
import type { Finding, FindingLocation, FindingResult } from '../model/finding.js';
import { RecordError } from './types.js';

/** CVSS base score -> severity: >= 9.0 CRITICAL, 7.0-8.9 HIGH, 4.0-6.9 MEDIUM, 0.1-3.9 LOW, 0 INFORMATIONAL. */
export function severityFromCvss(score: number): Severity {
  if (score >= 9) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  if (score >= 0.1) return 'LOW';
  return 'INFORMATIONAL';
}

/** A textual severity label (ASFF, OCSF, Prowler, native, OSCAL impact) -> severity; OCSF Fatal is CRITICAL. */
export function severityFromLabel(label: string): Severity | undefined {
  switch (label.trim().toLowerCase()) {
    case 'critical':
    case 'fatal':
      return 'CRITICAL';
    case 'high':
      return 'HIGH';
    case 'medium':
    case 'moderate':
      return 'MEDIUM';
    case 'low':
      return 'LOW';
    case 'informational':
    case 'info':
    case 'information':
    case 'none':
    case 'unknown':
    case 'other':
      return 'INFORMATIONAL';
    default:
      return undefined;
  }
}

/** SARIF `level` -> severity, used only when a result has no security-severity. */
export function severityFromSarifLevel(level: string): Severity {
  switch (level) {
    case 'error':
      return 'HIGH';
    case 'warning':
      return 'MEDIUM';
    case 'note':
      return 'LOW';
    default:
      return 'INFORMATIONAL';
  }
}

/** The fields of a finding that a record may or may not supply. */
export type OptionalFindingFields = {
  [
    K in
      | 'otherControls'
      | 'description'
      | 'tool'
      | 'location'
      | 'ruleId'
      | 'vulnerability'
      | 'resource'
      | 'tags'
      | 'owner'
      | 'remediation'
      | 'observedAt'
      | 'observedAtSource'
      | 'firstObservedAt'
  ]?: Finding[K] | undefined;
};

/**
 * Sets on `finding` each optional field that has a value, in the order the call site lists them:
 * key order is the order of `findings inspect --json`, which the golden files pin. Undefined is
 * absent; so is the empty string (exports write "" for "none") unless `keepEmpty` is set (the
 * native export is taken as written). Where a value comes from (e.g. the owner) stays with each
 * loader.
 */
export function setOptional(finding: Finding, fields: OptionalFindingFields, options: { keepEmpty?: boolean } = {}): Finding {
  const target = finding as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || (value === '' && !options.keepEmpty)) continue;
    target[key] = value;
  }
  return finding;
}

/** Sample exports carry placeholders such as `<finding_uid>`; they identify nothing. */
export function isPlaceholder(value: string | undefined): boolean {
  return value === undefined || value.trim() === '' || /^<[^<>]*>$/.test(value.trim());
}

export interface IdentityParts {
  format: string;
  tool?: string | undefined;
  nativeId: string;
  resourceId?: string | undefined;
  account?: string | undefined;
  region?: string | undefined;
  location?: FindingLocation | undefined;
  /** Used in place of a placeholder native id: the rule and what the record says about it. */
  fallback?: (string | undefined)[];
}

/**
 * Identity (evaluation.md section 1): sha256 of source format and tool, native id, resource id and
 * the distinguishing location (package + installed version; artifact URI + start line; account +
 * region). A placeholder native id is replaced by the rule id and the record's own text, so that
 * it never merges distinct resources.
 */
export function identityOf(parts: IdentityParts): string {
  const native = isPlaceholder(parts.nativeId) ? ['placeholder', ...(parts.fallback ?? [])] : [parts.nativeId];
  const fields = [
    parts.format,
    parts.tool ?? '',
    ...native.map((v) => v ?? ''),
    parts.resourceId ?? '',
    parts.account ?? '',
    parts.region ?? '',
    parts.location?.uri ?? '',
    parts.location?.startLine === undefined ? '' : String(parts.location.startLine),
    parts.location?.package ?? '',
    parts.location?.version ?? '',
  ];
  // NUL separates the fields: no field can forge another's boundary.
  return createHash('sha256').update(fields.join('\u0000')).digest('hex');
}

/** Framework ids of the control references exports carry (Security Hub, Prowler keys). */
const FRAMEWORK_KEYS: [RegExp, string][] = [
  [/^NIST[-. ]?(?:SP[-. ]?)?800-53(?:[-. ]?(?:Revision|Rev\.?|r)[-. ]?5)$/i, 'nist-800-53'],
  [/^NIST[-. ]?(?:SP[-. ]?)?800-171(?:[-. ]?(?:Revision|Rev\.?|r)[-. ]?2)$/i, 'nist-800-171'],
  [/^NIST[-. ]?(?:SP[-. ]?)?800-171(?:[-. ]?(?:Revision|Rev\.?|r)[-. ]?3)$/i, 'nist-800-171-r3'],
];

/** The Infracast framework id of an export's framework key (`NIST-800-53-Revision-5`...), if it is one. */
export function frameworkOfKey(key: string): string | undefined {
  for (const [pattern, id] of FRAMEWORK_KEYS) if (pattern.test(key.trim())) return id;
  return undefined;
}

/**
 * The canonical id of a control reference in a framework. Prowler splits requirements into
 * sub-items (`ac_3_3_b_1`, `cm_6_a`): those count for the control they belong to.
 */
export function canonicalOrParent(framework: string, raw: string): string | undefined {
  // Exports repeat the same few hundred references millions of times: remember the answers.
  const key = `${framework}\u0000${raw}`;
  const known = canonicalMemo.get(key);
  if (known !== undefined) return known === null ? undefined : known;
  const id = canonicalUncached(framework, raw);
  if (canonicalMemo.size > 100_000) canonicalMemo.clear();
  canonicalMemo.set(key, id ?? null);
  return id;
}

const canonicalMemo = new Map<string, string | null>();

function canonicalUncached(framework: string, raw: string): string | undefined {
  let text = raw.trim();
  for (;;) {
    const id = canonicalControlId(framework, text);
    if (id) return id;
    const cut = text.search(/[_.][a-z0-9]+$/i);
    if (cut <= 0) return undefined;
    text = text.slice(0, cut);
  }
}

const prefixedMemo = new Map<string, [string, string] | null>();

/** Collects control ids per framework: known frameworks canonical, others as written. */
export class ControlSet {
  readonly known = new Map<string, Set<string>>();
  readonly other = new Map<string, Set<string>>();

  add(framework: string, raw: string): void {
    const id = canonicalOrParent(framework, raw);
    if (id) (this.known.get(framework) ?? this.known.set(framework, new Set()).get(framework)!).add(id);
  }

  /** A reference under an export's framework key: known frameworks canonicalised, others kept verbatim. */
  addKeyed(key: string, raw: string): void {
    const framework = frameworkOfKey(key);
    if (framework) this.add(framework, raw);
    else this.addOther(key, raw);
  }

  /** A reference kept as written under the export's own key (a framework Infracast does not know). */
  addOther(key: string, raw: string): void {
    if (raw.trim() !== '') (this.other.get(key) ?? this.other.set(key, new Set()).get(key)!).add(raw.trim());
  }

  /** A Security Hub style reference, `NIST.800-53.r5 AC-2(4)`; anything else is kept under `other`. */
  addPrefixed(reference: string): void {
    let parsed = prefixedMemo.get(reference);
    if (parsed === undefined) {
      const match = /^(NIST\.800-(?:53|171)\.r\d)\s+(.+)$/i.exec(reference.trim());
      const framework = match ? frameworkOfKey(match[1]!.replace(/\./g, '-')) : undefined;
      parsed = match && framework ? [framework, match[2]!] : null;
      if (prefixedMemo.size > 100_000) prefixedMemo.clear();
      prefixedMemo.set(reference, parsed);
    }
    if (parsed) this.add(parsed[0], parsed[1]);
    else if (reference.trim() !== '') (this.other.get('') ?? this.other.set('', new Set()).get('')!).add(reference.trim());
  }

  controls(): Record<string, string[]> {
    return sortedRecord(this.known);
  }

  others(): Record<string, string[]> | undefined {
    return this.other.size > 0 ? sortedRecord(this.other) : undefined;
  }
}

function sortedRecord(map: Map<string, Set<string>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const key of [...map.keys()].sort()) out[key] = [...map.get(key)!].sort();
  return out;
}

// ---- JSON accessors that report the field at fault ----

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown, field: string): Json {
  if (!isObject(value)) throw new RecordError(`${field} is ${describe(value)}, expected an object`, field);
  return value;
}

/** A string field, or undefined when absent; throws when present with another type. */
export function optString(obj: Json, key: string, field = key): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new RecordError(`${field} is ${describe(value)}, expected a string`, field);
}

export function reqString(obj: Json, key: string, field = key): string {
  const value = optString(obj, key, field);
  if (value === undefined || value.trim() === '') throw new RecordError(`${field} is missing`, field);
  return value;
}

export function optObject(obj: Json, key: string, field = key): Json | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  return asObject(value, field);
}

export function optArray(obj: Json, key: string, field = key): unknown[] {
  const value = obj[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RecordError(`${field} is ${describe(value)}, expected an array`, field);
  return value;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/** A date-time as written by the source, made RFC 3339 UTC when it is one (Prowler writes no zone: UTC). */
export function normaliseTime(value: string | number | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? new Date(value * 1000).toISOString() : undefined;
  const text = value.trim();
  const withZone = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

/**
 * An observation time the record itself carries, with its source (evaluation.md section 1), as
 * the two adjacent fields `setOptional` writes; both absent without a time.
 */
export function recordTime(observedAt: string | undefined): Pick<OptionalFindingFields, 'observedAt' | 'observedAtSource'> {
  return observedAt === undefined || observedAt === '' ? {} : { observedAt, observedAtSource: 'record' };
}

/** ASFF/CSV/OCSF status words -> result. */
export function resultFromStatus(status: string): FindingResult | undefined {
  switch (status.trim().toUpperCase()) {
    case 'PASS':
    case 'PASSED':
    case 'SUCCESS':
      return 'PASS';
    case 'FAIL':
    case 'FAILED':
    case 'FAILURE':
      return 'FAIL';
    case 'MANUAL':
    case 'WARNING':
    case 'NOT_AVAILABLE':
      return 'MANUAL';
    case 'NOT_APPLICABLE':
    case 'NOTAPPLICABLE':
    case 'SKIPPED':
      return 'NOT_APPLICABLE';
    case 'ERROR':
      return 'ERROR';
    case 'INFO':
    case 'INFORMATIONAL':
      return 'INFO';
    default:
      return undefined;
  }
}

/** `key=value` tag lists (Prowler CSV), OCSF `[{key, value}]` or Prowler OCSF labels `["key:value"]` -> a record. */
export function tagsOf(value: unknown): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isObject(item)) {
        const key = item.key ?? item.Key ?? item.name;
        const val = item.value ?? item.Value;
        if (typeof key === 'string') out[key] = typeof val === 'string' ? val : String(val ?? '');
      } else if (typeof item === 'string') {
        const colon = item.indexOf(':');
        if (colon > 0) out[item.slice(0, colon).trim()] = item.slice(colon + 1).trim();
      }
    }
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  } else if (typeof value === 'string' && value.trim() !== '') {
    for (const pair of value.split(/\s*[|,]\s*/)) {
      const eq = pair.indexOf('=');
      if (eq > 0) out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
