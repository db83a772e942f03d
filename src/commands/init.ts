import type { ExitCodeHelp } from '../errors.js';
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { init, INIT_EXAMPLES } from '../app/init.js';
import { InfracastCommand } from '../cli/base-command.js';
import { displayPath } from '../cli/print-diagnostics.js';

export default class Init extends InfracastCommand {
  static override summary = 'Create a workspace: infracast.yaml, one definition of each common kind, and the schemas for your editor.';
  static override description = `Scaffolds a working workspace in DIR (default: the current folder) that \`infracast validate\` accepts. Every YAML file starts with a yaml-language-server modeline pointing at .infracast/schemas/, so editors offer completion and hover documentation. Existing files are never overwritten.

Use --example acme to copy the full Acme Corp example instead (FedRAMP Moderate and DoD, hundreds of findings).`;

  static override exitCodes: ExitCodeHelp = { 0: 'the workspace was created', 1: 'a file it would write already exists', 2: '' };

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %> compliance', description: 'Create a workspace in ./compliance.' },
    { command: '<%= config.bin %> <%= command.id %> --tenant "Acme Corp"', description: 'Create one here, for your organisation.' },
    { command: '<%= config.bin %> <%= command.id %> demo --example acme', description: 'Copy the full example workspace.' },
  ];

  static override args = {
    dir: Args.string({ description: 'Folder to create the workspace in (created if missing).', default: '.' }),
  };

  static override flags = {
    tenant: Flags.string({ description: 'Organisation display name (sets tenant id and name, and company_name).', helpValue: 'NAME' }),
    example: Flags.string({ description: 'Which scaffold to copy.', options: [...INIT_EXAMPLES], default: 'starter' }),
  };

  async run(): Promise<{ root: string; files: string[] }> {
    const { args, flags } = await this.parse(Init);
    const result = await init({ dir: args.dir, example: flags.example as (typeof INIT_EXAMPLES)[number], ...(flags.tenant ? { tenant: flags.tenant } : {}) });
    const json = { root: displayPath(result.root), files: result.files.map((f) => displayPath(f)) };
    this.log(`Created workspace ${json.root} (${json.files.length} files).`);
    this.log(`Next: infracast validate ${json.root === '.' ? '' : json.root}`.trimEnd());
    return json;
  }
}
