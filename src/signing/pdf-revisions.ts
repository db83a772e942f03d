/**
 * The revisions of a PDF, read only as far as the signature verifier needs (pdf-verify.ts): each
 * revision's cross-reference section (classic table or stream) and trailer, the objects they point to,
 * and what an incremental update changes compared with the revision before it.
 *
 * Why not load the document with pdf-lib: PDFDocument.load parses every object of every page, which
 * is most of `verify`'s time on a large report, while the verifier needs a handful of objects (the
 * signed revision's Info dictionary, the signature dictionaries, the objects an update redefines).
 * pdf-lib's object parser still does the parsing, one object at a time, at the offsets the
 * cross-reference sections give.
 *
 * What an update after a signed revision may change (Acrobat's "changes allowed" for signing, which
 * PAdES long-term validation relies on; ETSI EN 319 142-1 section 5.4, ISO 32000-2 section 12.8.2.2):
 * add signature fields and their widgets (catalog /AcroForm, its /Fields and /SigFlags, a page's
 * /Annots), signature and document-timestamp dictionaries, and the DSS (catalog /DSS, /Extensions,
 * its certificate, CRL, OCSP streams and /VRI). Everything else (page content, resources, other
 * annotations, the Info dictionary, other catalog entries, deleted objects) is a change to what was
 * signed, which the verifier reports as `tampered` for the revisions it alters.
 */
import { inflateSync } from 'node:zlib';
import type * as PdfLibModule from '@cantoo/pdf-lib';

type PdfLib = typeof PdfLibModule;
type PDFObject = PdfLib['PDFObject']['prototype'];
type PDFDict = PdfLib['PDFDict']['prototype'];

/** Something in the file structure that does not read as the PDF syntax says (the verifier: tampered). */
export class PdfStructureError extends Error {}

type XrefEntry = { kind: 'free' } | { kind: 'offset'; offset: number; gen: number } | { kind: 'compressed'; stream: number; index: number };

export interface XrefSection {
  /** Where the section starts (what `startxref` or `/Prev` names). */
  offset: number;
  entries: Map<number, XrefEntry>;
  trailer: PDFDict;
  prev?: number;
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

export class PdfFile {
  readonly text: string;
  private readonly objects = new Map<string, PDFObject | undefined>();
  private readonly sections = new Map<number, XrefSection>();
  private readonly context: PdfLibModule.PDFContext;

  constructor(
    readonly lib: PdfLib,
    readonly bytes: Uint8Array,
  ) {
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    this.context = lib.PDFContext.create();
  }

  /** The revision that ends at `end` (just after its `startxref N %%EOF` and end-of-line), or why it is not one. */
  revision(end: number): Revision {
    const tail = TAIL.exec(this.text.slice(Math.max(0, end - 64), end));
    if (!tail) throw new PdfStructureError(`byte ${end} is not the end of a revision (no "startxref … %%EOF" before it)`);
    const startxref = Number(tail[1]);
    return { end, startxref, chain: this.chain(startxref, end) };
  }

  /**
   * The revisions from `first` to `last`, oldest first: one per cross-reference section of `last`'s
   * chain that `first`'s does not have, each ending after its own "%%EOF" (and end-of-line).
   */
  updates(last: Revision, first: Revision): Revision[] {
    const out: Revision[] = [first];
    for (let k = last.chain.length - first.chain.length - 1; k >= 0; k--) {
      const chain = last.chain.slice(k);
      const eof = this.text.indexOf('%%EOF', chain[0]!.offset);
      const end = k === 0 ? last.end : eof < 0 ? last.end : eof + 5 + (/^(\r\n|\r|\n)/.exec(this.text.slice(eof + 5, eof + 7))?.[0].length ?? 0);
      out.push({ end, startxref: chain[0]!.offset, chain });
    }
    return out;
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
    const cached = this.sections.get(offset);
    if (cached) return cached;
    const section = this.text.startsWith('xref', offset) ? this.classicSection(offset) : this.streamSection(offset);
    this.sections.set(offset, section);
    return section;
  }

  private classicSection(offset: number): XrefSection {
    const trailerAt = this.text.indexOf('trailer', offset);
    if (trailerAt < 0) throw new PdfStructureError(`the cross-reference table at byte ${offset} has no trailer`);
    const entries = new Map<number, XrefEntry>();
    const body = this.text.slice(offset + 4, trailerAt);
    const tokens = body
      .trim()
      .split(/\s+/)
      .filter((t) => t.length > 0);
    let i = 0;
    while (i < tokens.length) {
      const first = Number(tokens[i]);
      const count = Number(tokens[i + 1]);
      if (!Number.isInteger(first) || !Number.isInteger(count) || i + 2 + 3 * count > tokens.length)
        throw new PdfStructureError(`the cross-reference table at byte ${offset} is malformed`);
      for (let k = 0; k < count; k++) {
        const [field1, field2, type] = [tokens[i + 2 + 3 * k]!, tokens[i + 3 + 3 * k]!, tokens[i + 4 + 3 * k]!];
        if (!/^\d{10}$/.test(field1) || !/^\d{5}$/.test(field2) || (type !== 'n' && type !== 'f'))
          throw new PdfStructureError(`the cross-reference table at byte ${offset} has a malformed entry`);
        entries.set(first + k, type === 'f' ? { kind: 'free' } : { kind: 'offset', offset: Number(field1), gen: Number(field2) });
      }
      i += 2 + 3 * count;
    }
    const trailer = this.parseAt(trailerAt + 'trailer'.length);
    if (!(trailer instanceof this.lib.PDFDict)) throw new PdfStructureError(`the trailer at byte ${trailerAt} is not a dictionary`);
    // A hybrid file's /XRefStm adds entries only readers of PDF 1.5 see; one reader's document must be everyone's.
    if (trailer.has(this.lib.PDFName.of('XRefStm'))) throw new PdfStructureError(`the trailer at byte ${trailerAt} has /XRefStm (a hybrid-reference file)`);
    return { offset, entries, trailer, ...this.prevOf(trailer) };
  }

  private streamSection(offset: number): XrefSection {
    const stream = this.indirectAt(offset);
    const { PDFRawStream, PDFName, PDFArray, PDFNumber } = this.lib;
    if (!(stream instanceof PDFRawStream) || stream.dict.get(PDFName.of('Type'))?.toString() !== '/XRef')
      throw new PdfStructureError(`no cross-reference table or stream at byte ${offset}`);
    const numbers = (key: string): number[] | undefined => {
      const value = stream.dict.get(PDFName.of(key));
      return value instanceof PDFArray ? value.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : NaN)) : undefined;
    };
    const size = stream.dict.get(PDFName.of('Size'));
    const widths = numbers('W');
    if (!widths || widths.length !== 3 || widths.some((w) => !Number.isInteger(w) || w < 0 || w > 8) || !(size instanceof PDFNumber))
      throw new PdfStructureError(`the cross-reference stream at byte ${offset} has no usable /W or /Size`);
    const index = numbers('Index') ?? [0, size.asNumber()];
    const data = this.decoded(stream);
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
          type === 0
            ? { kind: 'free' }
            : type === 1
              ? { kind: 'offset', offset: a, gen: b }
              : type === 2
                ? { kind: 'compressed', stream: a, index: b }
                : { kind: 'free' },
        );
      }
    }
    return { offset, entries, trailer: stream.dict, ...this.prevOf(stream.dict) };
  }

  private prevOf(trailer: PDFDict): { prev?: number } {
    const prev = trailer.get(this.lib.PDFName.of('Prev'));
    if (prev === undefined) return {};
    if (!(prev instanceof this.lib.PDFNumber)) throw new PdfStructureError('a trailer /Prev is not a number');
    return { prev: prev.asNumber() };
  }

  private decoded(stream: PdfLibModule.PDFRawStream): Uint8Array {
    const filter = stream.dict.get(this.lib.PDFName.of('Filter'));
    if (filter === undefined) return stream.contents;
    if (filter.toString() !== '/FlateDecode' && filter.toString() !== '[ /FlateDecode ]')
      throw new PdfStructureError(`unsupported stream filter ${filter.toString()}`);
    if (stream.dict.has(this.lib.PDFName.of('DecodeParms'))) return this.lib.decodePDFRawStream(stream).decode();
    return new Uint8Array(inflateSync(stream.contents));
  }

  private parseAt(position: number): PDFObject {
    try {
      return this.lib.PDFObjectParser.forBytes(this.bytes.subarray(position), this.context).parseObject();
    } catch (cause) {
      throw new PdfStructureError(`no PDF object at byte ${position}: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }

  /** The object of an `N G obj` at `offset`. */
  indirectAt(offset: number, expect?: number): PDFObject {
    const header = /^[ \t\r\n\f\0]*(\d{1,10})[ \t\r\n\f\0]+(\d{1,5})[ \t\r\n\f\0]+obj/.exec(this.text.slice(offset, offset + 40));
    if (!header) throw new PdfStructureError(`no "N G obj" at byte ${offset}`);
    if (expect !== undefined && Number(header[1]) !== expect)
      throw new PdfStructureError(`the cross-reference entry of object ${expect} points at object ${header[1]} (byte ${offset})`);
    return this.parseAt(offset + header[0].length);
  }

  /** The entry for object `num` in a chain (newest section first), or undefined when no section has it. */
  entry(chain: XrefSection[], num: number): XrefEntry | undefined {
    for (const section of chain) {
      const entry = section.entries.get(num);
      if (entry) return entry;
    }
    return undefined;
  }

  /** Object `num` as the revision of `chain` has it; undefined when absent or free. */
  object(chain: XrefSection[], num: number): PDFObject | undefined {
    const entry = this.entry(chain, num);
    if (!entry || entry.kind === 'free') return undefined;
    const key = entry.kind === 'offset' ? `o${entry.offset}` : `c${entry.stream}:${entry.index}:${chain[0]!.offset}`;
    if (this.objects.has(key)) return this.objects.get(key);
    const value = entry.kind === 'offset' ? this.indirectAt(entry.offset, num) : this.compressed(chain, num, entry.stream, entry.index);
    this.objects.set(key, value);
    return value;
  }

  private compressed(chain: XrefSection[], num: number, streamNum: number, index: number): PDFObject {
    const { PDFRawStream, PDFName, PDFNumber } = this.lib;
    const stream = this.object(chain, streamNum);
    if (!(stream instanceof PDFRawStream)) throw new PdfStructureError(`object ${num} is in object ${streamNum}, which is not an object stream`);
    const n = stream.dict.get(PDFName.of('N'));
    const first = stream.dict.get(PDFName.of('First'));
    if (!(n instanceof PDFNumber) || !(first instanceof PDFNumber)) throw new PdfStructureError(`object stream ${streamNum} has no /N or /First`);
    const data = this.decoded(stream);
    const header = Buffer.from(data.subarray(0, first.asNumber())).toString('latin1').trim().split(/\s+/).map(Number);
    if (header[2 * index] !== num) throw new PdfStructureError(`object stream ${streamNum} does not hold object ${num} at index ${index}`);
    const at = first.asNumber() + header[2 * index + 1]!;
    try {
      return this.lib.PDFObjectParser.forBytes(data.subarray(at), this.context).parseObject();
    } catch (cause) {
      throw new PdfStructureError(`object ${num} in object stream ${streamNum} does not parse: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }

  /** `value`, or the object it refers to in `chain`. */
  resolve(chain: XrefSection[], value: PDFObject | undefined): PDFObject | undefined {
    return value instanceof this.lib.PDFRef ? this.object(chain, value.objectNumber) : value;
  }

  /** The trailer entry `key` of the revision (its newest section). */
  trailerRef(chain: XrefSection[], key: string): PdfLibModule.PDFRef | undefined {
    const value = chain[0]!.trailer.get(this.lib.PDFName.of(key));
    return value instanceof this.lib.PDFRef ? value : undefined;
  }

  /** Every object number a revision's sections define, including the sections after `since`. */
  definedSince(chain: XrefSection[], since: XrefSection[]): Set<number> {
    const older = new Set(since.map((s) => s.offset));
    const numbers = new Set<number>();
    for (const section of chain) {
      if (older.has(section.offset)) break;
      for (const num of section.entries.keys()) if (num !== 0) numbers.add(num);
    }
    return numbers;
  }

  /** Whether two parsed objects say the same thing (streams: same dictionary and same bytes). */
  same(a: PDFObject | undefined, b: PDFObject | undefined): boolean {
    const { PDFRawStream, PDFDict, PDFArray } = this.lib;
    if (a === undefined || b === undefined) return a === b;
    if (a instanceof PDFRawStream || b instanceof PDFRawStream)
      return a instanceof PDFRawStream && b instanceof PDFRawStream && this.same(a.dict, b.dict) && Buffer.from(a.contents).equals(Buffer.from(b.contents));
    if (a instanceof PDFDict || b instanceof PDFDict) {
      if (!(a instanceof PDFDict && b instanceof PDFDict)) return false;
      const [ka, kb] = [a.keys(), b.keys()];
      return ka.length === kb.length && ka.every((key) => this.same(a.get(key), b.get(key)));
    }
    if (a instanceof PDFArray || b instanceof PDFArray) {
      if (!(a instanceof PDFArray && b instanceof PDFArray) || a.size() !== b.size()) return false;
      return a.asArray().every((item, i) => this.same(item, b.get(i)));
    }
    return a.toString() === b.toString();
  }
}
