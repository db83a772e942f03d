/**
 * SVG to PNG without a browser (src/renderers/svg-raster.ts), what a DOCX embeds as the fallback of
 * every SVG: the WOFF fonts unwrapped intact, the acme logo drawn at twice the asked width, the
 * same bytes every time, text drawn with the shipped fonts, and nothing outside the SVG loaded even
 * when an unsanitised reference reaches it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { rasteriseSvg } from '../../src/renderers/svg-raster.js';
import { woffToSfnt } from '../../src/renderers/woff.js';
import { examplesDir } from '../support/paths.js';

const require = createRequire(import.meta.url);

/** The sfnt checksum of a table (OpenType spec: the sum of its big-endian uint32 words, zero-padded). */
function checksum(bytes: Uint8Array): number {
  const padded = new Uint8Array((bytes.byteLength + 3) & ~3);
  padded.set(bytes);
  const view = new DataView(padded.buffer);
  let sum = 0;
  for (let i = 0; i < padded.byteLength; i += 4) sum = (sum + view.getUint32(i)) >>> 0;
  return sum;
}

/** PNG width and height from its IHDR chunk. */
const pngSize = (png: Uint8Array): { width: number; height: number } => {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('SVG to PNG without a browser (DOCX fallbacks)', () => {
  it('unwraps the shipped WOFF fonts into sfnt files whose every table matches the checksum WOFF recorded', () => {
    for (const file of ['source-sans-3/files/source-sans-3-latin-400-normal.woff', 'source-sans-3/files/source-sans-3-latin-ext-700-normal.woff']) {
      const woff = new Uint8Array(readFileSync(require.resolve(`@fontsource/${file}`)));
      const sfnt = woffToSfnt(woff);
      const w = new DataView(woff.buffer, woff.byteOffset, woff.byteLength);
      const s = new DataView(sfnt.buffer);
      assert.equal(s.getUint32(0), w.getUint32(4), `${file}: the flavour`);
      const count = s.getUint16(4);
      assert.equal(count, w.getUint16(12));
      for (let i = 0; i < count; i++) {
        const tag = String.fromCharCode(...sfnt.subarray(12 + 16 * i, 16 + 16 * i));
        const offset = s.getUint32(12 + 16 * i + 8);
        const length = s.getUint32(12 + 16 * i + 12);
        assert.equal(offset % 4, 0, `${file} ${tag}: 4-byte aligned`);
        // head's checksum is computed with checkSumAdjustment as zero.
        const table = sfnt.slice(offset, offset + length);
        if (tag === 'head') table.fill(0, 8, 12);
        assert.equal(checksum(table), s.getUint32(12 + 16 * i + 4), `${file} ${tag}: inflated intact`);
      }
    }
    assert.throws(() => woffToSfnt(new Uint8Array(64)), /not a WOFF 1\.0 font/);
  });

  it('draws the acme logo at twice the asked width, transparent, the same bytes every time', async () => {
    const svg = readFileSync(join(examplesDir, 'acme', 'assets', 'acme-logo.svg'));
    const first = await rasteriseSvg(svg, 200);
    const second = await rasteriseSvg(svg.toString('utf8'), 200);
    assert.deepEqual([...first.subarray(0, 8)], PNG_SIGNATURE);
    assert.equal(pngSize(first).width, 400);
    assert.ok(pngSize(first).height > 0);
    assert.equal(first[25], 6, 'colour type 6: RGBA (transparent background)');
    assert.equal(Buffer.compare(Buffer.from(first), Buffer.from(second)), 0);
  });

  it("draws text with the shipped fonts (a chart's labels are not left out)", async () => {
    const frame = (text: string): string =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="4" y="28" font-family="sans-serif" font-size="20">${text}</text></svg>`;
    const blank = await rasteriseSvg(frame(''), 200);
    const labelled = await rasteriseSvg(frame('Failing 12'), 200);
    assert.notEqual(Buffer.compare(Buffer.from(blank), Buffer.from(labelled)), 0, 'the text is drawn');
    // Any family is drawn in Source Sans 3: no font of the machine changes the picture.
    for (const family of ['Arial', 'monospace', 'Source Sans 3']) {
      const other = await rasteriseSvg(frame('Failing 12').replace('sans-serif', family), 200);
      assert.equal(Buffer.compare(Buffer.from(labelled), Buffer.from(other)), 0, family);
    }
  });

  it('loads nothing the SVG references from outside itself: a local file, a file: URL, a web address', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'infracast-raster-'));
    try {
      const secret = join(dir, 'secret.png');
      // A real PNG (the acme logo drawn above), so that a renderer that reads files would draw it.
      writeFileSync(secret, await rasteriseSvg(readFileSync(join(examplesDir, 'acme', 'assets', 'acme-logo.svg')), 40));
      const frame = (inner: string): string =>
        `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="80" height="40">${inner}</svg>`;
      const empty = await rasteriseSvg(frame(''), 80);
      for (const href of [secret, `file://${secret}`, 'http://127.0.0.1:9/logo.png']) {
        const png = await rasteriseSvg(frame(`<image href="${href}" width="80" height="40"/><image xlink:href="${href}" width="80" height="40"/>`), 80);
        assert.equal(Buffer.compare(Buffer.from(png), Buffer.from(empty)), 0, `${href} was not drawn`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what is not SVG', async () => {
    await assert.rejects(rasteriseSvg('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect', 10));
    await assert.rejects(rasteriseSvg('not an image', 10));
  });
});
