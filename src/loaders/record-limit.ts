/**
 * The size limit of one record of a findings file (`findings.max_record_size_mb`), shared by the
 * JSON splitter, the line splitters and the CSV reader: past it, reading stops, because buffering a
 * record that never ends is what exhausts memory (issue 12: a 2 GiB single-line file).
 */

/**
 * The default of `findings.max_record_size_mb`: 64 MiB. The largest real records are far smaller
 * (an ASFF finding is capped at 240 KB by Security Hub; a Trivy result holding every vulnerability
 * of an image is a few MB); a record past this is a broken file (a missing newline or closing
 * quote), and buffering it whole is what exhausts memory.
 */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** A record (or a key of the top-level object, or a line) larger than the limit: reading stops there. */
export class RecordTooLargeError extends Error {
  constructor(
    /** What is too large: `record 2`, `line 7`, `a key of the top-level object`. */
    readonly what: string,
    /** 0-based offset of its first byte in the (decoded) content. */
    readonly offset: number,
    readonly limit: number,
    readonly record?: number,
  ) {
    super(`${what} (from byte offset ${offset}) is larger than ${limit / 1024 / 1024} MB`);
    this.name = 'RecordTooLargeError';
  }
}
