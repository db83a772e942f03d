import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { catalogShow } from '../../app/catalog-show.js';
import type { CatalogShowResult } from '../../app/catalog-show.js';
import { InfracastCommand } from '../../cli/base-command.js';
import { ExitCode, InfracastError } from '../../errors.js';
import type { ExitCodeHelp } from '../../errors.js';

const BASELINES = ['low', 'moderate', 'high'];

export default class CatalogShow extends InfracastCommand {
  static override summary = "List a framework's control ids and titles.";
  static override description = `The controls in scope of a framework, in catalog order, withdrawn ones left out: the ids to write in attestations, exceptions, control implementations and mappings (validate reports any other). Built-in frameworks: nist-800-53 (with --baseline, the SP 800-53B LOW, MODERATE or HIGH baseline), fedramp-low, fedramp-moderate, fedramp-high, fedramp-li-saas, nist-800-171, far-52204-21, cmmc-l1, cmmc-l2, pci-dss, soc2. A workspace's own catalogs (catalogs/*.yaml, or imported with infracast catalog import) are shown too, from the workspace around the current directory or --workspace.

Prints a table (id, title); --json gives the framework, its release and every control with its family.`;

  static override exitCodes: ExitCodeHelp = { 0: '', 1: 'unknown framework, or an unreadable workspace catalog', 2: '' };

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %> nist-800-171', description: 'The 110 requirements of NIST SP 800-171 Rev. 2.' },
    { command: '<%= config.bin %> <%= command.id %> nist-800-53 --baseline moderate', description: 'The SP 800-53 controls of the MODERATE baseline.' },
    { command: "<%= config.bin %> <%= command.id %> cmmc-l2 --json | jq -r '.controls[].id'", description: 'Only the ids.' },
  ];

  static override args = {
    framework: Args.string({ description: 'Framework id, e.g. nist-800-53, fedramp-moderate, nist-800-171, cmmc-l2, soc2.', required: true }),
  };

  static override flags = {
    baseline: Flags.string({
      description: 'nist-800-53 only: the SP 800-53B baseline to list (low, moderate or high, any case).',
      helpValue: 'LOW|MODERATE|HIGH',
      parse: async (value) => {
        const baseline = value.toLowerCase();
        if (BASELINES.includes(baseline)) return baseline;
        throw new InfracastError('USAGE', `Expected --baseline=${value} to be one of: LOW, MODERATE, HIGH`, { exitCode: ExitCode.Usage });
      },
    }),
    workspace: Flags.string({
      char: 'w',
      description: "A path inside the workspace, for the workspace's own catalogs (default: the current directory).",
      helpValue: 'PATH',
    }),
  };

  async run(): Promise<CatalogShowResult> {
    const { args, flags } = await this.parse(CatalogShow);
    const result = await catalogShow({
      framework: args.framework,
      ...(flags.baseline ? { baseline: flags.baseline as 'low' | 'moderate' | 'high' } : {}),
      ...(flags.workspace ? { workspace: flags.workspace } : {}),
    });
    if (!this.jsonEnabled()) this.log(toTable(result));
    return result;
  }
}

function toTable(result: CatalogShowResult): string {
  const baseline = result.baseline ? `, ${result.baseline.toUpperCase()} baseline` : '';
  const unverified = result.verified ? '' : ' (compiled by the Infracast team, not from an official machine-readable source)';
  const width = Math.max(2, ...result.controls.map((c) => c.id.length));
  return [
    `${result.name}${baseline}: ${result.count} control${result.count === 1 ? '' : 's'}, ${result.release}${unverified}`,
    '',
    `${'ID'.padEnd(width)}  TITLE`,
    ...result.controls.map((c) => `${c.id.padEnd(width)}  ${c.title}`),
  ].join('\n');
}
