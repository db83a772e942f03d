import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonArraySplitter, SplitError, splitLines } from '../../src/loaders/splitter.js';

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
