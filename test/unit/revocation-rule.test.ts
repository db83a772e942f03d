import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { revocationProblem, revocationSummary, type CertificateRevocation } from '../../src/signing/revocation.js';

// The rule of src/signing/revocation.ts, case by case (the real responders are in test/tools/revocation.test.ts).
describe('revocation rule: the trusted signing time decides', () => {
  const T = new Date('2026-06-01T12:00:00Z');
  const before = new Date('2026-06-01T11:59:59Z');
  const after = new Date('2026-06-01T12:00:01Z');
  const trusted = { at: T, trusted: true };

  it('revoked before or at the trusted time: untrusted, whatever the reason', () => {
    assert.match(revocationProblem(before, 'superseded', trusted)!, /before the trusted signing time 2026-06-01T12:00:00Z/);
    assert.match(revocationProblem(T, undefined, trusted)!, /before the trusted signing time/);
  });
  it('revoked after it: untrusted for a compromised key, else no problem', () => {
    for (const reason of ['keyCompromise', 'cACompromise', 'aACompromise'])
      assert.match(revocationProblem(after, reason, trusted)!, /after the trusted signing time .* compromised key/);
    for (const reason of ['superseded', 'affiliationChanged', 'cessationOfOperation', 'certificateHold', 'unspecified', undefined])
      assert.equal(revocationProblem(after, reason, trusted), undefined, String(reason));
  });
  it('no trusted time: any revocation is untrusted', () => {
    assert.match(revocationProblem(after, 'superseded', { at: T, trusted: false })!, /without a trusted signing time/);
  });
  it('the summary: revoked beats not-checked beats good; nothing checked is not-checked', () => {
    const c = (status: CertificateRevocation['status']): CertificateRevocation => ({ certificate: 'x', serial: '01', status, detail: '' });
    assert.equal(revocationSummary([c('good'), c('good')]), 'good');
    assert.equal(revocationSummary([c('good'), c('not-checked')]), 'not-checked');
    assert.equal(revocationSummary([c('not-checked'), c('revoked')]), 'revoked');
    assert.equal(revocationSummary([]), 'not-checked');
  });
});
