import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/model/finding.js';
import { groupByOwner, ownerOf } from '../../src/model/owners.js';

const finding = (extra: Partial<Finding>): Finding => ({
  identity: 'i',
  nativeId: 'n',
  title: 't',
  result: 'FAIL',
  state: 'open',
  severity: 'LOW',
  severitySource: { value: 'LOW', scale: 's' },
  controls: {},
  sources: [],
  ...extra,
});

describe('owners (remediation grouping)', () => {
  const rules = [
    { owner: 'platform', resource: 'arn:aws:*' },
    { owner: 'data', resource: 'arn:aws:s3:::acme-data-*' },
    { owner: 'appsec', tool: 'Trivy' },
  ];
  it("the finding's own owner, then its team or owner tag, then the last matching rule", () => {
    assert.equal(ownerOf(finding({ owner: 'jane' }), rules), 'jane');
    assert.equal(ownerOf(finding({ resource: { id: 'arn:aws:s3:::acme-data-1', tags: { team: 'web' } } }), rules), 'web');
    assert.equal(ownerOf(finding({ resource: { id: 'arn:aws:s3:::acme-data-1' } }), rules), 'data');
    assert.equal(ownerOf(finding({ resource: { id: 'arn:aws:ec2:::i-1' } }), rules), 'platform');
    assert.equal(ownerOf(finding({ tool: 'trivy' }), rules), 'appsec');
    assert.equal(ownerOf(finding({}), rules), 'unassigned');
  });
  it('groups by owner, unassigned last', () => {
    const groups = groupByOwner([finding({ owner: 'b' }), finding({}), finding({ owner: 'a' }), finding({ owner: 'b' })], []);
    assert.deepEqual(
      groups.map(([owner, list]) => `${owner}:${list.length}`),
      ['a:1', 'b:2', 'unassigned:1'],
    );
  });
});
