/**
 * The architecture-diagram document's model (pure): the inventory the diagram is drawn from, and
 * its boundaries, components and connections as tables (the connections table is the ports and
 * protocols the SSP lists). The drawing itself is the renderers' (renderers/diagram*.ts): the
 * layout engine is heavy and asynchronous, and only the svg, png and pdf formats need it.
 */
import type { DefinitionOptions, OutputDefinition } from '../model/definitions.js';
import { INVENTORY_SECTION } from '../model/inventory.js';
import type { Inventory } from '../model/inventory.js';
import type { Provenance, ReportModel, Table } from '../model/report-model.js';
import { reportMeta } from './meta.js';

export interface ArchitectureInput {
  definition: Pick<OutputDefinition, 'name' | 'options'>;
  tenant: { id: string; name: string };
  inventory: Inventory;
  generatedAt: string;
  provenance: Provenance;
}

const list = (values: readonly string[] | undefined): string | null => (values && values.length > 0 ? values.join(', ') : null);

function tables(inventory: Inventory): Table[] {
  return [
    {
      id: 'boundaries',
      title: 'Boundaries',
      columns: [
        { key: 'id', label: 'Id', type: 'string' },
        { key: 'name', label: 'Name', type: 'string' },
        { key: 'type', label: 'Type', type: 'string' },
        { key: 'parent', label: 'Inside', type: 'string' },
      ],
      rows: inventory.boundaries.map((b) => ({ id: b.id, name: b.name, type: b.type ?? null, parent: b.parent ?? null })),
    },
    {
      id: 'components',
      title: 'Components',
      columns: [
        { key: 'id', label: 'Id', type: 'string' },
        { key: 'name', label: 'Name', type: 'string' },
        { key: 'type', label: 'Type', type: 'string' },
        { key: 'boundary', label: 'Boundary', type: 'string' },
        { key: 'provider', label: 'Provider', type: 'string' },
        { key: 'handles', label: 'Handles', type: 'string' },
      ],
      rows: inventory.components.map((c) => ({
        id: c.id,
        name: c.name,
        type: c.type,
        boundary: c.boundary ?? null,
        provider: c.provider ?? null,
        handles: list(c.handles),
      })),
    },
    {
      id: 'connections',
      title: 'Ports, protocols and data flows',
      columns: [
        { key: 'from', label: 'From', type: 'string' },
        { key: 'to', label: 'To', type: 'string' },
        { key: 'protocol', label: 'Protocol', type: 'string' },
        { key: 'port', label: 'Port', type: 'number' },
        { key: 'encrypted', label: 'Encrypted', type: 'string' },
        { key: 'data', label: 'Data', type: 'string' },
      ],
      rows: inventory.connections.map((c) => ({
        from: c.from,
        to: c.to,
        protocol: c.protocol ?? null,
        port: c.port ?? null,
        encrypted: c.encrypted === undefined ? null : c.encrypted ? 'yes' : 'no',
        data: list(c.data),
      })),
    },
  ];
}

export function buildArchitectureDiagram(input: ArchitectureInput): ReportModel {
  const { definition, inventory } = input;
  const options: DefinitionOptions = definition.options;
  const title = options.title ?? definition.name ?? (inventory.name ? `${inventory.name}: architecture` : 'System architecture');
  return {
    kind: 'architecture-diagram',
    meta: reportMeta(options, { title, tenant: input.tenant, frameworks: [], generatedAt: input.generatedAt }),
    provenance: input.provenance,
    sections: [{ id: INVENTORY_SECTION, heading: title, level: 1, data: { inventory } }],
    tables: tables(inventory),
  };
}
