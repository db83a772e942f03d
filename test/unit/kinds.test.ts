import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferKind } from '../../src/schema/kinds.js';

describe('inferKind: the documented rule (src/schema/kinds.ts)', () => {
  it('1. kind: decides when present', () => {
    assert.deepEqual(inferKind({ kind: 'Document', type: 'framework' })?.kind, 'Document');
    assert.equal(inferKind({ kind: 'Report', type: 'poam', options: { month: '2024-03' } })?.kind, 'Report');
    assert.equal(inferKind({ kind: 'Repot' }), undefined, 'unknown kinds are reported by the caller');
    assert.equal(inferKind({ kind: 'Config' }), undefined, 'Config is only infracast.yaml');
  });
  it('2. a kind folder decides next', () => {
    assert.equal(inferKind({ id: 'x' }, 'Attestation')?.kind, 'Attestation');
    assert.match(inferKind({ id: 'x' }, 'Attestation')?.reason ?? '', /attestations\/ folder/);
  });
  it('3. frequency makes a Schedule (the spec schedule body)', () => {
    assert.equal(inferKind({ name: 'w', type: 'executive', frequency: 'weekly' })?.kind, 'Schedule');
  });
  it('4. document-only types and report_subtype make a Document; report-only types a Report', () => {
    for (const type of ['ssp', 'sar', 'architecture-diagram', 'far-dfars-compliance']) assert.equal(inferKind({ type })?.kind, 'Document', type);
    assert.equal(inferKind({ report_subtype: 'far-52204-21' })?.kind, 'Document');
    for (const type of ['framework', 'executive', 'gap', 'remediation', 'evidence']) assert.equal(inferKind({ type })?.kind, 'Report', type);
  });
  it('5. type poam: document-only options make a Document, else a Report', () => {
    for (const option of ['month', 'include_closed', 'include_risk_accepted']) {
      const decision = inferKind({ type: 'poam', options: { [option]: true } });
      assert.equal(decision?.kind, 'Document', option);
      assert.match(decision?.reason ?? '', new RegExp(option));
    }
    assert.equal(inferKind({ type: 'poam', options: { title: 'x' } })?.kind, 'Report');
    assert.equal(inferKind({ type: 'poam' })?.kind, 'Report');
  });
  it('6. anything else is read as a Report', () => {
    assert.equal(inferKind({})?.kind, 'Report');
    assert.equal(inferKind({ type: 'nonsense' })?.kind, 'Report');
    assert.equal(inferKind('a string')?.kind, 'Report');
  });
});
