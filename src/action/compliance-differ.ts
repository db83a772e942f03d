/**
 * The real Differ: the app's comparison (src/app/diff, `infracast diff`) adapted to what the action
 * reads. The Markdown is the comparison's own (diffMarkdown), so the comment says exactly what
 * `infracast diff --base <sha>` prints locally.
 */
import { compareWorkspaces, diffMarkdown } from '../app/diff/index.js';
import type { ComplianceDiff } from '../app/diff/index.js';
import type { CmmcChange, Differ, FrameworkDelta, PrComparison } from './differ.js';

/** 0..1 -> percent with one decimal (null stays null). */
const percent = (value: number | null | undefined): number | null => (value === null || value === undefined ? null : Math.round(value * 1000) / 10);

/** CMMC Level 2 statuses that make an organisation eligible for a contract requiring Level 2 (32 CFR 170.21). */
const ELIGIBLE = new Set(['final', 'conditional']);

function cmmcOf(diff: ComplianceDiff): CmmcChange | undefined {
  const level2 = (side: 'base' | 'head'): string | undefined => diff.frameworks.map((f) => f[side]?.cmmc_level_2).find((s) => s !== undefined);
  const before = level2('base');
  const after = level2('head');
  if (before === undefined && after === undefined) return undefined;
  return {
    before: before ?? 'no-status',
    after: after ?? 'no-status',
    eligible_before: ELIGIBLE.has(before ?? ''),
    eligible_after: ELIGIBLE.has(after ?? ''),
  };
}

/** The action's view of a ComplianceDiff (exported for its unit test). */
export function prComparisonOf(diff: ComplianceDiff): PrComparison {
  const frameworks: FrameworkDelta[] = diff.frameworks.map((f) => {
    const sprs = f.base?.sprs_score !== undefined || f.head?.sprs_score !== undefined;
    return {
      framework: f.framework,
      before: percent(f.base?.score),
      after: percent(f.head?.score),
      ...(sprs ? { sprs_before: f.base?.sprs_score ?? null, sprs_after: f.head?.sprs_score ?? null } : {}),
      coverage_before: percent(f.base?.coverage),
      coverage_after: percent(f.head?.coverage),
    };
  });
  const cmmc = cmmcOf(diff);
  return {
    frameworks,
    ...(cmmc ? { cmmc } : {}),
    controls_changed: diff.controls.length,
    poam_opening: diff.poam.opening.map((p) => ({
      control: p.controls.length > 0 ? p.controls.join(', ') : p.id,
      risk: p.rating,
      ...(p.scheduled_completion_date ? { deadline: p.scheduled_completion_date } : {}),
    })),
    poam_closing: diff.poam.closing.length,
    statements_changed: diff.statements.length,
    new_warnings: diff.new_warnings.length,
    cui: diff.cui.classified,
    comment_authorised: diff.cui.comment_authorised,
    markdown: ({ maxChars, marker }) => diffMarkdown(diff, { maxChars, marker }),
  };
}

export const complianceDiffer: Differ = {
  async compare(request) {
    const diff = await compareWorkspaces({
      cwd: request.workspace,
      base: request.base,
      head: request.head,
      ...(request.at ? { at: request.at } : {}),
      env: request.env,
    });
    return prComparisonOf(diff);
  },
};
