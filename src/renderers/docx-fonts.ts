/**
 * The fonts a DOCX embeds, and their metrics. Naming Calibri and relying on the reader's machine
 * broke table headers in LibreOffice wherever Carlito is not installed: it set them in DejaVu Sans,
 * a fifth wider, and "Coverage" became "Cover / age". The DOCX now carries the PDF's own fonts
 * (fonts.ts: Source Sans 3 and JetBrains Mono, SIL OFL 1.1, which allows embedding), so Word and
 * LibreOffice lay it out with the widths the column computation measured.
 *
 * Fontsource ships WOFF; DOCX embeds TrueType, obfuscated (ECMA-376 Part 1, 17.8.1). A WOFF 1.0 file
 * is the TrueType tables, each zlib-compressed, behind a directory: unwrapping it is inflating them.
 * Only the Latin subset is embedded (what the PDF's header faces use); characters outside it fall
 * back to the reader's fonts, as they do in the PDF's.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MONO, SANS } from './fonts.js';
import { woffToSfnt } from './woff.js';
import { packageFile } from '../io/package-file.js';

/** Advance widths of a TrueType font, per character, in units of its em. */
export interface FontMetrics {
  unitsPerEm: number;
  advance(char: number): number;
}

/** head.unitsPerEm, hhea/hmtx advances and the format 4 cmap (the BMP): all a width needs. */
export function fontMetrics(sfnt: Uint8Array): FontMetrics {
  const view = new DataView(sfnt.buffer, sfnt.byteOffset, sfnt.byteLength);
  const tables = new Map<string, number>();
  for (let i = 0; i < view.getUint16(4); i++) {
    const at = 12 + 16 * i;
    tables.set(String.fromCharCode(...sfnt.subarray(at, at + 4)), view.getUint32(at + 8));
  }
  const table = (tag: string): number => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`font has no ${tag} table`);
    return at;
  };
  const unitsPerEm = view.getUint16(table('head') + 18);
  const numberOfHMetrics = view.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  const cmap = table('cmap');
  let format4 = -1;
  for (let i = 0; i < view.getUint16(cmap + 2); i++) {
    const platform = view.getUint16(cmap + 4 + 8 * i);
    const encoding = view.getUint16(cmap + 6 + 8 * i);
    const sub = cmap + view.getUint32(cmap + 8 + 8 * i);
    if (view.getUint16(sub) === 4 && ((platform === 3 && encoding === 1) || platform === 0)) format4 = sub;
  }
  if (format4 < 0) throw new Error('font has no format 4 cmap');
  const segments = view.getUint16(format4 + 6) / 2;
  const ends = format4 + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  const glyphOf = (char: number): number => {
    for (let s = 0; s < segments; s++) {
      if (char > view.getUint16(ends + 2 * s)) continue;
      const start = view.getUint16(starts + 2 * s);
      if (char < start) return 0;
      const delta = view.getInt16(deltas + 2 * s);
      const rangeOffset = view.getUint16(rangeOffsets + 2 * s);
      if (rangeOffset === 0) return (char + delta) & 0xffff;
      const glyph = view.getUint16(rangeOffsets + 2 * s + rangeOffset + 2 * (char - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
  const widths = new Map<number, number>();
  return {
    unitsPerEm,
    advance(char: number): number {
      let width = widths.get(char);
      if (width === undefined) {
        const glyph = Math.min(glyphOf(char), numberOfHMetrics - 1);
        width = view.getUint16(hmtx + 4 * glyph);
        widths.set(char, width);
      }
      return width;
    },
  };
}

interface Face {
  family: string;
  file: string;
  bold: boolean;
  italic: boolean;
}

const FACES: Face[] = [
  { family: SANS, file: 'source-sans-3/files/source-sans-3-latin-400-normal.woff', bold: false, italic: false },
  { family: SANS, file: 'source-sans-3/files/source-sans-3-latin-700-normal.woff', bold: true, italic: false },
  { family: SANS, file: 'source-sans-3/files/source-sans-3-latin-400-italic.woff', bold: false, italic: true },
  { family: SANS, file: 'source-sans-3/files/source-sans-3-latin-700-italic.woff', bold: true, italic: true },
  { family: MONO, file: 'jetbrains-mono/files/jetbrains-mono-latin-400-normal.woff', bold: false, italic: false },
  { family: MONO, file: 'jetbrains-mono/files/jetbrains-mono-latin-700-normal.woff', bold: true, italic: false },
];

const sfntCache = new Map<string, Buffer>();
function sfntOf(face: Face): Buffer {
  let sfnt = sfntCache.get(face.file);
  if (!sfnt) sfntCache.set(face.file, (sfnt = Buffer.from(woffToSfnt(readFileSync(packageFile(`@fontsource/${face.file}`, import.meta.url))))));
  return sfnt;
}

/** docx's `fonts` option: each family with its faces (docx writes them as word/fonts/font<N>.odttf). */
export function embeddedFonts(): { name: string; data: Buffer; bold?: Buffer; italic?: Buffer; boldItalic?: Buffer }[] {
  return [SANS, MONO].map((family) => {
    const face = (bold: boolean, italic: boolean): Buffer | undefined => {
      const found = FACES.find((f) => f.family === family && f.bold === bold && f.italic === italic);
      return found ? sfntOf(found) : undefined;
    };
    const bold = face(true, false);
    const italic = face(false, true);
    const boldItalic = face(true, true);
    return { name: family, data: face(false, false)!, ...(bold ? { bold } : {}), ...(italic ? { italic } : {}), ...(boldItalic ? { boldItalic } : {}) };
  });
}

const metricsCache = new Map<string, FontMetrics>();
/** The width in twips of text set in the sans face at a size in half-points (w:sz). */
export function textTwips(text: string, halfPoints: number, bold: boolean): number {
  const face = FACES.find((f) => f.family === SANS && f.bold === bold && !f.italic)!;
  let metrics = metricsCache.get(face.file);
  if (!metrics) metricsCache.set(face.file, (metrics = fontMetrics(sfntOf(face))));
  let units = 0;
  for (const char of text) units += metrics.advance(char.codePointAt(0)!);
  // twips = units / unitsPerEm * size in points * 20; half-points * 10.
  return (units / metrics.unitsPerEm) * halfPoints * 10;
}

/**
 * ECMA-376 Part 1, 17.8.1: an embedded font's first 32 bytes are XORed with its key (a GUID, its
 * bytes in reverse order). XOR undoes itself: the same call de-obfuscates.
 */
export function obfuscateFont(data: Uint8Array, guid: string): Uint8Array {
  const hex = guid.replace(/[{}-]/g, '');
  const key = Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16)).reverse();
  const out = Uint8Array.from(data);
  for (let i = 0; i < Math.min(32, out.length); i++) out[i]! ^= key[i % 16]!;
  return out;
}

/** A key that depends on the font's bytes only: docx draws one at random, which made every DOCX differ. */
export function fontKeyOf(font: Uint8Array): string {
  const h = createHash('sha256').update(font).digest('hex').toUpperCase();
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}}`;
}
