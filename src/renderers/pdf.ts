/**
 * PDF (DESIGN.md "Rendering"): the print HTML of html.ts printed by the run's Chromium, with the
 * running header and footer (classification banner top and bottom of every page, title, page X of
 * Y), a watermark on every page, a tagged PDF whose outline follows the headings, a table of
 * contents whose page numbers are read back from that outline, and Info metadata set from the
 * report (dates = generated_at, so SOURCE_DATE_EPOCH pins them) with pdf-lib.
 *
 * TOC page numbers are real: the first print's outline says on which page each heading landed;
 * the document is printed again with those numbers, and again (at most three prints in all) if
 * filling them in moved a heading.
 */
import type * as PdfLibModule from '@cantoo/pdf-lib';
import { ExitCode, InfracastError } from '../errors.js';
import type { PrintOptions } from '../io/browser.js';
import type { OutputFormat } from '../model/definitions.js';
import type { ReportModel } from '../model/report-model.js';
import { headerFontFaceCss, SANS } from './fonts.js';
import { displayDate, documentHtml, escapeHtml, kindLabel, organisation, PAGE, prepareReport } from './html.js';
import type { Heading } from './html.js';
import type { RenderContext, Renderer } from './renderer.js';

type PdfLib = typeof PdfLibModule;
type PDFDocument = Awaited<ReturnType<PdfLib['PDFDocument']['load']>>;
type PDFDict = PdfLib['PDFDict']['prototype'];

const MAX_PASSES = 3;

/**
 * Header and footer templates. Chromium renders them apart from the page (no access to its
 * styles), in the page margins, at its own default of a tiny font, hence the explicit styles.
 * The banner is centred, top and bottom, as CUI and classification marking requires.
 */
export function headerFooter(model: ReportModel): Pick<PrintOptions, 'headerTemplate' | 'footerTemplate'> {
  const { meta } = model;
  const banner = meta.classification?.banner;
  const base = `font-family:'${SANS}',sans-serif;font-size:8pt;color:#4a5a6d;width:100%;margin:0 ${PAGE.side};-webkit-print-color-adjust:exact;`;
  const row = 'display:flex;justify-content:space-between;gap:12pt;';
  const bannerDiv = banner ? `<div style="text-align:center;font-weight:700;font-size:10pt;color:#000;letter-spacing:1pt;">${escapeHtml(banner)}</div>` : '';
  const ellipsis = 'overflow:hidden;text-overflow:ellipsis;white-space:nowrap;';
  const fonts = `<style>${headerFontFaceCss()}</style>`;
  return {
    headerTemplate: `${fonts}<div style="${base}">${bannerDiv}<div style="${row}margin-top:3pt;"><span style="${ellipsis}">${escapeHtml(meta.title)}</span><span style="white-space:nowrap;">${escapeHtml(organisation(meta))}</span></div></div>`,
    footerTemplate: `${fonts}<div style="${base}"><div style="${row}margin-bottom:3pt;"><span style="${ellipsis}">${escapeHtml(kindLabel(model.kind))}, ${escapeHtml(displayDate(meta.generatedAt))}</span><span style="white-space:nowrap;">Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>${bannerDiv}</div>`,
  };
}

/** Title and 1-based page of every outline item, depth first (the order of the headings). */
export function outlineEntries(lib: PdfLib, doc: PDFDocument): { title: string; page: number | undefined }[] {
  const { PDFArray, PDFDict: Dict, PDFName, PDFRef } = lib;
  const pageOf = new Map(doc.getPages().map((p, i) => [p.ref.toString(), i + 1]));
  const entries: { title: string; page: number | undefined }[] = [];
  const outlines = doc.catalog.lookupMaybe(PDFName.of('Outlines'), Dict);
  const visit = (first: PDFDict | undefined): void => {
    for (let item = first, guard = 0; item && guard < 100_000; item = item.lookupMaybe(PDFName.of('Next'), Dict), guard++) {
      const titleObject = item.lookup(PDFName.of('Title'));
      const title = titleObject && 'decodeText' in titleObject && typeof titleObject.decodeText === 'function' ? String(titleObject.decodeText()) : '';
      let dest = item.lookup(PDFName.of('Dest'));
      if (!dest) dest = item.lookupMaybe(PDFName.of('A'), Dict)?.lookup(PDFName.of('D'));
      const target = dest instanceof PDFArray ? dest.get(0) : undefined;
      entries.push({ title, page: target instanceof PDFRef ? pageOf.get(target.toString()) : undefined });
      visit(item.lookupMaybe(PDFName.of('First'), Dict));
    }
  };
  visit(outlines?.lookupMaybe(PDFName.of('First'), Dict));
  return entries;
}

const normalise = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Page of each heading (by id), matching the outline to the headings in document order. */
function headingPages(entries: { title: string; page: number | undefined }[], headings: Heading[]): Map<string, number> {
  const pages = new Map<string, number>();
  let cursor = 0;
  for (const heading of headings) {
    // Chromium lists every heading in order; searching forward also survives one it skipped.
    const at = entries.findIndex((e, i) => i >= cursor && normalise(e.title) === normalise(heading.text));
    if (at < 0) continue;
    cursor = at + 1;
    const page = entries[at]!.page;
    if (page !== undefined) pages.set(heading.id, page);
  }
  return pages;
}

export interface PdfResult {
  pdf: Uint8Array;
  /** URLs the page tried to load (all refused). */
  blocked: string[];
  /** Image references dropped because they are not attachments of the report. */
  droppedImages: string[];
  /** How many times the document was printed (1 without a TOC; 2, rarely 3, with one). */
  passes: number;
  pageCount: number;
  /** Page of each TOC entry's heading, by heading id. */
  tocPages: Map<string, number>;
}

function noBrowser(): InfracastError {
  return new InfracastError('BROWSER_NOT_FOUND', 'PDF rendering needs Chrome or Chromium, and none was provided to this render', {
    exitCode: ExitCode.Environment,
    hints: ['Install Chromium (`apt-get install chromium`) or Google Chrome, or set CHROME_PATH to its executable.'],
  });
}

/** Info dictionary fields, fixed by the report (not by when or where Chromium ran). */
function setMetadata(doc: PDFDocument, model: ReportModel): void {
  const { meta } = model;
  const date = new Date(meta.generatedAt);
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  doc.setAuthor(organisation(meta));
  doc.setSubject(`${kindLabel(model.kind)}: ${meta.frameworks.join(', ')}`);
  doc.setKeywords(['compliance', model.kind, ...meta.frameworks, ...(meta.classification ? [meta.classification.banner] : [])]);
  doc.setCreator(`Infracast ${model.provenance.toolVersion}`);
  doc.setLanguage('en');
  if (!Number.isNaN(date.getTime())) {
    doc.setCreationDate(date);
    doc.setModificationDate(date);
  }
}

export async function renderPdf(model: ReportModel, ctx: RenderContext): Promise<PdfResult> {
  if (!ctx.browser) throw noBrowser();
  const session = await ctx.browser();
  const lib = await import('@cantoo/pdf-lib');
  const prepared = prepareReport(model, ctx);
  const options: PrintOptions = { format: 'Letter', displayHeaderFooter: true, outline: true, ...headerFooter(model) };
  const blocked: string[] = [];
  let pages: Map<string, number> | undefined;
  let doc: PDFDocument | undefined;
  let passes = 0;
  /** The numbers the last print carries. */
  let printedWith: Map<string, number> | undefined;
  while (passes < MAX_PASSES) {
    passes++;
    printedWith = pages;
    const printed = await session.printPdf(documentHtml(prepared, ctx, pages), options);
    blocked.push(...printed.blocked);
    doc = await lib.PDFDocument.load(printed.pdf, { updateMetadata: false });
    if (prepared.toc.length === 0) break;
    const found = headingPages(outlineEntries(lib, doc), prepared.toc);
    // Printed with these numbers and every heading stayed where they say: done.
    const stable = pages !== undefined && prepared.toc.every((h) => found.get(h.id) === pages!.get(h.id));
    if (stable) break;
    pages = found;
  }
  setMetadata(doc!, model);
  const pdf = await doc!.save({ useObjectStreams: false, updateFieldAppearances: false });
  for (const url of blocked) ctx.warn?.(`the PDF page tried to load ${url}: refused (a report loads nothing)`);
  for (const src of prepared.droppedImages) ctx.warn?.(`image ${src || '(empty)'} is not a file of the report: left out of the PDF`);
  return { pdf, blocked, droppedImages: prepared.droppedImages, passes, pageCount: doc!.getPageCount(), tocPages: printedWith ?? new Map() };
}

export const pdfRenderer: Renderer = {
  format: 'pdf' as OutputFormat,
  async render(model: ReportModel, ctx: RenderContext): Promise<Uint8Array> {
    return (await renderPdf(model, ctx)).pdf;
  },
};
