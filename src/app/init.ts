/**
 * `infracast init`: copies a workspace scaffold (examples/starter, or a named example) into a
 * folder, with the JSON Schemas in .infracast/schemas and every file's editor modeline pointing
 * at them. Never overwrites a file.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ExitCode, InfracastError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { packageRoot } from '../io/package-root.js';
import { CONFIG_FILE } from '../io/workspace.js';
import { slugify } from '../schema/rules.js';
import { writeSchemas } from './schemas.js';

export const INIT_EXAMPLES = ['starter', 'acme'] as const;

export interface InitOptions {
  dir: string;
  /** Which example to copy. Default starter. */
  example?: (typeof INIT_EXAMPLES)[number];
  /** Organisation display name; sets tenant id and name (starter only). */
  tenant?: string;
}

export interface InitResult {
  root: string;
  files: string[];
}

const MODELINE = /^# yaml-language-server: \$schema=\S*?([a-z]+\.schema\.json)$/m;

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'out' || entry.name === '.dev-keys') continue; // outputs and keys are never scaffolded
      out.push(...(await listFiles(full)));
    } else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

export async function init(options: InitOptions): Promise<InitResult> {
  const root = resolve(options.dir);
  const source = join(packageRoot(), 'examples', options.example ?? 'starter');
  try {
    await lstat(join(root, CONFIG_FILE));
    throw new InfracastError('TARGET_EXISTS', `${join(root, CONFIG_FILE)} already exists: this folder is a workspace`, {
      hints: ['Run `infracast validate` there, or choose an empty folder.'],
    });
  } catch (error) {
    if (error instanceof InfracastError) throw error;
  }
  const files = await listFiles(source);
  const targets = files.map((file) => join(root, relative(source, file)));
  for (const target of targets) {
    try {
      await lstat(target);
      throw new InfracastError('TARGET_EXISTS', `${target} already exists; init never overwrites files`, {
        exitCode: ExitCode.Failed,
        hints: ['Move it away or choose an empty folder.'],
      });
    } catch (error) {
      if (error instanceof InfracastError) throw error;
    }
  }
  const schemaDir = join(root, '.infracast', 'schemas');
  const written: string[] = [];
  for (const [i, file] of files.entries()) {
    const target = targets[i] as string;
    let bytes: Buffer | string = await readFile(file);
    if (/\.ya?ml$/.test(file)) {
      let text = bytes.toString('utf8');
      const toSchemas = relative(dirname(target), schemaDir).split(sep).join('/');
      text = text.replace(MODELINE, (_m, name: string) => `# yaml-language-server: $schema=${toSchemas}/${name}`);
      if (options.tenant && relative(root, target) === CONFIG_FILE) {
        text = text
          .replace(/^( {2}id: ).*$/m, `$1${slugify(options.tenant) || 'my-org'}`)
          .replace(/^( {2}name: ).*$/m, `$1${JSON.stringify(options.tenant)}`)
          .replace(/^( {4}company_name: ).*$/m, `$1${JSON.stringify(options.tenant)}`);
      }
      bytes = text;
    }
    await writeFileAtomic(target, bytes);
    written.push(target);
  }
  written.push(...(await writeSchemas(schemaDir)));
  return { root, files: written.sort() };
}
