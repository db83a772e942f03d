/**
 * The revisions of a PDF, read only as far as the signature verifier needs (pdf-verify.ts): each
 * revision's cross-reference section (classic table or stream) and trailer, and the objects they
 * point to, parsed one at a time at their offsets (pdf-objects.ts).
 *
 * Why not load the document with pdf-lib: importing it costs half a second and PDFDocument.load parses
 * every object of every page, while the verifier needs a handful (the signed revision's Info
 * dictionary, the signature dictionaries, the objects an update redefines). A classic table is not
 * even split into entries: an entry is read where its fixed 20-byte line is (ISO 32000-2 7.5.4).
 *
 * What an update after a signed revision may change is pdf-updates.ts.
 */
import { decodeStream, parseObjectAt, PdfDict, PdfRef, PdfStream, PdfSyntaxError, type PdfValue } from './pdf-objects.js';

/** Something in the file structure that does not read as the PDF syntax says (the verifier: tampered). */
export class PdfStructureError extends Error {}

export type XrefEntry = { kind: 'free' } | { kind: 'offset'; offset: number; gen: number } | { kind: 'compressed'; stream: number; index: number };

export interface XrefSection {
  /** Where the section starts (what `startxref` or `/Prev` names). */
  offset: number;
  trailer: PdfDict;
  prev?: number;
  entry(num: number): XrefEntry | undefined;
  /** Every object number the section lists. */
  numbers(): number[];
}

/** A revision: the file up to `end`, read from its own `startxref`. */
export interface Revision {
  end: number;
  startxref: number;
  /** Its cross-reference sections, newest first (the /Prev chain). */
  chain: XrefSection[];
}

const MAX_SECTIONS = 10_000;
const TAIL = /startxref[ \t\r\n\f\0]+(\d{1,10})[ \t\r\n\f\0]+%%EOF[ \t\r\n\f\0]*$/;
const SPACE = '[ \\t\\r\\n\\f\\0]';

/** How much text a sticky pattern is first tried on (see `PdfFile.execAt`). */
const WINDOW = 4096;
/** A match ending this close to the window's end is tried again on the whole rest of the file. */
const MARGIN = 256;

const isWhitespace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0a || byte === 0x0c || byte === 0x00;

export class PdfFile {
  private whole?: string;
  private readonly objects = new Map<string, PdfValue | undefined>();
  private readonly sections = new Map<number, XrefSection>();
  private readonly buffer: Buffer;

  constructor(readonly bytes: Uint8Array) {
    this.buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /**
   * The whole file as Latin-1 text, made on first use only: the verifier reads a signed file by byte
   * searches and small slices (a 10 MB report is never copied into a string on the common path).
   */
  get text(): string {
    return (this.whole ??= this.buffer.toString('latin1'));
  }

  /** Bytes `start` to `end` as Latin-1 text (one character per byte, as `text` has them). */
  slice(start: number, end: number): string {
    return this.buffer.toString('latin1', Math.max(0, start), Math.min(this.bytes.length, Math.max(0, end)));
  }

  /** Where `needle` (ASCII) next occurs at or after `from`, or -1. */
  indexOf(needle: string, from = 0): number {
    return this.buffer.indexOf(needle, from, 'latin1');
  }

  startsWith(needle: string, at: number): boolean {
    return at >= 0 && this.buffer.toString('latin1', at, at + needle.length) === needle;
  }

  /** The byte at `at`, as `text[at]` would give it. */
  charAt(at: number): string {
    return this.slice(at, at + 1);
  }

  /**
   * A sticky (`y`) pattern matched at `at` as it matches `text` there: first on a window of the file,
   * and, when it fails there or its match comes near the window's end (where more text could change
   * the outcome), again on the whole text. Indices are those of the file.
   */
  execAt(pattern: RegExp, at: number): RegExpExecArray | null {
    const end = Math.min(this.bytes.length, at + WINDOW);
    pattern.lastIndex = 0;
    const match = pattern.exec(this.slice(at, end));
    if (match && (end === this.bytes.length || match[0].length < end - at - MARGIN)) {
      match.index += at;
      return match;
    }
    pattern.lastIndex = at;
    return pattern.exec(this.text);
  }

  /** The end of the whitespace run (PDF white-space characters) that starts at `at`. */
  skipWhitespace(at: number): number {
    while (at < this.bytes.length && isWhitespace(this.bytes[at])) at++;
    return at;
  }

  /** The revision that ends at `end` (just after its `startxref N %%EOF` and end-of-line), or why it is not one. */
  revision(end: number): Revision {
    const tail = TAIL.exec(this.slice(Math.max(0, end - 64), end));
    if (!tail) throw new PdfStructureError(`byte ${end} is not the end of a revision (no "startxref … %%EOF" before it)`);
    const startxref = Number(tail[1]);
    return { end, startxref, chain: this.chain(startxref, end) };
  }

  /**
   * The revisions from `first` to `last`, oldest first: one per cross-reference section of `last`'s
   * chain that `first`'s does not have, each ending after the "startxref N %%EOF" (and end-of-line)
   * whose N is that section (not merely the next "%%EOF", which a stream's data may contain).
   */
  updates(last: Revision, first: Revision): Revision[] {
    const out: Revision[] = [first];
    for (let k = last.chain.length - first.chain.length - 1; k >= 0; k--) {
      const chain = last.chain.slice(k);
      out.push({ end: k === 0 ? last.end : this.endOf(chain[0]!.offset, last.end), startxref: chain[0]!.offset, chain });
    }
    return out;
  }

  /** Where the revision whose cross-reference section is at `offset` ends (at most `limit`). */
  private endOf(offset: number, limit: number): number {
    // Searched in the bytes up to `limit` only: a match reaching past `limit` gives `limit` either way.
    const tail = new RegExp(`startxref${SPACE}+${offset}${SPACE}+%%EOF(\\r\\n|\\r|\\n)?`);
    const match = tail.exec(this.slice(offset, limit));
    return match ? Math.min(limit, offset + match.index + match[0].length) : limit;
  }

  /** The /Prev chain from `offset`, every section before `end`. */
  private chain(offset: number, end: number): XrefSection[] {
    const chain: XrefSection[] = [];
    const seen = new Set<number>();
    let at: number | undefined = offset;
    while (at !== undefined) {
      if (seen.has(at) || chain.length > MAX_SECTIONS) throw new PdfStructureError(`the cross-reference chain loops at byte ${at}`);
      if (at >= end) throw new PdfStructureError(`a cross-reference section at byte ${at} lies beyond its revision's end (${end})`);
      seen.add(at);
      const section = this.section(at);
      chain.push(section);
      at = section.prev;
    }
    return chain;
  }

  private section(offset: number): XrefSection {
    let section = this.sections.get(offset);
    if (!section) {
      section = this.startsWith('xref', offset) ? this.classicSection(offset) : this.streamSection(offset);
      this.sections.set(offset, section);
    }
    return section;
  }

  /** A classic table: its subsection headers are read now, its 20-byte entries when asked for. */
  private classicSection(offset: number): XrefSection {
    const subsections: { first: number; count: number; at: number }[] = [];
    const header = new RegExp(`${SPACE}*(\\d{1,10})${SPACE}+(\\d{1,10})${SPACE}*?(\\r\\n|\\n|\\r| )`, 'y');
    let at = offset + 4;
    for (;;) {
      const next = this.skipWhitespace(at);
      if (this.startsWith('trailer', next)) {
        at = next;
        break;
      }
      const m = this.execAt(header, at);
      if (!m) throw new PdfStructureError(`the cross-reference table at byte ${offset} is malformed near byte ${at}`);
      const [first, count] = [Number(m[1]), Number(m[2])];
      let entries = m.index + m[0].length;
      // Tolerate a header line ending in two end-of-line bytes; entries themselves must be 20 bytes each.
      while (/[\r\n ]/.test(this.charAt(entries)) && !/\d/.test(this.charAt(entries))) entries++;
      if (count > 0 && !/^\d{10} \d{5} [nf](\r\n| \n| \r)$/.test(this.slice(entries, entries + 20)))
        throw new PdfStructureError(`the cross-reference table at byte ${offset} has an entry that is not 20 bytes ("nnnnnnnnnn ggggg n" and end-of-line)`);
      subsections.push({ first, count, at: entries });
      at = entries + 20 * count;
    }
    const trailer = this.parse(at + 'trailer'.length);
    if (!(trailer instanceof PdfDict)) throw new PdfStructureError(`the trailer at byte ${at} is not a dictionary`);
    // A hybrid file's /XRefStm adds entries only readers of PDF 1.5 see; one reader's document must be everyone's.
    if (trailer.get('XRefStm') !== undefined) throw new PdfStructureError(`the trailer at byte ${at} has /XRefStm (a hybrid-reference file)`);
    const slice = (start: number, end: number): string => this.slice(start, end);
    return {
      offset,
      trailer,
      ...this.prevOf(trailer),
      entry(num) {
        // Later subsections of one table win (a table may list an object twice; readers take the last).
        for (let s = subsections.length - 1; s >= 0; s--) {
          const sub = subsections[s]!;
          if (num < sub.first || num >= sub.first + sub.count) continue;
          const line = slice(sub.at + 20 * (num - sub.first), sub.at + 20 * (num - sub.first) + 20);
          const m = /^(\d{10}) (\d{5}) ([nf])/.exec(line);
          if (!m) throw new PdfStructureError(`the cross-reference entry of object ${num} is malformed`);
          return m[3] === 'f' ? { kind: 'free' } : { kind: 'offset', offset: Number(m[1]), gen: Number(m[2]) };
        }
        return undefined;
      },
      numbers: () => subsections.flatMap((sub) => Array.from({ length: sub.count }, (_, k) => sub.first + k)),
    };
  }

  private streamSection(offset: number): XrefSection {
    const stream = this.indirectAt(offset);
    if (!(stream instanceof PdfStream) || stream.dict.name('Type') !== 'XRef')
      throw new PdfStructureError(`no cross-reference table or stream at byte ${offset}`);
    const numbers = (key: string): number[] | undefined => {
      const value = stream.dict.get(key);
      return Array.isArray(value) ? value.map((n) => (typeof n === 'number' ? n : NaN)) : undefined;
    };
    const size = stream.dict.get('Size');
    const widths = numbers('W');
    if (!widths || widths.length !== 3 || widths.some((w) => !Number.isInteger(w) || w < 0 || w > 8) || typeof size !== 'number')
      throw new PdfStructureError(`the cross-reference stream at byte ${offset} has no usable /W or /Size`);
    const index = numbers('Index') ?? [0, size];
    let data: Uint8Array;
    try {
      data = decodeStream(stream);
    } catch (cause) {
      throw new PdfStructureError(`the cross-reference stream at byte ${offset} does not decode: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    const row = widths[0]! + widths[1]! + widths[2]!;
    const entries = new Map<number, XrefEntry>();
    let at = 0;
    const field = (width: number, fallback: number): number => {
      if (width === 0) return fallback;
      let value = 0;
      for (let k = 0; k < width; k++) value = value * 256 + data[at++]!;
      return value;
    };
    for (let s = 0; s + 1 < index.length; s += 2) {
      const [first, count] = [index[s]!, index[s + 1]!];
      if (!Number.isInteger(first) || !Number.isInteger(count) || at + count * row > data.length)
        throw new PdfStructureError(`the cross-reference stream at byte ${offset} is shorter than its /Index says`);
      for (let k = 0; k < count; k++) {
        const type = field(widths[0]!, 1);
        const [a, b] = [field(widths[1]!, 0), field(widths[2]!, 0)];
        entries.set(
          first + k,
          type === 1 ? { kind: 'offset', offset: a, gen: b } : type === 2 ? { kind: 'compressed', stream: a, index: b } : { kind: 'free' },
        );
      }
    }
    return { offset, trailer: stream.dict, ...this.prevOf(stream.dict), entry: (num) => entries.get(num), numbers: () => [...entries.keys()] };
  }

  private prevOf(trailer: PdfDict): { prev?: number } {
    const prev = trailer.get('Prev');
    if (prev === undefined) return {};
    if (typeof prev !== 'number') throw new PdfStructureError('a trailer /Prev is not a number');
    return { prev };
  }

  private parse(position: number): PdfValue {
    try {
      return parseObjectAt(this.bytes, position);
    } catch (cause) {
      if (cause instanceof PdfSyntaxError) throw new PdfStructureError(`no PDF object at byte ${position}: ${cause.message}`);
      throw cause;
    }
  }

  /** The object of the `N G obj` at `offset` (which must be object `expect` when given). */
  indirectAt(offset: number, expect?: number): PdfValue {
    const header = new RegExp(`^${SPACE}*(\\d{1,10})${SPACE}+(\\d{1,5})${SPACE}+obj`).exec(this.slice(offset, offset + 40));
    if (!header) throw new PdfStructureError(`no "N G obj" at byte ${offset}`);
    if (expect !== undefined && Number(header[1]) !== expect)
      throw new PdfStructureError(`the cross-reference entry of object ${expect} points at object ${header[1]} (byte ${offset})`);
    return this.parse(offset + header[0].length);
  }

  /** The entry for object `num` in a chain (newest section first), or undefined when no section has it. */
  entry(chain: XrefSection[], num: number): XrefEntry | undefined {
    for (const section of chain) {
      const entry = section.entry(num);
      if (entry) return entry;
    }
    return undefined;
  }

  /** Object `num` as the revision of `chain` has it; undefined when absent or free. */
  object(chain: XrefSection[], num: number): PdfValue | undefined {
    const entry = this.entry(chain, num);
    if (!entry || entry.kind === 'free') return undefined;
    const key = entry.kind === 'offset' ? `o${entry.offset}` : `c${entry.stream}:${entry.index}:${chain[0]!.offset}`;
    if (this.objects.has(key)) return this.objects.get(key);
    const value = entry.kind === 'offset' ? this.indirectAt(entry.offset, num) : this.compressed(chain, num, entry.stream, entry.index);
    this.objects.set(key, value);
    return value;
  }

  private compressed(chain: XrefSection[], num: number, streamNum: number, index: number): PdfValue {
    const stream = this.object(chain, streamNum);
    if (!(stream instanceof PdfStream)) throw new PdfStructureError(`object ${num} is in object ${streamNum}, which is not an object stream`);
    const [n, first] = [stream.dict.get('N'), stream.dict.get('First')];
    if (typeof n !== 'number' || typeof first !== 'number') throw new PdfStructureError(`object stream ${streamNum} has no /N or /First`);
    let data: Uint8Array;
    try {
      data = decodeStream(stream);
    } catch (cause) {
      throw new PdfStructureError(`object stream ${streamNum} does not decode: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    const header = Buffer.from(data.subarray(0, first)).toString('latin1').trim().split(/\s+/).map(Number);
    if (index >= n || header[2 * index] !== num) throw new PdfStructureError(`object stream ${streamNum} does not hold object ${num} at index ${index}`);
    try {
      return parseObjectAt(data, first + header[2 * index + 1]!);
    } catch (cause) {
      throw new PdfStructureError(`object ${num} in object stream ${streamNum} does not parse: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }

  /** `value`, or the object it refers to in `chain`. */
  resolve(chain: XrefSection[], value: PdfValue | undefined): PdfValue | undefined {
    return value instanceof PdfRef ? this.object(chain, value.num) : value;
  }

  /** The trailer entry `key` of the revision (its newest section), when a reference. */
  trailerRef(chain: XrefSection[], key: string): PdfRef | undefined {
    const value = chain[0]!.trailer.get(key);
    return value instanceof PdfRef ? value : undefined;
  }

  /** Every object number the sections of `chain` newer than `since` define. */
  definedSince(chain: XrefSection[], since: XrefSection[]): Set<number> {
    const older = new Set(since.map((s) => s.offset));
    const numbers = new Set<number>();
    for (const section of chain) {
      if (older.has(section.offset)) break;
      for (const num of section.numbers()) if (num !== 0) numbers.add(num);
    }
    return numbers;
  }
}
