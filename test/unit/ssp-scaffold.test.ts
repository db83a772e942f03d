import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stubOf } from '../../src/app/ssp-scaffold.js';
import { getCatalog, lookupControl } from '../../src/catalogs/index.js';

describe('the catalog facts a stub is made of (scripts/build-catalogs.js)', () => {
  it('SP 800-53 parts are the statement items: AC-2 a to l, AC-3 none', () => {
    assert.deepEqual(lookupControl('nist-800-53', 'AC-2')?.parts, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l']);
    assert.equal(lookupControl('nist-800-53', 'AC-3')?.parts, undefined);
  });

  it('baseline parameters carry the 5.1 ids and a short label, or a selection; aggregates are left out', () => {
    const params = lookupControl('nist-800-53', 'AC-1')?.params ?? [];
    assert.deepEqual(
      params.map((p) => p.id),
      ['ac-01_odp.01', 'ac-01_odp.02', 'ac-01_odp.03', 'ac-01_odp.04', 'ac-01_odp.05', 'ac-01_odp.06', 'ac-01_odp.07', 'ac-01_odp.08'],
    );
    assert.deepEqual(params[2], { id: 'ac-01_odp.03', select: 'one-or-more' });
    assert.deepEqual(params[3], { id: 'ac-01_odp.04', label: 'official' });
    // AC-2(7) is in FedRAMP's baselines, not NIST's: its parameters come from FedRAMP's resolved catalog.
    assert.deepEqual(lookupControl('nist-800-53', 'AC-2(7)')?.params, [{ id: 'ac-02.07_odp', select: 'one' }]);
    // Every FedRAMP High control is covered.
    for (const control of getCatalog('fedramp-high').controls) assert.ok(lookupControl('nist-800-53', control.id), control.id);
  });
});

describe('stubOf', () => {
  it("fills FedRAMP's assignments, asks for the rest, one TODO per part, planned with a date and a TODO remark", () => {
    const control = getCatalog('fedramp-moderate').controls.find((c) => c.id === 'AC-2')!;
    const stub = stubOf('nist-800-53', control, lookupControl('nist-800-53', 'AC-2'), control.parameters ?? {}, '2027-12-06');
    assert.equal(stub.status, 'planned');
    assert.equal(stub.planned_completion_date, '2027-12-06');
    assert.match(String(stub.remarks), /^TODO: /);
    const parameters = stub.parameters as Record<string, string>;
    assert.equal(parameters['ac-02_odp.06'], 'twenty-four (24) hours');
    assert.equal(parameters['ac-02_odp.01'], 'TODO: prerequisites and criteria');
    assert.deepEqual(Object.values(stub.parts as Record<string, string>), Array(12).fill('TODO'));
    const partless = stubOf('nist-800-53', control, lookupControl('nist-800-53', 'AC-3'), {}, '2027-12-06');
    assert.equal(partless.statement, 'TODO');
    assert.equal(partless.parts, undefined);
  });
});
