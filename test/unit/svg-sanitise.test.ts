/**
 * A logo SVG made inert before it is copied or embedded (issue 12): hostile SVGs lose their script,
 * event handlers, foreignObject and external references, a DTD with entities is refused before any
 * parser sees it, and a benign logo (examples/acme's) is kept byte for byte.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveLogo } from '../../src/app/assets.js';
import type { WorkspaceConfig } from '../../src/model/config.js';
import { sanitiseSvg } from '../../src/renderers/svg-sanitise.js';
import { examplesDir } from '../support/paths.js';
import { makeWorkspace } from '../support/workspace.js';

const NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"';

/** Each hostile SVG with the SVG it must become and what the warning names. */
const HOSTILE: [string, string, string, string[]][] = [
  ['script', `<svg ${NS}><script>alert(1)</script><rect width="1" height="1"/></svg>`, `<svg ${NS}><rect width="1" height="1"/></svg>`, ['<script>']],
  [
    'event handlers',
    `<svg ${NS} onload="alert(1)"><rect onclick="x()" width="1" height="1"/></svg>`,
    `<svg ${NS}><rect width="1" height="1"/></svg>`,
    ['onload on <svg>', 'onclick on <rect>'],
  ],
  [
    'foreignObject with HTML',
    `<svg ${NS}><foreignObject width="9" height="9"><div xmlns="http://www.w3.org/1999/xhtml"><img src="http://127.0.0.1:9/f"/></div></foreignObject><circle r="1"/></svg>`,
    `<svg ${NS}><circle r="1"/></svg>`,
    ['<foreignObject>'],
  ],
  [
    'external images and uses; a raster data: image and a local use stay',
    `<svg ${NS}><image xlink:href="http://127.0.0.1:9/x.png" width="1" height="1"/><image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/><use href="#a"/><use xlink:href="other.svg#a"/><image href="data:image/svg+xml;base64,PHN2Zy8+"/></svg>`,
    `<svg ${NS}><image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/><use href="#a"/></svg>`,
    ['<image> of "http://127.0.0.1:9/x.png"', '<use> of "other.svg#a"', '<image> of "data:image/svg+xml;base64,PHN2Zy8+"'],
  ],
  [
    'links, character references included',
    `<svg ${NS}><a xlink:href="javascript:alert(1)"><text>x</text></a><a href="&#106;avascript:alert(1)"><text>y</text></a><a href="#top"><text>z</text></a></svg>`,
    `<svg ${NS}><a><text>x</text></a><a><text>y</text></a><a href="#top"><text>z</text></a></svg>`,
    ['xlink:href="javascript:alert(1)" on <a>', 'href="&#106;avascript:alert(1)" on <a>'],
  ],
  [
    'CSS: @import and url() to elsewhere; url(#local) stays',
    `<svg ${NS}><style>@import url(http://x/a.css); rect{fill:url(#g)} a{background:url('http://x/b.png')}</style><rect style="fill:url(http://x/c)" filter="url(http://x/f#a)" fill="url(#g)" width="1" height="1"/></svg>`,
    `<svg ${NS}><style> rect{fill:url(#g)} a{background:none}</style><rect style="fill:none" fill="url(#g)" width="1" height="1"/></svg>`,
    ['@import in <style>', 'url("http://x/b.png") in <style>', 'url("http://x/c") in the style of <rect>', 'filter on <rect> (a url() to elsewhere)'],
  ],
  [
    'animation that could set an href, a stylesheet processing instruction, a prefixed script',
    `<?xml-stylesheet href="http://x/a.css"?><s:svg xmlns:s="http://www.w3.org/2000/svg"><s:script>alert(1)</s:script><s:set attributeName="href" to="javascript:alert(1)"/></s:svg>`,
    `<s:svg xmlns:s="http://www.w3.org/2000/svg"/>`,
    ['<?xml-stylesheet> processing instruction', '<s:script>', '<s:set>'],
  ],
];

describe('logo SVG sanitising', () => {
  for (const [name, input, output, removed] of HOSTILE) {
    it(name, () => {
      assert.deepEqual(sanitiseSvg(input), { svg: output, removed });
      // Deterministic, and a second pass finds nothing more.
      assert.deepEqual(sanitiseSvg(output), { svg: output, removed: [] });
    });
  }

  it('a DTD with entities is refused before parsing: billion laughs, external entity (XXE)', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}]><svg ${NS}><text>&j;</text></svg>`;
    const started = process.hrtime.bigint();
    assert.match(String((sanitiseSvg(laughs) as { refused: string }).refused), /DTD with entities/);
    assert.ok(process.hrtime.bigint() - started < 50_000_000n, 'refused at once, nothing expanded');
    assert.match(
      String((sanitiseSvg(`<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg ${NS}><text>&x;</text></svg>`) as { refused: string }).refused),
      /DTD/,
    );
    // An entity of no DTD, and ENTITY without a DOCTYPE.
    assert.ok('refused' in sanitiseSvg(`<svg ${NS}><text>&x;</text></svg>`));
    assert.ok('refused' in sanitiseSvg(`<!ENTITY x "y"><svg ${NS}/>`));
  });

  it('the standard SVG 1.1 DOCTYPE (no subset) is dropped without a warning; what is not an SVG is refused', () => {
    const doctype = '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">';
    assert.deepEqual(sanitiseSvg(`${doctype}\n<svg ${NS}><rect width="1" height="1"/></svg>`), {
      svg: `\n<svg ${NS}><rect width="1" height="1"/></svg>`,
      removed: [],
    });
    assert.match((sanitiseSvg('<html/>') as { refused: string }).refused, /root element is not <svg>/);
    assert.match((sanitiseSvg('<svg><rect></svg>') as { refused: string }).refused, /not well-formed XML/);
  });

  it('examples/acme/assets/acme-logo.svg is kept byte for byte (pinned by its sha256)', async () => {
    const path = join(examplesDir, 'acme', 'assets', 'acme-logo.svg');
    const bytes = readFileSync(path);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), 'ca9aaaf762f0b039beda604bd0c8e3a189a1c3e43ec8547062f5e13827ff0e0c');
    assert.deepEqual(sanitiseSvg(bytes.toString('utf8')), { svg: bytes.toString('utf8'), removed: [] });
    const result = await resolveLogo('assets/acme-logo.svg', { root: join(examplesDir, 'acme') } as WorkspaceConfig);
    assert.ok('logo' in result && !('warning' in result));
    assert.deepEqual(Buffer.from(result.logo.bytes), bytes);
  });

  it('resolveLogo: a hostile workspace SVG is copied sanitised, with a warning naming what was removed; a DTD one is not used', async () => {
    const root = makeWorkspace({
      'assets/evil.svg': `<svg ${NS} onload="alert(1)"><script>alert(1)</script><rect width="1" height="1"/></svg>`,
      'assets/laughs.svg': `<!DOCTYPE svg [<!ENTITY a "lol">]><svg ${NS}><text>&a;</text></svg>`,
    });
    const config = { root } as WorkspaceConfig;
    const evil = await resolveLogo('assets/evil.svg', config);
    assert.ok('logo' in evil && 'warning' in evil);
    assert.equal(new TextDecoder().decode(evil.logo.bytes), `<svg ${NS}><rect width="1" height="1"/></svg>`);
    assert.equal(evil.warning, 'organization_logo assets/evil.svg: removed from the SVG before it is copied or embedded: onload on <svg>, <script>');
    const laughs = await resolveLogo('assets/laughs.svg', config);
    assert.deepEqual(laughs, {
      warning:
        'organization_logo assets/laughs.svg: not used: it declares a DTD with entities (entity expansion and external entities are refused); the report is rendered without a logo',
    });
  });
});
