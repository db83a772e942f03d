import * as Flags from '@oclif/core/flags';
import { dueSchedules } from '../../app/schedule/decide.js';
import type { ScheduleDueListing } from '../../app/schedule/decide.js';
import { InfracastCommand } from '../../cli/base-command.js';
import { chosenOutput, outputFlag } from '../../cli/output-choice.js';
import type { ExitCodeHelp } from '../../errors.js';
import { textTable } from '../../cli/text-table.js';

export default class ScheduleDue extends InfracastCommand {
  static override summary = 'What is due at an instant, and why or why not: due, already rendered for that slot, missed beyond the catch-up window, disabled.';
  static override description = `For each schedule, its latest slot at or before the instant (--at, else SOURCE_DATE_EPOCH, else now), read in the schedule's own time zone across daylight-saving changes (a 02:30 job runs at 03:00 on the spring-forward day and once on the fall-back day):

  due       the slot is newer than the last one rendered (the state folder's schedules.jsonl) and within the catch-up window (catch_up, default one period); infracast schedule run renders it
  rendered  that slot was rendered already: a late, repeated or manual run does not render it again
  missed    the slot is older than the catch-up window: by how many hours; it is never rendered late (neither are earlier slots skipped since the last rendered one, counted here)
  disabled  enabled: false
  not-due   no slot yet

and the next slot, in the schedule's zone and in UTC. Read only. A table on a terminal, JSON when piped (or with --json or -o json).`;

  static override exitCodes: ExitCodeHelp = {
    0: 'whether or not anything is due',
    1: 'invalid workspace',
    2: 'the command line is wrong (e.g. --at is not an instant)',
  };

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %>', description: 'What is due now in the current workspace.' },
    {
      command: '<%= config.bin %> <%= command.id %> -w examples/acme --at 2027-03-14T07:30:00Z -o table',
      description: 'What a sweep at that instant would render (the morning of the spring-forward day in New York).',
    },
  ];

  static override flags = {
    workspace: Flags.string({ char: 'w', description: 'A path inside the workspace (default: the current directory).', helpValue: 'PATH' }),
    at: Flags.string({ description: 'The instant (YYYY-MM-DD or RFC 3339). Default: SOURCE_DATE_EPOCH, else now.', helpValue: 'INSTANT' }),
    output: outputFlag,
  };

  async run(): Promise<ScheduleDueListing> {
    const { flags } = await this.parse(ScheduleDue);
    const { stateDir: _stateDir, ...result } = await dueSchedules({
      ...(flags.workspace ? { workspace: flags.workspace } : {}),
      ...(flags.at ? { at: flags.at } : {}),
    });
    if (!this.jsonEnabled()) this.log(chosenOutput(flags.output) === 'table' ? dueTable(result) : JSON.stringify(result, null, 2));
    return result;
  }
}

function dueTable(listing: ScheduleDueListing): string {
  if (listing.schedules.length === 0) return 'no schedules: add one to schedules/ (infracast schema schedule shows its fields)';
  const rows = listing.schedules.map((s) => [s.name, s.status, s.slot ?? '-', s.next_run ?? '-', s.reason]);
  return `${textTable(['schedule', 'status', 'slot', 'next', 'why'], rows)}\n\nat ${listing.at}: ${listing.due} of ${listing.schedules.length} due`;
}
