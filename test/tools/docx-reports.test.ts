/**
 * The DOCX renderer on examples/acme (issue 5, DOCX part), with real Chromium (PNG fallbacks of the
 * charts) and real LibreOffice: headings in Word's Heading styles, a table of contents already
 * filled in with every H1/H2, tables whose header row repeats and whose rows do not split, the
 * classification and page fields in header and footer, core properties, the same bytes twice, and
 * LibreOffice converting every document to a PDF with the same headings and table content.
 * Structure is asserted on the unzipped XML, never on bytes of other tools (DESIGN.md "Tests").
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { strFromU8, unzipSync } from 'fflate';
import MarkdownIt from 'markdown-it';
import { docxRenderer } from '../../src/renderers/docx.js';
import { renderMarkdown } from '../../src/renderers/markdown.js';
import type { RenderContext } from '../../src/renderers/renderer.js';
import { acme, acmeReports, acmeRun, AT } from '../support/acme-reports.js';
import type { AcmeReport } from '../support/acme-reports.js';
import { openBrowserSession } from '../../src/io/browser.js';
import type { BrowserSession } from '../../src/io/browser.js';
import { findTool, libreOfficeToPdf, requireTool } from '../support/tools.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
let reports: AcmeReport[] = [];
let browser: BrowserSession | undefined;
const rendered = new Map<string, Uint8Array>();

function ctxOf(report: AcmeReport, withBrowser = true): RenderContext {
  return {
    workspaceRoot: acme,
    templatesDir: join(acme, 'templates'),
    attachments: report.attachments,
    ...(withBrowser && browser ? { browser: async () => browser! } : {}),
  };
}

/** The Markdown's headings, as text, by level (what the DOCX must carry). */
function markdownHeadings(markdown: string): { level: number; text: string }[] {
  const tokens = new MarkdownIt('commonmark').parse(markdown, {});
  return tokens.flatMap((t, i) =>
    t.type === 'heading_open'
      ? [
          {
            level: Number(t.tag.slice(1)),
            text: (tokens[i + 1]!.children ?? []).map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : '')).join(''),
          },
        ]
      : [],
  );
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', preserveOrder: true, trimValues: false });
type Node = Record<string, unknown>;

/** Every element named `name`, depth first. */
function findAll(nodes: unknown, name: string, out: Node[] = []): Node[] {
  if (!Array.isArray(nodes)) return out;
  for (const node of nodes as Node[]) {
    for (const [key, value] of Object.entries(node)) {
      if (key === ':@') continue;
      if (key === name) out.push(node);
      findAll(value, name, out);
    }
  }
  return out;
}
const textOf = (node: Node): string =>
  findAll([node], 'w:t')
    .map((t) => ((t['w:t'] as Node[])[0]?.['#text'] as string | undefined) ?? '')
    .join('');
const attr = (node: Node, name: string): string | undefined => (node[':@'] as Record<string, string> | undefined)?.[`@${name}`];
const styleOf = (p: Node): string | undefined => {
  const pStyle = findAll(p['w:p'], 'w:pStyle')[0];
  return pStyle ? attr(pStyle, 'w:val') : undefined;
};

function parts(bytes: Uint8Array): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(bytes)).map(([k, v]) => [k, k.endsWith('.xml') || k.endsWith('.rels') ? strFromU8(v) : '']));
}

describe('DOCX renderer on examples/acme (real Chromium and LibreOffice)', () => {
  before(async () => {
    reports = acmeReports(await acmeRun());
    const chromium = findTool(...CHROMIUM);
    // The real run browser (src/io/browser.ts), found the way render finds it.
    if (chromium) browser = openBrowserSession({ env: { CHROME_PATH: chromium } });
    for (const r of reports) rendered.set(r.name, await docxRenderer.render(r.model, ctxOf(r)));
  });
  after(async () => {
    await browser?.close();
  });

  it('writes every heading in its Heading style, and the cover title in the Title style', () => {
    for (const r of reports) {
      const body = parser.parse(parts(rendered.get(r.name)!)['word/document.xml']!) as unknown;
      const paragraphs = findAll(body, 'w:p');
      const headings = markdownHeadings(renderMarkdown(r.model, join(acme, 'templates')));
      const styled = paragraphs.filter((p) => /^Heading\d$/.test(styleOf(p) ?? '')).map((p) => `${styleOf(p)}:${textOf(p)}`);
      const expected = headings.filter((h) => h.level > 1 && h.text !== 'Contents').map((h) => `Heading${h.level}:${h.text}`);
      assert.deepEqual(styled, expected, r.name);
      assert.deepEqual(paragraphs.filter((p) => styleOf(p) === 'Title').map(textOf), [r.model.meta.title], r.name);
    }
  });

  it('fills the table of contents in: a clean TOC field whose cached entries are every H1/H2, linked to bookmarks on the headings', () => {
    for (const r of reports) {
      const xml = parts(rendered.get(r.name)!)['word/document.xml']!;
      const doc = parser.parse(xml) as unknown;
      const sdt = findAll(doc, 'w:sdt')[0];
      assert.ok(sdt, `${r.name}: a table of contents`);
      const instr = findAll([sdt], 'w:instrText').map((n) => ((n['w:instrText'] as Node[])[0]?.['#text'] as string) ?? '');
      assert.match(instr[0]!, /^TOC \\h \\o "1-2"/);
      assert.doesNotMatch(xml, /w:dirty="true"/, 'no field marked dirty: Word does not ask to update');
      const entries = findAll([sdt], 'w:p').filter((p) => /^TOC\d$/.test(styleOf(p) ?? ''));
      const headings = markdownHeadings(renderMarkdown(r.model, join(acme, 'templates'))).filter((h) => h.level === 2 && h.text !== 'Contents');
      assert.deepEqual(
        entries.map((p) => textOf(p)),
        headings.map((h) => h.text),
        r.name,
      );
      const bookmarks = new Set(findAll(doc, 'w:bookmarkStart').map((b) => attr(b, 'w:name')));
      for (const link of findAll([sdt], 'w:hyperlink')) assert.ok(bookmarks.has(attr(link, 'w:anchor')), `${r.name}: TOC link to ${attr(link, 'w:anchor')}`);
    }
  });

  it('repeats each table header row on every page and never splits a row', () => {
    const gap = parser.parse(parts(rendered.get('gap')!)['word/document.xml']!) as unknown;
    const tables = findAll(gap, 'w:tbl');
    assert.ok(tables.length >= 4);
    let withHeader = 0;
    for (const table of tables) {
      const rows = findAll(table['w:tbl'], 'w:tr');
      for (const row of rows) assert.equal(findAll(row['w:tr'], 'w:cantSplit').length, 1, 'cantSplit on every row');
      const header = findAll(rows[0]!['w:tr'], 'w:tblHeader').length === 1;
      if (header) withHeader++;
      for (const row of rows.slice(1)) assert.equal(findAll(row['w:tr'], 'w:tblHeader').length, 0, 'only the first row repeats');
    }
    // The cover details and provenance tables are key-value tables with an empty header ("| | |"), left out.
    assert.equal(withHeader, tables.length - 2, 'every table with a header repeats it');
    const gaps = tables.find((t) => textOf(t).includes('Worst open severity'))!;
    assert.match(textOf(gaps), /3\.14\.1.*Flaw Remediation/);
  });

  it('puts the classification banner and Page X of Y in header and footer, and the watermark in the header', () => {
    const files = parts(rendered.get('framework')!);
    const header = Object.entries(files).find(([k]) => /^word\/header\d+\.xml$/.test(k))![1];
    const footer = Object.entries(files).find(([k]) => /^word\/footer\d+\.xml$/.test(k))![1];
    assert.match(header, /<w:t[^>]*>CUI\/\/FEDCON<\/w:t>/);
    assert.match(header, /DRAFT/, 'the watermark text');
    assert.match(header, /<v:textpath/, 'a WordArt watermark shape');
    assert.match(footer, /<w:t[^>]*>CUI\/\/FEDCON<\/w:t>/);
    assert.match(footer, /<w:instrText[^>]*>\s*PAGE\s*<\/w:instrText>/);
    assert.match(footer, /<w:instrText[^>]*>\s*NUMPAGES\s*<\/w:instrText>/);
    assert.doesNotMatch(parts(rendered.get('gap')!)['word/header1.xml'] ?? '', /v:textpath/, 'no watermark unless the report has one');
  });

  it('sets the core properties, created and modified at generated_at', () => {
    const core = parts(rendered.get('gap')!)['docProps/core.xml']!;
    const model = reports.find((r) => r.name === 'gap')!.model;
    assert.match(core, new RegExp(`<dc:title>${model.meta.title}</dc:title>`));
    assert.match(core, /<dc:subject>gap report: nist-800-171<\/dc:subject>/);
    assert.match(core, /<dc:creator>Acme Corp<\/dc:creator>/);
    assert.match(core, /<cp:keywords>nist-800-171, gap, CUI\/\/FEDCON<\/cp:keywords>/);
    assert.match(core, /<dc:description>[^<]*Generated by Infracast/);
    assert.match(core, new RegExp(`<dcterms:created xsi:type="dcterms:W3CDTF">${AT}</dcterms:created>`));
    assert.match(core, new RegExp(`<dcterms:modified xsi:type="dcterms:W3CDTF">${AT}</dcterms:modified>`));
  });

  it('gives the same bytes for the same inputs (sorted entries, generated_at as every mtime, ids numbered per document)', async () => {
    const r = reports.find((x) => x.name === 'executive')!;
    const again = await docxRenderer.render(r.model, ctxOf(r));
    assert.equal(Buffer.compare(Buffer.from(again), Buffer.from(rendered.get('executive')!)), 0);
    // A watermark and links (ids docx draws at random): the same bytes too.
    const gap = reports.find((x) => x.name === 'gap')!;
    const marked = { ...gap.model, meta: { ...gap.model.meta, watermark: 'DRAFT' } };
    const { docxFromMarkdown } = await import('../../src/renderers/docx.js');
    const markdown = `${renderMarkdown(marked, join(acme, 'templates'))}\nSee [the guide](https://example.com/guide) or [mail](mailto:isso@acme.com).\n`;
    const [first, second] = [await docxFromMarkdown(markdown, marked, ctxOf(gap)), await docxFromMarkdown(markdown, marked, ctxOf(gap))];
    assert.equal(Buffer.compare(Buffer.from(first), Buffer.from(second)), 0);
    const names = Object.keys(unzipSync(again));
    assert.deepEqual(
      names,
      [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  });

  it('embeds the charts as SVG with a PNG fallback (drawn by resvg, no browser), only from the attachments', () => {
    const files = unzipSync(rendered.get('executive')!);
    const media = Object.keys(files).filter((k) => k.startsWith('word/media/'));
    const charts = reports.find((r) => r.name === 'executive')!.attachments.size - 1;
    assert.equal(media.filter((m) => m.endsWith('.svg')).length, charts + 1, 'every chart and the logo');
    assert.equal(media.filter((m) => m.endsWith('.png')).length, charts + 1, 'a PNG fallback for each');
    for (const png of media.filter((m) => m.endsWith('.png'))) assert.deepEqual([...files[png]!.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    const rels = strFromU8(files['word/_rels/document.xml.rels']!);
    assert.doesNotMatch(rels, /TargetMode="External"/, 'no external relationship: nothing is linked from outside');
    assert.match(strFromU8(files['word/document.xml']!), /descr="Control status by family, nist-800-53"/, 'alt text kept');
  });

  it('without a browser, still gives every SVG its PNG fallback; an SVG that cannot be drawn is left out, its alt text shown', async () => {
    const r = reports.find((x) => x.name === 'executive')!;
    const { docxFromMarkdown } = await import('../../src/renderers/docx.js');
    const markdown = renderMarkdown(r.model, join(acme, 'templates'));
    const files = unzipSync(await docxFromMarkdown(markdown, r.model, ctxOf(r, false)));
    const media = Object.keys(files).filter((k) => k.startsWith('word/media/'));
    assert.equal(media.filter((m) => m.endsWith('.png')).length, r.attachments.size, media.join(', '));
    assert.equal(media.filter((m) => m.endsWith('.svg')).length, r.attachments.size);
    // A chart whose SVG is cut short: its size is in its <svg> tag, but resvg cannot parse it.
    const broken = [...r.attachments.keys()].find((n) => n.includes('score-trend'))!;
    const attachments = new Map(r.attachments);
    attachments.set(broken, new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="320"><rect'));
    const skipped: string[] = [];
    const warnings: string[] = [];
    const bytes = await docxFromMarkdown(
      markdown,
      r.model,
      { ...ctxOf(r, false), attachments, warn: (m) => warnings.push(m) },
      { onSkippedImage: (n) => skipped.push(n) },
    );
    assert.deepEqual(skipped, [broken]);
    assert.match(
      warnings.join('\n'),
      new RegExp(`image ${broken.replace(/\./g, '\\.')} could not be drawn for the DOCX \\(.+\\): its alt text is shown instead`),
    );
    assert.match(strFromU8(unzipSync(bytes)['word/document.xml']!), /\[Score over time\]/);
  });

  it('LibreOffice converts every document; the PDF text has the same headings and table content', (t) => {
    const soffice = requireTool(t, 'LibreOffice', 'soffice', 'libreoffice');
    const pdftotext = soffice && requireTool(t, 'pdftotext (poppler-utils)', 'pdftotext');
    if (!soffice || !pdftotext) return;
    const work = mkdtempSync(join(tmpdir(), 'infracast-docx-'));
    try {
      for (const r of reports.filter((x) => x.name !== 'framework')) {
        // Two documents, two soffice runs: each takes seconds on 2 cores, so the 120-page framework
        // report is checked structurally only.
        const docx = join(work, `${r.name}.docx`);
        writeFileSync(docx, rendered.get(r.name)!);
        const pdf = join(work, `${r.name}.pdf`);
        writeFileSync(pdf, libreOfficeToPdf(soffice, docx));
        const text = spawnSync(pdftotext, ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
        const headings = markdownHeadings(renderMarkdown(r.model, join(acme, 'templates'))).filter((h) => h.text !== 'Contents');
        for (const h of headings) assert.ok(text.includes(h.text.replace(/\s+/g, ' ')), `${r.name}: heading "${h.text}" in the PDF`);
        assert.match(text, /CUI/);
        assert.match(text, /Page 1 of \d+/);
        if (r.name === 'gap') {
          assert.match(text, /SPRS score 80 \(incomplete\)/);
          assert.match(text, /1 3\.14\.1 Flaw Remediation CRITICAL -5/);
          assert.match(text, /Contents Summary Failing Not assessed Remediation Provenance/, 'the table of contents as written');
          assert.match(text, /Unmapped findings 155 of 433 findings map to no control of nist-800-171/);
        }
        if (r.name === 'executive') assert.match(text, /80 of 110 \(incomplete\)/);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
