/**
 * The PDF page loads nothing (DESIGN.md "Rendering"): a server on 127.0.0.1 counts requests while
 * reports and raw HTML that reference it (and file:///etc/passwd) are printed. Zero requests, the
 * attempts reported as blocked, nothing embedded.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openBrowserSession } from '../../src/io/browser.js';
import type { BrowserSession } from '../../src/io/browser.js';
import { renderPdf } from '../../src/renderers/pdf.js';
import { repoRoot } from '../support/paths.js';
import { acmeReport, noBrowserReason, tool } from '../support/pdf.js';

let session: BrowserSession;
let server: Server;
let port = 0;
const requests: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'infracast-pdf-iso-'));

// Skipped as a whole, with the reason, only where no browser is installed (never in CI).
describe('PDF page isolation', { skip: noBrowserReason() }, () => {
  before(async () => {
    session = openBrowserSession();
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/png' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  after(async () => {
    await session?.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders a report whose text and template reference the server and file:///etc/passwd with zero requests', async () => {
    // A workspace template that tries everything (templates are workspace files, findings are not:
    // finding text is escaped before it reaches Markdown, this goes further and skips the escape).
    const templates = join(dir, 'templates');
    mkdirSync(templates, { recursive: true });
    copyFileSync(join(repoRoot, 'templates', 'gap.md.hbs'), join(templates, 'gap.md.hbs'));
    const hostile = [
      `<img src="http://127.0.0.1:${port}/x">`,
      `![x](http://127.0.0.1:${port}/t)`,
      `![y](https://127.0.0.1:${port}/s)`,
      `![z](logo.png)`,
      '[f](file:///etc/passwd)',
      `<iframe src="file:///etc/passwd"></iframe><link rel="stylesheet" href="http://127.0.0.1:${port}/css">`,
    ].join('\n\n');
    writeFileSync(join(templates, 'gap.md.hbs'), `${readFileSync(join(templates, 'gap.md.hbs'), 'utf8')}\n\n## Injected\n\n${hostile}\n`);
    const { model, ctx } = await acmeReport('gap', session);
    // A finding whose title carries the same attempts (escaped by the template, shown as text).
    const warnings: string[] = [];
    const result = await renderPdf(model, { ...ctx, templatesDir: templates, warn: (m) => warnings.push(m) });
    const file = join(dir, 'gap.pdf');
    writeFileSync(file, result.pdf);
    assert.deepEqual(requests, [], 'the server was never asked');
    const text = tool('pdftotext', [file, '-']);
    assert.doesNotMatch(text, /root:x:0:0/, '/etc/passwd is not embedded');
    assert.match(text, /Injected/);
    // The images that are not files of the report were dropped and said so; nothing is embedded.
    assert.deepEqual(tool('pdfimages', ['-list', file]).split('\n').slice(2).filter(Boolean), []);
    assert.ok(
      warnings.some((w) => w.includes('logo.png')),
      warnings.join('\n'),
    );
  });

  it('refuses and reports every request of raw HTML (img, stylesheet, iframe, file:)', async () => {
    const html = `<!doctype html><html><head><link rel="stylesheet" href="http://127.0.0.1:${port}/a.css"><style>@import url("http://127.0.0.1:${port}/b.css"); body{background:url("http://127.0.0.1:${port}/bg.png")}</style></head>
<body><p>hello</p><img src="http://127.0.0.1:${port}/x.png"><iframe src="file:///etc/passwd"></iframe><object data="file:///etc/hostname"></object><script src="http://127.0.0.1:${port}/s.js"></script></body></html>`;
    const result = await session.printPdf(html, {});
    assert.deepEqual(requests, []);
    // Refused and reported; file: from the about:blank document Chromium refuses before any request.
    for (const path of ['/a.css', '/b.css', '/bg.png', '/x.png'])
      assert.ok(result.blocked.includes(`http://127.0.0.1:${port}${path}`), result.blocked.join(', '));
    const file = join(dir, 'raw.pdf');
    writeFileSync(file, result.pdf);
    assert.doesNotMatch(tool('pdftotext', [file, '-']), /root:x:0:0/);
  });
});
