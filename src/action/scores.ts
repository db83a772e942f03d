/**
 * The `scores` output and the `fail-under` gate. Scores are read, never recomputed: from the
 * history snapshots this run's render wrote (with the delta against each one's previous snapshot),
 * and, for a fail-under framework the run did not report on, from `summary()` (the same numbers as
 * `infracast summary --framework`).
 */
import { SPRS_FRAMEWORKS } from '../app/evaluate.js';
import type { RenderResult } from '../app/render.js';
import { readSnapshots } from '../app/state.js';
import { summary } from '../app/summary.js';
import { compareInstants, diffSnapshots, previousSnapshot } from '../model/history.js';
import { compareCodeUnits } from '../model/order.js';
import type { Threshold } from './inputs.js';

/** One framework's figures, as the `scores` output carries them. */
export interface FrameworkScore {
  /** The definition whose snapshot gave them (absent: from summary()). */
  definition?: string;
  /** Passing / assessed, in percent (two decimals), or null when nothing is assessed. */
  score: number | null;
  /** Assessed / total, in percent. */
  coverage: number;
  /** nist-800-171 and cmmc-l2: the SPRS score (null: the assessment cannot be completed). */
  sprs_score?: number | null;
  /** Against the previous snapshot of the same definition: null when there is none (or a side is null). */
  delta: { score: number | null; sprs_score?: number | null };
  previous_at: string | null;
}

export type Scores = Record<string, FrameworkScore>;

const percent = (fraction: number | null): number | null => (fraction === null ? null : Math.round(fraction * 10_000) / 100);

/** The frameworks each completed definition reported on (from its index items). */
function frameworksOf(result: RenderResult): { definition: string; framework: string }[] {
  const pairs = new Map<string, { definition: string; framework: string }>();
  for (const report of result.reports) {
    if (report.status !== 'completed') continue;
    for (const item of report.artifacts) {
      if (item.framework !== null) pairs.set(`${report.definition}\u0000${item.framework}`, { definition: report.definition, framework: item.framework });
    }
  }
  return [...pairs.values()].sort((a, b) => compareCodeUnits(a.framework, b.framework) || compareCodeUnits(a.definition, b.definition));
}

/** Per framework, the snapshot this run wrote (the first definition by name when several report on it) and its delta. */
export async function scoresOf(result: RenderResult, stateDir: string): Promise<Scores> {
  const scores: Scores = {};
  for (const { definition, framework } of frameworksOf(result)) {
    if (scores[framework]) continue;
    const snapshots = await readSnapshots(stateDir, definition, framework);
    const current = snapshots.find((s) => compareInstants(s.generated_at, result.generatedAt) === 0);
    if (!current) continue; // a type without history (poam, remediation, documents)
    const previous = previousSnapshot(snapshots, definition, framework, result.generatedAt);
    const diff = previous ? diffSnapshots(previous, current) : undefined;
    const sprs = current.sprs_score !== undefined;
    scores[framework] = {
      definition,
      score: percent(current.score),
      coverage: percent(current.coverage) ?? 0,
      ...(sprs ? { sprs_score: current.sprs_score ?? null } : {}),
      delta: { score: diff ? percent(diff.score) : null, ...(sprs ? { sprs_score: diff ? diff.sprs_score : null } : {}) },
      previous_at: previous?.generated_at ?? null,
    };
  }
  return scores;
}

/** Adds summary()'s figures for the fail-under frameworks the run did not report on. */
export async function completeScores(scores: Scores, thresholds: readonly Threshold[], workspace: string, at: string, env: NodeJS.ProcessEnv): Promise<void> {
  for (const { framework } of thresholds) {
    if (scores[framework]) continue;
    const figures = await summary({ framework, workspace, at, env });
    scores[framework] = {
      score: percent(figures.score),
      coverage: percent(figures.coverage) ?? 0,
      ...(figures.sprs_score !== undefined ? { sprs_score: figures.sprs_score } : {}),
      delta: { score: null, ...(figures.sprs_score !== undefined ? { sprs_score: null } : {}) },
      previous_at: null,
    };
  }
}

/** The sentences of the thresholds not met (empty: the gate passes). */
export function failUnderFailures(scores: Scores, thresholds: readonly Threshold[]): string[] {
  return thresholds.flatMap(({ framework, threshold }) => {
    const figures = scores[framework];
    if (SPRS_FRAMEWORKS.has(framework)) {
      const sprs = figures?.sprs_score ?? null;
      return sprs !== null && sprs >= threshold ? [] : [`${framework}: SPRS score ${String(sprs)} is below fail-under ${threshold}`];
    }
    const score = figures?.score ?? null;
    return score !== null && score >= threshold
      ? []
      : [`${framework}: score ${score === null ? 'null (nothing assessed)' : `${score}%`} is below fail-under ${threshold}%`];
  });
}
