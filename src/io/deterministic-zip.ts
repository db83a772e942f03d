/**
 * Zips whose bytes depend only on their content (DESIGN.md "Rendering": sorted entries, a fixed
 * mtime): the evidence bundle and the DOCX package are both written through here.
 */
import { deflateSync, inflateSync, zipSync } from 'fflate';
import type { Zippable } from 'fflate';

const DOS_EPOCH = Date.parse('1980-01-01T00:00:00Z');
const DOS_END = Date.parse('2099-12-31T23:59:58Z');

/**
 * The one mtime of every zip entry: generated_at's UTC wall-clock time, clamped to what a zip's
 * DOS date can hold (1980..2099; SOURCE_DATE_EPOCH=0 gives 1980-01-01), to its 2-second resolution.
 */
export function zipMtime(generatedAt: string): Date {
  return new Date(Math.min(DOS_END, Math.max(DOS_EPOCH, Date.parse(generatedAt))));
}

/**
 * Zip DOS times are local-time fields with no zone, and fflate fills them with Date's local
 * getters: under TZ=America/New_York the same instant would give other bytes. The process time zone
 * is pinned to UTC for the synchronous zipSync call (Node applies process.env.TZ at once and no
 * other code runs in between), so the fields are generated_at in UTC whatever TZ the user has.
 * Shifting the Date by the offset instead fails in the hour a DST change skips.
 */
function zipInUtc(files: Zippable): Uint8Array {
  const previous = process.env.TZ;
  process.env.TZ = 'UTC';
  try {
    return zipSync(files);
  } finally {
    if (previous === undefined) delete process.env.TZ;
    else process.env.TZ = previous;
  }
}

/** Unix mode of a regular file, rw-r--r--, in the high half of the external attributes (os 3 = Unix). */
const FILE_ATTRS = 0o100644 * 0x10000;

/** The files zipped in code-unit order of their paths, every entry with generated_at as its mtime. */
export function deterministicZip(files: ReadonlyMap<string, Uint8Array>, generatedAt: string): Uint8Array {
  const mtime = zipMtime(generatedAt);
  const zippable: Zippable = {};
  // Object keys keep insertion order (none of these is an integer-like key), so this is the zip's entry order.
  for (const path of [...files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    zippable[path] = [files.get(path)!, { level: 6, mtime, os: 3, attrs: FILE_ATTRS }];
  }
  return zipInUtc(zippable);
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309), as zip headers carry it. */
function crc32(data: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** An entry with new content: deflated (method 8), its CRC and sizes set in both headers. */
function rewritten(entry: { name: string; central: Uint8Array; local: Uint8Array }, change: (content: Uint8Array) => Uint8Array): typeof entry {
  const localView = new DataView(entry.local.buffer, entry.local.byteOffset, entry.local.byteLength);
  const method = localView.getUint16(8, true);
  const headerLength = 30 + localView.getUint16(26, true) + localView.getUint16(28, true);
  const stored = entry.local.subarray(headerLength);
  const content = change(method === 8 ? inflateSync(stored) : stored);
  const compressed = deflateSync(content, { level: 6 });
  const local = new Uint8Array(headerLength + compressed.byteLength);
  local.set(entry.local.subarray(0, headerLength));
  local.set(compressed, headerLength);
  const central = entry.central.slice();
  for (const [bytes, at] of [
    [local, 14],
    [central, 16],
  ] as const) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setUint16(at - 6, 8, true);
    view.setUint32(at, crc32(content), true);
    view.setUint32(at + 4, compressed.byteLength, true);
    view.setUint32(at + 8, content.byteLength, true);
  }
  return { name: entry.name, central, local };
}

/** generated_at (clamped as zipMtime) as a zip's DOS time and date fields, in UTC. */
function dosDateTime(generatedAt: string): { time: number; date: number } {
  const t = zipMtime(generatedAt);
  return {
    time: (t.getUTCHours() << 11) | (t.getUTCMinutes() << 5) | (t.getUTCSeconds() >> 1),
    date: ((t.getUTCFullYear() - 1980) << 9) | ((t.getUTCMonth() + 1) << 5) | t.getUTCDate(),
  };
}

/**
 * A zip written by another library (docx packs its own) made deterministic without inflating and
 * deflating it again: its entries' compressed bytes are copied in code-unit order of their paths,
 * every local and central header with generated_at as its time. Handles what such writers produce:
 * one disk, no zip64, sizes in the local headers (no data descriptors); anything else is refused.
 * `rewrite` may replace the content of named entries (those are inflated and deflated again).
 */
export function canonicalZip(zip: Uint8Array, generatedAt: string, rewrite: Readonly<Record<string, (content: Uint8Array) => Uint8Array>> = {}): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = zip.byteLength - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const entries: { name: string; central: Uint8Array; local: Uint8Array }[] = [];
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error('zip: damaged central directory');
    const flags = view.getUint16(at + 8, true);
    const size = view.getUint32(at + 20, true);
    const centralLength = 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const offset = view.getUint32(at + 42, true);
    if (flags & 0x8 || size === 0xffffffff || offset === 0xffffffff) throw new Error('zip: data descriptors and zip64 are not supported');
    const localLength = 30 + view.getUint16(offset + 26, true) + view.getUint16(offset + 28, true) + size;
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + view.getUint16(at + 28, true)));
    const entry = { name, central: zip.slice(at, at + centralLength), local: zip.slice(offset, offset + localLength) };
    const change = rewrite[name];
    entries.push(change ? rewritten(entry, change) : entry);
    at += centralLength;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const { time, date } = dosDateTime(generatedAt);
  const total = entries.reduce((n, e) => n + e.local.byteLength + e.central.byteLength, 0) + 22;
  const out = new Uint8Array(total);
  const outView = new DataView(out.buffer);
  let offset = 0;
  const offsets: number[] = [];
  for (const e of entries) {
    offsets.push(offset);
    out.set(e.local, offset);
    outView.setUint16(offset + 10, time, true);
    outView.setUint16(offset + 12, date, true);
    offset += e.local.byteLength;
  }
  const centralStart = offset;
  entries.forEach((e, i) => {
    out.set(e.central, offset);
    outView.setUint16(offset + 12, time, true);
    outView.setUint16(offset + 14, date, true);
    outView.setUint32(offset + 42, offsets[i]!, true);
    offset += e.central.byteLength;
  });
  outView.setUint32(offset, 0x06054b50, true);
  outView.setUint16(offset + 8, entries.length, true);
  outView.setUint16(offset + 10, entries.length, true);
  outView.setUint32(offset + 12, offset - centralStart, true);
  outView.setUint32(offset + 16, centralStart, true);
  return out;
}
