/**
 * DOCX: the same Markdown the templates produce (renderMarkdown), parsed by the one markdown-it
 * configuration (markdownParser) and walked token by token into docx objects, so one template
 * drives md, PDF and DOCX (DESIGN.md "Rendering"). The document is meant to be edited (people
 * author SSPs in it): real Heading styles, real lists and tables, styles rather than direct
 * formatting wherever Word has a style for it.
 *
 * Layout: a cover page (the Markdown before its first H2: banner, logo, title, the details table),
 * a table of contents already filled in, then the body; the classification banner at the top and
 * bottom of every page with "Page X of Y"; the watermark behind every page; core properties.
 *
 * Fonts: the PDF's own (Source Sans 3 for text, JetBrains Mono for code) are embedded
 * (docx-fonts.ts): naming Calibri left the layout to the reader's machine, and LibreOffice without
 * Carlito set table headers in a wider font that broke their words. Column widths are measured
 * with the embedded font's metrics, so a header word always fits its column.
 */
import type * as Docx from 'docx';
import type Token from 'markdown-it/lib/token.mjs';
import { randomUUID } from 'node:crypto';
import { strFromU8, strToU8, unzipSync } from 'fflate';
import type { OutputFormat } from '../model/definitions.js';
import type { ReportModel } from '../model/report-model.js';
import { normaliseZip, type Rewrite } from '../io/deterministic-zip.js';
import { headingAnchor, renderMarkdown } from './markdown.js';
import { CHECK_BOX_BREAK, isAttachmentName, markdownParser, SHORT_CELL } from './markdown-parser.js';
import { embeddedFonts, fontKeyOf, obfuscateFont, textTwips } from './docx-fonts.js';
import { MONO, SANS } from './fonts.js';
import { displayDate } from './html.js';
import type { RenderContext, Renderer } from './renderer.js';
import { rasteriseSvg } from './svg-raster.js';

type D = typeof Docx;
type Block = Docx.Paragraph | Docx.Table | Docx.TableOfContents;
type Inline = Docx.ParagraphChild;

const FONT = SANS;
/** US Letter with 1-inch margins (the audience is US federal): 6.5 inches of text width. */
const PAGE = { width: 12240, height: 15840, margin: 1440 };
const TEXT_WIDTH_TWIPS = PAGE.width - 2 * PAGE.margin;
/** Images are sized in CSS pixels (96 per inch). */
const TEXT_WIDTH_PX = (TEXT_WIDTH_TWIPS / 1440) * 96;
const ACCENT = '1F3864';
const RULE = 'BFBFBF';

export interface DocxOptions {
  /** Called for each SVG image that has no PNG fallback (resvg could not draw it): it is left out, its alt text shown. */
  onSkippedImage?: (name: string) => void;
}

/** Natural size of an attachment in CSS pixels, from its own header; undefined when unreadable. */
export function imageSize(name: string, bytes: Uint8Array): { width: number; height: number } | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.svg')) {
    const head = strFromU8(bytes.subarray(0, 4096));
    const tag = /<svg\b[^>]*>/i.exec(head)?.[0] ?? '';
    const attr = (n: string): number | undefined => {
      const m = new RegExp(`\\s${n}\\s*=\\s*["']\\s*([0-9.]+)(px)?\\s*["']`, 'i').exec(tag);
      return m ? Number(m[1]) : undefined;
    };
    const viewBox = /\sviewBox\s*=\s*["']\s*[-0-9.]+[\s,]+[-0-9.]+[\s,]+([0-9.]+)[\s,]+([0-9.]+)\s*["']/i.exec(tag);
    const width = attr('width') ?? (viewBox ? Number(viewBox[1]) : undefined);
    const height = attr('height') ?? (viewBox ? Number(viewBox[2]) : undefined);
    return width && height ? { width, height } : undefined;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (lower.endsWith('.png') && bytes.byteLength >= 24) return { width: view.getUint32(16), height: view.getUint32(20) };
  if (/\.jpe?g$/.test(lower)) {
    // The first start-of-frame marker (SOF0..SOF15 except DHT, JPG and DAC) holds the size.
    let at = 2;
    while (at + 9 < bytes.byteLength && bytes[at] === 0xff) {
      const marker = bytes[at + 1]!;
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        return { width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
      }
      at += 2 + view.getUint16(at + 2);
    }
  }
  return undefined;
}

/** Fits a natural size into a box, never enlarging. */
function fit(size: { width: number; height: number }, box: { width: number; height: number }): { width: number; height: number } {
  const scale = Math.min(1, box.width / size.width, box.height / size.height);
  return { width: Math.round(size.width * scale), height: Math.round(size.height * scale) };
}

/** Plain text of an inline token's children (heading texts, TOC entries, anchors). */
function plainText(inline: Token | undefined): string {
  return (inline?.children ?? []).map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : c.type === 'softbreak' ? ' ' : '')).join('');
}

const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);

/** Twips per character of 9 pt bold table text (generous over Source Sans 3's average, so most cells' words fit), and a cell's side margins. */
const CHAR_TWIPS = 125;
const CELL_PADDING = 220;

/**
 * Per column: the narrowest width (its longest word, at most 24 characters; the whole text when
 * every cell is short; never less than its widest header word as measured in the embedded font),
 * the width that fits its longest text (at most 60), the width most of its cells need (the 90th
 * percentile of their lengths, at most 120) and the width of its longest text.
 */
function columnNeeds(
  rows: string[][],
  charTwips: number,
  headerTwips: readonly number[],
): { min: number[]; preferred: number[]; most: number[]; full: number[] } {
  const columns = Math.max(...rows.map((r) => r.length));
  const needs = { min: [] as number[], preferred: [] as number[], most: [] as number[], full: [] as number[] };
  const width = (chars: number): number => chars * charTwips + CELL_PADDING;
  for (let c = 0; c < columns; c++) {
    const cells = rows.map((r) => r[c] ?? '');
    const lengths = cells.map((t) => t.length).sort((a, b) => a - b);
    const longest = lengths.at(-1) ?? 0;
    const longestWord = Math.max(3, ...cells.flatMap((t) => t.split(/\s+/).map((w) => w.length)));
    // A short column gets one character to spare.
    const min = Math.max(width(longest <= SHORT_CELL ? Math.max(3, longest) + 1 : Math.min(longestWord, 24)), Math.ceil((headerTwips[c] ?? 0) + CELL_PADDING));
    needs.min.push(min);
    needs.preferred.push(Math.max(min, width(Math.min(60, longest))));
    needs.most.push(Math.max(min, width(Math.min(120, lengths[Math.floor(0.9 * (lengths.length - 1))] ?? 0))));
    needs.full.push(Math.max(min, width(longest)));
  }
  return needs;
}

/** Whether the columns' longest words fit the width side by side. */
function wordsFit(rows: string[][], total: number, charTwips: number, headerTwips: readonly number[]): boolean {
  return sum(columnNeeds(rows, charTwips, headerTwips).min) <= total;
}

/** Per column, the width in twips of the widest word of the header cells, set bold at `halfPoints` in the embedded font. */
export function headerWordTwips(headers: readonly string[], halfPoints: number): number[] {
  return headers.map((text) => Math.max(0, ...text.split(/\s+/).map((word) => textTwips(word, halfPoints, true))));
}

/**
 * Column widths in twips: no column narrower than its longest word (so "Control" or "3.14.1"
 * never breaks mid-word; a header word measured with the font's real widths) and short values
 * ("Not assessed") kept on one line; the rest of the width shared in proportion to the room most
 * of each column's cells want beyond that (a percentile, so one long cell cannot starve the others,
 * and a column of sentences such as a reason gets more than a column of titles), no column wider
 * than its longest text.
 */
export function columnWidths(rows: string[][], total: number, charTwips = CHAR_TWIPS, headerTwips: readonly number[] = []): number[] {
  const { min, preferred, most, full } = columnNeeds(rows, charTwips, headerTwips);
  let widths: number[];
  if (sum(preferred) <= total) widths = preferred.map((p) => (p / sum(preferred)) * total);
  else if (sum(min) >= total) {
    // Too narrow for every column's longest word: header words keep their measured width, and
    // what is left is shared in proportion to what each column wanted beyond that.
    const floor = headerTwips.length > 0 ? min.map((_, c) => Math.ceil((headerTwips[c] ?? 0) + CELL_PADDING)) : min.map(() => 0);
    const extra = min.map((m, c) => m - floor[c]!);
    widths =
      sum(floor) < total && sum(extra) > 0 ? floor.map((f, c) => f + ((total - sum(floor)) * extra[c]!) / sum(extra)) : min.map((m) => (m / sum(min)) * total);
  } else {
    const spare = total - sum(min);
    const wanted = most.map((m, c) => m - min[c]!);
    const shared = min.map((m, c) => Math.min(full[c]!, m + (sum(wanted) > 0 ? (spare * wanted[c]!) / sum(wanted) : spare / min.length)));
    // What a column cannot use goes to those whose text is longer than their width.
    const room = shared.map((w, c) => full[c]! - w);
    const left = total - sum(shared);
    widths = shared.map((w, c) => w + (sum(room) > 0 ? (left * room[c]!) / sum(room) : left / shared.length));
  }
  const floored = widths.map(Math.floor);
  floored[floored.length - 1]! += total - sum(floored);
  return floored;
}

/** Characters XML 1.0 cannot hold (C0 controls but tab and line ends, lone surrogates, U+FFFE and U+FFFF). */
const NOT_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text for an XML element or attribute value: escaped, and stripped of what XML 1.0 cannot hold. */
function xmlEscape(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const EMPHASIS: Record<string, ['bold' | 'italics' | 'strike', number]> = {
  strong_open: ['bold', 1],
  strong_close: ['bold', -1],
  em_open: ['italics', 1],
  em_close: ['italics', -1],
  s_open: ['strike', 1],
  s_close: ['strike', -1],
};

/** Counts an emphasis token's opening or closing; false for any other token. */
function countEmphasis(emphasis: Record<'bold' | 'italics' | 'strike', number>, type: string): boolean {
  const change = EMPHASIS[type];
  if (change) emphasis[change[0]] += change[1];
  return change !== undefined;
}

const SIMPLE_INLINES = new Set(['text', 'code_inline', 'softbreak', 'hardbreak', ...Object.keys(EMPHASIS)]);

/** Whether an inline holds only what Walker.inlineXml writes: text, emphasis, code, breaks and links that are internal or dead (no image, no external link). */
function simpleInlines(inline: Token | undefined, target: (href: string) => { anchor?: string; link?: string } | undefined): boolean {
  return (inline?.children ?? []).every((c) => {
    if (c.type === 'link_open') return target(c.attrGet('href') ?? '')?.link === undefined;
    return c.type === 'link_close' || SIMPLE_INLINES.has(c.type);
  });
}

/** Each table's placeholder paragraph replaced by the table's XML. */
function spliceTables(documentXml: string, marker: string, tables: readonly string[]): string {
  let spliced = 0;
  const out = documentXml.replace(new RegExp(`<w:p><w:r><w:t xml:space="preserve">${marker}(\\d+)</w:t></w:r></w:p>`, 'g'), (_m, n: string) => {
    spliced++;
    return tables[Number(n)]!;
  });
  if (spliced !== tables.length) throw new Error(`DOCX: ${spliced} of ${tables.length} table placeholders found in document.xml`);
  return out;
}

interface Images {
  /** PNG fallbacks of SVG attachments, by attachment name. */
  fallbacks: Map<string, Uint8Array>;
}

/** What one walk through the tokens needs. */
class Walker {
  private readonly anchors = new Map<string, string>();
  private orderedLists = 0;
  private drawings = 0;
  /**
   * Tables written as WordprocessingML here (see table): docx gets a placeholder paragraph naming
   * each by its index, replaced by the table's XML in the written document.xml (spliceTables).
   */
  readonly tables: string[] = [];
  /** The placeholders' text: a random prefix no document text can hold, so never part of the output. */
  readonly marker = `INFRACASTTABLE${randomUUID().replace(/-/g, '')}N`;

  constructor(
    private readonly d: D,
    private readonly model: ReportModel,
    private readonly ctx: RenderContext,
    private readonly images: Images,
    private readonly options: DocxOptions,
    headings: string[],
  ) {
    // GitHub's anchors of every heading, in order (what the templates' in-document links name), each
    // to a bookmark Word accepts: a letter first, at most 40 characters, no hyphens.
    const taken = new Map<string, number>();
    headings.forEach((text, i) => this.anchors.set(headingAnchor(text, taken), `_H${i + 1}`));
  }

  private headingCount = 0;

  /**
   * Markdown levels below Word's: the SSP follows the FedRAMP template, whose sections (the
   * Markdown's H2) are Heading 1, subsections and control families Heading 2, controls Heading 3.
   */
  get headingShift(): number {
    return headingShiftOf(this.model);
  }

  /** A heading of the Markdown that is not written (the Contents heading the TOC field replaces) still takes its number. */
  skipHeading(): void {
    this.headingCount++;
  }

  /** Inline children → runs, links and images. */
  inlines(token: Token | undefined, base: Docx.IRunOptions = {}, imageBox = { width: TEXT_WIDTH_PX, height: 560 }): Inline[] {
    const { d } = this;
    const out: Inline[] = [];
    const emphasis = { bold: 0, italics: 0, strike: 0 };
    let link: { href: string; runs: Inline[]; live: boolean } | undefined;
    const push = (...children: Inline[]): void => {
      if (link) link.runs.push(...children);
      else out.push(...children);
    };
    const run = (text: string, extra: Docx.IRunOptions = {}): Docx.TextRun =>
      new d.TextRun({
        ...base,
        text,
        ...(emphasis.bold ? { bold: true } : {}),
        ...(emphasis.italics ? { italics: true } : {}),
        ...(emphasis.strike ? { strike: true } : {}),
        ...(link?.live ? { style: 'Hyperlink' } : {}),
        ...extra,
      });
    for (const child of token?.children ?? []) {
      if (countEmphasis(emphasis, child.type)) continue;
      switch (child.type) {
        case 'text':
          if (child.content) push(run(child.content));
          break;
        case 'code_inline':
          push(run(child.content, { font: MONO, size: Math.max(16, ((base.size as number | undefined) ?? 21) - 2) }));
          break;
        case 'softbreak':
          push(run(' '));
          break;
        case 'hardbreak':
          push(new d.TextRun({ ...base, break: 1 }));
          break;
        case 'link_open': {
          const href = child.attrGet('href') ?? '';
          link = { href, runs: [], live: this.target(href) !== undefined };
          break;
        }
        case 'link_close': {
          if (!link) break;
          const { href, runs } = link;
          link = undefined;
          out.push(...this.hyperlink(href, runs));
          break;
        }
        case 'image':
          push(...this.image(child, imageBox));
          break;
        default:
          // Nothing else reaches here with html: false; raw text would be the safe choice anyway.
          if (child.content) push(run(child.content));
      }
    }
    if (link) out.push(...link.runs);
    return out;
  }

  /**
   * Only what the parser's validateLink let through becomes a link, and of that only https and
   * mailto (external) and anchors of this document's headings (internal); an attachment's bare
   * file name stays text, as a DOCX travels without the files beside it.
   */
  private hyperlink(href: string, runs: Inline[]): Inline[] {
    const { d } = this;
    const target = this.target(href);
    if (target?.anchor) return [new d.InternalHyperlink({ anchor: target.anchor, children: runs })];
    if (target?.link) return [new d.ExternalHyperlink({ link: target.link, children: runs })];
    return runs;
  }

  private target(href: string): { anchor?: string; link?: string } | undefined {
    if (href.startsWith('#')) {
      const anchor = this.anchors.get(decodeURIComponent(href.slice(1)));
      return anchor ? { anchor } : undefined;
    }
    return /^(https:\/\/|mailto:)/i.test(href) ? { link: href } : undefined;
  }

  /**
   * Images only from ctx.attachments, by bare file name. An SVG needs a PNG fallback in DOCX (Word
   * before 2016 and most other readers show only that); when one cannot be drawn the image is
   * left out and its alt text stands in its place, rather than shipping an image some readers
   * would show as a broken box.
   */
  private image(token: Token, box: { width: number; height: number }): Inline[] {
    const { d } = this;
    const name = token.attrGet('src') ?? '';
    const alt = plainText(token) || token.content;
    const bytes = isAttachmentName(name) ? this.ctx.attachments?.get(name) : undefined;
    const natural = bytes ? imageSize(name, bytes) : undefined;
    const lower = name.toLowerCase();
    if (!bytes || !natural) return alt ? [new d.TextRun({ text: `[${alt}]`, italics: true })] : [];
    const transformation = fit(natural, box);
    // Drawing ids numbered per document (docx's default is a counter shared by the process, so a
    // second render in the same process would differ).
    const altText = { name, title: alt, description: alt, id: String(++this.drawings) };
    if (lower.endsWith('.svg')) {
      const png = this.images.fallbacks.get(name);
      if (!png) {
        this.options.onSkippedImage?.(name);
        return alt ? [new d.TextRun({ text: `[${alt}]`, italics: true })] : [];
      }
      return [new d.ImageRun({ type: 'svg', data: bytes, transformation, altText, fallback: { type: 'png', data: png } })];
    }
    return [new d.ImageRun({ type: lower.endsWith('.png') ? 'png' : 'jpg', data: bytes, transformation, altText })];
  }

  heading(level: number, inline: Token | undefined): Docx.Paragraph {
    const { d } = this;
    const headingLevels = [
      d.HeadingLevel.HEADING_1,
      d.HeadingLevel.HEADING_2,
      d.HeadingLevel.HEADING_3,
      d.HeadingLevel.HEADING_4,
      d.HeadingLevel.HEADING_5,
      d.HeadingLevel.HEADING_6,
    ];
    this.headingCount++;
    return new d.Paragraph({
      heading: headingLevels[Math.min(Math.max(level - this.headingShift, 1), 6) - 1]!,
      children: [new d.Bookmark({ id: `_H${this.headingCount}`, children: this.inlines(inline) })],
    });
  }

  /**
   * The runs of a simple inline (see simpleInlines) as the XML docx writes for what inlines() builds
   * of it: a run per text, emphasis as run properties, an internal link as a w:hyperlink.
   */
  private inlineXml(token: Token | undefined): string {
    let out = '';
    const emphasis = { bold: 0, italics: 0, strike: 0 };
    let link: { anchor: string | undefined; runs: string } | undefined;
    const run = (text: string, code = false): void => {
      const props =
        (link?.anchor ? '<w:rStyle w:val="Hyperlink"/>' : '') +
        (code ? `<w:rFonts w:ascii="${MONO}" w:cs="${MONO}" w:eastAsia="${MONO}" w:hAnsi="${MONO}"/>` : '') +
        (emphasis.bold ? '<w:b/><w:bCs/>' : '') +
        (emphasis.italics ? '<w:i/><w:iCs/>' : '') +
        (emphasis.strike ? '<w:strike/>' : '') +
        (code ? '<w:sz w:val="19"/><w:szCs w:val="19"/>' : '');
      const xml = `<w:r>${props ? `<w:rPr>${props}</w:rPr>` : ''}<w:t xml:space="preserve">${xmlEscape(text)}</w:t></w:r>`;
      if (link) link.runs += xml;
      else out += xml;
    };
    const breakLine = (): void => {
      if (link) link.runs += '<w:r><w:br/></w:r>';
      else out += '<w:r><w:br/></w:r>';
    };
    for (const child of token?.children ?? []) {
      if (countEmphasis(emphasis, child.type)) continue;
      switch (child.type) {
        case 'text':
          // A check box starts a line of its own (markdown-parser.ts CHECK_BOX_BREAK).
          child.content.split(CHECK_BOX_BREAK).forEach((piece, n) => {
            if (n > 0) breakLine();
            if (piece) run(piece);
          });
          break;
        case 'code_inline':
          run(child.content, true);
          break;
        case 'softbreak':
          run(' ');
          break;
        case 'hardbreak':
          breakLine();
          break;
        case 'link_open':
          link = { anchor: this.target(child.attrGet('href') ?? '')?.anchor, runs: '' };
          break;
        case 'link_close':
          if (!link) break;
          out += link.anchor ? `<w:hyperlink w:history="1" w:anchor="${xmlEscape(link.anchor)}">${link.runs}</w:hyperlink>` : link.runs;
          link = undefined;
          break;
        default:
          break;
      }
    }
    return link ? out + link.runs : out;
  }

  /** One table; the first row repeats on every page, no row splits across pages. */
  table(tokens: Token[], start: number, end: number, cover: boolean): Docx.Table | Docx.Paragraph {
    const { d } = this;
    const rows: { header: boolean; cells: { inline: Token | undefined; align: string | null }[] }[] = [];
    let header = false;
    for (let i = start; i < end; i++) {
      const t = tokens[i]!;
      if (t.type === 'thead_open') header = true;
      else if (t.type === 'thead_close') header = false;
      else if (t.type === 'tr_open') rows.push({ header, cells: [] });
      else if (t.type === 'th_open' || t.type === 'td_open') {
        const style = t.attrGet('style') ?? '';
        rows.at(-1)!.cells.push({ inline: tokens[i + 1], align: /text-align:(\w+)/.exec(style)?.[1] ?? null });
      }
    }
    // The cover's details table has an empty header row ("| | |"): it is left out, not drawn as an empty bar.
    const shown = rows.filter((r) => !(r.header && r.cells.every((c) => plainText(c.inline).trim() === '')));
    const texts = shown.map((r) => r.cells.map((c) => plainText(c.inline)));
    // A table too wide for its words at 9 pt (the executive posture table has nine columns) is set
    // at 8 pt rather than breaking "Coverage" into "Covera-ge".
    const headers = shown[0]?.header ? texts[0]! : [];
    const small = !cover && !wordsFit(texts, TEXT_WIDTH_TWIPS, CHAR_TWIPS, headerWordTwips(headers, 18));
    const widths = cover
      ? [2600, TEXT_WIDTH_TWIPS - 2600]
      : columnWidths(texts, TEXT_WIDTH_TWIPS, small ? (CHAR_TWIPS * 8) / 9 : CHAR_TWIPS, headerWordTwips(headers, small ? 16 : 18));
    const none = { style: d.BorderStyle.NONE, size: 0, color: 'FFFFFF' };
    const line = { style: d.BorderStyle.SINGLE, size: 4, color: RULE };
    const borders = cover
      ? { top: none, bottom: none, left: none, right: none, insideHorizontal: none, insideVertical: none }
      : { top: line, bottom: line, left: line, right: line, insideHorizontal: line, insideVertical: line };
    const headerShading = { type: d.ShadingType.CLEAR, fill: ACCENT, color: 'auto' };
    const styleOf = (header: boolean, c: number): string =>
      header ? (small ? 'TableHeadingSmall' : 'TableHeading') : cover ? (c === 0 ? 'CoverLabel' : 'CoverValue') : small ? 'TableTextSmall' : 'TableText';
    // A table of text, emphasis, code and links within the document (nearly every table) is written
    // as XML here: building docx's objects for the thousands of cells of a full catalog took most
    // of the render. The XML is what docx writes for the same table; anything else goes through docx.
    if (shown.every((row) => row.cells.every((cell) => simpleInlines(cell.inline, (href) => this.target(href))))) {
      const border = cover ? 'w:val="none" w:color="FFFFFF" w:sz="0"' : `w:val="single" w:color="${RULE}" w:sz="4"`;
      let xml =
        `<w:tbl><w:tblPr><w:tblW w:type="dxa" w:w="${TEXT_WIDTH_TWIPS}"/><w:tblBorders>` +
        ['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map((side) => `<w:${side} ${border}/>`).join('') +
        '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:type="dxa" w:w="40"/><w:left w:type="dxa" w:w="100"/>' +
        '<w:bottom w:type="dxa" w:w="40"/><w:right w:type="dxa" w:w="100"/></w:tblCellMar></w:tblPr><w:tblGrid>' +
        widths.map((w) => `<w:gridCol w:w="${w}"/>`).join('') +
        '</w:tblGrid>';
      for (const row of shown) {
        xml += row.header ? '<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>' : '<w:tr><w:trPr><w:cantSplit/></w:trPr>';
        // A header whose last cells are empty is one title over the table (the SSP's "AC-2 What is
        // the solution and how is it implemented?"): its text spans them.
        const filled = row.header ? Math.max(1, ...row.cells.map((cell, c) => (plainText(cell.inline).trim() === '' ? 0 : c + 1))) : widths.length;
        widths.forEach((width, c) => {
          if (c >= filled) return;
          const cell = row.cells[c];
          const spanned = c === filled - 1 && filled < widths.length ? widths.length - c : 1;
          const cellWidth = spanned > 1 ? sum(widths.slice(c)) : width;
          const jc = cell?.align === 'right' || cell?.align === 'center' ? `<w:jc w:val="${cell.align}"/>` : '';
          xml +=
            `<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${cellWidth}"/>${spanned > 1 ? `<w:gridSpan w:val="${spanned}"/>` : ''}${row.header ? `<w:shd w:fill="${ACCENT}" w:color="auto" w:val="clear"/>` : ''}</w:tcPr>` +
            `<w:p><w:pPr><w:pStyle w:val="${styleOf(row.header, c)}"/>${jc}</w:pPr>${this.inlineXml(cell?.inline)}</w:p></w:tc>`;
        });
        xml += '</w:tr>';
      }
      this.tables.push(`${xml}</w:tbl>`);
      return new d.Paragraph({ children: [new d.TextRun(`${this.marker}${this.tables.length - 1}`)] });
    }
    // Formatting sits in styles (TableText, TableHeading, CoverLabel), not on each run: the document
    // stays editable the Word way, and a 1,000-control report builds far fewer objects.
    return new d.Table({
      layout: d.TableLayoutType.FIXED,
      width: { size: TEXT_WIDTH_TWIPS, type: d.WidthType.DXA },
      columnWidths: widths,
      margins: { top: 40, bottom: 40, left: 100, right: 100 },
      borders,
      rows: shown.map(
        (row) =>
          new d.TableRow({
            ...(row.header ? { tableHeader: true } : {}),
            cantSplit: true,
            children: widths.map((_, c) => {
              const cell = row.cells[c];
              const align =
                cell?.align === 'right' ? { alignment: d.AlignmentType.RIGHT } : cell?.align === 'center' ? { alignment: d.AlignmentType.CENTER } : {};
              return new d.TableCell({
                ...(row.header ? { shading: headerShading } : {}),
                children: [new d.Paragraph({ style: styleOf(row.header, c), ...align, children: this.inlines(cell?.inline) })],
              });
            }),
          }),
      ),
    });
  }

  private isBanner(inline: Token | undefined): boolean {
    const banner = this.model.meta.classification?.banner;
    if (!banner || !inline?.children) return false;
    // markdown-it surrounds the emphasis with empty text tokens.
    const children = inline.children.filter((c) => !(c.type === 'text' && c.content === ''));
    return children.map((c) => c.type).join(' ') === 'strong_open text strong_close' && children[1]!.content === banner;
  }

  /**
   * The blocks of tokens[start, end). On the cover, the title is the Title style (so Word's own
   * TOC update leaves it out, as the pre-filled one does), the logo is centred and the banner is
   * a boxed line; elsewhere the banner paragraph is dropped, as every page's header and footer
   * carry it.
   */
  blocks(tokens: Token[], start: number, end: number, cover = false): Block[] {
    const { d } = this;
    const out: Block[] = [];
    const lists: { ordered: boolean; instance: number }[] = [];
    let itemStart = false;
    let quote = 0;
    for (let i = start; i < end; i++) {
      const t = tokens[i]!;
      switch (t.type) {
        case 'heading_open': {
          const level = Number(t.tag.slice(1));
          if (level === 1 && start === 0) {
            out.push(new d.Paragraph({ style: 'Title', children: this.inlines(tokens[i + 1]) }));
            this.headingCount++;
          } else out.push(this.heading(level, tokens[i + 1]));
          i += 2;
          break;
        }
        case 'paragraph_open': {
          const inline = tokens[i + 1];
          i += 2;
          if (this.isBanner(inline)) {
            if (cover) out.push(new d.Paragraph({ style: 'CoverBanner', children: this.inlines(inline) }));
            break;
          }
          const onlyImage = inline?.children?.length === 1 && inline.children[0]!.type === 'image';
          if (onlyImage) {
            const box = cover ? { width: 240, height: 110 } : { width: TEXT_WIDTH_PX, height: 560 };
            const runs = this.inlines(inline, {}, box);
            // No caption under a chart: the charts carry their own title (as in the PDF); the alt text
            // is the picture's description for screen readers.
            out.push(new d.Paragraph({ style: cover ? 'CoverLogo' : 'Figure', children: runs }));
            break;
          }
          const list = lists.at(-1);
          const level = Math.min(lists.length - 1, 8);
          const numbering =
            list && itemStart
              ? list.ordered
                ? { numbering: { reference: 'ordered', level, instance: list.instance } }
                : { numbering: { reference: 'bullets', level } }
              : {};
          const indent = list && !itemStart ? { indent: { left: 360 * (level + 1) + 360 } } : quote ? { indent: { left: 567 * quote } } : {};
          out.push(new d.Paragraph({ style: quote ? 'Quote' : list ? 'ListParagraph' : 'BodyText', ...numbering, ...indent, children: this.inlines(inline) }));
          itemStart = false;
          break;
        }
        case 'bullet_list_open':
        case 'ordered_list_open':
          lists.push({ ordered: t.type === 'ordered_list_open', instance: t.type === 'ordered_list_open' ? ++this.orderedLists : 0 });
          break;
        case 'bullet_list_close':
        case 'ordered_list_close':
          lists.pop();
          break;
        case 'list_item_open':
          itemStart = true;
          break;
        case 'blockquote_open':
          quote++;
          break;
        case 'blockquote_close':
          quote--;
          break;
        case 'table_open': {
          let close = i;
          while (tokens[close]!.type !== 'table_close') close++;
          out.push(this.table(tokens, i, close, cover));
          // Word runs two adjacent tables together; a small paragraph keeps them apart.
          out.push(new d.Paragraph({ style: 'AfterTable' }));
          i = close;
          break;
        }
        case 'fence':
        case 'code_block': {
          const lines = t.content.replace(/\n$/, '').split('\n');
          out.push(new d.Paragraph({ style: 'Code', children: lines.map((text, n) => new d.TextRun({ text, ...(n > 0 ? { break: 1 } : {}) })) }));
          break;
        }
        case 'hr':
          // A thematic break in a template is where a printed report turns the page.
          out.push(new d.Paragraph({ children: [new d.PageBreak()] }));
          break;
        default:
          break;
      }
    }
    return out;
  }
}

/**
 * The cover's "Generated" value as the PDF's cover shows it ("29 November 2026, 00:00 UTC"): the
 * Markdown keeps the RFC 3339 instant (diffable, machine-readable), the documents people read do not.
 */
function coverDates(tokens: Token[], coverEnd: number, generatedAt: string): void {
  for (let i = 0; i + 4 < coverEnd; i++) {
    if (tokens[i]!.type !== 'td_open' || plainText(tokens[i + 1]) !== 'Generated' || tokens[i + 3]!.type !== 'td_open') continue;
    const value = tokens[i + 4]!;
    if (plainText(value) !== generatedAt) continue;
    const text = value.children!.find((c) => c.type === 'text')!;
    text.content = displayDate(generatedAt);
    value.children = [text];
  }
}

/** Where the cover ends (the first H2) and where the Markdown's own "Contents" list is (replaced by a TOC field). */
function regions(tokens: Token[], model: ReportModel): { coverEnd: number; contents?: [number, number] } {
  const firstH2 = tokens.findIndex((t) => t.type === 'heading_open' && t.tag === 'h2');
  const coverEnd = firstH2 < 0 ? tokens.length : firstH2;
  if (!model.meta.tableOfContents || firstH2 < 0 || plainText(tokens[firstH2 + 1]) !== 'Contents') return { coverEnd };
  let end = firstH2 + 3;
  if (tokens[end]?.type === 'bullet_list_open') {
    let depth = 0;
    for (; end < tokens.length; end++) {
      const type = tokens[end]!.type;
      if (type === 'bullet_list_open') depth++;
      else if (type === 'bullet_list_close' && --depth === 0) break;
    }
    end++;
  }
  return { coverEnd, contents: [firstH2, end] };
}

function styles(d: D): Docx.IStylesOptions {
  const heading = (size: number, color: string, before: number, extra: Docx.IBaseParagraphStyleOptions = {}): Docx.IBaseParagraphStyleOptions => ({
    run: { font: FONT, size, bold: true, color },
    paragraph: { spacing: { before, after: 120 }, keepNext: true, keepLines: true },
    ...extra,
  });
  return {
    default: {
      document: { run: { font: FONT, size: 21, color: '1A1A1A' }, paragraph: { spacing: { after: 120, line: 264, lineRule: d.LineRuleType.AUTO } } },
      title: {
        run: { font: FONT, size: 52, bold: true, color: ACCENT },
        paragraph: { spacing: { before: 480, after: 360, line: 240, lineRule: d.LineRuleType.AUTO } },
      },
      heading1: heading(36, ACCENT, 480),
      heading2: heading(30, ACCENT, 360, {
        paragraph: {
          spacing: { before: 360, after: 160 },
          keepNext: true,
          keepLines: true,
          border: { bottom: { style: d.BorderStyle.SINGLE, size: 6, color: ACCENT, space: 4 } },
        },
      }),
      heading3: heading(25, '2F5496', 280),
      heading4: heading(22, '1A1A1A', 220),
      heading5: heading(21, '404040', 200),
      heading6: heading(21, '404040', 200),
      listParagraph: { paragraph: { spacing: { after: 60 } } },
      caption: { run: { font: FONT, size: 18, italics: true, color: '595959' }, paragraph: { alignment: d.AlignmentType.CENTER, spacing: { after: 240 } } },
      hyperlink: { run: { color: '0563C1', underline: { type: d.UnderlineType.SINGLE } } },
    },
    // The TOC's cached entries are runs of this style (Word's own name for it).
    characterStyles: [{ id: 'IndexLink', name: 'Index Link', basedOn: 'DefaultParagraphFont', run: {} }],
    paragraphStyles: [
      { id: 'BodyText', name: 'Body Text', basedOn: 'Normal', quickFormat: true },
      { id: 'TableText', name: 'Table Text', basedOn: 'Normal', run: { size: 18 }, paragraph: { spacing: { after: 0, line: 240 } } },
      { id: 'TableHeading', name: 'Table Heading', basedOn: 'TableText', run: { bold: true, color: 'FFFFFF' } },
      { id: 'TableTextSmall', name: 'Table Text Small', basedOn: 'TableText', run: { size: 16 } },
      { id: 'TableHeadingSmall', name: 'Table Heading Small', basedOn: 'TableHeading', run: { size: 16 } },
      { id: 'CoverLabel', name: 'Cover Label', basedOn: 'Normal', run: { size: 21, bold: true, color: '595959' }, paragraph: { spacing: { after: 40 } } },
      { id: 'CoverValue', name: 'Cover Value', basedOn: 'Normal', run: { size: 21 }, paragraph: { spacing: { after: 40 } } },
      { id: 'AfterTable', name: 'After Table', basedOn: 'Normal', run: { size: 8 }, paragraph: { spacing: { after: 120, line: 240 } } },
      {
        id: 'Code',
        name: 'Code',
        basedOn: 'Normal',
        run: { font: MONO, size: 17 },
        paragraph: { shading: { type: d.ShadingType.CLEAR, fill: 'F2F2F2', color: 'auto' }, spacing: { after: 120, line: 240 } },
      },
      { id: 'Quote', name: 'Quote', basedOn: 'Normal', run: { italics: true, color: '404040' } },
      { id: 'Figure', name: 'Figure', basedOn: 'Normal', paragraph: { alignment: d.AlignmentType.CENTER, spacing: { before: 120, after: 60 } } },
      { id: 'CoverLogo', name: 'Cover Logo', basedOn: 'Normal', paragraph: { alignment: d.AlignmentType.LEFT, spacing: { before: 720, after: 240 } } },
      {
        id: 'CoverBanner',
        name: 'Cover Banner',
        basedOn: 'Normal',
        run: { size: 28, bold: true, color: ACCENT },
        paragraph: {
          alignment: d.AlignmentType.CENTER,
          spacing: { before: 0, after: 240 },
          border: {
            top: { style: d.BorderStyle.SINGLE, size: 12, color: ACCENT, space: 4 },
            bottom: { style: d.BorderStyle.SINGLE, size: 12, color: ACCENT, space: 4 },
          },
        },
      },
      {
        id: 'Banner',
        name: 'Classification Banner',
        basedOn: 'Normal',
        run: { size: 20, bold: true },
        paragraph: { alignment: d.AlignmentType.CENTER, spacing: { after: 0 } },
      },
      { id: 'FooterText', name: 'Footer Text', basedOn: 'Normal', run: { size: 16, color: '595959' }, paragraph: { spacing: { after: 0 } } },
      {
        id: 'TOCHeading',
        name: 'TOC Heading',
        basedOn: 'Normal',
        run: { size: 30, bold: true, color: ACCENT },
        paragraph: { spacing: { before: 240, after: 240 } },
      },
      { id: 'TOC1', name: 'toc 1', basedOn: 'Normal', next: 'Normal', run: { bold: true }, paragraph: { spacing: { before: 120, after: 60 } } },
      { id: 'TOC2', name: 'toc 2', basedOn: 'Normal', next: 'Normal', paragraph: { indent: { left: 240 }, spacing: { after: 60 } } },
    ],
  };
}

function numbering(d: D): Docx.INumberingOptions {
  const levels = (ordered: boolean): Docx.ILevelsOptions[] =>
    Array.from({ length: 9 }, (_, level) => ({
      level,
      format: ordered ? d.LevelFormat.DECIMAL : d.LevelFormat.BULLET,
      text: ordered ? `%${level + 1}.` : ['\u2022', '\u25E6', '\u25AA'][level % 3]!,
      alignment: d.AlignmentType.LEFT,
      style: { paragraph: { indent: { left: 360 * (level + 1) + 360, hanging: 360 } } },
    }));
  return {
    config: [
      { reference: 'bullets', levels: levels(false) },
      { reference: 'ordered', levels: levels(true) },
    ],
  };
}

/**
 * PNG fallbacks of the SVG attachments the Markdown shows, drawn by resvg (svg-raster.ts): a DOCX
 * needs no browser. One that cannot be drawn is left out of the map (the image then shows its alt text).
 */
async function rasterise(tokens: Token[], ctx: RenderContext): Promise<Map<string, Uint8Array>> {
  const wanted = new Map<string, number>();
  for (const t of tokens) {
    for (const c of t.children ?? []) {
      const name = c.attrGet('src');
      if (c.type !== 'image' || !name || !name.toLowerCase().endsWith('.svg')) continue;
      const bytes = isAttachmentName(name) ? ctx.attachments?.get(name) : undefined;
      const size = bytes ? imageSize(name, bytes) : undefined;
      if (size) wanted.set(name, fit(size, { width: TEXT_WIDTH_PX, height: 560 }).width);
    }
  }
  const out = new Map<string, Uint8Array>();
  for (const [name, width] of wanted) {
    try {
      out.set(name, await rasteriseSvg(ctx.attachments!.get(name)!, width));
    } catch (error) {
      ctx.warn?.(`image ${name} could not be drawn for the DOCX (${(error as Error).message}): its alt text is shown instead`);
    }
  }
  return out;
}

const xmlText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The core properties part, written here rather than by docx, which stamps created/modified with
 * the clock: they are the report's own instant (generated_at), so the same inputs give the same bytes.
 */
function coreProperties(p: {
  title: string;
  subject: string;
  creator: string;
  keywords: string;
  description: string;
  lastModifiedBy: string;
  at: string;
}): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" ' +
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${xmlText(p.title)}</dc:title><dc:subject>${xmlText(p.subject)}</dc:subject><dc:creator>${xmlText(p.creator)}</dc:creator>` +
    `<cp:keywords>${xmlText(p.keywords)}</cp:keywords><dc:description>${xmlText(p.description)}</dc:description>` +
    `<cp:lastModifiedBy>${xmlText(p.lastModifiedBy)}</cp:lastModifiedBy><cp:revision>1</cp:revision>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${xmlText(p.at)}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${xmlText(p.at)}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

/**
 * docx names hyperlink relationships with Math.random ids, the watermark shape likewise, and
 * numbers bookmarks from a counter shared by every document of the process: each becomes a
 * number in order of appearance, so the same inputs give the same bytes in any process. The
 * tables written as XML take their placeholders' places in word/document.xml (inflated once, here).
 */
function stableIds(documentXml: Uint8Array | undefined, marker: string, tables: readonly string[]): Record<string, Rewrite> {
  const text = strFromU8(documentXml ?? new Uint8Array());
  const relationships = new Map<string, string>();
  for (const m of text.matchAll(/r:id="([^"]+)"/g)) {
    if (!/^rId\d+$/.test(m[1]!) && !relationships.has(m[1]!)) relationships.set(m[1]!, `rIdLink${relationships.size + 1}`);
  }
  const relink = (text: string, attribute: string): string =>
    text.replace(new RegExp(`${attribute}="([^"]+)"`, 'g'), (whole, id: string) =>
      relationships.has(id) ? `${attribute}="${relationships.get(id)!}"` : whole,
    );
  const edit = (change: (text: string) => string) => (content: Uint8Array) => strToU8(change(strFromU8(content)));
  const watermark = edit((text) => text.replace(/PowerPlusWaterMarkObject[A-Za-z0-9_-]+/g, 'PowerPlusWaterMarkObject1'));
  const bookmarks = new Map<string, number>();
  const renumbered = text.replace(/(<w:bookmark(?:Start|End)\b[^>]*\bw:id=")(\d+)"/g, (_m, head: string, id: string) => {
    if (!bookmarks.has(id)) bookmarks.set(id, bookmarks.size + 1);
    return `${head}${bookmarks.get(id)!}"`;
  });
  return {
    'word/document.xml': strToU8(spliceTables(relink(renumbered, 'r:id'), marker, tables)),
    'word/_rels/document.xml.rels': edit((text) => relink(text, 'Id')),
    'word/header1.xml': watermark,
  };
}

/**
 * docx obfuscates each embedded font with a key it draws at random: the font files and the font
 * table are rewritten with a key derived from the font's bytes, so the same inputs give the same DOCX.
 */
function stableFontKeys(parts: Record<string, Uint8Array>): Record<string, Rewrite> {
  const table = strFromU8(parts['word/fontTable.xml'] ?? new Uint8Array());
  const rewrites: Record<string, Rewrite> = {};
  const keys = new Map<string, string>();
  for (const m of table.matchAll(/r:id="rId(\d+)" w:fontKey="(\{[0-9A-Fa-f-]+\})"/g)) {
    const file = `word/fonts/font${m[1]!}.odttf`;
    const stored = parts[file];
    if (!stored) continue;
    const font = obfuscateFont(stored, m[2]!);
    const key = fontKeyOf(font);
    keys.set(m[2]!, key);
    rewrites[file] = obfuscateFont(font, key);
  }
  if (keys.size > 0)
    rewrites['word/fontTable.xml'] = strToU8(table.replace(/w:fontKey="(\{[0-9A-Fa-f-]+\})"/g, (whole, key: string) => `w:fontKey="${keys.get(key) ?? key}"`));
  return rewrites;
}

/** How many levels the Markdown's headings move up in Word (the SSP: its H2 sections are Heading 1). */
function headingShiftOf(model: ReportModel): number {
  return model.kind === 'ssp' ? 1 : 0;
}

/** The DOCX of a report from its Markdown (exported for tests that feed Markdown of their own). */
export async function docxFromMarkdown(markdown: string, model: ReportModel, ctx: RenderContext, options: DocxOptions = {}): Promise<Uint8Array> {
  const d: D = await import('docx');
  const { TextWatermark } = await import('docx/watermarks');
  const { meta } = model;
  const tokens = markdownParser().parse(markdown, {});
  const headingList = tokens
    .flatMap((t, i) => (t.type === 'heading_open' ? [{ token: i, level: Number(t.tag.slice(1)), text: plainText(tokens[i + 1]) }] : []))
    .map((h, n) => ({ ...h, bookmark: `_H${n + 1}` }));
  const walker = new Walker(
    d,
    model,
    ctx,
    { fallbacks: await rasterise(tokens, ctx) },
    options,
    headingList.map((h) => h.text),
  );
  const { coverEnd, contents } = regions(tokens, model);
  const bodyStart = contents ? contents[1] : coverEnd;

  const children: Block[] = [];
  coverDates(tokens, coverEnd, meta.generatedAt);
  children.push(...walker.blocks(tokens, 0, coverEnd, meta.coverPage));
  if (meta.coverPage) children.push(new d.Paragraph({ children: [new d.PageBreak()] }));
  if (meta.tableOfContents) {
    // The field comes filled in: one entry per Heading 1-2 of the body, linked to the bookmark on
    // the heading (docx can find them itself, but scanning the written body for them took a
    // sixth of the render of a 1,000-control report). Written clean (not dirty), so Word shows it
    // as it is without asking to update fields, and LibreOffice shows the same entries. Page
    // numbers are left out: docx's layout estimator (docx/layout) takes ~45 s on such a report;
    // "Update Table" in Word adds them, the field's instruction being Word's own (TOC \h \o "1-2").
    const shift = walker.headingShift;
    const entries = headingList
      .filter((h) => h.level - shift <= 2 && h.token >= bodyStart)
      .map((h) => ({ title: h.text, level: h.level - shift, href: h.bookmark }));
    children.push(new d.Paragraph({ style: 'TOCHeading', text: 'Contents' }));
    children.push(
      new d.TableOfContents('Contents', { hyperlink: true, headingStyleRange: '1-2', beginDirty: false, tabLeader: d.LeaderType.NONE, cachedEntries: entries }),
    );
    children.push(new d.Paragraph({ children: [new d.PageBreak()] }));
  }
  if (contents) {
    // The Markdown's own "Contents" heading counts among the headings (its anchors follow GitHub's);
    // its bookmark number is skipped, as the TOC field takes its place.
    walker.skipHeading();
  }
  children.push(...walker.blocks(tokens, bodyStart, tokens.length));

  const banner = meta.classification?.banner;
  const bannerParagraph = (): Docx.Paragraph => new d.Paragraph({ style: 'Banner', children: banner ? [new d.TextRun(banner)] : [] });
  const header = new d.Header({
    children: [
      new d.Paragraph({
        style: 'Banner',
        children: [
          ...(banner ? [new d.TextRun(banner)] : []),
          // The watermark is Word's own (a WordArt shape anchored in the header, as Design >
          // Watermark writes it), so it repeats on every page and Word can remove or replace it.
          ...(meta.watermark ? [new TextWatermark({ text: meta.watermark, font: FONT, color: 'C0C0C0', opacity: 0.35 })] : []),
        ],
      }),
    ],
  });
  const footer = new d.Footer({
    children: [
      new d.Paragraph({
        style: 'FooterText',
        tabStops: [{ type: d.TabStopType.RIGHT, position: TEXT_WIDTH_TWIPS }],
        border: { top: { style: d.BorderStyle.SINGLE, size: 4, color: RULE, space: 4 } },
        children: [new d.TextRun(meta.title), new d.TextRun({ children: ['\tPage ', d.PageNumber.CURRENT, ' of ', d.PageNumber.TOTAL_PAGES] })],
      }),
      bannerParagraph(),
    ],
  });

  const company = meta.companyName ?? meta.tenant.name;
  const properties = {
    title: meta.title,
    subject: `${model.kind} report: ${meta.frameworks.join(', ')}`,
    creator: company,
    lastModifiedBy: `Infracast ${model.provenance.toolVersion}`,
    keywords: [...meta.frameworks, model.kind, ...(banner ? [banner] : [])].join(', '),
    description: `${meta.title}. ${company}. Generated by Infracast ${model.provenance.toolVersion} at ${meta.generatedAt}.`,
  };
  const document = new d.Document({
    ...properties,
    styles: styles(d),
    numbering: numbering(d),
    fonts: embeddedFonts(),
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin, header: 567, footer: 567 },
          },
        },
        headers: { default: header },
        footers: { default: footer },
        children,
      },
    ],
  });
  const packed = await d.Packer.pack(document, 'uint8array', false, [
    { path: 'docProps/core.xml', data: coreProperties({ ...properties, at: meta.generatedAt }) },
  ]);
  // docx zips with the clock's mtimes: its compressed entries are copied into a zip with sorted
  // entries and generated_at as every mtime (no second deflate of the whole: that cost a third of
  // the time), and the ids docx draws at random or from process-wide counters are renumbered.
  const parts = unzipSync(packed, { filter: (f) => f.name === 'word/document.xml' || f.name === 'word/fontTable.xml' || f.name.startsWith('word/fonts/') });
  return normaliseZip(packed, meta.generatedAt, 'copy', {
    ...stableIds(parts['word/document.xml'], walker.marker, walker.tables),
    ...stableFontKeys(parts),
  });
}

export const docxRenderer: Renderer = {
  format: 'docx' as OutputFormat,
  async render(model: ReportModel, ctx: RenderContext): Promise<Uint8Array> {
    return docxFromMarkdown(renderMarkdown(model, ctx.templatesDir), model, ctx);
  },
};
