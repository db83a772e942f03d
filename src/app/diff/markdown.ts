/**
 * The pull-request comment of a compliance diff (compare.ts): a hidden marker first (the Action
 * finds its sticky comment by it), score deltas, CMMC status, the controls whose status changed
 * with their deciding evidence, the POA&M items opening and closing, the SSP statement diffs folded
 * in <details>, new validation warnings. Pure.
 *
 * Everything that comes from the workspace or its findings is escaped as the report renderer does
 * (templating/markdown-escape.ts: no HTML, link or image survives); statement diffs sit in a code
 * fence longer than any run of backticks they hold. A CUI-classified workspace whose infracast.yaml
 * does not authorise the `comment` destination gets figures only: no statement text, no evidence,
 * no weakness names or assets (32 CFR 2002.14; app/schedule/destinations.ts gates artifacts the same way).
 */
import { codeSpan, escapeMarkdown } from '../../templating/markdown-escape.js';
import type { ComplianceDiff, ControlChange, FrameworkDelta } from './compare.js';
import type { PoamEntry } from './side.js';

/** The hidden first line the Action's sticky comment is found by. */
export const DIFF_MARKER = '<!-- infracast:diff -->';

/** GitHub's cap on a comment body. */
export const COMMENT_MAX_CHARS = 65536;

export interface DiffMarkdownOptions {
  maxChars?: number;
  /** The hidden first line (default DIFF_MARKER); one workflow with several workspaces gives each its own. */
  marker?: string;
}

export interface DiffMarkdown {
  /** The comment: `full`, or a summary of it when `full` is longer than maxChars. */
  body: string;
  truncated: boolean;
  /** The whole diff (the workflow artifact when `body` is the summary). */
  full: string;
}

const percent = (value: number | null | undefined): string => (value === null || value === undefined ? 'n/a' : `${(value * 100).toFixed(1)}%`);
/** "61.2% -> 63.0%"; with two decimals when one would print the same figure twice for a change. */
function change(before: number | null, after: number | null): string {
  const digits = percent(before) === percent(after) ? 2 : 1;
  const format = (v: number | null): string => (v === null ? 'n/a' : `${(v * 100).toFixed(digits)}%`);
  return `${format(before)} -> ${format(after)}`;
}
const cell = (value: string): string => escapeMarkdown(value);
/** Text inside an HTML element (<summary>): entities, nothing Markdown or HTML can open. */
const html = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function withheld(diff: ComplianceDiff): boolean {
  return diff.cui.classified && !diff.cui.comment_authorised;
}

function scoreLine(f: FrameworkDelta): string {
  const name = cell(f.head?.name ?? f.base?.name ?? f.framework);
  if (!f.base || !f.head) return `- ${name}: ${f.base ? 'no longer evaluated' : 'newly evaluated'} (score ${percent((f.head ?? f.base)!.score)})`;
  const parts: string[] = [];
  if (f.base.sprs_score !== undefined || f.head.sprs_score !== undefined) {
    const sprs = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : String(v));
    parts.push(
      f.base.sprs_score === f.head.sprs_score ? `SPRS ${sprs(f.head.sprs_score)} (unchanged)` : `SPRS ${sprs(f.base.sprs_score)} -> ${sprs(f.head.sprs_score)}`,
    );
  }
  parts.push(f.base.score === f.head.score ? `${percent(f.head.score)} (unchanged)` : change(f.base.score, f.head.score));
  parts.push(f.base.coverage === f.head.coverage ? 'coverage unchanged' : `coverage ${change(f.base.coverage, f.head.coverage)}`);
  return `- ${name} (${codeSpan(f.framework)}): ${parts.join(', ')}`;
}

function cmmcLines(frameworks: FrameworkDelta[]): string[] {
  const lines: string[] = [];
  for (const f of frameworks) {
    if (!f.base?.cmmc_level_2 || !f.head?.cmmc_level_2) continue;
    for (const [level, key] of [
      ['Level 1', 'cmmc_level_1'],
      ['Level 2', 'cmmc_level_2'],
    ] as const) {
      if (f.base[key] !== f.head[key])
        lines.push(`- CMMC ${level} (from ${codeSpan(f.framework)}): ${cell(f.base[key] ?? 'n/a')} -> ${cell(f.head[key] ?? 'n/a')}`);
    }
    const before = new Set(f.base.cmmc_blocking ?? []);
    const after = new Set(f.head.cmmc_blocking ?? []);
    const added = [...after].filter((p) => !before.has(p));
    const removed = [...before].filter((p) => !after.has(p));
    if (added.length > 0) lines.push(`- Now blocking CMMC Level 2 Conditional status: ${added.map(codeSpan).join(', ')}`);
    if (removed.length > 0) lines.push(`- No longer blocking: ${removed.map(codeSpan).join(', ')}`);
  }
  return lines;
}

function controlRows(controls: ControlChange[], hide: boolean): string[] {
  const side = (s: ControlChange['base']): string => (s === null ? 'not evaluated' : hide ? cell(s.status) : `**${cell(s.status)}**: ${cell(s.reason)}`);
  return [
    '| Framework | Control | Before | After |',
    '|---|---|---|---|',
    ...controls.map((c) => `| ${cell(c.framework)} | ${cell(c.control)} ${cell(c.title)} | ${side(c.base)} | ${side(c.head)} |`),
  ];
}

function poamRows(items: PoamEntry[], hide: boolean): string[] {
  return [
    hide ? '| Item | Rating | Controls | Scheduled completion |' : '| Item | Weakness | Rating | Controls | Assets | Scheduled completion |',
    hide ? '|---|---|---|---|' : '|---|---|---|---|---|---|',
    ...items.map((i) =>
      hide
        ? `| ${cell(i.id)} | ${cell(i.rating)} | ${cell(i.controls.join(', '))} | ${cell(i.scheduled_completion_date)} |`
        : `| ${cell(i.id)} | ${cell(i.weakness)} | ${cell(i.rating)} | ${cell(i.controls.join(', '))} | ${cell(i.assets.join(', '))} | ${cell(i.scheduled_completion_date)} |`,
    ),
  ];
}

/** A fence no line of `text` can close: one backtick longer than its longest run (at least three). */
function fenced(info: string, text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${text}\n${fence}`;
}

function header(diff: ComplianceDiff, marker: string): string[] {
  // A ref given as the commit itself is printed once, shortened.
  const side = (s: ComplianceDiff['base']): string =>
    s.commit === undefined ? codeSpan(s.ref) : s.commit === s.ref ? codeSpan(s.commit.slice(0, 12)) : `${codeSpan(s.ref)} (${s.commit.slice(0, 12)})`;
  return [
    marker,
    '## Infracast: compliance diff',
    '',
    `${side(diff.base)} -> ${side(diff.head)}, workspace ${codeSpan(diff.workspace)}, evaluated at ${diff.at}`,
  ];
}

/** The parts every body has, the summary included: scores, CMMC, the counts. */
function overview(diff: ComplianceDiff): string[] {
  const lines: string[] = [];
  if (!diff.changed) return ['', 'No compliance change.'];
  const changed = diff.frameworks.filter((f) => f.changed);
  const moved = changed.filter(
    (f) => !f.base || !f.head || f.base.score !== f.head.score || f.base.coverage !== f.head.coverage || f.base.sprs_score !== f.head.sprs_score,
  );
  lines.push('', '### Scores', '');
  if (moved.length === 0) lines.push('No score or coverage changed.');
  else lines.push(...moved.map(scoreLine));
  const cmmc = cmmcLines(changed);
  if (cmmc.length > 0) lines.push('', '### CMMC', '', ...cmmc);
  if (withheld(diff))
    lines.push(
      '',
      '> This workspace is CUI-classified and infracast.yaml `cui.authorised_destinations` does not list `comment`: statement text, evidence and weakness details are left out of this comment. Run `infracast diff` where CUI is authorised to read them.',
    );
  return lines;
}

function details(diff: ComplianceDiff): string[] {
  const hide = withheld(diff);
  const lines: string[] = [];
  if (diff.controls.length > 0) lines.push('', `### Controls whose status changed (${diff.controls.length})`, '', ...controlRows(diff.controls, hide));
  const { opening, closing } = diff.poam;
  if (opening.length + closing.length > 0) {
    lines.push('', '### POA&M');
    if (opening.length > 0) lines.push('', `Would open (${opening.length}):`, '', ...poamRows(opening, hide));
    if (closing.length > 0) lines.push('', `Would close (${closing.length}):`, '', ...poamRows(closing, hide));
  }
  if (diff.statements.length > 0) {
    lines.push('', `### SSP statements changed (${diff.statements.length})`);
    if (hide) lines.push('', diff.statements.map((s) => codeSpan(s.control)).join(', '));
    else
      for (const s of diff.statements)
        lines.push('', `<details><summary>${html(s.control)} (${html(s.definition)})</summary>`, '', fenced('diff', s.diff), '', '</details>');
  }
  if (diff.new_warnings.length > 0) {
    lines.push('', `### New validation warnings (${diff.new_warnings.length})`, '');
    for (const w of diff.new_warnings) lines.push(`- ${codeSpan(`${w.file}:${w.line}`)} ${codeSpan(w.code)}: ${cell(w.message)}`);
  }
  return lines;
}

function counts(diff: ComplianceDiff): string {
  return [
    `${diff.controls.length} control status change(s)`,
    `${diff.poam.opening.length} POA&M item(s) opening, ${diff.poam.closing.length} closing`,
    `${diff.statements.length} SSP statement(s) changed`,
    `${diff.new_warnings.length} new warning(s)`,
  ].join(', ');
}

export function diffMarkdown(diff: ComplianceDiff, options: DiffMarkdownOptions = {}): DiffMarkdown {
  const maxChars = options.maxChars ?? COMMENT_MAX_CHARS;
  const marker = options.marker ?? DIFF_MARKER;
  const full = `${[...header(diff, marker), ...overview(diff), ...details(diff)].join('\n')}\n`;
  if (full.length <= maxChars) return { body: full, truncated: false, full };
  const summary = `${[
    ...header(diff, marker),
    ...overview(diff),
    '',
    `The full diff (${full.length} characters) is longer than a comment can be: it is in the workflow artifact. In short: ${counts(diff)}.`,
  ].join('\n')}\n`;
  // A summary that is itself too long (hundreds of frameworks) is cut: the marker stays first.
  const body = summary.length <= maxChars ? summary : `${summary.slice(0, maxChars - 40)}\n\n(cut: see the workflow artifact)\n`;
  return { body, truncated: true, full };
}
