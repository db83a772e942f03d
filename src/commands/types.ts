import * as Flags from '@oclif/core/flags';
import { listTypes, TYPE_CATEGORIES, typesTable } from '../app/types.js';
import type { TypeCategory, TypesListing } from '../app/types.js';
import { InfracastCommand } from '../cli/base-command.js';
import { chosenOutput, outputFlag } from '../cli/output-choice.js';
import type { ExitCodeHelp } from '../errors.js';

export default class Types extends InfracastCommand {
  static override summary = 'The report and document types: what each is, its formats and frameworks, and whether this version renders it.';
  static override description = `Lists the types a definition's type: can name, from the table validate enforces (a type's frameworks and formats) and render builds from.

--category document (the default) is the Reports API's "List Document Types" (GET /documents/types) and far-dfars its "Listing Available FAR/DFARS Report Types" (?category=far-dfars, the report_subtype values of type far-dfars-compliance): the JSON has exactly the spec's keys, in its order. --category report is Infracast's own: the spec's Report Types (id, description, audience) with a name and the formats; every report type takes any framework, built in or in the workspace's catalogs/. The values are Infracast's: its formats (md, json, oscal...) are a superset of the spec's examples, and so are its frameworks.

A table on a terminal, JSON when piped (or with --json or -o json); the table marks the types this version does not render yet (validate checks their definitions; render reports them as failed).`;

  static override exitCodes: ExitCodeHelp = { 0: '', 2: 'an unknown --category or --output' };

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %>', description: 'The document types (ssp, poam, sar, architecture-diagram, far-dfars-compliance).' },
    { command: '<%= config.bin %> <%= command.id %> --category far-dfars --json', description: 'The FAR/DFARS report types in the Reports API shape.' },
    { command: '<%= config.bin %> <%= command.id %> --category report -o table', description: 'The report types, as a table even when piped.' },
  ];

  static override flags = {
    category: Flags.string({
      char: 'c',
      description: 'document: the document types; far-dfars: the FAR/DFARS report types (report_subtype); report: the report types.',
      options: [...TYPE_CATEGORIES],
      default: 'document',
    }),
    output: outputFlag,
  };

  async run(): Promise<TypesListing> {
    const { flags } = await this.parse(Types);
    const category = flags.category as TypeCategory;
    const result = listTypes(category);
    if (!this.jsonEnabled()) {
      this.log(chosenOutput(flags.output) === 'table' ? typesTable(category) : JSON.stringify(result, null, 2));
    }
    return result;
  }
}
