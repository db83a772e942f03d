import type { ExitCodeHelp } from '../../errors.js';
import * as Flags from '@oclif/core/flags';
import { resolveInstant } from '../../app/instant.js';
import { SCAFFOLD_FRAMEWORKS, sspScaffold } from '../../app/ssp-scaffold.js';
import type { ScaffoldResult } from '../../app/ssp-scaffold.js';
import { InfracastCommand } from '../../cli/base-command.js';

/** What `--json` prints. */
export interface SspScaffoldJson {
  framework: string;
  baseline?: string;
  controls: number;
  dry_run: boolean;
  written: { control: string; file: string; format: string }[];
  skipped: { control: string; file: string; reason: string }[];
}

export default class SspScaffold extends InfracastCommand {
  static override summary = 'Write a stub control statement for every baseline control that has none yet (controls/<id>.md).';
  static override description = `One file per control, in the Markdown form (front matter, then one "## Part a" heading per part) or as YAML: the control's title, its parameters (FedRAMP's assignment where FedRAMP sets one, else TODO with the catalog's label), one TODO per part, status planned with a planned completion date a year ahead and a TODO remark. Stubs are valid; validate warns on every statement that still says TODO.

Never overwrites: a control with a statement in any file of controls/ (YAML or Markdown, valid or not) is skipped, and so is a control whose file name is taken. Running it again writes nothing new.`;

  static override exitCodes: ExitCodeHelp = {
    0: 'stubs written (or none needed)',
    1: 'no workspace',
    2: 'unknown framework or baseline, --dir outside controls/',
  };

  static override examples = [
    {
      command: '<%= config.bin %> <%= command.id %> --framework fedramp-moderate',
      description: 'Stubs for the 323 FedRAMP Moderate controls that have no statement.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --framework nist-800-53 --baseline low --format yaml --dry-run',
      description: 'What would be written, as YAML.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --framework fedramp-low --component okta --dir controls/okta',
      description: "Stubs asking for one component's text per part.",
    },
  ];

  static override flags = {
    framework: Flags.string({ description: "The SSP's framework.", options: [...SCAFFOLD_FRAMEWORKS], required: true }),
    baseline: Flags.string({ description: 'SP 800-53B baseline (nist-800-53 only).', options: ['low', 'moderate', 'high'] }),
    component: Flags.string({
      description: "Ask for this inventory component's text per part (### Component NAME) instead of the system's.",
      helpValue: 'NAME',
    }),
    format: Flags.string({ description: 'md (front matter + headings) or yaml.', options: ['md', 'yaml'], default: 'md' }),
    dir: Flags.string({ description: "Folder inside the workspace's controls/ to write to.", default: 'controls', helpValue: 'DIR' }),
    'dry-run': Flags.boolean({ description: 'Print what would be written; write nothing.' }),
    workspace: Flags.string({ description: 'Workspace folder (default: walk up from the current directory to infracast.yaml).', helpValue: 'DIR' }),
    at: Flags.string({
      description: 'The run instant (YYYY-MM-DD or RFC 3339); stubs are due a year later. Default: SOURCE_DATE_EPOCH, else now.',
      helpValue: 'DATE',
    }),
  };

  async run(): Promise<SspScaffoldJson> {
    const { flags } = await this.parse(SspScaffold);
    const result = await sspScaffold({
      framework: flags.framework,
      ...(flags.baseline ? { baseline: flags.baseline } : {}),
      ...(flags.component ? { component: flags.component } : {}),
      format: flags.format as 'md' | 'yaml',
      dir: flags.dir,
      dryRun: flags['dry-run'],
      ...(flags.workspace ? { workspace: flags.workspace } : {}),
      at: resolveInstant(flags.at),
    });
    const json = toJson(result);
    if (!this.jsonEnabled()) this.printHuman(json);
    return json;
  }

  private printHuman(json: SspScaffoldJson): void {
    const verb = json.dry_run ? 'would write' : 'wrote';
    for (const entry of json.written) this.log(`${verb} ${entry.file}`);
    for (const entry of json.skipped) this.log(`skipped ${entry.control}: ${entry.reason} (${entry.file})`);
    const baseline = json.baseline ? ` ${json.baseline}` : '';
    this.log(
      `${json.framework}${baseline}: ${json.controls} controls; ${json.written.length} ${verb === 'wrote' ? 'written' : 'to write'}, ${json.skipped.length} skipped`,
    );
  }
}

function toJson(r: ScaffoldResult): SspScaffoldJson {
  return {
    framework: r.framework,
    ...(r.baseline ? { baseline: r.baseline } : {}),
    controls: r.controls,
    dry_run: r.dryRun,
    written: r.written.map((e) => ({ control: e.control, file: e.file, format: e.format ?? 'md' })),
    skipped: r.skipped.map((e) => ({ control: e.control, file: e.file, reason: e.reason ?? '' })),
  };
}
