/**
 * The OSCAL SSP of a `type: ssp` definition (format `oscal`): gathers what reports/ssp-oscal.ts
 * needs from the workspace (the baseline's catalog, the statements of controls/, infracast.yaml's
 * `system:`, the inventory's components, the tool and the run's instant) and names the file.
 * The render wiring (a Document builder returning `files`) calls `oscalSspFiles`.
 */
import { getCatalog } from '../catalogs/index.js';
import type { Baseline } from '../catalogs/index.js';
import { InfracastError } from '../errors.js';
import { isCui } from '../model/cui-marking.js';
import type { OutputDefinition } from '../model/definitions.js';
import { baselineProfileHref, sspToOscal } from '../reports/ssp-oscal.js';
import type { InventoryComponentFacts, InventoryConnectionFacts, OscalVersion, SspOscalResult, SspSystemFacts } from '../reports/ssp-oscal.js';
import { controlImplementationsOf } from './control-implementations.js';
import type { LoadedWorkspace } from './load-workspace.js';
import { artifactFileName } from './output-names.js';
import { toolVersion } from './provenance.js';

/** `<output name>.oscal.json` (`-<framework>` before it when the definition has several frameworks). */
export const oscalSspFileName = (stem: string): string => artifactFileName(stem, 'oscal');

/** The workspace's inventory components or connections, every Inventory file in load order. */
function inventoryOf<T>(workspace: LoadedWorkspace, key: 'components' | 'connections'): T[] {
  return workspace.records.filter((r) => r.kind === 'Inventory').flatMap((r) => (Array.isArray(r.value[key]) ? (r.value[key] as T[]) : []));
}

export function oscalSspOf(
  workspace: LoadedWorkspace,
  definition: Pick<OutputDefinition, 'baseline' | 'options' | 'source'>,
  framework: string,
  generatedAt: string,
  oscalVersion: OscalVersion = '1.1.2',
): SspOscalResult {
  const config = workspace.config;
  if (!config) throw new InfracastError('CONFIG_INVALID', 'infracast.yaml is invalid: the OSCAL SSP needs its system: facts');
  const baseline: Baseline = framework === 'nist-800-53' ? (definition.baseline ?? 'none') : 'none';
  if (!baselineProfileHref(framework, baseline)) {
    throw new InfracastError(
      'DEFINITION_INVALID',
      `${definition.source.file}: an OSCAL SSP of ${framework}${baseline !== 'none' ? ` (${baseline})` : ''} cannot be written: it has no published OSCAL baseline profile to import`,
      {
        hints: [
          framework === 'nist-800-53'
            ? 'give the definition `baseline: low`, `moderate` or `high`'
            : 'OSCAL SSPs are written for fedramp-low, fedramp-moderate, fedramp-high, fedramp-li-saas and nist-800-53 with a baseline (NIST publishes no OSCAL catalog of SP 800-171 rev. 2)',
        ],
      },
    );
  }
  return sspToOscal(
    {
      framework,
      catalog: getCatalog(framework, { baseline }),
      implementations: controlImplementationsOf(workspace, framework),
      system: config.system as unknown as SspSystemFacts,
      inventory: inventoryOf<InventoryComponentFacts>(workspace, 'components'),
      connections: inventoryOf<InventoryConnectionFacts>(workspace, 'connections'),
      tool: toolVersion(),
      generatedAt,
      cui: isCui(definition.options.classification),
    },
    { oscalVersion },
  );
}

/** The files a render writes for format `oscal`: one per framework of the definition. */
export function oscalSspFiles(
  workspace: LoadedWorkspace,
  definition: OutputDefinition,
  generatedAt: string,
): { files: { format: 'oscal'; fileName: string; bytes: Uint8Array }[]; warnings: string[] } {
  const encoder = new TextEncoder();
  const warnings: string[] = [];
  const files = definition.frameworks.map((framework) => {
    const stem = definition.frameworks.length > 1 ? `${definition.outputName}-${framework}` : definition.outputName;
    const result = oscalSspOf(workspace, definition, framework, generatedAt);
    warnings.push(...result.warnings.map((w) => (definition.frameworks.length > 1 ? `${framework}: ${w}` : w)));
    return { format: 'oscal' as const, fileName: oscalSspFileName(stem), bytes: encoder.encode(result.json) };
  });
  return { files, warnings };
}
