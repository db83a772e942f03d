/**
 * OCSF findings in a JSON array: Detection Findings (class 2004) as Prowler writes them, and
 * Vulnerability Findings (class 2002). A record's `vulnerabilities[]` (on either class) make it a
 * vulnerability finding
 * (evaluation.md section 1): `cve.uid` (or the advisory's uid) is its rule id, `affected_packages[]`
 * (`packages[]` before OCSF 1.1) its packages, `cve.cvss[].base_score` its score, and its
 * remediation is the upgrade, then the vulnerability's and the finding's own `remediation.desc`.
 */
import type { Finding, FindingLocation, FindingResult, FindingState, Resource } from '../model/finding.js';
import { firstRecord, readJsonRecords } from './json-records.js';
import { highestScore, vulnerabilityOfPackages, vulnerablePackageOf } from './packages.js';
import type { PackageKeys, PackagesVulnerability, VulnerablePackage } from './packages.js';
import { joinRemediation, remediationTextOf, sourceAdvice } from './remediation.js';
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
  recordTime,
  resultFromStatus,
  setOptional,
  severityFromLabel,
  tagsOf,
} from './normalise.js';
import type { Json } from './normalise.js';
import type { Severity } from '../model/definitions.js';
import type { Detection, FormatLoader, LoaderInput, RecordOutcome } from './types.js';
import { RecordError } from './types.js';
import { vulnerabilityLocation } from './vulnerability.js';

const FORMAT = 'ocsf';

/** OCSF severity_id: 0 Unknown, 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical, 6 Fatal, 99 Other. */
const SEVERITY_IDS: Record<number, Severity> = { 0: 'INFORMATIONAL', 1: 'INFORMATIONAL', 2: 'LOW', 3: 'MEDIUM', 4: 'HIGH', 5: 'CRITICAL', 6: 'CRITICAL' };

/** The finding classes read: 2004 Detection Finding, 2002 Vulnerability Finding. */
const CLASSES: Record<number, string> = { 2004: 'Detection Finding', 2002: 'Vulnerability Finding' };

function looksOcsf(value: unknown): boolean {
  if (!isObject(value) || !isObject(value.finding_info)) return false;
  return (typeof value.class_uid === 'number' && value.class_uid in CLASSES) || Object.values(CLASSES).includes(value.class_name as string);
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
  const { found, cwes } = vulnerabilitiesOf(value);
  const vulnerability = found?.vulnerability;
  // A Vulnerability Finding reports a problem even when its vulnerability is named by a CWE only.
  const reportsVulnerability = found !== undefined || value.class_uid === 2002 || cwes.length > 0;
  const ruleId = vulnerability?.id ?? (metadata ? optString(metadata, 'event_code', 'metadata.event_code') : undefined);

  const severityLabel = optString(value, 'severity');
  const severityId = value.severity_id;
  let severity = severityLabel ? severityFromLabel(severityLabel) : undefined;
  if (!severity && typeof severityId === 'number') severity = SEVERITY_IDS[severityId] ?? 'INFORMATIONAL';
  if (!severity) throw new RecordError(`severity is ${severityLabel === undefined ? 'missing' : `"${severityLabel}"`}`, 'severity');

  const statusCode = optString(value, 'status_code');
  let result: FindingResult;
  if (statusCode) {
    const mapped = resultFromStatus(statusCode);
    if (!mapped) throw new RecordError(`status_code is "${statusCode}", expected PASS, FAIL or MANUAL`, 'status_code');
    result = mapped;
  } else if (reportsVulnerability) {
    // A vulnerability finding has no check status to say otherwise.
    result = severity === 'INFORMATIONAL' ? 'INFO' : 'FAIL';
  } else throw new RecordError('status_code is missing', 'status_code');

  const status = (optString(value, 'status') ?? '').toLowerCase();
  const state: FindingState = status === 'suppressed' ? 'suppressed' : status === 'resolved' ? 'resolved' : 'open';

  const controls = new ControlSet();
  for (const cwe of cwes) controls.addOther('CWE', cwe);
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
  const ownRemediation = remediationObject ? optString(remediationObject, 'desc', 'remediation.desc') : undefined;
  const remediation = found ? joinRemediation([found.remediation, sourceAdvice(ownRemediation)]) : ownRemediation;
  const located: FindingLocation = vulnerability ? vulnerabilityLocation(vulnerability, found.filePath ? { uri: found.filePath } : {}) : {};
  const location = Object.keys(located).length > 0 ? located : undefined;
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
      location,
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
    vulnerability,
    location,
    resource,
    tags: resource?.tags && { ...resource.tags },
    // OCSF has no owner field: the resource's `owner` tag names one.
    owner: resource?.tags?.owner,
    remediation,
    ...recordTime(observedAt),
    firstObservedAt,
  });
}

/**
 * What a record's `vulnerabilities[]` say: the vulnerability (undefined without a CVE or advisory
 * id: OCSF allows a vulnerability described by its CWE only), and the CWE ids. Several entries
 * stay one finding (see packages.ts): a CVE among their ids names it, the other ids are aliases.
 */
function vulnerabilitiesOf(value: Json): { found?: PackagesVulnerability; cwes: string[] } {
  const ids: (string | undefined)[] = [];
  const packages: VulnerablePackage[] = [];
  const scores: unknown[] = [];
  const advice: (string | undefined)[] = [];
  const cwes: string[] = [];
  for (const [i, item] of optArray(value, 'vulnerabilities').entries()) {
    const field = `vulnerabilities[${i}]`;
    const v = asObject(item, field);
    const cve = optObject(v, 'cve', `${field}.cve`);
    const advisory = optObject(v, 'advisory', `${field}.advisory`);
    const cwe = optObject(v, 'cwe', `${field}.cwe`);
    ids.push(cve ? optString(cve, 'uid', `${field}.cve.uid`) : undefined, advisory ? optString(advisory, 'uid', `${field}.advisory.uid`) : undefined);
    for (const related of optArray(v, 'related_vulnerabilities', `${field}.related_vulnerabilities`)) if (typeof related === 'string') ids.push(related);
    const cweId = cwe ? optString(cwe, 'uid', `${field}.cwe.uid`) : undefined;
    if (cweId) cwes.push(cweId);
    // cve.cvss is an array since OCSF 1.1, one object before.
    const cvss = cve?.cvss;
    for (const score of Array.isArray(cvss) ? cvss : [cvss]) if (isObject(score)) scores.push(score.base_score);
    const affected = optArray(v, 'affected_packages', `${field}.affected_packages`);
    const key = affected.length > 0 ? 'affected_packages' : 'packages';
    for (const [j, p] of (affected.length > 0 ? affected : optArray(v, 'packages', `${field}.packages`)).entries())
      packages.push(vulnerablePackageOf(asObject(p, `${field}.${key}[${j}]`), `${field}.${key}[${j}]`, OCSF_PACKAGE));
    advice.push(sourceAdvice(remediationTextOf(v.remediation)));
  }
  const found = vulnerabilityOfPackages(ids, packages, highestScore(scores));
  if (!found) return { cwes };
  const remediation = joinRemediation([found.remediation, ...advice]);
  return { found: { ...found, ...(remediation ? { remediation } : {}) }, cwes };
}

/** The members of an OCSF `affected_packages[]` (or `packages[]`) entry. */
const OCSF_PACKAGE: PackageKeys = {
  name: 'name',
  epoch: 'epoch',
  version: 'version',
  release: 'release',
  fixed: 'fixed_in_version',
  path: 'path',
  remediation: 'remediation',
};

export const ocsfLoader: FormatLoader = {
  format: FORMAT,
  label: 'OCSF Detection or Vulnerability Finding',
  detect(head: Buffer, headText: string): Detection {
    if (!headText.trimStart().startsWith('[')) return { ok: false, reason: 'not a JSON array' };
    const first = firstRecord(head);
    if (looksOcsf(first)) return { ok: true };
    if (first === undefined && /"class_uid"\s*:\s*200[24]\b/.test(headText)) return { ok: true };
    return { ok: false, reason: 'its first record is not a Detection or Vulnerability Finding (class_uid 2004 or 2002 with finding_info)' };
  },
  read(input: LoaderInput): AsyncIterable<RecordOutcome> {
    return readJsonRecords(input, (value, record) => normaliseOcsf(value, record, input.file));
  },
};
