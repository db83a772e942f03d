/** The action's job summary: cells escaped, and the validate table bounded (GitHub refuses a summary over 1 MiB). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cell, MAX_SUMMARY_ROWS, validateSummary } from '../../../src/action/job-summary.js';

describe('action job summary', () => {
  it('escapes what comes from the repository: pipes, HTML, newlines', () => {
    assert.equal(cell('a | b <script>&\nc\\'), 'a \\| b &lt;script>&amp; c\\\\');
  });
  it('lists at most MAX_SUMMARY_ROWS problems, and says how many more', () => {
    const row = { severity: 'error', file: 'reports/x.yaml', line: 1, col: 1, code: 'unknown-key', message: 'x'.repeat(2000) };
    const text = validateSummary(
      '.',
      Array.from({ length: MAX_SUMMARY_ROWS + 5 }, () => row),
      MAX_SUMMARY_ROWS + 5,
      0,
    );
    assert.equal(text.split('\n').filter((l) => l.startsWith('| error |')).length, MAX_SUMMARY_ROWS);
    assert.match(text, /…and 5 more/);
    assert.ok(Buffer.byteLength(text) < 1024 * 1024, `${Buffer.byteLength(text)} bytes`);
  });
});
