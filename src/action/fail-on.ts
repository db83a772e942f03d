/**
 * `fail-on`: what in a pull request's compliance diff fails the check (after the comment is
 * posted), each failure one sentence naming what happened.
 */
import { InfracastError } from '../errors.js';
import type { PrComparison } from './differ.js';

export const FAIL_ON = ['score-lowered', 'high-poam', 'cmmc-eligibility'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** `score-lowered, high-poam` -> the conditions; anything else is refused with the entry quoted. */
export function parseFailOn(text: string): FailOn[] {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const entry of entries)
    if (!(FAIL_ON as readonly string[]).includes(entry))
      throw new InfracastError('USAGE', `input fail-on: "${entry}" is not one of ${FAIL_ON.join(', ')}`, {
        hints: [`Write a comma-separated list of: ${FAIL_ON.join(', ')}.`],
      });
  return [...new Set(entries as FailOn[])];
}

const HIGH_RISKS = new Set(['high', 'critical']);
const percent = (n: number | null): string => (n === null ? 'n/a' : `${n}%`);

/** Each lowered score as "framework 61.2% -> 60%" or "framework SPRS 87 -> 84". */
export function loweredScores(comparison: Pick<PrComparison, 'frameworks'>): string[] {
  const lowered: string[] = [];
  for (const f of comparison.frameworks) {
    const sprsBefore = f.sprs_before ?? null;
    const sprsAfter = f.sprs_after ?? null;
    if (sprsBefore !== null && sprsAfter !== null && sprsAfter < sprsBefore) lowered.push(`${f.framework} SPRS ${sprsBefore} -> ${sprsAfter}`);
    // A score that disappears (nothing assessed any more) is lowered too.
    else if (f.before !== null && (f.after === null || f.after < f.before)) lowered.push(`${f.framework} ${percent(f.before)} -> ${percent(f.after)}`);
  }
  return lowered;
}

/** The sentences of the conditions that hold (empty: the check passes). */
export function failOnFailures(conditions: readonly FailOn[], comparison: Omit<PrComparison, 'markdown'>): string[] {
  const failures: string[] = [];
  if (conditions.includes('score-lowered')) {
    const lowered = loweredScores(comparison);
    if (lowered.length > 0) failures.push(`fail-on score-lowered: this pull request lowers ${lowered.join('; ')}`);
  }
  if (conditions.includes('high-poam')) {
    const high = comparison.poam_opening.filter((p) => HIGH_RISKS.has(p.risk.toLowerCase()));
    if (high.length > 0)
      failures.push(
        `fail-on high-poam: this pull request would open ${high.length} High or Critical POA&M item(s): ${high
          .map((p) => `${p.control} (${p.risk}${p.deadline ? `, due ${p.deadline}` : ''})`)
          .join(', ')}`,
      );
  }
  if (conditions.includes('cmmc-eligibility') && comparison.cmmc?.eligible_before && !comparison.cmmc.eligible_after)
    failures.push(`fail-on cmmc-eligibility: this pull request loses CMMC eligibility (${comparison.cmmc.before} -> ${comparison.cmmc.after})`);
  return failures;
}
