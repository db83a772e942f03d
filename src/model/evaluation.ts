/**
 * Control evaluation (spec/evaluation.md sections 3 and 4): findings, attestations and
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
import type { Attestation, Control, ControlResult, ControlStatus, Exception } from './control.js';
import { canonicalControlId, idSchemeOf } from './control-ids.js';
import type { Finding } from './finding.js';

/** An attestation as written in attestations/ (schemas/attestation.schema.json). */
export interface AttestationRecord extends Attestation {
  objectives?: string[];
  methods?: string[];
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
  at: Date;
}

/** Why a control has its status, for reports: conflicts, deviations, partial credit. */
export interface ControlNotes {
  /** An open FAIL finding contradicts a valid attestation of met. */
  conflict?: boolean;
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
  expiredAttestations: AttestationRecord[];
  expiredExceptions: ExceptionRecord[];
}

/** `expires` is the first day on which a record no longer applies (00:00 UTC), as validate judges it. */
export function isExpiredAt(expires: string | undefined, at: Date): boolean {
  return typeof expires === 'string' && Date.parse(`${expires.slice(0, 10)}T00:00:00Z`) <= at.getTime();
}

/** Glob with * and ? only, whole string, case-sensitive. */
export function globMatches(pattern: string, value: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === value;
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return regex.test(value);
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
export function controlsOfFinding(finding: Finding, framework: string, mappings: MappingRule[]): { ids: Set<string>; rules: Map<string, MappingRule> } {
  const ids = new Set<string>();
  const rules = new Map<string, MappingRule>();
  for (const fw of evidenceFrameworks(framework)) {
    for (const raw of finding.controls[fw] ?? []) {
      const id = canonicalControlId(framework, raw);
      if (id) ids.add(id);
    }
  }
  if (finding.ruleId !== undefined) {
    for (const fw of evidenceFrameworks(framework)) {
      const rule = mappings.find(
        (m) =>
          m.controls[fw] !== undefined &&
          globMatches(m.rule, finding.ruleId as string) &&
          (m.tool === undefined || (finding.tool !== undefined && m.tool.toLowerCase() === finding.tool.toLowerCase())),
      );
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
  return { ids, rules };
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
  const byControl = new Map<string, { finding: Finding; rule?: MappingRule }[]>();
  let unmapped = 0;
  for (const finding of input.findings) {
    const { ids, rules } = controlsOfFinding(finding, framework, input.mappings);
    if (ids.size === 0) unmapped++;
    for (const id of ids) {
      const list = byControl.get(id) ?? [];
      const rule = rules.get(id);
      list.push(rule ? { finding, rule } : { finding });
      byControl.set(id, list);
    }
  }

  const results: EvaluatedControl[] = input.controls.map((control) => {
    const related = (byControl.get(control.id) ?? []).filter(({ finding }) => !removedFor(finding, control.id));
    const mine = attestations.filter((a) => requirementIds(framework, a).includes(control.id));
    const exceptions = input.exceptions.filter((e) => isValid(e) && requirementIds(framework, e).includes(control.id));
    const findingExceptions = input.exceptions.filter(
      (e) => isValid(e) && (e.findings ?? []).some((s) => related.some(({ finding }) => selectorMatches(s, finding))),
    );
    const allExceptions = [...new Set([...exceptions, ...findingExceptions])];
    const openFails = related.filter(({ finding }) => finding.result === 'FAIL' && finding.state === 'open');
    const passes = related.filter(({ finding }) => finding.result === 'PASS');
    // The latest attestation decides among several for one control.
    const attestation = [...mine].sort((a, b) => (a.attestedAt < b.attestedAt ? 1 : a.attestedAt > b.attestedAt ? -1 : 0))[0];
    const notes: ControlNotes = {};
    const mappedBy = [...new Set(related.map(({ rule }) => rule?.source).filter((s): s is string => s !== undefined))];
    if (mappedBy.length > 0) notes.mappedBy = mappedBy;
    let status: ControlStatus;
    if (openFails.length > 0) {
      status = 'failing';
      if (attestation?.result === 'met') notes.conflict = true;
    } else if (attestation) {
      status = attestation.result === 'met' ? 'passing' : attestation.result === 'not-applicable' ? 'not-applicable' : 'failing';
    } else if (passes.some(({ rule }) => rule?.sufficient === true)) {
      status = 'passing';
    } else {
      status = 'not-assessed';
    }
    if (attestation?.result === 'partial' && attestation.partialCondition) notes.partialCondition = attestation.partialCondition;
    if (status !== 'passing' || attestation === undefined) {
      const supporting = passes.filter(({ rule }) => rule?.sufficient !== true).map(({ finding }) => finding);
      if (supporting.length > 0 && status !== 'passing') notes.supporting = supporting;
    }
    const deviations = allExceptions.filter((e) => e.approval === 'approved' && (e.type === 'risk-accepted' || e.type === 'operational-requirement'));
    if (deviations.length > 0 && status === 'failing') notes.deviations = deviations;
    const pending = allExceptions.filter((e) => e.approval === 'pending');
    if (pending.length > 0) notes.pending = pending;
    return {
      control,
      status,
      findings: related.map(({ finding }) => finding),
      attestations: mine,
      exceptions: allExceptions,
      notes,
    };
  });

  return {
    framework,
    results,
    ...summarise(results),
    unmapped,
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
