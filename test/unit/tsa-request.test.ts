/** RFC 3161 requests: the nonce is always a minimal, positive DER INTEGER (OpenSSL refuses others). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as pkijs from 'pkijs';
import { timestampRequest } from '../../src/signing/tsa.js';

describe('timestampRequest', () => {
  it('2,000 requests: every nonce is a positive INTEGER with no leading zero byte, and nonces differ', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const der = timestampRequest(new Uint8Array([1, 2, 3]));
      const request = pkijs.TimeStampReq.fromBER(new Uint8Array(der).buffer);
      const bytes = new Uint8Array(request.nonce!.valueBlock.valueHexView);
      assert.ok(bytes[0]! > 0 && bytes[0]! < 0x80, `nonce ${Buffer.from(bytes).toString('hex')}`);
      seen.add(Buffer.from(bytes).toString('hex'));
    }
    assert.equal(seen.size, 2000);
  });
});
