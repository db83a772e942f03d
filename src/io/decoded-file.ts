/**
 * Findings files as the loaders read them: decoded (gunzipped when the first bytes are the gzip
 * magic, whatever the file's name; UTF-16 turned into UTF-8; UTF-8 checked) and streamed, within
 * limits; the head alone for format detection, which both ingest and validate's sniffing read.
 *
 * Limits (README "Findings limits"): the file's size on disk and its decompressed size are both
 * held to `findings.max_file_size_mb`, and gzip data that inflates more than MAX_GZIP_RATIO times
 * over a window of its output is a decompression bomb. Reading stops at the chunk that crosses a
 * limit (the streams are destroyed), so memory stays bounded whatever the file holds.
 */
import { createReadStream } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InfracastError } from '../errors.js';
import { EncodingError, checkUtf8, sniffEncoding, utf16HeadToUtf8, utf16ToUtf8 } from './text-encoding.js';
import type { TextEncoding } from './text-encoding.js';

const GZIP_MAGIC = [0x1f, 0x8b];
const MB = 1024 * 1024;

/**
 * The default of `findings.max_file_size_mb`: 4 GiB. Summary mode streams any size in bounded
 * memory, and the bench's 1,000,000 ASFF findings (2.4 GB, `npm run bench`) must pass by default;
 * a file past 4 GiB is a mistake more often than an export.
 */
export const DEFAULT_MAX_FILE_MB = 4096;
/**
 * Decompressed bytes per compressed byte beyond which gzip data is a bomb. The exports in the
 * repository (acme's, the real fixtures) inflate 2 to 26 times at gzip -9, the bench's 100,000
 * ASFF findings 18 times, and no 64 KiB stretch of any of them more than 75 times; deflate's own
 * maximum is about 1032, which runs of one byte (the usual bombs) reach. 200 over a 16 MiB window
 * leaves real data a wide margin.
 */
export const MAX_GZIP_RATIO = 200;
/** The ratio is judged per window of this much output: a bomb is stopped within its first 16 MiB, however it starts. */
export const GZIP_RATIO_WINDOW = 16 * MB;

export interface DecodeOptions {
  gzip: boolean;
  /** The content's encoding (sniffed from the head); UTF-8 when absent. */
  encoding?: TextEncoding;
  /** Largest decoded size accepted, in bytes (`findings.max_file_size_mb`). */
  maxBytes?: number;
  /** The ratio and its window, for tests. */
  maxRatio?: number;
  ratioWindow?: number;
  /** Read `chunkBytes` at a time (1 MiB: large exports stream fast). */
  chunkBytes?: number;
}

export interface DecodedHead {
  gzip: boolean;
  /** Bytes on disk. */
  size: number;
  encoding: TextEncoding;
  /** The first decoded bytes (up to the limit asked; UTF-16 content as UTF-8), for format detection. */
  head: Buffer;
}

const megabytes = (bytes: number): string => `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;
const limitKey = (maxBytes: number): string => `findings.max_file_size_mb (${Math.round(maxBytes / MB)} MB)`;

const TOO_LARGE_HINT = `Split the export (per account, region or scanner run), or raise findings.max_file_size_mb in infracast.yaml (default ${DEFAULT_MAX_FILE_MB}); outside a workspace the default applies.`;

/** A file whose size on disk is over the limit: refused before a byte is read. */
export function fileTooLarge(file: string, size: number, maxBytes: number): InfracastError {
  return new InfracastError('FINDINGS_TOO_LARGE', `${file}: ${megabytes(size)} on disk, larger than ${limitKey(maxBytes)}`, { hints: [TOO_LARGE_HINT] });
}

function decodedTooLarge(file: string, maxBytes: number): InfracastError {
  return new InfracastError('FINDINGS_TOO_LARGE', `${file}: larger than ${limitKey(maxBytes)} once decompressed (the limit counts the gunzipped content)`, {
    hints: [TOO_LARGE_HINT],
  });
}

function decompressionBomb(file: string, at: number, window: number, compressed: number, maxRatio: number): InfracastError {
  const ratio = compressed === 0 ? 'without limit' : `${Math.round(window / compressed)} times`;
  return new InfracastError(
    'FINDINGS_DECOMPRESSION_BOMB',
    `${file}: gzip data inflating ${ratio} (${megabytes(window)} from ${compressed} bytes, before byte ${at} of the decompressed content): a decompression bomb, not an export (findings exports inflate less than 30 times; the limit is ${maxRatio})`,
    {
      hints: [
        'Check where the file came from. If it is a genuine export, decompress it (gunzip) and import the plain file, which only findings.max_file_size_mb limits.',
      ],
    },
  );
}

export const ENCODING_HINT =
  'Export or save the file as UTF-8 (UTF-16 is read too). A file in a legacy encoding can be converted, e.g. `iconv -f WINDOWS-1252 -t UTF-8 in.csv > out.csv`; Infracast never guesses, which would change finding text and ids.';

/** An encoding problem in words (validate's diagnostic and ingest's error say the same). */
export function describeEncodingError(error: EncodingError, gzip: boolean): string {
  return gzip ? `${error.message} (offsets count the decompressed content)` : error.message;
}

/** An encoding problem of the content, as the error the user sees. */
export function encodingError(file: string, gzip: boolean, error: EncodingError | string): InfracastError {
  const what = typeof error === 'string' ? error : describeEncodingError(error, gzip);
  return new InfracastError('FINDINGS_ENCODING', `${file}: ${what}`, { hints: [ENCODING_HINT] });
}

/** The file's bytes, gunzipped when `gzip`, with the count of file bytes consumed so far (zlib's, for gzip: what it has inflated). */
function decompressed(file: string, gzip: boolean, chunkBytes: number): { stream: AsyncIterable<Buffer>; consumed: () => number } {
  const raw = createReadStream(file, { highWaterMark: chunkBytes });
  if (!gzip) return { stream: raw, consumed: () => raw.bytesRead };
  const gunzip = createGunzip({ chunkSize: chunkBytes });
  // Destroying the gunzip stream (a limit crossed, the reader gone) closes the file too.
  pipeline(raw, gunzip, () => {});
  return { stream: gunzip, consumed: () => gunzip.bytesWritten };
}

/** The decoded content as a stream, checked against the limits and its encoding as it goes. */
export function openDecoded(file: string, options: DecodeOptions): AsyncIterable<Buffer> {
  const { stream, consumed } = decompressed(file, options.gzip, options.chunkBytes ?? MB);
  const limited = withinLimits(stream, file, options, consumed);
  const encoding = options.encoding ?? 'utf-8';
  const text = encoding === 'utf-8' ? checkUtf8(limited) : utf16ToUtf8(limited, encoding);
  return withEncodingErrors(text, file, options.gzip);
}

async function* withinLimits(chunks: AsyncIterable<Buffer>, file: string, options: DecodeOptions, consumed: () => number): AsyncGenerator<Buffer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_MB * MB;
  const maxRatio = options.maxRatio ?? MAX_GZIP_RATIO;
  const ratioWindow = options.ratioWindow ?? GZIP_RATIO_WINDOW;
  let total = 0;
  let windowStart = 0;
  let consumedAtWindowStart = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > maxBytes) throw decodedTooLarge(file, maxBytes);
    if (options.gzip && total - windowStart >= ratioWindow) {
      const compressed = consumed() - consumedAtWindowStart;
      if (total - windowStart > maxRatio * compressed) throw decompressionBomb(file, total, total - windowStart, compressed, maxRatio);
      windowStart = total;
      consumedAtWindowStart += compressed;
    }
    yield chunk;
  }
}

async function* withEncodingErrors(chunks: AsyncIterable<Buffer>, file: string, gzip: boolean): AsyncGenerator<Buffer> {
  try {
    yield* chunks;
  } catch (error) {
    throw error instanceof EncodingError ? encodingError(file, gzip, error) : error;
  }
}

/** Whether an error reading a gzip file means its data is broken (zlib's Z_DATA_ERROR, Z_BUF_ERROR, a truncated stream...). */
export function isGzipDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    (typeof code === 'string' && code.startsWith('Z_')) || /unexpected end of file|incorrect header check/i.test((error as Error | undefined)?.message ?? '')
  );
}

/** The first `limit` bytes of a stream (fewer when it is shorter); the stream is closed after. */
export async function readHead(stream: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  const iterator = stream[Symbol.asyncIterator]();
  try {
    while (size < limit) {
      const { value, done } = await iterator.next();
      if (done) break;
      parts.push(value);
      size += value.length;
    }
  } finally {
    await iterator.return?.();
  }
  return Buffer.concat(parts).subarray(0, limit);
}

/**
 * Whether a file is gzip, its size on disk (held to `maxBytes` before anything is read), its
 * encoding and its first `limit` decoded bytes, with one open for a plain file (the common case:
 * validate sniffs every findings file of a workspace, and streams cost start-up time). Throws
 * FINDINGS_TOO_LARGE and FINDINGS_ENCODING (UTF-32); the head itself is not checked for UTF-8
 * (detection reads what it can; the full read checks).
 */
export async function readDecodedHead(file: string, limit: number, maxBytes = DEFAULT_MAX_FILE_MB * MB): Promise<DecodedHead> {
  const handle = await openFile(file, 'r');
  let bytes: Buffer;
  let size: number;
  try {
    size = (await handle.stat()).size;
    if (size > maxBytes) throw fileTooLarge(file, size, maxBytes);
    const buffer = Buffer.alloc(limit);
    const { bytesRead } = await handle.read(buffer, 0, limit, 0);
    bytes = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const gzip = bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
  // The head of a gzip file is read unchecked: its encoding is not known yet, and a head is far below every limit.
  const head = gzip ? await readHead(decompressed(file, true, limit).stream, limit) : bytes;
  const sniffed = sniffEncoding(head);
  if ('unsupported' in sniffed) throw encodingError(file, gzip, `${sniffed.unsupported}, which Infracast does not read`);
  const encoding = sniffed.encoding;
  return { gzip, size, encoding, head: encoding === 'utf-8' ? head : utf16HeadToUtf8(head, encoding) };
}
