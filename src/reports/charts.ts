/**
 * SVG charts written beside a report (DESIGN.md "Rendering": "SVG charts and diagrams are files
 * beside the report"). The ReportModel carries the chart data (ChartData); this module turns it
 * into SVG text. Pure and hand-written rather than a charting library, so that:
 *
 * - the bytes are deterministic on every Node version: numbers go through `num` (toFixed, never
 *   Intl or toLocale*), data arrives already ordered, nothing depends on the clock;
 * - the file is self-contained and inert: no scripts, no external references (no href at all), a
 *   generic font family, every text node XML-escaped (framework and family names can come from a
 *   workspace's own catalog);
 * - it is accessible: <title> and <desc> (the desc reads the data out), a <title> on every mark,
 *   and series that differ by dash pattern and marker shape as well as by colour.
 */

/** A line per series over shared categories (runs); values are fractions 0..1, null where unknown. */
export interface LineChart {
  kind: 'line';
  /** File name, also the prefix of the ids inside the SVG (unique when several are inlined in one HTML page). */
  fileName: string;
  title: string;
  description: string;
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
}

/** One horizontal bar per label. */
export interface BarChart {
  kind: 'bar';
  fileName: string;
  title: string;
  description: string;
  bars: { label: string; value: number; tone: string }[];
}

/** One horizontal bar per row, split into segments (same segment keys in every row). */
export interface StackedBarChart {
  kind: 'stacked-bar';
  fileName: string;
  title: string;
  description: string;
  segments: { key: string; label: string; tone: string }[];
  rows: { label: string; caption: string; values: number[] }[];
}

export type ChartData = LineChart | BarChart | StackedBarChart;

/** A chart as a file: what the caller writes next to the report. */
export interface ChartFile {
  fileName: string;
  title: string;
  svg: string;
}

/** Colours by tone name: the palette is fixed here so that chart data stays free of presentation. */
const TONES: Readonly<Record<string, string>> = {
  critical: '#8E0152',
  high: '#C51B7D',
  medium: '#E08214',
  low: '#4393C3',
  informational: '#878787',
  passing: '#1B7837',
  failing: '#B2182B',
  'not-assessed': '#BABABA',
  'not-applicable': '#E7E7E7',
};
/** Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), then dash and marker per series. */
const SERIES_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const SERIES_DASHES = ['', '6 3', '2 3', '8 3 2 3'];
const MARKERS = ['circle', 'square', 'diamond', 'triangle'] as const;
const FONT = 'font-family="sans-serif"';

/** Fixed formatting: one decimal at most, no "-0", no exponent for the sizes charts use. */
export function num(n: number): string {
  const fixed = n.toFixed(1);
  const trimmed = fixed.endsWith('.0') ? fixed.slice(0, -2) : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

export function escapeXml(text: string): string {
  return (
    text
      // Control characters are not allowed in XML 1.0 at all.
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

const idOf = (fileName: string): string => fileName.replace(/\.svg$/, '').replace(/[^A-Za-z0-9_-]/g, '-');
const tone = (name: string): string => TONES[name] ?? '#666666';

function svgDocument(chart: ChartData, width: number, height: number, body: string[]): string {
  const id = idOf(chart.fileName);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc">`,
    `<title id="${id}-title">${escapeXml(chart.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(chart.description)}</desc>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#FFFFFF"/>`,
    `<text x="16" y="24" ${FONT} font-size="15" font-weight="bold" fill="#222222">${escapeXml(chart.title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function marker(shape: (typeof MARKERS)[number], x: number, y: number, colour: string, label: string): string {
  const title = `<title>${escapeXml(label)}</title>`;
  const fill = `fill="${colour}" stroke="#FFFFFF" stroke-width="1"`;
  switch (shape) {
    case 'circle':
      return `<circle cx="${num(x)}" cy="${num(y)}" r="4.5" ${fill}>${title}</circle>`;
    case 'square':
      return `<rect x="${num(x - 4)}" y="${num(y - 4)}" width="8" height="8" ${fill}>${title}</rect>`;
    case 'diamond':
      return `<polygon points="${num(x)},${num(y - 5.5)} ${num(x + 5.5)},${num(y)} ${num(x)},${num(y + 5.5)} ${num(x - 5.5)},${num(y)}" ${fill}>${title}</polygon>`;
    case 'triangle':
      return `<polygon points="${num(x)},${num(y - 5.5)} ${num(x + 5.5)},${num(y + 4.5)} ${num(x - 5.5)},${num(y + 4.5)}" ${fill}>${title}</polygon>`;
  }
}

function lineChart(chart: LineChart): string {
  const width = 760;
  const height = 360;
  const left = 56;
  const top = 48;
  const plotWidth = 460;
  const plotHeight = 250;
  const n = chart.categories.length;
  const xOf = (i: number): number => (n <= 1 ? left + plotWidth / 2 : left + (i * plotWidth) / (n - 1));
  const yOf = (v: number): number => top + plotHeight - v * plotHeight;
  const body: string[] = [];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const y = yOf(tick);
    body.push(`<line x1="${left}" y1="${num(y)}" x2="${left + plotWidth}" y2="${num(y)}" stroke="#DDDDDD" stroke-width="1"/>`);
    body.push(`<text x="${left - 6}" y="${num(y + 4)}" ${FONT} font-size="11" text-anchor="end" fill="#444444">${num(tick * 100)}%</text>`);
  }
  // At most about eight date labels fit under the plot; the last run is always labelled.
  const step = Math.max(1, Math.ceil(n / 8));
  chart.categories.forEach((category, i) => {
    if (i % step !== 0 && i !== n - 1) return;
    body.push(`<text x="${num(xOf(i))}" y="${top + plotHeight + 18}" ${FONT} font-size="11" text-anchor="middle" fill="#444444">${escapeXml(category)}</text>`);
  });
  body.push(
    `<text x="${left}" y="${height - 12}" ${FONT} font-size="11" fill="#444444">Score = passing / assessed controls, per framework (no overall score)</text>`,
  );
  chart.series.forEach((series, s) => {
    const colour = SERIES_COLOURS[s % SERIES_COLOURS.length]!;
    const dash = SERIES_DASHES[s % SERIES_DASHES.length]!;
    const shape = MARKERS[s % MARKERS.length]!;
    // A run without a score (nothing assessed) breaks the line rather than drawing through it.
    let d = '';
    let pen = false;
    series.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${d ? ' ' : ''}${pen ? 'L' : 'M'}${num(xOf(i))},${num(yOf(v))}`;
      pen = true;
    });
    body.push(`<g>`);
    body.push(`<title>${escapeXml(series.name)}</title>`);
    if (d) body.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    series.values.forEach((v, i) => {
      if (v !== null) body.push(marker(shape, xOf(i), yOf(v), colour, `${series.name}, ${chart.categories[i] ?? ''}: ${percent(v)}`));
    });
    const last = [...series.values].reverse().find((v): v is number => v !== null);
    const ly = top + 8 + s * 22;
    const lx = left + plotWidth + 24;
    body.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    body.push(marker(shape, lx + 14, ly, colour, series.name));
    body.push(
      `<text x="${lx + 36}" y="${ly + 4}" ${FONT} font-size="12" fill="#222222">${escapeXml(`${series.name}: ${last === undefined ? 'n/a' : percent(last)}`)}</text>`,
    );
    body.push(`</g>`);
  });
  return svgDocument(chart, width, height, body);
}

function barChart(chart: BarChart): string {
  const labelWidth = 130;
  const barArea = 340;
  const rowHeight = 28;
  const top = 44;
  const width = labelWidth + barArea + 90;
  const height = top + chart.bars.length * rowHeight + 16;
  const max = Math.max(1, ...chart.bars.map((b) => b.value));
  const body: string[] = [];
  chart.bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    const w = (bar.value / max) * barArea;
    body.push(`<text x="${labelWidth - 8}" y="${y + 16}" ${FONT} font-size="12" text-anchor="end" fill="#222222">${escapeXml(bar.label)}</text>`);
    body.push(
      `<rect x="${labelWidth}" y="${y + 4}" width="${num(w)}" height="${rowHeight - 8}" fill="${tone(bar.tone)}"><title>${escapeXml(`${bar.label}: ${bar.value}`)}</title></rect>`,
    );
    body.push(`<text x="${num(labelWidth + w + 6)}" y="${y + 16}" ${FONT} font-size="12" fill="#222222">${bar.value}</text>`);
  });
  return svgDocument(chart, width, height, body);
}

function stackedBarChart(chart: StackedBarChart): string {
  const labelWidth = 72;
  const barArea = 440;
  const rowHeight = 22;
  const legendTop = 40;
  const top = 68;
  const width = labelWidth + barArea + 130;
  const height = top + chart.rows.length * rowHeight + 16;
  const max = Math.max(1, ...chart.rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  const body: string[] = [];
  let lx = labelWidth;
  for (const segment of chart.segments) {
    body.push(`<rect x="${lx}" y="${legendTop}" width="12" height="12" fill="${tone(segment.tone)}" stroke="#888888" stroke-width="0.5"/>`);
    body.push(`<text x="${lx + 16}" y="${legendTop + 10}" ${FONT} font-size="11" fill="#222222">${escapeXml(segment.label)}</text>`);
    lx += 24 + segment.label.length * 6.5;
  }
  chart.rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    const total = row.values.reduce((a, b) => a + b, 0);
    body.push(`<g>`);
    body.push(`<title>${escapeXml(`${row.caption}: ${chart.segments.map((s, k) => `${row.values[k] ?? 0} ${s.label.toLowerCase()}`).join(', ')}`)}</title>`);
    body.push(`<text x="${labelWidth - 8}" y="${y + 15}" ${FONT} font-size="11" text-anchor="end" fill="#222222">${escapeXml(row.label)}</text>`);
    let x = labelWidth;
    chart.segments.forEach((segment, k) => {
      const value = row.values[k] ?? 0;
      if (value === 0) return;
      const w = (value / max) * barArea;
      body.push(
        `<rect x="${num(x)}" y="${y + 3}" width="${num(w)}" height="${rowHeight - 6}" fill="${tone(segment.tone)}" stroke="#FFFFFF" stroke-width="0.5"><title>${escapeXml(`${row.label} ${segment.label.toLowerCase()}: ${value}`)}</title></rect>`,
      );
      x += w;
    });
    const failing = chart.segments.findIndex((s) => s.key === 'failing');
    const caption = failing >= 0 ? `${row.values[failing] ?? 0} failing of ${total}` : `${total}`;
    body.push(`<text x="${num(x + 6)}" y="${y + 15}" ${FONT} font-size="11" fill="#444444">${escapeXml(caption)}</text>`);
    body.push(`</g>`);
  });
  return svgDocument(chart, width, height, body);
}

export function renderChart(chart: ChartData): ChartFile {
  const svg = chart.kind === 'line' ? lineChart(chart) : chart.kind === 'bar' ? barChart(chart) : stackedBarChart(chart);
  return { fileName: chart.fileName, title: chart.title, svg };
}
