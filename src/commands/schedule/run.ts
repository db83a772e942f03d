import * as Flags from '@oclif/core/flags';
import { runSchedules } from '../../app/schedule/run.js';
import { parseShard } from '../../app/shard/plan.js';
import type { ScheduleRunResult } from '../../app/schedule/run.js';
import { deliverRecordedSchedules } from '../../app/delivery/deliver.js';
import type { DeliveryResult } from '../../app/delivery/deliver.js';
import { InfracastCommand } from '../../cli/base-command.js';
import { formatDiagnostic } from '../../cli/print-diagnostics.js';
import { progressWriter } from '../../cli/progress.js';
import { ExitCode } from '../../errors.js';
import type { ExitCodeHelp } from '../../errors.js';

export default class ScheduleRun extends InfracastCommand {
  static override summary = 'Render what is due (infracast schedule due) and record each slot rendered, so it is never rendered again.';
  static override description = `Decides what is due at the instant (--at, else SOURCE_DATE_EPOCH, else now) as infracast schedule due does, renders only the definitions of the due schedules (an inline schedule renders its own definition) as infracast render does, with the instant as generated_at, then records each due schedule's slot in the state folder (schedules.jsonl: one line per schedule, sorted; commit it) once every definition it renders was rendered. A failed render records nothing: the next run tries the slot again while it is within its catch-up window. A slot rendered once is not rendered again by a late, repeated or manual run; missed slots (older than the catch-up window) are reported by infracast schedule due, never rendered late.

With --deliver, each schedule recorded by this run is then e-mailed to its recipients (infracast.yaml mail:, SMTP settings from INFRACAST_SMTP_HOST, INFRACAST_SMTP_PORT, INFRACAST_SMTP_SECURE, INFRACAST_SMTP_USER, INFRACAST_SMTP_PASSWORD or the variables mail: names) with its reports attached (too large ones are named), and each completed report is POSTed to the webhooks: of infracast.yaml. Every delivery is recorded in the state folder's deliveries.jsonl (commit it) and never sent twice. A rejected recipient or a failing webhook is a warning; an unreachable SMTP server or missing settings fail the command (exit 1) after the slots are recorded. See docs/delivery.md.

Run it on a tick (an hourly GitHub workflow: infracast schedule workflow) with one pinned instant per run.`;

  static override exitCodes: ExitCodeHelp = {
    0: 'everything due was rendered and recorded (or nothing was due)',
    1: 'invalid workspace, a due definition failed (its schedule is not recorded), or --deliver could not deliver (missing settings, SMTP server unreachable)',
    2: '',
    3: 'no Chrome or Chromium for PDF, no signing key, a full disk, another run holding the workspace',
  };

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %>', description: 'Render what is due now and record it.' },
    {
      command: '<%= config.bin %> <%= command.id %> --at 2027-03-15T11:17:00Z',
      description: 'A re-run of the 11:17 UTC sweep of that day: renders nothing already rendered.',
    },
    { command: '<%= config.bin %> <%= command.id %> --deliver', description: 'Render what is due, then e-mail it to the recipients and call the webhooks.' },
  ];

  static override flags = {
    workspace: Flags.string({ char: 'w', description: 'A path inside the workspace (default: the current directory).', helpValue: 'PATH' }),
    at: Flags.string({ description: 'The instant (YYYY-MM-DD or RFC 3339). Default: SOURCE_DATE_EPOCH, else now.', helpValue: 'INSTANT' }),
    shard: Flags.string({
      description:
        'Render only shard i of N (numbered from 0) of what is due, as infracast plan --scheduled cuts it; no slot is recorded: infracast merge records them (docs/sharding.md).',
      helpValue: 'i/N',
      exclusive: ['deliver'],
    }),
    deliver: Flags.boolean({
      description: 'Then e-mail what was recorded to its recipients (attached) and call the webhooks (docs/delivery.md).',
      default: false,
    }),
  };

  async run(): Promise<ScheduleRunResult & { delivery?: DeliveryResult }> {
    const { flags } = await this.parse(ScheduleRun);
    const progress = progressWriter(process.stderr, this.jsonEnabled());
    let result: ScheduleRunResult & { delivery?: DeliveryResult };
    try {
      result = await runSchedules({
        ...(flags.workspace ? { workspace: flags.workspace } : {}),
        ...(flags.at ? { at: flags.at } : {}),
        ...(flags.shard !== undefined ? { shard: parseShard(flags.shard) } : {}),
        onEvent: (event) => progress.event(event),
      });
    } finally {
      progress.done();
    }
    if (!this.jsonEnabled()) {
      for (const d of result.render?.diagnostics ?? []) process.stderr.write(`${formatDiagnostic(d)}\n`);
      for (const s of result.schedules) if (s.status !== 'due') this.log(`${s.name}: ${s.reason}`);
      for (const r of result.recorded) this.log(`${r.schedule}: rendered slot ${r.slot} and recorded it`);
      for (const f of result.failed)
        process.stderr.write(
          `${f.schedule}: slot ${f.slot} not recorded: ${f.definitions.join(', ')} failed (the next run tries again while the slot is within its catch-up window)\n`,
        );
      if (!result.render) this.log(`nothing due at ${result.at}`);
    }
    if (flags.deliver && result.recorded.length > 0) {
      result.delivery = await deliverRecordedSchedules(result, { onLog: (line) => (this.jsonEnabled() ? undefined : process.stderr.write(`${line}\n`)) });
    }
    if (result.render?.environmentError) process.exitCode = ExitCode.Environment;
    else if (!result.ok || result.delivery?.ok === false) process.exitCode = ExitCode.Failed;
    return result;
  }
}
