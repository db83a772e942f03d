/**
 * A small strict reader of DER (X.690 §10), for the verification path: certificates, CMS
 * SignedData, RFC 3161 tokens. It reads in place (values are offsets into the caller's bytes, never
 * copies) and refuses, with the offset and the reason, what DER does not allow: a truncated value, a
 * length beyond its container, a non-minimal or over-long length, a high tag number form for a small
 * number, trailing bytes, and for the primitive types read here their one DER form (INTEGER minimal,
 * BOOLEAN 00 or FF, NULL empty, BIT STRING unused bits zero, OID sub-identifiers minimal).
 *
 * Why not asn1js/pkijs here: loading and running them costs more than the whole verification of a
 * signed report (issue 13: `verify` within 2x of pdfsig), and their leniency (any BER, tags read by
 * class and number only) is what cms-verify.ts had to guard against with extra checks.
 *
 * One BER liberty is available on request (`indefinite: true`): the indefinite length of a constructed
 * value, as a CMS may use (cms-encoding.ts explains why that one is safe and checks the whole CMS first).
 */

export class DerError extends Error {}

/** One value: its identifier, and where its contents lie in `bytes`. */
export interface Tlv {
  readonly bytes: Uint8Array;
  /** The first identifier octet (class, constructed bit, and the number when below 31). */
  readonly tag: number;
  readonly constructed: boolean;
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly tagClass: number;
  readonly tagNumber: number;
  readonly start: number;
  readonly contentStart: number;
  /** Where the contents end (before the end-of-contents octets of an indefinite length). */
  readonly contentEnd: number;
  /** Where the whole value ends. */
  readonly end: number;
  readonly indefinite: boolean;
}

export interface ReadOptions {
  /** Accept the indefinite length of constructed values (BER), nothing else. */
  indefinite?: boolean;
}

const MAX_DEPTH = 64;

/** Reads the value at `at`, which must end by `limit`. */
export function readTlv(bytes: Uint8Array, at: number, limit: number, options: ReadOptions = {}, depth = 0): Tlv {
  if (depth > MAX_DEPTH) throw new DerError(`nested more than ${MAX_DEPTH} deep at byte ${at}`);
  let i = at;
  if (i >= limit) throw new DerError(`truncated: a value expected at byte ${at}`);
  const tag = bytes[i++]!;
  if (tag === 0) throw new DerError(`end-of-contents octets at byte ${at} where no indefinite length is open`);
  let tagNumber = tag & 0x1f;
  if (tagNumber === 0x1f) {
    if (i >= limit) throw new DerError(`truncated tag at byte ${at}`);
    if (bytes[i] === 0x80) throw new DerError(`a tag number with a leading zero at byte ${at}`);
    tagNumber = 0;
    let b: number;
    do {
      if (i >= limit) throw new DerError(`truncated tag at byte ${at}`);
      b = bytes[i++]!;
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if (tagNumber > 0x1fffff) throw new DerError(`a tag number too large at byte ${at}`);
    } while (b & 0x80);
    if (tagNumber < 31) throw new DerError(`a high-form tag for number ${tagNumber} at byte ${at}`);
  }
  if (i >= limit) throw new DerError(`truncated length at byte ${at}`);
  const constructed = (tag & 0x20) !== 0;
  const first = bytes[i++]!;
  let length: number;
  if (first < 0x80) length = first;
  else if (first === 0x80) {
    if (!options.indefinite) throw new DerError(`an indefinite length at byte ${at} (DER requires definite lengths)`);
    if (!constructed) throw new DerError(`an indefinite length on a primitive value at byte ${at}`);
    // The contents are values up to the end-of-contents octets.
    let k = i;
    for (;;) {
      if (k + 1 < limit && bytes[k] === 0 && bytes[k + 1] === 0) break;
      if (k >= limit) throw new DerError(`an indefinite length at byte ${at} without its end-of-contents octets`);
      k = readTlv(bytes, k, limit, options, depth + 1).end;
    }
    return { bytes, tag, constructed, tagClass: tag >> 6, tagNumber, start: at, contentStart: i, contentEnd: k, end: k + 2, indefinite: true };
  } else {
    const count = first & 0x7f;
    if (count === 0x7f) throw new DerError(`a reserved length octet at byte ${at}`);
    if (count > 4) throw new DerError(`a length of ${count} octets at byte ${at}`);
    if (i + count > limit) throw new DerError(`truncated length at byte ${at}`);
    if (bytes[i] === 0) throw new DerError(`a non-minimal length at byte ${at} (a leading zero octet)`);
    length = 0;
    for (let k = 0; k < count; k++) length = length * 256 + bytes[i++]!;
    if (length < 0x80) throw new DerError(`a non-minimal length at byte ${at} (${length} in the long form)`);
  }
  if (length > limit - i) throw new DerError(`a length of ${length} at byte ${at} goes beyond its container (${limit - i} bytes left)`);
  return { bytes, tag, constructed, tagClass: tag >> 6, tagNumber, start: at, contentStart: i, contentEnd: i + length, end: i + length, indefinite: false };
}

/** `bytes` as exactly one value: trailing bytes are refused. */
export function readDer(bytes: Uint8Array, options: ReadOptions = {}): Tlv {
  const tlv = readTlv(bytes, 0, bytes.length, options);
  if (tlv.end !== bytes.length) throw new DerError(`${bytes.length - tlv.end} bytes follow the value`);
  return tlv;
}

/** The values inside a constructed value, in order. */
export function children(tlv: Tlv, options: ReadOptions = {}): Tlv[] {
  if (!tlv.constructed) throw new DerError(`the value at byte ${tlv.start} is not constructed`);
  const out: Tlv[] = [];
  for (let at = tlv.contentStart; at < tlv.contentEnd;) {
    const child = readTlv(tlv.bytes, at, tlv.contentEnd, options);
    out.push(child);
    at = child.end;
  }
  return out;
}

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Context-specific tags: `[n]` primitive or constructed. */
export const context = (n: number, constructed: boolean): number => 0x80 | (constructed ? 0x20 : 0) | n;

/** `tlv` with the expected first identifier octet, else a DerError naming `what`. */
export function expect(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv) throw new DerError(`${what} is missing`);
  if (tlv.tag !== tag) throw new DerError(`${what} at byte ${tlv.start} has tag 0x${tlv.tag.toString(16)}, not 0x${tag.toString(16)}`);
  return tlv;
}

/** The children of a SEQUENCE (or another constructed tag) named `what`. */
export const sequenceOf = (tlv: Tlv | undefined, what: string, tag: number = TAG.sequence, options: ReadOptions = {}): Tlv[] =>
  children(expect(tlv, tag, what), options);

/** The contents of a value (a view, not a copy). */
export const contents = (tlv: Tlv): Uint8Array => tlv.bytes.subarray(tlv.contentStart, tlv.contentEnd);
/** The whole encoding of a value (a view). */
export const encoding = (tlv: Tlv): Uint8Array => tlv.bytes.subarray(tlv.start, tlv.end);

/** An INTEGER's content octets (two's complement, minimal), checked. */
export function integerBytes(tlv: Tlv | undefined, what: string): Uint8Array {
  const value = contents(expect(tlv, TAG.integer, what));
  if (value.length === 0) throw new DerError(`${what} is an empty INTEGER`);
  if (value.length > 1 && ((value[0] === 0 && value[1]! < 0x80) || (value[0] === 0xff && value[1]! >= 0x80)))
    throw new DerError(`${what} is a non-minimal INTEGER`);
  return value;
}

/** A small INTEGER as a number (at most 6 octets; negative values as negative numbers). */
export function smallInteger(tlv: Tlv | undefined, what: string): number {
  const value = integerBytes(tlv, what);
  if (value.length > 6) throw new DerError(`${what} is too large an INTEGER`);
  let n = 0;
  for (const b of value) n = n * 256 + b;
  return value[0]! >= 0x80 ? n - 256 ** value.length : n;
}

export function booleanOf(tlv: Tlv | undefined, what: string): boolean {
  const value = contents(expect(tlv, TAG.boolean, what));
  if (value.length !== 1 || (value[0] !== 0 && value[0] !== 0xff)) throw new DerError(`${what} is not a DER BOOLEAN`);
  return value[0] === 0xff;
}

export function nullOf(tlv: Tlv | undefined, what: string): void {
  if (contents(expect(tlv, TAG.null, what)).length !== 0) throw new DerError(`${what} is a NULL with contents`);
}

/** An OCTET STRING's contents (primitive: DER has no constructed strings). */
export const octets = (tlv: Tlv | undefined, what: string, tag: number = TAG.octetString): Uint8Array => contents(expect(tlv, tag, what));

/** A BIT STRING's bits as bytes, with the number of unused bits (whose values must be zero). */
export function bitString(tlv: Tlv | undefined, what: string, tag: number = TAG.bitString): { bytes: Uint8Array; unusedBits: number } {
  const value = contents(expect(tlv, tag, what));
  const unused = value[0];
  if (unused === undefined || unused > 7 || (value.length === 1 && unused !== 0) || (value[value.length - 1]! & ((1 << unused) - 1)) !== 0)
    throw new DerError(`${what} is not a DER BIT STRING`);
  return { bytes: value.subarray(1), unusedBits: unused };
}

/** An OBJECT IDENTIFIER in dotted form. */
export function oidOf(tlv: Tlv | undefined, what: string): string {
  const value = contents(expect(tlv, TAG.oid, what));
  if (value.length === 0) throw new DerError(`${what} is an empty OBJECT IDENTIFIER`);
  const arcs: number[] = [];
  let n = 0;
  let fresh = true;
  for (const b of value) {
    if (fresh && b === 0x80) throw new DerError(`${what} has a sub-identifier with a leading zero`);
    if (n > 2 ** 45) throw new DerError(`${what} has a sub-identifier too large`);
    n = n * 128 + (b & 0x7f);
    fresh = (b & 0x80) === 0;
    if (fresh) {
      arcs.push(n);
      n = 0;
    }
  }
  if (!fresh) throw new DerError(`${what} ends inside a sub-identifier`);
  const head = arcs[0]!;
  const [x, y] = head < 40 ? [0, head] : head < 80 ? [1, head - 40] : [2, head - 80];
  return [x, y, ...arcs.slice(1)].join('.');
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d*[1-9])?Z$/;

/**
 * A UTCTime or GeneralizedTime in the one form DER and RFC 5280 §4.1.2.5 allow: UTC ("Z"), with
 * seconds; a GeneralizedTime may carry a fraction without trailing zeros (RFC 3161 genTime).
 * UTCTime years 50-99 are 19xx.
 */
export function timeOf(tlv: Tlv | undefined, what: string): Date {
  if (!tlv || (tlv.tag !== TAG.utcTime && tlv.tag !== TAG.generalizedTime)) throw new DerError(`${what} is not a UTCTime or GeneralizedTime`);
  const text = Buffer.from(contents(tlv)).toString('latin1');
  const m = (tlv.tag === TAG.utcTime ? UTC_TIME : GENERALIZED_TIME).exec(text);
  if (!m) throw new DerError(`${what} "${text}" is not a DER time`);
  const year = tlv.tag === TAG.utcTime ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  const [month, day, hour, minute, second] = m.slice(2, 7).map(Number) as [number, number, number, number, number];
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59)
    throw new DerError(`${what} "${text}" is not a valid date`);
  return date;
}

/** An AlgorithmIdentifier: the OID, and the parameters when present. */
export interface AlgorithmIdentifier {
  oid: string;
  params?: Tlv;
  /** The whole encoding. */
  der: Uint8Array;
}

export function algorithmOf(tlv: Tlv | undefined, what: string): AlgorithmIdentifier {
  const parts = sequenceOf(tlv, what);
  if (parts.length < 1 || parts.length > 2) throw new DerError(`${what} is not an AlgorithmIdentifier`);
  return { oid: oidOf(parts[0], `${what}'s algorithm`), ...(parts[1] ? { params: parts[1] } : {}), der: encoding(tlv!) };
}

export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

/**
 * `compute` remembered by the content of its input (at most `limit` entries, then forgotten all at
 * once): one verification reads the same certificate in the CMS bag, the path and the revocation
 * walk, and checks the same issuer signature in each. `compute` must be pure and its result read-only;
 * it is given its own copy of the bytes, so a caller that later changes its buffer changes nothing here.
 */
export function memoByBytes<T>(limit: number, compute: (bytes: Uint8Array) => T): (bytes: Uint8Array) => T {
  const cache = new Map<string, T>();
  return (bytes) => {
    const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(new Uint8Array(bytes));
      if (cache.size >= limit) cache.clear();
      cache.set(key, value);
    }
    return value;
  };
}
