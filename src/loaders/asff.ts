/**
 * AWS Security Finding Format (Security Hub, Prowler, Amazon Inspector, Trivy's ASFF template):
 * `{"Findings": [...]}` or a JSON array.
 *
 * Vulnerability findings (evaluation.md section 1) say what they are in one of two places: the
 * ASFF `Vulnerabilities[]` (Inspector, the specification) or, in Trivy's template
 * (contrib/asff.tpl), `Resources[].Details.Other` with "CVE ID", "PkgName", "Installed Package",
 * "Patched Package" and NVD CVSS scores. Their rule id is the vulnerability id, not the
 * `GeneratorId` (Trivy writes "Trivy" for every CVE); package and installed version are part of
 * their identity; their remediation is the upgrade.
 */
import type { Finding, FindingLocation, FindingResult, FindingState, Resource } from '../model/finding.js';
import { firstRecord, readJsonRecords } from './json-records.js';
import { highestScore, vulnerabilityOfPackages, vulnerablePackageOf } from './packages.js';
import type { PackageKeys, PackagesVulnerability, VulnerablePackage } from './packages.js';
import { joinRemediation, seeUrl, sourceAdvice } from './remediation.js';
import {
  ControlSet,
  asObject,
  identityOf,
  isObject,
  normaliseTime,
  optArray,
  optObject,
  optString,
  recordTime,
  reqString,
  resultFromStatus,
  setOptional,
  severityFromLabel,
  tagsOf,
} from './normalise.js';
import type { Json } from './normalise.js';
import type { Detection, FormatLoader, LoaderInput, RecordOutcome } from './types.js';
import { RecordError } from './types.js';
import { vulnerabilityLocation } from './vulnerability.js';

const FORMAT = 'asff';

function looksAsff(value: unknown): boolean {
  return isObject(value) && typeof value.SchemaVersion === 'string' && typeof value.Id === 'string' && 'ProductArn' in value;
}

/** The producing tool: the product name of ProductArn (`.../product/aws/securityhub` -> aws-securityhub). */
export function asffTool(record: Record<string, unknown>): string {
  // Tools that publish through another vendor's integration name themselves in ProductFields:
  // Trivy's ASFF template uses Aqua Security's ProductArn and writes "Product Name": "Trivy", and
  // mapping rules are written for `tool: trivy`. (Security Hub's own findings use the key
  // "aws/securityhub/ProductName", so they keep their ProductArn name.)
  const fields = isObject(record.ProductFields) ? record.ProductFields : {};
  const named = fields['Product Name'];
  if (typeof named === 'string' && named.trim() !== '') return named.trim().toLowerCase().replace(/\s+/g, '-');
  const arn = typeof record.ProductArn === 'string' ? record.ProductArn : '';
  const match = /:product\/([^/]+)\/([^/]+)$/.exec(arn);
  if (match) return match[1] === match[2] ? match[1]! : `${match[1]}-${match[2]}`;
  return typeof record.ProductName === 'string' ? record.ProductName.toLowerCase().replace(/\s+/g, '-') : 'asff';
}

/**
 * The rule of a Security Hub standard finding without a consolidated `SecurityControlId`: its
 * `ControlId` (FSBP: `Config.1`, a security control id) or `RuleId` (CIS 1.2.0: `1.1`). A bare CIS
 * number names different checks in different benchmark versions (1.2.0 1.1 is root account use,
 * 1.4.0 1.1 contact details), so it is qualified by its standard, as in the GeneratorId and the
 * StandardsControlArn: `cis-aws-foundations-benchmark/v/1.2.0/1.1`. Mapping rules match that id.
 */
function standardControlId(fields: Record<string, unknown>): string | undefined {
  const id = typeof fields.ControlId === 'string' ? fields.ControlId : typeof fields.RuleId === 'string' ? fields.RuleId : undefined;
  if (id === undefined || !/^\d+(?:\.\d+)*$/.test(id)) return id;
  const arn = [fields.StandardsGuideArn, fields.StandardsArn].find((a): a is string => typeof a === 'string');
  const standard = arn ? /:(?:ruleset|standards)\/(.+\/v\/[^/]+)$/.exec(arn)?.[1] : undefined;
  return standard ? `${standard}/${id}` : id;
}

export function normaliseAsff(value: unknown, record: number, file: string): Finding {
  if (!isObject(value)) throw new RecordError('a finding must be an object');
  const id = reqString(value, 'Id');
  const title = reqString(value, 'Title');
  const tool = asffTool(value);
  const severityObject = optObject(value, 'Severity');
  const label = severityObject ? optString(severityObject, 'Label', 'Severity.Label') : undefined;
  const normalized = severityObject?.Normalized;
  let severity = label ? severityFromLabel(label) : undefined;
  if (label && !severity) throw new RecordError(`Severity.Label is "${label}", expected CRITICAL, HIGH, MEDIUM, LOW or INFORMATIONAL`, 'Severity.Label');
  if (!severity && typeof normalized === 'number') {
    severity = normalized >= 90 ? 'CRITICAL' : normalized >= 70 ? 'HIGH' : normalized >= 40 ? 'MEDIUM' : normalized >= 1 ? 'LOW' : 'INFORMATIONAL';
  }
  if (!severity) throw new RecordError('Severity.Label is missing', 'Severity.Label');

  const compliance = optObject(value, 'Compliance');
  const statusText = compliance ? optString(compliance, 'Status', 'Compliance.Status') : undefined;
  let result: FindingResult;
  if (statusText) {
    const mapped = resultFromStatus(statusText);
    if (!mapped) throw new RecordError(`Compliance.Status is "${statusText}", expected PASSED, FAILED, WARNING or NOT_AVAILABLE`, 'Compliance.Status');
    result = mapped;
  } else result = severity === 'INFORMATIONAL' ? 'INFO' : 'FAIL'; // a finding without a compliance check reports a problem

  const workflow = optObject(value, 'Workflow');
  const workflowStatus = (workflow ? optString(workflow, 'Status', 'Workflow.Status') : undefined) ?? optString(value, 'WorkflowState');
  const recordState = optString(value, 'RecordState');
  let state: FindingState = 'open';
  if (workflowStatus?.toUpperCase() === 'SUPPRESSED') state = 'suppressed';
  else if (recordState?.toUpperCase() === 'ARCHIVED' || (workflowStatus?.toUpperCase() === 'RESOLVED' && result !== 'FAIL')) state = 'resolved';
  else if (workflowStatus?.toUpperCase() === 'RESOLVED') state = 'resolved';

  const controls = new ControlSet();
  for (const [i, requirement] of (compliance ? optArray(compliance, 'RelatedRequirements', 'Compliance.RelatedRequirements') : []).entries()) {
    if (typeof requirement !== 'string') throw new RecordError(`Compliance.RelatedRequirements[${i}] must be a string`, 'Compliance.RelatedRequirements');
    controls.addPrefixed(requirement);
  }

  const resources = optArray(value, 'Resources');
  const first = resources.length > 0 ? asObject(resources[0], 'Resources[0]') : undefined;
  const account = optString(value, 'AwsAccountId');
  const region = (first ? optString(first, 'Region', 'Resources[0].Region') : undefined) ?? optString(value, 'Region');
  let resource: Resource | undefined;
  if (first) {
    resource = { id: reqString(first, 'Id', 'Resources[0].Id') };
    const type = optString(first, 'Type', 'Resources[0].Type');
    if (type) resource.type = type;
    if (account) resource.account = account;
    if (region) resource.region = region;
    const tags = tagsOf(first.Tags);
    if (tags) resource.tags = tags;
  }
  const productFields = isObject(value.ProductFields) ? value.ProductFields : {};
  const found = vulnerabilityOfRecord(value, first);
  const vulnerability = found?.vulnerability;
  const ruleId =
    vulnerability?.id ??
    (compliance ? optString(compliance, 'SecurityControlId', 'Compliance.SecurityControlId') : undefined) ??
    standardControlId(productFields) ??
    optString(value, 'GeneratorId');
  const remediationObject = optObject(value, 'Remediation');
  const recommendation = remediationObject ? optObject(remediationObject, 'Recommendation', 'Remediation.Recommendation') : undefined;
  const recommendationText = recommendation ? optString(recommendation, 'Text', 'Remediation.Recommendation.Text') : undefined;
  const recommendationUrl = recommendation ? optString(recommendation, 'Url', 'Remediation.Recommendation.Url') : undefined;
  // A vulnerability: the upgrade first, then what the source adds (its advice, its link).
  const remediation = found
    ? joinRemediation([found.remediation, sourceAdvice(recommendationText), seeUrl(recommendationUrl)])
    : [recommendationText, recommendationUrl].filter(Boolean).join(' ') || undefined;
  const located: FindingLocation = vulnerability ? vulnerabilityLocation(vulnerability, found.filePath ? { uri: found.filePath } : {}) : {};
  const location = Object.keys(located).length > 0 ? located : undefined;
  const userDefined = tagsOf(value.UserDefinedFields);
  const tags = { ...(resource?.tags ?? {}), ...(userDefined ?? {}) };
  const observedAt = normaliseTime(optString(value, 'LastObservedAt') ?? optString(value, 'UpdatedAt'));
  const firstObservedAt = normaliseTime(optString(value, 'FirstObservedAt') ?? optString(value, 'CreatedAt'));
  const description = optString(value, 'Description');

  const finding: Finding = {
    identity: identityOf({ format: FORMAT, tool, nativeId: id, resourceId: resource?.id, account, region, location, fallback: [ruleId, title, description] }),
    nativeId: id,
    title,
    tool,
    result,
    state,
    severity,
    severitySource: { value: severityObject?.Original !== undefined ? String(severityObject.Original) : (label ?? String(normalized)), scale: 'asff' },
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
    tags: Object.keys(tags).length > 0 ? tags : undefined,
    // ASFF has no owner field: an `owner` tag, of the resource or user-defined, names one.
    owner: tags.owner,
    remediation,
    ...recordTime(observedAt),
    firstObservedAt,
  });
}

/**
 * The vulnerability a record reports, from `Vulnerabilities[]` or Trivy's `Details.Other`;
 * undefined for other findings. A record with several vulnerabilities stays one finding (they
 * are reported, and closed, together): one of their ids names it, the others are its aliases.
 */
function vulnerabilityOfRecord(value: Json, firstResource: Json | undefined): PackagesVulnerability | undefined {
  const listed = optArray(value, 'Vulnerabilities');
  if (listed.length > 0) {
    const ids: (string | undefined)[] = [];
    const packages: VulnerablePackage[] = [];
    const scores: unknown[] = [];
    for (const [i, item] of listed.entries()) {
      const v = asObject(item, `Vulnerabilities[${i}]`);
      ids.push(optString(v, 'Id', `Vulnerabilities[${i}].Id`));
      for (const [j, related] of optArray(v, 'RelatedVulnerabilities', `Vulnerabilities[${i}].RelatedVulnerabilities`).entries())
        if (typeof related === 'string') ids.push(related);
        else throw new RecordError(`Vulnerabilities[${i}].RelatedVulnerabilities[${j}] must be a string`, `Vulnerabilities[${i}].RelatedVulnerabilities`);
      for (const [j, cvss] of optArray(v, 'Cvss', `Vulnerabilities[${i}].Cvss`).entries())
        scores.push(asObject(cvss, `Vulnerabilities[${i}].Cvss[${j}]`).BaseScore);
      for (const [j, p] of optArray(v, 'VulnerablePackages', `Vulnerabilities[${i}].VulnerablePackages`).entries())
        packages.push(
          vulnerablePackageOf(asObject(p, `Vulnerabilities[${i}].VulnerablePackages[${j}]`), `Vulnerabilities[${i}].VulnerablePackages[${j}]`, ASFF_PACKAGE),
        );
    }
    // The finding's id is a CVE among them when there is one (mappings are written against CVEs).
    return vulnerabilityOfPackages(ids, packages, highestScore(scores));
  }
  const details = firstResource ? optObject(firstResource, 'Details', 'Resources[0].Details') : undefined;
  const other = details ? optObject(details, 'Other', 'Resources[0].Details.Other') : undefined;
  const cve = other ? optString(other, 'CVE ID', 'Resources[0].Details.Other.CVE ID') : undefined;
  if (!other || cve === undefined || cve.trim() === '') return undefined;
  const field = (key: string): string | undefined => optString(other, key, `Resources[0].Details.Other.${key}`);
  const pkg: VulnerablePackage = { name: field('PkgName'), installedVersion: field('Installed Package'), fixedVersion: field('Patched Package') };
  // Trivy's template writes the NVD scores (an empty string when NVD has none): v3, else v2.
  const score = highestScore([field('NvdCvssScoreV3')]) ?? highestScore([field('NvdCvssScoreV2')]);
  return vulnerabilityOfPackages([cve], [pkg], score);
}

/** The members of an ASFF `VulnerablePackages[]` entry. */
const ASFF_PACKAGE: PackageKeys = {
  name: 'Name',
  epoch: 'Epoch',
  version: 'Version',
  release: 'Release',
  fixed: 'FixedInVersion',
  path: 'FilePath',
  remediation: 'Remediation',
};

export const asffLoader: FormatLoader = {
  format: FORMAT,
  label: 'AWS Security Finding Format (ASFF)',
  detect(head: Buffer, headText: string): Detection {
    const text = headText.trimStart();
    if (!text.startsWith('{') && !text.startsWith('[')) return { ok: false, reason: 'not JSON' };
    if (text.startsWith('{') && !/"Findings"\s*:/.test(text)) return { ok: false, reason: 'a JSON object without a "Findings" array' };
    const first = firstRecord(head, ['Findings']);
    if (first === undefined && /"SchemaVersion"\s*:\s*"20\d\d-\d\d-\d\d"/.test(text)) return { ok: true };
    if (looksAsff(first)) return { ok: true, tool: asffTool(first as Record<string, unknown>) };
    return { ok: false, reason: 'no record with SchemaVersion, Id and ProductArn' };
  },
  read(input: LoaderInput): AsyncIterable<RecordOutcome> {
    return readJsonRecords(input, (value, record) => normaliseAsff(value, record, input.file), { keys: ['Findings'] });
  },
};
