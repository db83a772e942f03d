/**
 * HTML for print (DESIGN.md "Rendering"): the report's Markdown (the same templates as the .md
 * file) through the project's one markdown-it configuration, inside a shell that gives it a cover,
 * a table of contents with page numbers, and a print stylesheet that Chromium turns into the PDF.
 *
 * The page must load nothing: fonts and images are data: URIs built here, images only from the
 * report's attachments (the logo, the charts), any other image dropped. The Markdown's own cover
 * (its H1, the metadata table, the Contents list and the banner lines) is replaced by a designed
 * cover and a paged table of contents built from the same meta, and the banner moves to the
 * running header and footer of every page (pdf.ts).
 */
import type Token from 'markdown-it/lib/token.mjs';
import { typeRow } from '../model/output-types.js';
import type { ReportMeta, ReportModel } from '../model/report-model.js';
import { fontFaceCss, headerFontFaceCss, MONO, SANS } from './fonts.js';
import { headingAnchor, renderMarkdown } from './markdown.js';
import { CHECK_BOX_BREAK, isAttachmentName, markdownParser, SHORT_CELL } from './markdown-parser.js';
import type { RenderContext } from './renderer.js';

export interface Heading {
  /** The element id (GitHub's anchor of the heading text, as the Markdown's own links use). */
  id: string;
  level: number;
  text: string;
}

/** A report ready to be printed: the parts that do not change between passes, computed once. */
export interface PreparedReport {
  meta: ReportMeta;
  kind: ReportModel['kind'];
  /** Every heading of the body, in document order (what Chromium's outline lists). */
  headings: Heading[];
  /** The headings listed in the table of contents (empty when the report has none). */
  toc: Heading[];
  body: string;
  /** Image references that were dropped (not an attachment of the report). */
  droppedImages: string[];
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

const MEDIA_TYPES: Record<string, string> = { svg: 'image/svg+xml', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg' };

/** An attachment as a data: URI, or undefined when the report has no such file or it is not an image. */
export function attachmentUri(name: string, attachments: ReadonlyMap<string, Uint8Array> | undefined): string | undefined {
  if (!isAttachmentName(name)) return undefined;
  const bytes = attachments?.get(name);
  const type = MEDIA_TYPES[name.slice(name.lastIndexOf('.') + 1).toLowerCase()];
  if (!bytes || !type) return undefined;
  const data = type === 'image/svg+xml' ? Buffer.from(svgWithFonts(Buffer.from(bytes).toString('utf8')), 'utf8') : Buffer.from(bytes);
  return `data:${type};base64,${data.toString('base64')}`;
}

/**
 * An SVG shown as an image is a document of its own: it sees none of the page's fonts, so its text
 * would be set in whatever the machine has (DejaVu on Debian). The project's font is embedded into
 * it and its text set in it, so the PDF carries only the fonts that ship with Infracast.
 */
export function svgWithFonts(svg: string): string {
  const open = /<svg\b[^>]*>/.exec(svg);
  if (!open) return svg;
  const at = open.index + open[0].length;
  const style = `<style><![CDATA[${headerFontFaceCss()} text,tspan{font-family:'${SANS}',sans-serif}]]></style>`;
  return `${svg.slice(0, at)}${style}${svg.slice(at)}`;
}

const inlineText = (token: Token | undefined): string =>
  (token?.children ?? [])
    .map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : c.type === 'softbreak' ? ' ' : ''))
    .join('')
    .trim();

/** Runs of this many non-space characters get break opportunities (ARNs, image digests, URLs, hashes). */
const LONG = 20;
const RUN = /\S+/g;

/**
 * Text as HTML that wraps well in table columns: long identifiers (ARNs, URLs, digests) get <wbr>
 * after their separators and every 12 characters of an unbroken alphanumeric run (a hash); short
 * hyphenated ids (CVE-2023-45853, AC-2(1)) never break at their hyphens. The browser is not told to
 * break words anywhere, which would let table sizing squeeze CRITICAL into one letter a line.
 */
export function breakableHtml(text: string): string {
  let html = '';
  let from = 0;
  for (const match of text.matchAll(RUN)) {
    const run = match[0];
    html += escapeHtml(text.slice(from, match.index));
    if (run.length >= LONG) {
      html += run
        .replace(/[A-Za-z0-9]{12}(?=[A-Za-z0-9]{4})/g, '$&\uE000')
        .split(/(?<=[/:._=@,;|\-\uE000])/)
        .map((part) => escapeHtml(part.replace(/\uE000/g, '')))
        .join('<wbr>');
    } else if (run.includes('-')) html += `<span class="nw">${escapeHtml(run)}</span>`;
    else html += escapeHtml(run);
    from = match.index + run.length;
  }
  return html + escapeHtml(text.slice(from));
}

/** A text or inline-code token as pre-escaped HTML with break opportunities (content escaped here). */
function breakableToken(child: Token): Token {
  // A check box starts a line of its own (markdown-parser.ts CHECK_BOX_BREAK).
  const html = child.type === 'text' ? child.content.split(CHECK_BOX_BREAK).map(breakableHtml).join('<br>') : breakableHtml(child.content);
  if (html === escapeHtml(child.content)) return child;
  const token = Object.assign(Object.create(Object.getPrototypeOf(child) as object) as Token, child);
  token.type = 'html_inline';
  token.content = child.type === 'code_inline' ? `<code>${html}</code>` : html;
  return token;
}

/**
 * Columns of short values (statuses, ids, dates: SHORT_CELL) get the no-wrap class on every cell,
 * so the browser's table layout gives the room to the columns of sentences (a reason, a title)
 * instead of breaking "Not assessed" over two lines.
 */
function keepShortColumnsOnOneLine(tokens: Token[], tableOpen: number): void {
  const cells: Token[][] = [];
  const longest: number[] = [];
  let column = 0;
  for (let j = tableOpen + 1; j < tokens.length && tokens[j]!.type !== 'table_close'; j++) {
    const t = tokens[j]!;
    if (t.type === 'tr_open') column = 0;
    else if (t.type === 'th_open' || t.type === 'td_open') {
      (cells[column] ??= []).push(t);
      // A title spanning columns (spanTrailingHeaderCells) says nothing of any one column's width.
      if (!t.attrGet('colspan')) longest[column] = Math.max(longest[column] ?? 0, inlineText(tokens[j + 1]).length);
      column++;
    }
  }
  // A table of short columns only has nothing to give room to.
  if (longest.every((n) => n <= SHORT_CELL)) return;
  cells.forEach((list, c) => {
    if ((longest[c] ?? 0) <= SHORT_CELL) for (const cell of list) cell.attrJoin('class', 'nw');
  });
}

/**
 * A header row whose last cells are empty is one title over the table (the SSP's "AC-2 What is the
 * solution and how is it implemented?"): its last text cell spans them, the empty ones are dropped.
 */
function spanTrailingHeaderCells(tokens: Token[], tableOpen: number): void {
  const cells: number[] = [];
  for (let j = tableOpen; j < tokens.length && tokens[j]!.type !== 'thead_close'; j++) if (tokens[j]!.type === 'th_open') cells.push(j);
  let filled = cells.length;
  while (filled > 1 && inlineText(tokens[cells[filled - 1]! + 1]).trim() === '') filled--;
  if (filled === cells.length) return;
  tokens[cells[filled - 1]!]!.attrSet('colspan', String(cells.length - filled + 1));
  // th_open, inline, th_close of each empty cell, from the last so the indexes stay valid.
  for (const at of cells.slice(filled).reverse()) tokens.splice(at, 3);
}

/** The TOC lists sections (H2) and, unless there are too many to be useful, their subsections (H3). */
const MAX_TOC_SUBSECTIONS = 60;

/** Markdown -> body HTML, headings with ids, and the TOC entries. */
export function prepareReport(model: ReportModel, ctx: RenderContext): PreparedReport {
  const parser = markdownParser();
  const markdown = renderMarkdown(model, ctx.templatesDir);
  let tokens = parser.parse(markdown, {});

  // The Markdown's cover (everything before the first section) and its Contents list are replaced
  // by the designed cover and the paged TOC of the shell.
  const firstSection = tokens.findIndex((t) => t.type === 'heading_open' && t.tag === 'h2');
  tokens = firstSection < 0 ? [] : tokens.slice(firstSection);
  if (tokens[0] && inlineText(tokens[1]) === 'Contents') {
    const next = tokens.findIndex((t, i) => i > 0 && t.type === 'heading_open' && t.tag === 'h2');
    tokens = next < 0 ? [] : tokens.slice(next);
  }
  // The closing banner line of the provenance partial: the footer carries the banner on every page.
  const banner = model.meta.classification?.banner;
  const last = tokens.length - 3;
  if (banner && tokens[last]?.type === 'paragraph_open' && inlineText(tokens[last + 1]) === banner) tokens = tokens.slice(0, last);

  const taken = new Map<string, number>([['contents', 0]]);
  const headings: Heading[] = [];
  const droppedImages: string[] = [];
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === 'heading_open') {
      const text = inlineText(tokens[i + 1]);
      const id = headingAnchor(text, taken);
      token.attrSet('id', id);
      headings.push({ id, level: Number(token.tag.slice(1)), text });
    }
    if (token.type === 'table_open') {
      const theadEnd = tokens.findIndex((t, j) => j > i && t.type === 'thead_close');
      const cells = tokens.slice(i, theadEnd).filter((t) => t.type === 'inline');
      // A two-column table with an empty header row is a list of facts: no header, label column bold.
      const facts = theadEnd > 0 && cells.every((c) => c.content.trim() === '');
      if (!facts && theadEnd > 0) spanTrailingHeaderCells(tokens, i);
      keepShortColumnsOnOneLine(tokens, i);
      if (facts) {
        token.attrJoin('class', 'facts');
        out.push(token);
        i = theadEnd;
        continue;
      }
    }
    const inHeading = tokens[i - 1]?.type === 'heading_open';
    if (token.type === 'inline' && token.children) {
      token.children = token.children.flatMap((child) => {
        // Not in headings: Chromium composes the outline's titles from the heading's inline
        // elements and repeats the text of <span>/<wbr> runs (seen with Chromium 156).
        if ((child.type === 'text' || child.type === 'code_inline') && !inHeading) return [breakableToken(child)];
        if (child.type !== 'image') return [child];
        const src = child.attrGet('src') ?? '';
        const uri = attachmentUri(src, ctx.attachments);
        if (!uri) {
          droppedImages.push(src);
          return [];
        }
        child.attrSet('src', uri);
        return [child];
      });
    }
    out.push(token);
  }
  const body = parser.renderer.render(out, parser.options, {});

  const h3 = headings.filter((h) => h.level === 3).length;
  const toc = model.meta.tableOfContents ? headings.filter((h) => h.level === 2 || (h.level === 3 && h3 <= MAX_TOC_SUBSECTIONS)) : [];
  return { meta: model.meta, kind: model.kind, headings, toc, body, droppedImages };
}

/** The type's words on the cover, footer and PDF Subject (model/output-types.ts). */
export const kindLabel = (kind: string): string => (typeRow('Report', kind) ?? typeRow('Document', kind))?.label ?? kind;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "29 November 2026, 00:00 UTC" from an RFC 3339 instant, without Intl (DESIGN.md "Determinism"). */
export function displayDate(instant: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(instant);
  if (!m) return instant;
  const [, y, mo, d, h, mi] = m;
  return `${Number(d)} ${MONTHS[Number(mo) - 1] ?? mo} ${y}${h ? `, ${h}:${mi} UTC` : ''}`;
}

export const organisation = (meta: ReportMeta): string => meta.companyName ?? meta.tenant.name;

function coverHtml(prepared: PreparedReport, ctx: RenderContext): string {
  const { meta } = prepared;
  const logo = meta.logo ? attachmentUri(meta.logo, ctx.attachments) : undefined;
  const facts: [string, string][] = [
    ['Organization', organisation(meta)],
    ['Tenant', meta.tenant.name === organisation(meta) ? meta.tenant.id : `${meta.tenant.name} (${meta.tenant.id})`],
    ['Frameworks', meta.frameworks.join(', ')],
    ['Generated', displayDate(meta.generatedAt)],
    ...(meta.unmapped ?? []).map((u): [string, string] => ['Unmapped findings', u.text]),
  ];
  if (meta.severityFilter?.length) {
    facts.push(['Finding lists show', `${meta.severityFilter.join(', ')} only (statuses, counts and scores include every finding)`]);
  }
  const c = meta.classification;
  const designation: [string, string | undefined][] = c
    ? [
        ['Controlled by', c.designation?.controlled_by],
        ['CUI category', c.categories?.join(', ')],
        ['Limited dissemination control', c.dissemination?.join(', ')],
        ['POC', c.designation?.poc],
      ]
    : [];
  const designationRows = designation.filter((row): row is [string, string] => Boolean(row[1]));
  const rows = (list: [string, string][]): string => list.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  if (!meta.coverPage) {
    return `<header class="title-block"><p class="doc-title">${escapeHtml(meta.title)}</p><p class="doc-sub">${escapeHtml(
      `${organisation(meta)} · ${meta.frameworks.join(', ')} · ${displayDate(meta.generatedAt)}`,
    )}</p>${(meta.unmapped ?? []).map((u) => `<p class="doc-sub">${escapeHtml(u.text)}</p>`).join('')}</header>`;
  }
  return `<section class="cover">
<div class="cover-top">${
    // A logo names the organisation already; the name stands in for it when there is none.
    logo ? `<img class="logo" src="${logo}" alt="${escapeHtml(organisation(meta))} logo">` : `<p class="cover-org">${escapeHtml(organisation(meta))}</p>`
  }</div>
<div class="cover-main"><p class="cover-kind">${escapeHtml(kindLabel(prepared.kind))}</p><p class="doc-title">${escapeHtml(meta.title)}</p>
<table class="cover-facts">${rows(facts)}</table></div>
${
  c && designationRows.length > 0
    ? `<div class="cui-block"><p class="cui-head">${escapeHtml(c.banner)}</p><table>${rows(designationRows)}</table></div>`
    : c
      ? `<div class="cui-block"><p class="cui-head">${escapeHtml(c.banner)}</p></div>`
      : ''
}
</section>`;
}

/** Placeholder page number of the first pass: as wide as most real ones so the layout barely moves. */
const UNKNOWN_PAGE = '00';

function tocHtml(prepared: PreparedReport, pages: ReadonlyMap<string, number> | undefined): string {
  if (prepared.toc.length === 0) return '';
  const items = prepared.toc
    .map(
      (h) =>
        `<li class="toc-l${h.level}"><a href="#${h.id}"><span class="toc-text">${escapeHtml(h.text)}</span><span class="toc-dots"></span><span class="toc-page">${pages?.get(h.id) ?? UNKNOWN_PAGE}</span></a></li>`,
    )
    .join('\n');
  return `<nav class="toc"><p class="toc-title">Contents</p><ol>\n${items}\n</ol></nav>`;
}

/** Letter, the US federal page: margins leave room for the running header and footer. */
export const PAGE = { width: '8.5in', height: '11in', top: '0.9in', bottom: '0.85in', side: '0.75in' } as const;

const STYLE = `
@page { size: ${PAGE.width} ${PAGE.height}; margin: ${PAGE.top} ${PAGE.side} ${PAGE.bottom} ${PAGE.side}; }
html { font-family: '${SANS}'; font-size: 10pt; line-height: 1.38; color: #1b1f24; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; }
h2, h3, h4, h5, h6 { color: #14365d; line-height: 1.2; break-after: avoid; page-break-after: avoid; }
h2 { font-size: 16pt; font-weight: 700; margin: 20pt 0 8pt; padding-bottom: 3pt; border-bottom: 1.5pt solid #14365d; }
h3 { font-size: 13pt; font-weight: 700; margin: 16pt 0 6pt; }
h4 { font-size: 11pt; font-weight: 600; margin: 12pt 0 4pt; }
h5, h6 { font-size: 10pt; font-weight: 600; margin: 10pt 0 4pt; }
p { margin: 0 0 6pt; orphans: 3; widows: 3; }
ul, ol { margin: 0 0 6pt; padding-left: 16pt; }
li { margin: 1pt 0; break-inside: avoid; }
strong { font-weight: 700; }
.nw { white-space: nowrap; }
code { font-family: '${MONO}'; font-size: 9pt; overflow-wrap: break-word; }
pre { font-family: '${MONO}'; font-size: 9pt; white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f6f8; padding: 6pt; }
a { color: #1f4f8a; text-decoration: none; }
img { max-width: 100%; }
p > img:only-child { display: block; margin: 6pt auto; max-height: 4.2in; break-inside: avoid; }
table { width: 100%; border-collapse: collapse; margin: 4pt 0 10pt; font-size: 9pt; line-height: 1.3; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { padding: 3pt 5pt; text-align: left; vertical-align: top; border-bottom: 0.5pt solid #c5cdd6; overflow-wrap: break-word; }
th { font-weight: 600; background: #e6ecf3; border-bottom: 1pt solid #14365d; color: #14365d; }
td:first-child, th:first-child { padding-left: 3pt; }
table.facts { width: auto; min-width: 60%; }
table.facts td:first-child { font-weight: 600; color: #14365d; white-space: nowrap; padding-right: 14pt; overflow-wrap: normal; }
.cover { height: 9.1in; display: flex; flex-direction: column; break-after: page; }
.cover-top { display: flex; align-items: center; gap: 14pt; }
.cover-top .logo { height: 0.6in; width: auto; }
.cover-org { font-size: 13pt; font-weight: 600; color: #14365d; margin: 0; }
.cover-main { margin-top: 2.1in; border-left: 5pt solid #14365d; padding-left: 16pt; }
.cover-kind { text-transform: uppercase; letter-spacing: 1.5pt; font-size: 10pt; font-weight: 600; color: #4a5a6d; margin: 0 0 6pt; }
.doc-title { font-size: 24pt; font-weight: 700; line-height: 1.15; color: #14365d; margin: 0 0 18pt; }
.cover-facts { width: auto; font-size: 10.5pt; }
.cover-facts th, .cui-block th { background: none; border: none; color: #4a5a6d; font-weight: 600; padding: 2pt 14pt 2pt 0; white-space: nowrap; overflow-wrap: normal; }
.cover-facts td, .cui-block td { border: none; padding: 2pt 0; }
.cui-block { margin-top: auto; border: 1pt solid #1b1f24; padding: 8pt 12pt; width: 3.8in; font-size: 9pt; break-inside: avoid; }
.cui-block .cui-head { font-weight: 700; font-size: 11pt; margin: 0 0 3pt; letter-spacing: 1pt; }
.cui-block table { margin: 0; font-size: 9pt; width: auto; }
.title-block { margin-bottom: 14pt; border-left: 5pt solid #14365d; padding-left: 12pt; }
.title-block .doc-title { font-size: 20pt; margin: 0 0 4pt; }
.doc-sub { color: #4a5a6d; margin: 0; }
.toc { break-after: page; }
.toc-title { font-size: 18pt; font-weight: 700; color: #14365d; margin: 0 0 12pt; padding-bottom: 3pt; border-bottom: 1.5pt solid #14365d; }
.toc ol { list-style: none; padding: 0; margin: 0; }
.toc li { margin: 0; }
.toc a { display: flex; align-items: baseline; color: inherit; padding: 2.5pt 0; }
.toc .toc-l2 { font-weight: 600; margin-top: 3pt; }
.toc .toc-l3 { padding-left: 16pt; }
.toc-dots { flex: 1; border-bottom: 0.8pt dotted #8795a6; margin: 0 5pt; min-width: 12pt; }
.toc-page { font-variant-numeric: tabular-nums; min-width: 18pt; text-align: right; }
.watermark { position: fixed; top: 50%; left: 50%; transform: translate(-50%, -50%) rotate(-35deg); font-size: 72pt; font-weight: 700; color: rgba(20, 54, 93, 0.1); white-space: nowrap; z-index: 10; letter-spacing: 4pt; }
`;

/** The whole HTML document; `pages` fills the TOC's page numbers (from a previous pass). */
export function documentHtml(prepared: PreparedReport, ctx: RenderContext, pages?: ReadonlyMap<string, number>): string {
  const { meta } = prepared;
  const watermark = meta.watermark ? `<div class="watermark" aria-hidden="true">${escapeHtml(meta.watermark)}</div>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(meta.title)}</title>
<style>${fontFaceCss()}
${STYLE}</style></head>
<body>
${watermark}${coverHtml(prepared, ctx)}
${tocHtml(prepared, pages)}
<main>
${prepared.body}
</main>
</body></html>
`;
}
