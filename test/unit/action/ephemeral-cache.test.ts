/** The action skips the content cache on a runner that would throw it away (app/ephemeral-cache.ts). */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cacheIsThrowaway } from '../../../src/app/ephemeral-cache.js';

describe('cacheIsThrowaway', () => {
  it('is true only when nothing asks for a cache and the default cache folder does not exist', () => {
    const home = mkdtempSync(join(tmpdir(), 'infracast-cache-home-'));
    assert.equal(cacheIsThrowaway({ XDG_CACHE_HOME: home }), true, 'a fresh hosted runner');
    assert.equal(cacheIsThrowaway({ XDG_CACHE_HOME: home, INFRACAST_CACHE_DIR: join(home, 'kept') }), false, 'a cache restored by actions/cache');
    assert.equal(cacheIsThrowaway({ XDG_CACHE_HOME: home, INFRACAST_CACHE: 'on' }), false, 'asked for explicitly');
    mkdirSync(join(home, 'infracast'));
    assert.equal(cacheIsThrowaway({ XDG_CACHE_HOME: home }), false, 'a self-hosted runner that keeps its cache');
  });
});
