/**
 * PDF (DESIGN.md "Rendering"): the print HTML of html.ts printed by the run's Chromium, with the
 * running header and footer (classification banner top and bottom of every page, title, page X of
 * Y), a watermark on every page, a tagged PDF whose outline follows the headings, a table of
 * contents whose page numbers are read back from that outline, and Info metadata set from the
 * report (dates = generated_at, so SOURCE_DATE_EPOCH pins them) with pdf-lib.
 *
 * TOC page numbers are real: a first, untagged print says on which page each listed heading
 * landed (the named destinations of the TOC's links); the document is printed again, tagged, with
 * those numbers, its outline checked against them, and printed once more (at most three prints in
 * all) if filling them in moved a heading.
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

/** Every outline item, depth first (the order of the headings). */
function outlineItems(lib: PdfLib, doc: PDFDocument): PDFDict[] {
  const { PDFDict: Dict, PDFName } = lib;
  const items: PDFDict[] = [];
  const visit = (first: PDFDict | undefined, depth: number): void => {
    for (let item = first; item && items.length < 100_000 && depth < 16; item = item.lookupMaybe(PDFName.of('Next'), Dict)) {
      items.push(item);
      visit(item.lookupMaybe(PDFName.of('First'), Dict), depth + 1);
    }
  };
  visit(doc.catalog.lookupMaybe(PDFName.of('Outlines'), Dict)?.lookupMaybe(PDFName.of('First'), Dict), 0);
  return items;
}

/** Title and 1-based page of every outline item, depth first. */
export function outlineEntries(lib: PdfLib, doc: PDFDocument): { title: string; page: number | undefined }[] {
  const { PDFArray, PDFDict: Dict, PDFName, PDFRef } = lib;
  const pageOf = new Map(doc.getPages().map((p, i) => [p.ref.toString(), i + 1]));
  return outlineItems(lib, doc).map((item) => {
    const titleObject = item.lookup(PDFName.of('Title'));
    const title = titleObject && 'decodeText' in titleObject && typeof titleObject.decodeText === 'function' ? String(titleObject.decodeText()) : '';
    const dest = item.lookup(PDFName.of('Dest')) ?? item.lookupMaybe(PDFName.of('A'), Dict)?.lookup(PDFName.of('D'));
    const target = dest instanceof PDFArray ? dest.get(0) : undefined;
    return { title, page: target instanceof PDFRef ? pageOf.get(target.toString()) : undefined };
  });
}

/**
 * The outline's titles set to the headings' text. Chromium (156) composes each title from the
 * heading's painted fragments and sometimes repeats them ("TrendTrend") when layout moved the
 * heading to the next page; its outline lists the headings in document order, one item each.
 */
function fixOutlineTitles(lib: PdfLib, doc: PDFDocument, headings: readonly Heading[]): void {
  const items = outlineItems(lib, doc);
  if (items.length !== headings.length) return;
  items.forEach((item, i) => item.set(lib.PDFName.of('Title'), lib.PDFHexString.fromText(headings[i]!.text)));
}

/**
 * Page of every named destination (1-based). Chromium makes one for each element an internal link
 * points to, tagged or not: the TOC's links name every heading it lists, so an untagged first print
 * (four times faster than a tagged one on a large report) already says where each heading is.
 */
export function destinationPages(lib: PdfLib, doc: PDFDocument): Map<string, number> {
  const { PDFArray, PDFDict: Dict, PDFName, PDFRef } = lib;
  const pageOf = new Map(doc.getPages().map((p, i) => [p.ref.toString(), i + 1]));
  const pages = new Map<string, number>();
  const nameOf = (key: unknown): string | undefined =>
    key && typeof key === 'object' && 'decodeText' in key && typeof key.decodeText === 'function'
      ? String(key.decodeText())
      : key instanceof PDFName
        ? key.decodeText()
        : undefined;
  const add = (key: unknown, value: unknown): void => {
    const resolved = value instanceof PDFRef ? doc.context.lookup(value) : value;
    const array = resolved instanceof Dict ? resolved.lookup(PDFName.of('D')) : resolved;
    const target = array instanceof PDFArray ? array.get(0) : undefined;
    const name = nameOf(key);
    const page = target instanceof PDFRef ? pageOf.get(target.toString()) : undefined;
    if (name !== undefined && page !== undefined) pages.set(name, page);
  };
  // PDF 1.1 style: a /Dests dictionary in the catalog.
  const dests = doc.catalog.lookupMaybe(PDFName.of('Dests'), Dict);
  for (const [key, value] of dests?.entries() ?? []) add(key, value);
  // PDF 1.2 style: the /Dests name tree of /Names.
  const visit = (node: PDFDict | undefined, depth: number): void => {
    if (!node || depth > 32) return;
    const names = node.lookupMaybe(PDFName.of('Names'), PDFArray);
    for (let i = 0; names && i + 1 < names.size(); i += 2) add(names.lookup(i), names.get(i + 1));
    const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
    for (let i = 0; kids && i < kids.size(); i++) visit(kids.lookupMaybe(i, Dict), depth + 1);
  };
  visit(doc.catalog.lookupMaybe(PDFName.of('Names'), Dict)?.lookupMaybe(PDFName.of('Dests'), Dict), 0);
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

/**
 * Chromium names the tagged structure's elements after its DOM nodes (`/ID (node00000018)` and the
 * /IDTree that indexes them), and the DOM node numbers depend on timing inside the browser: the
 * same report printed twice got other numbers about once in fourteen prints. Everything else it
 * writes follows from the content, object numbers included, so each element is named after its
 * object number instead and the /IDTree is rebuilt as one sorted node: the bytes are reproducible.
 */
export function normaliseStructureIds(lib: PdfLib, doc: PDFDocument): void {
  const { PDFArray: Arr, PDFDict: Dict, PDFHexString, PDFName, PDFRef: Ref, PDFString } = lib;
  const renamed = new Map<string, string>();
  const TYPE = PDFName.of('Type');
  const STRUCT_ELEM = PDFName.of('StructElem');
  const elements = doc.context.enumerateIndirectObjects().filter(([, object]) => object instanceof Dict && object.get(TYPE) === STRUCT_ELEM) as [
    PdfLibModule.PDFRef,
    PDFDict,
  ][];
  for (const [ref, object] of elements) {
    const id = object.get(PDFName.of('ID'));
    if (!(id instanceof PDFString || id instanceof PDFHexString)) continue;
    const name = `node${String(ref.objectNumber).padStart(8, '0')}`;
    renamed.set(id.decodeText(), name);
    object.set(PDFName.of('ID'), PDFString.of(name));
  }
  // Table cells name their header cells by id (/Headers in their attributes, /A).
  const rename = (value: PdfLibModule.PDFObject | undefined): PdfLibModule.PDFObject | undefined =>
    value instanceof PDFString || value instanceof PDFHexString ? PDFString.of(renamed.get(value.decodeText()) ?? value.decodeText()) : value;
  for (const [, object] of elements) {
    const attributes = object.lookup(PDFName.of('A'));
    for (const attribute of attributes instanceof Arr ? attributes.asArray().map((a) => doc.context.lookup(a)) : [attributes]) {
      const headers = attribute instanceof Dict ? attribute.lookupMaybe(PDFName.of('Headers'), Arr) : undefined;
      for (let i = 0; headers && i < headers.size(); i++) headers.set(i, rename(headers.get(i))!);
    }
  }
  const root = doc.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), Dict);
  const treeRef = root?.get(PDFName.of('IDTree'));
  if (!root || treeRef === undefined || renamed.size === 0) return;
  // Every (key, element) pair of the name tree; its nodes are dropped, to be replaced by one.
  const pairs: [string, PdfLibModule.PDFObject][] = [];
  const visit = (node: PdfLibModule.PDFObject | undefined, depth: number): void => {
    const dict = node instanceof Ref ? doc.context.lookup(node) : node;
    if (node instanceof Ref) doc.context.delete(node);
    if (!(dict instanceof Dict) || depth > 32) return;
    const names = dict.lookupMaybe(PDFName.of('Names'), Arr);
    for (let i = 0; names && i + 1 < names.size(); i += 2) {
      const key = names.get(i);
      const text = key instanceof PDFString || key instanceof PDFHexString ? key.decodeText() : undefined;
      if (text !== undefined) pairs.push([renamed.get(text) ?? text, names.get(i + 1)]);
    }
    const kids = dict.lookupMaybe(PDFName.of('Kids'), Arr);
    for (let i = 0; kids && i < kids.size(); i++) visit(kids.get(i), depth + 1);
  };
  visit(treeRef, 0);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const tree = doc.context.obj({});
  tree.set(PDFName.of('Names'), doc.context.obj(pairs.flatMap(([key, value]) => [PDFString.of(key), value])));
  root.set(PDFName.of('IDTree'), treeRef instanceof Ref ? doc.context.register(tree) : tree);
}

export async function renderPdf(model: ReportModel, ctx: RenderContext): Promise<PdfResult> {
  if (!ctx.browser) throw noBrowser();
  const session = await ctx.browser();
  const lib = await import('@cantoo/pdf-lib');
  const prepared = prepareReport(model, ctx);
  const options: PrintOptions = { format: 'Letter', displayHeaderFooter: true, outline: true, ...headerFooter(model) };
  const blocked: string[] = [];
  let pages: Map<string, number> | undefined;
  const load = (bytes: Uint8Array) => lib.PDFDocument.load(bytes, { updateMetadata: false, parseSpeed: lib.ParseSpeeds.Fastest });
  let doc: PDFDocument | undefined;
  let passes = 0;
  /** The numbers the last print carries. */
  let printedWith: Map<string, number> | undefined;
  if (prepared.toc.length > 0) {
    // First pass, untagged (the tagged structure is most of a large report's print time): the
    // TOC's links make Chromium record where each listed heading is (named destinations).
    passes++;
    const first = await session.printPdf(documentHtml(prepared, ctx), { ...options, outline: false });
    blocked.push(...first.blocked);
    pages = destinationPages(lib, await load(first.pdf));
  }
  while (passes < MAX_PASSES) {
    passes++;
    printedWith = pages;
    const printed = await session.printPdf(documentHtml(prepared, ctx, pages), options);
    blocked.push(...printed.blocked);
    doc = await load(printed.pdf);
    if (prepared.toc.length === 0) break;
    // Every listed heading where the TOC says (the named destinations of this print), or print again.
    const found = destinationPages(lib, doc);
    if (prepared.toc.every((h) => found.get(h.id) === pages?.get(h.id))) break;
    pages = found;
  }
  fixOutlineTitles(lib, doc!, prepared.headings);
  normaliseStructureIds(lib, doc!);
  setMetadata(doc!, model);
  const pdf = await doc!.save({ useObjectStreams: false, updateFieldAppearances: false, objectsPerTick: Infinity });
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
