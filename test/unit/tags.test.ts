/** Tags in every shape the exports write them (they decide remediation owners). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { tagsOf } from '../../src/loaders/normalise.js';

it('reads key/value objects, "key:value" strings (Prowler OCSF labels), maps and "k=v | k=v" text (Prowler CSV)', () => {
  assert.deepEqual(
    tagsOf([
      { key: 'team', value: 'data' },
      { Key: 'Owner', Value: 'ana' },
    ]),
    { team: 'data', Owner: 'ana' },
  );
  assert.deepEqual(tagsOf(['team:data', 'owner: ana@acme.com', 'no-colon']), { team: 'data', owner: 'ana@acme.com' });
  assert.deepEqual(tagsOf({ team: 'web', cost: 3, nested: { x: 1 } }), { team: 'web', cost: '3' });
  assert.deepEqual(tagsOf('team=sre | owner=li'), { team: 'sre', owner: 'li' });
  assert.equal(tagsOf([]), undefined);
  assert.equal(tagsOf(''), undefined);
});
