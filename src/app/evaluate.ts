/**
 * The evaluate stage for one framework of a workspace: the catalog in scope, the workspace's
 * mapping rules before the built-in ones, attestations and exceptions, then the pure evaluation
 * (model/evaluation.ts); FAR and CMMC are evaluated as views over SP 800-171 (model/views.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_IN_FRAMEWORK_IDS } from '../catalogs/frameworks.js';
import { documentaryControls } from '../catalogs/documentary.js';
import { builtInCrosswalk, builtInMappings, getCatalog } from '../catalogs/index.js';
import type { BuiltInTool } from '../catalogs/index.js';
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

/** How reasons name the built-in rules (their full source and licence are in NOTICE and in builtInMappings().sources). */
export const BUILT_IN_MAPPING_LABELS: Readonly<Record<BuiltInTool, string>> = {
  prowler: 'built-in Prowler mapping',
  'aws-securityhub': 'built-in AWS Security Hub mapping',
};

/** The mapping rules in force: the workspace's, then the built-in ones (workspace rules win). */
export function mappingRules(workspace: LoadedWorkspace): MappingRule[] {
  return [...mappingsOf(workspace), ...builtInMappingRules()];
}

/** The built-in mapping rules alone (Prowler's check mappings, Security Hub's control mappings): never sufficient. */
export function builtInMappingRules(): MappingRule[] {
  const builtIn = builtInMappings();
  return builtIn.rules.map((rule) => ({
    rule: rule.rule,
    tool: rule.tool,
    controls: rule.controls,
    sufficient: false,
    source: BUILT_IN_MAPPING_LABELS[rule.tool],
    // Security Hub findings carry AWS's list when the account's standards include the framework.
    ...(rule.tool === 'aws-securityhub' ? { unlessNamed: true } : {}),
  }));
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
    // A documentary control (the SSP, 3.12.4) is decided by attestation only: findings never decide it, nor do their crosswalks.
    if (result.status === 'failing' || result.notes.documentary) return result;
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

/** The built-in crosswalk of infracast.yaml `crosswalks` (on unless the list leaves it out). */
export const APPENDIX_D = 'nist-800-171-appendix-d';

/**
 * SP 800-171 with the failures of the SP 800-53 controls NIST SP 800-171 Rev. 2 Appendix D relates
 * to each requirement: a failing control marks the requirements mapped to it failing, naming the
 * crosswalk (evaluation.md section 3). One direction only: Appendix D relates a group of basic
 * requirements to a group of controls jointly (3.1.1 and 3.1.2 -> AC-2, AC-3, AC-17), so a failing
 * requirement does not say which of its controls fails, and a passing control never passes a
 * requirement. `sp80053` is evaluated on its own (the whole catalog, not a baseline): failures
 * never travel further than one crosswalk.
 */
function withAppendixD(workspace: LoadedWorkspace, sp800171: FrameworkEvaluation, sp80053: () => FrameworkEvaluation): FrameworkEvaluation {
  if (!(workspace.config?.crosswalks ?? [APPENDIX_D]).includes(APPENDIX_D)) return sp800171;
  const crosswalk = builtInCrosswalk();
  const mapped = new Map([...crosswalk.controls].map(([id, ids]): [string, Record<string, string[]>] => [id, { [crosswalk.to]: ids }]));
  return propagateFailures(sp800171, mapped, new Map([[crosswalk.to, sp80053()]]), crosswalk.name);
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
  if (framework === 'nist-800-171')
    return { evaluation: withAppendixD(workspace, run(framework, catalog), () => run('nist-800-53', getCatalog('nist-800-53'))), catalog };
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
  const base = withAppendixD(workspace, run('nist-800-171', getCatalog('nist-800-171')), () => run('nist-800-53', getCatalog('nist-800-53')));
  // CMMC Level 1 practices map to FAR ids, which map to 800-171 requirements.
  const far = new Map(getCatalog('far-52204-21').controls.map((c) => [c.id, c.maps_to ?? []]));
  const mapsTo = new Map(catalog.controls.map((c) => [c.id, (c.maps_to ?? []).flatMap((id) => far.get(id) ?? [id])]));
  return { evaluation: deriveView(run(framework, catalog), base, mapsTo), catalog, base };
}
