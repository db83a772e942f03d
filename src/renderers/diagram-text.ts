/**
 * Text widths for the architecture diagram's layout: the layout engine needs every box's size
 * before it places anything, and the SVG's text is drawn in Source Sans 3 (the PDF's font, which
 * the PNG rasteriser and the PDF page both have). The advance widths are read from the very font
 * files that draw the text (fontsource WOFF, cmap and hmtx tables), so boxes fit their labels
 * exactly, with no browser, on every machine alike. Characters the fonts lack (other scripts)
 * are counted one em wide: a box is then too wide rather than too narrow.
 */
import { readFileSync } from 'node:fs';
import { woffToSfnt } from './woff.js';
import { packageFile } from '../io/package-file.js';

export type Weight = 400 | 600;

interface Metrics {
  /** Advance width per code point, in em. */
  advance: Map<number, number>;
}

/** The cmap (format 4, Unicode BMP) and hmtx of an sfnt font, as em advances per code point. */
function readAdvances(sfnt: Uint8Array, into: Map<number, number>): void {
  const view = new DataView(sfnt.buffer, sfnt.byteOffset, sfnt.byteLength);
  const tables = new Map<string, number>();
  for (let i = 0, count = view.getUint16(4); i < count; i++) {
    const at = 12 + i * 16;
    tables.set(String.fromCharCode(...sfnt.subarray(at, at + 4)), view.getUint32(at + 8));
  }
  const head = tables.get('head')!;
  const hhea = tables.get('hhea')!;
  const hmtx = tables.get('hmtx')!;
  const cmap = tables.get('cmap')!;
  const unitsPerEm = view.getUint16(head + 18);
  const longMetrics = view.getUint16(hhea + 34);
  const advanceOf = (glyph: number): number => view.getUint16(hmtx + 4 * Math.min(glyph, longMetrics - 1)) / unitsPerEm;
  let format4: number | undefined;
  for (let i = 0, count = view.getUint16(cmap + 2); i < count; i++) {
    const at = cmap + 4 + i * 8;
    const platform = view.getUint16(at);
    const encoding = view.getUint16(at + 2);
    const offset = cmap + view.getUint32(at + 4);
    if (((platform === 3 && encoding === 1) || platform === 0) && view.getUint16(offset) === 4) format4 ??= offset;
  }
  if (format4 === undefined) return;
  const segments = view.getUint16(format4 + 6) / 2;
  const ends = format4 + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  for (let s = 0; s < segments; s++) {
    const end = view.getUint16(ends + s * 2);
    const start = view.getUint16(starts + s * 2);
    const delta = view.getInt16(deltas + s * 2);
    const rangeOffset = view.getUint16(rangeOffsets + s * 2);
    for (let code = start; code <= end && code !== 0xffff; code++) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (code + delta) & 0xffff;
      else {
        const at = rangeOffsets + s * 2 + rangeOffset + (code - start) * 2;
        glyph = view.getUint16(at);
        if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
      }
      if (glyph !== 0 && !into.has(code)) into.set(code, advanceOf(glyph));
    }
  }
}

const loaded = new Map<Weight, Metrics>();

function metricsOf(weight: Weight): Metrics {
  let metrics = loaded.get(weight);
  if (!metrics) {
    const advance = new Map<number, number>();
    for (const subset of ['latin', 'latin-ext'])
      readAdvances(
        woffToSfnt(readFileSync(packageFile(`@fontsource/source-sans-3/files/source-sans-3-${subset}-${weight}-normal.woff`, import.meta.url))),
        advance,
      );
    metrics = { advance };
    loaded.set(weight, metrics);
  }
  return metrics;
}

/** Width in pixels of `text` set in Source Sans 3 at `size` pixels. */
export function textWidth(text: string, size: number, weight: Weight = 400): number {
  const { advance } = metricsOf(weight);
  let em = 0;
  for (const char of text) em += advance.get(char.codePointAt(0)!) ?? 1;
  return em * size;
}

/** Measures text: the diagram's graph is built with this (a test may give a simpler one). */
export type Measure = (text: string, size: number, weight?: Weight) => number;

/**
 * `text` broken into lines no wider than `width` (at word boundaries, or inside a word longer
 * than a line), at most `maxLines`; the last line kept ends in an ellipsis when text was left out.
 */
export function wrapText(text: string, width: number, size: number, maxLines: number, measure: Measure = textWidth, weight: Weight = 400): string[] {
  const fits = (line: string): boolean => measure(line, size, weight) <= width;
  const words = text.replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    // A word wider than a line is cut where it no longer fits.
    let rest = word;
    while (!fits(rest)) {
      const chars = [...rest];
      let n = chars.length - 1;
      while (n > 1 && !fits(chars.slice(0, n).join(''))) n--;
      lines.push(chars.slice(0, n).join(''));
      rest = chars.slice(n).join('');
    }
    line = rest;
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  let last = `${kept[maxLines - 1]!}\u2026`;
  while (!fits(last) && last.length > 1) last = `${[...last].slice(0, -2).join('')}\u2026`;
  kept[maxLines - 1] = last;
  return kept;
}
