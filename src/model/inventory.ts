/**
 * The workspace's infrastructure graph (the Inventory kind, schemas/inventory.schema.json): the
 * typed form of its validated YAML. What the architecture diagram draws, and what the SSP's
 * ports-and-protocols and external-services tables list. Pure: the load stage has validated the
 * bodies (required fields, enums, references inside each file).
 */

export const BOUNDARY_TYPES = ['authorization-boundary', 'account', 'vpc', 'subnet', 'zone', 'external'] as const;
export type BoundaryType = (typeof BOUNDARY_TYPES)[number];

export interface InventoryBoundary {
  id: string;
  name: string;
  /** Enclosing boundary id. */
  parent?: string;
  type?: BoundaryType;
}

export interface InventoryComponent {
  id: string;
  name: string;
  type: string;
  /** Boundary id it sits in (none: outside every boundary). */
  boundary?: string;
  provider?: string;
  /** Data it stores or processes (cui, cdi, fci, pii, phi, pci). */
  handles?: string[];
  fedramp?: { authorized?: boolean; level?: string; package_id?: string };
  owner?: string;
  description?: string;
}

export interface InventoryConnection {
  from: string;
  to: string;
  protocol?: string;
  port?: number;
  encrypted?: boolean;
  /** Data that flows (cui, cdi, fci, pii, phi, pci, telemetry, public). */
  data?: string[];
  description?: string;
}

/** The id of the section of a ReportModel whose data holds the inventory it was built from (`data.inventory`). */
export const INVENTORY_SECTION = 'architecture';

export interface Inventory {
  /** The `name:` of the first inventory file that has one. */
  name?: string;
  boundaries: InventoryBoundary[];
  components: InventoryComponent[];
  connections: InventoryConnection[];
}

type Body = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const texts = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined);
const records = (value: unknown): Body[] => (Array.isArray(value) ? value.filter((v): v is Body => typeof v === 'object' && v !== null) : []);

/** Only the keys whose value is defined (the types' optional fields stay absent, not `undefined`). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function boundaryOf(b: Body): InventoryBoundary {
  return defined({ id: String(b.id), name: String(b.name), parent: text(b.parent), type: text(b.type) as BoundaryType | undefined });
}

function componentOf(c: Body): InventoryComponent {
  const fedramp = typeof c.fedramp === 'object' && c.fedramp !== null ? (c.fedramp as Body) : undefined;
  return defined({
    id: String(c.id),
    name: String(c.name),
    type: String(c.type),
    boundary: text(c.boundary),
    provider: text(c.provider),
    handles: texts(c.handles),
    fedramp: fedramp
      ? defined({
          authorized: typeof fedramp.authorized === 'boolean' ? fedramp.authorized : undefined,
          level: text(fedramp.level),
          package_id: text(fedramp.package_id),
        })
      : undefined,
    owner: text(c.owner),
    description: text(c.description),
  });
}

function connectionOf(c: Body): InventoryConnection {
  return defined({
    from: String(c.from),
    to: String(c.to),
    protocol: text(c.protocol),
    port: typeof c.port === 'number' ? c.port : undefined,
    encrypted: typeof c.encrypted === 'boolean' ? c.encrypted : undefined,
    data: texts(c.data),
    description: text(c.description),
  });
}

/** An id declared twice across the workspace's inventory files (each file is checked on its own at load). */
export interface InventoryClash {
  what: 'boundary' | 'component';
  id: string;
  files: [string, string];
}

/**
 * The workspace's inventory files as one graph, in the order given (the caller sorts the files).
 * Undefined when there is none. A boundary or component id declared in two files is a clash: the
 * graph would be ambiguous, so the caller reports it rather than picking one.
 */
export function mergeInventories(files: readonly { file: string; body: Body }[]): { inventory?: Inventory; clashes: InventoryClash[] } {
  if (files.length === 0) return { clashes: [] };
  const inventory: Inventory = { boundaries: [], components: [], connections: [] };
  const clashes: InventoryClash[] = [];
  const boundaryFiles = new Map<string, string>();
  const componentFiles = new Map<string, string>();
  for (const { file, body } of files) {
    inventory.name ??= text(body.name);
    for (const boundary of records(body.boundaries).map(boundaryOf)) {
      const earlier = boundaryFiles.get(boundary.id);
      if (earlier !== undefined) clashes.push({ what: 'boundary', id: boundary.id, files: [earlier, file] });
      else boundaryFiles.set(boundary.id, file);
      inventory.boundaries.push(boundary);
    }
    for (const component of records(body.components).map(componentOf)) {
      const earlier = componentFiles.get(component.id);
      if (earlier !== undefined) clashes.push({ what: 'component', id: component.id, files: [earlier, file] });
      else componentFiles.set(component.id, file);
      inventory.components.push(component);
    }
    inventory.connections.push(...records(body.connections).map(connectionOf));
  }
  if (inventory.name === undefined) delete inventory.name;
  return { inventory, clashes };
}
