import * as Flags from '@oclif/core/flags';
import { listHistory } from '../app/listing.js';
import type { HistorySnapshot } from '../model/history.js';
import { InfracastCommand } from '../cli/base-command.js';

const percent = (value: number | null): string => (value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`);

export default class History extends InfracastCommand {
  static override summary = 'The history snapshots of the workspace state: score, coverage and failing controls per run, newest first.';
  static override description = `Each render of a framework, gap or executive report stores one snapshot per framework in the state folder (.infracast/history/<definition>/<framework>/<generated_at>.json): counts, score, coverage, SPRS score and failing controls. Trends and "changed since the previous run" in reports come from these. --json prints the snapshots as stored.`;

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %>', description: 'Every snapshot of the current workspace.' },
    {
      command: '<%= config.bin %> <%= command.id %> --definition nist-800-171-gap-analysis --limit 12',
      description: 'The last twelve runs of one definition.',
    },
  ];

  static override flags = {
    workspace: Flags.string({ char: 'w', description: 'A path inside the workspace (default: the current directory).', helpValue: 'PATH' }),
    definition: Flags.string({ char: 'd', description: 'Only this definition (its output name, as under out/).', helpValue: 'NAME' }),
    limit: Flags.integer({ description: 'At most this many snapshots.', min: 1, helpValue: 'N' }),
  };

  async run(): Promise<{ snapshots: HistorySnapshot[]; total: number }> {
    const { flags } = await this.parse(History);
    const result = await listHistory({
      ...(flags.workspace ? { workspace: flags.workspace } : {}),
      ...(flags.definition ? { definition: flags.definition } : {}),
      ...(flags.limit ? { limit: flags.limit } : {}),
    });
    if (!this.jsonEnabled()) {
      if (result.snapshots.length === 0) this.log('no history yet: render a framework, gap or executive report');
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
