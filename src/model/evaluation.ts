/**
 * Control evaluation (docs/evaluation.md sections 3 and 4): findings, attestations and
 * exceptions in, one status per control out. Pure: the instant is passed in.
 *
 * Status, in this order (section 4):
 *   1. an approved, unexpired false-positive exception removes the findings it matches;
 *   2. a remaining open FAIL finding mapped to the control makes it failing, even against an
 *      attestation that says met (the conflict is recorded);
 *   3. a valid attestation decides otherwise: met -> passing (attested), partial -> failing
 *      (partial credit where the methodology allows), not-met -> failing, not-applicable -> not-applicable;
 *   4. PASS findings make it passing only through a mapping rule marked sufficient;
 *   5. no evidence -> not-assessed.
 * Approved risk-accepted and operational-requirement exceptions leave it failing, labelled.
 * Expired attestations and exceptions do not apply and are reported.
 */
import { decideAttestations } from './attestations.js';
import type { Attestation, Control, ControlResult, ControlStatus, Exception } from './control.js';
import { canonicalControlId, idSchemeOf } from './control-ids.js';
import type { Finding } from './finding.js';
import { statusReason } from './status-reason.js';
import type { StatusReason } from './status-reason.js';

/** An attestation as written in attestations/ (schemas/attestation.schema.json). */
export interface AttestationRecord extends Attestation {
  objectives?: string[];
  methods?: string[];
  /** Where it is written, `attestations/x.yaml:12`, for reasons and conflicts. */
  source?: string;
  /** A NOT MET (or partial) result's plan of action: it puts the requirement on the (CMMC) POA&M. */
  planOfAction?: { scheduledCompletion: string; description?: string };
}

/** Which findings an exception covers: every field given must match (globs allowed in rule and resource). */
export interface FindingSelector {
  identity?: string;
  rule?: string;
  resource?: string;
  nativeId?: string;
}

export interface ExceptionRecord extends Exception {
  framework?: string;
  controls?: string[];
  findings?: FindingSelector[];
  justification?: string;
  /** FedRAMP vendor dependency: the vendor whose fix is awaited (the POA&M's columns P-R). */
  vendorDependency?: { vendor?: string; product?: string; lastCheckIn?: string };
}

/** One mapping rule (built-in or from mappings/): a rule id (glob) to control ids per framework. */
export interface MappingRule {
  rule: string;
  tool?: string;
  controls: Record<string, string[]>;
  sufficient: boolean;
  /** Where the rule comes from, named in derived statuses. */
  source: string;
  /**
   * Only for findings that name no control of the framework themselves: a source's own list that
   * its records may carry (Security Hub's RelatedRequirements) is taken from the record when it is
   * there, and from the built-in copy of that list when it is not.
   */
  unlessNamed?: boolean;
}

export interface EvaluationInput {
  framework: string;
  /** The controls in scope (withdrawn ones already excluded). */
  controls: Control[];
  findings: Finding[];
  attestations: AttestationRecord[];
  exceptions: ExceptionRecord[];
  /** Workspace rules first: for a rule id, the first matching rule that names the framework wins. */
  mappings: MappingRule[];
  /**
   * Documentary controls (a policy, plan or strategy such as the SSP, 3.12.4): decided by attestation
   * only; findings mapped to them are shown as supporting evidence and never decide (evaluation.md 5).
   */
  documentary?: ReadonlySet<string>;
  at: Date;
}

/** Why a control has its status, for reports: conflicts, deviations, partial credit. */
export interface ControlNotes {
  /** Why the control has its status, in one line (what decided it, or that nothing did). */
  reason: StatusReason;
  /** An open FAIL finding contradicts a valid attestation of met. */
  conflict?: boolean;
  /** Attestations of the deciding date whose result differs (the more conservative one decided). */
  attestationConflict?: string[];
  /** A documentary control: only an attestation decides it. */
  documentary?: boolean;
  /** Approved deviations that leave the control failing, labelled. */
  deviations?: ExceptionRecord[];
  /** Pending deviations: shown as Pending, never applied. */
  pending?: ExceptionRecord[];
  /** The attestation's partial condition (SPRS partial credit). */
  partialCondition?: string;
  /** PASS findings that support but do not decide the status. */
  supporting?: Finding[];
  /** The mapping rules that related findings to this control. */
  mappedBy?: string[];
}

export type EvaluatedControl = ControlResult & { notes: ControlNotes };

export interface FrameworkCounts {
  total: number;
  passing: number;
  failing: number;
  notAssessed: number;
  notApplicable: number;
  /** Part of `passing` met by attestation. */
  attested: number;
}

export interface FrameworkEvaluation {
  framework: string;
  results: EvaluatedControl[];
  counts: FrameworkCounts;
  /** passing / assessed, or null when nothing is assessed. Always printed with coverage. */
  score: number | null;
  /** assessed / total. */
  coverage: number;
  /** Findings that name no control of this framework, directly or through a mapping. */
  unmapped: number;
  /** Findings that name controls of this framework, but none in scope (outside the baseline): counted, never lost. */
  outsideScope: number;
  expiredAttestations: AttestationRecord[];
  expiredExceptions: ExceptionRecord[];
}

/** `expires` is the first day on which a record no longer applies (00:00 UTC), as validate judges it. */
export function isExpiredAt(expires: string | undefined, at: Date): boolean {
  return typeof expires === 'string' && Date.parse(`${expires.slice(0, 10)}T00:00:00Z`) <= at.getTime();
}

/** Glob with * and ? only, whole string, case-sensitive. */
/** Compiled glob patterns: a pattern is tested against every finding of a run. */
const globRegexes = new Map<string, RegExp | null>();

export function globMatches(pattern: string, value: string): boolean {
  let regex = globRegexes.get(pattern);
  if (regex === undefined) {
    regex = /[*?]/.test(pattern)
      ? new RegExp(
          `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
        )
      : null;
    globRegexes.set(pattern, regex);
  }
  return regex === null ? pattern === value : regex.test(value);
}

/**
 * The first mapping rule of `mappings` that maps a finding of (`ruleId`, `tool`) to `fw`, remembered
 * per list: an export holds one rule across thousands of resources, and the answer depends only on
 * these values (and on whether the record names controls itself, for `unlessNamed` rules). A list
 * is never changed once built (it is `readonly` everywhere it is passed).
 */
const ruleLookups = new WeakMap<readonly MappingRule[], Map<string, MappingRule | null>>();
function mappingRuleFor(
  mappings: readonly MappingRule[],
  fw: string,
  ruleId: string,
  tool: string | undefined,
  namesControls: boolean,
): MappingRule | undefined {
  let lookups = ruleLookups.get(mappings);
  if (!lookups) ruleLookups.set(mappings, (lookups = new Map()));
  const key = `${fw}\0${namesControls ? 1 : 0}\0${tool === undefined ? '-' : `+${tool.toLowerCase()}`}\0${ruleId}`;
  let rule = lookups.get(key);
  if (rule === undefined) {
    rule =
      mappings.find(
        (m) =>
          m.controls[fw] !== undefined &&
          !(m.unlessNamed === true && namesControls) &&
          globMatches(m.rule, ruleId) &&
          (m.tool === undefined || (tool !== undefined && m.tool.toLowerCase() === tool.toLowerCase())),
      ) ?? null;
    lookups.set(key, rule);
  }
  return rule ?? undefined;
}

export function selectorMatches(selector: FindingSelector, finding: Finding): boolean {
  if (selector.identity !== undefined && selector.identity !== finding.identity) return false;
  if (selector.nativeId !== undefined && selector.nativeId !== finding.nativeId) return false;
  if (selector.rule !== undefined && !(finding.ruleId !== undefined && globMatches(selector.rule, finding.ruleId))) return false;
  if (selector.resource !== undefined && !(finding.resource !== undefined && globMatches(selector.resource, finding.resource.id))) return false;
  return true;
}

/** Frameworks whose controls are SP 800-53 controls share evidence naming nist-800-53 ids. */
function evidenceFrameworks(framework: string): string[] {
  return idSchemeOf(framework) === 'sp800-53' && framework !== 'nist-800-53' ? [framework, 'nist-800-53'] : [framework];
}

/** The canonical control ids of `framework` a finding counts for, and the mapping rules that said so. */
export function controlsOfFinding(
  finding: Finding,
  framework: string,
  mappings: readonly MappingRule[],
): { ids: Set<string>; rules: Map<string, MappingRule>; named: Set<string> } {
  const ids = new Set<string>();
  const rules = new Map<string, MappingRule>();
  for (const fw of evidenceFrameworks(framework)) {
    for (const raw of finding.controls[fw] ?? []) {
      const id = canonicalControlId(framework, raw);
      if (id) ids.add(id);
    }
  }
  // The ids the record names itself: a mapping that repeats them is not why the finding counts.
  const named = new Set(ids);
  if (finding.ruleId !== undefined) {
    for (const fw of evidenceFrameworks(framework)) {
      const rule = mappingRuleFor(mappings, fw, finding.ruleId, finding.tool, named.size > 0);
      if (!rule) continue;
      for (const raw of rule.controls[fw] ?? []) {
        const id = canonicalControlId(framework, raw);
        if (id) {
          ids.add(id);
          rules.set(id, rule);
        }
      }
    }
  }
  return { ids, rules, named };
}

function requirementIds(framework: string, record: { framework?: string; requirements?: string[]; controls?: string[] }): string[] {
  if (record.framework !== undefined && !evidenceFrameworks(framework).includes(record.framework)) return [];
  return (record.requirements ?? record.controls ?? []).map((raw) => canonicalControlId(framework, raw)).filter((id): id is string => id !== undefined);
}

export function evaluateFramework(input: EvaluationInput): FrameworkEvaluation {
  const { framework, at } = input;
  const isValid = (record: { expires?: string }): boolean => !isExpiredAt(record.expires, at);
  const expiredAttestations = input.attestations.filter((a) => !isValid(a) && requirementIds(framework, a).length > 0);
  const expiredExceptions = input.exceptions.filter((e) => !isValid(e));
  const attestations = input.attestations.filter(isValid);
  const approved = input.exceptions.filter((e) => isValid(e) && e.approval === 'approved');

  // 1. Approved false positives remove the findings they match (for their controls, when they name some).
  const falsePositives = approved.filter((e) => e.type === 'false-positive' && (e.findings?.length ?? 0) > 0);
  const removedFor = (finding: Finding, controlId: string): boolean =>
    falsePositives.some((e) => {
      const scoped = requirementIds(framework, e);
      return (scoped.length === 0 || scoped.includes(controlId)) && (e.findings ?? []).some((s) => selectorMatches(s, finding));
    });

  // Index findings by control.
  const inScope = new Set(input.controls.map((c) => c.id));
  // One small object per finding and control, of one shape (no spread): 100,000 findings of a rule
  // mapped to a few controls make hundreds of thousands of them per framework.
  const byControl = new Map<string, { finding: Finding; rule: MappingRule | undefined; named: boolean }[]>();
  let unmapped = 0;
  let outsideScope = 0;
  for (const finding of input.findings) {
    const { ids, rules, named } = controlsOfFinding(finding, framework, input.mappings);
    if (ids.size === 0) unmapped++;
    else if (![...ids].some((id) => inScope.has(id))) outsideScope++;
    for (const id of ids) {
      let list = byControl.get(id);
      if (!list) byControl.set(id, (list = []));
      list.push({ finding, rule: rules.get(id), named: named.has(id) });
    }
  }

  const results: EvaluatedControl[] = input.controls.map((control) => {
    const all = byControl.get(control.id) ?? [];
    const related = all.filter(({ finding }) => !removedFor(finding, control.id));
    const removedBy = falsePositives.filter((e) =>
      all.some(({ finding }) => removedFor(finding, control.id) && (e.findings ?? []).some((s) => selectorMatches(s, finding))),
    );
    const mine = attestations.filter((a) => requirementIds(framework, a).includes(control.id));
    const exceptions = input.exceptions.filter((e) => isValid(e) && requirementIds(framework, e).includes(control.id));
    const findingExceptions = input.exceptions.filter(
      (e) => isValid(e) && (e.findings ?? []).some((s) => related.some(({ finding }) => selectorMatches(s, finding))),
    );
    const allExceptions = [...new Set([...exceptions, ...findingExceptions])];
    const documentary = input.documentary?.has(control.id) === true;
    // A documentary control is decided by attestation only: its findings never decide it (evaluation.md 5).
    const openFails = documentary ? [] : related.filter(({ finding }) => finding.result === 'FAIL' && finding.state === 'open');
    const passes = documentary ? [] : related.filter(({ finding }) => finding.result === 'PASS');
    const sufficient = passes.filter(({ rule }) => rule?.sufficient === true);
    const { deciding: attestation, conflicting } = decideAttestations(mine);
    const notes: Omit<ControlNotes, 'reason'> = {};
    const mappedBy = [...new Set(related.map(({ rule }) => rule?.source).filter((s): s is string => s !== undefined))];
    if (mappedBy.length > 0) notes.mappedBy = mappedBy;
    if (documentary) notes.documentary = true;
    if (conflicting.length > 0) notes.attestationConflict = conflicting.map((a) => a.id);
    let status: ControlStatus;
    if (openFails.length > 0) {
      status = 'failing';
      if (attestation?.result === 'met') notes.conflict = true;
    } else if (attestation) {
      status = attestation.result === 'met' ? 'passing' : attestation.result === 'not-applicable' ? 'not-applicable' : 'failing';
    } else if (sufficient.length > 0) {
      status = 'passing';
    } else {
      status = 'not-assessed';
    }
    if (attestation?.result === 'partial' && attestation.partialCondition) notes.partialCondition = attestation.partialCondition;
    const supporting = documentary
      ? related.map(({ finding }) => finding)
      : status === 'passing'
        ? []
        : related.filter(({ finding }) => finding.result !== 'FAIL' || finding.state !== 'open').map(({ finding }) => finding);
    const passingSupport = supporting.filter((f) => f.result === 'PASS' && !sufficient.some(({ finding }) => finding === f));
    if (passingSupport.length > 0 && status !== 'passing') notes.supporting = passingSupport;
    const deviations = allExceptions.filter((e) => e.approval === 'approved' && (e.type === 'risk-accepted' || e.type === 'operational-requirement'));
    if (deviations.length > 0 && status === 'failing') notes.deviations = deviations;
    const pending = allExceptions.filter((e) => e.approval === 'pending');
    if (pending.length > 0) notes.pending = pending;
    const ruleNames = (list: { rule?: MappingRule }[]): string[] =>
      [...new Set(list.map(({ rule }) => (rule ? `${rule.source}: ${rule.rule}` : undefined)).filter((s): s is string => s !== undefined))].sort();
    const reason = statusReason({
      status,
      openFails: openFails.map(({ finding }) => finding),
      // Named only for the findings that count through it: not for records that name the control themselves.
      mappedBy: ruleNames(openFails.filter(({ named }) => !named)),
      ...(attestation && (openFails.length === 0 || status !== 'failing') ? { deciding: attestation } : {}),
      conflicting,
      ...(openFails.length > 0 && attestation?.result === 'met' ? { contradicted: attestation } : {}),
      ...(sufficient.length > 0 && !attestation && openFails.length === 0
        ? { sufficient: { rule: ruleNames(sufficient).join(', '), passes: sufficient.length } }
        : {}),
      supporting,
      documentary,
      falsePositives: { count: all.length - related.length, exceptions: removedBy.map((e) => e.id).sort() },
    });
    return {
      control,
      status,
      findings: related.map(({ finding }) => finding),
      attestations: mine,
      exceptions: allExceptions,
      notes: { reason, ...notes },
    };
  });

  return {
    framework,
    results,
    ...summarise(results),
    unmapped,
    outsideScope,
    expiredAttestations,
    expiredExceptions,
  };
}

/** Counts, score (passing / assessed) and coverage (assessed / total) of a set of results (section 4). */
export function summarise(results: readonly EvaluatedControl[]): Pick<FrameworkEvaluation, 'counts' | 'score' | 'coverage'> {
  const counts: FrameworkCounts = { total: results.length, passing: 0, failing: 0, notAssessed: 0, notApplicable: 0, attested: 0 };
  for (const r of results) {
    if (r.status === 'passing') {
      counts.passing++;
      // Rule 3 comes before rule 4: a passing control with a valid met attestation was decided by it.
      if (r.attestations.some((a) => a.result === 'met')) counts.attested++;
    } else if (r.status === 'failing') counts.failing++;
    else if (r.status === 'not-applicable') counts.notApplicable++;
    else counts.notAssessed++;
  }
  const assessed = counts.passing + counts.failing;
  return {
    counts,
    score: assessed === 0 ? null : counts.passing / assessed,
    coverage: counts.total === 0 ? 0 : (counts.total - counts.notAssessed) / counts.total,
  };
}
