/**
 * Zips whose bytes depend only on their content (DESIGN.md "Rendering": sorted entries, a fixed
 * mtime): the evidence bundle and the DOCX package are both written through here.
 */
import { zipSync } from 'fflate';
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
