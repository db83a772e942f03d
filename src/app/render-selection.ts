/**
 * What a render renders, decided before anything is written: the paths (quoted globs expanded as
 * the shell would), validated; the one workspace they belong to; its output folder; and the
 * definitions selected (paths, --only, the names a schedule renders), in the workspace's order,
 * narrowed to the --format formats. `infracast render` renders this list; `infracast plan` prints
 * it, and each shard renders its share of it (app/shard/plan.ts), so all three agree by construction.
 */
import { resolve } from 'node:path';
import { ExitCode, InfracastError } from '../errors.js';
import type { Diagnostic } from '../diagnostics.js';
import { isGlob, expandPaths } from '../io/glob.js';
import type { OutputDefinition, OutputFormat } from '../model/definitions.js';
import { planFormats } from './format-plan.js';
import type { LoadedWorkspace } from './load-workspace.js';
import { assertOutFlag } from './output-folder.js';
import { validate } from './validate.js';

export interface SelectionOptions {
  /** Definition files, globs or workspace folders; default: every definition of the current workspace. */
  paths?: string[];
  cwd?: string;
  /** Formats instead of each definition's own (a format a type cannot have is skipped for it; a definition left with none is not rendered). */
  formats?: OutputFormat[];
  /** Output folder instead of the workspace's `output:` (relative to cwd). */
  out?: string;
  /** Only definitions of these types. */
  only?: string[];
  /** Only the definitions of these output names (a schedule's `reports`; an inline schedule's own). */
  definitions?: string[];
  env?: NodeJS.ProcessEnv;
}

export type RunSelection =
  | { ok: false; diagnostics: Diagnostic[] }
  | {
      ok: true;
      diagnostics: Diagnostic[];
      workspace: LoadedWorkspace;
      outDir: string;
      /** The definitions the run renders, in order. */
      definitions: OutputDefinition[];
      /** Formats left out for some types (--format). */
      warnings: string[];
    };

/** The definitions the paths select: every one of the workspace for a folder, else those in the given files. */
function selectDefinitions(
  workspace: LoadedWorkspace,
  checkedFiles: readonly string[],
  only: readonly string[] | undefined,
  names: readonly string[] | undefined,
): OutputDefinition[] {
  const files = new Set(checkedFiles);
  return workspace.outputs.filter((d) => files.has(d.source.file) && (!only || only.includes(d.type)) && (!names || names.includes(d.outputName)));
}

/** The run's list at instant `at`; `ok: false` when validation found errors (nothing may be rendered). */
export async function selectRun(options: SelectionOptions, at: Date): Promise<RunSelection> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  // Quoted globs (reports/*.yaml in a YAML workflow) are expanded here as the shell would.
  const paths: string[] = [];
  for (const path of options.paths ?? []) {
    if (!isGlob(path)) paths.push(path);
    else {
      const { files } = await expandPaths([path], cwd);
      if (files.length === 0)
        throw new InfracastError('FILE_NOT_FOUND', `${path}: nothing matched`, { exitCode: ExitCode.Usage, hints: ['Check the pattern.'] });
      paths.push(...files);
    }
  }
  const checked = await validate({ paths, cwd, at: at.toISOString(), env });
  if (!checked.ok) return { ok: false, diagnostics: checked.diagnostics };
  if (checked.workspaces.length !== 1) {
    throw new InfracastError('USAGE', `the paths belong to ${checked.workspaces.length} workspaces; render one workspace at a time`, {
      exitCode: ExitCode.Usage,
      hints: checked.workspaces.map((w) => `workspace: ${w.root}`),
    });
  }
  const workspace = checked.workspaces[0]!;
  const config = workspace.config!;
  const outDir = options.out ? resolve(cwd, options.out) : config.outputDir;
  if (options.out) assertOutFlag(options.out, outDir, workspace.root, config); // issue 12 (eng/safety): --out keeps clear of the workspace's folders, before anything is written

  const selected = selectDefinitions(workspace, checked.checkedFiles, options.only, options.definitions);
  if (selected.length === 0) {
    throw new InfracastError(
      'USAGE',
      `nothing to render: no report or document definition${options.only ? ` of type ${options.only.join(', ')}` : ''} in the given paths`,
      {
        exitCode: ExitCode.Usage,
        hints: ['Give definition files (reports/*.yaml) or the workspace folder; `infracast validate --verbose` shows the kind of each file.'],
      },
    );
  }
  // Definitions whose type has none of the --format formats are skipped (all of them: exit 2).
  const { definitions, warnings } = planFormats(selected, options.formats);
  return { ok: true, diagnostics: checked.diagnostics, workspace, outDir, definitions, warnings };
}
