import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorisedCuiDestinations, gateArtifacts } from '../../src/app/schedule/destinations.js';

const artifacts = [
  { path: 'out/cui-poam/cui-poam.xlsx', cui: true },
  { path: 'out/exec/exec.md', cui: false },
];

describe('CUI destination gate', () => {
  it('withholds CUI from every destination when none is authorised, and says why', () => {
    for (const destination of ['commit', 'release', 'comment', 'email'] as const) {
      const gate = gateArtifacts(artifacts, destination, { raw: {} });
      assert.deepEqual(
        gate.allowed.map((a) => a.path),
        ['out/exec/exec.md'],
      );
      assert.equal(gate.withheld.length, 1);
      assert.match(gate.withheld[0]!.reason, new RegExp(`withheld from ${destination} .*does not list ${destination}`));
    }
  });

  it('lets CUI go only to the authorised destinations', () => {
    const config = { raw: { cui: { authorised_destinations: ['email'] } } };
    assert.deepEqual(authorisedCuiDestinations(config), ['email']);
    assert.equal(gateArtifacts(artifacts, 'email', config).allowed.length, 2);
    assert.equal(gateArtifacts(artifacts, 'commit', config).allowed.length, 1);
    assert.equal(gateArtifacts(artifacts, 'release', config).withheld.length, 1);
  });

  it('ignores values that are not destinations', () => {
    assert.deepEqual(authorisedCuiDestinations({ raw: { cui: { authorised_destinations: ['slack', 'commit'] } } }), ['commit']);
    assert.deepEqual(authorisedCuiDestinations({ raw: { cui: 'yes' } }), []);
  });
});
