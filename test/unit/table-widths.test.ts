/** DOCX column widths (src/renderers/docx.ts columnWidths): short values stay on one line, sentences get the room. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { columnWidths } from '../../src/renderers/docx.js';

const TOTAL = 9360;
const CHAR = 125;

describe('DOCX column widths', () => {
  it('keeps a column of short values on one line and gives a column of reasons more room than one of titles', () => {
    const reason = 'open FAIL findings of 3 rules: IAM.2 (2 resources), iam_password_policy (1 resource); 8 findings hidden by the severity filter (LOW)';
    const rows = [
      ['Control', 'Title', 'Status', 'Why'],
      ...Array.from({ length: 20 }, (_, i) => [
        `AC-${i + 1}`,
        `Automated Temporary and Emergency Account Management ${i}`,
        i % 2 ? 'Not assessed' : 'Failing',
        `${i} ${reason}`,
      ]),
    ];
    const [control, title, status, why] = columnWidths(rows, TOTAL);
    assert.equal(control! + title! + status! + why!, TOTAL);
    assert.ok(status! >= 'Not assessed'.length * CHAR, `status ${status}`);
    assert.ok(why! > title!, `why ${why} > title ${title}`);
  });

  it('one long cell does not take the width of a column whose other cells are short', () => {
    const rows = [
      ['Measure', 'Value'],
      ...Array.from({ length: 10 }, (_, i) => [`Measure number ${i} of the summary table`, String(i)]),
      ['Catalog', 'x'.repeat(5) + ' word'.repeat(20)],
    ];
    const [measure, value] = columnWidths(rows, TOTAL);
    assert.ok(measure! >= 'Measure number 0 of the summary table'.length * CHAR, `measure ${measure}`);
    assert.equal(measure! + value!, TOTAL);
  });
});
