/**
 * Byte-level searches of a signed PDF for the verifier (pdf-verify.ts): each finds exactly what a
 * pattern over the whole file as Latin-1 text found, without making that 10 MB string (issue 13,
 * verify speed); test/unit/pdf-byte-search.test.ts compares them with those patterns.
 */
import type { PdfFile } from './pdf-revisions.js';

/** The length of the BER value that starts `bytes` (definite or indefinite), or undefined. */
export function berLength(bytes: Uint8Array): number | undefined {
  if (bytes[0] !== 0x30) return undefined;
  const first = bytes[1] ?? 0;
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count > 0 && count <= 4 && bytes.length >= 2 + count) {
    let length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[2 + i]!;
    return 2 + count + length;
  }
  if (count !== 0) return undefined;
  // Indefinite length (BER, as some signers write the CMS): the value ends at its end-of-contents octets.
  return berEnd(bytes, 0, 0);
}

/**
 * Where the BER value at `at` ends, by tags and lengths only (any BER: whether the CMS is in the
 * encodings accepted is cms-verify.ts's check, which names it); undefined when it does not end in `bytes`.
 */
function berEnd(bytes: Uint8Array, at: number, depth: number): number | undefined {
  if (depth > 64 || at + 2 > bytes.length) return undefined;
  let i = at + 1;
  if ((bytes[at]! & 0x1f) === 0x1f) {
    while (i < bytes.length && bytes[i]! & 0x80) i++;
    i++;
  }
  if (i >= bytes.length) return undefined;
  const first = bytes[i++]!;
  if (first === 0x80) {
    if (!(bytes[at]! & 0x20)) return undefined;
    while (i + 1 < bytes.length && !(bytes[i] === 0 && bytes[i + 1] === 0)) {
      const end = berEnd(bytes, i, depth + 1);
      if (end === undefined) return undefined;
      i = end;
    }
    return i + 1 < bytes.length ? i + 2 : undefined;
  }
  let length = first;
  if (first > 0x80) {
    const count = first & 0x7f;
    if (count > 4 || i + count > bytes.length) return undefined;
    length = 0;
    for (let k = 0; k < count; k++) length = length * 256 + bytes[i++]!;
  }
  return i + length <= bytes.length ? i + length : undefined;
}

/**
 * Where "/ByteRange" occurs, in file order (the matches of /\/ByteRange/g). Found from "ByteRa" and
 * checked whole: Node searches a needle shorter than 7 bytes with memchr on its first byte, and "B"
 * is rare where "/" is everywhere; on a 10 MB report that is 0.2 ms instead of 3.6 ms.
 */
export function byteRangePositions(file: PdfFile): number[] {
  const positions: number[] = [];
  for (let p = file.indexOf('ByteRa'); p !== -1; p = file.indexOf('ByteRa', p + 1)) if (file.startsWith('/ByteRange', p - 1)) positions.push(p - 1);
  return positions;
}

const isSpace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0a || byte === 0x0c || byte === 0x00;
const isDigit = (byte: number | undefined): boolean => byte !== undefined && byte >= 0x30 && byte <= 0x39;
const isWordByte = (byte: number | undefined): boolean =>
  byte !== undefined && (isDigit(byte) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x5f);

/**
 * Where `/V num gen R` occurs, in file order: the matches of /\/V[ws]*num[ws]+\d{1,5}[ws]+R\b/g over
 * the file's text (ws: the PDF white-space bytes), found by byte searches rather than by a pattern
 * over a 10 MB string: from each occurrence of the number's digits when it has three or more (rare in
 * a PDF), else from each "/V". A match's digits follow the whole white-space run after its "/V", so
 * each match is found once, from either side.
 */
export function* valueReferences(file: PdfFile, num: number): Generator<number> {
  const bytes = file.bytes;
  const digits = String(num);
  /** Whether the pattern matches at `at` (a "/V"). */
  const matchesAt = (at: number): boolean => {
    let i = at + 2;
    while (isSpace(bytes[i])) i++;
    if (!file.startsWith(digits, i)) return false;
    i += digits.length;
    if (!isSpace(bytes[i])) return false;
    while (isSpace(bytes[i])) i++;
    let count = 0;
    for (; isDigit(bytes[i]); i++) count++;
    if (count < 1 || count > 5 || !isSpace(bytes[i])) return false;
    while (isSpace(bytes[i])) i++;
    return bytes[i] === 0x52 && !isWordByte(bytes[i + 1]);
  };
  if (digits.length < 3) {
    for (let at = file.indexOf('/V'); at !== -1; at = file.indexOf('/V', at + 1)) if (matchesAt(at)) yield at;
    return;
  }
  for (let p = file.indexOf(digits); p !== -1; p = file.indexOf(digits, p + 1)) {
    let start = p;
    while (isSpace(bytes[start - 1])) start--;
    if (bytes[start - 2] === 0x2f && bytes[start - 1] === 0x56 && matchesAt(start - 2)) yield start - 2;
  }
}
