/** OCSF Detection Findings (class 2004) as Prowler writes them: a JSON array. */
import type { Finding, FindingResult, FindingState, Resource } from '../model/finding.js';
import { firstRecord, readJsonRecords } from './json-records.js';
import {
  ControlSet,
  asObject,
  identityOf,
  isObject,
  isPlaceholder,
  normaliseTime,
  optArray,
  optObject,
  optString,
  resultFromStatus,
  setOptional,
  severityFromLabel,
  tagsOf,
} from './normalise.js';
import type { Severity } from '../model/definitions.js';
import type { Detection, FormatLoader, LoaderInput, RecordOutcome } from './types.js';
import { RecordError } from './types.js';

const FORMAT = 'ocsf';

/** OCSF severity_id: 0 Unknown, 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical, 6 Fatal, 99 Other. */
const SEVERITY_IDS: Record<number, Severity> = { 0: 'INFORMATIONAL', 1: 'INFORMATIONAL', 2: 'LOW', 3: 'MEDIUM', 4: 'HIGH', 5: 'CRITICAL', 6: 'CRITICAL' };

function looksOcsf(value: unknown): boolean {
  return isObject(value) && (value.class_uid === 2004 || value.class_name === 'Detection Finding') && isObject(value.finding_info);
}

export function normaliseOcsf(value: unknown, record: number, file: string): Finding {
  if (!isObject(value)) throw new RecordError('a finding must be an object');
  const info = optObject(value, 'finding_info');
  if (!info) throw new RecordError('finding_info is missing', 'finding_info');
  const nativeId = optString(info, 'uid', 'finding_info.uid') ?? '';
  const title = optString(info, 'title', 'finding_info.title') ?? optString(value, 'message');
  if (!title) throw new RecordError('finding_info.title is missing', 'finding_info.title');
  const metadata = optObject(value, 'metadata');
  const product = metadata ? optObject(metadata, 'product', 'metadata.product') : undefined;
  const tool = (
    (product ? (optString(product, 'uid', 'metadata.product.uid') ?? optString(product, 'name', 'metadata.product.name')) : undefined) ?? 'ocsf'
  ).toLowerCase();
  const ruleId = metadata ? optString(metadata, 'event_code', 'metadata.event_code') : undefined;

  const statusCode = optString(value, 'status_code');
  let result: FindingResult;
  if (statusCode) {
    const mapped = resultFromStatus(statusCode);
    if (!mapped) throw new RecordError(`status_code is "${statusCode}", expected PASS, FAIL or MANUAL`, 'status_code');
    result = mapped;
  } else throw new RecordError('status_code is missing', 'status_code');

  const severityLabel = optString(value, 'severity');
  const severityId = value.severity_id;
  let severity = severityLabel ? severityFromLabel(severityLabel) : undefined;
  if (!severity && typeof severityId === 'number') severity = SEVERITY_IDS[severityId] ?? 'INFORMATIONAL';
  if (!severity) throw new RecordError(`severity is ${severityLabel === undefined ? 'missing' : `"${severityLabel}"`}`, 'severity');

  const status = (optString(value, 'status') ?? '').toLowerCase();
  const state: FindingState = status === 'suppressed' ? 'suppressed' : status === 'resolved' ? 'resolved' : 'open';

  const controls = new ControlSet();
  const unmapped = optObject(value, 'unmapped');
  const compliance = unmapped ? optObject(unmapped, 'compliance', 'unmapped.compliance') : undefined;
  if (compliance) {
    for (const key of Object.keys(compliance)) {
      for (const raw of optArray(compliance, key, `unmapped.compliance.${key}`)) {
        if (typeof raw === 'string') controls.addKeyed(key, raw);
      }
    }
  }

  const cloud = optObject(value, 'cloud');
  const accountObject = cloud ? optObject(cloud, 'account', 'cloud.account') : undefined;
  const account = accountObject ? optString(accountObject, 'uid', 'cloud.account.uid') : undefined;
  const resources = optArray(value, 'resources');
  const first = resources.length > 0 ? asObject(resources[0], 'resources[0]') : undefined;
  const region = (first ? optString(first, 'region', 'resources[0].region') : undefined) ?? (cloud ? optString(cloud, 'region', 'cloud.region') : undefined);
  let resource: Resource | undefined;
  if (first) {
    const uid = optString(first, 'uid', 'resources[0].uid') ?? optString(first, 'name', 'resources[0].name');
    if (uid) {
      resource = { id: uid };
      const type = optString(first, 'type', 'resources[0].type');
      const name = optString(first, 'name', 'resources[0].name');
      if (type) resource.type = type;
      if (name) resource.name = name;
      if (account) resource.account = account;
      if (region) resource.region = region;
      const data = isObject(first.data) && isObject(first.data.metadata) ? first.data.metadata : undefined;
      const tags = tagsOf(data?.tags) ?? tagsOf(first.labels);
      if (tags) resource.tags = tags;
    }
  }
  const remediationObject = optObject(value, 'remediation');
  const remediation = remediationObject ? optString(remediationObject, 'desc', 'remediation.desc') : undefined;
  const observedAt = normaliseTime(optString(value, 'time_dt') ?? (typeof value.time === 'number' ? value.time : undefined));
  const firstObservedAt = normaliseTime(optString(info, 'first_seen_time_dt', 'finding_info.first_seen_time_dt'));
  const description = optString(value, 'status_detail') ?? optString(value, 'message') ?? optString(info, 'desc', 'finding_info.desc');

  const finding: Finding = {
    identity: identityOf({
      format: FORMAT,
      tool,
      nativeId,
      resourceId: isPlaceholder(resource?.id) ? undefined : resource?.id,
      account,
      region,
      fallback: [ruleId, description, resource?.id],
    }),
    nativeId,
    title,
    tool,
    result,
    state,
    severity,
    severitySource: { value: severityLabel ?? Number(severityId), scale: 'ocsf' },
    controls: controls.controls(),
    sources: [{ file, format: FORMAT, tool, record }],
  };
  return setOptional(finding, {
    otherControls: controls.others(),
    description,
    ruleId,
    resource,
    tags: resource?.tags && { ...resource.tags },
    // OCSF has no owner field: the resource's `owner` tag names one.
    owner: resource?.tags?.owner,
    remediation,
    observedAt,
    firstObservedAt,
  });
}

export const ocsfLoader: FormatLoader = {
  format: FORMAT,
  label: 'OCSF Detection Finding (Prowler)',
  detect(head: Buffer, headText: string): Detection {
    if (!headText.trimStart().startsWith('[')) return { ok: false, reason: 'not a JSON array' };
    const first = firstRecord(head);
    if (looksOcsf(first)) return { ok: true };
    if (first === undefined && /"class_uid"\s*:\s*2004\b/.test(headText)) return { ok: true };
    return { ok: false, reason: 'its first record is not a Detection Finding (class_uid 2004 with finding_info)' };
  },
  read(input: LoaderInput): AsyncIterable<RecordOutcome> {
    return readJsonRecords(input, (value, record) => normaliseOcsf(value, record, input.file));
  },
};
