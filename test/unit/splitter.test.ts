import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedLines, splitLines } from '../../src/loaders/lines.js';
import { RecordTooLargeError } from '../../src/loaders/record-limit.js';
import { JsonArraySplitter, SplitError } from '../../src/loaders/splitter.js';

/** Splits `text` fed in chunks of `size` bytes; returns the parsed records. */
function split(text: string, size: number, keys: string[] = []): unknown[] {
  const bytes = Buffer.from(text, 'utf8');
  const splitter = new JsonArraySplitter({ keys });
  const out: unknown[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    for (const r of splitter.push(bytes.subarray(i, i + size))) out.push(JSON.parse(r.bytes.toString('utf8')));
  }
  splitter.end();
  return out;
}

const TRICKY = [
  { a: 'brackets ] } [ { inside', b: 'escaped \\" quote and \\\\ backslash', c: [1, [2, [3]], { d: '}' }] },
  { empty: {}, list: [], s: '', unicode: 'é ✓ 💥', n: -1.5e3, t: true, f: false, z: null },
  { s: '\\', q: '"', nested: { deeper: { deepest: ['"]"', '\\"'] } } },
];

describe('splitter: records of a top-level JSON array, byte by byte', () => {
  const text = `\uFEFF [\n  ${TRICKY.map((r) => JSON.stringify(r)).join(' ,\n\t')}\n ] \n`;
  for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
    it(`chunks of ${size} bytes`, () => assert.deepEqual(split(text, size), TRICKY));
  }
  it('the array under a key of a top-level object, with members before and after', () => {
    const doc = JSON.stringify({ tool: { name: 'x', list: [1, '[', { '}': ']' }] }, Findings: TRICKY, after: 'a"b' });
    for (const size of [1, 5, 4096]) assert.deepEqual(split(doc, size, ['Findings']), TRICKY);
  });
  it('reports the other top-level members', () => {
    const members: Record<string, unknown> = {};
    const splitter = new JsonArraySplitter({ keys: ['findings'], onMember: (k, v) => (members[k] = v) });
    splitter.push(Buffer.from(JSON.stringify({ generated_at: '2026-11-27T06:00:00Z', tool: { name: 'c' }, findings: [] })));
    splitter.end();
    assert.deepEqual(members, { generated_at: '2026-11-27T06:00:00Z', tool: { name: 'c' } });
  });
  it('an empty array has no records', () => assert.deepEqual(split('[ ]', 1), []));
  it('scalar records are records too (the loader rejects them)', () => assert.deepEqual(split('[1, "a,]", true, null]', 2), [1, 'a,]', true, null]));
  it('record numbers count from 1', () => {
    const records = new JsonArraySplitter().push(Buffer.from('[{"a":1},{"b":2}]'));
    assert.deepEqual(
      records.map((r) => r.record),
      [1, 2],
    );
  });
});

describe('splitter: broken documents are SplitErrors with the record number', () => {
  const fails = (text: string, pattern: RegExp, keys: string[] = []): void => {
    assert.throws(
      () => split(text, 3, keys),
      (error: unknown) => error instanceof SplitError && pattern.test(error.message),
    );
  };
  it('truncated inside a record', () => fails('[{"a":1},{"b":"xx', /ends inside record 2/));
  it('truncated between records', () => fails('[{"a":1},', /ends before/));
  it('truncated inside an escape at a chunk boundary', () => fails('[{"a":"\\', /ends inside record 1/));
  it('empty input', () => fails('', /empty/));
  it('not an array', () => fails('{"a":1}', /not a JSON array/));
  it('an object without the key', () => fails('{"other":[1]}', /no "Findings" array/, ['Findings']));
  it('a missing comma', () => fails('[{"a":1} {"b":2}]', /missing ","/));
  it('a trailing comma', () => fails('[{"a":1},]', /","/));
  it('data after the document', () => fails('[{"a":1}] x', /after the end/));
});

describe('splitter: JSON Lines', () => {
  it('yields non-blank lines with their line numbers, across chunks', async () => {
    async function* chunks(): AsyncGenerator<Buffer> {
      const text = Buffer.from('{"a":1}\n\n{"b":"x\\ny"}\r\n{"c":3}');
      for (let i = 0; i < text.length; i += 4) yield text.subarray(i, i + 4);
    }
    const out = [];
    for await (const r of splitLines(chunks())) out.push({ line: r.line, record: r.record, value: JSON.parse(r.bytes.toString('utf8')) });
    assert.deepEqual(out, [
      { line: 1, record: 1, value: { a: 1 } },
      { line: 3, record: 2, value: { b: 'x\ny' } },
      { line: 4, record: 3, value: { c: 3 } },
    ]);
  });
});

describe('splitter: a record past the limit stops the read (FINDINGS_RECORD_TOO_LARGE), named with its byte offset', () => {
  /** Feeds `text` in chunks of `size` to a splitter limited to `max` bytes per record; returns what it threw. */
  const thrown = (text: string, size: number, max: number, keys: string[] = []): unknown => {
    const bytes = Buffer.from(text, 'utf8');
    const splitter = new JsonArraySplitter({ keys, maxRecordBytes: max });
    try {
      for (let i = 0; i < bytes.length; i += size) splitter.push(bytes.subarray(i, i + size));
      splitter.end();
    } catch (error) {
      return error;
    }
    return undefined;
  };
  const big = `{"id":"${'x'.repeat(100)}"}`;
  for (const size of [1, 7, 64, 4096]) {
    it(`record 2 of an array, in chunks of ${size}`, () => {
      const error = thrown(`[{"a":1}, ${big}, {"b":2}]`, size, 64);
      assert.ok(error instanceof RecordTooLargeError, String(error));
      assert.equal(error.what, 'record 2');
      assert.equal(error.record, 2);
      assert.equal(error.offset, 10);
    });
  }
  it('a record of exactly the limit is fine; one byte more is not', () => {
    const record = `{"id":"${'x'.repeat(55)}"}`;
    assert.equal(Buffer.byteLength(record), 64);
    assert.equal(thrown(`[${record}]`, 5, 64), undefined);
    assert.ok(thrown(`[${record} ]`, 5, 63) instanceof RecordTooLargeError);
  });
  it('under a key of a top-level object (ASFF Findings)', () => {
    const error = thrown(`{"Findings": [${big}]}`, 3, 64, ['Findings']);
    assert.ok(error instanceof RecordTooLargeError && error.record === 1 && error.offset === 14);
  });
  it('a key of the top-level object that never ends', () => {
    const error = thrown(`{"${'k'.repeat(200)}": 1, "Findings": []}`, 16, 64, ['Findings']);
    assert.ok(error instanceof RecordTooLargeError && error.what === 'a key of the top-level object' && error.offset === 1);
  });
  it('a large member that is not a record is skipped, not held (Trivy metadata, an ASFF wrapper)', () => {
    assert.equal(thrown(`{"meta": "${'m'.repeat(5000)}", "Findings": [{"a":1}]}`, 7, 64, ['Findings']), undefined);
  });
  it('JSON Lines: a line past the limit, with its line number', async () => {
    async function* chunks(): AsyncGenerator<Buffer> {
      const text = Buffer.from(`{"a":1}\n\n${big}\n{"c":3}\n`);
      for (let i = 0; i < text.length; i += 5) yield text.subarray(i, i + 5);
    }
    const read: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const r of splitLines(chunks(), { maxRecordBytes: 64 })) read.push(r.record);
      })(),
      (error: unknown) => error instanceof RecordTooLargeError && error.what === 'line 3' && error.offset === 9 && error.record === 2,
    );
    assert.deepEqual(read, [1]);
  });
  it('boundedLines passes content on whole lines at a time, and refuses a line past the limit before passing it', async () => {
    async function* chunks(text: string, size: number): AsyncGenerator<Buffer> {
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    }
    const text = 'id,title\nf-1,"a, b"\n\nf-2,c';
    for (const size of [1, 4, 100]) {
      const passed: Buffer[] = [];
      for await (const piece of boundedLines(chunks(text, size), 64)) passed.push(piece);
      assert.equal(Buffer.concat(passed).toString(), text);
    }
    const passed: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const piece of boundedLines(chunks(`a,b\nc,d\n${'x'.repeat(100)}\n`, 8), 64)) passed.push(piece.toString());
      })(),
      (error: unknown) => error instanceof RecordTooLargeError && error.what === 'line 3' && error.offset === 8,
    );
    assert.equal(passed.join(''), 'a,b\nc,d\n', 'nothing of the long line was passed on');
  });
});
