/** evaluation.md section 9: redaction before the build. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Finding } from '../../src/model/finding.js';
import { redactFindings } from '../../src/model/redaction.js';

const finding: Finding = {
  identity: 'i',
  nativeId: 'n',
  title: 'Key AKIAIOSFODNN7EXAMPLE leaked by secops@acme.com',
  description: 'Found AKIAIOSFODNN7EXAMPLE in a commit.',
  result: 'FAIL',
  state: 'open',
  severity: 'HIGH',
  severitySource: { value: 'HIGH', scale: 's' },
  controls: {},
  resource: { id: 'repo', tags: { owner_email: 'ana@acme.com', team: 'web' } },
  sources: [],
};

it('patterns, e-mail addresses and named fields are redacted in every printed text; the input is unchanged', () => {
  const [out] = redactFindings([finding], {
    patterns: [{ name: 'aws-access-key-id', regex: '\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b' }],
    emails: true,
    fields: ['resource.tags.owner_email'],
  });
  assert.equal(out?.title, 'Key [REDACTED:aws-access-key-id] leaked by [REDACTED:email]');
  assert.equal(out?.description, 'Found [REDACTED:aws-access-key-id] in a commit.');
  assert.deepEqual(out?.resource?.tags, { owner_email: '[REDACTED]', team: 'web' });
  assert.match(finding.title, /AKIAIOSFODNN7EXAMPLE/, 'input untouched');
});

it('no rules: findings as they are', () => {
  assert.deepEqual(redactFindings([finding], {}), [finding]);
});
