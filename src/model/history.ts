/**
 * History snapshots (docs/evaluation.md section 7): one per (definition, framework, generated_at),
 * holding what a later run compares against. Pure; app/state.ts stores one file per snapshot.
 * "Previous run" means the latest snapshot strictly before `generated_at`.
 */
import type { FrameworkEvaluation } from './evaluation.js';
import { compareCodeUnits } from './order.js';

export interface SnapshotCounts {
  passing: number;
  failing: number;
  not_assessed: number;
  not_applicable: number;
  /** Part of `passing` met by attestation. */
  attested: number;
  total: number;
}

/** As stored (snake_case, like every persisted record). */
export interface HistorySnapshot {
  definition: string;
  framework: string;
  /** RFC 3339 instant of the run. */
  generated_at: string;
  counts: SnapshotCounts;
  /** passing / assessed, or null when nothing is assessed. */
  score: number | null;
  /** assessed / total. */
  coverage: number;
  /** Present for frameworks with an SPRS score (null: the assessment cannot be completed). */
  sprs_score?: number | null;
  /** Canonical ids of the failing controls, sorted by code units. */
  failing_controls: string[];
}

export interface SnapshotDiff {
  /** Failing now, not failing in the previous snapshot (all failing ones when there is none). */
  newly_failing: string[];
  /** Failing in the previous snapshot, no longer failing now (passing, or no longer assessed: a snapshot keeps only the failing set). */
  newly_passing: string[];
  /** current - previous per count (the current counts when there is no previous snapshot). */
  counts: SnapshotCounts;
  /** current - previous, or null when either is null or there is no previous snapshot. */
  score: number | null;
  coverage: number | null;
  sprs_score: number | null;
}

export function snapshotOf(
  definition: string,
  generatedAt: string,
  evaluation: Pick<FrameworkEvaluation, 'framework' | 'results' | 'counts' | 'score' | 'coverage'>,
  sprsScore?: number | null,
): HistorySnapshot {
  const c = evaluation.counts;
  return {
    definition,
    framework: evaluation.framework,
    generated_at: generatedAt,
    counts: { passing: c.passing, failing: c.failing, not_assessed: c.notAssessed, not_applicable: c.notApplicable, attested: c.attested, total: c.total },
    score: evaluation.score,
    coverage: evaluation.coverage,
    ...(sprsScore !== undefined ? { sprs_score: sprsScore } : {}),
    failing_controls: [...new Set(evaluation.results.filter((r) => r.status === 'failing').map((r) => r.control.id))].sort(compareCodeUnits),
  };
}

/** Instants compare as instants (offsets differ), then as strings so that the order is total. */
export function compareInstants(a: string, b: string): number {
  const x = Date.parse(a);
  const y = Date.parse(b);
  if (!Number.isNaN(x) && !Number.isNaN(y) && x !== y) return x - y;
  return Number.isNaN(x) || Number.isNaN(y) ? compareCodeUnits(a, b) : 0;
}

/** The latest snapshot of (definition, framework) strictly before `generatedAt`. */
export function previousSnapshot(
  snapshots: readonly HistorySnapshot[],
  definition: string,
  framework: string,
  generatedAt: string,
): HistorySnapshot | undefined {
  let best: HistorySnapshot | undefined;
  for (const s of snapshots) {
    if (s.definition !== definition || s.framework !== framework) continue;
    if (compareInstants(s.generated_at, generatedAt) >= 0) continue;
    if (best === undefined || compareInstants(s.generated_at, best.generated_at) > 0) best = s;
  }
  return best;
}

const minus = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined ? null : a - b;

export function diffSnapshots(previous: HistorySnapshot | undefined, current: HistorySnapshot): SnapshotDiff {
  const before = new Set(previous?.failing_controls ?? []);
  const now = new Set(current.failing_controls);
  const p = previous?.counts;
  const c = current.counts;
  return {
    newly_failing: [...now].filter((id) => !before.has(id)).sort(compareCodeUnits),
    newly_passing: [...before].filter((id) => !now.has(id)).sort(compareCodeUnits),
    counts: {
      passing: c.passing - (p?.passing ?? 0),
      failing: c.failing - (p?.failing ?? 0),
      not_assessed: c.not_assessed - (p?.not_assessed ?? 0),
      not_applicable: c.not_applicable - (p?.not_applicable ?? 0),
      attested: c.attested - (p?.attested ?? 0),
      total: c.total - (p?.total ?? 0),
    },
    score: minus(current.score, previous?.score),
    coverage: minus(current.coverage, previous?.coverage),
    sprs_score: minus(current.sprs_score, previous?.sprs_score),
  };
}
