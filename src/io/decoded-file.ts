/**
 * Findings files as the loaders read them: decoded (gunzipped when the first bytes are the gzip
 * magic, whatever the file's name) and streamed; the head alone for format detection, which both
 * ingest and validate's sniffing read.
 */
import { createReadStream } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

const GZIP_MAGIC = [0x1f, 0x8b];

export async function isGzip(file: string): Promise<boolean> {
  const handle = await openFile(file, 'r');
  try {
    const buffer = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buffer, 0, 2, 0);
    return bytesRead === 2 && buffer[0] === GZIP_MAGIC[0] && buffer[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/** The decoded content as a stream, read `chunkBytes` at a time (1 MiB: large exports stream fast). */
export function openDecoded(file: string, gzip: boolean, chunkBytes = 1024 * 1024): AsyncIterable<Buffer> {
  const raw = createReadStream(file, { highWaterMark: chunkBytes });
  if (!gzip) return raw;
  const gunzip = createGunzip({ chunkSize: chunkBytes });
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
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
 * Whether a file is gzip and its first `limit` decoded bytes, with one open for a plain file (the
 * common case: validate sniffs every findings file of a workspace, and streams cost start-up time).
 */
export async function readDecodedHead(file: string, limit: number): Promise<{ gzip: boolean; head: Buffer }> {
  const handle = await openFile(file, 'r');
  let bytes: Buffer;
  try {
    const buffer = Buffer.alloc(limit);
    const { bytesRead } = await handle.read(buffer, 0, limit, 0);
    bytes = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const gzip = bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
  if (!gzip) return { gzip, head: bytes };
  return { gzip, head: await readHead(openDecoded(file, true, limit), limit) };
}
