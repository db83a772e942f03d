/**
 * The job summary (GITHUB_STEP_SUMMARY) of each command, as Markdown. Pure: text in, text out.
 * Every cell is escaped (schedule names, messages and paths come from the repository).
 */
import type { ScheduleDueEntry } from '../app/schedule/decide.js';
import type { RunArtifact } from '../app/schedule/run.js';
import type { Scores } from './scores.js';

/** A table cell: pipes and backslashes escaped, HTML's < and & neutralised, one line. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\r?\n/g, ' ');
}

/** Rows of a summary table at most: GitHub refuses a step summary over 1 MiB (every problem is annotated, every file logged, anyway). */
export const MAX_SUMMARY_ROWS = 1000;

/** A Markdown table of at most MAX_SUMMARY_ROWS rows, each cell escaped and cut at 500 characters. */
function table(head: string[], rows: string[][]): string {
  const shown = rows.slice(0, MAX_SUMMARY_ROWS).map((r) => `| ${r.map((c) => cell(c.slice(0, 500))).join(' | ')} |`);
  const more = rows.length > MAX_SUMMARY_ROWS ? ['', `…and ${rows.length - MAX_SUMMARY_ROWS} more (the step's log has them all).`] : [];
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...shown, ...more].join('\n');
}

export interface ValidateSummaryRow {
  severity: string;
  file: string;
  line: number;
  col: number;
  code: string;
  message: string;
}

export function validateSummary(workspace: string, rows: ValidateSummaryRow[], errors: number, warnings: number): string {
  const head = `## Infracast validate: ${cell(workspace)}\n\n${errors} error(s), ${warnings} warning(s).\n`;
  if (rows.length === 0) return `${head}\nNo problems found.\n`;
  return `${head}\n${table(
    ['Severity', 'File', 'Line', 'Col', 'Code', 'Message'],
    rows.map((r) => [r.severity, r.file, String(r.line), String(r.col), r.code, r.message]),
  )}\n`;
}

const signed = (n: number | null | undefined, unit = ''): string =>
  n === null || n === undefined ? '–' : `${n > 0 ? '+' : ''}${Math.round(n * 100) / 100}${unit}`;

export function scoresTable(scores: Scores): string {
  const frameworks = Object.keys(scores);
  if (frameworks.length === 0) return '';
  return `### Scores\n\n${table(
    ['Framework', 'Score', 'Δ score', 'SPRS', 'Δ SPRS', 'Coverage', 'Previous run'],
    frameworks.map((f) => {
      const s = scores[f]!;
      return [
        f,
        s.score === null ? 'n/a' : `${s.score}%`,
        signed(s.delta.score, ' pt'),
        s.sprs_score === undefined ? '' : String(s.sprs_score),
        s.sprs_score === undefined ? '' : signed(s.delta.sprs_score),
        `${s.coverage}%`,
        s.previous_at ?? 'none',
      ];
    }),
  )}\n`;
}

function artifactsTable(artifacts: RunArtifact[]): string {
  if (artifacts.length === 0) return '';
  return `### Rendered\n\n${table(
    ['Definition', 'File', 'Format', 'Size', 'sha256'],
    artifacts.map((a) => [a.definition, a.path, a.format, `${a.size_bytes} B`, a.sha256.slice(0, 12)]),
  )}\n`;
}

function list(title: string, lines: string[]): string {
  if (lines.length === 0) return '';
  const more = lines.length > MAX_SUMMARY_ROWS ? `\n…and ${lines.length - MAX_SUMMARY_ROWS} more (the step's log has them all).\n` : '';
  return `### ${title}\n\n${lines
    .slice(0, MAX_SUMMARY_ROWS)
    .map((l) => `- ${cell(l.slice(0, 500))}`)
    .join('\n')}\n${more}`;
}

export interface RunSummary {
  title: string;
  at: string;
  scores: Scores;
  artifacts: RunArtifact[];
  /** Scheduled runs: every schedule's decision (what was not due, and why). */
  schedules?: ScheduleDueEntry[];
  withheld: string[];
  notes: string[];
  failures: string[];
}

export function runSummary(s: RunSummary): string {
  const skipped = (s.schedules ?? []).filter((e) => e.status !== 'due');
  const due = (s.schedules ?? []).filter((e) => e.status === 'due');
  return [
    `## ${cell(s.title)}\n\nAt ${s.at}.${s.schedules ? ` ${due.length} schedule(s) due, ${skipped.length} not.` : ''}\n`,
    due.length > 0
      ? list(
          'Due',
          due.map((e) => `${e.name}: ${e.reason}`),
        )
      : '',
    scoresTable(s.scores),
    artifactsTable(s.artifacts),
    s.schedules && s.artifacts.length === 0 ? 'Nothing was rendered.\n' : '',
    skipped.length > 0
      ? `### Skipped\n\n${table(
          ['Schedule', 'Status', 'Why'],
          skipped.map((e) => [e.name, e.status, e.reason]),
        )}\n`
      : '',
    list('Withheld', s.withheld),
    list('Published', s.notes),
    list('Failed', s.failures),
  ]
    .filter((part) => part !== '')
    .join('\n');
}
