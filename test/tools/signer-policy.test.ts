/**
 * Issue 13, "must be rejected": signers every verifier here once called valid. Each is signed for
 * real (PDF, .p7s, Sigstore bundle) with a chain from the OpenSSL matrix (test/support/pki-matrix.ts),
 * `openssl verify -x509_strict` says why the path is bad (the oracle), and our verifiers must say
 * `untrusted` with the failing check, the same for every signature form. Identity pinning runs
 * through real `infracast verify` processes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { signDetached } from '../../src/signing/cms.js';
import { verifyDetachedCms } from '../../src/signing/cms-verify.js';
import { signPdf, verifyPdf } from '../../src/signing/pdf.js';
import { bundleSerialize, inTotoStatement, PREDICATE_TYPE, signKeyless, signWithKey, verifyBundle } from '../../src/signing/sigstore.js';
import type { TrustAnchors, Verification } from '../../src/signing/verification.js';
import { runCli } from '../support/cli.js';
import { chainMatrix, opensslVerify, type ChainMatrix, type MatrixCell } from '../support/pki-matrix.js';
import { startSigstoreMock } from '../support/sigstore-mock.js';
import { requireTool } from '../support/tools.js';
import { createHash, createPublicKey } from 'node:crypto';

const DATA = Buffer.from('{"report":"gap-analysis","tenant":"acme"}\n');
const CLAIMED = new Date();

function setUp(t: TestContext): ChainMatrix | undefined {
  if (!requireTool(t, 'OpenSSL', 'openssl')) return undefined;
  return chainMatrix();
}

async function samplePdf(): Promise<Uint8Array> {
  const lib = await import('@cantoo/pdf-lib');
  const doc = await lib.PDFDocument.create();
  const font = await doc.embedFont(lib.StandardFonts.Helvetica);
  doc.addPage([612, 792]).drawText('Gap analysis: 3 findings.', { x: 54, y: 720, size: 12, font });
  return doc.save();
}

const signer = (m: ChainMatrix, cell: MatrixCell) => ({ key: m.pem(cell.key), chain: m.chainOf(cell) });
const trustOf = (m: ChainMatrix, extra: Partial<TrustAnchors> = {}): TrustAnchors => ({ caPem: m.pem('root.crt'), ...extra });
const failing = (v: Verification): string[] => v.checks.filter((c) => c.result === 'fail').map((c) => `${c.name}: ${c.detail ?? ''}`);

async function signedPdf(m: ChainMatrix, cell: MatrixCell): Promise<Uint8Array> {
  return signPdf({
    pdf: await samplePdf(),
    ...signer(m, cell),
    metadata: { tenant: 'acme', framework: 'SOC2', report_type: 'gap-analysis', generated_at: '2026-01-15T10:00:00Z', signer: 'compliance@acme.com' },
    claimedAt: CLAIMED,
  });
}

const reportStatement = (name: string) =>
  inTotoStatement(
    { name, sha256: createHash('sha256').update(DATA).digest('hex') },
    {
      tenant: 'acme',
      framework: 'SOC2',
      report_type: 'gap-analysis',
      format: 'json',
      generated_at: '2026-01-15T10:00:00Z',
      report_data_sha256: '0'.repeat(64),
      signer: { kind: 'key' },
      generator: { name: 'infracast', version: '0.0.0' },
    },
  );

async function signedBundle(m: ChainMatrix, cell: MatrixCell, name = 'report.json'): Promise<unknown> {
  const statement = reportStatement(name);
  assert.equal(statement.predicateType, PREDICATE_TYPE);
  return signWithKey({ statement, ...signer(m, cell) });
}

/** Status `untrusted` with the named check failing and saying `why`. */
function expectUntrusted(v: Verification, check: string, why: RegExp): void {
  assert.equal(v.status, 'untrusted', JSON.stringify(v.checks, null, 2));
  const found = v.checks.find((c) => c.name === check && c.result === 'fail');
  assert.ok(found, `${check} should fail: ${failing(v).join('; ')}`);
  assert.match(found.detail ?? '', why);
}

describe('signers that must be rejected (issue 13)', () => {
  it('a signer below a sub-CA of a pathlen:0 CA: openssl error 25; PDF and .p7s untrusted (path-length)', async (t) => {
    const m = setUp(t);
    if (!m) return;
    const cell = m.cell('pathlen:0 -> sub-CA -> signer');
    const oracle = opensslVerify(m, cell, new Date());
    assert.equal(oracle.error, 25, oracle.output);
    expectUntrusted(await verifyPdf(await signedPdf(m, cell), trustOf(m)), 'chain', /path-length/);
    expectUntrusted(await verifyDetachedCms(await signDetached({ data: DATA, ...signer(m, cell) }), DATA, trustOf(m)), 'chain', /path-length/);
    // The same signer one level up is fine: the rejection is the pathLen rule, nothing else.
    const ok = m.cell('pathlen:0 -> signer');
    assert.equal((await verifyDetachedCms(await signDetached({ data: DATA, ...signer(m, ok) }), DATA, trustOf(m))).status, 'valid');
  });

  it('a signer with an unknown critical extension: openssl error 34; PDF, .p7s and bundle untrusted', async (t) => {
    const m = setUp(t);
    if (!m) return;
    const cell = m.cell('signer with an unknown critical extension');
    const oracle = opensslVerify(m, cell, new Date());
    assert.equal(oracle.error, 34, oracle.output);
    expectUntrusted(await verifyPdf(await signedPdf(m, cell), trustOf(m)), 'chain', /unknown-critical-extension: .*1\.3\.6\.1\.4\.1\.55738\.666\.1/);
    expectUntrusted(await verifyDetachedCms(await signDetached({ data: DATA, ...signer(m, cell) }), DATA, trustOf(m)), 'chain', /unknown-critical-extension/);
    expectUntrusted(
      await verifyBundle({ bundle: await signedBundle(m, cell), artifact: DATA, trust: trustOf(m) }),
      'dsse-signature',
      /unknown-critical-extension/,
    );
  });

  it('a keyEncipherment-only signer: the same signer policy, the same status, through a bundle, a PDF and a .p7s', async (t) => {
    const m = setUp(t);
    if (!m) return;
    const cell = m.cell('signer keyEncipherment only (a path rule does not care)');
    assert.ok(opensslVerify(m, cell, new Date()).ok, 'the path itself is fine: the usage is what is wrong');
    const why = /keyUsage allows neither digitalSignature nor nonRepudiation/;
    expectUntrusted(await verifyBundle({ bundle: await signedBundle(m, cell), artifact: DATA, trust: trustOf(m) }), 'key-usage', why);
    expectUntrusted(await verifyPdf(await signedPdf(m, cell), trustOf(m)), 'key-usage', why);
    expectUntrusted(await verifyDetachedCms(await signDetached({ data: DATA, ...signer(m, cell) }), DATA, trustOf(m)), 'key-usage', why);
    // Also giving the bare public key does not bypass the certificate's policy.
    const publicKeyPem = createPublicKey(m.pem(cell.key)).export({ type: 'spki', format: 'pem' }).toString();
    expectUntrusted(await verifyBundle({ bundle: await signedBundle(m, cell), artifact: DATA, trust: trustOf(m, { publicKeyPem }) }), 'key-usage', why);
  });

  it('--identity and --issuer pin X.509 signers in PDF, .p7s and bundle alike; a bare key names no identity', async (t) => {
    const m = setUp(t);
    if (!m) return;
    const other = m.cell('signer other@acme.com');
    const pdf = await signedPdf(m, other);
    const p7s = await signDetached({ data: DATA, ...signer(m, other) });
    const bundle = await signedBundle(m, other);
    const all = async (trust: TrustAnchors): Promise<Verification[]> => [
      await verifyPdf(pdf, trust),
      await verifyDetachedCms(p7s, DATA, trust),
      await verifyBundle({ bundle, artifact: DATA, trust }),
    ];
    for (const v of await all(trustOf(m, { identity: 'compliance@acme.com' }))) expectUntrusted(v, 'identity', /other@acme\.com, .*not compliance@acme\.com/);
    for (const v of await all(trustOf(m, { identity: 'other@ACME.com' }))) assert.equal(v.status, 'valid', failing(v).join('; '));
    for (const v of await all(trustOf(m, { identity: 'Other signer', issuer: 'Issuing CA' }))) assert.equal(v.status, 'valid', failing(v).join('; '));
    for (const v of await all(trustOf(m, { identity: 'CN=Other signer, O=Matrix', issuer: 'CN = Issuing CA, O = Matrix' })))
      assert.equal(v.status, 'valid', failing(v).join('; '));
    for (const v of await all(trustOf(m, { issuer: 'Matrix Root' }))) expectUntrusted(v, 'identity', /issued by CN=Issuing CA, O=Matrix, not Matrix Root/);

    const publicKeyPem = createPublicKey(m.pem(other.key)).export({ type: 'spki', format: 'pem' }).toString();
    const bare = await verifyBundle({ bundle, artifact: DATA, trust: { publicKeyPem, identity: 'other@acme.com' } });
    expectUntrusted(bare, 'identity', /bare public key, which names no identity/);
    assert.equal((await verifyBundle({ bundle, artifact: DATA, trust: { publicKeyPem } })).status, 'valid', 'without a pin the key alone is trusted');
  });
});

describe('keyless bundles: codeSigning Fulcio certificates pass the same validator and policy', () => {
  it('a keyless bundle from the loopback Fulcio is valid, its certificate path validated at the log time', async () => {
    const mock = await startSigstoreMock();
    const saved = { ...process.env };
    try {
      delete process.env.SIGSTORE_ID_TOKEN;
      Object.assign(process.env, mock.env);
      const bundle = await signKeyless({ statement: reportStatement('report.json'), fulcioURL: mock.url, rekorURL: mock.url, tlog: true });
      const v = await verifyBundle({ bundle, artifact: DATA, trust: { trustedRootJson: mock.trustedRoot, identity: mock.identity, issuer: mock.issuer } });
      assert.equal(v.status, 'valid', failing(v).join('; '));
      assert.match(v.checks.find((c) => c.name === 'dsse-signature')?.detail ?? '', /the Fulcio certificate path is valid \(RFC 5280\)/);
    } finally {
      for (const name of Object.keys(mock.env)) if (saved[name] === undefined) delete process.env[name];
      Object.assign(process.env, saved);
      await mock.close();
    }
  });
});

describe('infracast verify --identity (real CLI processes)', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('an X.509 signer other@acme.com: --identity compliance@acme.com exits non-zero untrusted; the right identity is valid', async (t) => {
    const m = setUp(t);
    if (!m) return;
    const dir = mkdtempSync(join(tmpdir(), 'infracast-identity-'));
    dirs.push(dir);
    const other = m.cell('signer other@acme.com');
    writeFileSync(join(dir, 'report.json'), DATA);
    writeFileSync(join(dir, 'report.json.p7s'), await signDetached({ data: DATA, ...signer(m, other) }));
    writeFileSync(join(dir, 'report.json.sigstore.json'), bundleSerialize((await signedBundle(m, other)) as Parameters<typeof bundleSerialize>[0]));
    writeFileSync(join(dir, 'report.pdf'), await signedPdf(m, other));
    writeFileSync(join(dir, 'root.crt'), m.pem('root.crt'));

    for (const file of ['report.json', 'report.pdf']) {
      const wrong = runCli(['verify', file, '--ca', 'root.crt', '--identity', 'compliance@acme.com', '--verbose'], { cwd: dir });
      assert.notEqual(wrong.status, 0, wrong.stdout + wrong.stderr);
      const report = JSON.parse(wrong.stdout) as {
        status: string;
        valid: boolean;
        checks: { performed: { name: string; result: string; signature: string }[] };
      };
      assert.equal(report.status, 'untrusted', wrong.stdout);
      assert.equal(report.valid, false);
      const identityFailures = report.checks.performed.filter((c) => c.name === 'identity' && c.result === 'fail').map((c) => c.signature);
      assert.deepEqual(identityFailures.sort(), file === 'report.pdf' ? ['pdf'] : ['bundle', 'p7s'], wrong.stdout);
      assert.match(wrong.stderr, /untrusted/);

      const right = runCli(['verify', file, '--ca', 'root.crt', '--identity', 'other@acme.com'], { cwd: dir });
      assert.equal(right.status, 0, right.stdout + right.stderr);
      assert.equal((JSON.parse(right.stdout) as { status: string }).status, 'valid');
    }
  });
});
