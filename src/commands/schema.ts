import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { ALL_SCHEMA_NAMES, getSchema, listSchemas, writeSchemas } from '../app/schemas.js';
import type { SchemaSummary } from '../app/schemas.js';
import { InfracastCommand } from '../cli/base-command.js';
import { displayPath } from '../cli/print-diagnostics.js';

export default class Schema extends InfracastCommand {
  static override summary = 'Print the JSON Schema of a workspace kind, or list them.';
  static override description = `Every YAML kind has a JSON Schema (draft 2020-12) with a stable $id, titles and descriptions. Editors using yaml-language-server give completion and hover docs from a first-line modeline:

  # yaml-language-server: $schema=../.infracast/schemas/report.schema.json

Kinds: ${ALL_SCHEMA_NAMES.join(', ')}. With no kind, lists them. --out DIR writes them all (what \`infracast init\` puts in .infracast/schemas).`;

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %>', description: 'List the kinds and their schema ids.' },
    { command: '<%= config.bin %> <%= command.id %> report', description: 'Print the report definition schema.' },
    { command: '<%= config.bin %> <%= command.id %> --out .infracast/schemas', description: 'Refresh the schemas your editor uses.' },
  ];

  static override args = {
    kind: Args.string({ description: `One of: ${ALL_SCHEMA_NAMES.join(', ')}.`, required: false }),
  };

  static override flags = {
    out: Flags.string({ description: 'Write every schema into this folder as <kind>.schema.json.', helpValue: 'DIR' }),
  };

  async run(): Promise<Record<string, unknown> | SchemaSummary[] | { written: string[] }> {
    const { args, flags } = await this.parse(Schema);
    if (flags.out) {
      const written = (await writeSchemas(flags.out)).map((f) => displayPath(f));
      if (!this.jsonEnabled()) for (const file of written) this.log(file);
      return { written };
    }
    if (args.kind) {
      const schema = getSchema(args.kind);
      if (!this.jsonEnabled()) this.log(JSON.stringify(schema, null, 2));
      return schema;
    }
    const list = listSchemas();
    if (!this.jsonEnabled()) for (const s of list) this.log(`${s.name.padEnd(12)} ${s.id}\n${' '.repeat(13)}${s.title}`);
    return list;
  }
}
