/**
 * `infracast ssp import SSP.json`: an OSCAL system security plan into controls/ (one statement file
 * per implemented requirement, app/ssp-oscal-read.ts says what maps where) and the `system:` facts
 * for infracast.yaml, which are returned (the command prints them as a YAML block) and never
 * written into infracast.yaml: the user's file, comments and all, stays theirs.
 *
 * Never overwrites unless --force; even then only a control's own file (controls/ac-2.md holding
 * that one statement) is replaced; a statement inside another file is left and reported.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ExitCode, InfracastError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { listWorkspaceFiles } from '../io/workspace.js';
import { readYamlFile } from '../io/yaml-source.js';
import { controlFileName, controlsDir, controlFileText, shownPath, writtenStatements, yamlText } from './ssp-control-files.js';
import type { ControlFileFormat } from './ssp-control-files.js';
import { readOscalSsp } from './ssp-oscal-read.js';
import type { SspRead } from './ssp-oscal-read.js';
import { statementScheme } from './ssp-statement-rules.js';
import { requireWorkspaceRoot } from './workspace-root.js';

export interface SspImportOptions {
  file: string;
  framework?: string;
  format?: ControlFileFormat;
  dir?: string;
  force?: boolean;
  dryRun?: boolean;
  workspace?: string;
  cwd?: string;
}

export interface SspImportEntry {
  control: string;
  file: string;
  format?: ControlFileFormat;
  reason?: string;
}

export interface SspImportResult extends Omit<SspRead, 'controls'> {
  root: string;
  written: SspImportEntry[];
  skipped: SspImportEntry[];
  /** The system: block for infracast.yaml, as YAML. */
  systemYaml: string;
  dryRun: boolean;
}

/** OSCAL SSPs are a few MB at most (a High SSP with every statement); past this it is not one. */
const MAX_SSP_BYTES = 64 * 1024 * 1024;

export async function sspImport(options: SspImportOptions): Promise<SspImportResult> {
  const cwd = options.cwd ?? process.cwd();
  const root = await requireWorkspaceRoot(options.workspace, cwd, 'Run it inside a workspace, or give --workspace DIR.');
  const file = resolve(cwd, options.file);
  const dir = controlsDir(root, options.dir);
  const document = readSspJson(file);
  const framework = options.framework ?? 'nist-800-53';
  const read = readOscalSsp(document, { file, framework, inventory: await inventoryComponents(root) });
  const format = options.format ?? 'md';
  const written = await writtenStatements(root);
  const result: SspImportResult = { ...read, root, written: [], skipped: [], systemYaml: yamlText({ system: read.system }), dryRun: options.dryRun ?? false };
  for (const value of read.controls) {
    const control = String(value.control);
    const own = [join(dir, controlFileName(control, 'md')), join(dir, controlFileName(control, 'yaml'))];
    const existing = written.get(`${statementScheme(framework)} ${control}`);
    const taken = own.find((path) => existsSync(path));
    if (existing && !(options.force && own.includes(existing))) {
      const reason = options.force ? 'has a statement in a file of several (edit it there)' : 'has a statement (--force replaces its own file)';
      result.skipped.push({ control, file: shownPath(root, existing), reason });
      continue;
    }
    if (taken && !options.force) {
      result.skipped.push({ control, file: shownPath(root, taken), reason: 'the file exists (--force replaces it)' });
      continue;
    }
    const text = controlFileText(value, format);
    const path = join(dir, controlFileName(control, text.format));
    if (!result.dryRun) {
      mkdirSync(dirname(path), { recursive: true });
      await writeFileAtomic(path, text.text);
      // The other form's file of the same control would be a second statement of it.
      for (const other of own.filter((p) => p !== path && existsSync(p))) await removeReplaced(other);
    }
    result.written.push({ control, file: shownPath(root, path), format: text.format });
  }
  return result;
}

async function removeReplaced(path: string): Promise<void> {
  const { rm } = await import('node:fs/promises');
  await rm(path);
}

function readSspJson(file: string): unknown {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw new InfracastError('FILE_NOT_FOUND', `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      exitCode: ExitCode.Usage,
    });
  }
  if (size > MAX_SSP_BYTES) throw new InfracastError('SSP_INVALID', `${file}: ${size} bytes is too large for an OSCAL SSP`, {});
  const bytes = readFileSync(file, 'utf8');
  if (/^\s*</.test(bytes)) {
    throw new InfracastError('SSP_INVALID', `${file}: an XML file; ssp import reads OSCAL SSPs in JSON`, {
      hints: ['Convert it to JSON with the NIST OSCAL converters (oscal-cli convert --to json), then import the JSON.'],
    });
  }
  try {
    return JSON.parse(bytes) as unknown;
  } catch (error) {
    throw new InfracastError('SSP_INVALID', `${file}: not JSON (${(error as Error).message})`, { hints: ['Give an OSCAL SSP in JSON.'] });
  }
}

/** The workspace's inventory components (id, name), read from inventory/ as written. */
async function inventoryComponents(root: string): Promise<{ id: string; name?: string }[]> {
  const { files } = await listWorkspaceFiles(root, ['inventory']);
  const components: { id: string; name?: string }[] = [];
  for (const { path, folder } of files) {
    if (folder !== 'inventory') continue;
    for (const doc of (await readYamlFile(path)).documents) {
      const list = (doc.value as { components?: unknown } | null)?.components;
      for (const c of Array.isArray(list) ? list : []) {
        const { id, name } = (c ?? {}) as { id?: unknown; name?: unknown };
        if (typeof id === 'string') components.push({ id, ...(typeof name === 'string' ? { name } : {}) });
      }
    }
  }
  return components;
}
