/**
 * What the scanner-report loaders (Trivy, Grype, Checkov and Semgrep JSON) share: one way to build
 * a check finding and a vulnerability finding (docs/evaluation.md section 1), the CVSS score to
 * keep, severity labels, the run's time, and the numbering of records read from a whole document.
 */
import { joinRemediation, seeUrl } from './remediation.js';
import type { Severity } from '../model/definitions.js';
import type { Finding, FindingLocation, FindingResult, FindingState, Resource, Vulnerability } from '../model/finding.js';
import { describe, identityOf, isObject, normaliseTime, setOptional, severityFromLabel } from './normalise.js';
import type { Json } from './normalise.js';
import type { RecordOutcome } from './types.js';
import { RecordError } from './types.js';
import { vulnerabilityLocation, vulnerabilityOf, vulnerabilityRemediation } from './vulnerability.js';

/** One finding as a scanner reports it, before identity and key order are applied. */
export interface ScannerFindingParts {
  format: string;
  tool: string;
  file: string;
  record: number;
  nativeId: string;
  title: string;
  result: FindingResult;
  state: FindingState;
  severity: Severity;
  severitySource: Finding['severitySource'];
  description?: string | undefined;
  ruleId?: string | undefined;
  vulnerability?: Vulnerability | undefined;
  location?: FindingLocation | undefined;
  resource?: Resource | undefined;
  otherControls?: Record<string, string[]> | undefined;
  tags?: Record<string, string> | undefined;
  remediation?: string | undefined;
  /** The scan's own time (Trivy CreatedAt, Grype descriptor.timestamp): observedAt with source `run`. */
  runTime?: string | undefined;
}

/**
 * The finding: identity from format, tool, native id, resource and location (evaluation.md
 * section 1); optional fields in one order for every scanner (the golden files pin it).
 */
export function scannerFinding(parts: ScannerFindingParts): Finding {
  const location = parts.location && Object.keys(parts.location).length > 0 ? parts.location : undefined;
  const finding: Finding = {
    identity: identityOf({ format: parts.format, tool: parts.tool, nativeId: parts.nativeId, resourceId: parts.resource?.id, location }),
    nativeId: parts.nativeId,
    title: parts.title,
    tool: parts.tool,
    result: parts.result,
    state: parts.state,
    severity: parts.severity,
    severitySource: parts.severitySource,
    controls: {},
    sources: [{ file: parts.file, format: parts.format, tool: parts.tool, record: parts.record }],
  };
  const tags = parts.tags && Object.keys(parts.tags).length > 0 ? parts.tags : undefined;
  return setOptional(finding, {
    otherControls: parts.otherControls && Object.keys(parts.otherControls).length > 0 ? parts.otherControls : undefined,
    description: parts.description?.trim(),
    ruleId: parts.ruleId,
    vulnerability: parts.vulnerability,
    location,
    resource: parts.resource,
    tags,
    // Scanners have no owner field: an `owner` tag names one, as for ASFF and OCSF.
    owner: tags?.owner,
    remediation: parts.remediation,
    observedAt: parts.runTime,
    observedAtSource: parts.runTime ? 'run' : undefined,
  });
}

/** A vulnerability as a scanner reports it: the record's own id, the other ids it gives, the package. */
export interface VulnerabilityParts extends Omit<ScannerFindingParts, 'title' | 'result' | 'ruleId' | 'vulnerability' | 'remediation'> {
  /** The record's own id first (CVE, GHSA, ...), then the aliases it names. */
  ids: (string | undefined)[];
  package?: string | undefined;
  installedVersion?: string | undefined;
  fixedVersion?: string | undefined;
  cvss?: number | undefined;
  title?: string | undefined;
  /** The advisory's primary URL, added after the upgrade sentence. */
  advisoryUrl?: string | undefined;
}

/**
 * A vulnerability finding (evaluation.md section 1): rule id the preferred id (a CVE among the ids),
 * package and installed version in the location (part of the identity), the upgrade as remediation.
 * The native id stays the record's own id, so that a GHSA match and a CVE match of one package
 * (Grype reports both) remain two findings.
 */
export function vulnerabilityFinding(parts: VulnerabilityParts): Finding {
  const vulnerability = vulnerabilityOf({
    ids: parts.ids,
    package: parts.package,
    installedVersion: parts.installedVersion,
    fixedVersion: parts.fixedVersion,
    cvss: parts.cvss,
  });
  const id = vulnerability?.id ?? parts.nativeId;
  const name = [vulnerability?.package, vulnerability?.installedVersion].filter(Boolean).join(' ');
  return scannerFinding({
    ...parts,
    title: parts.title?.trim() || (name ? `${id} in ${name}` : id),
    result: 'FAIL',
    ruleId: id,
    vulnerability,
    location: vulnerabilityLocation(vulnerability, parts.location),
    remediation: joinRemediation([vulnerabilityRemediation(vulnerability), seeUrl(httpUrl(parts.advisoryUrl))]),
  });
}

/** The non-empty parts, separated by a space; undefined when none. */
export function joinText(parts: readonly (string | undefined)[]): string | undefined {
  const text = parts
    .map((p) => p?.trim())
    .filter(Boolean)
    .join(' ');
  return text === '' ? undefined : text;
}

/** A web address, or undefined for anything else (Grype writes data source names where a URL is missing). */
export function httpUrl(value: string | undefined): string | undefined {
  return value !== undefined && /^https?:\/\/\S+$/i.test(value.trim()) ? value.trim() : undefined;
}

export interface CvssScore {
  version?: string | undefined;
  score: unknown;
}

/**
 * The base score a vulnerability finding keeps: the highest CVSS v3.x or v4.0 score the record
 * gives (several sources score one CVE), else the highest v2 score. v2 only as a last resort: NVD
 * retired it, and its scores are not comparable with v3 (the same flaw scores 7.2 in v2, 7.8 in v3).
 */
export function highestCvss(scores: readonly CvssScore[]): number | undefined {
  let best: number | undefined;
  let bestV2: number | undefined;
  for (const { version, score } of scores) {
    if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 10) continue;
    if (version !== undefined && /^2(\.|$)/.test(version)) bestV2 = bestV2 === undefined ? score : Math.max(bestV2, score);
    else best = best === undefined ? score : Math.max(best, score);
  }
  return best ?? bestV2;
}

/**
 * A scanner's severity label -> severity and its source. `words` adds the tool's own words
 * (Grype's Negligible, Semgrep's ERROR/WARNING/INFO); others go through the shared labels.
 */
export function labelledSeverity(
  label: string,
  field: string,
  scale: string,
  words: Readonly<Record<string, Severity>> = {},
): { severity: Severity; severitySource: Finding['severitySource'] } {
  const severity = words[label.trim().toUpperCase()] ?? severityFromLabel(label);
  if (!severity) {
    const known = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', ...Object.keys(words)];
    throw new RecordError(`${field} is "${label}", expected ${[...new Set(known)].join(', ')} or UNKNOWN`, field);
  }
  return { severity, severitySource: { value: label, scale } };
}

/** A date-time the report gives for the whole scan, made UTC; undefined when absent or not a date. */
export function runTimeOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const time = normaliseTime(value);
  return time !== undefined && !Number.isNaN(Date.parse(time)) && time.endsWith('Z') ? time : undefined;
}

/** A list of strings (VendorIDs, fix versions); anything else in it is a defect of the record. */
export function stringList(obj: Json, key: string, field = key): string[] {
  const value = obj[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RecordError(`${field} is ${describe(value)}, expected a list of strings`, field);
  return value.map((item, i) => {
    if (typeof item !== 'string') throw new RecordError(`${field}[${i}] is ${describe(item)}, expected a string`, field);
    return item;
  });
}

/** A positive line number, or undefined (scanners write 0 for "no line"). */
export function lineNumber(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === 0) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new RecordError(`${field} is ${describe(value)}, expected a line number`, field);
  return value;
}

/** One record of a document read whole: where it is (for messages) and how to normalise it. */
export interface DocumentRecord {
  /** The record's path in the document, e.g. `Results[1].Vulnerabilities[0]`. */
  path: string;
  normalise(record: number): Finding;
}

/**
 * Numbers the records of a document from 1 (or on from `counter`, for documents read in parts)
 * and normalises each; a record-level defect becomes that record's problem, naming its path and
 * field. Defects of the document's structure (RecordError thrown while listing) fail the file.
 */
export function* documentOutcomes(file: string, records: Iterable<DocumentRecord>, counter = { count: 0 }): Generator<RecordOutcome> {
  for (const { path, normalise } of records) {
    const record = ++counter.count;
    try {
      yield { record, finding: normalise(record) };
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      yield { record, problem: { file, record, field: error.field ? `${path}.${error.field}` : path, message: error.message } };
    }
  }
}

/** The elements of an array member with their paths, `path[i]` (a member that is not an array is a defect of the document). */
export function* arrayItems(container: Json, key: string, path: string): Generator<{ item: unknown; path: string }> {
  const value = container[key];
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) throw new RecordError(`${path} is ${describe(value)}, expected an array`, path);
  for (const [i, item] of value.entries()) yield { item, path: `${path}[${i}]` };
}

/** The elements of an array member as records. */
export function* arrayRecords(container: Json, key: string, path: string, normalise: (item: unknown, record: number) => Finding): Generator<DocumentRecord> {
  for (const { item, path: itemPath } of arrayItems(container, key, path)) yield { path: itemPath, normalise: (record) => normalise(item, record) };
}

/** A record that must be an object. */
export function recordObject(value: unknown): Json {
  if (!isObject(value)) throw new RecordError(`the record is ${describe(value)}, expected an object`);
  return value;
}
