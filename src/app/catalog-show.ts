/**
 * `infracast catalog show`: the control ids and titles of a framework, so that an id written in an
 * attestation, exception or mapping can be checked (validate's unknown-control hint points here).
 * Built-in frameworks need no workspace; a workspace's own catalogs (catalogs/*.yaml, or imported
 * from OSCAL) are read from the workspace around `workspace` (default the current directory).
 */
import { BUILT_IN_FRAMEWORK_IDS } from '../catalogs/frameworks.js';
import { getCatalog } from '../catalogs/index.js';
import type { Baseline, Catalog } from '../catalogs/index.js';
import { ExitCode, InfracastError } from '../errors.js';
import { catalogOf } from './evaluate.js';
import { validate } from './validate.js';

export interface CatalogShowOptions {
  framework: string;
  /** nist-800-53 only: the SP 800-53B baseline (low, moderate, high); default every control. */
  baseline?: Exclude<Baseline, 'none'>;
  /** A path inside the workspace, for its own catalogs; default the current directory. */
  workspace?: string;
  cwd?: string;
}

/** What `catalog show --json` prints (snake_case, like the schemas). */
export interface CatalogShowResult {
  framework: string;
  name: string;
  release: string;
  /** False for requirement lists compiled without an official machine-readable source. */
  verified: boolean;
  /** The baseline shown (nist-800-53), else null. */
  baseline: string | null;
  count: number;
  controls: { id: string; title: string; family: string; family_title?: string }[];
}

export async function catalogShow(options: CatalogShowOptions): Promise<CatalogShowResult> {
  const catalog = await catalogFor(options);
  return {
    framework: catalog.framework,
    name: catalog.name,
    release: catalog.release,
    verified: catalog.verified,
    baseline: catalog.baseline === 'none' ? null : catalog.baseline,
    count: catalog.controls.length,
    controls: catalog.controls.map((c) => ({
      id: c.id,
      title: c.title,
      family: c.family,
      ...(catalog.families[c.family] !== undefined ? { family_title: catalog.families[c.family] } : {}),
    })),
  };
}

async function catalogFor(options: CatalogShowOptions): Promise<Catalog> {
  if (BUILT_IN_FRAMEWORK_IDS.includes(options.framework)) return getCatalog(options.framework, options.baseline ? { baseline: options.baseline } : {});
  if (options.baseline)
    throw new InfracastError('USAGE', `framework "${options.framework}" has no baselines (only nist-800-53 does)`, { exitCode: ExitCode.Usage });
  // Not built in: a catalog of the workspace, or a misspelt built-in (getCatalog names the near ones).
  let checked;
  try {
    checked = await validate({ paths: [options.workspace ?? '.'], ...(options.cwd ? { cwd: options.cwd } : {}) });
  } catch {
    return getCatalog(options.framework); // outside a workspace: the unknown-framework error, with its suggestions
  }
  const workspace = checked.workspaces[0];
  if (!workspace) return getCatalog(options.framework);
  try {
    return catalogOf(workspace, options.framework);
  } catch (error) {
    if (error instanceof InfracastError && error.code === 'FRAMEWORK_UNKNOWN') getCatalog(options.framework); // throws, with "did you mean"
    throw error;
  }
}
