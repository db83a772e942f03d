/**
 * Which attestation decides a control (docs/evaluation.md section 4, rule 3): the latest by date;
 * on the same date the more conservative result wins (not-met over partial over met over
 * not-applicable), whatever the files are called or the order they were read in. Two attestations
 * of one requirement on one date with different results are a conflict: the evaluation records it
 * and `validate` reports it at both places. Pure.
 */
import type { Attestation } from './control.js';

/** Most conservative first: a NOT MET claim outweighs a partial one, which outweighs met; not-applicable takes a control out of scope, so it weighs least. */
const CONSERVATIVE_ORDER: readonly Attestation['result'][] = ['not-met', 'partial', 'met', 'not-applicable'];

const day = (a: Pick<Attestation, 'attestedAt'>): string => a.attestedAt.slice(0, 10);
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Latest date first; on one date the most conservative result first; then by id, so that the order never depends on reading order. */
export function compareAttestations(a: Attestation, b: Attestation): number {
  return byCodeUnits(day(b), day(a)) || CONSERVATIVE_ORDER.indexOf(a.result) - CONSERVATIVE_ORDER.indexOf(b.result) || byCodeUnits(a.id, b.id);
}

export interface AttestationDecision<A extends Attestation> {
  /** The attestation that decides, if any. */
  deciding?: A;
  /** Other attestations of the deciding date whose result differs: the conflict (evaluation.md 4.3). */
  conflicting: A[];
}

/** The deciding attestation among the valid attestations of one control, and those that contradict it on its date. */
export function decideAttestations<A extends Attestation>(attestations: readonly A[]): AttestationDecision<A> {
  const ordered = [...attestations].sort(compareAttestations);
  const deciding = ordered[0];
  if (deciding === undefined) return { conflicting: [] };
  return { deciding, conflicting: ordered.filter((a) => a !== deciding && day(a) === day(deciding) && a.result !== deciding.result) };
}

/** One requirement attested with different results on one date. */
export interface AttestationConflict<A extends Attestation> {
  /** The requirement's key, as the caller grouped it (e.g. `nist-800-171 3.1.1`). */
  requirement: string;
  date: string;
  /** Every attestation of that requirement on that date, deciding one first. */
  attestations: A[];
}

/**
 * Every requirement attested with different results on the same date. `requirementsOf` returns
 * the keys under which an attestation counts (canonical ids, already folded across id schemes
 * that name the same requirement, e.g. AC.L2-3.1.1 and 3.1.1).
 */
export function attestationConflicts<A extends Attestation>(attestations: readonly A[], requirementsOf: (a: A) => string[]): AttestationConflict<A>[] {
  const groups = new Map<string, A[]>();
  for (const attestation of attestations) {
    for (const requirement of new Set(requirementsOf(attestation))) {
      const key = `${requirement}\u0000${day(attestation)}`;
      groups.set(key, [...(groups.get(key) ?? []), attestation]);
    }
  }
  const conflicts: AttestationConflict<A>[] = [];
  for (const [key, group] of [...groups].sort(([a], [b]) => byCodeUnits(a, b))) {
    if (new Set(group.map((a) => a.result)).size < 2) continue;
    const [requirement = '', date = ''] = key.split('\u0000');
    conflicts.push({ requirement, date, attestations: [...group].sort(compareAttestations) });
  }
  return conflicts;
}
