/**
 * The verifier's PDF object reader (src/signing/pdf-objects.ts) on the syntax of ISO 32000-2 section
 * 7.3, checked against pdf-lib's own writer where one exists: what pdf-lib writes, we read back the same.
 */
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import type { PdfString } from '../../src/signing/pdf-objects.js';
import { decodeStream, parseObjectAt, pdfDate, PdfDict, PdfName, PdfRef, PdfStream, PdfSyntaxError, sameValue } from '../../src/signing/pdf-objects.js';

const parse = (text: string, at = 0) => parseObjectAt(Buffer.from(text, 'latin1'), at);

describe('PDF object reader', () => {
  it('reads every basic type, references and nesting', () => {
    const value = parse('<< /A 1 /B -2.5 /C true /D null /E /Na#6de /F [1 0 R 2 (x)] /G << /H 12 0 R >> /I .5 >>');
    assert.ok(value instanceof PdfDict);
    assert.equal(value.get('A'), 1);
    assert.equal(value.get('B'), -2.5);
    assert.equal(value.get('C'), true);
    assert.equal(value.get('D'), null);
    assert.equal(value.name('E'), 'Name', '#xx escapes in names');
    const array = value.get('F') as unknown[];
    assert.ok(array[0] instanceof PdfRef && array[0].num === 1 && array[0].gen === 0);
    assert.equal(array[1], 2, 'a number followed by a string is not a reference');
    assert.equal((array[2] as PdfString).text(), 'x');
    assert.ok((value.get('G') as PdfDict).get('H') instanceof PdfRef);
    assert.equal(value.get('I'), 0.5);
  });

  it('decodes literal and hexadecimal strings, with escapes, nesting, odd digits and UTF-16BE', () => {
    assert.equal((parse(String.raw`(a\(b\)c (nested) \101\n\\)`) as PdfString).text(), 'a(b)c (nested) A\n\\');
    assert.equal((parse('(line\\\ncontinued)') as PdfString).text(), 'linecontinued', 'a backslash before an end-of-line joins lines');
    assert.deepEqual([...(parse('<41 42 4>') as PdfString).bytes], [0x41, 0x42, 0x40], 'whitespace ignored, odd digit padded with 0');
    assert.equal((parse('<FEFF00E9>') as PdfString).text(), 'é');
    assert.ok(sameValue(parse('(AB)'), parse('<4142>')), 'the same bytes are the same string, however written');
    assert.throws(() => parse('<41zz>'), PdfSyntaxError);
  });

  it('reads streams by a direct /Length, else up to endstream; decodes Flate with the PNG Up predictor', () => {
    const data = Buffer.from([2, 1, 2, 3, 2, 1, 1, 1]); // two rows of 3 columns, filter type 2 (Up)
    const deflated = deflateSync(data);
    const text = `<< /Length ${deflated.length} /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 3 >> >>\nstream\n`;
    const bytes = Buffer.concat([Buffer.from(text, 'latin1'), deflated, Buffer.from('\nendstream', 'latin1')]);
    const stream = parseObjectAt(bytes, 0);
    assert.ok(stream instanceof PdfStream);
    assert.deepEqual([...decodeStream(stream)], [1, 2, 3, 2, 3, 4]);
    const indirect = parse('<< /Length 9 0 R >>\nstream\r\nabc\r\nendstream');
    assert.equal(Buffer.from((indirect as PdfStream).raw).toString('latin1'), 'abc');
  });

  it('compares dictionaries whatever their key order; reads what pdf-lib writes', async () => {
    assert.ok(sameValue(parse('<< /A 1 /B [/X] >>'), parse('<</B[/X]/A 1>>')));
    assert.ok(!sameValue(parse('<< /A 1 >>'), parse('<< /A 1 /B 2 >>')));
    const lib = await import('@cantoo/pdf-lib');
    const context = lib.PDFContext.create();
    const dict = context.obj({
      Type: 'Sig',
      M: lib.PDFString.fromDate(new Date('2026-01-15T10:05:00Z')),
      Rect: [0, 0, 0, 0],
      T: lib.PDFHexString.fromText('Zoë'),
    });
    const read = parse(dict.toString()) as PdfDict;
    assert.equal(read.name('Type'), 'Sig');
    assert.equal(read.text('T'), 'Zoë');
    assert.equal(pdfDate(read.text('M')!)?.toISOString(), '2026-01-15T10:05:00.000Z');
    assert.ok(read.get('Rect') !== undefined && !(read.get('Rect') instanceof PdfName));
  });

  it('reads PDF dates with offsets, and refuses what is not one', () => {
    assert.equal(pdfDate("D:20260115120500+02'00'")?.toISOString(), '2026-01-15T10:05:00.000Z');
    assert.equal(pdfDate('D:2026')?.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(pdfDate('yesterday'), undefined);
  });

  it('fails on what is not PDF syntax, and on nesting deeper than 100', () => {
    assert.throws(() => parse('<< /A >>'), PdfSyntaxError);
    assert.throws(() => parse('<< 1 2 >>'), PdfSyntaxError);
    assert.throws(() => parse('['.repeat(200)), PdfSyntaxError);
    assert.throws(() => parse('(unterminated'), PdfSyntaxError);
  });
});
