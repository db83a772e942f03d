/**
 * A minimal PDF object reader for the signature verifier (ISO 32000-2 section 7.3): null, booleans,
 * numbers, names, literal and hexadecimal strings, arrays, dictionaries, indirect references and
 * streams, parsed from a byte offset. It exists because importing pdf-lib costs half a second per
 * `infracast verify` process, while the verifier reads a handful of objects (pdf-revisions.ts).
 * Values are plain data, compared structurally by {@link sameValue}.
 */

export class PdfName {
  constructor(readonly name: string) {}
}
export class PdfString {
  constructor(
    readonly bytes: Uint8Array,
    readonly hex: boolean,
  ) {}
  /** The text: UTF-16BE or UTF-8 with their byte-order marks, else PDFDocEncoding (read as Latin-1, which agrees on printable ASCII and most of the upper half). */
  text(): string {
    const b = Buffer.from(this.bytes);
    if (b[0] === 0xfe && b[1] === 0xff) return b.subarray(2).swap16().toString('utf16le');
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8');
    return b.toString('latin1');
  }
}
export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
}
export class PdfDict {
  constructor(readonly map: Map<string, PdfValue>) {}
  get(key: string): PdfValue | undefined {
    return this.map.get(key);
  }
  /** The name value of `key`, without the slash. */
  name(key: string): string | undefined {
    const value = this.map.get(key);
    return value instanceof PdfName ? value.name : undefined;
  }
  text(key: string): string | undefined {
    const value = this.map.get(key);
    return value instanceof PdfString ? value.text() : undefined;
  }
}
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    /** The bytes between `stream` and `endstream`, still encoded. */
    readonly raw: Uint8Array,
  ) {}
}
export type PdfValue = null | boolean | number | PdfName | PdfString | PdfRef | PdfValue[] | PdfDict | PdfStream;

/** Not PDF syntax where an object was expected. */
export class PdfSyntaxError extends Error {}

const WHITE = new Set([0, 9, 10, 12, 13, 32]);
const DELIMITER = new Set([...'()<>[]{}/%'].map((c) => c.charCodeAt(0)));
const MAX_DEPTH = 100;

/** Parses the object that starts at `position` (whitespace and comments first are skipped). */
export function parseObjectAt(bytes: Uint8Array, position: number): PdfValue {
  let at = position;
  const fail = (what: string): never => {
    throw new PdfSyntaxError(`${what} at byte ${at}`);
  };
  const skip = (): void => {
    while (at < bytes.length) {
      const c = bytes[at]!;
      if (WHITE.has(c)) at++;
      else if (c === 0x25) while (at < bytes.length && bytes[at] !== 10 && bytes[at] !== 13) at++;
      else break;
    }
  };
  const regular = (): string => {
    const start = at;
    while (at < bytes.length && !WHITE.has(bytes[at]!) && !DELIMITER.has(bytes[at]!)) at++;
    return Buffer.from(bytes.subarray(start, at)).toString('latin1');
  };
  /** An integer token at the current position without consuming it, for `N G R` lookahead. */
  const peekInteger = (from: number): [number, number] | undefined => {
    let i = from;
    while (i < bytes.length && WHITE.has(bytes[i]!)) i++;
    const start = i;
    while (i < bytes.length && bytes[i]! >= 0x30 && bytes[i]! <= 0x39) i++;
    if (i === start || (i < bytes.length && !WHITE.has(bytes[i]!) && !DELIMITER.has(bytes[i]!))) return undefined;
    return [Number(Buffer.from(bytes.subarray(start, i)).toString('latin1')), i];
  };

  const value = (depth: number): PdfValue => {
    if (depth > MAX_DEPTH) fail('objects nested too deeply');
    skip();
    if (at >= bytes.length) fail('the end of the file');
    const c = bytes[at]!;
    if (c === 0x2f) {
      at++;
      return new PdfName(regular().replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
    }
    if (c === 0x3c && bytes[at + 1] === 0x3c) return dictOrStream(depth);
    if (c === 0x3c) return hexString();
    if (c === 0x28) return literalString();
    if (c === 0x5b) {
      at++;
      const items: PdfValue[] = [];
      for (;;) {
        skip();
        if (bytes[at] === 0x5d) {
          at++;
          return items;
        }
        items.push(value(depth + 1));
      }
    }
    const token = regular();
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token === 'null') return null;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(token)) fail(`unexpected "${token || String.fromCharCode(c)}"`);
    const number = Number(token);
    if (/^\d+$/.test(token)) {
      const gen = peekInteger(at);
      if (gen) {
        let i = gen[1];
        while (i < bytes.length && WHITE.has(bytes[i]!)) i++;
        if (bytes[i] === 0x52 && (i + 1 >= bytes.length || WHITE.has(bytes[i + 1]!) || DELIMITER.has(bytes[i + 1]!))) {
          at = i + 1;
          return new PdfRef(number, gen[0]);
        }
      }
    }
    return number;
  };

  const hexString = (): PdfString => {
    const end = bytes.indexOf(0x3e, at);
    if (end < 0) fail('an unterminated hexadecimal string');
    const digits = Buffer.from(bytes.subarray(at + 1, end))
      .toString('latin1')
      .replace(/[\0\t\n\f\r ]/g, '');
    if (!/^[0-9a-fA-F]*$/.test(digits)) fail('a hexadecimal string with other characters');
    at = end + 1;
    return new PdfString(Buffer.from(digits.length % 2 ? `${digits}0` : digits, 'hex'), true);
  };

  const literalString = (): PdfString => {
    const out: number[] = [];
    let depth = 0;
    at++;
    for (;;) {
      if (at >= bytes.length) fail('an unterminated string');
      const c = bytes[at++]!;
      if (c === 0x28) depth++;
      else if (c === 0x29 && depth-- === 0) return new PdfString(Uint8Array.from(out), false);
      if (c !== 0x5c) {
        out.push(c);
        continue;
      }
      const e = bytes[at++]!;
      const simple: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };
      if (e in simple) out.push(simple[e]!);
      else if (e >= 0x30 && e <= 0x37) {
        let octal = e - 0x30;
        for (let k = 0; k < 2 && bytes[at]! >= 0x30 && bytes[at]! <= 0x37; k++) octal = octal * 8 + bytes[at++]! - 0x30;
        out.push(octal & 0xff);
      } else if (e === 13) {
        if (bytes[at] === 10) at++;
      } else if (e !== 10) out.push(e);
    }
  };

  const dictOrStream = (depth: number): PdfDict | PdfStream => {
    at += 2;
    const map = new Map<string, PdfValue>();
    for (;;) {
      skip();
      if (bytes[at] === 0x3e && bytes[at + 1] === 0x3e) {
        at += 2;
        break;
      }
      const key = value(depth + 1);
      if (!(key instanceof PdfName)) fail('a dictionary key that is not a name');
      map.set((key as PdfName).name, value(depth + 1));
    }
    const dict = new PdfDict(map);
    let i = at;
    while (i < bytes.length && WHITE.has(bytes[i]!)) i++;
    if (Buffer.from(bytes.subarray(i, i + 6)).toString('latin1') !== 'stream') return dict;
    i += 6;
    if (bytes[i] === 13) i++;
    if (bytes[i] === 10) i++;
    const length = dict.get('Length');
    let end = typeof length === 'number' && Number.isInteger(length) && length >= 0 ? i + length : -1;
    if (end < 0 || end > bytes.length || !/^[\0\t\n\f\r ]*endstream/.test(Buffer.from(bytes.subarray(end, end + 20)).toString('latin1'))) {
      // No usable direct /Length: the data ends before the first "endstream".
      end = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf('endstream', i, 'latin1');
      if (end < 0) fail('a stream without endstream');
      if (bytes[end - 1] === 10) end--;
      if (bytes[end - 1] === 13) end--;
    }
    at = end;
    return new PdfStream(dict, bytes.subarray(i, end));
  };

  return value(0);
}

/** Whether two values say the same thing (dictionaries by their entries, in any order; streams by dictionary and bytes). */
export function sameValue(a: PdfValue | undefined, b: PdfValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a instanceof PdfName) return b instanceof PdfName && a.name === b.name;
  if (a instanceof PdfString) return b instanceof PdfString && Buffer.from(a.bytes).equals(Buffer.from(b.bytes));
  if (a instanceof PdfRef) return b instanceof PdfRef && a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfStream) return b instanceof PdfStream && sameValue(a.dict, b.dict) && Buffer.from(a.raw).equals(Buffer.from(b.raw));
  if (a instanceof PdfDict && b instanceof PdfDict)
    return a.map.size === b.map.size && [...a.map].every(([k, v]) => b.map.has(k) && sameValue(v, b.map.get(k)));
  return false;
}

/** A value for messages: `/Page`, `12 0 R`, `[…]`. */
export function show(value: PdfValue | undefined): string {
  if (value instanceof PdfName) return `/${value.name}`;
  if (value instanceof PdfRef) return `${value.num} ${value.gen} R`;
  if (Array.isArray(value)) return `[${value.map(show).join(' ')}]`;
  if (value instanceof PdfString) return `(${value.text()})`;
  if (value instanceof PdfDict || value instanceof PdfStream) return '<<…>>';
  return String(value);
}

/**
 * A stream's decoded data: no filter or FlateDecode, with the PNG predictors (10 to 15) cross-reference
 * streams use; anything else is refused (the verifier needs only these streams).
 */
export function decodeStream(stream: PdfStream): Uint8Array {
  const filter = stream.dict.get('Filter');
  const name = filter instanceof PdfName ? filter.name : Array.isArray(filter) && filter.length === 1 && filter[0] instanceof PdfName ? filter[0].name : filter;
  if (name === undefined) return stream.raw;
  if (name !== 'FlateDecode') throw new PdfSyntaxError(`unsupported stream filter ${show(filter)}`);
  // zlib is loaded on first use: a PDF with a classic cross-reference table needs no stream decoded to be verified.
  let data: Uint8Array = new Uint8Array(process.getBuiltinModule('node:zlib').inflateSync(stream.raw));
  const params = stream.dict.get('DecodeParms');
  const dict = params instanceof PdfDict ? params : Array.isArray(params) && params[0] instanceof PdfDict ? params[0] : undefined;
  const predictor = dict?.get('Predictor');
  if (typeof predictor === 'number' && predictor >= 10) {
    const columns = typeof dict!.get('Columns') === 'number' ? (dict!.get('Columns') as number) : 1;
    data = unpredictPng(data, columns);
  } else if (typeof predictor === 'number' && predictor > 1) throw new PdfSyntaxError(`unsupported predictor ${predictor}`);
  return data;
}

/** Reverses PNG row filters (one filter-type byte per row of `columns` bytes; 1 byte per pixel). */
function unpredictPng(data: Uint8Array, columns: number): Uint8Array {
  const rows = Math.floor(data.length / (columns + 1));
  const out = new Uint8Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (columns + 1)]!;
    for (let c = 0; c < columns; c++) {
      const x = data[r * (columns + 1) + 1 + c]!;
      const left = c > 0 ? out[r * columns + c - 1]! : 0;
      const up = r > 0 ? out[(r - 1) * columns + c]! : 0;
      const upLeft = r > 0 && c > 0 ? out[(r - 1) * columns + c - 1]! : 0;
      let predicted = 0;
      if (type === 1) predicted = left;
      else if (type === 2) predicted = up;
      else if (type === 3) predicted = (left + up) >> 1;
      else if (type === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      out[r * columns + c] = (x + predicted) & 0xff;
    }
  }
  return out;
}

/** A PDF date (`D:YYYYMMDDHHmmSSOHH'mm'`, later parts optional) as a Date, or undefined. */
export function pdfDate(text: string): Date | undefined {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?$/.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2] ?? '01', m[3] ?? '01', m[4] ?? '00', m[5] ?? '00', m[6] ?? '00'].map(Number) as number[];
  let offset = 0;
  if (m[7] === '+' || m[7] === '-') offset = (m[7] === '-' ? -1 : 1) * (Number(m[8] ?? 0) * 60 + Number(m[9] ?? 0));
  const date = new Date(Date.UTC(year!, month! - 1, day, hour, minute, second) - offset * 60_000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
