/**
 * SARIF 2.1.0 (Trivy, Grype, Semgrep, CodeQL, Flawfinder...): one finding per result. Severity from
 * the result's or its rule's `properties.security-severity` (CVSS) where present, else `level`
 * (result, then the rule's default configuration).
 *
 * A result whose rule id is a vulnerability id (Trivy), or whose message or rule help says
 * "Vulnerability <id>" (Grype, whose rule ids are "<CVE>-<package>"), is a vulnerability finding
 * (evaluation.md section 1): its rule id is the vulnerability id, package, installed and fixed
 * version are read from the "Key: value" lines the tools write, and its remediation is the
 * upgrade. Control references come from the rule's relationships to taxonomies (sarif-taxonomies.ts).
 * A result without a time of its own (`provenance.lastDetectionTimeUtc`) is observed when its run
 * ended (`invocations[].endTimeUtc`).
 */
import type { Severity } from '../model/definitions.js';
import type { Finding, FindingLocation, FindingResult, FindingState, Resource, Vulnerability } from '../model/finding.js';
import { readWhole } from './whole.js';
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
  setOptional,
  severityFromCvss,
  severityFromSarifLevel,
} from './normalise.js';
import type { Json } from './normalise.js';
import { joinRemediation, seeUrl } from './remediation.js';
import { RunTaxonomies, taxonReferences } from './sarif-taxonomies.js';
import type { Detection, FormatLoader, LoaderInput, RecordOutcome } from './types.js';
import { RecordError } from './types.js';
import { isVulnerabilityId, vulnerabilityOf, vulnerabilityRemediation } from './vulnerability.js';

const FORMAT = 'sarif';

interface RunContext {
  tool: string;
  rules: Map<string, Json>;
  rulesByIndex: Json[];
  taxonomies: RunTaxonomies;
  imageName?: string;
  /** When the run ended (else began), from its invocations: the time of results that carry none. */
  ranAt?: string;
}

function runContext(run: Json, index: number): RunContext {
  const toolObject = asObject(run.tool, `runs[${index}].tool`);
  const driver = asObject(toolObject.driver, `runs[${index}].tool.driver`);
  const tool = (optString(driver, 'name', `runs[${index}].tool.driver.name`) ?? 'sarif').toLowerCase().replace(/\s+/g, '-');
  const rulesByIndex = optArray(driver, 'rules', `runs[${index}].tool.driver.rules`).filter(isObject);
  const rules = new Map<string, Json>();
  for (const rule of rulesByIndex) if (typeof rule.id === 'string') rules.set(rule.id, rule);
  const properties = isObject(run.properties) ? run.properties : {};
  const ranAt = runTime(run, index);
  return {
    tool,
    rules,
    rulesByIndex,
    taxonomies: new RunTaxonomies(run, driver),
    ...(typeof properties.imageName === 'string' ? { imageName: properties.imageName } : {}),
    ...(ranAt ? { ranAt } : {}),
  };
}

/** The latest `endTimeUtc` of the run's invocations, else the latest `startTimeUtc`. */
function runTime(run: Json, index: number): string | undefined {
  const invocations = optArray(run, 'invocations', `runs[${index}].invocations`).filter(isObject);
  for (const key of ['endTimeUtc', 'startTimeUtc']) {
    const times = invocations
      .map((invocation, i) => normaliseTime(optString(invocation, key, `runs[${index}].invocations[${i}].${key}`)))
      .filter((t): t is string => t !== undefined)
      .sort();
    if (times.length > 0) return times[times.length - 1];
  }
  return undefined;
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

/** The "Key: value" lines of a text (Trivy's message, Grype's rule help), keys lower-cased, the first of each. */
function keyedLines(value: string | undefined): Map<string, string> {
  const lines = new Map<string, string>();
  for (const line of (value ?? '').split(/\r?\n/)) {
    const match = /^([A-Za-z][A-Za-z ]*):[ \t]*(.*)$/.exec(line.trim());
    if (match && !lines.has(match[1]!.toLowerCase())) lines.set(match[1]!.toLowerCase(), match[2]!.trim());
  }
  return lines;
}

/**
 * "Vulnerability CVE-2019-1549": the first line of Trivy's and Grype's help and a line of Trivy's
 * message. The tool says the id is a vulnerability's, so ids other than CVE/GHSA count too
 * (Trivy: "TEMP-0841856-B18BAF", "pyup.io-38834"), as long as they look like an advisory id.
 */
const vulnerabilityLine = (value: string | undefined): string | undefined => /^Vulnerability ([A-Za-z][\w.]*-[\w.:-]*\d[\w.:-]*)\s*$/m.exec(value ?? '')?.[1];

/**
 * The vulnerability a result reports, or undefined. The message speaks for the result; the rule's
 * help speaks for the rule, which Trivy shares between the packages a CVE affects (its help names
 * one of them): the help's installed and fixed version count only for the package it names.
 */
function vulnerabilityOfResult(
  ruleId: string | undefined,
  message: string | undefined,
  help: string | undefined,
  cvss: number | undefined,
): Vulnerability | undefined {
  const id = (isVulnerabilityId(ruleId) ? ruleId : undefined) ?? vulnerabilityLine(message) ?? vulnerabilityLine(help);
  if (id === undefined) return undefined;
  const said = keyedLines(message);
  const helped = keyedLines(help);
  const pkg = said.get('package') || helped.get('package');
  const helpFits = helped.get('package') === pkg;
  const pick = (keys: string[]): string | undefined => {
    for (const key of keys) if (said.get(key)) return said.get(key);
    if (helpFits) for (const key of keys) if (helped.get(key)) return helped.get(key);
    return undefined;
  };
  return vulnerabilityOf({
    ids: [id],
    package: pkg,
    installedVersion: pick(['installed version', 'version']),
    fixedVersion: pick(['fixed version', 'fix version']),
    cvss,
  });
}

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
  const help = text(rule?.help);
  const vulnerability = vulnerabilityOfResult(ruleId, message, help, cvss);
  // Package and installed version tell two results of one CVE in one artifact apart (identity),
  // also when the message names them without the result being recognised as a vulnerability.
  const said = keyedLines(message);
  const pkg = vulnerability ? vulnerability.package : said.get('package');
  const installed = vulnerability ? vulnerability.installedVersion : said.get('installed version');
  if (pkg) location.package = pkg;
  if (installed) location.version = installed;

  const resourceId = context.imageName ?? uri;
  const resource: Resource | undefined = resourceId ? { id: resourceId, type: context.imageName ? 'ContainerImage' : 'File' } : undefined;
  // SARIF results have no id of their own unless the tool writes a guid: the rule id is the native id.
  const nativeId = optString(result, 'guid') ?? ruleId ?? '';

  const controls = new ControlSet();
  context.taxonomies.addTaxa(taxonReferences(rule, result), controls);
  const provenance = isObject(result.provenance) ? result.provenance : {};
  const detectedAt = normaliseTime(optString(provenance, 'lastDetectionTimeUtc', 'provenance.lastDetectionTimeUtc'));
  const firstDetectedAt = normaliseTime(optString(provenance, 'firstDetectionTimeUtc', 'provenance.firstDetectionTimeUtc'));
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
  const helpUri = rule && typeof rule.helpUri === 'string' ? rule.helpUri : undefined;
  // A vulnerability: the upgrade. Otherwise the rule's help, its URL as "See <url>" (never a bare URL).
  const remediation = vulnerabilityRemediation(vulnerability) ?? joinRemediation([help, seeUrl(helpUri)]);
  return setOptional(finding, {
    otherControls: controls.others(),
    description: message,
    ruleId: vulnerability?.id ?? ruleId,
    vulnerability,
    location: Object.keys(location).length > 0 ? location : undefined,
    resource,
    remediation,
    ...(detectedAt ? recordTime(detectedAt) : context.ranAt ? { observedAt: context.ranAt, observedAtSource: 'run' as const } : {}),
    firstObservedAt: firstDetectedAt,
  });
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
