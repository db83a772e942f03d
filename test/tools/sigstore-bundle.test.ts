/**
 * Sigstore sidecar bundles (src/signing/sigstore.ts): local-key bundles (RSA and P-256, with and
 * without an RFC 3161 token from the loopback `openssl ts -reply` TSA) and keyless bundles against
 * the loopback Sigstore mock (fake GitHub OIDC + @sigstore/mock Fulcio/Rekor/TSA). Every verdict of
 * verifyBundle is exercised (valid, untrusted, tampered, malformed), and OpenSSL checks the same
 * bundles independently: the DSSE PAE signature (`openssl dgst -verify`) and the token
 * (`openssl ts -verify`). Skips without openssl, fails in CI (test/support/tools.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { isInfracastError } from '../../src/errors.js';
import {
  bundleSerialize,
  inTotoStatement,
  PAYLOAD_TYPE,
  PREDICATE_TYPE,
  signKeyless,
  signWithKey,
  verifyBundle,
  type ReportPredicate,
  type SerializedBundle,
} from '../../src/signing/sigstore.js';
import type { TrustAnchors, Verification } from '../../src/signing/verification.js';
import { loopbackTsa, testPki, type Pki } from '../support/pki.js';
import { startSigstoreMock, type SigstoreMock } from '../support/sigstore-mock.js';
import { requireTool } from '../support/tools.js';

const artifact = new TextEncoder().encode('{"tenant":"acme","framework":"SOC2","findings":[]}\n');
const NAME = 'soc2-acme-2026-01-15.json';
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const predicate = (kind: 'key' | 'keyless'): ReportPredicate => ({
  tenant: 'acme',
  framework: 'SOC2',
  report_type: 'gap-analysis',
  format: 'json',
  generated_at: '2026-01-15T10:00:00Z',
  report_data_sha256: sha256(new TextEncoder().encode('report data')),
  signer: { kind },
  generator: { name: 'infracast', version: '0.1.0' },
});
const statement = (kind: 'key' | 'keyless' = 'key') => inTotoStatement({ name: NAME, sha256: sha256(artifact) }, predicate(kind));

function setUp(t: TestContext): Pki | undefined {
  if (!requireTool(t, 'OpenSSL', 'openssl')) return undefined;
  return testPki();
}

function openssl(p: Pki, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('openssl', args, { cwd: p.dir, encoding: 'utf8' });
  return { ok: result.status === 0, output: result.stdout + result.stderr };
}

/** The public key PEM of a PKI key file. */
function publicKeyOf(p: Pki, keyFile: string): string {
  const result = spawnSync('openssl', ['pkey', '-in', keyFile, '-pubout'], { cwd: p.dir, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

const clone = (b: SerializedBundle): any => JSON.parse(JSON.stringify(b));
const envelopeOf = (b: any): { payload: string; payloadType: string; signatures: { sig: string }[] } => b.dsseEnvelope;
const check = (v: Verification, name: string) => v.checks.find((c) => c.name === name);

function expectStatus(v: Verification, status: Verification['status'], failing?: string): void {
  assert.equal(v.status, status, JSON.stringify(v, null, 2));
  if (status !== 'valid') assert.equal(v.signed_by, undefined, 'only a valid verification names the signer');
  if (failing) assert.equal(check(v, failing)?.result, 'fail', `${failing} should fail: ${JSON.stringify(v.checks)}`);
}

const kinds = [
  { kind: 'rsa', label: 'RSA', key: 'leaf-rsa.key', chain: (p: Pki) => p.rsaChain },
  { kind: 'ec', label: 'ECDSA P-256', key: 'leaf-ec.key', chain: (p: Pki) => p.ecChain },
] as const;

describe('signing: Sigstore bundles with a local key', () => {
  for (const k of kinds) {
    for (const withTsa of [false, true]) {
      it(`${k.label}${withTsa ? ' + RFC 3161 TSA' : ''}: valid with --key and with --ca, openssl agrees`, async (t) => {
        const p = setUp(t);
        if (!p) return;
        const tsa = withTsa ? await loopbackTsa(p) : undefined;
        const before = tsa?.requests() ?? 0;
        const bundle = await signWithKey({ statement: statement(), key: p.pem(k.key), chain: k.chain(p), ...(tsa ? { timestamp: { url: tsa.url } } : {}) });
        assert.equal(bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
        const material = bundle.verificationMaterial;
        assert.ok(material.publicKey, 'a local-key bundle names its key by hint');
        const pub = publicKeyOf(p, k.key);
        const spki = spawnSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: pub });
        assert.equal(material.publicKey.hint, sha256(spki.stdout), 'hint = sha256(SPKI DER)');
        assert.equal(material.tlogEntries?.length ?? 0, 0, 'no transparency log for local keys');
        assert.equal(material.timestampVerificationData?.rfc3161Timestamps?.length ?? 0, withTsa ? 1 : 0);
        if (tsa) assert.equal(tsa.requests(), before + 1);
        assert.ok(!JSON.stringify(bundle).includes('PRIVATE KEY'));
        const signedStatement = JSON.parse(Buffer.from(envelopeOf(bundle).payload, 'base64').toString('utf8'));
        assert.equal(signedStatement.predicateType, PREDICATE_TYPE);
        assert.equal(signedStatement.predicate.signer.email, 'compliance@acme.com');
        assert.equal(signedStatement.predicate.signer.certificate_chain.length, 3, 'leaf, issuing CA, root');

        const byKey = await verifyBundle({ bundle, artifact, artifactName: NAME, trust: { publicKeyPem: pub } });
        expectStatus(byKey, 'valid');
        assert.equal(byKey.signed_by, `sha256:${material.publicKey.hint}`);
        assert.equal(byKey.tenant, 'acme');
        assert.equal(byKey.framework, 'SOC2');
        assert.equal(byKey.report_type, 'gap-analysis');
        assert.equal(byKey.generated_at, '2026-01-15T10:00:00Z');
        assert.equal(byKey.format, 'json');
        assert.equal(byKey.signed_content_sha256, sha256(artifact));
        // --key alone does not trust the TSA: the token is intact but its time is not used.
        if (withTsa) {
          assert.equal(byKey.signed_at, undefined);
          assert.equal(check(byKey, 'timestamp')?.result, 'fail');
        }

        const byCa = await verifyBundle({ bundle, artifact, artifactName: NAME, trust: { caPem: p.pem('root.crt') } });
        expectStatus(byCa, 'valid');
        assert.equal(byCa.signed_by, 'compliance@acme.com');
        if (withTsa) {
          assert.equal(byCa.signed_at_source, 'rfc3161');
          assert.match(byCa.signed_at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
          assert.ok(Math.abs(Date.parse(byCa.signed_at!) - Date.now()) < 5 * 60_000, byCa.signed_at);
        } else {
          assert.equal(byCa.signed_at, undefined);
          assert.equal(check(byCa, 'timestamp')?.result, 'skipped');
        }

        // Independent check: the DSSE PAE signature with openssl dgst, the token with openssl ts.
        const env = envelopeOf(bundle);
        const body = Buffer.from(env.payload, 'base64');
        const pae = Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(env.payloadType)} ${env.payloadType} ${body.length} `), body]);
        const sig = Buffer.from(env.signatures[0]!.sig, 'base64');
        writeFileSync(join(p.dir, `${k.kind}.pae`), pae);
        writeFileSync(join(p.dir, `${k.kind}.sig`), sig);
        writeFileSync(join(p.dir, `${k.kind}.pub`), pub);
        const dgst = openssl(p, ['dgst', '-sha256', '-verify', `${k.kind}.pub`, '-signature', `${k.kind}.sig`, `${k.kind}.pae`]);
        assert.ok(dgst.ok && dgst.output.includes('Verified OK'), dgst.output);
        assert.equal(signedStatement.subject[0].digest.sha256, sha256(artifact));
        if (withTsa) {
          // The bundle stores the whole TimeStampResp (Sigstore spec), which `openssl ts -verify -in` reads as is.
          const response = Buffer.from(material.timestampVerificationData!.rfc3161Timestamps![0]!.signedTimestamp, 'base64');
          writeFileSync(join(p.dir, `${k.kind}.tsr`), response);
          const ts = openssl(p, ['ts', '-verify', '-data', `${k.kind}.sig`, '-in', `${k.kind}.tsr`, '-CAfile', 'root.crt', '-untrusted', 'chain.pem']);
          assert.ok(ts.ok && ts.output.includes('Verification: OK'), ts.output);
        }
      });
    }
  }

  it('the sidecar text is deterministic: sorted keys, 2-space indent, trailing newline, round-trips', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const bundle = await signWithKey({ statement: statement(), key: p.pem('leaf-ec.key') });
    const text = bundleSerialize(bundle);
    assert.ok(text.endsWith('}\n'));
    assert.ok(text.startsWith('{\n  "dsseEnvelope": {'), text.slice(0, 40));
    assert.equal(bundleSerialize(JSON.parse(text)), text);
    const v = await verifyBundle({ bundle: JSON.parse(text), artifact, trust: { publicKeyPem: publicKeyOf(p, 'leaf-ec.key') } });
    expectStatus(v, 'valid');
  });

  it('untrusted: intact, but the other root, a wrong key, or no trust anchor at all', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const tsa = await loopbackTsa(p);
    const bundle = await signWithKey({ statement: statement(), key: p.pem('leaf-rsa.key'), chain: p.rsaChain, timestamp: { url: tsa.url } });
    const cases: [string, TrustAnchors][] = [
      ['other root', { caPem: p.pem('other-root.crt') }],
      ['wrong key', { publicKeyPem: publicKeyOf(p, 'leaf-ec.key') }],
      ['no trust', {}],
    ];
    for (const [label, trust] of cases) {
      const v = await verifyBundle({ bundle, artifact, artifactName: NAME, trust });
      expectStatus(v, 'untrusted', 'dsse-signature');
      assert.equal(v.signed_at, undefined, label);
    }
    // A signer under the other root, verified against the test root: intact, not trusted.
    const other = await signWithKey({ statement: statement(), key: p.pem('other-leaf.key'), chain: p.otherChain });
    expectStatus(await verifyBundle({ bundle: other, artifact, trust: { caPem: p.pem('root.crt') } }), 'untrusted', 'dsse-signature');
    // ...and against its own root it is valid: the verdict above is about trust, not the bundle.
    expectStatus(await verifyBundle({ bundle: other, artifact, trust: { caPem: p.pem('other-root.crt') } }), 'valid');
    // An untrusted TSA does not degrade a trusted signature: its time is just not used.
    const v = await verifyBundle({ bundle, artifact, trust: { publicKeyPem: publicKeyOf(p, 'leaf-rsa.key'), caPem: p.pem('other-root.crt') } });
    expectStatus(v, 'valid');
    assert.equal(check(v, 'timestamp')?.result, 'fail');
    assert.equal(v.signed_at, undefined);
  });

  it('tampered: one artifact byte, the DSSE payload, its payloadType, the signature, the token; a renamed file is a note', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const tsa = await loopbackTsa(p);
    const bundle = await signWithKey({ statement: statement(), key: p.pem('leaf-ec.key'), chain: p.ecChain, timestamp: { url: tsa.url } });
    const trust: TrustAnchors = { caPem: p.pem('root.crt'), publicKeyPem: publicKeyOf(p, 'leaf-ec.key') };

    const changed = artifact.slice();
    changed[5] = changed[5]! ^ 0x01;
    const byteFlip = await verifyBundle({ bundle, artifact: changed, artifactName: NAME, trust });
    expectStatus(byteFlip, 'tampered', 'subject-digest');
    assert.equal(check(byteFlip, 'dsse-signature')?.result, 'pass', 'the envelope itself is intact');

    const payloadEdit = clone(bundle);
    const edited = Buffer.from(envelopeOf(payloadEdit).payload, 'base64').toString('utf8').replace('"tenant":"acme"', '"tenant":"ccme"');
    assert.ok(edited.includes('ccme'));
    envelopeOf(payloadEdit).payload = Buffer.from(edited).toString('base64');
    const pv = await verifyBundle({ bundle: payloadEdit, artifact, artifactName: NAME, trust });
    expectStatus(pv, 'tampered', 'dsse-signature');
    assert.equal(pv.tenant, undefined, 'no metadata from an unverified statement');

    const sigEdit = clone(bundle);
    const sig = Buffer.from(envelopeOf(sigEdit).signatures[0]!.sig, 'base64');
    sig[sig.length - 3] = sig[sig.length - 3]! ^ 0x40;
    envelopeOf(sigEdit).signatures[0]!.sig = sig.toString('base64');
    expectStatus(await verifyBundle({ bundle: sigEdit, artifact, artifactName: NAME, trust }), 'tampered', 'dsse-signature');

    // The last byte of the token is the end of the TSA's signature value.
    const tokenEdit = clone(bundle);
    const token = Buffer.from(tokenEdit.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp, 'base64');
    token[token.length - 1] = token[token.length - 1]! ^ 0x01;
    tokenEdit.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp = token.toString('base64');
    const tv = await verifyBundle({ bundle: tokenEdit, artifact, artifactName: NAME, trust });
    expectStatus(tv, 'tampered', 'timestamp');
    assert.equal(check(tv, 'dsse-signature')?.result, 'pass');
    assert.equal(tv.signed_at, undefined);

    // The payload type is inside the DSSE PAE: changed, the signature no longer verifies, with --key or with --ca alone.
    const typeEdit = clone(bundle);
    envelopeOf(typeEdit).payloadType = 'text/plain';
    expectStatus(await verifyBundle({ bundle: typeEdit, artifact, artifactName: NAME, trust }), 'tampered', 'dsse-signature');
    expectStatus(await verifyBundle({ bundle: typeEdit, artifact, artifactName: NAME, trust: { caPem: p.pem('root.crt') } }), 'tampered', 'dsse-signature');
    const typeCase = clone(bundle);
    envelopeOf(typeCase).payloadType = PAYLOAD_TYPE.toUpperCase();
    expectStatus(await verifyBundle({ bundle: typeCase, artifact, artifactName: NAME, trust }), 'tampered', 'dsse-signature');

    // A renamed download (the browser's "report (1).json"): the digest decides, the name is a note.
    const renamed = await verifyBundle({ bundle, artifact, artifactName: 'soc2 (1).json', trust });
    expectStatus(renamed, 'valid');
    assert.equal(check(renamed, 'subject-digest')?.result, 'pass');
    assert.equal(check(renamed, 'subject-name')?.result, 'pass');
    assert.match(check(renamed, 'subject-name')?.detail ?? '', /named soc2 \(1\)\.json; it was signed as /);
    assert.equal(
      check(await verifyBundle({ bundle, artifact, artifactName: NAME, trust }), 'subject-name'),
      undefined,
      'no note when the name is the signed one',
    );
  });

  it('malformed: not JSON, not a bundle, hostile shapes; never throws', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const trust: TrustAnchors = { caPem: p.pem('root.crt') };
    const good = await signWithKey({ statement: statement(), key: p.pem('leaf-ec.key'), chain: p.ecChain });
    const noSignatures = clone(good);
    envelopeOf(noSignatures).signatures = [];
    const hostile: unknown[] = [
      'not json at all',
      null,
      42,
      [],
      {},
      { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' },
      { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', dsseEnvelope: { payload: 12, signatures: 'x' }, verificationMaterial: 'x' },
      { __proto__: { polluted: true }, dsseEnvelope: null },
      noSignatures,
    ];
    for (const bundle of hostile) {
      const v = await verifyBundle({ bundle, artifact, trust });
      expectStatus(v, 'malformed', 'bundle-parse');
    }
  });

  it('a key that does not belong to the chain, or an unsupported key, fails without echoing the key', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const key = p.pem('leaf-ec.key');
    await assert.rejects(
      signWithKey({ statement: statement(), key, chain: p.rsaChain }),
      (e: unknown) => isInfracastError(e) && e.code === 'SIGNING_KEY_INVALID' && !e.message.includes('PRIVATE'),
    );
    const garbage = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n';
    await assert.rejects(
      signWithKey({ statement: statement(), key: garbage }),
      (e: unknown) => isInfracastError(e) && e.code === 'SIGNING_KEY_INVALID' && !JSON.stringify(e.toJSON()).includes('c2VjcmV0'),
    );
  });
});

describe('signing: keyless Sigstore bundles against a loopback Sigstore', () => {
  let mock: SigstoreMock | undefined;
  const saved: Record<string, string | undefined> = {};
  const ENV = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'SIGSTORE_ID_TOKEN'] as const;
  before(async () => {
    for (const name of ENV) saved[name] = process.env[name];
    mock = await startSigstoreMock();
  });
  after(async () => {
    for (const name of ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await mock?.close();
  });
  const useOidcEnv = (m: SigstoreMock): void => {
    delete process.env.SIGSTORE_ID_TOKEN;
    Object.assign(process.env, m.env);
  };

  it('GitHub OIDC -> Fulcio -> Rekor dsse entry; verifies with the trusted root and identity policy; wrong identity is untrusted', async () => {
    const m = mock!;
    useOidcEnv(m);
    const before = { ...m.requests };
    const bundle = await signKeyless({ statement: statement('keyless'), fulcioURL: m.url, rekorURL: m.url, tlog: true });
    assert.deepEqual(
      {
        oidc: m.requests.oidc - before.oidc,
        fulcio: m.requests.fulcio - before.fulcio,
        rekor: m.requests.rekor - before.rekor,
        tsa: m.requests.tsa - before.tsa,
      },
      { oidc: 1, fulcio: 1, rekor: 1, tsa: 0 },
    );
    assert.equal(bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
    assert.ok(bundle.verificationMaterial.certificate, 'a keyless bundle carries the Fulcio certificate');
    assert.equal(bundle.verificationMaterial.tlogEntries.length, 1);
    assert.equal(bundle.verificationMaterial.tlogEntries[0]!.kindVersion?.kind, 'dsse', 'dsse entries, never intoto');

    const trust: TrustAnchors = { trustedRootJson: m.trustedRoot, identity: m.identity, issuer: m.issuer };
    const v = await verifyBundle({ bundle, artifact, artifactName: NAME, trust });
    expectStatus(v, 'valid');
    assert.equal(v.signed_by, m.identity);
    assert.equal(v.signed_at_source, 'transparency-log');
    assert.match(v.signed_at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(v.tenant, 'acme');

    expectStatus(
      await verifyBundle({ bundle, artifact, trust: { ...trust, identity: 'https://github.com/evil/repo/.github/workflows/x.yml@refs/heads/main' } }),
      'untrusted',
      'dsse-signature',
    );
    expectStatus(await verifyBundle({ bundle, artifact, trust: { ...trust, issuer: 'https://accounts.example.com' } }), 'untrusted', 'dsse-signature');
    expectStatus(await verifyBundle({ bundle, artifact, trust: { identity: m.identity } }), 'untrusted', 'dsse-signature');
    // A hostile trusted root is no trust anchor, not a crash.
    const hostileRoot = {
      tlogs: 'x',
      certificateAuthorities: [{ certChain: { certificates: [{ rawBytes: 'AAAA' }] } }],
      timestampAuthorities: [{ certChain: 7 }],
    };
    expectStatus(await verifyBundle({ bundle, artifact, trust: { ...trust, trustedRootJson: hostileRoot } }), 'untrusted', 'dsse-signature');
    // A keyless bundle under another Sigstore's root: intact, untrusted.
    const other = await startSigstoreMock();
    try {
      expectStatus(await verifyBundle({ bundle, artifact, trust: { ...trust, trustedRootJson: other.trustedRoot } }), 'untrusted', 'dsse-signature');
    } finally {
      await other.close();
    }
    const changed = artifact.slice();
    changed[0] = 0x20;
    expectStatus(await verifyBundle({ bundle, artifact: changed, trust }), 'tampered', 'subject-digest');
    const payloadEdit = clone(bundle);
    envelopeOf(payloadEdit).payload = Buffer.from(Buffer.from(envelopeOf(payloadEdit).payload, 'base64').toString('utf8').replace('acme', 'ccme')).toString(
      'base64',
    );
    expectStatus(await verifyBundle({ bundle: payloadEdit, artifact, trust }), 'tampered', 'dsse-signature');
  });

  it('tlog: false with the Sigstore TSA: no Rekor entry, an RFC 3161 time instead', async () => {
    const m = mock!;
    useOidcEnv(m);
    const rekorBefore = m.requests.rekor;
    const bundle = await signKeyless({ statement: statement('keyless'), fulcioURL: m.url, rekorURL: m.url, tsaURL: m.url, tlog: false });
    assert.equal(m.requests.rekor, rekorBefore, 'nothing sent to Rekor');
    assert.equal(bundle.verificationMaterial.tlogEntries?.length ?? 0, 0);
    assert.equal(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length, 1);
    const v = await verifyBundle({ bundle, artifact, artifactName: NAME, trust: { trustedRootJson: m.trustedRoot, identity: m.identity, issuer: m.issuer } });
    expectStatus(v, 'valid');
    assert.equal(v.signed_at_source, 'rfc3161');
    await assert.rejects(
      signKeyless({ statement: statement('keyless'), fulcioURL: m.url, rekorURL: m.url, tlog: false }),
      (e: unknown) => isInfracastError(e) && e.code === 'USAGE',
    );
  });

  it('no OIDC token in the environment: exit 3 naming `permissions: id-token: write`', async () => {
    const m = mock!;
    for (const name of ENV) delete process.env[name];
    const before = m.requests.fulcio;
    await assert.rejects(signKeyless({ statement: statement('keyless'), fulcioURL: m.url, rekorURL: m.url, tlog: true }), (e: unknown) => {
      assert.ok(isInfracastError(e), String(e));
      assert.equal(e.code, 'OIDC_TOKEN_UNAVAILABLE');
      assert.equal(e.exitCode, 3);
      assert.ok(
        e.hints.some((h) => h.includes('permissions: id-token: write')),
        e.hints.join('\n'),
      );
      return true;
    });
    assert.equal(m.requests.fulcio, before, 'Fulcio is not asked without a token');
    // A wrong request token: GitHub's endpoint refuses, still exit 3.
    Object.assign(process.env, { ...m.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong' });
    await assert.rejects(
      signKeyless({ statement: statement('keyless'), fulcioURL: m.url, rekorURL: m.url, tlog: true }),
      (e: unknown) => isInfracastError(e) && e.exitCode === 3,
    );
  });
});
