import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/model/finding.js';
import { groupByOwner, ownerOf, ownerWithSource } from '../../src/model/owners.js';

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
  it('says where each owner came from (the remediation report explains it)', () => {
    assert.deepEqual(ownerWithSource(finding({ owner: 'jane' }), rules), { owner: 'jane', source: 'finding' });
    assert.deepEqual(ownerWithSource(finding({ tags: { owner: 'web' } }), rules), { owner: 'web', source: 'tag' });
    assert.deepEqual(ownerWithSource(finding({ resource: { id: 'arn:aws:s3:::acme-data-1' } }), rules), { owner: 'data', source: 'owners-rule' });
    assert.deepEqual(ownerWithSource(finding({}), rules), { owner: 'unassigned', source: 'none' });
  });
  it('groups 100,000 findings of one owner in linear time (issue 14: a copy per finding took about a minute)', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => finding({ identity: `i${i}`, resource: { id: `arn:aws:s3:::acme-data-${i}` } }));
    const start = performance.now();
    const groups = groupByOwner(many, rules);
    const ms = performance.now() - start;
    assert.deepEqual(
      groups.map(([owner, list]) => `${owner}:${list.length}`),
      ['data:100000'],
    );
    // Quadratic copying took tens of seconds here; linear grouping takes well under one.
    assert.ok(ms < 5000, `${ms.toFixed(0)} ms`);
  });
});
