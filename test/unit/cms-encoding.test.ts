/**
 * The CMS encodings accepted (src/signing/cms-encoding.ts): DER, and BER whose only liberty is the
 * indefinite length of constructed values; every other BER liberty (each reachable from DER by one
 * byte, or ignored by a lenient reader) is refused. And the baseline profile rules (cms-profile.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cmsEncoding } from '../../src/signing/cms-encoding.js';
import { cmsProfile, withDeviation } from '../../src/signing/cms-profile.js';

const hex = (text: string): Uint8Array => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('cmsEncoding', () => {
  it('accepts DER, and BER with indefinite lengths on constructed values', () => {
    assert.deepEqual(cmsEncoding(hex('30 06 02 01 01 01 01 ff')), { indefinite: false });
    assert.deepEqual(cmsEncoding(hex('30 80 02 01 01 a0 80 04 01 00 00 00 00 00')), { indefinite: true });
    assert.deepEqual(cmsEncoding(hex('30 81 80' + '04 7e' + '00'.repeat(126))), { indefinite: false });
  });

  const refused: [string, string, RegExp][] = [
    ['BOOLEAN TRUE as 01', '30 03 01 01 01', /BOOLEAN/],
    ['a BIT STRING with unused bits set', '30 04 03 02 01 01', /BIT STRING/],
    ['an unused-bits count over 7', '30 04 03 02 08 00', /BIT STRING/],
    ['a non-minimal INTEGER', '30 04 02 02 00 01', /INTEGER/],
    ['a NULL with content', '30 03 05 01 00', /NULL/],
    ['end-of-contents inside a definite length (zero padding read as EOC)', '30 05 02 01 01 00 00', /end-of-contents/],
    ['bytes after the value', '30 03 02 01 01 00 00', /follow the value/],
    ['an indefinite length on a primitive value', '30 80 04 80 00 00 00 00', /primitive/],
    ['a constructed OCTET STRING', '30 05 24 03 04 01 00', /constructed string/],
    ['a high tag form for a low tag number', '30 04 1f 02 01 01', /high-form tag/],
    ['a non-minimal long length', '30 81 03 02 01 01', /non-minimal length/],
    ['a length beyond its container', '30 04 02 05 01 01', /beyond its container/],
    ['an indefinite length never closed', '30 80 02 01 01', /without its end-of-contents/],
    ['an indefinite value that ends outside its definite container', '30 05 30 80 02 01 01 00 00', /without its end-of-contents|beyond/],
  ];
  for (const [label, bytes, problem] of refused)
    it(`refuses ${label}`, () => {
      assert.match(cmsEncoding(hex(bytes)).problem ?? '(accepted)', problem);
    });
});

describe('cmsProfile', () => {
  const ours = { ess: 'v2', signingTime: false, indefinite: false, timestamp: 'trusted' } as const;
  it('our PDF signature with a trusted timestamp is PAdES-B-T; without one B-B, saying why not B-T', () => {
    assert.deepEqual(cmsProfile('PAdES', ours), { baseline: 'PAdES-B-T', deviations: [] });
    assert.deepEqual(cmsProfile('PAdES', { ...ours, timestamp: 'absent' }), { baseline: 'PAdES-B-B', deviations: ['no signature timestamp (B-T not met)'] });
    assert.equal(cmsProfile('PAdES', { ...ours, timestamp: 'untrusted' }).baseline, 'PAdES-B-B');
  });
  it('signing-time: forbidden in PAdES, required in CAdES; BER is a PAdES deviation; no ESS v2 none of them', () => {
    assert.equal(cmsProfile('PAdES', { ...ours, signingTime: true }).baseline, null);
    assert.equal(cmsProfile('CAdES', ours).baseline, null);
    assert.equal(cmsProfile('CAdES', { ...ours, signingTime: true }).baseline, 'CAdES-B-T');
    assert.equal(cmsProfile('CAdES', { ...ours, signingTime: true, indefinite: true }).baseline, 'CAdES-B-T');
    assert.equal(cmsProfile('PAdES', { ...ours, indefinite: true }).baseline, null);
    for (const ess of ['v1', 'absent'] as const) assert.equal(cmsProfile('CAdES', { ...ours, signingTime: true, ess }).baseline, null);
    assert.deepEqual(withDeviation(cmsProfile('PAdES', ours), 'SubFilter adbe.pkcs7.detached'), {
      baseline: null,
      deviations: ['SubFilter adbe.pkcs7.detached'],
    });
  });
});
