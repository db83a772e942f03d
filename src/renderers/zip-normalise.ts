/**
 * Reproducible zips from a library's zip (DESIGN.md "Rendering": zips have sorted entries and a fixed
 * mtime). exceljs's writer zips through archiver with the wall-clock time in every entry and with
 * Node's zlib, whose compressed bytes may change with the zlib Node ships. This re-packs such a zip:
 * entries sorted by name (code units, leading `/` dropped), one fixed mtime, Unix permissions,
 * and every entry re-deflated by fflate (pure JavaScript: the same bytes on every Node version).
 *
 * Memory stays bounded by the compressed size: each entry is inflated and deflated as a stream in
 * fixed 64 KiB blocks (the block size, not the source zip's chunking, decides the output), so a
 * 100 MB worksheet XML never exists whole.
 */
import { crc32 } from 'node:zlib';
import { Deflate, Inflate } from 'fflate';
import { InfracastError } from '../errors.js';

const BLOCK = 64 * 1024;
const DOS_EPOCH = Date.parse('1980-01-01T00:00:00Z');
const DOS_END = Date.parse('2099-12-31T23:59:58Z');
/** rw-r--r-- regular file in the high half of the external attributes (made by Unix). */
const FILE_ATTRS = 0o100644 * 0x10000;

interface SourceEntry {
  name: string;
  method: number;
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
function repack(zip: Uint8Array, entry: SourceEntry, level: DeflateLevel): PackedEntry {
  const packed: PackedEntry = { name: new TextEncoder().encode(entry.name), crc: 0, size: 0, chunks: [], compressedSize: 0 };
  const deflate = new Deflate({ level }, (chunk) => {
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
  if (entry.method === 0) take(source);
  else if (entry.method === 8) {
    const inflate = new Inflate((chunk) => take(chunk));
    for (let offset = 0; offset < source.length; offset += BLOCK) {
      inflate.push(source.subarray(offset, Math.min(source.length, offset + BLOCK)), offset + BLOCK >= source.length);
    }
    if (source.length === 0) inflate.push(new Uint8Array(0), true);
  } else throw malformed(`compression method ${entry.method} of ${entry.name}`);
  deflate.push(block.slice(0, filled), true);
  return packed;
}

/** DOS date and time fields of an instant, read in UTC (zip times have no zone; UTC makes them stable). */
function dosDateTime(instant: string): { time: number; date: number } {
  const parsed = Date.parse(instant);
  const d = new Date(Math.min(DOS_END, Math.max(DOS_EPOCH, Number.isNaN(parsed) ? DOS_EPOCH : parsed)));
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

export type DeflateLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/**
 * The same files as `zip`, re-packed reproducibly: sorted entries, mtime `instant` (UTC, clamped to
 * 1980..2099), Unix mode 0644, deflated by fflate at `level`.
 */
export function normaliseZip(zip: Uint8Array, instant: string, level: DeflateLevel = 6): Uint8Array {
  const entries = centralDirectory(zip).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const { time, date } = dosDateTime(instant);
  const packed = entries.map((entry) => repack(zip, entry, level));
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
