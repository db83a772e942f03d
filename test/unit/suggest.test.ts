import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { didYouMean, suggest } from '../../src/schema/suggest.js';

describe('did-you-mean suggestions', () => {
  const options = ['include_remediation', 'include_evidence', 'include_trends', 'title', 'table_of_contents'];
  it('suggests the closest close-enough candidate', () => {
    assert.equal(suggest('includ_remediation', options), 'include_remediation');
    assert.equal(suggest('include_evidense', options), 'include_evidence');
    assert.equal(suggest('titel', options), 'title');
  });
  it('treats case and separators as one edit-free difference', () => {
    assert.equal(suggest('includeRemediation', options), 'include_remediation');
    assert.equal(suggest('Table-Of-Contents', options), 'table_of_contents');
  });
  it('suggests nothing for unrelated words', () => {
    assert.equal(suggest('colour', options), undefined);
    assert.equal(didYouMean('zzz', options), '');
  });
  it('formats the hint', () => {
    assert.equal(didYouMean('nist-800-52', ['nist-800-53', 'nist-800-171']), " (did you mean 'nist-800-53'?)");
  });
});
