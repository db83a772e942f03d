/** evaluation.md section 2: one canonical id per framework, the variants of real data accepted. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalControlId, compareControlIds, controlSortKey } from '../../src/model/control-ids.js';

describe('control ids (evaluation.md section 2)', () => {
  const cases: [string, string, string | undefined][] = [
    ['nist-800-53', 'AC-2(4)', 'AC-2(4)'],
    ['nist-800-53', 'ac-2.4', 'AC-2(4)'],
    ['nist-800-53', 'AC-02 (04)', 'AC-2(4)'],
    ['nist-800-53', 'ac_2_4', 'AC-2(4)'],
    ['nist-800-53', 'NIST.800-53.r5 AC-2(4)', 'AC-2(4)'],
    ['nist-800-53', 'NIST.800-53.r5 SI-2', 'SI-2'],
    ['nist-800-53', 'ac-2', 'AC-2'],
    ['nist-800-53', 'AC-2 (12)', 'AC-2(12)'],
    ['fedramp-moderate', 'IA-2(1)', 'IA-2(1)'],
    ['nist-800-53', 'AC', undefined],
    ['nist-800-53', '3.1.1', undefined],
    ['nist-800-171', '3.1.1', '3.1.1'],
    ['nist-800-171', '3_13_11', '3.13.11'],
    ['nist-800-171', 'NIST SP 800-171r2 3.5.3', '3.5.3'],
    ['nist-800-171', '03.01.01', '3.1.1'],
    ['nist-800-171', 'AC-2', undefined],
    ['nist-800-171-r3', '03.01.01', '03.01.01'],
    ['cmmc-l2', 'AC.L2-3.1.1', 'AC.L2-3.1.1'],
    ['cmmc-l2', 'ia.l2-3_5_3', 'IA.L2-3.5.3'],
    ['cmmc-l1', 'AC.L1-b.1.i', 'AC.L1-b.1.i'],
    ['far-52204-21', '52.204-21(b)(1)(xv)', 'b.1.xv'],
    ['far-52204-21', '(b)(1)(iii)', 'b.1.iii'],
    ['far-52204-21', 'b.1.i', 'b.1.i'],
    ['far-52204-21', 'b.1.xvi', undefined],
    ['soc2', ' CC6.1 ', 'CC6.1'],
  ];
  for (const [framework, raw, expected] of cases) {
    it(`${framework}: ${JSON.stringify(raw)} -> ${String(expected)}`, () => assert.equal(canonicalControlId(framework, raw), expected));
  }
  it('sorts ids as catalogs print them', () => {
    const ids = ['AC-3', 'AC-2(10)', 'AC-2', 'AC-2(1)', 'AC-10'];
    assert.deepEqual(
      [...ids].sort((a, b) => (controlSortKey(a) < controlSortKey(b) ? -1 : 1)),
      ['AC-2', 'AC-2(1)', 'AC-2(10)', 'AC-3', 'AC-10'],
    );
  });
  it('compares ids numerically, part by part (3.1 < 3.2 < 3.10; AC-2 < AC-10)', () => {
    assert.deepEqual(['3.10.1', '3.1.10', '3.2.1', '3.1.2', '3.1.1'].sort(compareControlIds), ['3.1.1', '3.1.2', '3.1.10', '3.2.1', '3.10.1']);
    assert.deepEqual(['AC-10', 'AC-2(1)', 'AC-2', 'AU-2', 'AC-11'].sort(compareControlIds), ['AC-2', 'AC-2(1)', 'AC-10', 'AC-11', 'AU-2']);
    // Code units would put 3.1.10 before 3.1.2: the comparator must not.
    assert.ok(compareControlIds('3.1.2', '3.1.10') < 0);
    assert.equal(compareControlIds('3.1.1', '3.1.1'), 0);
  });
});
