/**
 * SVG to PNG without a browser (issue 14): the DOCX renderer needs a PNG fallback for every SVG it
 * embeds (the logo, the executive charts), and a DOCX must not need Chromium. resvg (the Rust SVG
 * renderer, as WebAssembly from @resvg/resvg-wasm: one package for every platform, nothing to
 * compile or download) draws it.
 *
 * Text is drawn with the fonts the PDF uses (fonts.ts), never the system's: the same SVG gives the
 * same PNG bytes on every machine. The images reaching here are the report's own charts and the
 * logo sanitised by svg-sanitise.ts; resvg runs no script and loads nothing (a reference it cannot
 * resolve from the document itself is left out), so a hostile SVG stays inert here too.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import type * as ResvgWasm from '@resvg/resvg-wasm';
import { SANS } from './fonts.js';

const require = createRequire(import.meta.url);

/**
 * The faces drawn (fontsource WOFF files: resvg reads TrueType/OpenType, decoded from WOFF below).
 * Every family an SVG names (sans-serif, serif, monospace, Arial...) is drawn in Source Sans 3:
 * the charts ask for sans-serif, and no system font can change the picture.
 */
const FONT_FILES = ['400-normal', '400-italic', '600-normal', '700-normal'].flatMap((face) =>
  ['latin', 'latin-ext'].map((subset) => `source-sans-3/files/source-sans-3-${subset}-${face}.woff`),
);

/**
 * A WOFF 1.0 font as the TrueType/OpenType file it wraps (W3C WOFF 1.0, section 4-5): the table
 * directory rewritten as an sfnt offset table, each table inflated where it was compressed.
 */
export function woffToSfnt(woff: Uint8Array): Uint8Array {
  const view = new DataView(woff.buffer, woff.byteOffset, woff.byteLength);
  if (woff.byteLength < 44 || view.getUint32(0) !== 0x774f4646) throw new Error('not a WOFF 1.0 font');
  const flavor = view.getUint32(4);
  const count = view.getUint16(12);
  const tables = Array.from({ length: count }, (_, i) => {
    const at = 44 + i * 20;
    const offset = view.getUint32(at + 4);
    const compressed = view.getUint32(at + 8);
    const length = view.getUint32(at + 12);
    const stored = woff.subarray(offset, offset + compressed);
    return { tag: view.getUint32(at), checksum: view.getUint32(at + 16), data: compressed < length ? new Uint8Array(inflateSync(stored)) : stored };
  });
  const padded = (n: number): number => (n + 3) & ~3;
  const out = new Uint8Array(12 + 16 * count + tables.reduce((sum, t) => sum + padded(t.data.byteLength), 0));
  const sfnt = new DataView(out.buffer);
  const selector = Math.floor(Math.log2(count));
  const searchRange = 16 * 2 ** selector;
  sfnt.setUint32(0, flavor);
  sfnt.setUint16(4, count);
  sfnt.setUint16(6, searchRange);
  sfnt.setUint16(8, selector);
  sfnt.setUint16(10, count * 16 - searchRange);
  let offset = 12 + 16 * count;
  tables.forEach((table, i) => {
    const record = 12 + 16 * i;
    sfnt.setUint32(record, table.tag);
    sfnt.setUint32(record + 4, table.checksum);
    sfnt.setUint32(record + 8, offset);
    sfnt.setUint32(record + 12, table.data.byteLength);
    out.set(table.data, offset);
    offset += padded(table.data.byteLength);
  });
  return out;
}

let ready: Promise<{ Resvg: typeof ResvgWasm.Resvg; fonts: Uint8Array[] }> | undefined;

/** resvg's WebAssembly module and the fonts, loaded once per process on first use. */
function resvg(): Promise<{ Resvg: typeof ResvgWasm.Resvg; fonts: Uint8Array[] }> {
  ready ??= (async () => {
    const module = await import('@resvg/resvg-wasm');
    await module.initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
    const fonts = FONT_FILES.map((file) => woffToSfnt(readFileSync(require.resolve(`@fontsource/${file}`))));
    return { Resvg: module.Resvg, fonts };
  })();
  return ready;
}

/** Device pixels per CSS pixel, as a browser at scale 2 draws (sharp when the page is zoomed or printed). */
const SCALE = 2;

/**
 * A PNG of the SVG at `width` CSS pixels (height from the SVG's aspect ratio), drawn at twice that
 * size on a transparent background. Throws when the SVG cannot be parsed.
 */
export async function rasteriseSvg(svg: string | Uint8Array, width: number): Promise<Uint8Array> {
  const { Resvg, fonts } = await resvg();
  const image = new Resvg(svg, {
    fitTo: { mode: 'width', value: Math.max(1, Math.ceil(width * SCALE)) },
    font: { fontBuffers: fonts, defaultFontFamily: SANS, sansSerifFamily: SANS, serifFamily: SANS, monospaceFamily: SANS },
  });
  try {
    const rendered = image.render();
    try {
      return rendered.asPng();
    } finally {
      rendered.free();
    }
  } finally {
    image.free();
  }
}
