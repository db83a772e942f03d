/**
 * Differential test of the RFC 5280 path validator (src/signing/path-validation.ts) against
 * `openssl verify -x509_strict -attime` (no -partial_chain: only the given root is an anchor) on a
 * matrix of OpenSSL-made chains (test/support/pki-matrix.ts): pathLen 0 and 1 with 0..2 CAs below,
 * a pathlen:0 root, a CA:FALSE intermediate, a CA without keyCertSign, unknown critical extensions,
 * an expired intermediate, a not-yet-valid signer, a look-alike issuer (same DN, other key), another
 * root. Both must agree on every cell, each failure with the matching reason.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePath } from '../../src/signing/path-validation.js';
import { chainMatrix, opensslVerify } from '../support/pki-matrix.js';
import { requireTool } from '../support/tools.js';

describe('path validation: our validator and openssl verify agree', () => {
  it('on every cell of the chain matrix, with the same reason', async (t) => {
    if (!requireTool(t, 'OpenSSL', 'openssl')) return;
    const matrix = chainMatrix();
    const at = new Date();
    const disagreements: string[] = [];
    for (const cell of matrix.cells) {
      const ours = await validatePath({ leaf: matrix.pem(cell.leaf), intermediates: cell.untrusted.map(matrix.pem), roots: [matrix.pem(cell.root)], time: at });
      const theirs = opensslVerify(matrix, cell, at);
      const ourRule = ours.valid ? 'valid' : ours.rule;
      t.diagnostic(`${cell.name}: ours ${ourRule}, openssl ${theirs.ok ? 'OK' : `error ${theirs.error}`}`);
      if (ours.valid !== theirs.ok) disagreements.push(`${cell.name}: ours ${ourRule}, openssl ${theirs.output.trim()}`);
      if (ourRule !== cell.expect) disagreements.push(`${cell.name}: ours ${ourRule}${ours.valid ? '' : ` (${ours.detail})`}, expected ${cell.expect}`);
      if (cell.opensslError !== undefined && theirs.error !== cell.opensslError)
        disagreements.push(`${cell.name}: openssl error ${theirs.error}, expected ${cell.opensslError}: ${theirs.output.trim()}`);
    }
    assert.deepEqual(disagreements, []);
    assert.ok(matrix.cells.some((c) => c.expect === 'valid') && matrix.cells.some((c) => c.expect !== 'valid'), 'the matrix holds both outcomes');
  });
});
