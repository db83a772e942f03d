/**
 * Frameworks that are views over NIST SP 800-171 rev2: CMMC Level 2 practices are the 110
 * requirements under CMMC ids (AC.L2-3.1.1 is 3.1.1), and CMMC Level 1 practices are the 15 FAR
 * 52.204-21(b)(1) requirements, each met when the 800-171 requirements it maps to are met
 * ((b)(1)(ix) -> 3.10.3, 3.10.4, 3.10.5). These are the same requirements under other names, not
 * crosswalks between different control sets (evaluation.md section 3), so both failure and
 * success carry over; the derived status names the 800-171 requirements it comes from.
 *
 * Evidence that names the view's own ids (e.g. an attestation of b.1.i) is evaluated too: a
 * failing side wins, then a decided side (passing, not-applicable), then not-assessed.
 */
import type { ControlStatus } from './control.js';
import type { EvaluatedControl, FrameworkEvaluation } from './evaluation.js';
import { summarise } from './evaluation.js';
import type { StatusReason } from './status-reason.js';

const RANK: Record<ControlStatus, number> = { failing: 3, passing: 2, 'not-applicable': 1, 'not-assessed': 0 };

/** The status of a requirement made of several base requirements. */
function combine(statuses: ControlStatus[]): ControlStatus {
  if (statuses.length === 0) return 'not-assessed';
  if (statuses.includes('failing')) return 'failing';
  if (statuses.includes('not-assessed')) return 'not-assessed';
  if (statuses.every((s) => s === 'not-applicable')) return 'not-applicable';
  return 'passing';
}

/**
 * @param direct the view framework evaluated on evidence naming its own ids
 * @param base the nist-800-171 evaluation
 * @param mapsTo the 800-171 ids each view control maps to
 */
export function deriveView(direct: FrameworkEvaluation, base: FrameworkEvaluation, mapsTo: ReadonlyMap<string, readonly string[]>): FrameworkEvaluation {
  const baseById = new Map(base.results.map((r) => [r.control.id, r]));
  const results: EvaluatedControl[] = direct.results.map((own) => {
    const ids = mapsTo.get(own.control.id) ?? [];
    const from = ids.map((id) => baseById.get(id)).filter((r): r is EvaluatedControl => r !== undefined);
    const derived = combine(from.map((r) => r.status));
    // Failing beats everything; a decided status beats not-assessed.
    const status = RANK[own.status] >= RANK[derived] && (own.status !== 'not-assessed' || derived === 'not-assessed') ? own.status : derived;
    const fromBase = status === derived && status !== own.status;
    const reason = fromBase && ids.length > 0 ? viewReason(from) : own.notes.reason;
    return {
      ...own,
      status,
      findings: [...new Set([...own.findings, ...from.flatMap((r) => r.findings)])],
      attestations: [...new Set([...own.attestations, ...from.flatMap((r) => r.attestations)])],
      exceptions: [...new Set([...own.exceptions, ...from.flatMap((r) => r.exceptions)])],
      ...(fromBase && ids.length > 0 ? { derivedFrom: `nist-800-171 ${ids.join(', ')}` } : {}),
      notes: { ...own.notes, reason, ...(from.some((r) => r.notes.conflict) ? { conflict: true } : {}) },
    };
  });
  // The view's findings are the base framework's: what maps to no SP 800-171 requirement maps to none of the view's.
  return { ...direct, results, ...summarise(results), unmapped: base.unmapped, outsideScope: base.outsideScope };
}

/** The reason of a view control decided by its SP 800-171 requirements: theirs, each named. */
function viewReason(from: readonly EvaluatedControl[]): StatusReason {
  if (from.length === 1) return { basis: 'view', text: `as nist-800-171 ${from[0]!.control.id}: ${from[0]!.notes.reason.text}` };
  return {
    basis: 'view',
    text: `from nist-800-171 ${from
      .map((r) =>
        r.status === 'passing' || r.status === 'not-applicable' ? `${r.control.id} ${r.status}` : `${r.control.id} ${r.status} (${r.notes.reason.text})`,
      )
      .join('; ')}`,
  };
}
