import type { ExitCodeHelp } from '../../errors.js';
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { sspImport } from '../../app/ssp-import.js';
import type { SspImportResult } from '../../app/ssp-import.js';
import { InfracastCommand } from '../../cli/base-command.js';

/** What `--json` prints. */
export interface SspImportJson {
  title: string;
  oscal_version: string;
  dry_run: boolean;
  counts: { implemented_requirements: number; statements: number; by_components: number; set_parameters: number };
  written: { control: string; file: string; format: string }[];
  skipped: { control: string; file: string; reason: string }[];
  components: { title: string; type: string; id: string; in_inventory: boolean }[];
  not_imported: string[];
  system: Record<string, unknown>;
}

export default class SspImport extends InfracastCommand {
  static override summary = 'Import an OSCAL system security plan (JSON, OSCAL 1.0.x or 1.1.x) into controls/ and print its system: facts.';
  static override description = `Writes one control statement per implemented requirement (controls/<id>.md, or .yaml with --format yaml): status, origination, planned completion date and remarks from the FedRAMP props (else the core implementation-status), responsible roles, set-parameters, and the text of every statement part, the "this-system" component's as the system's text and any other component's under its inventory id (the inventory component of the same name or slugged title, else the slugged title).

The SSP's system facts (name, id, description, FIPS 199 level, status, boundary, information types, roles) are printed as a system: block for infracast.yaml, which is never edited.

Existing statements are never overwritten; --force replaces a control's own file (controls/ac-2.md), never a file holding several statements. OSCAL XML is not read: convert it to JSON first.`;

  static override exitCodes: ExitCodeHelp = { 0: 'imported', 1: 'not an OSCAL SSP, an unsupported OSCAL version, a control not in the framework', 2: 'usage' };

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %> ssp.json', description: 'Import as Markdown statements; print the system: block.' },
    { command: '<%= config.bin %> <%= command.id %> ssp.json --format yaml --dry-run --json', description: 'What would be written, machine-readable.' },
  ];

  static override args = { file: Args.string({ description: 'OSCAL SSP, JSON.', required: true }) };

  static override flags = {
    framework: Flags.string({ description: 'Framework the statements are written against.', default: 'nist-800-53', options: ['nist-800-53', 'nist-800-171'] }),
    format: Flags.string({ description: 'md (front matter + headings) or yaml.', options: ['md', 'yaml'], default: 'md' }),
    dir: Flags.string({ description: "Folder inside the workspace's controls/ to write to.", default: 'controls', helpValue: 'DIR' }),
    force: Flags.boolean({ description: "Replace a control's own statement file." }),
    'dry-run': Flags.boolean({ description: 'Print what would be written; write nothing.' }),
    workspace: Flags.string({ description: 'Workspace folder (default: walk up from the current directory to infracast.yaml).', helpValue: 'DIR' }),
  };

  async run(): Promise<SspImportJson> {
    const { args, flags } = await this.parse(SspImport);
    const result = await sspImport({
      file: args.file,
      framework: flags.framework,
      format: flags.format as 'md' | 'yaml',
      dir: flags.dir,
      force: flags.force,
      dryRun: flags['dry-run'],
      ...(flags.workspace ? { workspace: flags.workspace } : {}),
    });
    const json = toJson(result);
    if (!this.jsonEnabled()) this.printHuman(result, json);
    return json;
  }

  private printHuman(result: SspImportResult, json: SspImportJson): void {
    const verb = json.dry_run ? 'would write' : 'wrote';
    for (const entry of json.written) this.log(`${verb} ${entry.file}`);
    for (const entry of json.skipped) this.log(`skipped ${entry.control}: ${entry.reason} (${entry.file})`);
    const c = json.counts;
    this.log(
      `${json.title} (OSCAL ${json.oscal_version}): ${c.implemented_requirements} implemented requirements, ${c.statements} statements, ${c.by_components} by-components, ${c.set_parameters} set-parameters`,
    );
    for (const component of json.components.filter((x) => !x.in_inventory))
      this.log(`  component "${component.title}" (${component.type}) -> ${component.id}: not in the inventory`);
    for (const note of json.not_imported) this.log(`  not imported: ${note}`);
    this.log('\nsystem: facts for infracast.yaml (not written; merge by hand):\n');
    this.log(result.systemYaml.trimEnd());
  }
}

function toJson(r: SspImportResult): SspImportJson {
  return {
    title: r.title,
    oscal_version: r.oscalVersion,
    dry_run: r.dryRun,
    counts: {
      implemented_requirements: r.counts.implementedRequirements,
      statements: r.counts.statements,
      by_components: r.counts.byComponents,
      set_parameters: r.counts.setParameters,
    },
    written: r.written.map((e) => ({ control: e.control, file: e.file, format: e.format ?? 'md' })),
    skipped: r.skipped.map((e) => ({ control: e.control, file: e.file, reason: e.reason ?? '' })),
    components: r.components.map((c) => ({ title: c.title, type: c.type, id: c.id, in_inventory: c.inInventory })),
    not_imported: r.notes,
    system: r.system,
  };
}
