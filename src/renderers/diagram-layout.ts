/**
 * The architecture diagram laid out by ELK (the Eclipse Layout Kernel, elkjs: its layered
 * algorithm over the whole hierarchy, so that edges between nested boxes are routed too).
 * elkjs is imported on first use only (it is large), in its bundled form: it runs in this thread,
 * no worker. Its layered algorithm is deterministic for a given graph (fixed random seed).
 */
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { STYLE } from './diagram-graph.js';
import type { DiagramEdge, DiagramGraph, DiagramItem } from './diagram-graph.js';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface EdgeRoute {
  points: { x: number; y: number }[];
  label?: Box;
}

export interface DiagramLayout {
  width: number;
  height: number;
  /** Every box and component by key, in the diagram's coordinates. */
  boxes: Map<string, Box>;
  edges: Map<string, EdgeRoute>;
}

/** Edges with one label into one component from this many on are labelled once (layoutDiagram). */
const FAN_IN = 3;

/** Around the whole drawing. */
const PADDING = 12;

const ROOT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  // Left to right: users and the internet on the left, data stores on the right. Going down, a
  // layer of many services made a row as wide as all of them (11,400 pixels at 150 components);
  // going right, the VPCs stack and each box's components are set in a grid (gridEdges).
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '44',
  'elk.layered.spacing.edgeNodeBetweenLayers': '18',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '10',
  'elk.spacing.nodeNode': '22',
  'elk.spacing.edgeNode': '14',
  'elk.spacing.edgeEdge': '10',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.componentComponent': '28',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.layered.mergeEdges': 'true',
  // The greedy switch across the whole hierarchy cost half the time at 500 components (5.7 s of
  // 12) for little: the layer sweeps still minimise crossings across the hierarchy.
  'elk.layered.crossingMinimization.greedySwitchHierarchical.type': 'OFF',
  // One pass of crossing minimisation instead of seven random restarts: 20% of the layout's time at
  // 500 components (the bound is 5 s for the whole render), and no visible loss on acme's diagram.
  'elk.layered.thoroughness': '1',
  'elk.padding': `[top=${PADDING},left=${PADDING},bottom=${PADDING},right=${PADDING}]`,
  // Coordinates of every shape and edge relative to the root: the SVG draws them as they come.
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
};

/** A box with this many components or more has them set in a grid (gridEdges). */
const GRID_FROM = 6;

/**
 * Hidden edges that set a box's components in a grid: ELK's layered algorithm puts nodes with no
 * edge between them in one layer, so forty services of a subnet made one row forty boxes long (a
 * drawing 15,000 pixels wide at 150 components). Component i is tied to component i + rows, which
 * puts it one layer further: `rows` components per layer, layers enough for all. The grid is about
 * as wide as it is high (boxes are some three times wider than high). Not drawn.
 */
function gridEdges(item: DiagramItem & { kind: 'boundary' }, hidden: ElkExtendedEdge[]): void {
  const components = item.children.filter((c) => c.kind === 'component');
  if (components.length < GRID_FROM) return;
  const layers = Math.max(2, Math.round(Math.sqrt(components.length / 2.5)));
  const rows = Math.ceil(components.length / layers);
  for (let i = 0; i + rows < components.length; i++)
    hidden.push({ id: `g${hidden.length}`, sources: [components[i]!.key], targets: [components[i + rows]!.key] });
}

function elkNode(item: DiagramItem, hidden: ElkExtendedEdge[]): ElkNode {
  if (item.kind === 'component') return { id: item.key, width: item.width, height: item.height };
  const s = STYLE.boundary;
  gridEdges(item, hidden);
  return {
    id: item.key,
    layoutOptions: {
      'elk.padding': `[top=${item.padTop},left=${s.padSide},bottom=${s.padBottom},right=${s.padSide}]`,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${item.minWidth}, ${item.minHeight})`,
    },
    children: item.children.map((child) => elkNode(child, hidden)),
    // An empty box keeps its label's size.
    ...(item.children.length === 0 ? { width: item.minWidth, height: item.minHeight } : {}),
  };
}

let elk: Promise<ELK> | undefined;

async function layoutEngine(): Promise<ELK> {
  // The bundle is CommonJS (module.exports = the constructor); its typings say `export default`.
  elk ??= import('elkjs/lib/elk.bundled.js').then((module) => new (module.default as unknown as new () => ELK)());
  return elk;
}

export async function layoutDiagram(graph: DiagramGraph): Promise<DiagramLayout> {
  // Edges from one component with the same label (agency users to a dozen load balancers, all
  // "HTTPS :443 · CUI") leave it as one line that branches (mergeEdges), and that line carries the
  // label once, near the source; likewise edges into one component (every service to the log
  // archive, from FAN_IN edges on: two could be told apart only by their own labels), labelled once
  // near the target. A dozen identical labels told the reader nothing more.
  const textOf = (e: DiagramEdge): string => e.labelLines.join('\n');
  const count = (key: string, counts: Map<string, number>): number => counts.get(key) ?? 0;
  const fromCounts = new Map<string, number>();
  const toCounts = new Map<string, number>();
  for (const e of graph.edges) {
    fromCounts.set(`${e.from}\u0000${textOf(e)}`, count(`${e.from}\u0000${textOf(e)}`, fromCounts) + 1);
    toCounts.set(`${e.to}\u0000${textOf(e)}`, count(`${e.to}\u0000${textOf(e)}`, toCounts) + 1);
  }
  const labelled = new Set<string>();
  const edges: ElkExtendedEdge[] = graph.edges.map((e) => {
    const text = textOf(e);
    const group =
      count(`${e.from}\u0000${text}`, fromCounts) > 1
        ? `from\u0000${e.from}\u0000${text}`
        : count(`${e.to}\u0000${text}`, toCounts) >= FAN_IN
          ? `to\u0000${e.to}\u0000${text}`
          : undefined;
    const placement = group === undefined ? 'CENTER' : group.startsWith('from') ? 'TAIL' : 'HEAD';
    const first = group === undefined || !labelled.has(group);
    if (group !== undefined) labelled.add(group);
    return {
      id: e.key,
      sources: [e.from],
      targets: [e.to],
      // The placement is set on the label itself: set on the graph only, ELK's hierarchical layout left the labels at (0, 0).
      labels: first ? [{ id: `${e.key}l`, text, width: e.labelWidth, height: e.labelHeight, layoutOptions: { 'elk.edgeLabels.placement': placement } }] : [],
    };
  });
  const hidden: ElkExtendedEdge[] = [];
  const children = graph.roots.map((item) => elkNode(item, hidden));
  const root: ElkNode = { id: 'root', layoutOptions: ROOT_OPTIONS, children, edges: [...edges, ...hidden] };
  const laid = await (await layoutEngine()).layout(root);
  const boxes = new Map<string, Box>();
  const visit = (nodes: ElkNode[] | undefined): void => {
    for (const node of nodes ?? []) {
      boxes.set(node.id, { x: node.x ?? 0, y: node.y ?? 0, width: node.width ?? 0, height: node.height ?? 0 });
      visit(node.children);
    }
  };
  visit(laid.children);
  const routes = new Map<string, EdgeRoute>();
  const collect = (node: ElkNode): void => {
    for (const edge of node.edges ?? []) {
      if (edge.id.startsWith('g')) continue;
      const section = edge.sections?.[0];
      if (!section) continue;
      const label = edge.labels?.[0];
      routes.set(edge.id, {
        points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => ({ x: p.x, y: p.y })),
        ...(label ? { label: { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 } } : {}),
      });
    }
    for (const child of node.children ?? []) collect(child);
  };
  collect(laid);
  return { width: laid.width ?? 0, height: laid.height ?? 0, boxes, edges: routes };
}
