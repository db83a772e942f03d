/**
 * Streams the records of a JSON export through the splitter and JSON.parse, one record at a time,
 * and hands each parsed record to a format's normaliser. Syntax errors of one record are that
 * record's problem; a broken document (truncated, wrong shape) throws SplitError.
 */
import type { Finding } from '../model/finding.js';
import { splitLines } from './lines.js';
import { JsonArraySplitter, splitJsonArray } from './splitter.js';
import type { SplitOptions } from './splitter.js';
import type { LoaderInput, RecordOutcome } from './types.js';
import { RecordError } from './types.js';

export type Normaliser = (value: unknown, record: number) => Finding;

export async function* readJsonRecords(
  input: LoaderInput,
  normalise: Normaliser,
  options: SplitOptions & { lines?: boolean } = {},
): AsyncGenerator<RecordOutcome> {
  const maxRecordBytes = input.maxRecordBytes;
  const records = options.lines ? splitLines(input.open(), { maxRecordBytes }) : splitJsonArray(input.open(), { ...options, maxRecordBytes });
  for await (const { bytes, record, line } of records) {
    const at = line === undefined ? {} : { line };
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      yield { record, ...at, problem: { file: input.file, record, ...at, message: `not valid JSON: ${(error as Error).message}` } };
      continue;
    }
    try {
      yield { record, ...at, finding: normalise(value, record) };
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      yield {
        record,
        ...at,
        problem: { file: input.file, record, ...at, ...(error.field ? { field: error.field } : {}), message: error.message },
      };
    }
  }
}

/** The first record of a JSON array (or of the array under `keys`) found in the head, parsed; undefined when none is complete. */
export function firstRecord(head: Buffer, keys: readonly string[] = []): unknown {
  try {
    const records = new JsonArraySplitter({ keys }).push(head);
    return records.length === 0 ? undefined : JSON.parse(records[0]!.bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}
