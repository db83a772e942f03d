/** What every findings format loader implements (one file per format; the registry detects). */
import type { Finding } from '../model/finding.js';

/** One input file as the loaders see it: decoded bytes (gzip already undone), re-readable from the start. */
export interface LoaderInput {
  /** The file's path as given (used in messages and source references). */
  file: string;
  /** The first bytes of the decoded content (up to HEAD_BYTES), for detection. */
  head: Buffer;
  /** A fresh stream of the decoded content from its first byte. */
  open(): AsyncIterable<Buffer>;
  /** Largest record (JSON record, CSV row, JSON Lines line) accepted, in bytes; default MAX_RECORD_BYTES (record-limit.ts). */
  maxRecordBytes?: number;
}

export const HEAD_BYTES = 64 * 1024;

/** How CSV columns map to finding fields (header names, case-insensitive). */
export interface CsvColumnMapping {
  id?: string;
  title?: string;
  description?: string;
  result?: string;
  severity?: string;
  ruleId?: string;
  resourceId?: string;
  resourceType?: string;
  resourceName?: string;
  account?: string;
  region?: string;
  observedAt?: string;
  remediation?: string;
  owner?: string;
  /** A column of `FRAMEWORK: id, id | FRAMEWORK: id` (Prowler's COMPLIANCE). */
  compliance?: string;
  /** A column of `key=value` pairs separated by `|` or `,` (Prowler's RESOURCE_TAGS). */
  tags?: string;
  /** A column of true/false meaning the finding is suppressed (Prowler's MUTED). */
  muted?: string;
  tool?: string;
}

export interface LoaderOptions {
  csv?: { columns?: CsvColumnMapping; delimiter?: string; tool?: string };
}

/** A record that could not be normalised: where, which field, why. */
export interface RecordProblem {
  file: string;
  record: number;
  line?: number;
  field?: string;
  message: string;
}

export type RecordOutcome = { record: number; line?: number; finding: Finding } | { record: number; line?: number; problem: RecordProblem };

export type Detection = { ok: true; tool?: string } | { ok: false; reason: string };

export interface FormatLoader {
  /** Stable format id: native, asff, ocsf, sarif, oscal-ar, oscal-poam, csv. */
  readonly format: string;
  /** A human name for messages. */
  readonly label: string;
  /** Does the content look like this format? Looks only at the head. */
  detect(head: Buffer, headText: string, options: LoaderOptions): Detection;
  /** The file's records, in order, each a finding or a problem. Throws (SplitError, SyntaxError...) when the file as a whole is broken. */
  read(input: LoaderInput, options: LoaderOptions): AsyncIterable<RecordOutcome>;
}

/** Thrown by a loader for a record-level defect: the field at fault and why. */
export class RecordError extends Error {
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.name = 'RecordError';
    this.field = field;
  }
}
