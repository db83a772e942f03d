/**
 * The evaluate stage for one framework of a workspace: the catalog in scope, the workspace's
 * mapping rules before the built-in ones, attestations and exceptions, then the pure evaluation
 * (model/evaluation.ts); FAR and CMMC are evaluated as views over SP 800-171 (model/views.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_IN_FRAMEWORK_IDS } from '../catalogs/frameworks.js';
import { documentaryControls } from '../catalogs/documentary.js';
import { builtInMappings, getCatalog } from '../catalogs/index.js';
import { InfracastError } from '../errors.js';
import type { Catalog } from '../catalogs/index.js';
import type { Control } from '../model/control.js';
import { canonicalControlId } from '../model/control-ids.js';
import { evaluateFramework, summarise } from '../model/evaluation.js';
import type { FrameworkEvaluation, MappingRule } from '../model/evaluation.js';
import type { Finding } from '../model/finding.js';
import { deriveView } from '../model/views.js';
import type { LoadedWorkspace } from './load-workspace.js';
import { attestationsOf, exceptionsOf, mappingsOf } from './records.js';

/** Frameworks scored by the DoD Assessment Methodology (SPRS): SP 800-171 and CMMC Level 2. */
export const SPRS_FRAMEWORKS: ReadonlySet<string> = new Set(['nist-800-171', 'cmmc-l2']);

/** Frameworks that are SP 800-171 under other ids. */
const VIEWS_OVER_800_171 = new Set(['cmmc-l1', 'cmmc-l2', 'far-52204-21']);

/**
 * The framework whose controls a finding must name to count for `framework`: SP 800-171 for its
 * views (CMMC, FAR), the framework itself otherwise. Unmapped counts use it, so that they agree.
 */
export function evidenceFrameworkOf(framework: string): string {
  return VIEWS_OVER_800_171.has(framework) ? 'nist-800-171' : framework;
}

export interface WorkspaceEvaluation {
  evaluation: FrameworkEvaluation;
  catalog: Catalog;
  /** Set for views: the SP 800-171 evaluation they derive from. */
  base?: FrameworkEvaluation;
}

function controlsOf(catalog: Catalog): Control[] {
  return catalog.controls.map((c) => ({
    id: c.id,
    title: c.title,
    family: c.family,
    framework: catalog.framework,
    ...(c.points !== undefined ? { points: c.points } : {}),
  }));
}

/** How reasons name the built-in rules (their full source and licence are in NOTICE and in builtInMappings().source). */
export const BUILT_IN_MAPPING_LABEL = 'built-in Prowler mapping';

/** The mapping rules in force: the workspace's, then the built-in ones (workspace rules win). */
export function mappingRules(workspace: LoadedWorkspace): MappingRule[] {
  return [...mappingsOf(workspace), ...builtInMappingRules()];
}

/** The built-in mapping rules alone (Prowler's check-to-control mappings): never sufficient. */
export function builtInMappingRules(): MappingRule[] {
  const builtIn = builtInMappings();
  return builtIn.rules.map((rule) => ({ rule: rule.rule, tool: rule.tool, controls: rule.controls, sufficient: false, source: BUILT_IN_MAPPING_LABEL }));
}

/** The crosswalk a custom catalog declares: control id -> ids per other framework (maps_to). */
export function crosswalkOf(workspace: LoadedWorkspace, framework: string): Map<string, Record<string, string[]>> {
  const custom = workspace.records.find((r) => r.kind === 'Catalog' && r.value.id === framework);
  const controls = (custom?.value.controls ?? []) as { id: string; maps_to?: Record<string, string[]> }[];
  return new Map(controls.filter((c) => c.maps_to && Object.keys(c.maps_to).length > 0).map((c) => [c.id, c.maps_to as Record<string, string[]>]));
}

/**
 * Crosswalks propagate failure, not success (evaluation.md section 3): a control mapped to a
 * failing control of another framework is failing, and says which mapping made it so; a passing
 * control elsewhere never makes it passing.
 */
function propagateFailures(
  own: FrameworkEvaluation,
  crosswalk: Map<string, Record<string, string[]>>,
  targets: Map<string, FrameworkEvaluation>,
  source: string,
): FrameworkEvaluation {
  const results = own.results.map((result) => {
    if (result.status === 'failing') return result;
    const failing = Object.entries(crosswalk.get(result.control.id) ?? {}).flatMap(([fw, ids]) =>
      (targets.get(fw)?.results ?? [])
        .filter((r) => r.status === 'failing' && ids.some((id) => canonicalControlId(fw, id) === r.control.id))
        .map((r) => `${fw} ${r.control.id}`),
    );
    if (failing.length === 0) return result;
    const derivedFrom = `crosswalk ${source}: ${failing.join(', ')}`;
    return {
      ...result,
      status: 'failing' as const,
      derivedFrom,
      notes: { ...result.notes, reason: { basis: 'crosswalk' as const, text: `fails through ${derivedFrom} (failure propagates; success never does)` } },
    };
  });
  return { ...own, results, ...summarise(results) };
}

/**
 * The catalog of a framework: built in, a custom YAML catalog in catalogs/, or a catalog imported
 * from OSCAL (catalogs/<id>.json, written by `infracast catalog import`).
 */
export function catalogOf(workspace: LoadedWorkspace, framework: string, baseline?: 'low' | 'moderate' | 'high' | 'none'): Catalog {
  if (BUILT_IN_FRAMEWORK_IDS.includes(framework)) {
    return getCatalog(framework, framework === 'nist-800-53' ? { baseline: baseline ?? workspace.config?.system.impactLevel ?? 'none' } : {});
  }
  const custom = workspace.records.find((r) => r.kind === 'Catalog' && r.value.id === framework);
  if (custom) {
    const v = custom.value as { id: string; name: string; version?: string; source?: string; controls: { id: string; title: string; family?: string }[] };
    return {
      framework,
      name: v.name,
      release: v.version ?? 'unversioned',
      verified: false,
      sources: [v.source ?? `workspace catalogs/ (${framework})`],
      baseline: 'none',
      families: {},
      controls: v.controls.map((c) => ({ id: c.id, title: c.title, family: c.family ?? c.id.split(/[-.]/)[0] ?? c.id, framework })),
    };
  }
  let imported: {
    metadata?: { title?: string; version?: string };
    source?: { file?: string };
    controls?: { id: string; title: string; family: string; withdrawn?: boolean }[];
  };
  try {
    imported = JSON.parse(readFileSync(join(workspace.root, 'catalogs', `${framework}.json`), 'utf8')) as typeof imported;
  } catch {
    throw new InfracastError('FRAMEWORK_UNKNOWN', `unknown framework "${framework}"`, {
      hints: [`Built-in: ${BUILT_IN_FRAMEWORK_IDS.join(', ')}. Add your own as a YAML catalog in catalogs/, or import one with \`infracast catalog import\`.`],
    });
  }
  return {
    framework,
    name: imported.metadata?.title ?? framework,
    release: imported.metadata?.version ?? 'unversioned',
    verified: true,
    sources: [`catalogs/${framework}.json${imported.source?.file ? ` (imported from ${imported.source.file})` : ''}`],
    baseline: 'none',
    families: {},
    controls: (imported.controls ?? []).filter((c) => !c.withdrawn).map((c) => ({ id: c.id, title: c.title, family: c.family, framework })),
  };
}

export function evaluateWorkspace(
  workspace: LoadedWorkspace,
  findings: Finding[],
  framework: string,
  at: Date,
  baseline?: 'low' | 'moderate' | 'high' | 'none',
): WorkspaceEvaluation {
  const mappings = mappingRules(workspace);
  const attestations = attestationsOf(workspace);
  const exceptions = exceptionsOf(workspace);
  const run = (fw: string, catalog: Catalog): FrameworkEvaluation =>
    evaluateFramework({
      framework: fw,
      controls: controlsOf(catalog),
      findings,
      attestations,
      exceptions,
      mappings,
      documentary: documentaryControls(fw, catalog.controls),
      at,
    });
  const catalog = catalogOf(workspace, framework, baseline);
  if (!VIEWS_OVER_800_171.has(framework)) {
    const crosswalk = crosswalkOf(workspace, framework);
    const own = run(framework, catalog);
    if (crosswalk.size === 0) return { evaluation: own, catalog };
    const targets = new Map<string, FrameworkEvaluation>();
    for (const fw of new Set([...crosswalk.values()].flatMap((m) => Object.keys(m)))) {
      if (fw !== framework) targets.set(fw, run(fw, catalogOf(workspace, fw, 'none')));
    }
    return { evaluation: propagateFailures(own, crosswalk, targets, `catalogs/ (${framework})`), catalog };
  }
  const base = run('nist-800-171', getCatalog('nist-800-171'));
  // CMMC Level 1 practices map to FAR ids, which map to 800-171 requirements.
  const far = new Map(getCatalog('far-52204-21').controls.map((c) => [c.id, c.maps_to ?? []]));
  const mapsTo = new Map(catalog.controls.map((c) => [c.id, (c.maps_to ?? []).flatMap((id) => far.get(id) ?? [id])]));
  return { evaluation: deriveView(run(framework, catalog), base, mapsTo), catalog, base };
}
