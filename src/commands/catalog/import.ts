import type { ExitCodeHelp } from '../../errors.js';
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { catalogImport } from '../../app/catalog-import.js';
import type { CatalogImportResult } from '../../app/catalog-import.js';
import { InfracastCommand } from '../../cli/base-command.js';
import { displayPath } from '../../cli/print-diagnostics.js';

/** What `--json` prints. */
export interface CatalogImportJson {
  id: string;
  written: string;
  kind: 'catalog' | 'profile';
  title: string;
  version?: string;
  oscal_version?: string;
  controls: number;
  withdrawn: number;
  parameters: number;
  parameters_with_values: number;
  parameters_set: number;
  parameters_unmatched: string[];
  missing_ids: string[];
  alters_unmatched: string[];
  adds_applied: number;
  adds_unmatched: number;
  removes_applied: number;
  sources: { file: string; sha256: string; kind: string }[];
}

export default class CatalogImport extends InfracastCommand {
  static override summary = 'Import an OSCAL catalog or profile (JSON or XML) into the workspace as catalogs/<id>.json.';
  static override description = `Infracast ships control facts (ids, titles, families, baselines), not the official statements and parameters. This command loads them from any OSCAL catalog or profile, OSCAL 1.0.x or 1.1.x, JSON or XML, and writes catalogs/<id>.json: every control with its canonical id, title, family, parameters with their resolved values, statement parts and the withdrawn flag, plus the title, version, OSCAL version and the sha256 of every file read.

A profile is resolved first (imports with include-all, include-controls with ids, patterns and child controls, exclude-controls; as-is or flat merge; set-parameters; alters). Imports are never fetched from the network: "#uuid" hrefs go through the back-matter, relative hrefs resolve against the profile's folder, and remote ones need --catalog FILE (used for every catalog import) or --href URL=FILE. A profile may import another profile.

The workspace is found by walking up from the current directory, or given with --workspace. Re-importing with the same id replaces the file (atomically).

Set-parameters or alters that name parameters or parts the imported catalog lacks (a profile written for a newer catalog release) are reported, never silently dropped.`;

  static override exitCodes: ExitCodeHelp = {
    0: 'imported',
    1: 'invalid input: not OSCAL, unreadable, no workspace',
    2: '',
    3: 'an import href cannot be resolved offline (CATALOG_HREF_UNRESOLVED)',
  };

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %> NIST_SP-800-53_rev5_catalog.json --id nist-800-53', description: 'Import the NIST SP 800-53 catalog.' },
    {
      command: '<%= config.bin %> <%= command.id %> FedRAMP_rev5_LOW-baseline_profile.json --catalog NIST_SP-800-53_rev5_catalog.json --id fedramp-low',
      description: 'Resolve the FedRAMP Low profile against a local copy of the catalog it imports.',
    },
    {
      command:
        '<%= config.bin %> <%= command.id %> profile.xml --href https://raw.githubusercontent.com/usnistgov/oscal-content/v1.2.0/nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json=catalog.json',
      description: 'Map a remote import href to a local file.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> FedRAMP_rev5_MODERATE-baseline-resolved-profile_catalog.xml --json',
      description: 'Machine-readable summary.',
    },
  ];

  static override args = {
    file: Args.string({ description: 'OSCAL catalog or profile, JSON or XML.', required: true }),
  };

  static override flags = {
    id: Flags.string({ description: 'Name of the imported catalog (catalogs/<id>.json). Default: the slugged metadata title.', helpValue: 'ID' }),
    catalog: Flags.string({
      description: "Local OSCAL catalog to use for every catalog a profile imports (the profile's own href is not fetched).",
      helpValue: 'FILE',
    }),
    href: Flags.string({ description: 'Resolve an import href offline: URL=FILE. Repeatable.', helpValue: 'URL=FILE', multiple: true }),
    workspace: Flags.string({ description: 'Workspace folder (default: walk up from the current directory to infracast.yaml).', helpValue: 'DIR' }),
  };

  async run(): Promise<CatalogImportJson> {
    const { args, flags } = await this.parse(CatalogImport);
    const result = await catalogImport({
      file: args.file,
      ...(flags.id ? { id: flags.id } : {}),
      ...(flags.catalog ? { catalog: flags.catalog } : {}),
      ...(flags.href ? { hrefs: flags.href } : {}),
      ...(flags.workspace ? { workspace: flags.workspace } : {}),
    });
    const json = toJson(result);
    if (!this.jsonEnabled()) this.printHuman(json);
    return json;
  }

  private printHuman(json: CatalogImportJson): void {
    const version = json.version ? ` ${json.version}` : '';
    this.log(`Imported ${json.kind} "${json.title}"${version} -> ${json.written}`);
    this.log(`  controls: ${json.controls} (${json.withdrawn} withdrawn)`);
    this.log(`  parameters: ${json.parameters} (${json.parameters_with_values} with a value or constraint)`);
    if (json.kind === 'profile') {
      this.log(`  set-parameters applied: ${json.parameters_set}; alters: ${json.adds_applied} adds, ${json.removes_applied} removals`);
      const warn = (text: string): boolean => process.stderr.write(`  warning: ${text}\n`);
      const sample = (ids: string[]): string => `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''}`;
      if (json.parameters_unmatched.length > 0)
        warn(
          `${json.parameters_unmatched.length} set-parameters name parameters the imported catalog lacks (${sample(json.parameters_unmatched)}); the profile may target another catalog release`,
        );
      if (json.missing_ids.length > 0) warn(`${json.missing_ids.length} selected ids are not in the imported catalog (${sample(json.missing_ids)})`);
      if (json.alters_unmatched.length > 0) warn(`${json.alters_unmatched.length} alters name controls not in the result (${sample(json.alters_unmatched)})`);
      if (json.adds_unmatched > 0) warn(`${json.adds_unmatched} adds target part ids the imported catalog lacks`);
      for (const s of json.sources.slice(1)) this.log(`  imported ${s.kind} ${s.file}`);
    }
  }
}

function toJson(r: CatalogImportResult): CatalogImportJson {
  return {
    id: r.id,
    written: displayPath(r.path),
    kind: r.kind,
    title: r.title,
    ...(r.version !== undefined ? { version: r.version } : {}),
    ...(r.oscalVersion !== undefined ? { oscal_version: r.oscalVersion } : {}),
    controls: r.controls,
    withdrawn: r.withdrawn,
    parameters: r.parameters,
    parameters_with_values: r.parametersWithValues,
    parameters_set: r.parametersSet,
    parameters_unmatched: r.parametersUnmatched,
    missing_ids: r.missingIds,
    alters_unmatched: r.altersUnmatched,
    adds_applied: r.addsApplied,
    adds_unmatched: r.addsUnmatched,
    removes_applied: r.removesApplied,
    sources: r.sources.map((s) => ({ ...s, file: displayPath(s.file) })),
  };
}
