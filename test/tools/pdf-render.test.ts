/**
 * The PDF renderer on examples/acme with the real Chromium (issue 5, PDF): read back with poppler
 * and qpdf, never compared byte for byte (DESIGN.md "Tests": structural). One browser for the file;
 * three reports (gap, executive, framework), each printed once (twice with its TOC pass) and
 * checked many ways.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openBrowserSession } from '../../src/io/browser.js';
import type { BrowserSession } from '../../src/io/browser.js';
import { prepareReport } from '../../src/renderers/html.js';
import { normaliseStructureIds, outlineEntries, renderPdf } from '../../src/renderers/pdf.js';
import type { PdfResult } from '../../src/renderers/pdf.js';
import { acmeReport, noBrowserReason, tool } from '../support/pdf.js';
import type { AcmeReport } from '../support/pdf.js';

const dir = mkdtempSync(join(tmpdir(), 'infracast-pdf-'));
let session: BrowserSession;
const reports = new Map<string, { report: AcmeReport; result: PdfResult; file: string; warnings: string[] }>();
const KINDS = ['gap', 'executive', 'framework'] as const;

/** Letter in points, and the header/footer bands of the page margins (html.ts PAGE: 0.9in, 0.85in). */
const PAGE_W = 612;
const PAGE_H = 792;
const BODY_TOP = 0.9 * 72;
const BODY_BOTTOM = PAGE_H - 0.85 * 72;

interface Word {
  page: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  text: string;
}

/** pdftotext -bbox: every word with its page and box (points, origin top left). */
function words(file: string): Word[] {
  const xml = tool('pdftotext', ['-bbox', file, '-']);
  const out: Word[] = [];
  let page = 0;
  for (const line of xml.split('\n')) {
    if (line.includes('<page ')) page++;
    const m = /<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*)<\/word>/.exec(line);
    if (m)
      out.push({
        page,
        x0: Number(m[1]),
        y0: Number(m[2]),
        x1: Number(m[3]),
        y1: Number(m[4]),
        text: m[5]!
          .replace(/&amp;/g, '&')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"'),
      });
  }
  return out;
}

const pageText = (file: string, page: number): string => tool('pdftotext', ['-f', String(page), '-l', String(page), file, '-']).replace(/\s+/g, ' ');
const get = (kind: string) => reports.get(kind)!;

// Skipped as a whole, with the reason, only where no browser is installed (never in CI).
describe('PDF renderer (Chromium) on examples/acme', { skip: noBrowserReason() }, () => {
  before(async () => {
    session = openBrowserSession();
    for (const kind of KINDS) {
      const report = await acmeReport(kind, session);
      // The watermark is an option of every report: the gap report carries one here.
      if (kind === 'gap') report.model.meta.watermark = 'DRAFT';
      const warnings: string[] = [];
      report.ctx.warn = (message) => warnings.push(message);
      const result = await renderPdf(report.model, report.ctx);
      const file = join(dir, `${kind}.pdf`);
      writeFileSync(file, result.pdf);
      reports.set(kind, { report, result, file, warnings });
    }
  });
  after(async () => {
    await session?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the gap report states SPRS 80 and puts 3.14.1 first', () => {
    const text = tool('pdftotext', ['-layout', get('gap').file, '-']);
    assert.match(text, /SPRS score +80 \(incomplete\)/);
    assert.match(text, /Gaps +12 of 110/);
    // The first row of the Gaps table, and the first gap's section. Read in content order (-raw):
    // in -layout mode the DRAFT watermark's letters interleave with a row they cross.
    const raw = tool('pdftotext', ['-raw', get('gap').file, '-']);
    const rows = raw
      .slice(raw.search(/# +Control +Title/))
      .split('\n')
      .filter((line) => /^\s*\d+\s+3\.\d+\.\d+\s/.test(line));
    assert.match(rows[0] ?? '', /^ *1 +3\.14\.1 +Flaw Remediation +CRITICAL +-5 +not eligible *$/);
    assert.equal(rows.length >= 12, true);
    assert.match(text, /1\. 3\.14\.1 Flaw Remediation/);
    // The cover says how many findings the framework's controls miss; the not-assessed ones are one table.
    assert.match(text, /Unmapped findings +155 of 433 findings map to no control of nist-800-171/);
    assert.match(raw, /^ *11 +3\.1\.21 +Portable Storage Use +no evidence: no attestation and no finding names it +-1 *$/m);
    assert.doesNotMatch(text, /3\.1\.21 Portable Storage Use: Not assessed/);
    assert.deepEqual(get('gap').warnings, []);
  });

  it('the framework and executive reports hold their controls and scores', () => {
    const framework = tool('pdftotext', [get('framework').file, '-']).replace(/\s+/g, ' ');
    assert.match(framework, /AC-2 Account Management: Failing/);
    assert.match(framework, /SI-10 Information Input Validation: Failing/);
    const executive = tool('pdftotext', [get('executive').file, '-']).replace(/\s+/g, ' ');
    assert.match(executive, /80 of 110 \(incomplete\)/);
    assert.match(executive, /Control status by family: nist-800-53/, 'the chart (an SVG attachment) is drawn, its text included');
  });

  it('passes qpdf --check', () => {
    for (const kind of KINDS) assert.match(tool('qpdf', ['--check', get(kind).file]), /No syntax or stream encoding errors/, kind);
  });

  it('embeds every font, and only the fonts that ship with Infracast', () => {
    for (const kind of KINDS) {
      const rows = tool('pdffonts', [get(kind).file])
        .split('\n')
        .slice(2)
        .filter(Boolean);
      assert.ok(rows.length > 0, kind);
      for (const row of rows) {
        assert.match(row, /^[A-Z]{6}\+(SourceSans3|JetBrainsMono)/, `${kind}: ${row}`);
        assert.match(row, /\byes\s+yes\s+yes\b/, `${kind}: not embedded: ${row}`);
      }
    }
  });

  it('keeps all text inside the page, and body text at 9pt or more', () => {
    for (const kind of ['gap', 'framework'] as const) {
      const all = words(get(kind).file);
      assert.ok(all.length > 500, kind);
      for (const w of all) assert.ok(w.x0 >= 0 && w.y0 >= 0 && w.x1 <= PAGE_W && w.y1 <= PAGE_H, `${kind} p${w.page}: "${w.text}" outside the page`);
      // poppler's word height is the font size times the font's ascent + descent: 1.424 for
      // Source Sans 3, 1.32 for JetBrains Mono; 9pt is then at least 11.88 (mono), 12.8 (sans).
      // The running header and footer (8pt) sit in the margins and are not body text.
      const body = all.filter((w) => w.y0 > BODY_TOP && w.y1 < BODY_BOTTOM);
      const small = body.filter((w) => w.y1 - w.y0 < 9 * 1.32 - 0.05);
      assert.deepEqual(
        small.slice(0, 5).map((w) => `p${w.page} "${w.text}" ${(w.y1 - w.y0).toFixed(2)}`),
        [],
        `${kind}: text under 9pt`,
      );
    }
  });

  it('never ends a page with a heading', () => {
    for (const kind of KINDS) {
      const { file, report } = get(kind);
      const headings = prepareReport(report.model, report.ctx).headings.map((h) => h.text.replace(/\s+/g, ' '));
      const byPage = new Map<number, Word[]>();
      for (const w of words(file)) if (w.y0 > BODY_TOP && w.y1 < BODY_BOTTOM) byPage.set(w.page, [...(byPage.get(w.page) ?? []), w]);
      for (const [page, list] of byPage) {
        const lastY = Math.max(...list.map((w) => w.y1));
        const line = list
          .filter((w) => Math.abs(w.y1 - lastY) < 2)
          .sort((a, b) => a.x0 - b.x0)
          .map((w) => w.text)
          .join(' ');
        assert.ok(!headings.some((h) => h === line || (line.length > 8 && h.startsWith(line))), `${kind} page ${page} ends with the heading "${line}"`);
      }
    }
  });

  it('prints the classification banner at the top and bottom of every page, and the watermark on every page', () => {
    for (const kind of KINDS) {
      const all = words(get(kind).file);
      const pages = get(kind).result.pageCount;
      for (let page = 1; page <= pages; page++) {
        // examples/acme composes CUI//FEDCON (model/cui-marking.ts): one word for pdftotext.
        const cui = all.filter((w) => w.page === page && w.text === 'CUI//FEDCON');
        assert.ok(
          cui.some((w) => w.y1 < BODY_TOP / 2),
          `${kind} page ${page}: no banner at the top`,
        );
        assert.ok(
          cui.some((w) => w.y0 > PAGE_H - (PAGE_H - BODY_BOTTOM) / 2),
          `${kind} page ${page}: no banner at the bottom`,
        );
        assert.match(pageText(get(kind).file, page), new RegExp(`Page ${page} of ${pages}`), `${kind} page ${page}: page number`);
        // The watermark is set large and at an angle: poppler reads it as single tall letters.
        const letters = all
          .filter((w) => w.page === page && w.text.length === 1 && w.y1 - w.y0 > 50)
          .map((w) => w.text)
          .sort()
          .join('');
        if (kind === 'gap') assert.equal(letters, 'ADFRT', `gap page ${page}: no watermark`);
      }
    }
  });

  it('carries Title, Author, Subject and dates from the report (pdfinfo), and an outline of the headings', async () => {
    const info = tool('pdfinfo', ['-isodates', get('gap').file]);
    assert.match(info, /^Title:\s+NIST SP 800-171 Rev\. 2 Gap Analysis$/m);
    assert.match(info, /^Author:\s+Acme Corp$/m);
    assert.match(info, /^Subject:\s+Gap analysis: nist-800-171$/m);
    assert.match(info, /^CreationDate:\s+2026-11-29T00:00:00(Z|\+00)/m);
    assert.match(info, /^ModDate:\s+2026-11-29T00:00:00(Z|\+00)/m);
    assert.match(info, /^Tagged:\s+yes$/m);
    const lib = await import('@cantoo/pdf-lib');
    const doc = await lib.PDFDocument.load(get('gap').result.pdf);
    const titles = outlineEntries(lib, doc).map((e) => e.title);
    for (const heading of ['Summary', 'Failing', '1. 3.14.1 Flaw Remediation', 'Not assessed', 'Remediation', 'Provenance'])
      assert.ok(titles.includes(heading), heading);
  });

  it('gives each TOC entry the page its heading is on (pdftotext -f N -l N)', () => {
    for (const kind of KINDS) {
      const { file, result, report } = get(kind);
      const toc = prepareReport(report.model, report.ctx).toc;
      assert.ok(toc.length >= 3, kind);
      assert.ok(result.passes >= 2 && result.passes <= 3, `${kind}: ${result.passes} passes`);
      // The numbers as printed on the TOC pages, read back from the PDF.
      const printed = new Map<string, number>();
      for (let page = 2; page <= 4; page++) {
        for (const line of tool('pdftotext', ['-layout', '-f', String(page), '-l', String(page), file, '-']).split('\n')) {
          const m = /^\s*(\S.*?)\s{2,}(\d+)\s*$/.exec(line);
          if (m && toc.some((h) => h.text === m[1]) && !printed.has(m[1]!)) printed.set(m[1]!, Number(m[2]));
        }
      }
      assert.equal(printed.size, new Set(toc.map((h) => h.text)).size, `${kind}: every TOC entry read back`);
      for (const [text, page] of printed) {
        assert.ok(pageText(file, page).includes(text), `${kind}: "${text}" is not on page ${page}`);
      }
    }
  });

  it('names the tagged structure after its objects, not after Chromium’s DOM node numbers (which vary with timing)', async () => {
    const lib = await import('@cantoo/pdf-lib');
    const printed = get('gap').result.pdf;
    const text = Buffer.from(printed).toString('latin1');
    const ids = [...new Set([...text.matchAll(/\((node\d{8})\)/g)].map((m) => m[1]!))];
    assert.ok(ids.length > 10, `structure ids in the PDF: ${ids.length}`);
    // The same PDF as another print could name it: every id shifted (the byte lengths stay).
    const shifted = Buffer.from(
      text.replace(/\(node(\d{8})\)/g, (_, n: string) => `(node${String(Number(n) + 7).padStart(8, '0')})`),
      'latin1',
    );
    assert.ok(!shifted.equals(Buffer.from(printed)));
    const load = (bytes: Uint8Array) => lib.PDFDocument.load(bytes, { updateMetadata: false });
    const [a, b] = await Promise.all([load(printed), load(shifted)]);
    normaliseStructureIds(lib, a);
    normaliseStructureIds(lib, b);
    const save = (doc: typeof a) => doc.save({ useObjectStreams: false, updateFieldAppearances: false, objectsPerTick: Infinity });
    assert.ok(Buffer.from(await save(a)).equals(Buffer.from(await save(b))), 'the same bytes whatever Chromium numbered');
  });

  it('gives the same text and page count for the same inputs', async () => {
    const again = await renderPdf(get('gap').report.model, get('gap').report.ctx);
    const file = join(dir, 'gap-again.pdf');
    writeFileSync(file, again.pdf);
    assert.equal(again.pageCount, get('gap').result.pageCount);
    // Same Chromium, same bytes: the Info dates are generated_at and pdf-lib drops Skia's random /ID.
    assert.ok(Buffer.from(again.pdf).equals(Buffer.from(get('gap').result.pdf)), 'byte-identical');
    assert.equal(tool('pdftotext', [file, '-']), tool('pdftotext', [get('gap').file, '-']));
    assert.equal(tool('pdfinfo', [file]).replace(/^File size:.*$/m, ''), tool('pdfinfo', [get('gap').file]).replace(/^File size:.*$/m, ''));
  });
});
