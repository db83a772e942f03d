import * as Flags from '@oclif/core/flags';
import { DEFAULT_SWEEP_MINUTE, scheduleWorkflow } from '../../app/schedule/workflow.js';
import { InfracastCommand } from '../../cli/base-command.js';
import type { ExitCodeHelp } from '../../errors.js';

export default class ScheduleWorkflow extends InfracastCommand {
  static override summary = 'Print a ready GitHub workflow that runs the schedules: an hourly sweep, concurrency, the least permissions.';
  static override description = `Prints .github/workflows/infracast-schedules.yml: an hourly sweep at an odd minute (GitHub's cron is busy at the top of the hour and runs late at times), workflow_dispatch with a now input to re-run a past sweep, one sweep at a time (concurrency), permissions contents: write only; it checks out the repository, sets up Node.js, runs infracast schedule run --at "$NOW" with one pinned instant, and commits the reports and the recorded slots (no empty commit; a rejected push is rebased and retried).

The cron is only a tick: infracast schedule run decides what is due from each schedule's own time zone and the recorded slots, so a late, repeated or manual run renders each slot once. A later version uses the Infracast GitHub Action in place of the run and commit steps (the workflow says so). Commit the file yourself: a workflow's GITHUB_TOKEN cannot write .github/workflows/.`;

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
    node: Flags.integer({ description: 'Node.js major version for actions/setup-node.', default: 22, min: 20 }),
  };

  async run(): Promise<{ workflow: string }> {
    const { flags } = await this.parse(ScheduleWorkflow);
    const workflow = scheduleWorkflow({ workspace: flags.workspace, minute: flags.minute, node: flags.node });
    if (!this.jsonEnabled()) process.stdout.write(workflow);
    return { workflow };
  }
}
