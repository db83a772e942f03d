/**
 * SARIF 2.1.0 (Trivy, Semgrep, CodeQL...): one finding per result. Severity from the result's or
 * its rule's `properties.security-severity` (CVSS) where present, else `level` (result, then the
 * rule's default configuration).
 */
import type { Severity } from '../model/definitions.js';
import type { Finding, FindingLocation, FindingResult, FindingState, Resource } from '../model/finding.js';
import { readWhole } from './whole.js';
import {
  ControlSet,
  asObject,
  identityOf,
  isObject,
  optArray,
  optObject,
  optString,
  setOptional,
  severityFromCvss,
  severityFromSarifLevel,
} from './normalise.js';
import type { Json } from './normalise.js';
import type { Detection, FormatLoader, LoaderInput, RecordOutcome } from './types.js';
import { RecordError } from './types.js';

const FORMAT = 'sarif';

interface RunContext {
  tool: string;
  rules: Map<string, Json>;
  rulesByIndex: Json[];
  imageName?: string;
}

function runContext(run: Json, index: number): RunContext {
  const toolObject = asObject(run.tool, `runs[${index}].tool`);
  const driver = asObject(toolObject.driver, `runs[${index}].tool.driver`);
  const tool = (optString(driver, 'name', `runs[${index}].tool.driver.name`) ?? 'sarif').toLowerCase().replace(/\s+/g, '-');
  const rulesByIndex = optArray(driver, 'rules', `runs[${index}].tool.driver.rules`).filter(isObject);
  const rules = new Map<string, Json>();
  for (const rule of rulesByIndex) if (typeof rule.id === 'string') rules.set(rule.id, rule);
  const properties = isObject(run.properties) ? run.properties : {};
  return { tool, rules, rulesByIndex, ...(typeof properties.imageName === 'string' ? { imageName: properties.imageName } : {}) };
}

function securitySeverity(properties: unknown): number | undefined {
  if (!isObject(properties)) return undefined;
  const raw = properties['security-severity'];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const score = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(score) || score < 0 || score > 10)
    throw new RecordError(`properties.security-severity is "${String(raw)}", expected a CVSS score 0-10`, 'properties.security-severity');
  return score;
}

const text = (value: unknown): string | undefined => (isObject(value) && typeof value.text === 'string' ? value.text : undefined);

export function normaliseSarifResult(value: unknown, context: RunContext, record: number, file: string): Finding {
  const result = asObject(value, 'result');
  const ruleIndex = typeof result.ruleIndex === 'number' ? result.ruleIndex : undefined;
  const ruleObject = isObject(result.rule) ? result.rule : undefined;
  const ruleId = optString(result, 'ruleId') ?? (ruleObject ? optString(ruleObject, 'id', 'rule.id') : undefined);
  const rule = (ruleId ? context.rules.get(ruleId) : undefined) ?? (ruleIndex !== undefined ? context.rulesByIndex[ruleIndex] : undefined);
  if (!ruleId && !rule) throw new RecordError('ruleId is missing', 'ruleId');
  const message = text(result.message);
  const title = text(rule?.shortDescription) ?? message ?? ruleId!;

  let severity: Severity;
  let severitySource: Finding['severitySource'];
  const cvss = securitySeverity(result.properties) ?? securitySeverity(rule?.properties);
  const defaultConfiguration = rule && isObject(rule.defaultConfiguration) ? rule.defaultConfiguration : undefined;
  const level =
    optString(result, 'level') ?? (defaultConfiguration ? optString(defaultConfiguration, 'level', 'rule.defaultConfiguration.level') : undefined) ?? 'warning';
  if (cvss !== undefined) {
    severity = severityFromCvss(cvss);
    severitySource = { value: cvss, scale: 'cvss' };
  } else {
    if (!['error', 'warning', 'note', 'none'].includes(level)) throw new RecordError(`level is "${level}", expected error, warning, note or none`, 'level');
    severity = severityFromSarifLevel(level);
    severitySource = { value: level, scale: 'sarif-level' };
  }

  const kind = optString(result, 'kind') ?? 'fail';
  const results: Record<string, FindingResult> = {
    fail: 'FAIL',
    pass: 'PASS',
    notApplicable: 'NOT_APPLICABLE',
    review: 'MANUAL',
    open: 'MANUAL',
    informational: 'INFO',
  };
  const findingResult = results[kind];
  if (!findingResult) throw new RecordError(`kind is "${kind}", expected fail, pass, open, review, notApplicable or informational`, 'kind');
  const suppressions = optArray(result, 'suppressions');
  const state: FindingState = suppressions.some((s) => isObject(s) && (s.status === undefined || s.status === 'accepted'))
    ? 'suppressed'
    : result.baselineState === 'absent'
      ? 'resolved'
      : 'open';

  const locations = optArray(result, 'locations');
  const physical = locations.length > 0 && isObject(locations[0]) ? optObject(locations[0], 'physicalLocation', 'locations[0].physicalLocation') : undefined;
  const artifact = physical ? optObject(physical, 'artifactLocation', 'locations[0].physicalLocation.artifactLocation') : undefined;
  const region = physical ? optObject(physical, 'region', 'locations[0].physicalLocation.region') : undefined;
  const location: FindingLocation = {};
  const uri = artifact ? optString(artifact, 'uri', 'locations[0].physicalLocation.artifactLocation.uri') : undefined;
  if (uri) location.uri = uri;
  if (region && typeof region.startLine === 'number') location.startLine = region.startLine;
  // Vulnerability scanners name the package and installed version (Trivy: "Package: x\nInstalled Version: y").
  const pkg = message ? /^Package: (.+)$/m.exec(message)?.[1]?.trim() : undefined;
  const version = message ? /^Installed Version: (.+)$/m.exec(message)?.[1]?.trim() : undefined;
  if (pkg) location.package = pkg;
  if (version) location.version = version;

  const resourceId = context.imageName ?? uri;
  const resource: Resource | undefined = resourceId ? { id: resourceId, type: context.imageName ? 'ContainerImage' : 'File' } : undefined;
  // SARIF results have no id of their own unless the tool writes a guid: the rule id is the native id.
  const nativeId = optString(result, 'guid') ?? ruleId ?? '';

  const controls = new ControlSet();
  const finding: Finding = {
    identity: identityOf({ format: FORMAT, tool: context.tool, nativeId, resourceId, location, fallback: [message] }),
    nativeId,
    title,
    tool: context.tool,
    result: findingResult,
    state,
    severity,
    severitySource,
    controls: controls.controls(),
    sources: [{ file, format: FORMAT, tool: context.tool, record }],
  };
  setOptional(finding, {
    description: message,
    ruleId,
    location: Object.keys(location).length > 0 ? location : undefined,
    resource,
  });
  // Not through setOptional: a rule's help URI wins over its help text, and an empty URI still counts.
  const help = text(rule?.help);
  const helpUri = rule && typeof rule.helpUri === 'string' ? rule.helpUri : undefined;
  if (help || helpUri) finding.remediation = helpUri ?? help!;
  return finding;
}

export const sarifLoader: FormatLoader = {
  format: FORMAT,
  label: 'SARIF 2.1.0',
  detect(_head: Buffer, headText: string): Detection {
    const t = headText.trimStart();
    if (!t.startsWith('{')) return { ok: false, reason: 'not a JSON object' };
    if (!/"runs"\s*:/.test(t)) return { ok: false, reason: 'no "runs" member' };
    if (!/sarif/i.test(t) && !/"version"\s*:\s*"2\.1\.0"/.test(t)) return { ok: false, reason: 'no SARIF $schema or version 2.1.0' };
    return { ok: true };
  },
  async *read(input: LoaderInput): AsyncIterable<RecordOutcome> {
    const log = asObject(await readWhole(input), 'the SARIF log');
    if (log.version !== undefined && log.version !== '2.1.0') throw new RecordError(`SARIF version is "${String(log.version)}", expected 2.1.0`, 'version');
    let record = 0;
    for (const [index, run] of optArray(log, 'runs').entries()) {
      if (!isObject(run)) throw new RecordError(`runs[${index}] is not an object`, `runs[${index}]`);
      const context = runContext(run, index);
      for (const result of optArray(run, 'results', `runs[${index}].results`)) {
        record++;
        try {
          yield { record, finding: normaliseSarifResult(result, context, record, input.file) };
        } catch (error) {
          if (!(error instanceof RecordError)) throw error;
          yield {
            record,
            problem: {
              file: input.file,
              record,
              field: `runs[${index}].results[${record - 1}]${error.field ? `.${error.field}` : ''}`,
              message: error.message,
            },
          };
        }
      }
    }
  },
};
