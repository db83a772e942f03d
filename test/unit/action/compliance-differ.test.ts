/** The real Differ's adaptation of the app's ComplianceDiff (src/action/compliance-differ.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prComparisonOf } from '../../../src/action/compliance-differ.js';
import { failOnFailures } from '../../../src/action/fail-on.js';
import type { ComplianceDiff } from '../../../src/app/diff/index.js';

const side = (score: number | null, sprs: number, level2: string) => ({
  name: 'NIST SP 800-171 Rev. 2',
  score,
  coverage: 0.9,
  sprs_score: sprs,
  sprs_status: 'complete',
  cmmc_level_1: 'final',
  cmmc_level_2: level2,
  cmmc_blocking: [],
});

const diff: ComplianceDiff = {
  format: 'infracast-diff/1',
  workspace: 'acme',
  base: { ref: 'b', commit: 'b' },
  head: { ref: 'h', commit: 'h' },
  at: '2026-12-01T00:00:00Z',
  changed: true,
  cui: { classified: true, comment_authorised: false },
  frameworks: [
    { framework: 'nist-800-171', base: side(0.8123, 80, 'conditional'), head: side(0.79, 75, 'no-status'), changed: true },
    { framework: 'nist-800-53', base: { name: 'NIST SP 800-53 Rev. 5', score: 0.612, coverage: 0.5 }, head: null, changed: true },
  ],
  controls: [
    {
      framework: 'nist-800-171',
      control: '3.11.2',
      title: 'Vulnerability scanning',
      base: { status: 'passing', reason: 'r' },
      head: { status: 'failing', reason: 'r' },
    },
  ],
  poam: {
    opening: [{ id: 'POAM-9', weakness: 'w', detector: 'd', rating: 'High', controls: ['RA-5', 'SI-2'], assets: [], scheduled_completion_date: '2027-01-30' }],
    closing: [],
  },
  statements: [],
  new_warnings: [],
};

describe('the real Differ adapter', () => {
  it('percent with one decimal, SPRS as is, CMMC Level 2 eligibility (final or conditional), POA&M openings by their controls', () => {
    const c = prComparisonOf(diff);
    assert.deepEqual(c.frameworks, [
      { framework: 'nist-800-171', before: 81.2, after: 79, sprs_before: 80, sprs_after: 75, coverage_before: 90, coverage_after: 90 },
      { framework: 'nist-800-53', before: 61.2, after: null, coverage_before: 50, coverage_after: null },
    ]);
    assert.deepEqual(c.cmmc, { before: 'conditional', after: 'no-status', eligible_before: true, eligible_after: false });
    assert.deepEqual([c.controls_changed, c.poam_closing, c.statements_changed, c.new_warnings, c.cui, c.comment_authorised], [1, 0, 0, 0, true, false]);
    assert.deepEqual(c.poam_opening, [{ control: 'RA-5, SI-2', risk: 'High', deadline: '2027-01-30' }]);
    assert.deepEqual(failOnFailures(['score-lowered', 'high-poam', 'cmmc-eligibility'], c), [
      'fail-on score-lowered: this pull request lowers nist-800-171 SPRS 80 -> 75; nist-800-53 61.2% -> n/a',
      'fail-on high-poam: this pull request would open 1 High or Critical POA&M item(s): RA-5, SI-2 (High, due 2027-01-30)',
      'fail-on cmmc-eligibility: this pull request loses CMMC eligibility (conditional -> no-status)',
    ]);
    assert.match(c.markdown({ maxChars: 65536, marker: '<!-- infracast:diff acme -->' }).body, /^<!-- infracast:diff acme -->\n/);
  });

  it('no CMMC figures on either side: no CMMC change', () => {
    assert.equal(prComparisonOf({ ...diff, frameworks: [diff.frameworks[1]!] }).cmmc, undefined);
  });
});
