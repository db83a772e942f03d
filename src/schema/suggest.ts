import { distance } from 'fastest-levenshtein';
import { compareCodeUnits } from '../model/order.js';

/**
 * The candidate closest to a misspelt word, if it is close enough to be what was meant:
 * an edit distance of at most a third of the word (1 for words of up to 3 letters, else 2 to 3), or a case/separator
 * difference only (e.g. `includeRemediation` for `include_remediation`).
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const normalise = (s: string): string => s.toLowerCase().replace(/[-_\s.]/g, '');
  const wanted = normalise(input);
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of [...new Set(candidates)].sort(compareCodeUnits)) {
    if (candidate === input) continue;
    const score = normalise(candidate) === wanted ? 0 : distance(input.toLowerCase(), candidate.toLowerCase());
    if (best === undefined || score < best.score) best = { candidate, score };
  }
  if (!best) return undefined;
  const limit = input.length <= 3 ? 1 : Math.min(3, Math.max(2, Math.floor(input.length / 3)));
  return best.score <= limit ? best.candidate : undefined;
}

/** ` (did you mean 'x'?)` or the empty string. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const match = suggest(input, candidates);
  return match === undefined ? '' : ` (did you mean '${match}'?)`;
}
