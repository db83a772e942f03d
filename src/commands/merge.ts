import type { ExitCodeHelp } from '../errors.js';
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { mergeShards } from '../app/shard/merge.js';
import type { MergeResult } from '../app/shard/merge.js';
import { deliverRecordedSchedules } from '../app/delivery/deliver.js';
import type { DeliveryResult } from '../app/delivery/deliver.js';
import { InfracastCommand } from '../cli/base-command.js';
import { displayPath } from '../cli/print-diagnostics.js';
import { ExitCode } from '../errors.js';

export default class Merge extends InfracastCommand {
  static override summary = 'Merge the shards of one sharded run (render --shard, schedule run --shard) into the workspace, as one render would have left it.';
  static override description = `Each folder is one shard's artifact: the workspace's output folder and state folder as infracast render --shard i/N (or schedule run --shard) left them, with the shard's record (state folder/shard.json). The merge checks the folders are every shard of one run (the same instant, count and list, each once), then, in one transaction under the workspace's lock: swaps in each definition folder a shard published, writes out/index.json with every shard's items, appends the run log lines the shards added (in one run's order), takes the history snapshots and the POA&M store (every shard computes the same whole-run store, so the ids agree; two shards that disagree stop the merge, nothing written), each definition's signature records, and for a scheduled run records each schedule whose definitions all completed, on whichever shards. The result is byte for byte what one render of the whole list writes. See docs/sharding.md.

With --deliver (a scheduled run), each schedule recorded is then e-mailed and sent to the webhooks as schedule run --deliver does.`;

  static override exitCodes: ExitCodeHelp = {
    0: 'merged; every definition of the run completed',
    1: 'merged, but a definition failed in its shard (as render exits 1), or --deliver could not deliver; or two shards wrote a state file differently (nothing merged)',
    2: 'the folders are not every shard of one run (missing, repeated, another instant or list), or not shard folders',
    3: 'another run holds the workspace, a full disk or read-only folder',
  };

  static override args = {
    folders: Args.string({ description: 'The shard folders (one per shard, e.g. shards/*).', required: true }),
  };
  static override strict = false;

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %> shards/*', description: 'Merge every downloaded shard artifact into the current workspace.' },
    { command: '<%= config.bin %> <%= command.id %> shards/* --deliver', description: 'A scheduled run: merge, then e-mail what was recorded.' },
  ];

  static override flags = {
    workspace: Flags.string({ char: 'w', description: 'A path inside the workspace to merge into (default: the current directory).', helpValue: 'PATH' }),
    deliver: Flags.boolean({ description: 'Then e-mail what a scheduled run recorded and call the webhooks (docs/delivery.md).', default: false }),
    wait: Flags.integer({ description: 'Wait up to this many seconds for another run holding the workspace.', min: 0, helpValue: 'SECONDS' }),
  };

  async run(): Promise<MergeResult & { delivery?: DeliveryResult }> {
    const { argv, flags } = await this.parse(Merge);
    const result: MergeResult & { delivery?: DeliveryResult } = await mergeShards({
      folders: argv as string[],
      ...(flags.workspace ? { workspace: flags.workspace } : {}),
      ...(flags.wait !== undefined ? { waitSeconds: flags.wait } : {}),
    });
    if (!this.jsonEnabled()) {
      const { render } = result;
      for (const r of render.reports.filter((x) => x.status === 'failed')) process.stderr.write(`${r.definition}: FAILED: ${r.error?.message ?? 'failed'}\n`);
      for (const r of result.scheduled?.recorded ?? []) this.log(`${r.schedule}: slot ${r.slot} recorded`);
      for (const f of result.scheduled?.failed ?? []) process.stderr.write(`${f.schedule}: slot ${f.slot} not recorded: ${f.definitions.join(', ')} failed\n`);
      this.log(
        `merged ${result.shards} shard(s) of ${result.generatedAt} into ${displayPath(result.outDir)}: ${render.reports.length - render.failed} of ${render.reports.length} definitions rendered; ` +
          `${result.state.written.length} state file(s) written, ${result.state.unchanged} unchanged`,
      );
    }
    if (flags.deliver && result.scheduled && result.scheduled.recorded.length > 0)
      result.delivery = await deliverRecordedSchedules(result.scheduled, {
        onLog: (line) => (this.jsonEnabled() ? undefined : process.stderr.write(`${line}\n`)),
      });
    if (!result.ok || result.delivery?.ok === false) process.exitCode = ExitCode.Failed;
    return result;
  }
}
