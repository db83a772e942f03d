import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveInstant } from '../../src/app/instant.js';
import { InfracastError } from '../../src/errors.js';

describe('the run instant: --at, else SOURCE_DATE_EPOCH, else the clock', () => {
  const clock = (): Date => new Date('2030-01-01T00:00:00Z');
  it('prefers --at (a date means 00:00 UTC)', () => {
    assert.equal(resolveInstant('2026-04-24', { SOURCE_DATE_EPOCH: '0' }, clock).toISOString(), '2026-04-24T00:00:00.000Z');
    assert.equal(resolveInstant('2026-04-24T10:00:00Z', {}, clock).toISOString(), '2026-04-24T10:00:00.000Z');
  });
  it('then SOURCE_DATE_EPOCH', () => {
    assert.equal(resolveInstant(undefined, { SOURCE_DATE_EPOCH: '1700000000' }, clock).toISOString(), '2023-11-14T22:13:20.000Z');
  });
  it('then the clock', () => {
    assert.equal(resolveInstant(undefined, {}, clock).toISOString(), '2030-01-01T00:00:00.000Z');
  });
  it('rejects nonsense as a usage error (exit 2)', () => {
    assert.throws(
      () => resolveInstant('next tuesday', {}, clock),
      (e: unknown) => e instanceof InfracastError && e.exitCode === 2,
    );
    assert.throws(
      () => resolveInstant(undefined, { SOURCE_DATE_EPOCH: 'yesterday' }, clock),
      (e: unknown) => e instanceof InfracastError && e.exitCode === 2,
    );
  });
});
