/**
 * Signing identities from the files people have: PEM key + certificate (+ chain files, any order),
 * an encrypted PEM key with its passphrase, and PKCS#12 files as OpenSSL 3 writes them (AES) and
 * as legacy tools do (RC2/3DES: refused with the conversion command). The key never appears in an
 * error. OpenSSL makes the files (skips without it, fails in CI).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isInfracastError } from '../../src/errors.js';
import { checkSigner, identityFromPem, identityFromPkcs12 } from '../../src/signing/keys.js';
import { testPki } from '../support/pki.js';
import { missingToolsReason } from '../support/tools.js';

// Why these tests cannot run here (the missing browser or tool, named), or false; in CI a missing one fails instead (test/support).
const skipReason = missingToolsReason({ what: 'OpenSSL', candidates: ['openssl'] });

function openssl(dir: string, args: string[]): void {
  const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
}

function fails(fn: () => unknown, code: string, secret?: string): string {
  try {
    fn();
  } catch (error) {
    assert.ok(isInfracastError(error), String(error));
    assert.equal(error.code, code, error.message);
    if (secret) assert.ok(!`${error.message}${error.hints.join('')}`.includes(secret.slice(40, 80)), 'the key is not echoed');
    return error.message;
  }
  return assert.fail(`expected ${code}`);
}

async function failsAsync(promise: Promise<unknown>, code: string): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isInfracastError(error), String(error));
    assert.equal(error.code, code, error.message);
    return error.message;
  }
  return assert.fail(`expected ${code}`);
}

describe('signing identities: PEM and PKCS#12', { skip: skipReason }, () => {
  it('PEM key + certificate + chain in any order: leaf first, issuers after, e-mail and ids read', () => {
    const p = testPki();
    const identity = identityFromPem({
      key: p.pem('leaf-ec.key'),
      certificates: [
        { pem: p.pem('chain.pem'), source: 'chain.pem' },
        { pem: p.pem('leaf-ec.crt'), source: 'leaf-ec.crt' },
      ],
    });
    const chain = identity.chainPem.match(/-----BEGIN CERTIFICATE-----/g) ?? [];
    assert.equal(chain.length, 3);
    assert.ok(identity.chainPem.startsWith(p.pem('leaf-ec.crt').trim().slice(0, 200)));
    assert.deepEqual(identity.emails, ['compliance@acme.com']);
    assert.equal(identity.commonName, 'Acme Compliance EC');
    assert.match(identity.keyId, /^[0-9a-f]{64}$/);
    assert.match(identity.keyPem, /^-----BEGIN PRIVATE KEY-----/);
    checkSigner(identity, 'Compliance@Acme.com');
    assert.match(
      fails(() => checkSigner(identity, 'ceo@acme.com'), 'SIGNER_MISMATCH'),
      /its e-mail: compliance@acme\.com/,
    );
  });

  it('a key that belongs to none of the certificates, an unreadable key, an Ed25519 key: SIGNING_KEY_INVALID without the key text', () => {
    const p = testPki();
    const rsa = p.pem('leaf-rsa.key');
    fails(() => identityFromPem({ key: rsa, certificates: [{ pem: p.ecChain, source: 'ec' }] }), 'SIGNING_KEY_INVALID', rsa);
    // Unreadable: four base64 lines cut from the middle (the DER lengths no longer add up). Not a
    // character edit, which a freshly generated key may leave valid (e.g. no line ends as the edit expects).
    const lines = rsa.split('\n');
    const cut = [...lines.slice(0, 3), ...lines.slice(7)].join('\n');
    fails(() => identityFromPem({ key: cut, certificates: [{ pem: p.rsaChain, source: 'rsa' }] }), 'SIGNING_KEY_INVALID', rsa);
    openssl(p.dir, ['genpkey', '-algorithm', 'ed25519', '-out', 'ed.key']);
    fails(
      () => identityFromPem({ key: readFileSync(join(p.dir, 'ed.key'), 'utf8'), certificates: [{ pem: p.rsaChain, source: 'rsa' }] }),
      'SIGNING_KEY_INVALID',
    );
    assert.match(
      fails(() => identityFromPem({ key: rsa, certificates: [{ pem: 'not a certificate', source: 'cert.pem' }] }), 'SIGNING_CHAIN_INVALID'),
      /cert\.pem/,
    );
  });

  it('an encrypted PEM key opens with its passphrase, and says which is missing or wrong', () => {
    const p = testPki();
    openssl(p.dir, ['pkcs8', '-topk8', '-in', 'leaf-rsa.key', '-out', 'leaf-rsa-enc.key', '-passout', 'pass:s3cret', '-v2', 'aes-256-cbc']);
    const encrypted = readFileSync(join(p.dir, 'leaf-rsa-enc.key'), 'utf8');
    const certificates = [{ pem: p.rsaChain, source: 'rsa' }];
    assert.deepEqual(identityFromPem({ key: encrypted, certificates, passphrase: 's3cret' }).emails, ['compliance@acme.com']);
    assert.match(
      fails(() => identityFromPem({ key: encrypted, certificates }), 'SIGNING_KEY_INVALID'),
      /no passphrase/,
    );
    assert.match(
      fails(() => identityFromPem({ key: encrypted, certificates, passphrase: 'wrong' }), 'SIGNING_KEY_INVALID'),
      /does not open/,
    );
    // A wrong passphrase decrypts to garbage with valid padding about once in 256 tries (OpenSSL
    // then reports an ASN.1 error, not "bad decrypt"): each of 1,500 must still be called wrong.
    for (let i = 0; i < 1500; i++)
      assert.match(
        fails(() => identityFromPem({ key: encrypted, certificates, passphrase: `wrong-${i}` }), 'SIGNING_KEY_INVALID'),
        /does not open/,
        `passphrase wrong-${i}`,
      );
  });

  it('PKCS#12 (OpenSSL 3 default, AES): key and chain read; wrong passphrase and legacy ciphers explained', async () => {
    const p = testPki();
    openssl(p.dir, [
      'pkcs12',
      '-export',
      '-inkey',
      'leaf-rsa.key',
      '-in',
      'leaf-rsa.crt',
      '-certfile',
      'chain.pem',
      '-out',
      'signer.p12',
      '-passout',
      'pass:p12pass',
    ]);
    const der = readFileSync(join(p.dir, 'signer.p12'));
    const identity = await identityFromPkcs12(der, 'p12pass', 'signer.p12');
    assert.equal((identity.chainPem.match(/BEGIN CERTIFICATE/g) ?? []).length, 3);
    assert.deepEqual(identity.emails, ['compliance@acme.com']);
    assert.match(await failsAsync(identityFromPkcs12(der, 'nope', 'signer.p12'), 'SIGNING_KEY_INVALID'), /passphrase does not open/);
    const legacy = spawnSync(
      'openssl',
      ['pkcs12', '-export', '-legacy', '-inkey', 'leaf-rsa.key', '-in', 'leaf-rsa.crt', '-out', 'legacy.p12', '-passout', 'pass:p12pass'],
      { cwd: p.dir, encoding: 'utf8' },
    );
    if (legacy.status === 0) {
      const message = await failsAsync(identityFromPkcs12(readFileSync(join(p.dir, 'legacy.p12')), 'p12pass', 'legacy.p12'), 'SIGNING_KEY_INVALID');
      assert.match(message, /legacy PKCS#12 cipher/);
    }
    await failsAsync(identityFromPkcs12(Buffer.from('not pkcs12'), 'p12pass', 'x.p12'), 'SIGNING_KEY_INVALID');
  });
});
