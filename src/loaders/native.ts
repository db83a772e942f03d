/** The native Infracast export (schemas/finding.schema.json): a JSON array, an object with `findings`, or JSON Lines. */
import { SEVERITIES } from '../model/definitions.js';
import type { Severity } from '../model/definitions.js';
import type { Finding, FindingLocation, FindingResult, FindingState, Resource, Vulnerability } from '../model/finding.js';
import { firstRecord, readJsonRecords } from './json-records.js';
import {
  canonicalOrParent,
  ControlSet,
  identityOf,
  isObject,
  normaliseTime,
  optArray,
  optObject,
  optString,
  recordTime,
  reqString,
  setOptional,
} from './normalise.js';
import type { Json } from './normalise.js';
import type { Detection, FormatLoader, LoaderInput, RecordOutcome } from './types.js';
import { RecordError } from './types.js';
import { vulnerabilityLocation, vulnerabilityOf, vulnerabilityRemediation } from './vulnerability.js';

const RESULTS: readonly FindingResult[] = ['FAIL', 'PASS', 'MANUAL', 'NOT_APPLICABLE', 'ERROR', 'INFO'];
const STATES: readonly FindingState[] = ['open', 'resolved', 'suppressed'];
const FORMAT = 'native';

function looksNative(value: unknown): boolean {
  return isObject(value) && typeof value.id === 'string' && typeof value.result === 'string' && 'severity' in value && 'title' in value;
}

function isJsonLines(headText: string): boolean {
  const first = headText.split('\n', 1)[0]!.trim();
  if (!first.startsWith('{')) return false;
  try {
    return looksNative(JSON.parse(first));
  } catch {
    return false;
  }
}

export function normaliseNative(value: unknown, record: number, file: string, envelopeTool?: { name?: string; version?: string }): Finding {
  if (!isObject(value)) throw new RecordError('a finding must be an object');
  const id = reqString(value, 'id');
  const title = reqString(value, 'title');
  const resultText = reqString(value, 'result');
  if (!RESULTS.includes(resultText as FindingResult)) throw new RecordError(`result is "${resultText}", expected one of ${RESULTS.join(', ')}`, 'result');
  const stateText = optString(value, 'state') ?? 'open';
  if (!STATES.includes(stateText as FindingState)) throw new RecordError(`state is "${stateText}", expected one of ${STATES.join(', ')}`, 'state');
  const severityText = reqString(value, 'severity').toUpperCase();
  if (!SEVERITIES.includes(severityText as Severity))
    throw new RecordError(`severity is "${severityText}", expected one of ${SEVERITIES.join(', ')}`, 'severity');
  const severitySource = optObject(value, 'severity_source');
  const toolObject = optObject(value, 'tool');
  const tool = (toolObject ? optString(toolObject, 'name', 'tool.name') : undefined) ?? envelopeTool?.name;
  const resourceObject = optObject(value, 'resource');
  let resource: Resource | undefined;
  if (resourceObject) {
    resource = { id: reqString(resourceObject, 'id', 'resource.id') };
    for (const key of ['type', 'name', 'account', 'region'] as const) {
      const v = optString(resourceObject, key, `resource.${key}`);
      if (v !== undefined) resource[key] = v;
    }
    const tags = optObject(resourceObject, 'tags', 'resource.tags');
    if (tags) resource.tags = stringRecord(tags, 'resource.tags');
  }
  const locationObject = optObject(value, 'location');
  let location: FindingLocation | undefined;
  if (locationObject) {
    location = {};
    for (const key of ['uri', 'package', 'version'] as const) {
      const v = optString(locationObject, key, `location.${key}`);
      if (v !== undefined) location[key] = v;
    }
    const line = locationObject.start_line;
    if (line !== undefined) {
      if (typeof line !== 'number' || !Number.isInteger(line) || line < 1)
        throw new RecordError('location.start_line must be a positive integer', 'location.start_line');
      location.startLine = line;
    }
  }
  const controls = new ControlSet();
  const controlsObject = optObject(value, 'controls');
  if (controlsObject) {
    for (const framework of Object.keys(controlsObject)) {
      for (const raw of optArray(controlsObject, framework, `controls.${framework}`)) {
        if (typeof raw !== 'string') throw new RecordError(`controls.${framework} must list strings`, `controls.${framework}`);
        if (!canonicalOrParent(framework, raw))
          throw new RecordError(`controls.${framework}: "${raw}" is not a ${framework} control id`, `controls.${framework}`);
        controls.add(framework, raw);
      }
    }
  }
  const vulnerability = vulnerabilityOfNative(value);
  if (vulnerability?.package || vulnerability?.installedVersion) location = vulnerabilityLocation(vulnerability, location);
  // A vulnerability finding's rule id is its vulnerability id, unless the record names another.
  const ruleId = optString(value, 'rule_id') ?? vulnerability?.id;
  const description = optString(value, 'description');
  const owner = optString(value, 'owner');
  const remediation = optString(value, 'remediation') ?? vulnerabilityRemediation(vulnerability);
  const observedAt = normaliseTime(optString(value, 'observed_at'));
  const firstObservedAt = normaliseTime(optString(value, 'first_observed_at'));
  const finding: Finding = {
    identity: identityOf({
      format: FORMAT,
      tool,
      nativeId: id,
      resourceId: resource?.id,
      account: resource?.account,
      region: resource?.region,
      location,
      fallback: [ruleId, title],
    }),
    nativeId: id,
    title,
    result: resultText as FindingResult,
    state: stateText as FindingState,
    severity: severityText as Severity,
    severitySource: {
      value: (severitySource?.value as string | number | undefined) ?? severityText,
      scale: (severitySource ? optString(severitySource, 'scale', 'severity_source.scale') : undefined) ?? 'infracast',
    },
    controls: controls.controls(),
    sources: [{ file, format: FORMAT, ...(tool ? { tool } : {}), record }],
  };
  // The native export is taken as written: a field given as "" is kept (keepEmpty).
  return setOptional(
    finding,
    {
      description,
      tool,
      location,
      resource,
      tags: resource?.tags && { ...resource.tags },
      ruleId,
      vulnerability,
      // The record's own owner, even "", wins; without one, the resource's `owner` tag when it names someone.
      owner: owner ?? (resource?.tags?.owner || undefined),
      remediation,
      ...recordTime(observedAt),
      firstObservedAt,
    },
    { keepEmpty: true },
  );
}

/** The record's `vulnerability` (schemas/finding.schema.json), undefined without one. */
function vulnerabilityOfNative(value: Json): Vulnerability | undefined {
  const v = optObject(value, 'vulnerability');
  if (!v) return undefined;
  const id = reqString(v, 'id', 'vulnerability.id');
  const aliases = optArray(v, 'aliases', 'vulnerability.aliases').map((alias, i) => {
    if (typeof alias !== 'string') throw new RecordError(`vulnerability.aliases[${i}] must be a string`, 'vulnerability.aliases');
    return alias;
  });
  const cvss = v.cvss;
  if (cvss !== undefined && (typeof cvss !== 'number' || cvss < 0 || cvss > 10))
    throw new RecordError('vulnerability.cvss must be a CVSS base score from 0 to 10', 'vulnerability.cvss');
  return vulnerabilityOf({
    ids: [id, ...aliases],
    package: optString(v, 'package', 'vulnerability.package'),
    installedVersion: optString(v, 'installed_version', 'vulnerability.installed_version'),
    fixedVersion: optString(v, 'fixed_version', 'vulnerability.fixed_version'),
    cvss,
  });
}

function stringRecord(obj: Json, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v !== 'string') throw new RecordError(`${field}.${k} must be a string`, `${field}.${k}`);
    out[k] = v;
  }
  return out;
}

export const nativeLoader: FormatLoader = {
  format: FORMAT,
  label: 'Infracast native export',
  detect(head: Buffer, headText: string): Detection {
    const text = headText.trimStart();
    if (text.startsWith('[')) {
      const first = firstRecord(head);
      if (looksNative(first)) return { ok: true };
      return { ok: false, reason: 'a JSON array, but its first record has no id, title, result and severity' };
    }
    if (text.startsWith('{')) {
      if (isJsonLines(text)) return { ok: true };
      if (!/"findings"\s*:/.test(text)) return { ok: false, reason: 'a JSON object without a "findings" array' };
      const first = firstRecord(head, ['findings']);
      if (first === undefined || looksNative(first)) return { ok: true };
      return { ok: false, reason: 'its first finding has no id, title, result and severity' };
    }
    return { ok: false, reason: 'not JSON' };
  },
  async *read(input: LoaderInput): AsyncIterable<RecordOutcome> {
    const text = input.head.toString('utf8').trimStart();
    let tool: { name?: string; version?: string } | undefined;
    const normalise = (value: unknown, record: number): Finding => normaliseNative(value, record, input.file, tool);
    if (text.startsWith('{') && isJsonLines(text)) {
      yield* readJsonRecords(input, normalise, { lines: true });
      return;
    }
    yield* readJsonRecords(input, normalise, {
      keys: ['findings'],
      onMember: (key, value) => {
        if (key === 'tool' && isObject(value)) tool = { ...(typeof value.name === 'string' ? { name: value.name } : {}) };
      },
    });
  },
};
