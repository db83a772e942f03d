import * as Flags from '@oclif/core/flags';
import { listSchedules } from '../../app/schedule/decide.js';
import type { ScheduleEntry, ScheduleListing } from '../../app/schedule/decide.js';
import { InfracastCommand } from '../../cli/base-command.js';
import { chosenOutput, outputFlag } from '../../cli/output-choice.js';
import type { ExitCodeHelp } from '../../errors.js';
import { textTable } from '../../cli/text-table.js';

export default class ScheduleList extends InfracastCommand {
  static override summary = "The workspace's schedules: when each runs next, in its time zone and in UTC, whether it is enabled, what it renders.";
  static override description = `The Reports API's "List Schedules". Each schedule of schedules/ (and any file with a frequency or a cron), by name: its recurrence (frequency, day and time, or cron) as the cron it runs as in its IANA time zone, the next slot after the instant (--at, else SOURCE_DATE_EPOCH, else now) in that zone and in UTC, the catch-up window, the definitions it renders (by output name; an inline schedule renders its own), and the last slot rendered (the state folder's schedules.jsonl).

A table on a terminal, JSON when piped (or with --json or -o json). The workspace is validated first.`;

  static override exitCodes: ExitCodeHelp = { 0: '', 1: 'invalid workspace', 2: '' };

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %>', description: 'The schedules of the current workspace.' },
    { command: '<%= config.bin %> <%= command.id %> -w examples/acme --at 2027-03-01 --json', description: 'Their next runs after an instant, as JSON.' },
  ];

  static override flags = {
    workspace: Flags.string({ char: 'w', description: 'A path inside the workspace (default: the current directory).', helpValue: 'PATH' }),
    at: Flags.string({ description: 'The instant (YYYY-MM-DD or RFC 3339). Default: SOURCE_DATE_EPOCH, else now.', helpValue: 'DATE' }),
    output: outputFlag,
  };

  async run(): Promise<ScheduleListing<ScheduleEntry>> {
    const { flags } = await this.parse(ScheduleList);
    const result = await listSchedules({ ...(flags.workspace ? { workspace: flags.workspace } : {}), ...(flags.at ? { at: flags.at } : {}) });
    if (!this.jsonEnabled()) this.log(chosenOutput(flags.output) === 'table' ? listTable(result) : JSON.stringify(result, null, 2));
    return result;
  }
}

function listTable(listing: ScheduleListing<ScheduleEntry>): string {
  if (listing.schedules.length === 0) return 'no schedules: add one to schedules/ (infracast schema schedule shows its fields)';
  const rows = listing.schedules.map((s) => [
    s.name,
    s.enabled ? 'yes' : 'no',
    `${s.when} ${s.timezone}`,
    s.next_run ? `${s.next_run} (${s.next_run_utc})` : '-',
    s.inline ? `${s.reports.join(', ')} (${s.inline.type}: ${s.inline.formats.join(', ')})` : s.reports.join(', '),
  ]);
  return `${textTable(['schedule', 'enabled', 'when', 'next run (UTC)', 'renders'], rows)}\n\nat ${listing.at}`;
}
