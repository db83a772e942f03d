/**
 * Gathers what the SSP (reports/ssp.ts) needs from the workspace and the run: `system:`, the
 * inventory, the evaluation of the document's framework (the automated evidence per control), the
 * implementation statements of controls/ and the baselines each control belongs to.
 */
import { getCatalog, lookupControl } from '../catalogs/index.js';
import type { OutputDefinition } from '../model/definitions.js';
import { buildSspDocument } from '../reports/ssp.js';
import type { SspResult } from '../reports/ssp.js';
import type { InventoryView } from '../reports/ssp-system.js';
import { controlImplementationsOf } from './control-implementations.js';
import { evaluationOf, provenanceOf, withUnmapped } from './build.js';
import type { RunContext } from './build.js';
import { formatInstant } from './instant.js';
import type { LoadedWorkspace } from './load-workspace.js';

const FEDRAMP_BASELINES = [
  ['fedramp-low', 'L'],
  ['fedramp-moderate', 'M'],
  ['fedramp-high', 'H'],
] as const;

let fedrampMembership: Map<string, string> | undefined;

/**
 * "(L)(M)(H)" as Appendix A heads each control: the FedRAMP baselines for fedramp-* documents, the
 * SP 800-53B baselines for nist-800-53; nothing for frameworks without baselines.
 */
export function baselineMarks(framework: string): (id: string) => string {
  if (framework.startsWith('fedramp-')) {
    if (!fedrampMembership) {
      fedrampMembership = new Map();
      for (const [baseline, mark] of FEDRAMP_BASELINES) {
        for (const c of getCatalog(baseline).controls) fedrampMembership.set(c.id, `${fedrampMembership.get(c.id) ?? ''}(${mark})`);
      }
    }
    const membership = fedrampMembership;
    return (id) => membership.get(id) ?? '';
  }
  if (framework === 'nist-800-53') {
    return (id) => {
      const baselines = lookupControl('nist-800-53', id)?.baselines ?? [];
      return (['low', 'moderate', 'high'] as const)
        .filter((b) => baselines.includes(b))
        .map((b) => `(${b[0]!.toUpperCase()})`)
        .join('');
    };
  }
  return () => '';
}

/** Every Inventory record's components and connections, in file order. */
export function inventoryOf(workspace: LoadedWorkspace): InventoryView | undefined {
  const records = workspace.records.filter((r) => r.kind === 'Inventory');
  if (records.length === 0) return undefined;
  const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);
  return {
    components: records.flatMap((r) =>
      list(r.value.components).map((c) => ({
        id: String(c.id),
        name: typeof c.name === 'string' ? c.name : String(c.id),
        ...(typeof c.type === 'string' ? { type: c.type } : {}),
        ...(typeof c.boundary === 'string' ? { boundary: c.boundary } : {}),
      })),
    ),
    connections: records.flatMap((r) =>
      list(r.value.connections).map((c) => ({
        from: String(c.from),
        to: String(c.to),
        ...(typeof c.protocol === 'string' ? { protocol: c.protocol } : {}),
        ...(typeof c.transport === 'string' ? { transport: c.transport } : {}),
        ...(typeof c.port === 'number' || typeof c.port === 'string' ? { port: c.port } : {}),
        ...(typeof c.encrypted === 'boolean' ? { encrypted: c.encrypted } : {}),
        ...(Array.isArray(c.data) ? { data: c.data.map(String) } : {}),
        ...(typeof c.description === 'string' ? { description: c.description } : {}),
      })),
    ),
  };
}

/** The SSP of one framework of the definition, with the warnings the render reports. */
export function buildSsp(run: RunContext, definition: OutputDefinition, framework: string, diagram?: { fileName: string }): SspResult {
  const { workspace, at } = run;
  const { evaluation, catalog } = evaluationOf(run, framework, definition.baseline);
  const generatedAt = formatInstant(at);
  const config = workspace.config;
  const assignments = new Map(catalog.controls.filter((c) => c.parameters).map((c) => [c.id, c.parameters!]));
  const result = buildSspDocument({
    definition,
    tenant: config?.tenant ?? { id: 'unknown', name: 'unknown' },
    system: (config?.raw.system ?? {}) as Record<string, unknown>,
    inventory: inventoryOf(workspace),
    evaluation,
    catalog: { ...catalog, assignments },
    marks: baselineMarks(framework),
    statements: controlImplementationsOf(workspace, framework),
    ...(diagram ? { diagram } : {}),
    generatedAt,
    provenance: provenanceOf(run, generatedAt, [{ framework, release: catalog.release, baseline: catalog.baseline, evaluation }]),
  });
  return { ...result, model: withUnmapped(run, definition, result.model, [framework]) };
}
