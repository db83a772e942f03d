/** Findings files' encodings (io/text-encoding.ts): UTF-8 checked with the offset, UTF-16 decoded, UTF-32 named. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EncodingError, checkUtf8, firstInvalidUtf8, sniffEncoding, utf16HeadToUtf8, utf16ToUtf8 } from '../../src/io/text-encoding.js';

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Every kind of UTF-8 sequence: 1 to 4 bytes, the edges of the ranges E0, ED, F0 and F4 restrict. */
const VALID = 'a\u00e9\u07ff\u0800\ud7ff\ue000\uffef\u{10000}\u{10ffff}"✓💥 é\n';

describe('UTF-8: checked on the way, the first invalid sequence located', () => {
  for (const size of [1, 2, 3, 5, 7, 1024]) {
    it(`valid text passes unchanged in chunks of ${size}`, async () => {
      const bytes = Buffer.from(VALID.repeat(3), 'utf8');
      assert.deepEqual(await collect(checkUtf8(chunksOf(bytes, size))), bytes);
    });
  }

  /** Each ill-formed sequence (Unicode table 3-7) after 10 valid bytes: the offset is 10 whatever the chunking. */
  const INVALID: [string, number[]][] = [
    ['a Latin-1 é before a space', [0xe9, 0x20]],
    ['a lone continuation byte', [0x80]],
    ['an overlong encoding (C0 80)', [0xc0, 0x80]],
    ['an overlong three-byte form (E0 80 80)', [0xe0, 0x80, 0x80]],
    ['a UTF-16 surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
    ['past U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
    ['F5 and above', [0xf5, 0x80, 0x80, 0x80]],
    ['a truncated sequence before ASCII', [0xe2, 0x9c, 0x41]],
  ];
  for (const [name, bad] of INVALID) {
    it(`${name}: byte offset 10 in every chunking`, async () => {
      const bytes = Buffer.concat([Buffer.from('0123456789'), Buffer.from(bad), Buffer.from(' and more text')]);
      for (const size of [1, 2, 3, 4, 11, 64]) {
        await assert.rejects(collect(checkUtf8(chunksOf(bytes, size))), (error: unknown) => {
          assert.ok(error instanceof EncodingError);
          assert.equal(error.offset, 10, `chunks of ${size}`);
          assert.match(error.message, /^not valid UTF-8 at byte offset 10 \(bytes [0-9A-F ]+ after "0123456789"\)$/);
          return true;
        });
      }
    });
  }
  it('content that ends inside a character is invalid at that character', async () => {
    const bytes = Buffer.concat([Buffer.from('abc'), Buffer.from([0xf0, 0x9f, 0x92])]);
    await assert.rejects(
      collect(checkUtf8(chunksOf(bytes, 2))),
      (e: unknown) => e instanceof EncodingError && e.offset === 3 && /ends inside a character/.test(e.message),
    );
  });
  it('firstInvalidUtf8 does not judge a sequence cut by the end unless told it is the end', () => {
    const cut = Buffer.from([0x41, 0xe2, 0x9c]);
    assert.equal(firstInvalidUtf8(cut, 0, false), -1);
    assert.equal(firstInvalidUtf8(cut, 0, true), 1);
  });
});

describe('UTF-16: named by its BOM or its NUL pattern, decoded to UTF-8', () => {
  const text = '{"Findings": [{"Title": "Caf\u00e9 ✓ 💥"}]}\n';
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.from(le).swap16();
  const BOM_LE = Buffer.from([0xff, 0xfe]);
  const BOM_BE = Buffer.from([0xfe, 0xff]);

  it('sniffs the BOMs, the NUL patterns, UTF-32 and plain UTF-8', () => {
    assert.deepEqual(sniffEncoding(Buffer.concat([BOM_LE, le])), { encoding: 'utf-16le', by: 'bom' });
    assert.deepEqual(sniffEncoding(Buffer.concat([BOM_BE, be])), { encoding: 'utf-16be', by: 'bom' });
    assert.deepEqual(sniffEncoding(le), { encoding: 'utf-16le', by: 'nul-pattern' });
    assert.deepEqual(sniffEncoding(be), { encoding: 'utf-16be', by: 'nul-pattern' });
    assert.deepEqual(sniffEncoding(Buffer.from([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0])), { unsupported: 'UTF-32LE (byte order mark FF FE 00 00)' });
    assert.deepEqual(sniffEncoding(Buffer.from([0, 0, 0xfe, 0xff, 0, 0, 0, 0x7b])), { unsupported: 'UTF-32BE (byte order mark 00 00 FE FF)' });
    assert.deepEqual(sniffEncoding(Buffer.from(text, 'utf8')), { encoding: 'utf-8', by: 'default' });
    // NUL bytes later in a UTF-8 file (a sparse file, a NUL in a string) are not a pattern.
    assert.deepEqual(sniffEncoding(Buffer.concat([Buffer.from('[{"a":"'), Buffer.alloc(100)])), { encoding: 'utf-8', by: 'default' });
  });

  for (const size of [1, 3, 4, 7, 4096]) {
    it(`decodes both byte orders in chunks of ${size} (surrogate pairs split across chunks)`, async () => {
      assert.equal((await collect(utf16ToUtf8(chunksOf(Buffer.concat([BOM_LE, le]), size), 'utf-16le'))).toString('utf8'), text);
      assert.equal((await collect(utf16ToUtf8(chunksOf(Buffer.concat([BOM_BE, be]), size), 'utf-16be'))).toString('utf8'), text);
      assert.equal((await collect(utf16ToUtf8(chunksOf(le, size), 'utf-16le'))).toString('utf8'), text);
    });
  }
  it('an unpaired surrogate is an EncodingError at its byte offset', async () => {
    const bad = Buffer.concat([Buffer.from('ab', 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from('cd', 'utf16le')]);
    for (const size of [1, 2, 3, 64]) {
      await assert.rejects(
        collect(utf16ToUtf8(chunksOf(bad, size), 'utf-16le')),
        (e: unknown) => e instanceof EncodingError && e.offset === 4,
        `chunks of ${size}`,
      );
    }
  });
  it('an odd number of bytes ends inside a character', async () => {
    await assert.rejects(collect(utf16ToUtf8(chunksOf(Buffer.concat([le, Buffer.from([0x41])]), 5), 'utf-16le')), /ends inside a character/);
  });
  it('a head cut inside a character is decoded as far as it goes (detection only)', () => {
    const head = Buffer.concat([BOM_LE, le]).subarray(0, 2 + 2 * text.indexOf('💥') + 2);
    assert.equal(utf16HeadToUtf8(head, 'utf-16le').toString('utf8'), text.slice(0, text.indexOf('💥')));
  });
});
