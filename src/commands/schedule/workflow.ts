import * as Flags from '@oclif/core/flags';
import { DEFAULT_ACTION, DEFAULT_SWEEP_MINUTE, scheduleWorkflow } from '../../app/schedule/workflow.js';
import { InfracastCommand } from '../../cli/base-command.js';
import type { ExitCodeHelp } from '../../errors.js';

export default class ScheduleWorkflow extends InfracastCommand {
  static override summary = 'Print a ready GitHub workflow that runs the schedules: an hourly sweep, concurrency, the least permissions.';
  static override description = `Prints .github/workflows/infracast-schedules.yml: an hourly sweep at an odd minute (GitHub's cron is busy at the top of the hour and runs late at times), workflow_dispatch with a now input to re-run a past sweep, one sweep at a time (concurrency), permissions contents: write only; it checks out the repository and runs the Infracast Action (command: scheduled) with one pinned instant: it renders what is due, records each slot, commits the reports and the state folder (--publish commit: no empty commit, a rejected push rebased and retried) or attaches them to a monthly release (--publish release), and mails the schedules' recipients with the SMTP login from the secrets INFRACAST_SMTP_USER and INFRACAST_SMTP_PASSWORD.

The cron is only a tick: the action decides what is due from each schedule's own time zone and the recorded slots, so a late, repeated or manual run renders and mails each slot once. Commit the file yourself: a workflow's GITHUB_TOKEN cannot write .github/workflows/. The action's inputs and outputs: docs/action.md.`;

  static override exitCodes: ExitCodeHelp = { 0: '', 2: '' };

  static override examples = [
    {
      command: '<%= config.bin %> <%= command.id %> > .github/workflows/infracast-schedules.yml',
      description: 'The workflow for a workspace at the repository root.',
    },
    { command: '<%= config.bin %> <%= command.id %> --workspace compliance --minute 41', description: 'A workspace in a sub-folder, swept at minute 41.' },
  ];

  static override flags = {
    workspace: Flags.string({ char: 'w', description: 'The workspace folder, relative to the repository root.', default: '.', helpValue: 'PATH' }),
    minute: Flags.integer({ description: 'The minute of the hourly sweep (avoid 0: busy).', default: DEFAULT_SWEEP_MINUTE, min: 0, max: 59 }),
    publish: Flags.string({
      description: 'commit: the reports and the state are committed; release: the reports are attached to a release per month.',
      options: ['commit', 'release'],
      default: 'commit',
    }),
    action: Flags.string({
      description: 'Where the Infracast action is (owner/repo/actions/infracast@ref): the copy you use.',
      default: DEFAULT_ACTION,
      helpValue: 'REF',
    }),
  };

  async run(): Promise<{ workflow: string }> {
    const { flags } = await this.parse(ScheduleWorkflow);
    const workflow = scheduleWorkflow({
      workspace: flags.workspace,
      minute: flags.minute,
      action: flags.action,
      publish: flags.publish === 'release' ? 'release' : 'commit',
    });
    if (!this.jsonEnabled()) process.stdout.write(workflow);
    return { workflow };
  }
}
