/**
 * A hostile logo SVG through a real render (issue 12): script, event handlers, foreignObject and an
 * image on a loopback server. The copy beside the report is the sanitised SVG, the PDF and DOCX
 * embed it, the render warns naming what was removed, and the server gets no request while the PDF
 * is printed and the DOCX's PNG fallback drawn. A logo with a DTD is not used at all.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { runCliAsync } from '../support/cli.js';
import { countingServer } from '../support/counting-server.js';
import { noBrowserReason, tool } from '../support/pdf.js';
import { makeWorkspace } from '../support/workspace.js';

const env = { SOURCE_DATE_EPOCH: String(Date.parse('2026-11-29T12:00:00Z') / 1000) };
const GAP = 'type: gap\nframework: nist-800-53\nbaseline: low\nformats: [md, pdf, docx]\noptions:\n  organization_logo: assets/logo.svg\n';

describe('a hostile logo SVG in a rendered report', { skip: noBrowserReason() }, () => {
  it('is copied and embedded sanitised, the render names what was removed, and nothing is requested', async () => {
    const { server, port, requests } = await countingServer();
    try {
      const at = `http://127.0.0.1:${port}`;
      const svg =
        `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="40" onload="fetch('${at}/onload')">` +
        `<script>fetch('${at}/script')</script>` +
        `<image xlink:href="${at}/image.png" width="40" height="40"/>` +
        `<foreignObject width="40" height="40"><div xmlns="http://www.w3.org/1999/xhtml"><img src="${at}/foreign.png"/></div></foreignObject>` +
        `<rect x="50" width="60" height="40" fill="#14365d" style="filter:url(${at}/filter)"/></svg>`;
      const root = makeWorkspace({ 'assets/logo.svg': svg, 'reports/gap.yaml': GAP });
      const result = await runCliAsync(['render'], { cwd: root, env });
      assert.equal(result.status, 0, result.stderr);
      assert.match(
        result.stderr,
        /warning: organization_logo assets\/logo\.svg: removed from the SVG before it is copied or embedded: onload on <svg>, <script>, <image> of "http:\/\/127\.0\.0\.1:\d+\/image\.png", <foreignObject>, url\("http:\/\/127\.0\.0\.1:\d+\/filter"\) in the style of <rect>/,
      );
      const copied = readFileSync(join(root, 'out', 'gap', 'logo.svg'), 'utf8');
      assert.equal(
        copied,
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="40"><rect x="50" width="60" height="40" fill="#14365d" style="filter:none"/></svg>',
      );
      // The PDF was printed with the logo on its cover (Chromium draws an SVG as paths: the page is
      // not blank there), and the DOCX embeds the same SVG.
      assert.match(readFileSync(join(root, 'out', 'gap', 'gap.md'), 'utf8'), /\]\(logo\\\.svg\)/);
      assert.doesNotMatch(result.stderr, /dropped|not embedded/i);
      assert.match(tool('pdfinfo', [join(root, 'out', 'gap', 'gap.pdf')]), /Pages:\s+\d+/);
      const docx = unzipSync(readFileSync(join(root, 'out', 'gap', 'gap.docx')));
      const media = Object.keys(docx).filter((name) => name.startsWith('word/media/') && name.endsWith('.svg'));
      assert.equal(media.length, 1, Object.keys(docx).join(', '));
      assert.doesNotMatch(strFromU8(docx[media[0]!]!), /script|onload|127\.0\.0\.1|foreignObject/);
      assert.equal(requests(), 0);
    } finally {
      server.close();
    }
  });

  it('a logo with a DTD is not used: the report renders without it and says why', async () => {
    const laughs = `<!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>`;
    const root = makeWorkspace({ 'assets/logo.svg': laughs, 'reports/gap.yaml': GAP.replace('[md, pdf, docx]', '[md]') });
    const result = await runCliAsync(['render'], { cwd: root, env });
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stderr,
      /warning: organization_logo assets\/logo\.svg: not used: it declares a DTD with entities .*; the report is rendered without a logo/,
    );
    assert.ok(!existsSync(join(root, 'out', 'gap', 'logo.svg')));
    assert.doesNotMatch(readFileSync(join(root, 'out', 'gap', 'gap.md'), 'utf8'), /logo\\?\.svg/);
  });
});
