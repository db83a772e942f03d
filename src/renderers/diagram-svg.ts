/**
 * The architecture diagram as SVG, the master from which the PNG and the PDF are made and which
 * the SSP embeds (its section 8.1, `include_architecture_diagram`).
 *
 * Byte-identical for the same inventory: the graph is sorted (diagram-graph.ts), ELK's layout is
 * deterministic, numbers are written with one decimal by our own function, and ids are fixed.
 * Inert whatever the inventory says: every text is XML-escaped (characters XML cannot hold are
 * dropped), no id or attribute comes from the inventory, and the only references are to the
 * SVG's own markers (`url(#...)`): no href, no script, no style sheet, nothing loaded.
 */
import type { BoundaryType, Inventory } from '../model/inventory.js';
import { architectureGraph, BOUNDARY_LABELS, STYLE } from './diagram-graph.js';
import type { DiagramBoundary, DiagramComponent, DiagramEdge, DiagramGraph, DiagramItem, Flow } from './diagram-graph.js';
import { layoutDiagram } from './diagram-layout.js';
import type { Box, DiagramLayout } from './diagram-layout.js';
import { textWidth } from './diagram-text.js';
import { SANS } from './fonts.js';

export interface ArchitectureSvgOptions {
  /** The heading (default: the inventory's name, else "System architecture"). */
  title?: string;
  /** A marking printed centred above and below the drawing (the CUI banner). */
  banner?: string;
  /** Prefix of the SVG's few ids (markers, title): an SVG inlined twice in one page keeps them apart. */
  idPrefix?: string;
}

/** The measured diagram: what the SVG was drawn from (the bench times the layout alone with it). */
export interface ArchitectureDrawing {
  svg: string;
  width: number;
  height: number;
  /** Milliseconds spent in ELK's layout. */
  layoutMs: number;
}

const FONT = `font-family="'${SANS}', sans-serif"`;
const MARGIN = 24;

/** One decimal, no "-0", no exponent: the same number is always written the same way. */
export function num(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return rounded === 0 ? '0' : String(rounded);
}

/** Text for XML content and double-quoted attributes; characters XML 1.0 cannot hold are dropped. */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- tab, newline and carriage return are the control characters XML allows
      .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
  );
}

const BOUNDARY_STYLE: Record<BoundaryType | 'none', { stroke: string; fill: string; width: number; dash?: string; label: string }> = {
  'authorization-boundary': { stroke: '#B42318', fill: '#FFFBFA', width: 2.5, dash: '10 5', label: '#912018' },
  account: { stroke: '#475467', fill: '#F9FAFB', width: 1.5, label: '#344054' },
  vpc: { stroke: '#1570EF', fill: '#F5FAFF', width: 1.5, label: '#175CD3' },
  subnet: { stroke: '#84CAFF', fill: '#FFFFFF', width: 1.2, dash: '5 3', label: '#1849A9' },
  zone: { stroke: '#6941C6', fill: '#FCFAFF', width: 1.5, dash: '6 4', label: '#53389E' },
  external: { stroke: '#667085', fill: '#F2F4F7', width: 1.5, dash: '2 4', label: '#344054' },
  none: { stroke: '#98A2B3', fill: '#FFFFFF', width: 1, label: '#344054' },
};

const FLOW_STYLE: Record<Flow, { stroke: string; width: number; text: string; legend: string }> = {
  cui: { stroke: '#D92D20', width: 2.2, text: '#B42318', legend: 'CUI (or CDI) flows' },
  fci: { stroke: '#E04F16', width: 2, text: '#B93815', legend: 'FCI flows (no CUI)' },
  other: { stroke: '#475467', width: 1.3, text: '#344054', legend: 'Other data' },
};

const TAG_STYLE: Record<'CUI' | 'FCI', string> = { CUI: FLOW_STYLE.cui.stroke, FCI: FLOW_STYLE.fci.stroke };

/** Line pattern of a connection: solid when encrypted, dashed when not, dotted when the inventory does not say. */
const dashOf = (encrypted: boolean | undefined): string =>
  encrypted === true ? '' : encrypted === false ? ' stroke-dasharray="7 4"' : ' stroke-dasharray="2 3"';

/** Left bar of a component by what it is, to scan the drawing by kind. */
const TYPE_COLOURS: Record<string, string> = {
  user: '#7A5AF8',
  external: '#667085',
  saas: '#667085',
  network: '#1570EF',
  'load-balancer': '#1570EF',
  compute: '#0E9384',
  container: '#0E9384',
  function: '#0E9384',
  database: '#DC6803',
  storage: '#DC6803',
  queue: '#DC6803',
  identity: '#6941C6',
  security: '#6941C6',
  logging: '#6941C6',
};

class Writer {
  readonly out: string[] = [];
  constructor(readonly ids: string) {}
  text(x: number, y: number, content: string, attrs: string): void {
    this.out.push(`<text x="${num(x)}" y="${num(y)}" ${FONT} ${attrs}>${escapeXml(content)}</text>`);
  }
}

function drawBoundary(w: Writer, item: DiagramBoundary, box: Box): void {
  const style = BOUNDARY_STYLE[item.type ?? 'none'];
  w.out.push(
    `<rect x="${num(box.x)}" y="${num(box.y)}" width="${num(box.width)}" height="${num(box.height)}" rx="4" fill="${style.fill}" stroke="${style.stroke}" stroke-width="${style.width}"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}><title>${escapeXml(item.title)}</title></rect>`,
  );
}

/** A box's label, drawn over the connections that cross it with a halo of the box's colour, so that it stays legible. */
function drawBoundaryLabel(w: Writer, item: DiagramBoundary, box: Box): void {
  const style = BOUNDARY_STYLE[item.type ?? 'none'];
  const s = STYLE.boundary;
  item.labelLines.forEach((line, i) =>
    w.text(
      box.x + s.padSide / 2 + 2,
      box.y + s.padTop + (i + 1) * s.line - 4,
      line,
      `font-size="${s.size}" font-weight="600" fill="${style.label}" stroke="${style.fill}" stroke-width="3" stroke-linejoin="round" paint-order="stroke"`,
    ),
  );
}

function drawComponent(w: Writer, item: DiagramComponent, box: Box): void {
  const s = STYLE.component;
  const t = STYLE.tag;
  const colour = TYPE_COLOURS[item.type] ?? '#667085';
  w.out.push(`<g><title>${escapeXml(item.title)}</title>`);
  w.out.push(
    `<rect x="${num(box.x)}" y="${num(box.y)}" width="${num(box.width)}" height="${num(box.height)}" rx="5" fill="#FFFFFF" stroke="#344054" stroke-width="1"/>`,
  );
  w.out.push(`<rect x="${num(box.x + 0.5)}" y="${num(box.y + 0.5)}" width="4" height="${num(box.height - 1)}" rx="2" fill="${colour}"/>`);
  const typeBaseline = box.y + s.padTop + t.height - 3.5;
  w.text(box.x + s.padX, typeBaseline, item.typeLine, `font-size="${s.typeSize}" fill="#475467" letter-spacing="0.2"`);
  if (item.tag) {
    const width = textWidth(item.tag, t.size, 600) + 2 * t.padX;
    const x = box.x + box.width - s.padX - width;
    w.out.push(`<rect x="${num(x)}" y="${num(box.y + s.padTop)}" width="${num(width)}" height="${t.height}" rx="3" fill="${TAG_STYLE[item.tag]}"/>`);
    w.text(x + t.padX, typeBaseline, item.tag, `font-size="${t.size}" font-weight="600" fill="#FFFFFF"`);
  }
  item.nameLines.forEach((line, i) =>
    w.text(
      box.x + s.padX,
      box.y + s.padTop + t.height + s.typeGap + (i + 1) * s.nameLine - 4,
      line,
      `font-size="${s.nameSize}" font-weight="600" fill="#101828"`,
    ),
  );
  w.out.push('</g>');
}

function drawEdge(w: Writer, edge: DiagramEdge, layout: DiagramLayout): void {
  const route = layout.edges.get(edge.key);
  if (!route) return;
  const style = FLOW_STYLE[edge.flow];
  const d = route.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${num(p.x)} ${num(p.y)}`).join(' ');
  w.out.push(
    `<path d="${d}" fill="none" stroke="${style.stroke}" stroke-width="${style.width}"${dashOf(edge.encrypted)} stroke-linejoin="round" marker-end="url(#${w.ids}arrow-${edge.flow})"><title>${escapeXml(edge.title)}</title></path>`,
  );
}

function drawEdgeLabel(w: Writer, edge: DiagramEdge, layout: DiagramLayout): void {
  const label = layout.edges.get(edge.key)?.label;
  if (!label) return;
  const s = STYLE.edge;
  const style = FLOW_STYLE[edge.flow];
  w.out.push(
    `<g><title>${escapeXml(edge.title)}</title><rect x="${num(label.x)}" y="${num(label.y)}" width="${num(label.width)}" height="${num(label.height)}" rx="3" fill="#FFFFFF" fill-opacity="0.92" stroke="${style.stroke}" stroke-width="0.6"/>`,
  );
  edge.labelLines.forEach((line, i) =>
    w.text(
      label.x + label.width / 2,
      label.y + s.padY + (i + 1) * s.line - 3.5,
      line,
      `font-size="${s.size}"${i === edge.labelLines.length - 1 && edge.labelLines.length > 1 ? ' font-weight="600"' : ''} fill="${style.text}" text-anchor="middle"`,
    ),
  );
  w.out.push('</g>');
}

/** Boxes outside in (each over the one that holds it) and components, in drawing order. */
function collect(items: readonly DiagramItem[], boxes: DiagramBoundary[], components: DiagramComponent[]): void {
  for (const item of items) {
    if (item.kind === 'component') components.push(item);
    else {
      boxes.push(item);
      collect(item.children, boxes, components);
    }
  }
}

function boundaryTypes(items: readonly DiagramItem[], into = new Set<BoundaryType | 'none'>()): Set<BoundaryType | 'none'> {
  for (const item of items) {
    if (item.kind !== 'boundary') continue;
    into.add(item.type ?? 'none');
    boundaryTypes(item.children, into);
  }
  return into;
}

const LEGEND = { size: 11.5, row: 19, head: 12, gap: 28, swatch: 30, pad: 12 };

/** The legend's columns: each a heading and rows of (swatch, text). */
function legendColumns(graph: DiagramGraph): { heading: string; rows: { swatch: (w: Writer, x: number, y: number) => void; text: string }[] }[] {
  const order: (BoundaryType | 'none')[] = ['authorization-boundary', 'account', 'vpc', 'subnet', 'zone', 'external', 'none'];
  const used = boundaryTypes(graph.roots);
  const boxSwatch =
    (type: BoundaryType | 'none') =>
    (w: Writer, x: number, y: number): void => {
      const s = BOUNDARY_STYLE[type];
      w.out.push(
        `<rect x="${num(x)}" y="${num(y - 9)}" width="${LEGEND.swatch - 4}" height="12" rx="2" fill="${s.fill}" stroke="${s.stroke}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      );
    };
  const line =
    (flow: Flow, encrypted: boolean | undefined) =>
    (w: Writer, x: number, y: number): void => {
      const s = FLOW_STYLE[flow];
      w.out.push(
        `<path d="M${num(x)} ${num(y - 3)} L${num(x + LEGEND.swatch - 6)} ${num(y - 3)}" stroke="${s.stroke}" stroke-width="${s.width}"${dashOf(encrypted)} marker-end="url(#${w.ids}arrow-${flow})"/>`,
      );
    };
  const tag =
    (name: 'CUI' | 'FCI') =>
    (w: Writer, x: number, y: number): void => {
      const width = textWidth(name, STYLE.tag.size, 600) + 2 * STYLE.tag.padX;
      w.out.push(`<rect x="${num(x)}" y="${num(y - 11)}" width="${num(width)}" height="${STYLE.tag.height}" rx="3" fill="${TAG_STYLE[name]}"/>`);
      w.text(x + STYLE.tag.padX, y - 0.5, name, `font-size="${STYLE.tag.size}" font-weight="600" fill="#FFFFFF"`);
    };
  return [
    {
      heading: 'Boxes',
      rows: order.filter((t) => used.has(t)).map((t) => ({ swatch: boxSwatch(t), text: t === 'none' ? 'Boundary (type not stated)' : BOUNDARY_LABELS[t] })),
    },
    {
      heading: 'Connections (arrow: direction of the flow)',
      rows: [
        { swatch: line('cui', true), text: FLOW_STYLE.cui.legend },
        { swatch: line('fci', true), text: FLOW_STYLE.fci.legend },
        { swatch: line('other', true), text: `${FLOW_STYLE.other.legend} (label: protocol, :port, data)` },
        { swatch: line('other', true), text: 'Solid: encrypted' },
        { swatch: line('other', false), text: 'Dashed: not encrypted' },
        { swatch: line('other', undefined), text: 'Dotted: encryption not stated' },
      ],
    },
    {
      heading: 'Components (type \u00b7 provider, name)',
      rows: [
        { swatch: tag('CUI'), text: 'stores or processes CUI' },
        { swatch: tag('FCI'), text: 'stores or processes FCI' },
      ],
    },
  ];
}

function legendSize(graph: DiagramGraph): { width: number; height: number } {
  const columns = legendColumns(graph);
  const widths = columns.map((c) => Math.max(textWidth(c.heading, LEGEND.head, 600), ...c.rows.map((r) => LEGEND.swatch + 6 + textWidth(r.text, LEGEND.size))));
  const rows = Math.max(...columns.map((c) => c.rows.length));
  return {
    width: Math.ceil(widths.reduce((a, b) => a + b, 0) + LEGEND.gap * (columns.length - 1) + 2 * LEGEND.pad),
    height: Math.ceil(2 * LEGEND.pad + 18 + rows * LEGEND.row),
  };
}

function drawLegend(w: Writer, graph: DiagramGraph, x0: number, y0: number): void {
  const { width, height } = legendSize(graph);
  w.out.push(`<g><rect x="${num(x0)}" y="${num(y0)}" width="${width}" height="${height}" rx="4" fill="#FFFFFF" stroke="#D0D5DD" stroke-width="1"/>`);
  let x = x0 + LEGEND.pad;
  for (const column of legendColumns(graph)) {
    w.text(x, y0 + LEGEND.pad + 11, column.heading, `font-size="${LEGEND.head}" font-weight="600" fill="#101828"`);
    column.rows.forEach((row, i) => {
      const y = y0 + LEGEND.pad + 18 + (i + 1) * LEGEND.row - 4;
      row.swatch(w, x, y);
      w.text(x + LEGEND.swatch + 6, y, row.text, `font-size="${LEGEND.size}" fill="#344054"`);
    });
    x += Math.max(textWidth(column.heading, LEGEND.head, 600), ...column.rows.map((r) => LEGEND.swatch + 6 + textWidth(r.text, LEGEND.size))) + LEGEND.gap;
  }
  w.out.push('</g>');
}

function markers(ids: string): string {
  return (Object.keys(FLOW_STYLE) as Flow[])
    .map(
      (flow) =>
        `<marker id="${ids}arrow-${flow}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto"><path d="M0 0 L10 5 L0 10 z" fill="${FLOW_STYLE[flow].stroke}"/></marker>`,
    )
    .join('');
}

/** The SVG of a laid-out graph. */
export function drawDiagram(graph: DiagramGraph, layout: DiagramLayout, options: ArchitectureSvgOptions & { title: string }): string {
  const ids = options.idPrefix ?? 'infracast-architecture-';
  const w = new Writer(ids);
  const legend = legendSize(graph);
  const bannerHeight = options.banner ? 22 : 0;
  const titleTop = MARGIN + bannerHeight;
  const top = titleTop + 44;
  const width = Math.ceil(Math.max(layout.width, legend.width, textWidth(options.title, 20, 600)) + 2 * MARGIN);
  const legendTop = top + layout.height + 16;
  const height = Math.ceil(legendTop + legend.height + MARGIN + bannerHeight);
  const { components, boundaries, connections } = graph.counts;
  const subtitle = `${components} component${components === 1 ? '' : 's'}, ${boundaries} boundar${boundaries === 1 ? 'y' : 'ies'}, ${connections} connection${connections === 1 ? '' : 's'}`;
  w.out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#FFFFFF"/>`);
  if (options.banner) {
    w.text(width / 2, MARGIN + 2, options.banner, `font-size="13" font-weight="700" fill="#000000" text-anchor="middle" letter-spacing="1"`);
    w.text(width / 2, height - MARGIN + 6, options.banner, `font-size="13" font-weight="700" fill="#000000" text-anchor="middle" letter-spacing="1"`);
  }
  w.text(MARGIN, titleTop + 18, options.title, `font-size="20" font-weight="600" fill="#101828"`);
  w.text(MARGIN, titleTop + 36, subtitle, `font-size="12" fill="#475467"`);
  w.out.push(`<g transform="translate(${MARGIN} ${top})">`);
  const boxes: DiagramBoundary[] = [];
  const items: DiagramComponent[] = [];
  collect(graph.roots, boxes, items);
  for (const item of boxes) drawBoundary(w, item, layout.boxes.get(item.key)!);
  for (const edge of graph.edges) drawEdge(w, edge, layout);
  for (const item of boxes) drawBoundaryLabel(w, item, layout.boxes.get(item.key)!);
  for (const item of items) drawComponent(w, item, layout.boxes.get(item.key)!);
  for (const edge of graph.edges) drawEdgeLabel(w, edge, layout);
  w.out.push('</g>');
  drawLegend(w, graph, MARGIN, legendTop);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${ids}title">`,
    `<title id="${ids}title">${escapeXml(`${options.title}: ${subtitle}`)}</title>`,
    `<defs>${markers(ids)}</defs>`,
    ...w.out,
    '</svg>',
    '',
  ].join('\n');
}

/** The architecture diagram of an inventory, with its size and the layout's time. */
export async function drawArchitecture(inventory: Inventory, options: ArchitectureSvgOptions = {}): Promise<ArchitectureDrawing> {
  const graph = architectureGraph(inventory);
  const started = performance.now();
  const layout = await layoutDiagram(graph);
  const layoutMs = performance.now() - started;
  const title = options.title ?? inventory.name ?? 'System architecture';
  const svg = drawDiagram(graph, layout, { ...options, title });
  const size = /width="(\d+)" height="(\d+)"/.exec(svg)!;
  return { svg, width: Number(size[1]), height: Number(size[2]), layoutMs };
}

/**
 * The architecture diagram of an inventory as an SVG document (what `type: architecture-diagram`
 * writes, and what the SSP embeds as its section 8.1 figure).
 */
export async function architectureSvg(inventory: Inventory, options: ArchitectureSvgOptions = {}): Promise<string> {
  return (await drawArchitecture(inventory, options)).svg;
}
