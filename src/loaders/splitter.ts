/**
 * Byte-level record splitters (DESIGN.md "Large inputs"): find each record of a top-level JSON
 * array (or of the array under one key of a top-level object, e.g. ASFF `Findings`) and hand
 * over its bytes, so that each record goes through `JSON.parse` alone and a 1 GB export is never
 * one string. Strings are skipped with `indexOf` (most bytes of an export are inside strings);
 * only structure bytes are looked at one by one. Values are not parsed here.
 */

import { MAX_RECORD_BYTES, RecordTooLargeError } from './record-limit.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
/** The UTF-8 byte order mark's bytes, skipped before the document starts (perhaps split across chunks). */
const BOM = new Set([0xef, 0xbb, 0xbf]);

export const isWhitespace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** A record's bytes and its 1-based number in the array (or line, for JSON Lines). */
export interface SplitRecord {
  bytes: Buffer;
  record: number;
  line?: number;
}

/** Why the bytes are not a JSON array of records (a truncated file, a wrong shape). */
export class SplitError extends Error {
  readonly record: number | undefined;
  constructor(message: string, record?: number) {
    super(message);
    this.name = 'SplitError';
    this.record = record;
  }
}

export interface SplitOptions {
  /** Largest record accepted, in bytes (default MAX_RECORD_BYTES). */
  maxRecordBytes?: number;
  /** Keys of a top-level object whose array holds the records (e.g. `Findings`). Without, only a top-level array is accepted. */
  keys?: readonly string[];
  /** Receives each other top-level member of the object, parsed, when it is small (< 1 MiB). */
  onMember?: (key: string, value: unknown) => void;
  /** An object without the array under `keys` has no records (Trivy omits an empty `Results`), rather than being an error. */
  optional?: boolean;
}

const MAX_MEMBER_BYTES = 1024 * 1024;

type Phase = 'start' | 'object' | 'array' | 'done';
type Expect = 'key' | 'colon' | 'value' | 'comma';

/** Incremental splitter: `push` chunks, collect the records each returns, then `end`. */
export class JsonArraySplitter {
  private readonly keys: Set<string>;
  private readonly onMember: SplitOptions['onMember'];
  private readonly optional: boolean;
  private readonly maxRecordBytes: number;
  /** Bytes pushed before the current chunk: offsets in messages. */
  private consumed = 0;
  private phase: Phase = 'start';
  private started = false;
  // String state, carried across chunks.
  private inString = false;
  private escaped = false;
  // Top-level object walk.
  private objectDepth = 0;
  private expect: Expect = 'key';
  private keyParts: Buffer[] | undefined;
  private keyBytes = 0;
  private keyOffset = 0;
  private pendingKey: string | undefined;
  private memberKey: string | undefined;
  private memberParts: Buffer[] | undefined;
  private memberBytes = 0;
  private foundArray = false;
  // Record walk: depth inside the current record (0: between records).
  private depth = 0;
  private inRecord = false;
  private scalar = false;
  private afterValue = false;
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private recordOffset = 0;
  private record = 0;

  constructor(options: SplitOptions = {}) {
    this.keys = new Set(options.keys ?? []);
    this.onMember = options.onMember;
    this.optional = options.optional ?? false;
    this.maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  }

  /** The records completed by this chunk. */
  push(input: Buffer): SplitRecord[] {
    const chunk = input;
    const out: SplitRecord[] = [];
    const n = chunk.length;
    let i = 0;
    let recordStart = this.inRecord ? 0 : -1;
    let keyStart = this.keyParts ? 0 : -1;
    let memberStart = this.memberParts ? 0 : -1;
    // Next backslash at or after a position, found lazily once per run of the chunk.
    let nextBackslash = -2;

    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        const q = chunk.indexOf(QUOTE, i);
        if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = chunk.indexOf(BACKSLASH, i);
        if (nextBackslash !== -1 && (q === -1 || nextBackslash < q)) {
          // An escape: skip the backslash and the byte it escapes (perhaps in the next chunk).
          i = nextBackslash + 1;
          if (i >= n) this.escaped = true;
          else i++;
          continue;
        }
        if (q === -1) {
          i = n;
          break;
        }
        this.inString = false;
        i = q + 1;
        if (keyStart >= 0) {
          const parts = [...(this.keyParts ?? []), chunk.subarray(keyStart, i)];
          this.pendingKey = JSON.parse(Buffer.concat(parts).toString('utf8')) as string;
          this.keyParts = undefined;
          this.keyBytes = 0;
          keyStart = -1;
          this.expect = 'colon';
        }
        continue;
      }
      const b = chunk[i]!;
      if (isWhitespace(b)) {
        i++;
        continue;
      }

      if (this.phase === 'array') {
        if (this.depth === 0 && !this.inRecord) {
          if (b === CLOSE_BRACKET) {
            if (this.record > 0 && !this.afterValue) throw new SplitError(`a "," before "]" after record ${this.record}`, this.record);
            this.endArray();
            i++;
            continue;
          }
          if (b === COMMA) {
            if (!this.afterValue) throw new SplitError(`a missing value before "," (record ${this.record + 1})`, this.record + 1);
            this.afterValue = false;
            i++;
            continue;
          }
          if (this.afterValue) throw new SplitError(`a missing "," after record ${this.record}`, this.record + 1);
          this.record++;
          this.inRecord = true;
          recordStart = i;
          this.recordOffset = this.consumed + i;
          if (b === OPEN_BRACE || b === OPEN_BRACKET) {
            this.depth = 1;
            this.scalar = false;
          } else {
            this.scalar = true;
            if (b === QUOTE) this.inString = true;
            else if (b === CLOSE_BRACE) throw new SplitError(`unexpected "}" in record ${this.record}`, this.record);
          }
          i++;
          continue;
        }
        if (this.scalar) {
          // A scalar record (number, string, literal) ends before "," or "]".
          if (b === COMMA || b === CLOSE_BRACKET) {
            out.push(this.finishRecord(chunk, recordStart, i));
            recordStart = -1;
            continue; // the "," or "]" is handled between records
          }
          if (b === QUOTE) this.inString = true;
          i++;
          continue;
        }
        if (b === QUOTE) this.inString = true;
        else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.depth++;
        else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
          this.depth--;
          if (this.depth === 0) {
            i++;
            out.push(this.finishRecord(chunk, recordStart, i));
            recordStart = -1;
            continue;
          }
        }
        i++;
        continue;
      }

      if (this.phase === 'start') {
        if (BOM.has(b)) {
          i++;
          continue;
        }
        this.started = true;
        if (b === OPEN_BRACKET) {
          this.phase = 'array';
          this.foundArray = true;
        } else if (b === OPEN_BRACE && this.keys.size > 0) {
          this.phase = 'object';
          this.objectDepth = 1;
          this.expect = 'key';
        } else throw new SplitError(this.keys.size > 0 ? 'not a JSON array or object' : 'not a JSON array');
        i++;
        continue;
      }

      if (this.phase === 'done') throw new SplitError('unexpected data after the end of the JSON document');

      // phase 'object': the members of the top-level object.
      if (this.objectDepth === 1) {
        if (this.expect === 'key') {
          if (b === QUOTE) {
            this.inString = true;
            keyStart = i;
            this.keyOffset = this.consumed + i;
            i++;
            continue;
          }
          if (b === CLOSE_BRACE) {
            this.phase = 'done';
            i++;
            continue;
          }
          throw new SplitError('expected a key in the top-level object');
        }
        if (this.expect === 'colon') {
          if (b !== COLON) throw new SplitError('expected ":" after a key in the top-level object');
          this.expect = 'value';
          i++;
          continue;
        }
        if (this.expect === 'comma') {
          if (b === COMMA || b === CLOSE_BRACE) {
            if (memberStart >= 0 && this.memberParts) this.memberParts.push(chunk.subarray(memberStart, i));
            memberStart = -1;
            this.finishMember();
            this.expect = 'key';
            if (b === CLOSE_BRACE) this.phase = 'done';
            i++;
            continue;
          }
        }
        if (this.expect === 'value') {
          const key = this.pendingKey;
          this.pendingKey = undefined;
          if (key !== undefined && this.keys.has(key) && b === OPEN_BRACKET && !this.foundArray) {
            this.phase = 'array';
            this.foundArray = true;
            this.depth = 0;
            this.afterValue = false;
            i++;
            continue;
          }
          this.memberKey = key;
          this.memberParts = [];
          this.memberBytes = 0;
          memberStart = i;
          this.expect = 'comma';
        }
      }
      // Inside a member's value.
      if (b === QUOTE) this.inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.objectDepth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        this.objectDepth--;
        if (this.objectDepth < 1) throw new SplitError('unbalanced brackets in the top-level object');
      }
      i++;
    }

    // What waits for the next chunk is held to the record limit: a record that never ends must not fill memory.
    if (recordStart >= 0) {
      this.parts.push(chunk.subarray(recordStart));
      this.partsBytes += n - recordStart;
      if (this.partsBytes > this.maxRecordBytes) throw new RecordTooLargeError(`record ${this.record}`, this.recordOffset, this.maxRecordBytes, this.record);
    }
    if (keyStart >= 0) {
      (this.keyParts ??= []).push(chunk.subarray(keyStart));
      this.keyBytes += n - keyStart;
      if (this.keyBytes > this.maxRecordBytes) throw new RecordTooLargeError('a key of the top-level object', this.keyOffset, this.maxRecordBytes);
    }
    if (memberStart >= 0 && this.memberParts) {
      this.memberBytes += n - memberStart;
      if (this.memberBytes > MAX_MEMBER_BYTES) this.memberParts = undefined;
      else this.memberParts.push(chunk.subarray(memberStart));
    }
    this.consumed += n;
    return out;
  }

  /** Checks that the document is complete; throws SplitError when it is not. */
  end(): void {
    if (!this.started) throw new SplitError('the file is empty');
    if (this.phase !== 'done') {
      if (this.inRecord) throw new SplitError(`the file ends inside record ${this.record} (truncated?)`, this.record);
      throw new SplitError('the file ends before the JSON document does (truncated?)');
    }
    if (!this.foundArray && !this.optional) throw new SplitError(`no ${[...this.keys].map((k) => `"${k}"`).join(' or ')} array in the top-level object`);
  }

  private finishRecord(chunk: Buffer, start: number, end: number): SplitRecord {
    if (this.partsBytes + end - start > this.maxRecordBytes)
      throw new RecordTooLargeError(`record ${this.record}`, this.recordOffset, this.maxRecordBytes, this.record);
    this.parts.push(chunk.subarray(start, end));
    const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = [];
    this.partsBytes = 0;
    this.inRecord = false;
    this.depth = 0;
    this.scalar = false;
    this.afterValue = true;
    return { bytes, record: this.record };
  }

  private endArray(): void {
    this.afterValue = false;
    if (this.objectDepth === 1) {
      this.phase = 'object';
      this.expect = 'comma';
    } else this.phase = 'done';
  }

  private finishMember(): void {
    if (this.memberKey !== undefined && this.memberParts && this.onMember) {
      try {
        this.onMember(this.memberKey, JSON.parse(Buffer.concat(this.memberParts).toString('utf8')));
      } catch {
        // A member that does not parse is not a record; it is ignored here.
      }
    }
    this.memberKey = undefined;
    this.memberParts = undefined;
    this.memberBytes = 0;
  }
}

/** Yields the records of a top-level JSON array (or of the array under one of `keys`). */
export async function* splitJsonArray(chunks: AsyncIterable<Buffer>, options: SplitOptions = {}): AsyncGenerator<SplitRecord> {
  const splitter = new JsonArraySplitter(options);
  for await (const chunk of chunks) yield* splitter.push(chunk);
  splitter.end();
}
