/**
 * The limits findings files are read within (README "Findings limits"), from infracast.yaml's
 * `findings.max_file_size_mb` and `findings.max_record_size_mb`, and the errors a crossed limit
 * becomes. Each limit has its own code and names the file, the place and the fix; reading stops
 * where the limit is crossed, so memory stays bounded whatever a file holds.
 *
 * - file size: on disk and once gunzipped (io/decoded-file.ts), FINDINGS_TOO_LARGE;
 * - gzip ratio: more than 200 times over a 16 MiB window (io/decoded-file.ts), FINDINGS_DECOMPRESSION_BOMB;
 * - record size: one JSON record, CSV row or JSON Lines line (loaders/record-limit.ts: the JSON splitter, the line readers, the CSV reader), FINDINGS_RECORD_TOO_LARGE;
 * - documents read whole (SARIF, OSCAL, Grype, Checkov: loaders/whole.ts), FINDINGS_TOO_LARGE.
 */
import { InfracastError } from '../errors.js';
import { DEFAULT_MAX_FILE_MB } from '../io/decoded-file.js';
// The limit and whole-document modules, not the registry: validate reads the limits without loading any loader.
import { MAX_RECORD_BYTES, RecordTooLargeError } from '../loaders/record-limit.js';
import { TooLargeError } from '../loaders/whole.js';
import type { WorkspaceConfig } from '../model/config.js';

const MB = 1024 * 1024;

export interface FindingsLimits {
  /** Largest findings file, on disk and decompressed, in bytes. */
  maxFileBytes: number;
  /** Largest record, in bytes. */
  maxRecordBytes: number;
}

export const DEFAULT_FINDINGS_LIMITS: FindingsLimits = { maxFileBytes: DEFAULT_MAX_FILE_MB * MB, maxRecordBytes: MAX_RECORD_BYTES };

/** A workspace's limits: its infracast.yaml's (the schema has checked they are positive integers), else the defaults. */
export function findingsLimitsOf(config: WorkspaceConfig | undefined): FindingsLimits {
  const findings = config?.raw.findings as { max_file_size_mb?: unknown; max_record_size_mb?: unknown } | undefined;
  const megabytes = (value: unknown, fallback: number): number => (typeof value === 'number' && value > 0 ? value * MB : fallback);
  return {
    maxFileBytes: megabytes(findings?.max_file_size_mb, DEFAULT_FINDINGS_LIMITS.maxFileBytes),
    maxRecordBytes: megabytes(findings?.max_record_size_mb, DEFAULT_FINDINGS_LIMITS.maxRecordBytes),
  };
}

/** The error of a limit a loader crossed while reading `file`, or undefined when `error` is not one. */
export function limitError(file: string, format: string, error: unknown): InfracastError | undefined {
  if (error instanceof RecordTooLargeError) {
    return new InfracastError(
      'FINDINGS_RECORD_TOO_LARGE',
      `${file}: ${error.what} (from byte offset ${error.offset}${format === 'findings' ? '' : ` of this ${format} export`}) is larger than findings.max_record_size_mb (${error.limit / MB} MB); reading stopped there`,
      {
        hints: [
          'A record this large is usually a broken file: a missing newline or closing quote, or a file that is not an export. Export it again; raise findings.max_record_size_mb in infracast.yaml only for a genuine record this large.',
        ],
        cause: error,
      },
    );
  }
  if (error instanceof TooLargeError) {
    return new InfracastError('FINDINGS_TOO_LARGE', `${file}: ${error.message}`, {
      hints: ['Split the document, or export the findings as ASFF, OCSF, native JSON or CSV, which are streamed.'],
      cause: error,
    });
  }
  return undefined;
}
