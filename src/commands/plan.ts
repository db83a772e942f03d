import type { ExitCodeHelp } from '../errors.js';
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { MAX_SHARDS, planRun } from '../app/shard/plan.js';
import type { RunPlan } from '../app/shard/plan.js';
import { InfracastCommand } from '../cli/base-command.js';
import { ExitCode } from '../errors.js';
import { OUTPUT_FORMATS, REPORT_TYPES, DOCUMENT_TYPES } from '../model/definitions.js';
import type { OutputFormat } from '../model/definitions.js';

export default class Plan extends InfracastCommand {
  static override summary = 'Print what a run renders and how it is cut into shards: the matrix of a sharded GitHub Actions run.';
  static override description = `The deterministic list of definitions a run renders at one instant: every selected definition for a render (the same paths, --only and --format as infracast render), or what the schedules make due for a scheduled run (--scheduled). Each definition is given to a shard: its position in the list modulo the shard count (round-robin). infracast render --shard i/N and infracast schedule run --shard i/N render one share of the same list; infracast merge puts the shards back together as one render would have written them. See docs/sharding.md.

--json prints the plan: now (the instant every shard must be given with --at), the definitions with their shard, shards (the count), matrix ({"now": [now], "shard": [0, ..., N-1]}, for strategy.matrix with fromJSON) and paths (the output and state folders a shard's artifact holds, relative to the workspace). Nothing due: shards 0 and an empty matrix (skip the shard jobs).`;

  static override exitCodes: ExitCodeHelp = {
    0: 'the plan was printed',
    1: 'invalid workspace (nothing can be rendered)',
    2: `the command line is wrong (--shards outside 1 to ${MAX_SHARDS}, nothing selected)`,
    3: '',
  };

  static override args = {
    paths: Args.string({
      description: 'Definition files, quoted globs or the workspace folder (default: the workspace around the current directory).',
      required: false,
    }),
  };
  static override strict = false;

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %> --json', description: 'The plan of a render of every definition, at most 256 shards.' },
    { command: '<%= config.bin %> <%= command.id %> --shards 3 --at 2026-11-29T12:00:00Z', description: 'Three shards at a pinned instant.' },
    { command: '<%= config.bin %> <%= command.id %> --scheduled --json', description: 'What is due now, as a matrix.' },
  ];

  static override flags = {
    scheduled: Flags.boolean({
      description: 'Plan a scheduled run: the definitions the schedules make due at the instant (infracast schedule run).',
      default: false,
    }),
    shards: Flags.integer({
      description: `Exactly this many shards (1 to ${MAX_SHARDS}).`,
      min: 1,
      max: MAX_SHARDS,
      helpValue: 'N',
      exclusive: ['max-shards'],
    }),
    'max-shards': Flags.integer({
      description: `At most this many shards (default ${MAX_SHARDS}, the matrix limit); the plan makes one per 10 definitions up to it.`,
      min: 1,
      max: MAX_SHARDS,
      helpValue: 'N',
    }),
    at: Flags.string({ description: 'The run instant (YYYY-MM-DD or RFC 3339). Default: SOURCE_DATE_EPOCH, else now.', helpValue: 'INSTANT' }),
    only: Flags.string({
      description: 'Only definitions of this type (repeatable), as render --only.',
      options: [...new Set([...REPORT_TYPES, ...DOCUMENT_TYPES])],
      multiple: true,
      helpValue: 'TYPE',
    }),
    format: Flags.string({
      description: 'As render --format (a definition whose type has none of them is left out).',
      options: [...OUTPUT_FORMATS],
      multiple: true,
      helpValue: 'FORMAT',
    }),
  };

  async run(): Promise<RunPlan> {
    const { argv, flags } = await this.parse(Plan);
    const plan = await planRun({
      paths: argv as string[],
      scheduled: flags.scheduled,
      ...(flags.shards !== undefined ? { shards: flags.shards } : {}),
      ...(flags['max-shards'] !== undefined ? { maxShards: flags['max-shards'] } : {}),
      ...(flags.at ? { at: flags.at } : {}),
      ...(flags.only ? { only: flags.only } : {}),
      ...(flags.format ? { formats: flags.format as OutputFormat[] } : {}),
    });
    if (!plan.ok) {
      if (!this.jsonEnabled()) process.stderr.write('invalid workspace: nothing can be planned (run infracast validate for the details)\n');
      process.exitCode = ExitCode.Failed;
      return plan;
    }
    if (!this.jsonEnabled()) {
      if (plan.definitions.length === 0) this.log(`nothing due at ${plan.now}: no shard to run`);
      else {
        const width = Math.max(...plan.definitions.map((d) => d.name.length));
        for (const d of plan.definitions) this.log(`${String(d.shard).padStart(3)}  ${d.name.padEnd(width)}  ${d.type}`);
        this.log(
          `\n${plan.definitions.length} definitions in ${plan.shards} shard(s) at ${plan.now}: render each with --shard i/${plan.shards} --at ${plan.now}`,
        );
      }
    }
    return plan;
  }
}
