/**
 * The SPRS score of NIST SP 800-171 rev2 (DoD Assessment Methodology v1.2.1; 32 CFR 170.24) and
 * CMMC 2.0 status (32 CFR 170.21), from an evaluation of nist-800-171 (docs/evaluation.md
 * section 5). Pure: the POA&M, the CMMC exceptions and the assessment date are passed in.
 *
 * Two scorings of the same evaluation:
 * - `dod`: the DFARS 252.204-7019 score posted to SPRS. MET = passing or not applicable
 *   (N/A = MET, 170.24(b)(3)); nothing else earns points: not a POA&M, a risk acceptance, an
 *   operational requirement, nor a CMMC exception.
 * - `cmmc`: the CMMC assessment score (32 CFR 170.24). Also MET: a requirement assessed NOT MET
 *   that an approved, unexpired enduring exception or temporary deficiency covers (170.24(b)(1)(i),
 *   (ii)), whether written under cmmc-l2 or nist-800-171 ids. A requirement without evidence is
 *   never MET this way: an exception is not an assessment.
 */
import type { EvaluatedControl, FrameworkEvaluation } from './evaluation.js';
import { addDays } from './poam.js';

export const SPRS_MAX = 110;
/** 110 minus the sum of every requirement's points (313). */
export const SPRS_MIN = -203;
/** CMMC Level 2 Conditional: score / 110 >= 0.8 (32 CFR 170.21(a)(2)(i)). */
export const CMMC_CONDITIONAL_MINIMUM = 88;
/** The POA&M closeout assessment is due within 180 days of the Conditional CMMC Status Date (170.21(b)). */
export const CMMC_CLOSEOUT_DAYS = 180;

/** Requirements that may never be on a CMMC POA&M (32 CFR 170.21(a)(2)(iii)). */
export const NEVER_ON_POAM = ['3.1.20', '3.1.22', '3.10.3', '3.10.4', '3.10.5', '3.12.4'] as const;
/** The SSP requirement: NOT MET means the assessment cannot be completed (170.24(c)(2)(i)(B)(5)). */
export const SSP_REQUIREMENT = '3.12.4';
/** Partial credit conditions of the methodology (3 points instead of 5; 170.24(c)(2)(i)(B)(4)). */
export const PARTIAL_CREDIT: Readonly<Record<string, string>> = {
  '3.5.3': 'mfa-remote-and-privileged-only',
  '3.13.11': 'encryption-not-fips-validated',
};

export type SprsScoring = 'dod' | 'cmmc';
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
  /** What decided the status (evaluation.md section 4), in one line. */
  reason: string;
  /** The CMMC practice's short name (e.g. "Vulnerability Scan"). */
  short_name?: string;
  partial_credit?: boolean;
  conflict?: boolean;
  deviations?: string[];
  /** DoD scoring: CMMC exceptions that make it MET for the CMMC score only. */
  cmmc_exceptions?: string[];
  /** On the POA&M, with its planned completion date (null: on the POA&M without one). */
  poam?: { scheduled_completion: string | null };
}

export interface CmmcBlocking {
  practice_id: string;
  reason: string;
}

export interface CmmcEligibility {
  level_1: { status: 'final' | 'not-met'; not_met: string[] };
  level_2: {
    status: 'final' | 'conditional' | 'no-status';
    /** The CMMC assessment score (32 CFR 170.24): CMMC exceptions count as MET; null without an SSP. */
    score: number | null;
    /** Conditional needs a score of at least 88 (0.8 x 110). */
    minimum_score: typeof CMMC_CONDITIONAL_MINIMUM;
    /** Requirements MET for CMMC only by an enduring exception or temporary deficiency (170.24(b)(1)). */
    met_by_exception: string[];
    /** Assessed NOT MET requirements that may be on a POA&M (1 point, or 3.13.11 at 3); never a not-assessed one. */
    poam_eligible: string[];
    /** NOT MET requirements that are on the POA&M. */
    on_poam: string[];
    /** Everything that prevents Conditional (or Final) status, with the rule. Every NOT MET requirement not eligible and on the POA&M is here. */
    blocking: CmmcBlocking[];
    /** The Conditional (or Final) CMMC Status Date: the date of the assessment evidence. */
    status_date?: string;
    /** The POA&M must be closed out within this many days of the status date. */
    poam_closeout_days: typeof CMMC_CLOSEOUT_DAYS;
    /** status_date + 180 days, when Conditional. */
    poam_closeout_by?: string;
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
  /** Which score `sprs_score` is: the DFARS 7019 (SPRS) score or the CMMC assessment score. */
  scoring: SprsScoring;
  /** CMMC scoring only: MET by an enduring exception or temporary deficiency (counted apart from practices_passing). */
  practices_met_by_exception?: number;
  cmmc: CmmcEligibility;
}

export interface RequirementFacts {
  /** Points deducted when NOT MET (5/3/1); undefined for 3.12.4 ("NA" in the methodology). */
  points?: number;
  partialPoints?: number;
  family: string;
  /** The requirement, in a line (the team's summary: never the official prose). */
  description: string;
  /** The CMMC practice's short name (CMMC model v2.13). */
  shortName?: string;
}

export interface SprsContext {
  /** Points, family and description of each requirement (the built-in nist-800-171 catalog). */
  facts: ReadonlyMap<string, RequirementFacts>;
  /** The 800-171 requirements behind the FAR 52.204-21(b)(1) requirements (CMMC Level 1). */
  level1: ReadonlySet<string>;
  at: Date;
  /** Approved, unexpired CMMC enduring exceptions and temporary deficiencies: 800-171 id -> exception ids. */
  cmmcExceptions?: ReadonlyMap<string, readonly string[]>;
  /**
   * The POA&M: NOT MET requirement -> its planned completion (the latest scheduled completion of the
   * items that cover it; null when on the POA&M without a date). A requirement absent is not on it.
   */
  poam?: ReadonlyMap<string, string | null>;
  /** The date of the assessment evidence (YYYY-MM-DD): the CMMC status date. */
  assessmentDate?: string;
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
const isBareUrl = (text: string): boolean => /^https?:\/\/\S+$/i.test(text.trim());

/** What closes a NOT MET requirement, fitted to what decided it: never a bare URL, never a finding's fix for an attestation's failure. */
export function remediationOf(result: EvaluatedControl, status: PracticeStatus): string {
  const basis = result.notes.reason.basis;
  if (status === 'not-assessed') {
    return result.notes.documentary
      ? 'No valid attestation: attest the document (attestations/), citing it as evidence with its sha256.'
      : 'No evidence: attest the requirement (attestations/) or add a scan whose mapping covers it.';
  }
  if (basis === 'open-findings') {
    const open = result.findings.filter((f) => f.result === 'FAIL' && f.state === 'open');
    const withFix = open.find((f) => f.remediation && !isBareUrl(f.remediation));
    const url = open.find((f) => f.remediation && isBareUrl(f.remediation))?.remediation?.trim();
    const close = `Close the ${open.length} open finding${open.length === 1 ? '' : 's'}`;
    if (withFix) return `${close}; for ${withFix.ruleId ?? withFix.title}: ${oneLine(withFix.remediation!)}`;
    return url ? `${close} (guidance: ${url}).` : `${close}.`;
  }
  if (basis === 'attestation' || basis === 'view' || basis === 'crosswalk') {
    const attestation = result.attestations.find((a) => a.result === 'partial' || a.result === 'not-met');
    if (attestation?.result === 'partial' && attestation.partialCondition === PARTIAL_CREDIT['3.5.3'])
      return `Extend multifactor authentication to every user (attestation ${attestation.id}: remote and privileged users only), then attest again.`;
    if (attestation?.result === 'partial' && attestation.partialCondition === PARTIAL_CREDIT['3.13.11'])
      return `Use FIPS-validated cryptography to protect CUI (attestation ${attestation.id}: encryption in place, not FIPS-validated), then attest again.`;
    if (attestation)
      return `Implement what attestation ${attestation.id} records as missing, then attest again.${attestation.justification ? ` Recorded: ${oneLine(attestation.justification)}` : ''}`;
  }
  if (result.derivedFrom) return `Close what fails in ${result.derivedFrom}.`;
  return 'Close the failing findings or record the implementation in an attestation.';
}

interface Scored {
  score: number | null;
  failing: FailingPractice[];
  passing: number;
  attested: number;
  notApplicable: number;
  metByException: string[];
  missingEvidence: number;
}

function score(evaluation: FrameworkEvaluation, context: SprsContext, scoring: SprsScoring): Scored {
  let deduction = 0;
  let missingEvidence = 0;
  let passing = 0;
  let attested = 0;
  let notApplicable = 0;
  let sspMissing = false;
  const metByException: string[] = [];
  const failing: FailingPractice[] = [];
  for (const result of evaluation.results) {
    const id = result.control.id;
    const fact = context.facts.get(id);
    const exceptions = context.cmmcExceptions?.get(id) ?? [];
    if (result.status === 'passing' || result.status === 'not-applicable') {
      if (result.status === 'not-applicable') notApplicable++;
      else {
        passing++;
        if (result.attestations.some((a) => a.result === 'met')) attested++;
      }
      continue;
    }
    // 170.24(b)(1)(i)-(ii): assessed NOT MET, but documented as an enduring exception or temporary deficiency.
    if (scoring === 'cmmc' && result.status === 'failing' && exceptions.length > 0) {
      metByException.push(id);
      continue;
    }
    const status: PracticeStatus = result.status === 'not-assessed' ? 'not-assessed' : 'failing';
    if (id === SSP_REQUIREMENT) sspMissing = true;
    const openFails = result.findings.some((f) => f.result === 'FAIL' && f.state === 'open') && !result.notes.documentary;
    // Partial credit only when the methodology's condition is attested and no finding contradicts it.
    const partial =
      !openFails && result.notes.partialCondition !== undefined && result.notes.partialCondition === PARTIAL_CREDIT[id] && fact?.partialPoints !== undefined;
    const points = partial ? (fact?.partialPoints ?? 0) : (fact?.points ?? 0);
    deduction += points;
    if (status === 'not-assessed') missingEvidence += points;
    const planned = context.poam?.get(id);
    failing.push({
      practice_id: id,
      family: fact?.family ?? result.control.family,
      description: fact?.description ?? result.control.title,
      point_value: points === 0 ? 0 : -points,
      remediation: remediationOf(result, status),
      status,
      reason: result.notes.reason.text,
      ...(fact?.shortName && fact.shortName !== fact.description ? { short_name: fact.shortName } : {}),
      ...(partial ? { partial_credit: true } : {}),
      ...(result.notes.conflict ? { conflict: true } : {}),
      ...(result.notes.deviations ? { deviations: result.notes.deviations.map((e) => `${e.type} ${e.id}`) } : {}),
      ...(scoring === 'dod' && exceptions.length > 0 && status === 'failing' ? { cmmc_exceptions: [...exceptions] } : {}),
      ...(planned !== undefined ? { poam: { scheduled_completion: planned } } : {}),
    });
  }
  return { score: sspMissing ? null : SPRS_MAX - deduction, failing, passing, attested, notApplicable, metByException, missingEvidence };
}

/** The SPRS score (`dod`, the default) or the CMMC assessment score of an nist-800-171 evaluation, with CMMC status. */
export function computeSprs(evaluation: FrameworkEvaluation, context: SprsContext, scoring: SprsScoring = 'dod'): SprsResult {
  const own = score(evaluation, context, scoring);
  const cmmc = scoring === 'cmmc' ? own : score(evaluation, context, 'cmmc');
  const notAssessed = own.failing.filter((f) => f.status === 'not-assessed').length;
  return {
    sprs_score: own.score,
    practices_passing: own.passing,
    practices_failing: own.failing.length - notAssessed,
    practices_attested: own.attested,
    practices_not_assessed: notAssessed,
    failing_practices: own.failing,
    sprs_status: own.score === null ? 'no-ssp' : notAssessed > 0 ? 'incomplete' : 'complete',
    practices_not_applicable: own.notApplicable,
    deducted_for_missing_evidence: own.missingEvidence,
    scoring,
    ...(scoring === 'cmmc' ? { practices_met_by_exception: own.metByException.length } : {}),
    cmmc: cmmcEligibility(cmmc, context),
  };
}

/**
 * CMMC status (32 CFR 170.21): Level 2 Final at 110; Conditional when every requirement was
 * assessed, the score is at least 88, and every NOT MET requirement may be on a POA&M and is on it;
 * otherwise no status, with every reason listed. Level 1 over the FAR requirements' 800-171 ids,
 * all or nothing, no POA&M (170.21(a)(1), 170.24(c)(1)).
 */
function cmmcEligibility(cmmc: Scored, context: SprsContext): CmmcEligibility {
  const blocking: CmmcBlocking[] = [];
  const eligible: string[] = [];
  const onPoam: string[] = [];
  if (cmmc.score === null)
    blocking.push({
      practice_id: SSP_REQUIREMENT,
      reason: 'no system security plan: the assessment cannot be completed (32 CFR 170.24(c)(2)(i)(B)(5))',
    });
  else if (cmmc.score < CMMC_CONDITIONAL_MINIMUM)
    blocking.push({ practice_id: '*', reason: `score ${cmmc.score} is below ${CMMC_CONDITIONAL_MINIMUM} (0.8 x 110; 32 CFR 170.21(a)(2)(i))` });
  for (const practice of cmmc.failing) {
    const id = practice.practice_id;
    const points = -practice.point_value;
    if (context.poam?.has(id)) onPoam.push(id);
    if (id === SSP_REQUIREMENT) continue; // blocking above: no score at all
    if (practice.status === 'not-assessed') {
      blocking.push({ practice_id: id, reason: 'not assessed: no evidence; every requirement must be assessed MET, NOT MET or N/A (32 CFR 170.24(b))' });
      continue;
    }
    if ((NEVER_ON_POAM as readonly string[]).includes(id)) {
      blocking.push({ practice_id: id, reason: 'may never be on a POA&M (32 CFR 170.21(a)(2)(iii))' });
      continue;
    }
    if (!(points <= 1 || (id === '3.13.11' && points === 3 && practice.partial_credit === true))) {
      blocking.push({
        practice_id: id,
        reason: `worth ${points} points: only 1-point requirements (and 3.13.11 at 3) may be on a POA&M (32 CFR 170.21(a)(2)(ii))`,
      });
      continue;
    }
    eligible.push(id);
    if (!context.poam?.has(id))
      blocking.push({ practice_id: id, reason: 'NOT MET and not on the POA&M: every NOT MET requirement needs one (32 CFR 170.24(c)(2)(i)(B)(6))' });
  }
  const status = cmmc.score === SPRS_MAX ? 'final' : blocking.length === 0 ? 'conditional' : 'no-status';
  const dated = status !== 'no-status' && context.assessmentDate !== undefined;
  const level1NotMet = cmmc.failing.map((f) => f.practice_id).filter((id) => context.level1.has(id));
  return {
    level_1: { status: level1NotMet.length === 0 ? 'final' : 'not-met', not_met: level1NotMet },
    level_2: {
      status,
      score: cmmc.score,
      minimum_score: CMMC_CONDITIONAL_MINIMUM,
      met_by_exception: cmmc.metByException,
      poam_eligible: eligible,
      on_poam: onPoam,
      blocking,
      ...(dated ? { status_date: context.assessmentDate } : {}),
      poam_closeout_days: CMMC_CLOSEOUT_DAYS,
      ...(dated && status === 'conditional' ? { poam_closeout_by: addDays(context.assessmentDate!, CMMC_CLOSEOUT_DAYS) } : {}),
    },
  };
}
