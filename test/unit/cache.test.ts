/** The cache only saves time: results with and without it are identical, and a damaged entry is a miss. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadWorkspace } from '../../src/app/load-workspace.js';
import { ContentCache } from '../../src/io/cache.js';
import { examplesDir, fixturesDir } from '../support/paths.js';

const at = new Date('2026-11-29T00:00:00Z');
const strip = (ws: Awaited<ReturnType<typeof loadWorkspace>>): unknown => ({
  diagnostics: ws.diagnostics,
  outputs: ws.outputs,
  schedules: ws.schedules,
  records: ws.records,
  documents: ws.documents,
});

describe('content cache', () => {
  for (const [name, root] of [
    ['examples/acme', join(examplesDir, 'acme')],
    ['the bad-inputs fixture', join(fixturesDir, 'bad-inputs')],
  ] as const) {
    it(`${name}: no cache, empty cache and warm cache give the same result`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'infracast-cache-'));
      const none = await loadWorkspace(root, { at, cache: new ContentCache(undefined) });
      const cold = await loadWorkspace(root, { at, cache: new ContentCache(dir) });
      assert.ok(readdirSync(dir).includes('yaml'), 'parsed files were cached');
      const warm = await loadWorkspace(root, { at, cache: new ContentCache(dir) });
      assert.deepEqual(strip(cold), strip(none));
      assert.deepEqual(strip(warm), strip(none));
    });
  }
  it('a damaged cache entry is ignored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'infracast-cache-'));
    const root = join(examplesDir, 'starter');
    const before = await loadWorkspace(root, { at, cache: new ContentCache(dir) });
    for (const prefix of readdirSync(join(dir, 'yaml'))) {
      for (const entry of readdirSync(join(dir, 'yaml', prefix))) writeFileSync(join(dir, 'yaml', prefix, entry), '{"documents": [tru');
    }
    const after = await loadWorkspace(root, { at, cache: new ContentCache(dir) });
    assert.deepEqual(strip(after), strip(before));
  });
  it('INFRACAST_CACHE=off disables it', () => {
    assert.equal(ContentCache.fromEnvironment({ INFRACAST_CACHE: 'off', INFRACAST_CACHE_DIR: '/nonexistent' }).get('yaml', 'x'), undefined);
  });
});
