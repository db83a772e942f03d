/**
 * The encodings a CMS is accepted in: DER, or BER whose only liberty is the indefinite length of
 * constructed values (what OpenSSL's streaming encoder, Bouncy Castle and many PDF signers write).
 *
 * Why not any BER: parts of a CMS are outside its signature, and BER has encodings a verifier reads as
 * the same value. Were they accepted, a byte edited in such a part of a DER CMS would leave the verdict
 * unchanged. Each liberty refused below is one a single-byte change of DER can reach:
 * - BOOLEAN other than 00/FF, a BIT STRING's unused-bits count or unused bits, INTEGER or NULL in
 *   another form: one byte, same value (X.690 §11);
 * - an end-of-contents marker where no indefinite length is open, or trailing bytes: asn1js stops at
 *   00 00, so a longer length over the zero padding of a PDF /Contents would read as the same CMS;
 * - a string type (OCTET STRING, BIT STRING...) in constructed form, a high tag number form for a
 *   number below 31, a non-minimal definite length.
 * The one liberty kept cannot be reached by one byte: turning a length into 80 needs the matching
 * 00 00 in the right place, and every definite-length container must still be filled exactly (an
 * indefinite value inside one must end inside it), so a DER CMS with one byte changed is never read
 * as this BER. Which of the two a CMS uses is reported (`indefinite`), for the signature profile.
 */

export interface EncodingReport {
  /** Why the bytes are neither DER nor the accepted BER; undefined when they are one of them. */
  problem?: string;
  /** Whether an indefinite length occurs (BER, not DER). */
  indefinite: boolean;
}

/** Universal string types whose constructed form BER allows and this profile does not (X.690 §8.6, §8.7, §8.23). */
const STRING_TAGS = new Set([0x03, 0x04, 0x0c, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1e]);

/** Checks `bytes` as one ASN.1 value in DER or the accepted BER (see the module comment). */
export function cmsEncoding(bytes: Uint8Array): EncodingReport {
  const state = { indefinite: false };
  const read = readValues(bytes, 0, bytes.length, 0, false, state);
  if (typeof read === 'string') return { problem: read, indefinite: state.indefinite };
  return state.indefinite ? { indefinite: true } : { indefinite: false };
}

/**
 * Reads values from `start` until `end` (definite container) or until an end-of-contents marker
 * (`untilEoc`); returns the offset after what it read, or the problem.
 */
function readValues(bytes: Uint8Array, start: number, end: number, depth: number, untilEoc: boolean, state: { indefinite: boolean }): number | string {
  if (depth > 64) return 'nested too deeply';
  let i = start;
  while (i < end) {
    const tagAt = i;
    const tag = bytes[i++]!;
    if (tag === 0) {
      if (!untilEoc) return `end-of-contents octets at ${tagAt} where no indefinite length is open`;
      if (i >= end || bytes[i] !== 0) return `a bad end-of-contents marker at ${tagAt}`;
      return i + 1;
    }
    if ((tag & 0x1f) === 0x1f) {
      let number = 0;
      if (bytes[i] === 0x80) return `a tag number with a leading zero at ${tagAt}`;
      do {
        if (i >= end) return 'truncated tag';
        number = number * 128 + (bytes[i]! & 0x7f);
      } while (bytes[i++]! & 0x80);
      if (number < 31) return `a high-form tag for number ${number} at ${tagAt}`;
    }
    if (i >= end) return 'truncated length';
    const constructed = (tag & 0x20) !== 0;
    const universal = (tag & 0xc0) === 0;
    if (constructed && universal && STRING_TAGS.has(tag & 0x1f)) return `a constructed string at ${tagAt}`;
    let length = bytes[i++]!;
    if (length === 0x80) {
      if (!constructed) return `an indefinite length on a primitive value at ${tagAt}`;
      state.indefinite = true;
      const after = readValues(bytes, i, end, depth + 1, true, state);
      if (typeof after === 'string') return after;
      i = after;
      if (depth === 0 && i < end) return `${end - i} bytes follow the value`;
      continue;
    }
    if (length > 0x80) {
      const count = length & 0x7f;
      if (count > 4 || i + count > end || bytes[i] === 0) return `bad length at ${i - 1}`;
      length = 0;
      for (let k = 0; k < count; k++) length = length * 256 + bytes[i++]!;
      if (length < 0x80) return `non-minimal length at ${i - count - 1}`;
    }
    if (i + length > end) return `a length beyond its container at ${i}`;
    if (constructed) {
      const inner = readValues(bytes, i, i + length, depth + 1, false, state);
      if (typeof inner === 'string') return inner;
    } else if (universal) {
      const problem = primitiveProblem(tag, bytes, i, length);
      if (problem) return problem;
    }
    i += length;
    if (depth === 0 && !untilEoc && i < end) return `${end - i} bytes follow the value`;
  }
  if (untilEoc) return 'an indefinite length without its end-of-contents marker';
  return i;
}

/** The one DER form of the primitive universal types whose BER has several. */
function primitiveProblem(tag: number, bytes: Uint8Array, i: number, length: number): string | undefined {
  if (tag === 0x02) {
    const [first, second] = [bytes[i], bytes[i + 1]];
    if (length === 0 || (length > 1 && ((first === 0 && second! < 0x80) || (first === 0xff && second! >= 0x80)))) return `non-minimal INTEGER at ${i}`;
  } else if (tag === 0x01) {
    if (length !== 1 || (bytes[i] !== 0 && bytes[i] !== 0xff)) return `non-DER BOOLEAN at ${i}`;
  } else if (tag === 0x05 && length !== 0) return `non-empty NULL at ${i}`;
  else if (tag === 0x03) {
    // The unused-bits count, and those bits zero (X.690 §11.2): verifiers ignore them otherwise.
    const unused = bytes[i]!;
    if (length === 0 || unused > 7 || (length === 1 && unused !== 0) || (bytes[i + length - 1]! & ((1 << unused) - 1)) !== 0)
      return `non-DER BIT STRING at ${i}`;
  }
  return undefined;
}
