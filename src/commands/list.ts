import * as Flags from '@oclif/core/flags';
import { listArtifacts } from '../app/listing.js';
import type { IndexItem } from '../app/publish.js';
import { InfracastCommand } from '../cli/base-command.js';
import { humanSize } from '../cli/progress.js';

export default class List extends InfracastCommand {
  static override summary = 'List the rendered artifacts (out/index.json), newest first.';
  static override description = `Prints out/index.json, the Reports API's "List reports": one item per artifact with its id, type, framework, format, status (completed or failed), size, sha256, times and definition file. --json prints the items as the index holds them.`;

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %>', description: 'Artifacts of the current workspace.' },
    { command: '<%= config.bin %> <%= command.id %> -w examples/acme --limit 5 --json', description: 'The five newest, as JSON.' },
  ];

  static override flags = {
    workspace: Flags.string({ char: 'w', description: 'A path inside the workspace (default: the current directory).', helpValue: 'PATH' }),
    out: Flags.string({ description: "Output folder (default: the workspace's output:, out/).", helpValue: 'DIR' }),
    limit: Flags.integer({ description: 'At most this many items.', min: 1, helpValue: 'N' }),
  };

  async run(): Promise<{ items: IndexItem[]; total: number }> {
    const { flags } = await this.parse(List);
    const { items, total } = await listArtifacts({
      ...(flags.workspace ? { workspace: flags.workspace } : {}),
      ...(flags.out ? { out: flags.out } : {}),
      ...(flags.limit ? { limit: flags.limit } : {}),
    });
    if (!this.jsonEnabled()) {
      if (items.length === 0) this.log('no artifacts yet: run infracast render');
      for (const item of items) {
        const size = item.status === 'completed' ? humanSize(item.size_bytes) : 'FAILED';
        this.log(`${item.completed_at}  ${item.id}  ${item.type.padEnd(12)} ${item.format.padEnd(5)} ${size.padStart(9)}  ${item.path ?? item.error ?? ''}`);
      }
      if (items.length < total) this.log(`(${total - items.length} more; --limit shows more)`);
    }
    return { items, total };
  }
}
