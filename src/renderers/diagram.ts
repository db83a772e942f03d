/**
 * The architecture diagram's formats: SVG (the master), and PNG and PDF made from that SVG.
 * - PNG: drawn by resvg (svg-raster.ts), not by the browser: resvg draws the text in the very
 *   Source Sans 3 the layout measured, the bytes are the same on every machine, and a PNG needs
 *   no Chromium. Twice the SVG's size (sharp when zoomed), less for a drawing so large that the
 *   image would pass PNG_MAX_PIXELS.
 * - PDF: the run's browser prints a page holding the SVG (the PDF's fonts inlined, nothing
 *   loaded), one page the size of the drawing: a vector figure a reader zooms into, and which a
 *   print dialog fits to paper. Its Info dates are the run's instant (SOURCE_DATE_EPOCH pins them).
 * The layout is made once per model and shared by the formats of a run.
 */
import { ExitCode, InfracastError } from '../errors.js';
import type { OutputFormat } from '../model/definitions.js';
import type { ReportModel } from '../model/report-model.js';
import { INVENTORY_SECTION } from '../model/inventory.js';
import type { Inventory } from '../model/inventory.js';
import { drawArchitecture } from './diagram-svg.js';
import type { ArchitectureDrawing } from './diagram-svg.js';
import { fontFaceCss } from './fonts.js';
import { organisation } from './html.js';
import type { RenderContext, Renderer } from './renderer.js';
import { rasteriseSvg } from './svg-raster.js';

/** About 200 MB of pixels in memory at most. */
const PNG_MAX_PIXELS = 50_000_000;
/** The largest page a PDF may have (200 inches, PDF 1.7 Annex C), in CSS pixels. */
const PDF_MAX_PX = 200 * 96;

/** The inventory an architecture-diagram model was built from (reports/architecture.ts). */
function inventoryOfModel(model: ReportModel): Inventory | undefined {
  const data = model.sections.find((s) => s.id === INVENTORY_SECTION)?.data;
  return model.kind === 'architecture-diagram' && data ? (data.inventory as Inventory) : undefined;
}

const drawings = new WeakMap<object, Promise<ArchitectureDrawing>>();

/** The model's drawing, laid out once (the formats of one definition share the model's section data). */
export function drawingOf(model: ReportModel): Promise<ArchitectureDrawing> {
  const inventory = inventoryOfModel(model);
  if (!inventory) throw new InfracastError('TYPE_UNAVAILABLE', `${model.kind} is not drawn as an architecture diagram`);
  let drawing = drawings.get(inventory);
  if (!drawing) {
    const banner = model.meta.classification?.banner;
    drawing = drawArchitecture(inventory, { title: model.meta.title, ...(banner ? { banner } : {}) });
    drawings.set(inventory, drawing);
  }
  return drawing;
}

export const diagramSvgRenderer: Renderer = {
  format: 'svg' as OutputFormat,
  async render(model: ReportModel): Promise<Uint8Array> {
    return new TextEncoder().encode((await drawingOf(model)).svg);
  },
};

export const diagramPngRenderer: Renderer = {
  format: 'png' as OutputFormat,
  async render(model: ReportModel): Promise<Uint8Array> {
    const { svg, width, height } = await drawingOf(model);
    const scale = Math.min(2, Math.sqrt(PNG_MAX_PIXELS / (width * height)));
    // rasteriseSvg draws at twice the width it is given (whole pixels, rounded up).
    return rasteriseSvg(svg, Math.floor(width * scale) / 2);
  },
};

function noBrowser(): InfracastError {
  return new InfracastError('BROWSER_NOT_FOUND', 'the PDF of the architecture diagram needs Chrome or Chromium, and none was provided to this render', {
    exitCode: ExitCode.Environment,
    hints: ['Install Chromium (`apt-get install chromium`) or Google Chrome, or set CHROME_PATH to its executable; svg and png need no browser.'],
  });
}

/** The page printed: the SVG at its size (scaled down to the largest PDF page if need be). */
export function diagramPageHtml(drawing: ArchitectureDrawing, title: string): string {
  const scale = Math.min(1, PDF_MAX_PX / Math.max(drawing.width, drawing.height));
  const width = Math.ceil(drawing.width * scale);
  const height = Math.ceil(drawing.height * scale);
  const svg = drawing.svg.replace(/^<svg ([^>]*?)width="\d+" height="\d+"/, `<svg $1width="${width}" height="${height}"`);
  const escapedTitle = title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapedTitle}</title><style>${fontFaceCss()}
@page{size:${width}px ${height}px;margin:0}html,body{margin:0;padding:0}svg{display:block}</style></head><body>${svg}</body></html>`;
}

export const diagramPdfRenderer: Renderer = {
  format: 'pdf' as OutputFormat,
  async render(model: ReportModel, ctx: RenderContext): Promise<Uint8Array> {
    if (!ctx.browser) throw noBrowser();
    const drawing = await drawingOf(model);
    const session = await ctx.browser();
    const printed = await session.printPdf(diagramPageHtml(drawing, model.meta.title), {});
    for (const url of printed.blocked) ctx.warn?.(`the PDF page tried to load ${url}: refused (a diagram loads nothing)`);
    const lib = await import('@cantoo/pdf-lib');
    const doc = await lib.PDFDocument.load(printed.pdf, { updateMetadata: false });
    const date = new Date(model.meta.generatedAt);
    doc.setTitle(model.meta.title, { showInWindowTitleBar: true });
    doc.setAuthor(organisation(model.meta));
    doc.setSubject('Architecture diagram');
    doc.setCreator(`Infracast ${model.provenance.toolVersion}`);
    doc.setLanguage('en');
    if (!Number.isNaN(date.getTime())) {
      doc.setCreationDate(date);
      doc.setModificationDate(date);
    }
    return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
  },
};

/** The renderers of the architecture-diagram type, by format. */
export const DIAGRAM_RENDERERS: Partial<Record<OutputFormat, Renderer>> = {
  svg: diagramSvgRenderer,
  png: diagramPngRenderer,
  pdf: diagramPdfRenderer,
};
