/**
 * WOFF 1.0 unwrapped to the TrueType/OpenType file it holds: the fonts the PDF uses come as
 * fontsource WOFF files, and both the DOCX (embedded fonts, column widths) and the SVG rasteriser
 * (resvg reads only sfnt) need them as sfnt.
 */
import { inflateSync } from 'node:zlib';

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
