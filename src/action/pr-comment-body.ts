/**
 * The sticky comment's body: the diff's Markdown within GitHub's cap (a longer diff becomes its
 * summary, with a line saying where the full diff is), or, for CUI content that infracast.yaml does
 * not authorise for comments, the numbers alone. Pure: text in, text out.
 */
import { COMMENT_MAX_CHARS } from '../app/publishing/pr-comment.js';
import type { PrComparison } from './differ.js';
import { cell } from './job-summary.js';

/** The marker of the comment for a workspace (one sticky comment per workspace of the repository). */
export function commentMarker(workspacePath: string): string {
  // An HTML comment ends at the first "--": a folder name with one must not end it early.
  const path = workspacePath.replace(/-{2,}/g, (dashes) => dashes.split('').join(' '));
  return path === '.' ? '<!-- infracast:diff -->' : `<!-- infracast:diff ${path} -->`;
}

/** Room kept below the cap for the line pointing at the full diff. */
export const NOTE_RESERVE = 1024;

export interface CommentBody {
  body: string;
  truncated: boolean;
  /** The whole diff, when `body` is its summary. */
  full?: string;
  /** Why only the numbers are posted (CUI). */
  numbersOnly?: string;
}

const percent = (n: number | null | undefined): string => (n === null || n === undefined ? 'n/a' : `${n}%`);
const plain = (n: number | null | undefined): string => (n === null || n === undefined ? '–' : String(n));

/** Scores, CMMC status and counts: no control text, statement, evidence or finding. */
export function numbersMarkdown(comparison: Omit<PrComparison, 'markdown'>, marker: string, why: string): string {
  const rows = comparison.frameworks.map(
    (f) =>
      `| ${cell(f.framework)} | ${percent(f.before)} | ${percent(f.after)} | ${plain(f.sprs_before)} | ${plain(f.sprs_after)} | ${percent(f.coverage_before)} | ${percent(f.coverage_after)} |`,
  );
  return [
    marker,
    '## Infracast compliance diff',
    '',
    `_${why}_`,
    '',
    ...(rows.length > 0
      ? [
          '| Framework | Score before | Score after | SPRS before | SPRS after | Coverage before | Coverage after |',
          '| --- | --- | --- | --- | --- | --- | --- |',
          ...rows,
          '',
        ]
      : ['No framework scores.', '']),
    ...(comparison.cmmc ? [`CMMC: ${cell(comparison.cmmc.before)} -> ${cell(comparison.cmmc.after)}`, ''] : []),
    `- Controls whose status changes: ${comparison.controls_changed}`,
    `- POA&M items that would open: ${comparison.poam_opening.length}; close: ${comparison.poam_closing}`,
    `- SSP statements changed: ${comparison.statements_changed}`,
    `- New validation warnings: ${comparison.new_warnings}`,
    '',
  ].join('\n');
}

export interface CommentBodyOptions {
  marker: string;
  /** Set: the content is CUI not authorised for comments; the sentence says so. */
  cuiWithheld?: string;
  /** Where the full diff can be downloaded (the workflow run's page, which lists its artifacts). */
  runUrl?: string;
  /** Default GitHub's limit. */
  maxChars?: number;
}

/** The body to post (see the module comment). */
export function commentBody(comparison: PrComparison, options: CommentBodyOptions): CommentBody {
  const maxChars = options.maxChars ?? COMMENT_MAX_CHARS;
  if (options.cuiWithheld)
    return { body: numbersMarkdown(comparison, options.marker, options.cuiWithheld), truncated: false, numbersOnly: options.cuiWithheld };
  const rendered = comparison.markdown({ maxChars: maxChars - NOTE_RESERVE, marker: options.marker });
  const where = options.runUrl ? `[the workflow run](${options.runUrl})` : 'the workflow run';
  const note = `> The full diff (${rendered.full.length} characters) is longer than a comment may be (${maxChars}): it is attached to ${where} as an artifact.\n`;
  // The differ cuts within its budget; should it ever not, the numbers still fit.
  const body =
    rendered.body.length <= maxChars - NOTE_RESERVE && rendered.body.includes(options.marker)
      ? rendered.body
      : numbersMarkdown(comparison, options.marker, 'The diff did not fit in a comment; the numbers follow.');
  const truncated = rendered.truncated || body !== rendered.body;
  if (!truncated) return { body, truncated: false };
  return { body: `${body.replace(/\n*$/, '\n\n')}${note}`, truncated: true, full: rendered.full };
}
