/**
 * CAdES detached signatures and RFC 3161 timestamps, proven by an independent implementation:
 * OpenSSL (`openssl cms -verify`, `openssl ts -verify`, `openssl cms -cmsout -print`). A throwaway PKI
 * (root -> issuing CA -> RSA and P-256 signers, and a TSA) is made per run, and the TSA is
 * `openssl ts -reply` behind a loopback HTTP server (notes/signing.md "Test PKI and TSA with OpenSSL").
 * Skips without openssl, fails in CI (test/support/tools.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { isInfracastError } from '../../src/errors.js';
import { addTimestampToken, OID, signatureValue, signDetached } from '../../src/signing/cms.js';
import { requestTimestamp } from '../../src/signing/tsa.js';
import { loopbackTsa, opensslCmsVerify, testPki, type Pki } from '../support/pki.js';
import { requireTool } from '../support/tools.js';

/** Writes the files and runs `openssl cms -verify` of the detached CMS against the test root. */
function cmsVerify(p: Pki, name: string, cms: Uint8Array, content: Uint8Array): { ok: boolean; output: string } {
  writeFileSync(join(p.dir, `${name}.p7s`), cms);
  writeFileSync(join(p.dir, name), content);
  return opensslCmsVerify(p, `${name}.p7s`, name);
}

function cmsPrint(p: Pki, name: string): string {
  const result = spawnSync('openssl', ['cms', '-cmsout', '-print', '-noout', '-inform', 'DER', '-in', `${name}.p7s`], { cwd: p.dir, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

function setUp(t: TestContext): Pki | undefined {
  if (!requireTool(t, 'OpenSSL', 'openssl')) return undefined;
  return testPki();
}

const report = new TextEncoder().encode('{"tenant":"acme","framework":"SOC2","generated_at":"2026-01-15T10:00:00Z"}\n');

async function rejects(promise: Promise<unknown>, code: string, mentions?: string): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isInfracastError(error), `expected an InfracastError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (mentions) assert.ok(error.message.includes(mentions), `"${error.message}" should name ${mentions}`);
    return error.message;
  }
  assert.fail(`expected ${code}`);
}

describe('signing: CAdES detached CMS (openssl as the oracle)', () => {
  for (const kind of ['rsa', 'ec'] as const) {
    it(`${kind === 'rsa' ? 'RSA' : 'ECDSA P-256'}: openssl cms -verify succeeds, and fails after one content byte flips`, async (t) => {
      const p = setUp(t);
      if (!p) return;
      const cms = await signDetached({ data: report, key: p.pem(`leaf-${kind}.key`), chain: kind === 'rsa' ? p.rsaChain : p.ecChain });
      const good = cmsVerify(p, `report-${kind}.json`, cms, report);
      assert.ok(good.ok, good.output);
      assert.match(good.output, /CMS Verification successful/);
      const flipped = Uint8Array.from(report);
      flipped[10]! ^= 0x01;
      const bad = cmsVerify(p, `report-${kind}-flipped.json`, cms, flipped);
      assert.ok(!bad.ok, 'a flipped byte must fail verification');
      assert.match(bad.output, /Verification failure|digest failure/i);

      const printed = cmsPrint(p, `report-${kind}.json`);
      assert.match(printed, /id-smime-aa-signingCertificateV2/);
      assert.match(printed, /contentType/);
      assert.match(printed, /messageDigest/);
      assert.doesNotMatch(printed, /signingTime/i, 'CAdES for PAdES: no signingTime attribute');
      // Detached: no eContent; the whole chain (leaf, issuing CA, root) is in certificates.
      assert.match(printed, /eContent: <ABSENT>/);
      assert.equal((printed.match(/ {8}cert_info:/g) ?? []).length, 3, printed);
    });
  }

  it('RFC 3161: the loopback TSA grants a token over the signature value; openssl ts -verify accepts the embedded token', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const server = await loopbackTsa(p);
    const unstamped = await signDetached({ data: report, key: p.pem('leaf-ec.key'), chain: p.ecChain });
    const value = signatureValue(unstamped);
    const { token, genTime } = await requestTimestamp(value, { url: server.url, timeoutMs: 20_000 });
    assert.ok(Math.abs(genTime.getTime() - Date.now()) < 5 * 60_000, `genTime ${genTime.toISOString()} is now`);
    const cms = addTimestampToken(unstamped, token);
    const verified = cmsVerify(p, 'stamped.json', cms, report);
    assert.ok(verified.ok, verified.output);
    assert.match(cmsPrint(p, 'stamped.json'), /id-smime-aa-timeStampToken/);

    // The token as stored in the CMS (not the one the client returned) against the signature value.
    // Walked with asn1js down to the stored bytes (compared as received, not re-encoded): SignedData's last
    // field is signerInfos; the signer's [1] field is unsignedAttrs; its Attribute is SEQUENCE { type, SET { token } }.
    const signedData = pkijs.ContentInfo.fromBER(Buffer.from(cms)).content as asn1js.Sequence;
    const signerInfo = (signedData.valueBlock.value.at(-1) as asn1js.Set).valueBlock.value[0] as asn1js.Sequence;
    const unsigned = signerInfo.valueBlock.value.at(-1) as asn1js.Constructed;
    assert.equal(unsigned.idBlock.tagClass, 3);
    assert.equal(unsigned.idBlock.tagNumber, 1);
    const [type, values] = (unsigned.valueBlock.value[0] as asn1js.Sequence).valueBlock.value as [asn1js.ObjectIdentifier, asn1js.Set];
    assert.equal(type.valueBlock.toString(), OID.signatureTimeStampToken);
    const embedded = Buffer.from(values.valueBlock.value[0]!.valueBeforeDecodeView);
    assert.deepEqual(embedded, Buffer.from(token));
    writeFileSync(join(p.dir, 'token.tst'), embedded);
    writeFileSync(join(p.dir, 'sigvalue.bin'), value);
    writeFileSync(join(p.dir, 'tsa-chain.pem'), p.pem('inter.crt'));
    const ts = spawnSync(
      'openssl',
      ['ts', '-verify', '-token_in', '-in', 'token.tst', '-data', 'sigvalue.bin', '-CAfile', 'root.crt', '-untrusted', 'tsa-chain.pem'],
      { cwd: p.dir, encoding: 'utf8' },
    );
    assert.equal(ts.status, 0, ts.stderr + ts.stdout);
    assert.match(ts.stdout, /Verification: OK/);
    // The TSA's own view of its last answer: granted.
    writeFileSync(join(p.dir, 'last.tsr'), server.replies.at(-1)!);
    const text = spawnSync('openssl', ['ts', '-reply', '-in', 'last.tsr', '-text'], { cwd: p.dir, encoding: 'utf8' });
    assert.match(text.stdout, /Status: Granted/);
    // Against other data the token fails: it is bound to this signature.
    writeFileSync(join(p.dir, 'other.bin'), report);
    const wrong = spawnSync(
      'openssl',
      ['ts', '-verify', '-token_in', '-in', 'token.tst', '-data', 'other.bin', '-CAfile', 'root.crt', '-untrusted', 'tsa-chain.pem'],
      {
        cwd: p.dir,
        encoding: 'utf8',
      },
    );
    assert.notEqual(wrong.status, 0);
  });

  it('a token from another RFC 3161 client with a SHA-384 or SHA-512 imprint (openssl ts -query) is attached and verified like ours', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const { verifyDetachedCms } = await import('../../src/signing/cms-verify.js');
    const unstamped = await signDetached({ data: report, key: p.pem('leaf-ec.key'), chain: p.ecChain });
    writeFileSync(join(p.dir, 'foreign-sigvalue.bin'), signatureValue(unstamped));
    for (const hash of ['sha384', 'sha512']) {
      const openssl = (args: string[]): void => {
        const r = spawnSync('openssl', args, { cwd: p.dir, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
      };
      // The query and the token as a foreign client and the test TSA make them: nothing of ours.
      openssl(['ts', '-query', '-data', 'foreign-sigvalue.bin', `-${hash}`, '-cert', '-out', `${hash}.tsq`]);
      openssl(['ts', '-reply', '-config', join(p.dir, 'tsa.cnf'), '-queryfile', `${hash}.tsq`, '-token_out', '-out', `${hash}.tst`]);
      const token = readFileSync(join(p.dir, `${hash}.tst`));
      const stamped = addTimestampToken(unstamped, token);
      const v = await verifyDetachedCms(stamped, report, { caPem: p.pem('root.crt') });
      assert.equal(v.status, 'valid', `${hash}: ${JSON.stringify(v.checks)}`);
      assert.equal(v.signed_at_source, 'rfc3161', hash);
      // Bound to this signature: over another signature value it is an altered timestamp.
      const other = await signDetached({ data: Buffer.from('another report'), key: p.pem('leaf-ec.key'), chain: p.ecChain });
      assert.throws(
        () => addTimestampToken(other, token),
        (e: unknown) => isInfracastError(e) && /does not cover this signature/.test(e.message),
      );
    }
  });

  it('a .p7s claims its signing time (signingTime, UTCTime): CAdES-B-B, CAdES-B-T with a token; openssl cms -verify accepts it', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const { verifyDetachedCms } = await import('../../src/signing/cms-verify.js');
    const claimed = new Date('2026-12-06T10:20:30.456Z');
    const cms = await signDetached({ data: report, key: p.pem('leaf-rsa.key'), chain: p.rsaChain, signingTime: claimed });
    const verified = cmsVerify(p, 'claimed.json', cms, report);
    assert.ok(verified.ok, verified.output);
    assert.match(cmsPrint(p, 'claimed.json'), /signingTime[\s\S]*UTCTIME:Dec {2}6 10:20:30 2026 GMT/);
    const v = await verifyDetachedCms(cms, report, { caPem: p.pem('root.crt') });
    assert.equal(v.status, 'valid', JSON.stringify(v.checks));
    assert.deepEqual([v.profile?.baseline, v.signed_at, v.signed_at_source], ['CAdES-B-B', '2026-12-06T10:20:30Z', 'claimed-by-signer']);
    const server = await loopbackTsa(p);
    const stamped = addTimestampToken(cms, (await requestTimestamp(signatureValue(cms), { url: server.url, timeoutMs: 20_000 })).token);
    const timed = await verifyDetachedCms(stamped, report, { caPem: p.pem('root.crt') });
    assert.deepEqual([timed.status, timed.profile?.baseline, timed.signed_at_source], ['valid', 'CAdES-B-T', 'rfc3161']);
  });

  it('signDetached takes a token for its own signature value (RSA signs deterministically) and refuses a foreign one', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const server = await loopbackTsa(p);
    const input = { data: report, key: p.pem('leaf-rsa.key'), chain: p.rsaChain };
    const { token } = await requestTimestamp(signatureValue(await signDetached(input)), { url: server.url });
    const cms = await signDetached({ ...input, timestampToken: token });
    const verified = cmsVerify(p, 'stamped-rsa.json', cms, report);
    assert.ok(verified.ok, verified.output);
    assert.match(cmsPrint(p, 'stamped-rsa.json'), /id-smime-aa-timeStampToken/);
    await rejects(signDetached({ ...input, data: new TextEncoder().encode('other'), timestampToken: token }), 'SIGNING_FAILED', 'does not cover');
  });

  it('a key that is unreadable, unsupported or not the leaf’s is refused without quoting the key', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const rsaKey = p.pem('leaf-rsa.key');
    const message = await rejects(signDetached({ data: report, key: rsaKey, chain: p.ecChain }), 'SIGNING_KEY_INVALID', 'does not match');
    assert.ok(!message.includes(rsaKey.split('\n')[1]!), 'no key material in the message');
    const lines = rsaKey.split('\n');
    const broken = [...lines.slice(0, 4), ...lines.slice(-3)].join('\n'); // truncated DER: unreadable
    const unreadable = await rejects(signDetached({ data: report, key: broken, chain: p.rsaChain }), 'SIGNING_KEY_INVALID');
    assert.ok(!unreadable.includes(lines[2]!));
    const ed = spawnSync('openssl', ['genpkey', '-algorithm', 'ed25519'], { encoding: 'utf8' }).stdout;
    await rejects(signDetached({ data: report, key: ed, chain: p.rsaChain }), 'SIGNING_KEY_INVALID', 'ed25519');
    await rejects(signDetached({ data: report, key: rsaKey, chain: 'no certificates here' }), 'SIGNING_CHAIN_INVALID');
  });
});

describe('signing: RFC 3161 client failures name the TSA', () => {
  const serve = async (handler: RequestListener): Promise<{ url: string; close: () => void }> => {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ts`,
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    };
  };
  const value = new Uint8Array(64).fill(7);

  it('HTTP errors, silence past the timeout and closed ports are TSA_UNREACHABLE (exit 3)', async () => {
    const failing = await serve((_req, res) => res.writeHead(503, 'Busy').end());
    try {
      await rejects(requestTimestamp(value, { url: failing.url }), 'TSA_UNREACHABLE', `${failing.url} could not be reached: HTTP 503`);
    } finally {
      failing.close();
    }
    const silent = await serve(() => undefined);
    try {
      await rejects(requestTimestamp(value, { url: silent.url, timeoutMs: 200 }), 'TSA_UNREACHABLE', 'no answer within 200 ms');
    } finally {
      silent.close();
    }
    await rejects(requestTimestamp(value, { url: failing.url }), 'TSA_UNREACHABLE', failing.url);
  });

  it('a replayed answer (another imprint and nonce) and a non-TSP body are TSA_RESPONSE_INVALID', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const real = await loopbackTsa(p);
    await requestTimestamp(new Uint8Array(64).fill(1), { url: real.url });
    const replayed = real.replies.at(-1)!;
    const replay = await serve((_req, res) => res.writeHead(200).end(replayed));
    const junk = await serve((_req, res) => res.writeHead(200).end('<html>hello</html>'));
    try {
      await rejects(requestTimestamp(value, { url: replay.url }), 'TSA_RESPONSE_INVALID', 'different hash');
      await rejects(requestTimestamp(value, { url: junk.url }), 'TSA_RESPONSE_INVALID', junk.url);
    } finally {
      replay.close();
      junk.close();
    }
  });
});
