/**
 * The committed GitHub Action bundle is exactly what scripts/bundle-action.js builds from this
 * tree (issue 16: CI rebuilds the bundle and fails on any difference). GitHub runs the committed
 * files, so a source change without a rebuilt bundle would ship the old behaviour.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/paths.js';

const committed = join(repoRoot, 'actions', 'infracast', 'dist');
const FIX = 'run `npm run build:action` and commit actions/infracast/dist';

/** Every file below `dir`, relative, sorted by code units. */
function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => f.split('\\').join('/'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function bundleInto(outdir: string): Promise<{ status: number | null; output: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'scripts', 'bundle-action.js'), '--out', outdir], { cwd: repoRoot });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += String(c)));
  child.stderr.on('data', (c: Buffer) => (output += String(c)));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, output })));
}

describe('actions/infracast/dist', () => {
  it('equals a fresh build, byte for byte', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'infracast-action-bundle-'));
    try {
      const built = await bundleInto(fresh);
      assert.equal(built.status, 0, built.output);
      const expected = filesOf(fresh);
      const actual = filesOf(committed);
      assert.deepEqual(actual, expected, `the committed bundle's files differ from a fresh build's: ${FIX}`);
      const differing = expected.filter((f) => !readFileSync(join(fresh, f)).equals(readFileSync(join(committed, f))));
      assert.deepEqual(differing, [], `these files of the committed bundle differ from a fresh build: ${FIX}`);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('declares node24 and runs the bundle inside its own folder', () => {
    const yml = readFileSync(join(repoRoot, 'actions', 'infracast', 'action.yml'), 'utf8');
    assert.match(yml, /^runs:\n {2}using: node24\n {2}main: dist\/index\.js$/m);
  });
});
