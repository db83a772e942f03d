/**
 * Zips whose bytes depend only on their content (DESIGN.md "Rendering": sorted entries, a fixed
 * mtime): the evidence bundle is zipped here, and the packages exceljs and docx write are re-packed
 * here (normaliseZip): entries sorted, one mtime, every entry re-deflated by fflate (pure JavaScript,
 * so the same bytes on every Node version). Re-packing streams each entry in fixed 64 KiB blocks, so
 * memory stays bounded by the compressed size (a 100 MB worksheet XML never exists whole).
 */
import { crc32 } from 'node:zlib';
import { Deflate, Inflate, inflateSync, zipSync } from 'fflate';
import { InfracastError } from '../errors.js';
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

const BLOCK = 64 * 1024;

interface SourceEntry {
  name: string;
  method: number;
  crc: number;
  size: number;
  compressedSize: number;
  localOffset: number;
}

interface PackedEntry {
  name: Uint8Array;
  crc: number;
  size: number;
  chunks: Uint8Array[];
  compressedSize: number;
}

function malformed(detail: string): InfracastError {
  return new InfracastError('INTERNAL', `zip re-packing: the writer's zip is malformed (${detail})`, {
    hints: ['This is a bug in Infracast; please report it with the command you ran.'],
  });
}

/** The entries of a zip, from its central directory (sizes there are exact even with data descriptors). */
function centralDirectory(zip: Uint8Array): SourceEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw malformed('no end of central directory');
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const entries: SourceEntry[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw malformed(`central directory entry ${i}`);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const compressedSize = view.getUint32(at + 20, true);
    const localOffset = view.getUint32(at + 42, true);
    if (compressedSize === 0xffffffff || localOffset === 0xffffffff) throw malformed('zip64 entries are not expected');
    entries.push({
      name: decoder.decode(zip.subarray(at + 46, at + 46 + nameLength)).replace(/^\/+/, ''),
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      size: view.getUint32(at + 24, true),
      compressedSize,
      localOffset,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function dataOf(zip: Uint8Array, entry: SourceEntry): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  if (view.getUint32(entry.localOffset, true) !== 0x04034b50) throw malformed(`local header of ${entry.name}`);
  const start = entry.localOffset + 30 + view.getUint16(entry.localOffset + 26, true) + view.getUint16(entry.localOffset + 28, true);
  return zip.subarray(start, start + entry.compressedSize);
}

/** Inflates one entry and deflates it again in fixed blocks; only compressed bytes are kept. */
function repack(zip: Uint8Array, entry: SourceEntry, level: DeflateLevel | 'copy', change?: Rewrite): PackedEntry {
  const name = new TextEncoder().encode(entry.name);
  if (level === 'copy' && !change && entry.method === 8) {
    // The writer's deflate output is kept as it is (it is pure JavaScript, the same on every Node).
    const source = dataOf(zip, entry);
    return { name, crc: entry.crc, size: entry.size, chunks: [source], compressedSize: source.length };
  }
  const packed: PackedEntry = { name, crc: 0, size: 0, chunks: [], compressedSize: 0 };
  const deflate = new Deflate({ level: level === 'copy' ? 6 : level }, (chunk) => {
    packed.chunks.push(chunk);
    packed.compressedSize += chunk.length;
  });
  const block = new Uint8Array(BLOCK);
  let filled = 0;
  const take = (data: Uint8Array): void => {
    packed.crc = crc32(data, packed.crc);
    packed.size += data.length;
    let offset = 0;
    while (offset < data.length) {
      const n = Math.min(BLOCK - filled, data.length - offset);
      block.set(data.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      // fflate may keep a reference to the pushed block: push a copy.
      if (filled === BLOCK) {
        deflate.push(block.slice());
        filled = 0;
      }
    }
  };
  const source = dataOf(zip, entry);
  if (entry.method !== 0 && entry.method !== 8) throw malformed(`compression method ${entry.method} of ${entry.name}`);
  // An entry whose content is rewritten is small (docx's document.xml): it is inflated whole.
  if (change instanceof Uint8Array) take(change);
  else if (change) take(change(entry.method === 8 ? inflateSync(source) : source));
  else if (entry.method === 0) take(source);
  else if (entry.method === 8) {
    const inflate = new Inflate((chunk) => take(chunk));
    for (let offset = 0; offset < source.length; offset += BLOCK) {
      inflate.push(source.subarray(offset, Math.min(source.length, offset + BLOCK)), offset + BLOCK >= source.length);
    }
    if (source.length === 0) inflate.push(new Uint8Array(0), true);
  }
  deflate.push(block.slice(0, filled), true);
  return packed;
}

/** generated_at (clamped as zipMtime) as a zip's DOS time and date fields, read in UTC. */
function dosDateTime(instant: string): { time: number; date: number } {
  const d = zipMtime(Number.isNaN(Date.parse(instant)) ? '1980-01-01T00:00:00Z' : instant);
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

export type DeflateLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/** A new content for an entry: computed from the old one, or given outright (the old one then never inflated here). */
export type Rewrite = ((content: Uint8Array) => Uint8Array) | Uint8Array;

/**
 * A zip written by another library (exceljs, docx), re-packed reproducibly: sorted entries, mtime
 * `instant` (UTC, clamped to 1980..2099), Unix mode 0644, deflated by fflate at `level`, or with
 * `'copy'` the writer's deflated bytes kept (only when that writer's deflate is itself pure
 * JavaScript: docx's JSZip; exceljs's archiver uses Node's zlib, which changes between versions).
 * `rewrite` may replace the content of named entries first (docx's random ids), by a function of
 * the old content or by the new content itself.
 */
export function normaliseZip(zip: Uint8Array, instant: string, level: DeflateLevel | 'copy' = 6, rewrite: Readonly<Record<string, Rewrite>> = {}): Uint8Array {
  const entries = centralDirectory(zip).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const { time, date } = dosDateTime(instant);
  const packed = entries.map((entry) => repack(zip, entry, level, rewrite[entry.name]));
  const localSize = packed.reduce((sum, p) => sum + 30 + p.name.length + p.compressedSize, 0);
  const centralSize = packed.reduce((sum, p) => sum + 46 + p.name.length, 0);
  if (localSize + centralSize > 0xffffffff) throw malformed('the workbook is larger than 4 GiB');
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  let at = 0;
  const offsets: number[] = [];
  for (const p of packed) {
    offsets.push(at);
    view.setUint32(at, 0x04034b50, true);
    view.setUint16(at + 4, 20, true); // version needed: 2.0 (deflate)
    view.setUint16(at + 6, 0x0800, true); // names are UTF-8
    view.setUint16(at + 8, 8, true);
    view.setUint16(at + 10, time, true);
    view.setUint16(at + 12, date, true);
    view.setUint32(at + 14, p.crc >>> 0, true);
    view.setUint32(at + 18, p.compressedSize, true);
    view.setUint32(at + 22, p.size, true);
    view.setUint16(at + 26, p.name.length, true);
    view.setUint16(at + 28, 0, true);
    out.set(p.name, at + 30);
    at += 30 + p.name.length;
    for (const chunk of p.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    p.chunks = [];
  }
  const centralStart = at;
  for (const [i, p] of packed.entries()) {
    view.setUint32(at, 0x02014b50, true);
    view.setUint16(at + 4, (3 << 8) | 20, true); // made by Unix, spec 2.0
    view.setUint16(at + 6, 20, true);
    view.setUint16(at + 8, 0x0800, true);
    view.setUint16(at + 10, 8, true);
    view.setUint16(at + 12, time, true);
    view.setUint16(at + 14, date, true);
    view.setUint32(at + 16, p.crc >>> 0, true);
    view.setUint32(at + 20, p.compressedSize, true);
    view.setUint32(at + 24, p.size, true);
    view.setUint16(at + 28, p.name.length, true);
    // extra, comment, disk number start, internal attributes: 0
    view.setUint32(at + 38, FILE_ATTRS >>> 0, true);
    view.setUint32(at + 42, offsets[i]!, true);
    out.set(p.name, at + 46);
    at += 46 + p.name.length;
  }
  view.setUint32(at, 0x06054b50, true);
  view.setUint16(at + 8, packed.length, true);
  view.setUint16(at + 10, packed.length, true);
  view.setUint32(at + 12, at - centralStart, true);
  view.setUint32(at + 16, centralStart, true);
  return out;
}
