/**
 * The text encoding of findings files. Exports are UTF-8, with or without a byte order mark.
 * UTF-16 is decoded, not refused: Windows PowerShell 5.1 writes it for `>` and `Out-File`, so
 * `aws securityhub get-findings > findings.json` there gives UTF-16LE with a BOM. Anything else
 * that is not valid UTF-8 is refused with the byte offset of the first invalid sequence: replacing
 * it with U+FFFD would silently change finding text, and with it identities and content hashes.
 * Legacy 8-bit encodings (Windows-1252 CSV from Excel) are never guessed.
 */
import { isUtf8 } from 'node:buffer';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export type SniffedEncoding = { encoding: TextEncoding; by: 'bom' | 'nul-pattern' | 'default' } | { unsupported: string };

/** Bytes of the start looked at for the NUL pattern of BOM-less UTF-16 (ASCII text: every other byte NUL). */
const NUL_PATTERN_BYTES = 64;

/** The encoding of content starting with `head`: its byte order mark, else the NUL pattern of UTF-16, else UTF-8. */
export function sniffEncoding(head: Buffer): SniffedEncoding {
  const [b0, b1, b2, b3] = head;
  // UTF-32's marks first: FF FE 00 00 starts like UTF-16LE's FF FE.
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return { unsupported: 'UTF-32LE (byte order mark FF FE 00 00)' };
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return { unsupported: 'UTF-32BE (byte order mark 00 00 FE FF)' };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', by: 'bom' };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', by: 'bom' };
  // Without a mark: JSON, CSV and XML start with ASCII, which UTF-16 writes as a NUL beside each byte.
  const pairs = Math.floor(Math.min(head.length, NUL_PATTERN_BYTES) / 2);
  if (pairs >= 2) {
    let little = 0;
    let big = 0;
    for (let i = 0; i < pairs; i++) {
      const lo = head[2 * i]!;
      const hi = head[2 * i + 1]!;
      if (lo !== 0 && hi === 0) little++;
      else if (lo === 0 && hi !== 0) big++;
    }
    // Most pairs, not all: a character outside Latin-1 (✓) has no NUL half.
    if (little >= (pairs * 3) / 4 && big === 0) return { encoding: 'utf-16le', by: 'nul-pattern' };
    if (big >= (pairs * 3) / 4 && little === 0) return { encoding: 'utf-16be', by: 'nul-pattern' };
  }
  return { encoding: 'utf-8', by: 'default' };
}

/** Content that is not valid in its encoding: where (0-based byte offset in the content) and what. */
export class EncodingError extends Error {
  constructor(
    readonly offset: number,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'EncodingError';
  }
}

/** The length of the well-formed sequence a lead byte starts (Unicode table 3-7), 0 when it cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** The allowed range of the second byte after `lead` (the first continuation byte is restricted after E0, ED, F0, F4). */
function secondByteRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

/**
 * The offset of the first ill-formed UTF-8 sequence in `bytes` from `from`, or -1. A sequence cut
 * by the end of `bytes` counts as ill-formed only when `final` (the end of the content). Slow (one
 * byte at a time): used to locate an error `isUtf8` has found, or on a head of 64 KiB.
 */
export function firstInvalidUtf8(bytes: Uint8Array, from = 0, final = true): number {
  let i = from;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = sequenceLength(lead);
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length) return final ? i : -1;
      const [low, high] = k === 1 ? secondByteRange(lead) : [0x80, 0xbf];
      const b = bytes[i + k]!;
      if (b < low || b > high) return i;
    }
    i += length;
  }
  return -1;
}

/** The first invalid sequence of a whole buffer (a head: `final` false when more content follows it), or undefined. */
export function invalidUtf8In(bytes: Buffer, final: boolean): EncodingError | undefined {
  if (isUtf8(bytes)) return undefined;
  const bad = firstInvalidUtf8(bytes, 0, final);
  return bad === -1 ? undefined : invalidUtf8(bytes, bad, 0);
}

/** How many bytes at the end of `bytes` are the start of a multi-byte sequence the next chunk completes (0 to 3). */
function incompleteTail(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if (b < 0x80) return 0;
    if (b >= 0xc0) return sequenceLength(b) > back ? back : 0;
  }
  return 0;
}

/** What an error message shows of the bytes at an offset: up to 4 in hex. */
function hexAt(bytes: Uint8Array, at: number): string {
  return [...bytes.subarray(at, at + 4)].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** Bytes of text shown before an invalid sequence (a hint to find the place in an editor). */
const CONTEXT_BYTES = 24;

/** The text just before an offset, from a character boundary. */
function textBefore(bytes: Buffer, at: number): string {
  let from = Math.max(0, at - CONTEXT_BYTES);
  while (from < at && (bytes[from]! & 0xc0) === 0x80) from++;
  const before = bytes.subarray(from, at).toString('utf8');
  return before === '' ? '' : ` after ${JSON.stringify(before)}`;
}

/** The error at `at` in `bytes`, whose first byte is at content offset `base`. */
function invalidUtf8(bytes: Buffer, at: number, base: number): EncodingError {
  return new EncodingError(base + at, `not valid UTF-8 at byte offset ${base + at} (bytes ${hexAt(bytes, at)}${textBefore(bytes, at)})`);
}

/**
 * Passes UTF-8 content through unchanged, checking it on the way (`isUtf8` is native and fast: the
 * check costs little next to JSON.parse); throws EncodingError at the first invalid sequence,
 * before the chunk holding it is passed on.
 */
export async function* checkUtf8(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let offset = 0;
  // The start of a sequence the previous chunk ended in.
  let carry: Buffer | undefined;
  // The last bytes before the current chunk, for the text an error shows before the invalid bytes.
  let seen = Buffer.alloc(0);
  for await (const chunk of chunks) {
    // The error at a content offset, shown with the bytes around it (the chunk and what came before).
    const fail = (at: number): EncodingError => invalidUtf8(Buffer.concat([seen, chunk]), at - (offset - seen.length), offset - seen.length);
    let start = 0;
    if (carry) {
      const need = Math.min(sequenceLength(carry[0]!) - carry.length, chunk.length);
      const joined = Buffer.concat([carry, chunk.subarray(0, need)]);
      const bad = firstInvalidUtf8(joined, 0, false);
      if (bad !== -1) throw fail(offset - carry.length + bad);
      start = need;
      carry = joined.length < sequenceLength(joined[0]!) ? joined : undefined;
    }
    if (!carry) {
      const end = chunk.length - incompleteTail(chunk.subarray(start));
      if (!isUtf8(chunk.subarray(start, end))) {
        const bad = firstInvalidUtf8(chunk, start, false);
        throw fail(offset + (bad === -1 ? start : bad));
      }
      if (end < chunk.length) carry = Buffer.from(chunk.subarray(end));
    }
    yield chunk;
    offset += chunk.length;
    seen = chunk.length >= CONTEXT_BYTES ? Buffer.from(chunk.subarray(-CONTEXT_BYTES)) : Buffer.concat([seen, chunk]).subarray(-CONTEXT_BYTES);
  }
  if (carry)
    throw new EncodingError(
      offset - carry.length,
      `not valid UTF-8: the content ends inside a character (bytes ${hexAt(carry, 0)} at byte offset ${offset - carry.length})`,
    );
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whole UTF-16 code units as text, checked: an unpaired surrogate is an EncodingError at its offset (`base`: the offset of `bytes` in the content). */
function utf16Units(bytes: Buffer, encoding: 'utf-16le' | 'utf-16be', base: number): string {
  const text = (encoding === 'utf-16be' ? Buffer.from(bytes).swap16() : bytes).toString('utf16le');
  const lone = LONE_SURROGATE.exec(text);
  if (lone) {
    const at = base + 2 * lone.index;
    throw new EncodingError(at, `not valid ${encoding.toUpperCase()}: an unpaired surrogate at byte offset ${at}`);
  }
  return text;
}

/** A whole UTF-16 document (a YAML file) as text, its BOM dropped; EncodingError as for a stream. */
export function decodeUtf16(bytes: Buffer, encoding: 'utf-16le' | 'utf-16be'): string {
  if (bytes.length % 2 === 1) {
    throw new EncodingError(bytes.length - 1, `not valid ${encoding.toUpperCase()}: the content ends inside a character (byte offset ${bytes.length - 1})`);
  }
  return utf16Units(bytes, encoding, 0).replace(/^\uFEFF/, '');
}

/**
 * UTF-16 content (either byte order, its BOM dropped) as UTF-8; throws EncodingError at an odd
 * length or an unpaired surrogate, with the offset in the UTF-16 bytes.
 */
export async function* utf16ToUtf8(chunks: AsyncIterable<Buffer>, encoding: 'utf-16le' | 'utf-16be'): AsyncGenerator<Buffer> {
  let offset = 0;
  let carry: Buffer | undefined;
  let first = true;
  for await (const chunk of chunks) {
    const bytes = carry ? Buffer.concat([carry, chunk]) : chunk;
    const base = offset - (carry?.length ?? 0);
    offset += chunk.length;
    // Whole code units only, and a high surrogate waits for its low half.
    let usable = bytes.length - (bytes.length % 2);
    if (usable >= 2) {
      const last = encoding === 'utf-16le' ? bytes.readUInt16LE(usable - 2) : bytes.readUInt16BE(usable - 2);
      if (last >= 0xd800 && last <= 0xdbff) usable -= 2;
    }
    carry = usable < bytes.length ? Buffer.from(bytes.subarray(usable)) : undefined;
    let text = utf16Units(bytes.subarray(0, usable), encoding, base);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text.length > 0) yield Buffer.from(text, 'utf8');
  }
  if (carry)
    throw new EncodingError(
      offset - carry.length,
      `not valid ${encoding.toUpperCase()}: the content ends inside a character (byte offset ${offset - carry.length})`,
    );
}

/** A head of UTF-16 content as UTF-8, for format detection: a character cut by the end of the head is dropped, never an error. */
export function utf16HeadToUtf8(head: Buffer, encoding: 'utf-16le' | 'utf-16be'): Buffer {
  let bytes = head.subarray(0, head.length - (head.length % 2));
  if (encoding === 'utf-16be') bytes = Buffer.from(bytes).swap16();
  const text = bytes
    .toString('utf16le')
    .replace(/^\uFEFF/, '')
    .replace(/[\uD800-\uDBFF]$/, '');
  return Buffer.from(text, 'utf8');
}
