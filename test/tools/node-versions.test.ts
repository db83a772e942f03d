/**
 * Same inputs, same bytes, whatever the Node.js major (issue: render; DESIGN.md "Determinism"):
 * examples/acme rendered by this Node (20) and by Node 22 and 24 (fetched into .tools/ by
 * scripts/setup.sh) gives identical Markdown, JSON, charts, evidence zip, index and state files.
 * Without those binaries the test skips saying so, except in CI, where it fails.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { binPath, examplesDir, repoRoot } from '../support/paths.js';

const REPORTS = ['nist-800-53-moderate', 'executive-posture', 'nist-800-171-gap', 'remediation-by-team', 'poam-status', 'evidence-oct-nov-2026'];

/** Renders a fresh copy of examples/acme with `node`; returns every output and state file by path. */
function renderWith(node: string): Map<string, string> {
  const root = mkdtempSync(join(tmpdir(), 'infracast-node-'));
  try {
    cpSync(join(examplesDir, 'acme'), root, { recursive: true });
    const args = [binPath, 'render', ...REPORTS.map((r) => `reports/${r}.yaml`), '--format', 'md', '--format', 'json'];
    const result = spawnSync(node, args, { cwd: root, encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '1796040000' } });
    assert.equal(result.status, 0, `${node}: ${result.stderr}`);
    const files = new Map<string, string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else files.set(relative(root, path), readFileSync(path).toString('base64'));
      }
    };
    walk(join(root, 'out'));
    walk(join(root, '.infracast'));
    return files;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('byte-identical output across Node.js majors', () => {
  let reference: Map<string, string> | undefined;
  for (const major of [22, 24]) {
    it(`Node ${major} renders the same bytes as Node ${process.versions.node.split('.')[0]}`, (t) => {
      const node = join(repoRoot, '.tools', `node-${major}`, 'bin', 'node');
      if (!existsSync(node)) {
        const message = `${node} is absent: run scripts/setup.sh (it fetches Node ${major} from the npm registry on Linux x64)`;
        if (process.env.CI) throw new Error(`${message}; CI runs setup.sh, so it must be there`);
        t.skip(message);
        return;
      }
      reference ??= renderWith(process.execPath);
      const other = renderWith(node);
      assert.ok(reference.size > 30, `${reference.size} files`);
      assert.deepEqual([...other.keys()].sort(), [...reference.keys()].sort());
      // Signatures are not byte-reproducible by design (ECDSA draws a fresh nonce; timestamps differ), and
      // neither is the signature state that records their hashes: here they only have to exist on both
      // (the file lists are compared above); the signing tests verify them.
      const signature = (path: string): boolean => /\.(sigstore\.json|p7s)$/.test(path) || path.endsWith('signatures.json');
      for (const [path, bytes] of reference) if (!signature(path)) assert.equal(other.get(path), bytes, `${path} differs on Node ${major}`);
    });
  }
});
