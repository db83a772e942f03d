/**
 * The build stage of the architecture diagram: the workspace's inventory files merged into one
 * graph (model/inventory.ts), then the pure builder (reports/architecture.ts). Also what any other
 * document drawn from the inventory (the SSP's section 8.1 figure, its ports and protocols) reads.
 */
import { relative, resolve } from 'node:path';
import { InfracastError } from '../errors.js';
import type { OutputDefinition } from '../model/definitions.js';
import { mergeInventories } from '../model/inventory.js';
import type { Inventory } from '../model/inventory.js';
import type { ReportModel } from '../model/report-model.js';
import { buildArchitectureDiagram } from '../reports/architecture.js';
import type { RunContext } from './build.js';
import { formatInstant } from './instant.js';
import type { LoadedWorkspace } from './load-workspace.js';
import { inputDigests, toolVersion } from './provenance.js';

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The workspace's inventory files, sorted by path (the order does not depend on the file system). */
function inventoryRecords(workspace: LoadedWorkspace) {
  return workspace.records.filter((r) => r.kind === 'Inventory').sort((a, b) => byCodeUnits(a.source.file, b.source.file) || a.source.index - b.source.index);
}

/**
 * The workspace's inventory as one graph; undefined when it has no inventory file. Throws when two
 * files declare the same boundary or component id.
 */
export function workspaceInventory(workspace: LoadedWorkspace): Inventory | undefined {
  const files = inventoryRecords(workspace).map((r) => ({ file: relative(workspace.root, r.source.file), body: r.value }));
  const { inventory, clashes } = mergeInventories(files);
  const clash = clashes[0];
  if (clash) {
    throw new InfracastError('INVENTORY_INVALID', `${clash.files[1]}: ${clash.what} id '${clash.id}' is also declared in ${clash.files[0]}`, {
      hints: [`Declare each ${clash.what} once across inventory/ (${clashes.length} id${clashes.length === 1 ? '' : 's'} declared twice), or rename one.`],
    });
  }
  return inventory;
}

/** The inventory, or the error that says what to add: for a document that cannot be made without one. */
export function requireInventory(workspace: LoadedWorkspace, definition: OutputDefinition): Inventory {
  const inventory = workspaceInventory(workspace);
  if (inventory) return inventory;
  throw new InfracastError(
    'INVENTORY_MISSING',
    `${relative(workspace.root, definition.source.file)}: a ${definition.type} is drawn from the workspace's inventory, and ${workspace.root} has none`,
    {
      hints: [
        'Add inventory/<name>.yaml with `kind: Inventory`, its boundaries, components (id, name, type, boundary) and connections (from, to, protocol, port); examples/acme/inventory/agc.yaml is a complete one.',
      ],
    },
  );
}

export function buildArchitecture(run: RunContext, definition: OutputDefinition): ReportModel {
  const { workspace, at } = run;
  const inventory = requireInventory(workspace, definition);
  const generatedAt = formatInstant(at);
  const rel = (file: string): string => relative(workspace.root, resolve(workspace.root, file));
  // Its inputs: the configuration, the definition and the inventory files (no findings, no catalog).
  const used = ['infracast.yaml', rel(definition.source.file), ...inventoryRecords(workspace).map((r) => rel(r.source.file))];
  return buildArchitectureDiagram({
    definition,
    tenant: workspace.config?.tenant ?? { id: 'unknown', name: 'unknown' },
    inventory,
    generatedAt,
    provenance: {
      toolVersion: toolVersion(),
      catalogs: [],
      inputs: inputDigests(
        workspace.root,
        [...new Set(used)].map((f) => resolve(workspace.root, f)),
      ),
      generatedAt,
      coverage: [],
    },
  });
}
