/**
 * Trivy JSON (`trivy image|fs|repo|config ... --format json`, report SchemaVersion 2): one finding
 * per vulnerability, misconfiguration and secret of every target (`Results[]`), and per finding
 * Trivy set aside (`ExperimentalModifiedFindings`: VEX not_affected, .trivyignore) as suppressed.
 * License findings are not read (they are not security findings).
 *
 * The report is streamed target by target: `ArtifactName`, `ArtifactType` and `CreatedAt` come
 * before `Results` in what Trivy writes (and in key-sorted copies), so each target is normalised
 * as it arrives.
 */
import { joinRemediation, seeUrl } from './remediation.js';
import type { Finding, FindingResult, FindingState, Resource } from '../model/finding.js';
import { objectWithMember } from './json-shape.js';
import { asObject, isObject, optObject, optString, reqString } from './normalise.js';
import type { Json } from './normalise.js';
import {
  arrayItems,
  arrayRecords,
  documentOutcomes,
  highestCvss,
  httpUrl,
  joinText,
  labelledSeverity,
  lineNumber,
  recordObject,
  runTimeOf,
  scannerFinding,
  stringList,
  vulnerabilityFinding,
} from './scanner.js';
import type { CvssScore, DocumentRecord, ScannerFindingParts } from './scanner.js';
import { splitJsonArray } from './splitter.js';
import type { Detection, FormatLoader, LoaderInput, RecordOutcome } from './types.js';
import { RecordError } from './types.js';

const FORMAT = 'trivy';
const TOOL = 'trivy';
const SCALE = 'trivy';

/** What every finding of one report shares. */
interface ReportContext {
  file: string;
  resource?: Resource;
  runTime?: string;
}

interface TargetContext extends ReportContext {
  target?: string;
}

/** How a finding was set aside: state and the note that says why. */
interface Modification {
  state: FindingState;
  note?: string;
}

/** Trivy's CVSS map, `{nvd: {V3Score: 9.8, V2Score: 7.5}, redhat: {...}}`, as scores. */
function cvssScores(value: unknown): CvssScore[] {
  if (!isObject(value)) return [];
  const scores: CvssScore[] = [];
  for (const source of Object.values(value)) {
    if (!isObject(source)) continue;
    scores.push({ version: '2', score: source.V2Score }, { version: '3', score: source.V3Score }, { version: '4.0', score: source.V40Score });
  }
  return scores;
}

/** A check finding of a target: what the report and the target give every finding, and a location in the target. */
function targetFinding(
  context: TargetContext,
  record: number,
  startLine: number | undefined,
  parts: Omit<ScannerFindingParts, 'format' | 'tool' | 'file' | 'record' | 'resource' | 'runTime' | 'location' | 'result' | 'ruleId'> & {
    result?: FindingResult;
  },
): Finding {
  return scannerFinding({
    format: FORMAT,
    tool: TOOL,
    file: context.file,
    record,
    result: 'FAIL',
    ruleId: parts.nativeId,
    location: { ...(context.target ? { uri: context.target } : {}), ...(startLine ? { startLine } : {}) },
    resource: context.resource,
    runTime: context.runTime,
    ...parts,
  });
}

function cweControls(record: Json): Record<string, string[]> | undefined {
  const cwes = stringList(record, 'CweIDs');
  return cwes.length > 0 ? { CWE: [...new Set(cwes)].sort() } : undefined;
}

export function normaliseTrivyVulnerability(value: unknown, context: TargetContext, record: number, modified?: Modification): Finding {
  const v = recordObject(value);
  const id = reqString(v, 'VulnerabilityID');
  const { severity, severitySource } = labelledSeverity(reqString(v, 'Severity'), 'Severity', SCALE);
  // A package found inside another file (a jar in an image, a lock file in a folder) is told apart by that file.
  const uri = optString(v, 'PkgPath') ?? context.target;
  return vulnerabilityFinding({
    format: FORMAT,
    tool: TOOL,
    file: context.file,
    record,
    nativeId: id,
    ids: [id, ...stringList(v, 'VendorIDs')],
    package: reqString(v, 'PkgName'),
    installedVersion: optString(v, 'InstalledVersion'),
    fixedVersion: optString(v, 'FixedVersion'),
    cvss: highestCvss(cvssScores(v.CVSS)),
    title: optString(v, 'Title'),
    description: modified?.note ?? optString(v, 'Description'),
    state: modified?.state ?? 'open',
    severity,
    severitySource,
    location: uri ? { uri } : undefined,
    resource: context.resource,
    otherControls: cweControls(v),
    advisoryUrl: optString(v, 'PrimaryURL'),
    runTime: context.runTime,
  });
}

/** Misconfiguration status: PASS and FAIL, EXCEPTION when a policy exception applies (a suppressed failure). */
const MISCONFIGURATION_STATUS: Record<string, { result: FindingResult; state: FindingState }> = {
  PASS: { result: 'PASS', state: 'open' },
  FAIL: { result: 'FAIL', state: 'open' },
  EXCEPTION: { result: 'FAIL', state: 'suppressed' },
};

export function normaliseTrivyMisconfiguration(value: unknown, context: TargetContext, record: number, modified?: Modification): Finding {
  const m = recordObject(value);
  // Older reports have a long ID (aws-vpc-no-public-egress-sgr) and the AVD id beside it; newer ones only an ID (AWS-0104).
  // Trivy's SARIF of the same report uses the ID as rule id: so does this.
  const id = optString(m, 'ID') ?? optString(m, 'AVDID');
  if (!id) throw new RecordError('ID is missing', 'ID');
  const statusText = reqString(m, 'Status');
  const status = MISCONFIGURATION_STATUS[statusText.toUpperCase()];
  if (!status) throw new RecordError(`Status is "${statusText}", expected PASS, FAIL or EXCEPTION`, 'Status');
  const { severity, severitySource } = labelledSeverity(reqString(m, 'Severity'), 'Severity', SCALE);
  const cause = optObject(m, 'CauseMetadata');
  const startLine = cause ? lineNumber(cause.StartLine, 'CauseMetadata.StartLine') : undefined;
  return targetFinding(context, record, startLine, {
    nativeId: id,
    title: optString(m, 'Title') ?? id,
    result: status.result,
    state: modified?.state ?? status.state,
    severity,
    severitySource,
    description: modified?.note ?? optString(m, 'Message') ?? optString(m, 'Description'),
    remediation: joinRemediation([optString(m, 'Resolution'), seeUrl(httpUrl(optString(m, 'PrimaryURL')))]),
  });
}

export function normaliseTrivySecret(value: unknown, context: TargetContext, record: number, modified?: Modification): Finding {
  const s = recordObject(value);
  const id = reqString(s, 'RuleID');
  const { severity, severitySource } = labelledSeverity(reqString(s, 'Severity'), 'Severity', SCALE);
  const startLine = lineNumber(s.StartLine, 'StartLine');
  // The matched text is not kept: Trivy masks the secret in it, but a report has no use for it.
  return targetFinding(context, record, startLine, {
    nativeId: id,
    title: optString(s, 'Title') ?? id,
    state: modified?.state ?? 'open',
    severity,
    severitySource,
    description: modified?.note,
    remediation: 'Remove the secret from the file and its history, and revoke or rotate it.',
  });
}

type TrivyNormaliser = (value: unknown, context: TargetContext, record: number, modified?: Modification) => Finding;

const BY_TYPE: Record<string, TrivyNormaliser> = {
  vulnerability: normaliseTrivyVulnerability,
  misconfiguration: normaliseTrivyMisconfiguration,
  secret: normaliseTrivySecret,
};

/** A finding Trivy set aside: VEX `fixed` resolves it; not_affected, ignored and the rest suppress it. */
function normaliseModified(m: Json, context: TargetContext, record: number): Finding {
  const normalise = BY_TYPE[reqString(m, 'Type')]!;
  const status = optString(m, 'Status');
  const source = optString(m, 'Source');
  const note = joinText([[status, optString(m, 'Statement')].filter(Boolean).join(': '), source && `(${source})`]);
  const finding = asObject(m.Finding, 'Finding');
  try {
    return normalise(finding, context, record, { state: status === 'fixed' ? 'resolved' : 'suppressed', ...(note ? { note } : {}) });
  } catch (error) {
    if (error instanceof RecordError) throw new RecordError(error.message, `Finding${error.field ? `.${error.field}` : ''}`);
    throw error;
  }
}

/** The records of one target (`Results[index]`): vulnerabilities, misconfigurations, secrets, then the findings set aside. */
function* targetRecords(value: unknown, index: number, report: ReportContext): Generator<DocumentRecord> {
  const path = `Results[${index}]`;
  if (!isObject(value)) throw new RecordError(`${path} is not an object`, path);
  const target = optString(value, 'Target', `${path}.Target`);
  const context: TargetContext = { ...report, ...(target ? { target } : {}) };
  yield* arrayRecords(value, 'Vulnerabilities', `${path}.Vulnerabilities`, (item, record) => normaliseTrivyVulnerability(item, context, record));
  yield* arrayRecords(value, 'Misconfigurations', `${path}.Misconfigurations`, (item, record) => normaliseTrivyMisconfiguration(item, context, record));
  yield* arrayRecords(value, 'Secrets', `${path}.Secrets`, (item, record) => normaliseTrivySecret(item, context, record));
  for (const { item, path: itemPath } of arrayItems(value, 'ExperimentalModifiedFindings', `${path}.ExperimentalModifiedFindings`)) {
    // License findings set aside are not findings here either.
    if (isObject(item) && typeof item.Type === 'string' && !(item.Type in BY_TYPE)) continue;
    yield { path: itemPath, normalise: (record) => normaliseModified(recordObject(item), context, record) };
  }
}

function reportResource(name: unknown, type: unknown): Resource | undefined {
  if (typeof name !== 'string' || name.trim() === '') return undefined;
  return { id: name, ...(typeof type === 'string' && type !== '' ? { type } : {}) };
}

export const trivyLoader: FormatLoader = {
  format: FORMAT,
  label: 'Trivy JSON',
  detect(_head: Buffer, headText: string): Detection {
    const shape = objectWithMember(headText, 'SchemaVersion');
    if ('reason' in shape) return { ok: false, reason: shape.reason };
    if (!shape.keys.some((k) => k === 'ArtifactName' || k === 'Results')) return { ok: false, reason: 'no "ArtifactName" or "Results" member' };
    return { ok: true, tool: TOOL };
  },
  async *read(input: LoaderInput): AsyncIterable<RecordOutcome> {
    const members: Json = {};
    const counter = { count: 0 };
    let index = 0;
    let report: ReportContext | undefined;
    for await (const { bytes } of splitJsonArray(input.open(), {
      keys: ['Results'],
      optional: true,
      onMember: (key, value) => (members[key] = value),
      maxRecordBytes: input.maxRecordBytes,
    })) {
      if (!report) {
        checkSchema(members.SchemaVersion, false);
        report = reportContext(input.file, members);
      }
      let target: unknown;
      try {
        target = JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        const record = ++counter.count;
        yield { record, problem: { file: input.file, record, field: `Results[${index++}]`, message: `not valid JSON: ${(error as Error).message}` } };
        continue;
      }
      yield* documentOutcomes(input.file, targetRecords(target, index++, report), counter);
    }
    checkSchema(members.SchemaVersion, true);
  },
};

/**
 * Only report schema 2 is read (Trivy 0.20 and later). It is checked when the first target arrives,
 * or at the end in key-sorted copies, where `SchemaVersion` follows `Results`.
 */
function checkSchema(version: unknown, atEnd: boolean): void {
  if (version === undefined && !atEnd) return;
  if (version !== 2)
    throw new RecordError(`SchemaVersion is ${JSON.stringify(version) ?? 'missing'}, expected 2 (the report of Trivy 0.20 and later)`, 'SchemaVersion');
}

/** What the report says before its targets (artifact and time; Trivy writes them first, and so does a key-sorted copy). */
function reportContext(file: string, members: Json): ReportContext {
  const report: ReportContext = { file };
  const resource = reportResource(members.ArtifactName, members.ArtifactType);
  const runTime = runTimeOf(members.CreatedAt);
  if (resource) report.resource = resource;
  if (runTime) report.runTime = runTime;
  return report;
}
