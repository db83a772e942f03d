/**
 * Line-based reading of findings content: the non-blank lines of JSON Lines, and CSV content passed
 * on a whole line at a time; every line is held to the record limit (record-limit.ts).
 */
import { MAX_RECORD_BYTES, RecordTooLargeError } from './record-limit.js';
import { isWhitespace } from './splitter.js';
import type { SplitOptions, SplitRecord } from './splitter.js';

const NEWLINE = 0x0a;

/** Yields the non-blank lines of JSON Lines input with their 1-based line numbers; a line is held to the record limit. */
export async function* splitLines(
  chunks: AsyncIterable<Buffer>,
  options: Pick<SplitOptions, 'maxRecordBytes'> = {},
): AsyncGenerator<SplitRecord & { line: number }> {
  const maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let line = 0;
  let record = 0;
  // Offsets: of the current chunk, and of the current line's first byte.
  let consumed = 0;
  let lineOffset = 0;
  const tooLarge = (): RecordTooLargeError => new RecordTooLargeError(`line ${line + 1}`, lineOffset, maxRecordBytes, record + 1);
  for await (const chunk of chunks) {
    let start = 0;
    let nl = chunk.indexOf(NEWLINE, start);
    while (nl !== -1) {
      if (carryBytes + nl - start > maxRecordBytes) throw tooLarge();
      line++;
      const piece = chunk.subarray(start, nl);
      const bytes = carry.length > 0 ? Buffer.concat([...carry, piece]) : Buffer.from(piece);
      carry = [];
      carryBytes = 0;
      if (!isBlank(bytes)) yield { bytes, record: ++record, line };
      start = nl + 1;
      lineOffset = consumed + start;
      nl = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      carry.push(chunk.subarray(start));
      carryBytes += chunk.length - start;
      if (carryBytes > maxRecordBytes) throw tooLarge();
    }
    consumed += chunk.length;
  }
  if (carry.length > 0) {
    line++;
    const bytes = Buffer.concat(carry);
    if (!isBlank(bytes)) yield { bytes, record: ++record, line };
  }
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (!isWhitespace(b)) return false;
  return true;
}

/**
 * Passes the content on unchanged, but a line only once it has ended: a line longer than the limit
 * is refused (RecordTooLargeError) before a slower parser downstream spends time on it (csv-parse
 * reads about 25 MB/s one character at a time; this check runs at indexOf speed). A CSV row holds
 * at least its longest line, so the limit means the same for rows.
 */
export async function* boundedLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number = MAX_RECORD_BYTES): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let heldBytes = 0;
  let line = 1;
  let consumed = 0;
  let lineOffset = 0;
  const tooLarge = (): RecordTooLargeError => new RecordTooLargeError(`line ${line}`, lineOffset, maxLineBytes);
  for await (const chunk of chunks) {
    let start = 0;
    let lastEnd = -1;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      if (heldBytes + nl - start > maxLineBytes) throw tooLarge();
      heldBytes = 0;
      line++;
      start = nl + 1;
      lineOffset = consumed + start;
      lastEnd = start;
    }
    if (heldBytes + chunk.length - start > maxLineBytes) throw tooLarge();
    if (lastEnd === -1) {
      held.push(chunk);
      heldBytes += chunk.length;
    } else {
      yield held.length > 0 ? Buffer.concat([...held, chunk.subarray(0, lastEnd)]) : chunk.subarray(0, lastEnd);
      held = lastEnd < chunk.length ? [chunk.subarray(lastEnd)] : [];
      heldBytes = chunk.length - lastEnd;
    }
    consumed += chunk.length;
  }
  if (held.length > 0) yield Buffer.concat(held);
}
