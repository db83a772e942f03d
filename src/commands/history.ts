import * as Flags from '@oclif/core/flags';
import { DEFAULT_PER_PAGE, listReportHistory } from '../app/history/report-history.js';
import type { ReportHistoryItem, ReportHistoryPage } from '../app/history/report-history.js';
import { listHistory } from '../app/listing.js';
import type { HistorySnapshot } from '../model/history.js';
import { InfracastCommand } from '../cli/base-command.js';
import { ExitCode, InfracastError } from '../errors.js';
import type { ExitCodeHelp } from '../errors.js';

const usage = (message: string, hint: string): InfracastError =>
  new InfracastError('USAGE', message, {
    exitCode: ExitCode.Usage,
    hints: [hint, '`infracast history --help` shows every flag, the exit codes and examples.'],
  });

const percent = (value: number | null): string => (value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`);

/** The commit column: short id, `<=id` past a shallow clone's boundary, or `not committed`. */
function commitCell(item: ReportHistoryItem): string {
  if (item.commit === null) return 'not committed';
  return `${item.commit.boundary ? '<=' : ''}${item.commit.id.slice(0, 12)}`;
}

function runLine(item: ReportHistoryItem): string {
  const scheduled = item.schedule === null ? 'render' : `${item.schedule} @ ${item.slot}`;
  const files = item.artifacts.map((a) => `${a.path.slice(a.path.lastIndexOf('/') + 1)} ${a.sha256.slice(0, 12)}`).join(', ');
  return `${item.generated_at}  ${item.definition}  ${scheduled}  ${files || '(no files)'}  ${commitCell(item)}`;
}

export default class History extends InfracastCommand {
  static override summary = "The Report History: every report run of the workspace, newest first, with its files' sha256 and the commit that recorded it.";
  static override description = `Each render (infracast render, infracast schedule run) adds one line per definition it published to the run log in the state folder (.infracast/runs.jsonl): the run's instant, the definition, the schedule and slot when schedule run rendered it, and each report file's workspace-relative path, format, sha256 and size. This command lists those runs a page at a time (--per-page, default ${DEFAULT_PER_PAGE}, as the Reports API's per_page; --page), newest first, each with the commit that recorded its line, found with git blame on the run log (no commit message is read): "not committed" for a run whose line is not committed yet, or when the workspace is not in a git repository. In a shallow clone a line older than the clone's boundary shows the boundary commit as <=<id> (recorded by it or an earlier commit). --json prints { items, total, page, per_page }.

The run log is append-only and merged by union (.infracast/.gitattributes): two branches or jobs that each rendered merge without conflict; a run recorded twice is listed once.

--scores lists instead the score snapshots (score, coverage, SPRS and failing controls per framework and run, in .infracast/history/) that trends and "changed since the previous run" come from; --limit N keeps the newest N of them.`;

  static override exitCodes: ExitCodeHelp = {
    0: 'the history was listed (an empty one too)',
    1: 'the workspace configuration or its run log is invalid (the damaged line is named)',
    2: '',
    3: 'the state folder was written by a newer Infracast',
  };

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %>', description: 'The 30 newest report runs of the current workspace.' },
    {
      command: '<%= config.bin %> <%= command.id %> --schedule "Weekly Security Executive Summary" --per-page 10 --page 2 --json',
      description: 'The second page of ten runs of one schedule, as the Reports API would list them.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --scores --definition nist-800-171-gap-analysis --limit 12',
      description: 'The score snapshots of the last twelve runs of one definition.',
    },
  ];

  static override flags = {
    workspace: Flags.string({ char: 'w', description: 'A path inside the workspace (default: the current directory).', helpValue: 'PATH' }),
    definition: Flags.string({ char: 'd', description: 'Only this definition (its output name, as under out/).', helpValue: 'NAME' }),
    schedule: Flags.string({ description: 'Only the runs of this schedule (its name).', helpValue: 'NAME' }),
    'per-page': Flags.integer({ description: `Runs per page (default ${DEFAULT_PER_PAGE}).`, min: 1, helpValue: 'N' }),
    page: Flags.integer({ description: 'Which page, newest first (default 1).', min: 1, helpValue: 'N' }),
    scores: Flags.boolean({ description: 'The score snapshots (score, coverage, SPRS, failing controls) instead of the report runs.' }),
    limit: Flags.integer({ description: 'With --scores: at most this many snapshots.', min: 1, helpValue: 'N' }),
  };

  async run(): Promise<ReportHistoryPage | { snapshots: HistorySnapshot[]; total: number }> {
    const { flags } = await this.parse(History);
    const runFlags = (['schedule', 'per-page', 'page'] as const).filter((name) => flags[name] !== undefined);
    if (flags.scores && runFlags.length > 0)
      throw usage(
        `--${runFlags.join(', --')} ${runFlags.length === 1 ? 'is' : 'are'} for report runs, not --scores`,
        'With --scores, --definition and --limit choose the snapshots.',
      );
    if (!flags.scores && flags.limit !== undefined)
      throw usage('--limit is for --scores (the score snapshots)', 'Report runs come a page at a time: --per-page N and --page N.');
    const where = { ...(flags.workspace ? { workspace: flags.workspace } : {}), ...(flags.definition ? { definition: flags.definition } : {}) };
    if (flags.scores) return this.scores({ ...where, ...(flags.limit ? { limit: flags.limit } : {}) });
    const { note, ...page } = await listReportHistory({
      ...where,
      ...(flags.schedule ? { schedule: flags.schedule } : {}),
      ...(flags.page ? { page: flags.page } : {}),
      ...(flags['per-page'] ? { perPage: flags['per-page'] } : {}),
    });
    if (!this.jsonEnabled()) {
      if (page.total === 0) this.log('no report runs yet: infracast render and infracast schedule run record them');
      else if (page.items.length === 0) this.log(`page ${page.page} is past the last one (${page.total} runs, ${page.per_page} per page)`);
      for (const item of page.items) this.log(runLine(item));
      const pages = Math.ceil(page.total / page.per_page);
      if (page.items.length > 0 && pages > 1)
        this.log(`page ${page.page} of ${pages} (${page.total} runs)${page.page < pages ? `; --page ${page.page + 1} for older runs` : ''}`);
      if (note && page.total > 0) this.log(`(${note})`);
    }
    return page;
  }

  private async scores(options: { workspace?: string; definition?: string; limit?: number }): Promise<{ snapshots: HistorySnapshot[]; total: number }> {
    const result = await listHistory(options);
    if (!this.jsonEnabled()) {
      if (result.snapshots.length === 0) this.log('no score snapshots yet: render a framework, gap or executive report');
      for (const s of result.snapshots) {
        const sprs = s.sprs_score === undefined ? '' : `  SPRS ${s.sprs_score === null ? 'n/a' : s.sprs_score}`;
        this.log(
          `${s.generated_at}  ${s.definition}  ${s.framework}  score ${percent(s.score)}  coverage ${percent(s.coverage)}  failing ${s.counts.failing}${sprs}`,
        );
      }
      if (result.snapshots.length < result.total) this.log(`(${result.total - result.snapshots.length} more; --limit shows more)`);
    }
    return result;
  }
}
