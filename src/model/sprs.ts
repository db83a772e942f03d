/**
 * The SPRS score of NIST SP 800-171 rev2 (DoD Assessment Methodology v1.2.1; 32 CFR 170.24) and
 * CMMC 2.0 eligibility (32 CFR 170.21), from an evaluation of nist-800-171 (spec/evaluation.md
 * section 5). Pure.
 */
import type { EvaluatedControl, FrameworkEvaluation } from './evaluation.js';
import { isExpiredAt } from './evaluation.js';

export const SPRS_MAX = 110;
/** 110 minus the sum of every requirement's points (313). */
export const SPRS_MIN = -203;

/** Requirements that may never be on a CMMC POA&M (32 CFR 170.21(a)(2)(iii)). */
export const NEVER_ON_POAM = ['3.1.20', '3.1.22', '3.10.3', '3.10.4', '3.10.5', '3.12.4'] as const;
/** The SSP requirement: NOT MET means the assessment cannot be completed. */
export const SSP_REQUIREMENT = '3.12.4';
/** Partial credit conditions of the methodology (3 points instead of 5). */
export const PARTIAL_CREDIT: Readonly<Record<string, string>> = {
  '3.5.3': 'mfa-remote-and-privileged-only',
  '3.13.11': 'encryption-not-fips-validated',
};

export type PracticeStatus = 'failing' | 'not-assessed';

export interface FailingPractice {
  practice_id: string;
  family: string;
  description: string;
  /** Negative, as the spec prints it. */
  point_value: number;
  remediation: string;
  /** Fields beyond the spec's, after its own (evaluation.md section 5). */
  status: PracticeStatus;
  partial_credit?: boolean;
  conflict?: boolean;
  deviations?: string[];
}

export interface CmmcEligibility {
  level_1: { status: 'final' | 'not-met'; not_met: string[] };
  level_2: {
    status: 'final' | 'conditional' | 'no-status';
    /** Conditional needs a score of at least 88 (0.8 x 110). */
    minimum_score: 88;
    /** NOT MET requirements that may go on a POA&M (1 point, or 3.13.11 at 3). */
    poam_eligible: string[];
    /** NOT MET requirements that block Conditional status, with why. */
    blocking: { practice_id: string; reason: string }[];
    /** The POA&M must be closed out within this many days of the Conditional status date. */
    poam_closeout_days: 180;
  };
}

export interface SprsResult {
  sprs_score: number | null;
  practices_passing: number;
  practices_failing: number;
  practices_attested: number;
  practices_not_assessed: number;
  failing_practices: FailingPractice[];
  /** complete: every requirement has evidence; incomplete: some were deducted for having none; no-ssp: 3.12.4 NOT MET. */
  sprs_status: 'complete' | 'incomplete' | 'no-ssp';
  practices_not_applicable: number;
  /** Deduction if the not-assessed requirements were met: what evidence alone could recover. */
  deducted_for_missing_evidence: number;
  cmmc: CmmcEligibility;
}

export interface RequirementFacts {
  /** Points deducted when NOT MET (5/3/1); undefined for 3.12.4 ("NA" in the methodology). */
  points?: number;
  partialPoints?: number;
  family: string;
  description: string;
}

/** Enduring exceptions and temporary deficiencies documented as 32 CFR 170.24 allows count as MET. */
function metByCmmcException(result: EvaluatedControl, at: Date): boolean {
  return result.exceptions.some(
    (e) => (e.type === 'enduring-exception' || e.type === 'temporary-deficiency') && e.approval === 'approved' && !isExpiredAt(e.expires, at),
  );
}

function remediationOf(result: EvaluatedControl, status: PracticeStatus): string {
  const fromFinding = result.findings.find((f) => f.result === 'FAIL' && f.state === 'open' && f.remediation)?.remediation;
  if (fromFinding) return fromFinding.replace(/\s+/g, ' ').trim();
  if (status === 'not-assessed') return 'No evidence: attest the requirement (attestations/) or add a scan that covers it.';
  const attestation = result.attestations.find((a) => a.result === 'partial' || a.result === 'not-met');
  if (attestation?.justification) return attestation.justification.replace(/\s+/g, ' ').trim();
  return 'Close the failing findings or record the implementation in an attestation.';
}

/**
 * @param facts points, family and description of each requirement (the built-in nist-800-171 catalog)
 * @param level1 the 800-171 requirements behind the FAR 52.204-21(b)(1) requirements (CMMC Level 1)
 */
export function computeSprs(evaluation: FrameworkEvaluation, facts: ReadonlyMap<string, RequirementFacts>, level1: ReadonlySet<string>, at: Date): SprsResult {
  let deduction = 0;
  let missingEvidence = 0;
  let passing = 0;
  let attested = 0;
  let notApplicable = 0;
  let sspMissing = false;
  const failing: FailingPractice[] = [];
  for (const result of evaluation.results) {
    const id = result.control.id;
    const fact = facts.get(id);
    const met = result.status === 'passing' || result.status === 'not-applicable' || metByCmmcException(result, at);
    if (met) {
      if (result.status === 'not-applicable') notApplicable++;
      else {
        passing++;
        if (result.status === 'passing' && result.attestations.some((a) => a.result === 'met')) attested++;
      }
      continue;
    }
    const status: PracticeStatus = result.status === 'not-assessed' ? 'not-assessed' : 'failing';
    if (id === SSP_REQUIREMENT) sspMissing = true;
    const openFails = result.findings.some((f) => f.result === 'FAIL' && f.state === 'open');
    // Partial credit only when the methodology's condition is attested and no finding contradicts it.
    const partial =
      !openFails && result.notes.partialCondition !== undefined && result.notes.partialCondition === PARTIAL_CREDIT[id] && fact?.partialPoints !== undefined;
    const points = partial ? (fact?.partialPoints ?? 0) : (fact?.points ?? 0);
    deduction += points;
    if (status === 'not-assessed') missingEvidence += points;
    failing.push({
      practice_id: id,
      family: fact?.family ?? result.control.family,
      description: fact?.description ?? result.control.title,
      point_value: points === 0 ? 0 : -points,
      remediation: remediationOf(result, status),
      status,
      ...(partial ? { partial_credit: true } : {}),
      ...(result.notes.conflict ? { conflict: true } : {}),
      ...(result.notes.deviations ? { deviations: result.notes.deviations.map((e) => `${e.type} ${e.id}`) } : {}),
    });
  }
  const score = sspMissing ? null : SPRS_MAX - deduction;
  const notAssessed = failing.filter((f) => f.status === 'not-assessed').length;
  return {
    sprs_score: score,
    practices_passing: passing,
    practices_failing: failing.length - notAssessed,
    practices_attested: attested,
    practices_not_assessed: notAssessed,
    failing_practices: failing,
    sprs_status: sspMissing ? 'no-ssp' : notAssessed > 0 ? 'incomplete' : 'complete',
    practices_not_applicable: notApplicable,
    deducted_for_missing_evidence: missingEvidence,
    cmmc: cmmcEligibility(score, failing, level1),
  };
}

/** 32 CFR 170.21: Level 2 Conditional and Final status; Level 1 over the FAR requirements' 800-171 ids. */
export function cmmcEligibility(score: number | null, failing: FailingPractice[], level1: ReadonlySet<string>): CmmcEligibility {
  const blocking: { practice_id: string; reason: string }[] = [];
  const eligible: string[] = [];
  for (const practice of failing) {
    const id = practice.practice_id;
    const points = -practice.point_value;
    if ((NEVER_ON_POAM as readonly string[]).includes(id)) blocking.push({ practice_id: id, reason: 'may never be on a POA&M (32 CFR 170.21(a)(2)(iii))' });
    else if (points <= 1 || (id === '3.13.11' && points === 3 && practice.partial_credit === true)) eligible.push(id);
    else blocking.push({ practice_id: id, reason: `worth ${points} points: only 1-point requirements (and 3.13.11 at 3) may be on a POA&M` });
  }
  if (score !== null && score < 88) blocking.unshift({ practice_id: '*', reason: `score ${score} is below 88 (0.8 x 110)` });
  if (score === null) blocking.unshift({ practice_id: SSP_REQUIREMENT, reason: 'no system security plan: the assessment cannot be completed' });
  const level2 = failing.length === 0 && score === SPRS_MAX ? 'final' : blocking.length === 0 ? 'conditional' : 'no-status';
  const level1NotMet = failing.map((f) => f.practice_id).filter((id) => level1.has(id));
  return {
    level_1: { status: level1NotMet.length === 0 ? 'final' : 'not-met', not_met: level1NotMet },
    level_2: { status: level2, minimum_score: 88, poam_eligible: eligible, blocking, poam_closeout_days: 180 },
  };
}
