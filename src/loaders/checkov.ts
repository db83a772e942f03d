/**
 * Checkov JSON (`checkov -d . -o json`): one finding per passed, failed and skipped check of each
 * framework's report. Checkov writes one report object for one framework and an array of them for
 * several (terraform, dockerfile, secrets, sca_package...); with nothing to scan it writes only a
 * summary, which holds no findings. Files Checkov could not parse (`parsing_errors`) are not findings.
 *
 * Severity: Checkov gives one only with a Prisma Cloud API key; otherwise it is null. A failed or
 * skipped check without one is MEDIUM ("unrated"), which is also what Checkov's own SARIF says
 * (level warning) and what Infracast reads from it; a passed check without one is INFORMATIONAL.
 * A skipped check is a failure suppressed in the code (`checkov:skip=ID:comment`): FAIL, state
 * suppressed, the comment as description.
 * SCA package findings with a vulnerability id (`vulnerability_details.id`) are vulnerability findings.
 */
import { joinRemediation, seeUrl } from './remediation.js';
import type { Severity } from '../model/definitions.js';
import type { Finding, FindingLocation, FindingResult, FindingState, Resource } from '../model/finding.js';
import { jsonHeadShape } from './json-shape.js';
import { ControlSet, isObject, optArray, optObject, optString, reqString, tagsOf } from './normalise.js';
import type { Json } from './normalise.js';
import {
  arrayRecords,
  documentOutcomes,
  highestCvss,
  httpUrl,
  labelledSeverity,
  lineNumber,
  recordObject,
  scannerFinding,
  stringList,
  vulnerabilityFinding,
} from './scanner.js';
import type { DocumentRecord } from './scanner.js';
import type { Detection, FormatLoader, LoaderInput, RecordOutcome } from './types.js';
import { RecordError } from './types.js';
import { readWhole } from './whole.js';
import { isVulnerabilityId } from './vulnerability.js';

const FORMAT = 'checkov';
const TOOL = 'checkov';
const SCALE = 'checkov';

const RESULT_LISTS = ['passed_checks', 'failed_checks', 'skipped_checks'] as const;

const CHECK_RESULTS: Record<string, { result: FindingResult; state: FindingState }> = {
  PASSED: { result: 'PASS', state: 'open' },
  FAILED: { result: 'FAIL', state: 'open' },
  SKIPPED: { result: 'FAIL', state: 'suppressed' },
};

/** The result a list implies, for records that do not say (`check_result.result` wins when present). */
const LIST_RESULT: Record<(typeof RESULT_LISTS)[number], string> = { passed_checks: 'PASSED', failed_checks: 'FAILED', skipped_checks: 'SKIPPED' };

function severityOf(label: string | undefined, field: string, result: FindingResult): { severity: Severity; severitySource: Finding['severitySource'] } {
  if (label) return labelledSeverity(label, field, SCALE);
  return result === 'PASS'
    ? { severity: 'INFORMATIONAL', severitySource: { value: 'none', scale: SCALE } }
    : { severity: 'MEDIUM', severitySource: { value: 'unrated', scale: SCALE } };
}

/** Prisma Cloud's `benchmarks` ({"FEDRAMP (MODERATE)": [{name: "CP-9(b)"}]}): kept as written, under their own names. */
function benchmarkControls(check: Json): Record<string, string[]> | undefined {
  const benchmarks = optObject(check, 'benchmarks');
  if (!benchmarks) return undefined;
  const controls = new ControlSet();
  for (const key of Object.keys(benchmarks)) {
    for (const entry of optArray(benchmarks, key, `benchmarks.${key}`)) {
      const name = isObject(entry) ? entry.name : entry;
      if (typeof name === 'string') controls.addKeyed(key, name);
    }
  }
  return controls.others();
}

export function normaliseCheckovCheck(value: unknown, file: string, list: (typeof RESULT_LISTS)[number], record: number): Finding {
  const check = recordObject(value);
  const checkId = reqString(check, 'check_id');
  const checkResult = optObject(check, 'check_result');
  const resultText = (checkResult ? optString(checkResult, 'result', 'check_result.result') : undefined) ?? LIST_RESULT[list];
  const outcome = CHECK_RESULTS[resultText.toUpperCase()];
  if (!outcome) throw new RecordError(`check_result.result is "${resultText}", expected PASSED, FAILED or SKIPPED`, 'check_result.result');
  const filePath = optString(check, 'file_path');
  const range = optArray(check, 'file_line_range');
  const startLine = lineNumber(range[0], 'file_line_range[0]');
  const resourceName = optString(check, 'resource');
  const resource: Resource | undefined = resourceName ? { id: resourceName } : filePath ? { id: filePath } : undefined;
  const suppressComment = checkResult ? optString(checkResult, 'suppress_comment', 'check_result.suppress_comment') : undefined;
  const description = optString(check, 'description') ?? optString(check, 'short_description');
  const details = optObject(check, 'vulnerability_details');
  const common = {
    format: FORMAT,
    tool: TOOL,
    file,
    record,
    state: outcome.state,
    description: outcome.state === 'suppressed' ? (suppressComment ?? description) : description,
    resource,
    otherControls: benchmarkControls(check),
    tags: tagsOf(check.entity_tags),
  };
  const vulnerabilityId = details ? optString(details, 'id', 'vulnerability_details.id') : undefined;
  if (details && isVulnerabilityId(vulnerabilityId) && outcome.result === 'FAIL') {
    const fixedVersions = stringList(details, 'fixed_versions', 'vulnerability_details.fixed_versions');
    return vulnerabilityFinding({
      ...common,
      nativeId: vulnerabilityId!,
      ids: [vulnerabilityId],
      package: optString(details, 'package_name', 'vulnerability_details.package_name'),
      installedVersion: optString(details, 'package_version', 'vulnerability_details.package_version'),
      fixedVersion: optString(details, 'lowest_fixed_version', 'vulnerability_details.lowest_fixed_version') ?? (fixedVersions.join(', ') || undefined),
      cvss: highestCvss([{ score: details.cvss }]),
      description: common.description ?? optString(details, 'description', 'vulnerability_details.description'),
      ...(optString(check, 'severity')
        ? severityOf(optString(check, 'severity'), 'severity', 'FAIL')
        : severityOf(optString(details, 'severity', 'vulnerability_details.severity'), 'vulnerability_details.severity', 'FAIL')),
      location: filePath ? { uri: filePath } : undefined,
      advisoryUrl: optString(details, 'link', 'vulnerability_details.link'),
    });
  }
  const location: FindingLocation = { ...(filePath ? { uri: filePath } : {}), ...(startLine ? { startLine } : {}) };
  // Package checks (licences) name the package: two versions of one package are two findings.
  const packageName = details ? optString(details, 'package_name', 'vulnerability_details.package_name') : undefined;
  const packageVersion = details ? optString(details, 'package_version', 'vulnerability_details.package_version') : undefined;
  if (packageName) location.package = packageName;
  if (packageVersion) location.version = packageVersion;
  return scannerFinding({
    ...common,
    nativeId: checkId,
    title: optString(check, 'check_name') ?? checkId,
    result: outcome.result,
    ...severityOf(optString(check, 'severity'), 'severity', outcome.result),
    ruleId: checkId,
    location,
    remediation: joinRemediation([seeUrl(httpUrl(optString(check, 'guideline'))) ?? optString(check, 'guideline')]),
  });
}

/** The checks of one framework report, list by list, as Checkov wrote them. */
function* reportRecords(report: unknown, path: string, file: string): Generator<DocumentRecord> {
  if (!isObject(report)) throw new RecordError(`${path || 'the report'} is not an object`, path || 'report');
  const results = optObject(report, 'results', `${path}results`);
  if (!results) return;
  for (const list of RESULT_LISTS)
    yield* arrayRecords(results, list, `${path}results.${list}`, (item, record) => normaliseCheckovCheck(item, file, list, record));
}

function isSummaryOnly(keys: readonly string[]): boolean {
  return keys.includes('checkov_version') && keys.includes('passed') && keys.includes('failed');
}

export const checkovLoader: FormatLoader = {
  format: FORMAT,
  label: 'Checkov JSON',
  detect(_head: Buffer, headText: string): Detection {
    const shape = jsonHeadShape(headText);
    if (shape.root === 'none') return { ok: false, reason: 'not JSON' };
    if (shape.keys.includes('check_type') && shape.keys.includes('results')) return { ok: true, tool: TOOL };
    // A report larger than the head has shown only its first member so far.
    if (shape.root === 'array' && shape.keys[0] === 'check_type') return { ok: true, tool: TOOL };
    if (shape.root === 'object' && isSummaryOnly(shape.keys)) return { ok: true, tool: TOOL };
    return { ok: false, reason: `no report with "check_type" and "results"${shape.root === 'array' ? ' as its first element' : ''}` };
  },
  async *read(input: LoaderInput): AsyncIterable<RecordOutcome> {
    const document = await readWhole(input);
    const reports = Array.isArray(document) ? document : [document];
    const records = reports.flatMap((report, i) => [...reportRecords(report, Array.isArray(document) ? `[${i}].` : '', input.file)]);
    yield* documentOutcomes(input.file, records);
  },
};
