/**
 * The architecture diagram's graph, from the inventory (pure; sizes from the font's metrics):
 * boundaries as nested boxes (an authorization boundary, its accounts, VPCs and subnets; zones and
 * the external boundary beside it), each component in the box of its boundary (or outside every
 * box when it names none), each connection an edge labelled with its protocol, port and data.
 *
 * Deterministic whatever the order of the YAML: boxes, components and edges are sorted by their
 * inventory ids (code units) and given ids by position in that order (b0, c0, e0), never ids from
 * the inventory itself, which keeps hostile ids out of the SVG's attributes.
 */
import { InfracastError } from '../errors.js';
import type { BoundaryType, Inventory, InventoryBoundary, InventoryComponent, InventoryConnection } from '../model/inventory.js';
import { textWidth, wrapText } from './diagram-text.js';
import type { Measure } from './diagram-text.js';

/** Sizes and type settings of the drawing (pixels), shared by the graph, the layout and the SVG. */
export const STYLE = {
  component: { padX: 10, padTop: 8, padBottom: 9, minWidth: 132, textWidth: 176, nameSize: 13, nameLine: 16, nameLines: 3, typeSize: 10.5, typeGap: 5 },
  boundary: { size: 12.5, line: 16, maxWidth: 340, minLabelWidth: 150, lines: 4, padTop: 10, padSide: 16, padBottom: 16, minHeight: 36 },
  edge: { size: 11, line: 13.5, maxWidth: 150, lines: 3, padX: 4, padY: 2 },
  tag: { size: 9.5, padX: 4, height: 14 },
} as const;

/** What a connection carries, as the diagram shows it (colour and tag). */
export type Flow = 'cui' | 'fci' | 'other';

export interface DiagramComponent {
  kind: 'component';
  /** The element's id in the graph (c0, c1...). */
  key: string;
  id: string;
  type: string;
  /** "DATABASE · AWS" */
  typeLine: string;
  nameLines: string[];
  /** The most sensitive data it handles, shown as a tag. */
  tag?: 'CUI' | 'FCI';
  /** Tooltip: the id, the name and the description as written. */
  title: string;
  width: number;
  height: number;
}

export interface DiagramBoundary {
  kind: 'boundary';
  key: string;
  id: string;
  type?: BoundaryType;
  labelLines: string[];
  /** Room above the children for the label. */
  padTop: number;
  /** The box is at least this wide (its label) and high. */
  minWidth: number;
  minHeight: number;
  title: string;
  children: DiagramItem[];
}

export type DiagramItem = DiagramComponent | DiagramBoundary;

export interface DiagramEdge {
  key: string;
  /** Keys of the components it joins. */
  from: string;
  to: string;
  labelLines: string[];
  labelWidth: number;
  labelHeight: number;
  flow: Flow;
  /** Undefined: the inventory does not say. */
  encrypted?: boolean;
  title: string;
}

export interface DiagramGraph {
  roots: DiagramItem[];
  edges: DiagramEdge[];
  counts: { components: number; boundaries: number; connections: number };
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const BOUNDARY_LABELS: Record<BoundaryType, string> = {
  'authorization-boundary': 'Authorization boundary',
  account: 'Account',
  vpc: 'VPC',
  subnet: 'Subnet',
  zone: 'Zone',
  external: 'External',
};

/** Data classes that make a flow or a component CUI (the DFARS "covered defense information" is CUI). */
const CUI = new Set(['cui', 'cdi']);

export function flowOf(data: readonly string[] | undefined): Flow {
  if (data?.some((d) => CUI.has(d))) return 'cui';
  if (data?.includes('fci')) return 'fci';
  return 'other';
}

function componentOf(component: InventoryComponent, key: string, measure: Measure): DiagramComponent {
  const s = STYLE.component;
  const typeLine = [component.type, component.provider].filter(Boolean).join(' \u00b7 ').toUpperCase();
  const nameLines = wrapText(component.name, s.textWidth, s.nameSize, s.nameLines, measure, 600);
  const flow = flowOf(component.handles);
  const tag = flow === 'cui' ? 'CUI' : flow === 'fci' ? 'FCI' : undefined;
  const tagWidth = tag ? measure(tag, STYLE.tag.size, 600) + 2 * STYLE.tag.padX + 8 : 0;
  const inner = Math.max(...nameLines.map((l) => measure(l, s.nameSize, 600)), measure(typeLine, s.typeSize) + tagWidth);
  return {
    kind: 'component',
    key,
    id: component.id,
    type: component.type,
    typeLine,
    nameLines,
    ...(tag ? { tag } : {}),
    title: [`${component.name} (${component.id})`, component.description].filter(Boolean).join(': '),
    width: Math.ceil(Math.max(s.minWidth, inner + 2 * s.padX)),
    height: Math.ceil(s.padTop + STYLE.tag.height + s.typeGap + nameLines.length * s.nameLine + s.padBottom),
  };
}

/** "HTTPS (S3 gateway endpoint)", ":443 · CUI · NOT ENCRYPTED" */
function edgeLabel(connection: InventoryConnection): string[] {
  const facts = [
    ...(connection.port !== undefined ? [`:${connection.port}`] : []),
    ...(connection.data ?? []).map((d) => d.toUpperCase()),
    ...(connection.encrypted === false ? ['NOT ENCRYPTED'] : []),
  ];
  return [connection.protocol ?? 'protocol not stated', facts.join(' \u00b7 ')].filter(Boolean);
}

function edgeOf(connection: InventoryConnection, key: string, from: string, to: string, measure: Measure): DiagramEdge {
  const s = STYLE.edge;
  const [protocol, facts] = edgeLabel(connection);
  const lines = [
    ...wrapText(protocol!, s.maxWidth, s.size, s.lines - (facts ? 1 : 0), measure),
    ...(facts ? wrapText(facts, s.maxWidth, s.size, 1, measure, 600) : []),
  ];
  return {
    key,
    from,
    to,
    labelLines: lines,
    labelWidth: Math.ceil(Math.max(...lines.map((l) => measure(l, s.size, 600))) + 2 * s.padX),
    labelHeight: Math.ceil(lines.length * s.line + 2 * s.padY),
    flow: flowOf(connection.data),
    ...(connection.encrypted !== undefined ? { encrypted: connection.encrypted } : {}),
    title: [
      `${connection.from} \u2192 ${connection.to}`,
      connection.protocol,
      connection.port !== undefined ? `port ${connection.port}` : undefined,
      connection.description,
    ]
      .filter(Boolean)
      .join(', '),
  };
}

/**
 * Labels each box, inside out; returns the narrowest the box can be laid out. ELK's hierarchical
 * layout does not honour a minimum size for a box with children, so a box's label is wrapped to
 * what the box is sure to be as wide as (its widest child and its padding), on as many lines as
 * that takes; an empty box is as wide as its label.
 */
function labelBoundaries(item: DiagramItem, boundaries: ReadonlyMap<string, InventoryBoundary>, measure: Measure): number {
  if (item.kind === 'component') return item.width;
  const s = STYLE.boundary;
  const inner = Math.max(0, ...item.children.map((child) => labelBoundaries(child, boundaries, measure)));
  const boundary = boundaries.get(item.id)!;
  const label = boundary.type ? `${BOUNDARY_LABELS[boundary.type]}: ${boundary.name}` : boundary.name;
  const wrapAt = item.children.length === 0 ? s.maxWidth : Math.max(s.minLabelWidth, inner);
  item.labelLines = wrapText(label, wrapAt, s.size, s.lines, measure, 600);
  const labelWidth = Math.ceil(Math.max(...item.labelLines.map((l) => measure(l, s.size, 600))));
  item.padTop = Math.ceil(s.padTop + item.labelLines.length * s.line + 6);
  item.minWidth = Math.max(labelWidth, inner) + 2 * s.padSide;
  item.minHeight = Math.ceil(s.padTop + item.labelLines.length * s.line + s.minHeight);
  return item.minWidth;
}

/**
 * The diagram's graph. Throws when boundaries enclose each other in a cycle (the schema cannot
 * say it; the load stage checks references inside a file only).
 */
export function architectureGraph(inventory: Inventory, measure: Measure = textWidth): DiagramGraph {
  const boundaries = [...inventory.boundaries].sort((a, b) => byCodeUnits(a.id, b.id));
  const known = new Set(boundaries.map((b) => b.id));
  const parentOf = new Map(boundaries.map((b) => [b.id, b.parent !== undefined && known.has(b.parent) ? b.parent : undefined]));
  for (const boundary of boundaries) {
    const seen = new Set<string>([boundary.id]);
    for (let p = parentOf.get(boundary.id); p !== undefined; p = parentOf.get(p)) {
      if (seen.has(p)) {
        throw new InfracastError('INVENTORY_INVALID', `inventory boundaries enclose each other in a cycle: ${[...seen, p].join(' -> ')}`, {
          hints: ['Give each boundary the parent that encloses it; the outermost (the authorization boundary, external) has none.'],
        });
      }
      seen.add(p);
    }
  }
  const boxes = new Map<string, DiagramBoundary>(
    boundaries.map((b, i) => [
      b.id,
      {
        kind: 'boundary',
        key: `b${i}`,
        id: b.id,
        ...(b.type ? { type: b.type } : {}),
        labelLines: [],
        padTop: 0,
        minWidth: 0,
        minHeight: 0,
        title: `${b.name} (${b.id})`,
        children: [],
      },
    ]),
  );
  const roots: DiagramItem[] = [];
  for (const b of boundaries) {
    const parent = parentOf.get(b.id);
    (parent !== undefined ? boxes.get(parent)!.children : roots).push(boxes.get(b.id)!);
  }
  const components = [...inventory.components].sort((a, b) => byCodeUnits(a.id, b.id));
  const keyOf = new Map<string, string>();
  components.forEach((component, i) => {
    const item = componentOf(component, `c${i}`, measure);
    keyOf.set(component.id, item.key);
    const box = component.boundary !== undefined ? boxes.get(component.boundary) : undefined;
    (box ? box.children : roots).push(item);
  });
  const byId = new Map(boundaries.map((b) => [b.id, b]));
  for (const item of roots) labelBoundaries(item, byId, measure);
  const connections = inventory.connections
    .filter((c) => keyOf.has(c.from) && keyOf.has(c.to))
    .sort(
      (a, b) =>
        byCodeUnits(a.from, b.from) ||
        byCodeUnits(a.to, b.to) ||
        byCodeUnits(a.protocol ?? '', b.protocol ?? '') ||
        (a.port ?? -1) - (b.port ?? -1) ||
        byCodeUnits(JSON.stringify(a), JSON.stringify(b)),
    );
  const edges = connections.map((c, i) => edgeOf(c, `e${i}`, keyOf.get(c.from)!, keyOf.get(c.to)!, measure));
  return { roots, edges, counts: { components: components.length, boundaries: boundaries.length, connections: edges.length } };
}
