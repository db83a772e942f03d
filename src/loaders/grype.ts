/**
 * Grype JSON (`grype <target> -o json`): one vulnerability finding per match (`matches[]`), and per
 * match an ignore rule or VEX statement set aside (`ignoredMatches[]`, with --show-suppressed) as
 * suppressed. Read whole: the scanned target (`source`) and the scan time (`descriptor`) come after
 * the matches.
 */
import type { Finding, Resource } from '../model/finding.js';
import { firstRecord } from './json-records.js';
import { objectWithMember } from './json-shape.js';
import { asObject, isObject, optArray, optObject, optString, reqString } from './normalise.js';
import type { Json } from './normalise.js';
import { arrayRecords, documentOutcomes, highestCvss, labelledSeverity, recordObject, runTimeOf, stringList, vulnerabilityFinding } from './scanner.js';
import type { CvssScore } from './scanner.js';
import type { Severity } from '../model/definitions.js';
import type { Detection, FormatLoader, LoaderInput, RecordOutcome } from './types.js';
import { readWhole } from './whole.js';

const FORMAT = 'grype';
const TOOL = 'grype';

/** Grype's own words beside the shared labels: Negligible is below Low. */
const GRYPE_SEVERITIES: Record<string, Severity> = { NEGLIGIBLE: 'INFORMATIONAL' };

interface ScanContext {
  file: string;
  resource?: Resource;
  runTime?: string;
}

function looksGrypeMatch(value: unknown): boolean {
  return isObject(value) && isObject(value.vulnerability) && isObject(value.artifact);
}

/** `cvss: [{version: "3.1", metrics: {baseScore: 7.5}}]` of a vulnerability or a related one. */
function cvssScores(vulnerability: Json): CvssScore[] {
  return optArray(vulnerability, 'cvss')
    .filter(isObject)
    .map((c) => ({ version: typeof c.version === 'string' ? c.version : undefined, score: isObject(c.metrics) ? c.metrics.baseScore : undefined }));
}

/** The version to upgrade to: the one Grype suggests for the installed version, else every fix version it lists. */
function fixedVersion(match: Json, vulnerability: Json): string | undefined {
  for (const detail of optArray(match, 'matchDetails')) {
    const suggested = isObject(detail) && isObject(detail.fix) ? detail.fix.suggestedVersion : undefined;
    if (typeof suggested === 'string' && suggested.trim() !== '') return suggested;
  }
  const fix = optObject(vulnerability, 'fix', 'vulnerability.fix');
  const versions = fix ? stringList(fix, 'versions', 'vulnerability.fix.versions') : [];
  return versions.length > 0 ? versions.join(', ') : undefined;
}

/** Why a match was set aside: the reasons (or VEX statuses) of the ignore rules that applied. */
function ignoreNote(match: Json): string {
  const reasons = optArray(match, 'appliedIgnoreRules')
    .filter(isObject)
    .map((rule) => [rule.reason, rule['vex-status'], rule['vex-justification']].filter((v): v is string => typeof v === 'string' && v !== '').join(': '))
    .filter(Boolean);
  return `ignored by a Grype ignore rule${reasons.length > 0 ? `: ${[...new Set(reasons)].join('; ')}` : ''}`;
}

export function normaliseGrypeMatch(value: unknown, context: ScanContext, record: number, ignored = false): Finding {
  const match = recordObject(value);
  const vulnerability = asObject(match.vulnerability, 'vulnerability');
  const artifact = asObject(match.artifact, 'artifact');
  const id = reqString(vulnerability, 'id', 'vulnerability.id');
  const related = optArray(match, 'relatedVulnerabilities').filter(isObject);
  const { severity, severitySource } = labelledSeverity(
    optString(vulnerability, 'severity', 'vulnerability.severity') ?? 'Unknown',
    'vulnerability.severity',
    'grype',
    GRYPE_SEVERITIES,
  );
  const locations = optArray(artifact, 'locations', 'artifact.locations');
  const path = isObject(locations[0]) ? optString(locations[0], 'path', 'artifact.locations[0].path') : undefined;
  const description = optString(vulnerability, 'description', 'vulnerability.description') ?? related.map((r) => optString(r, 'description')).find(Boolean);
  return vulnerabilityFinding({
    format: FORMAT,
    tool: TOOL,
    file: context.file,
    record,
    nativeId: id,
    // A GHSA match names its CVE among the related vulnerabilities.
    ids: [id, ...related.map((r) => optString(r, 'id'))],
    package: reqString(artifact, 'name', 'artifact.name'),
    installedVersion: optString(artifact, 'version', 'artifact.version'),
    fixedVersion: fixedVersion(match, vulnerability),
    cvss: highestCvss([...cvssScores(vulnerability), ...related.flatMap(cvssScores)]),
    description: ignored ? ignoreNote(match) : description,
    state: ignored ? 'suppressed' : 'open',
    severity,
    severitySource,
    location: path ? { uri: path } : undefined,
    resource: context.resource,
    // Grype's data source is the advisory's address (NVD, GitHub, the distribution's tracker).
    advisoryUrl: optString(vulnerability, 'dataSource', 'vulnerability.dataSource'),
    runTime: context.runTime,
  });
}

/** The scanned target: an image by what the user asked for, a directory or file by its path. */
function sourceResource(source: Json | undefined): Resource | undefined {
  if (!source) return undefined;
  const type = optString(source, 'type', 'source.type');
  const target = source.target;
  let id: string | undefined;
  if (typeof target === 'string') id = target;
  else if (isObject(target)) id = optString(target, 'userInput', 'source.target.userInput') ?? optString(target, 'path', 'source.target.path');
  if (!id || id === 'unknown') return undefined;
  return { id, ...(type ? { type } : {}) };
}

export const grypeLoader: FormatLoader = {
  format: FORMAT,
  label: 'Grype JSON',
  detect(head: Buffer, headText: string): Detection {
    const shape = objectWithMember(headText, 'matches');
    if ('reason' in shape) return { ok: false, reason: shape.reason };
    const first = firstRecord(head, ['matches']);
    if (looksGrypeMatch(first)) return { ok: true, tool: TOOL };
    // No match: Grype's descriptor names it; a first match larger than the head: it opens as Grype writes one.
    if (first === undefined && /"descriptor"\s*:\s*\{\s*"name"\s*:\s*"grype"/.test(headText)) return { ok: true, tool: TOOL };
    if (first === undefined && /^\s*\{\s*"matches"\s*:\s*\[\s*\{\s*"vulnerability"\s*:\s*\{/.test(headText)) return { ok: true, tool: TOOL };
    return { ok: false, reason: 'its first match has no "vulnerability" and "artifact"' };
  },
  async *read(input: LoaderInput): AsyncIterable<RecordOutcome> {
    const document = asObject(await readWhole(input), 'the Grype document');
    const descriptor = optObject(document, 'descriptor');
    const context: ScanContext = { file: input.file };
    const resource = sourceResource(optObject(document, 'source'));
    const runTime = runTimeOf(descriptor?.timestamp);
    if (resource) context.resource = resource;
    if (runTime) context.runTime = runTime;
    yield* documentOutcomes(input.file, [
      ...arrayRecords(document, 'matches', 'matches', (item, record) => normaliseGrypeMatch(item, context, record)),
      ...arrayRecords(document, 'ignoredMatches', 'ignoredMatches', (item, record) => normaliseGrypeMatch(item, context, record, true)),
    ]);
  },
};
