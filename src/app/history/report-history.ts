/**
 * `infracast history`: the Reports API's "Report History" (GET .../reports/history?per_page=30),
 * read from the run log (run-log.ts) and git: one item per run line, newest first, each with the
 * commit that recorded it (blame.ts), a page at a time.
 */
import { ExitCode, InfracastError } from '../../errors.js';
import { compareCodeUnits } from '../../model/order.js';
import { configOf } from '../listing.js';
import type { ListingOptions } from '../listing.js';
import { checkReadable, readIfExists } from '../state.js';
import { blameFile } from './blame.js';
import type { LineCommit } from './blame.js';
import { parseRunLog, runLogPath } from './run-log.js';
import type { RunLogArtifact, RunLogLine } from './run-log.js';

/** The spec's default page size (per_page=30). */
export const DEFAULT_PER_PAGE = 30;

export interface ReportHistoryItem {
  generated_at: string;
  definition: string;
  type: string;
  /** The schedule `schedule run` rendered it for, and its slot; null for a plain render. */
  schedule: string | null;
  slot: string | null;
  artifacts: RunLogArtifact[];
  /** The commit that recorded the line; null when it is not committed (or git cannot say: see the note). */
  commit: LineCommit | null;
}

export interface ReportHistoryPage {
  items: ReportHistoryItem[];
  /** Runs in all (after the filters), on every page. */
  total: number;
  page: number;
  per_page: number;
}

export interface ReportHistoryOptions extends ListingOptions {
  definition?: string;
  schedule?: string;
  /** 1-based. */
  page?: number;
  perPage?: number;
}

/** A page of the history, with the sentence saying why no line shows a commit when that is so. */
export async function listReportHistory(options: ReportHistoryOptions = {}): Promise<ReportHistoryPage & { note?: string }> {
  const page = options.page ?? 1;
  const perPage = options.perPage ?? DEFAULT_PER_PAGE;
  for (const [flag, value] of [
    ['--page', page],
    ['--per-page', perPage],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new InfracastError('USAGE', `${flag} ${value}: a whole number from 1`, { exitCode: ExitCode.Usage, hints: ['e.g. --per-page 30 --page 2'] });
  }
  const { stateDir } = await configOf(options);
  await checkReadable(stateDir);
  const file = runLogPath(stateDir);
  const text = await readIfExists(file);
  if (text === undefined || text === '') return { items: [], total: 0, page, per_page: perPage };
  const runs = distinctRuns(parseRunLog(text, file)).filter(
    ({ item }) =>
      (options.definition === undefined || item.definition === options.definition) && (options.schedule === undefined || item.schedule === options.schedule),
  );
  const start = (page - 1) * perPage;
  const shown = runs.slice(start, start + perPage);
  // Only the page's lines are blamed (every copy of a line kept twice).
  const blame = await blameFile(
    file,
    shown.flatMap(({ copies }) => copies.map((c) => c.line)),
  );
  const items = withCommits(shown, (line) => {
    const blamed = blame.lines.get(line.line);
    // A line git saw differently (the file changed since it was read) has no commit to show.
    return blamed !== undefined && blamed.text === line.text ? blamed.commit : null;
  });
  return { items, total: runs.length, page, per_page: perPage, ...(blame.note ? { note: blame.note } : {}) };
}

/** A distinct run line and every copy of it in the file (a merge or two jobs may have kept it twice). */
export interface DistinctRun {
  item: ReportHistoryItem;
  copies: RunLogLine[];
}

/**
 * One run per distinct line, newest first, then by schedule, slot, definition and the line itself,
 * whatever the file's order. Their commits are not known yet (withCommits).
 */
export function distinctRuns(lines: readonly RunLogLine[]): DistinctRun[] {
  const byText = new Map<string, DistinctRun>();
  for (const line of lines) {
    const seen = byText.get(line.text);
    if (seen) {
      seen.copies.push(line);
      continue;
    }
    const { entry } = line;
    const item: ReportHistoryItem = {
      generated_at: entry.generated_at,
      definition: entry.definition,
      type: entry.type,
      schedule: entry.schedule ?? null,
      slot: entry.slot ?? null,
      artifacts: entry.artifacts,
      commit: null,
    };
    byText.set(line.text, { item, copies: [line] });
  }
  return [...byText]
    .sort(
      ([ta, { item: a }], [tb, { item: b }]) =>
        compareCodeUnits(b.generated_at, a.generated_at) ||
        compareCodeUnits(a.schedule ?? '', b.schedule ?? '') ||
        compareCodeUnits(a.slot ?? '', b.slot ?? '') ||
        compareCodeUnits(a.definition, b.definition) ||
        compareCodeUnits(ta, tb),
    )
    .map(([, run]) => run);
}

/** The items with their commits: of a line kept twice, the first copy in the file that is committed. */
export function withCommits(runs: readonly DistinctRun[], commitOf: (line: RunLogLine) => LineCommit | null): ReportHistoryItem[] {
  return runs.map(({ item, copies }) => ({ ...item, commit: copies.map(commitOf).find((c) => c !== null) ?? null }));
}
