/**
 * Hostile text in DOCX (issue 5): finding text arrives Markdown-escaped, and the one markdown-it
 * configuration allows only https, mailto and in-document anchors as links and only attachments
 * as images. `<script>`, javascript: links, images from the network and file: URLs must end as
 * plain text runs: no hyperlink relationship but the allowed ones, no external image.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { docxFromMarkdown, docxRenderer } from '../../src/renderers/docx.js';
import type { ReportModel } from '../../src/model/report-model.js';
import { escapeMarkdown } from '../../src/templating/markdown-escape.js';
import { acme } from '../support/acme-reports.js';

const HOSTILE = ['<script>alert(1)</script>', '[x](javascript:alert(1))', '![x](http://127.0.0.1:9/t)', 'file:///etc/passwd', '[y](file:///etc/passwd)'];

function model(): ReportModel {
  return {
    kind: 'gap',
    meta: {
      title: 'Hostile',
      tenant: { id: 't', name: 'T' },
      frameworks: ['nist-800-171'],
      generatedAt: '2026-11-29T00:00:00Z',
      coverPage: false,
      tableOfContents: false,
    },
    provenance: { toolVersion: '0.0.0', catalogs: [], inputs: [], generatedAt: '2026-11-29T00:00:00Z', coverage: [] },
    sections: [],
    tables: [],
  };
}

function parts(bytes: Uint8Array): { document: string; rels: string; media: string[] } {
  const files = unzipSync(bytes);
  return {
    document: strFromU8(files['word/document.xml']!),
    rels: strFromU8(files['word/_rels/document.xml.rels']!),
    media: Object.keys(files).filter((k) => k.startsWith('word/media/')),
  };
}

const ctx = { workspaceRoot: acme, templatesDir: join(acme, 'templates'), attachments: new Map<string, Uint8Array>() };

describe('DOCX: hostile text stays text', () => {
  it("escaped finding text (as templates write it) gives plain runs, and the only relationships are docx's own", async () => {
    const markdown = `# Hostile\n\n## Findings\n\n${HOSTILE.map((h) => `- ${escapeMarkdown(h)}`).join('\n')}\n\n| Title |\n|---|\n${HOSTILE.map((h) => `| ${escapeMarkdown(h)} |`).join('\n')}\n`;
    const { document, rels, media } = parts(await docxFromMarkdown(markdown, model(), ctx));
    assert.match(document, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(document, /\[x\]\(javascript:alert\(1\)\)/);
    assert.match(document, /!\[x\]\(http:\/\/127\.0\.0\.1:9\/t\)/);
    assert.match(document, /file:\/\/\/etc\/passwd/);
    assert.doesNotMatch(document, /<w:hyperlink/);
    assert.doesNotMatch(rels, /TargetMode="External"/);
    assert.doesNotMatch(rels, /hyperlink|javascript|127\.0\.0\.1|file:/);
    assert.deepEqual(media, []);
  });

  it('raw links and images in a template: only https and mailto become links, anchors link to headings, the rest is text', async () => {
    const markdown = [
      '# Hostile',
      '',
      '## Links',
      '',
      '[js](javascript:alert(1)) [file](file:///etc/passwd) [http](http://example.com/) [ok](https://example.com/a) [mail](mailto:a@b.c) [up](#links) [nowhere](#missing)',
      '',
      '![net](http://127.0.0.1:9/t) ![local](file:///etc/passwd) ![absent](logo.png) <script>alert(1)</script>',
      '',
    ].join('\n');
    const { document, rels, media } = parts(await docxFromMarkdown(markdown, model(), ctx));
    const external = [...rels.matchAll(/Target="([^"]+)"\s+TargetMode="External"|TargetMode="External"[^>]*Target="([^"]+)"/g)].map((m) => m[1] ?? m[2]);
    assert.deepEqual(external.sort(), ['https://example.com/a', 'mailto:a@b.c']);
    assert.match(document, /<w:hyperlink [^>]*w:anchor="_H2"/, '#links goes to the bookmark on the Links heading');
    assert.match(document, /<w:bookmarkStart w:name="_H2" [^>]*\/><w:r><w:t xml:space="preserve">Links</);
    assert.equal((document.match(/<w:hyperlink/g) ?? []).length, 3);
    for (const text of ['[js](javascript:alert(1))', '[file](file:///etc/passwd)', '![net](http://127.0.0.1:9/t)', '&lt;script&gt;'])
      assert.ok(document.includes(text), text);
    assert.ok(document.includes('[http](http://example.com/)'), 'an http link is refused by the parser: text');
    assert.doesNotMatch(
      document,
      /<w:rStyle w:val="Hyperlink"\/><\/w:rPr><w:t xml:space="preserve">nowhere/,
      'an anchor to no heading is plain text, not styled as a link',
    );
    assert.match(document, /\[absent\]/, 'an image that is not an attachment shows its alt text');
    assert.deepEqual(media, []);
  });

  it('a table written as XML (text, emphasis, code, anchors) is what docx writes for the same table', async () => {
    // The one row with an external link sends its table through docx's own objects; the table without it is written as XML.
    const cells = [
      ...HOSTILE.map((h) => `| ${escapeMarkdown(h)} | ${escapeMarkdown(`"q" 'a' & ${h}`)} |`),
      '| **bold** *it* ~~gone~~ `code <x> & "y"` | [up](#t) [nowhere](#missing) **[bold up](#t)** |',
      `| ctrl\u0001char | ${escapeMarkdown('a | b')} |`,
    ];
    const table = (rows: string[]): string => ['| Title | Count |', '|:---:|---:|', ...rows].join('\n');
    const markdown = `# T\n\n${table(cells)}\n\n## Second\n\n${table([...cells, '| [ok](https://example.com/a) | 1 |'])}\n`;
    const { document } = parts(await docxFromMarkdown(markdown, model(), ctx));
    const tables = [...document.matchAll(/<w:tbl>.*?<\/w:tbl>/g)].map((m) => m[0]);
    assert.equal(tables.length, 2);
    const rows = (xml: string): string[] => [...xml.matchAll(/<w:tr>.*?<\/w:tr>/g)].map((m) => m[0]);
    assert.deepEqual(rows(tables[0]!), rows(tables[1]!).slice(0, -1));
    assert.equal(tables[0]!.slice(0, tables[0]!.indexOf('<w:tr>')), tables[1]!.slice(0, tables[1]!.indexOf('<w:tr>')), 'the same table properties');
    assert.match(tables[0]!, /<w:hyperlink w:history="1" w:anchor="_H1">/);
    assert.match(tables[0]!, /&lt;script&gt;/);
    assert.ok(!document.includes('\u0001'), 'no control character');
  });

  it('the renderer itself (templates over a model) adds no external relationship', async () => {
    const { rels } = parts(await docxRenderer.render({ ...model(), meta: { ...model().meta, title: '<script>x</script> [t](javascript:1)' } }, ctx));
    assert.doesNotMatch(rels, /TargetMode="External"/);
  });
});
