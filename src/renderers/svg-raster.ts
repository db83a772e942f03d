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
import type * as ResvgWasm from '@resvg/resvg-wasm';
import { SANS } from './fonts.js';
import { woffToSfnt } from './woff.js';
import { packageFile } from '../io/package-file.js';

/**
 * The faces drawn (fontsource WOFF files: resvg reads TrueType/OpenType, decoded from WOFF below).
 * Every family an SVG names (sans-serif, serif, monospace, Arial...) is drawn in Source Sans 3:
 * the charts ask for sans-serif, and no system font can change the picture.
 */
const FONT_FILES = ['400-normal', '400-italic', '600-normal', '700-normal'].flatMap((face) =>
  ['latin', 'latin-ext'].map((subset) => `source-sans-3/files/source-sans-3-${subset}-${face}.woff`),
);

let ready: Promise<{ Resvg: typeof ResvgWasm.Resvg; fonts: Uint8Array[] }> | undefined;

/** resvg's WebAssembly module and the fonts, loaded once per process on first use. */
function resvg(): Promise<{ Resvg: typeof ResvgWasm.Resvg; fonts: Uint8Array[] }> {
  ready ??= (async () => {
    const module = await import('@resvg/resvg-wasm');
    await module.initWasm(readFileSync(packageFile('@resvg/resvg-wasm/index_bg.wasm', import.meta.url)));
    const fonts = FONT_FILES.map((file) => woffToSfnt(readFileSync(packageFile(`@fontsource/${file}`, import.meta.url))));
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
