/**
 * The one markdown-it configuration every format that reads the templates' Markdown uses (HTML for
 * PDF, the token walk for DOCX), per DESIGN.md "Rendering": no raw HTML, no linkify, and links
 * limited to https, mailto and in-document anchors. Images may only name a file that is written
 * beside the report (the logo, the charts: RenderContext.attachments); the renderers embed those
 * bytes and drop any other image, so a report never loads anything from anywhere.
 */
import MarkdownIt from 'markdown-it';

/** A bare file name beside the report: no scheme, no folder, no parent reference. */
export function isAttachmentName(url: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(url) && !url.includes('..');
}

/** https, mailto, an in-document anchor, or an attachment's bare file name. */
export function isAllowedLink(url: string): boolean {
  const trimmed = url.trim();
  if (trimmed.startsWith('#')) return true;
  if (/^https:\/\//i.test(trimmed) || /^mailto:/i.test(trimmed)) return true;
  return isAttachmentName(trimmed);
}

/**
 * A table column whose every cell is at most this many characters (a status, an id, a date) is
 * kept on one line by the PDF and DOCX layouts: "Not assessed" never wraps while a reason beside
 * it has room to spare.
 */
export const SHORT_CELL = 16;

/**
 * The space before a check box (☐ U+2610, ☒ U+2612) in a cell's text: PDF and DOCX start the box on
 * a line of its own, as the FedRAMP SSP template's cells do ("Implementation Status (check all that
 * apply):" then one box a line); the Markdown keeps the cell on its one line.
 */
export const CHECK_BOX_BREAK = /\s+(?=[\u2610\u2612])/g;

let parser: MarkdownIt | undefined;

export function markdownParser(): MarkdownIt {
  if (!parser) {
    parser = new MarkdownIt({ html: false, linkify: false, typographer: false });
    parser.validateLink = isAllowedLink;
  }
  return parser;
}
