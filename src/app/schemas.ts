/** The JSON Schemas of the workspace kinds, for `infracast schema` and for editors. */
import { join } from 'node:path';
import { ExitCode, InfracastError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { didYouMean } from '../schema/suggest.js';
import { loadSchema, SCHEMA_NAMES } from '../schema/validate-schema.js';

export interface SchemaSummary {
  name: string;
  id: string;
  title: string;
  description: string;
}

/** Every schema, including the shared definitions the others refer to. */
export const ALL_SCHEMA_NAMES = [...SCHEMA_NAMES, 'common'] as const;

export function listSchemas(): SchemaSummary[] {
  return ALL_SCHEMA_NAMES.map((name) => {
    const schema = loadSchema(name);
    return { name, id: String(schema.$id), title: String(schema.title), description: String(schema.description) };
  });
}

export function getSchema(name: string): Record<string, unknown> {
  if (!(ALL_SCHEMA_NAMES as readonly string[]).includes(name)) {
    throw new InfracastError('SCHEMA_UNKNOWN', `no schema for kind '${name}'${didYouMean(name, ALL_SCHEMA_NAMES)}`, {
      exitCode: ExitCode.Usage,
      hints: [`Kinds: ${ALL_SCHEMA_NAMES.join(', ')}.`],
    });
  }
  return loadSchema(name);
}

/** Writes every schema as <dir>/<name>.schema.json (what editor modelines point at). */
export async function writeSchemas(dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const name of ALL_SCHEMA_NAMES) {
    const path = join(dir, `${name}.schema.json`);
    await writeFileAtomic(path, `${JSON.stringify(loadSchema(name), null, 2)}\n`);
    written.push(path);
  }
  return written;
}
