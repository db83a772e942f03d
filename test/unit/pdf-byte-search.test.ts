/**
 * The verifier reads a PDF by byte searches and small slices instead of one Latin-1 string of the
 * whole file (issue 13, verify speed). These helpers must find exactly what the patterns they replace
 * found over that string: compared on crafted and on random inputs (long white-space runs included,
 * to cross the window PdfFile.execAt reads first).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PdfFile } from '../../src/signing/pdf-revisions.js';
import { byteRangePositions, valueReferences } from '../../src/signing/pdf-search.js';

const fileOf = (text: string): PdfFile => new PdfFile(new Uint8Array(Buffer.from(text, 'latin1')));
/** The pattern fieldName used over the whole text. */
const referencePattern = (num: number): RegExp => new RegExp(`/V[ \\t\\r\\n\\f\\0]*${num}[ \\t\\r\\n\\f\\0]+\\d{1,5}[ \\t\\r\\n\\f\\0]+R\\b`, 'g');
const expected = (text: string, num: number): number[] => [...text.matchAll(referencePattern(num))].map((m) => m.index);

/** A deterministic pseudo-random sequence (the same inputs on every run). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

describe('valueReferences: the /V references of an object, as the whole-text pattern found them', () => {
  const crafted: [string, number][] = [
    ['/V 12 0 R', 12],
    ['<< /V12 0 R >>', 12],
    ['/V\0\n12\t0\fR/T (x)', 12],
    ['/V 123 0 R', 12],
    ['/V 12 000000 R', 12],
    ['/V 12 00000 R', 12],
    ['/V 12 0 RR', 12],
    ['/V 12 0 R_', 12],
    ['/V 12 0 R9', 12],
    ['/VV 12 0 R /V 12 0 R', 12],
    ['/V 12 0R', 12],
    ['/V 12\xa00 R', 12],
    ['/V 112 0 R /V 12 0 R', 12],
    ['/V /V 12 0 R', 12],
    ['', 1],
  ];
  for (const [text, num] of crafted) it(JSON.stringify(text), () => assert.deepEqual([...valueReferences(fileOf(text), num)], expected(text, num)));

  // Object 12 is found from each "/V", object 60933 from each occurrence of its digits.
  for (const num of [12, 60933])
    it(`object ${num}, on 3,000 random texts made of the pattern’s pieces`, () => {
      const next = random(num);
      const pieces = ['/V', '/', 'V', ' ', '\n', '\r', '\0', '\f', '\t', '\xa0', '1', '2', '0', '12', String(num), '6093', '99999', 'R', 'x', '_', ' 0 R'];
      for (let n = 0; n < 3000; n++) {
        let text = '';
        const length = Math.floor(next() * 30);
        for (let k = 0; k < length; k++) text += pieces[Math.floor(next() * pieces.length)];
        assert.deepEqual([...valueReferences(fileOf(text), num)], expected(text, num), JSON.stringify(text));
      }
    });
  it('object 60933 in crafted texts', () => {
    for (const text of ['/V 60933 0 R', '/V160933 0 R', '/V 609330 0 R', '/V\n\n60933\n0\nR', '60933 0 R /V 60933 0 R', '/V /V60933 1 R'])
      assert.deepEqual([...valueReferences(fileOf(text), 60933)], expected(text, 60933), JSON.stringify(text));
  });
});

describe('byteRangePositions: every /ByteRange, as /\\/ByteRange/g found it', () => {
  it('on crafted and 3,000 random texts', () => {
    const expectedPositions = (text: string): number[] => [...text.matchAll(/\/ByteRange/g)].map((m) => m.index);
    for (const text of ['/ByteRange', 'ByteRange /ByteRange', '//ByteRange/ByteRange', '/ByteRa', '/ByteRangeX', 'ByteRa/ByteRange', ''])
      assert.deepEqual(byteRangePositions(fileOf(text)), expectedPositions(text), JSON.stringify(text));
    const next = random(3);
    const pieces = ['/', 'B', 'ByteRa', 'nge', '/ByteRange', 'ByteRange', 'yte', 'Ra', ' ', 'x'];
    for (let n = 0; n < 3000; n++) {
      let text = '';
      const length = Math.floor(next() * 20);
      for (let k = 0; k < length; k++) text += pieces[Math.floor(next() * pieces.length)];
      assert.deepEqual(byteRangePositions(fileOf(text)), expectedPositions(text), JSON.stringify(text));
    }
  });
});

describe('PdfFile.execAt: a sticky pattern at an offset, as over the whole text', () => {
  const BYTE_RANGE = /\/ByteRange\s*\[\s*(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s*\]/y;
  const HEADER = /[ \t\r\n\f\0]*(\d{1,10})[ \t\r\n\f\0]+(\d{1,10})[ \t\r\n\f\0]*?(\r\n|\n|\r| )/y;
  const overText = (pattern: RegExp, text: string, at: number): string | undefined => {
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    return m ? `${m.index}:${m[0].length}:${m.slice(1).join(',')}` : undefined;
  };
  const viaFile = (pattern: RegExp, text: string, at: number): string | undefined => {
    const m = fileOf(text).execAt(pattern, at);
    return m ? `${m.index}:${m[0].length}:${m.slice(1).join(',')}` : undefined;
  };

  it('finds the same match, or none, with white-space runs shorter and longer than its window', () => {
    const next = random(11);
    const spaces = (n: number): string => ' \n\r\t'.repeat(Math.ceil(n / 4)).slice(0, n);
    let compared = 0;
    for (let n = 0; n < 400; n++) {
      const run = (): string => spaces(next() < 0.2 ? 4000 + Math.floor(next() * 9000) : Math.floor(next() * 4));
      const numbers = Array.from({ length: 4 }, () => String(Math.floor(next() * 1e6)));
      const prefix = 'x'.repeat(Math.floor(next() * 50));
      const body = `/ByteRange${run()}[${run()}${numbers.join(run() || ' ')}${run()}]${next() < 0.5 ? '' : ' /Contents <00>'}`;
      const text = prefix + body;
      assert.equal(viaFile(BYTE_RANGE, text, prefix.length), overText(BYTE_RANGE, text, prefix.length), `case ${n}`);
      const header = `${prefix}${run()}${numbers[0]}${run() || ' '}${numbers[1]}${next() < 0.5 ? run() : ''}${next() < 0.5 ? '\r\n' : ''}0000000000 65535 f\r\n`;
      assert.equal(viaFile(HEADER, header, prefix.length), overText(HEADER, header, prefix.length), `header case ${n}`);
      compared += 2;
    }
    assert.equal(compared, 800);
  });
});
