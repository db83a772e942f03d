/**
 * What the SPRS and CMMC computation (model/sprs.ts) needs from the rest of the workspace, derived
 * purely: the CMMC exceptions per requirement, the POA&M per NOT MET requirement, and the date of
 * the assessment evidence (docs/evaluation.md section 5).
 */
import { decideAttestations } from './attestations.js';
import { canonicalControlId } from './control-ids.js';
import type { AttestationRecord, EvaluatedControl, ExceptionRecord, FrameworkEvaluation } from './evaluation.js';
import { isExpiredAt } from './evaluation.js';
import { detectorOf, weaknessSourceIdOf } from './poam.js';
import type { PoamStore } from './poam.js';

/** The SP 800-171 rev2 id of a requirement written under nist-800-171 or cmmc-l2 ids (AC.L2-3.1.10 is 3.1.10). */
export function sp800171IdOf(framework: string | undefined, raw: string): string | undefined {
  if (framework === 'cmmc-l2') return canonicalControlId('cmmc-l2', raw)?.replace(/^[A-Z]{2}\.L2-/, '');
  if (framework === undefined || framework === 'nist-800-171') return canonicalControlId('nist-800-171', raw);
  return undefined;
}

/** The CMMC practice id of an SP 800-171 rev2 requirement (3.3.8 is AU.L2-3.3.8), given the requirement's family. */
export function cmmcPracticeIdOf(id: string, family: string): string {
  return `${family}.L2-${id}`;
}

/**
 * Approved, unexpired enduring exceptions and temporary deficiencies (32 CFR 170.24(b)(1)(i), (ii)),
 * by the SP 800-171 requirement they cover, whether written with CMMC or 800-171 ids.
 */
export function cmmcExceptionsByRequirement(exceptions: readonly ExceptionRecord[], at: Date): Map<string, string[]> {
  const byRequirement = new Map<string, string[]>();
  for (const e of exceptions) {
    if ((e.type !== 'enduring-exception' && e.type !== 'temporary-deficiency') || e.approval !== 'approved' || isExpiredAt(e.expires, at)) continue;
    for (const raw of e.controls ?? []) {
      const id = sp800171IdOf(e.framework, raw);
      if (id === undefined) continue;
      byRequirement.set(id, [...new Set([...(byRequirement.get(id) ?? []), e.id])].sort());
    }
  }
  return byRequirement;
}

const isOpenFail = (f: { result: string; state: string }): boolean => f.result === 'FAIL' && f.state === 'open';
const later = (a: string | undefined, b: string | undefined): string | undefined => (a === undefined ? b : b === undefined || a >= b ? a : b);

/**
 * The POA&M of the NOT MET requirements: requirement -> its planned completion (the latest
 * scheduled completion of what covers it). A requirement failing on open findings is on the POA&M
 * when every one of its weaknesses is an open item of the store; one failing on an attestation when
 * that attestation records a plan of action. Not-assessed requirements are never on it.
 */
export function poamByRequirement(evaluation: FrameworkEvaluation, store: PoamStore): Map<string, string | null> {
  const openItems = new Map(store.items.filter((i) => i.status === 'open').map((i) => [`${i.weakness_detector}\u0000${i.weakness_source_id}`, i]));
  const byRequirement = new Map<string, string | null>();
  for (const result of evaluation.results) {
    if (result.status !== 'failing') continue;
    const fails = result.notes.documentary ? [] : result.findings.filter(isOpenFail);
    const items = fails.map((f) => openItems.get(`${detectorOf(f)}\u0000${weaknessSourceIdOf(f)}`));
    const plan = decidingAttestation(result)?.planOfAction;
    const coveredByItems = fails.length > 0 && items.every((i) => i !== undefined);
    if (!coveredByItems && plan === undefined) continue;
    let date: string | undefined = plan?.scheduledCompletion;
    if (coveredByItems) for (const item of items) date = later(date, item!.scheduled_completion_date);
    byRequirement.set(result.control.id, date ?? null);
  }
  return byRequirement;
}

function decidingAttestation(result: EvaluatedControl): AttestationRecord | undefined {
  return decideAttestations(result.attestations as AttestationRecord[]).deciding;
}

/**
 * The date of the assessment evidence (YYYY-MM-DD): the latest date among what decided a
 * requirement (deciding attestations; observed open FAIL and sufficient PASS findings), never
 * after the run instant. Undefined when nothing decided anything. SPRS posts this date (DFARS
 * 252.204-7019; DoD Assessment Methodology "date of assessment"), not the day the report ran.
 */
export function assessmentDateOf(evaluation: FrameworkEvaluation, at: Date): string | undefined {
  const ceiling = at.toISOString().slice(0, 10);
  let latest: string | undefined;
  const consider = (date: string | undefined): void => {
    if (date === undefined || !/^\d{4}-\d{2}-\d{2}/.test(date)) return;
    const day = date.slice(0, 10);
    latest = later(latest, day > ceiling ? ceiling : day);
  };
  for (const result of evaluation.results) {
    const basis = result.notes.reason.basis;
    if (basis === 'attestation') consider(decidingAttestation(result)?.attestedAt);
    else if (basis === 'open-findings' || basis === 'sufficient-mapping') {
      const deciding = result.findings.filter((f) => (basis === 'open-findings' ? isOpenFail(f) : f.result === 'PASS'));
      for (const f of deciding) consider(f.observedAt);
    }
  }
  return latest;
}
