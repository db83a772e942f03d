/**
 * Foreign but standards-conforming signatures (issue 13): CMS made by `openssl cms -sign`, not by our
 * signer, are `valid` (or `untrusted`) with a `profile` saying which baseline they meet, and OpenSSL
 * agrees they verify; what no conforming signer writes, and every single-byte change of our own CMS,
 * stays `tampered` or `malformed`. Look-alike chains are `untrusted`, edited certificates `tampered`.
 * Skips without OpenSSL (fails in CI).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { addTimestampToken, OID, signatureValue, signDetached } from '../../src/signing/cms.js';
import { verifyDetachedCms } from '../../src/signing/cms-verify.js';
import { cmsEncoding } from '../../src/signing/cms-encoding.js';
import { verifyPdf } from '../../src/signing/pdf.js';
import { requestTimestamp } from '../../src/signing/tsa.js';
import type { TrustAnchors, Verification } from '../../src/signing/verification.js';
import { opensslDetachedCms, opensslSignedPdf, signedParts } from '../support/foreign-signature.js';
import { loopbackTsa, nssDb, opensslCmsVerify, reissueSigner, testPki, type Pki } from '../support/pki.js';
import { requireTool } from '../support/tools.js';

const DATA = Buffer.from('Control AC-2: accounts reviewed quarterly; evidence attached.\n'.repeat(40));

function setUp(t: TestContext): Pki | undefined {
  if (!requireTool(t, 'OpenSSL', 'openssl')) return undefined;
  return testPki();
}

const check = (v: Verification, name: string) => v.checks.find((c) => c.name === name);
function expectStatus(v: Verification, status: Verification['status'], failing?: string): void {
  assert.equal(v.status, status, JSON.stringify(v.checks, null, 2));
  if (failing) assert.equal(check(v, failing)?.result, 'fail', `${failing} should fail: ${JSON.stringify(v.checks)}`);
}

/** `openssl cms -verify` of `cms` over DATA, trusting only the test root. */
function opensslSays(p: Pki, cms: Uint8Array, data: Uint8Array = DATA, name = 'case'): boolean {
  const dir = join(p.dir, 'oracle');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.p7s`), cms);
  writeFileSync(join(dir, `${name}.data`), data);
  return opensslCmsVerify(p, join(dir, `${name}.p7s`), join(dir, `${name}.data`)).ok;
}

const trustRoot = (p: Pki): TrustAnchors => ({ caPem: p.pem('root.crt') });

describe('foreign CMS (.p7s) from openssl cms -sign', () => {
  const cases = [
    {
      label: 'signingTime, no ESS attribute (openssl default)',
      options: {},
      ess: 'skipped',
      deviations: [/no signingCertificateV2 attribute/],
    },
    { label: 'CAdES-BES: ESS signingCertificateV2 (-cades)', options: { cades: true }, ess: 'pass', baseline: 'CAdES-B-B' },
    { label: 'ESS signingCertificate v1 (-cades -md sha1)', options: { cades: true, extraArgs: ['-md', 'sha1'] }, ess: 'pass', deviations: [/v1 \(SHA-1\)/] },
    { label: 'indefinite-length BER (-stream)', options: { indefinite: true }, ess: 'skipped', deviations: [/no signingCertificateV2/], ber: true },
    { label: 'indefinite-length BER with ESS v2 (-stream -cades)', options: { indefinite: true, cades: true }, ess: 'pass', baseline: 'CAdES-B-B', ber: true },
    {
      label: 'ECDSA P-256 signer, no S/MIME capabilities',
      options: { signer: 'ec' as const, extraArgs: ['-nosmimecap'] },
      ess: 'skipped',
      deviations: [/no signingCertificateV2/],
    },
  ];
  for (const c of cases) {
    it(`${c.label}: OpenSSL verifies it, and so do we (valid, profile)`, async (t) => {
      const p = setUp(t);
      if (!p) return;
      const cms = opensslDetachedCms(p, DATA, c.options);
      assert.equal(cmsEncoding(cms).indefinite, c.ber === true, 'the encoding is the one asked for');
      assert.ok(opensslSays(p, cms), 'openssl cms -verify: CMS Verification successful');
      const v = await verifyDetachedCms(cms, DATA, trustRoot(p));
      expectStatus(v, 'valid');
      assert.equal(check(v, 'signing-certificate-v2')?.result, c.ess);
      assert.equal(v.signed_at_source, 'claimed-by-signer', 'signingTime is the signer’s claim');
      assert.ok(v.profile, 'a profile');
      if (c.baseline) {
        assert.equal(v.profile.baseline, c.baseline);
        assert.deepEqual(v.profile.deviations, ['no signature timestamp (B-T not met)']);
      } else {
        assert.equal(v.profile.baseline, null);
        for (const d of c.deviations ?? [])
          assert.ok(
            v.profile.deviations.some((x) => d.test(x)),
            `${String(d)} in ${v.profile.deviations.join('; ')}`,
          );
      }
      // The same CMS judged as a PDF's: signingTime is a PAdES deviation, and BER too.
      const pades = await verifyDetachedCms(cms, DATA, trustRoot(p), { profile: 'PAdES' });
      assert.equal(pades.profile?.baseline, null);
      assert.ok(pades.profile?.deviations.some((d) => /signingTime attribute \(PAdES/.test(d)));
      if (c.ber) assert.ok(pades.profile?.deviations.some((d) => /BER/.test(d)));
      // Other data: tampered, and OpenSSL agrees.
      const other = Buffer.from(DATA);
      other[10] = other[10]! ^ 0x01;
      expectStatus(await verifyDetachedCms(cms, other, trustRoot(p)), 'tampered', 'cms-integrity');
      assert.equal(opensslSays(p, cms, other, 'other'), false);
    });
  }

  it('an intact foreign CMS under an unrelated root, or with no anchor, is untrusted with its profile', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const cms = opensslDetachedCms(p, DATA, { signer: 'other', cades: true });
    for (const trust of [trustRoot(p), {}]) {
      const v = await verifyDetachedCms(cms, DATA, trust);
      expectStatus(v, 'untrusted', 'chain');
      assert.equal(v.profile?.baseline, 'CAdES-B-B');
    }
  });

  it('an ESS hash that is not the signer certificate’s is tampered; without ESS the same swap is a profile deviation', async (t) => {
    const p = setUp(t);
    if (!p) return;
    // The same key, issuer and serial, re-issued with another validity: what an attacker who holds a
    // second certificate for the key (or the CA) could swap in. The ESS hash is what binds the signer.
    const serial = spawnSync('openssl', ['x509', '-in', 'leaf-rsa.crt', '-noout', '-serial'], { cwd: p.dir, encoding: 'utf8' }).stdout.trim().split('=')[1]!;
    reissueSigner(p, 'twin.crt', { days: 20, serial });
    const der = (name: string) => Buffer.from(new pkijs.Certificate({ schema: asn1js.fromBER(pemDer(p.pem(name))).result }).toSchema().toBER());
    const [original, twin] = [der('leaf-rsa.crt'), der('twin.crt')];
    assert.equal(twin.length, original.length, 'same length, so it can be swapped in place');
    const swap = (cms: Buffer): Buffer => {
      const at = cms.indexOf(original);
      assert.ok(at > 0, 'the signer certificate is in the CMS');
      return Buffer.concat([cms.subarray(0, at), twin, cms.subarray(at + original.length)]);
    };
    const withEss = swap(opensslDetachedCms(p, DATA, { cades: true }));
    writeFileSync(join(p.dir, 'twin.p7s'), withEss);
    writeFileSync(join(p.dir, 'twin.data'), DATA);
    const verifyCades = (file: string) =>
      spawnSync(
        'openssl',
        [
          'cms',
          '-verify',
          '-cades',
          '-binary',
          '-inform',
          'DER',
          '-in',
          file,
          '-content',
          'twin.data',
          '-CAfile',
          'root.crt',
          '-purpose',
          'any',
          '-out',
          '/dev/null',
        ],
        {
          cwd: p.dir,
          encoding: 'utf8',
        },
      );
    // OpenSSL checks the ESS hash when asked (-cades): it refuses the swapped certificate, not the original.
    assert.notEqual(verifyCades('twin.p7s').status, 0, 'openssl cms -verify -cades refuses the swap');
    writeFileSync(join(p.dir, 'untwin.p7s'), opensslDetachedCms(p, DATA, { cades: true }));
    assert.equal(verifyCades('untwin.p7s').status, 0, verifyCades('untwin.p7s').stderr);
    expectStatus(await verifyDetachedCms(withEss, DATA, trustRoot(p)), 'tampered', 'signing-certificate-v2');
    const v1 = swap(opensslDetachedCms(p, DATA, { cades: true, extraArgs: ['-md', 'sha1'] }));
    expectStatus(await verifyDetachedCms(v1, DATA, trustRoot(p)), 'tampered', 'signing-certificate-v2');
    // Without ESS nothing signed names the certificate: RFC 5652 allows it, the profile says so.
    const without = await verifyDetachedCms(swap(opensslDetachedCms(p, DATA)), DATA, trustRoot(p));
    expectStatus(without, 'valid');
    assert.ok(without.profile?.deviations.some((d) => /not bound by the signature/.test(d)));
  });

  it('other unsigned attributes are accepted; a signature timestamp under another attribute type is not', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const tsa = await loopbackTsa(p);
    const base = opensslDetachedCms(p, DATA, { cades: true });
    const { token } = await requestTimestamp(signatureValue(base), { url: tsa.url });
    const withToken = addTimestampToken(base, token);
    const timestamped = await verifyDetachedCms(withToken, DATA, trustRoot(p));
    expectStatus(timestamped, 'valid');
    assert.equal(timestamped.signed_at_source, 'rfc3161');
    assert.equal(timestamped.profile?.baseline, 'CAdES-B-T');

    // CAdES certificate-values (id-aa-ets-certValues) with the chain, as a B-LT-minded signer adds it.
    const withValues = withUnsigned(
      withToken,
      '1.2.840.113549.1.9.16.2.23',
      new asn1js.Sequence({ value: certificatesIn(withToken).map((c) => c.toSchema()) }),
    );
    const values = await verifyDetachedCms(withValues, DATA, trustRoot(p));
    expectStatus(values, 'valid');
    assert.equal(values.profile?.baseline, 'CAdES-B-T');

    // The token moved to the archive-timestamp type: it would vanish as a signature timestamp.
    const moved = renameUnsigned(withToken, OID.signatureTimeStampToken, '1.2.840.113549.1.9.16.2.27');
    const v = await verifyDetachedCms(moved, DATA, trustRoot(p));
    expectStatus(v, 'malformed', 'cms-parse');
    assert.match(check(v, 'cms-parse')?.detail ?? '', /timestamp token over this signature/);
  });
});

describe('single-byte changes of a CMS never pass', () => {
  // Each byte gets one of these XOR masks in turn: bit 0, bit 7, all bits, bit 5, bit 1.
  const MASKS = [0x01, 0x80, 0xff, 0x20, 0x02];
  /**
   * Every byte outside the carried certificates, and every 7th inside them (each is signed by its
   * issuer, which the CMS carries: one check covers them all, and they are most of the bytes).
   */
  async function sweep(cms: Uint8Array, trust: TrustAnchors): Promise<{ misses: string[]; calls: number }> {
    const misses: string[] = [];
    let calls = 0;
    const buffer = Buffer.from(cms);
    // The test PKI's certificates wherever they occur: the CMS bag and the timestamp token's.
    const ranges: (readonly [number, number])[] = [];
    for (const name of ['root.crt', 'inter.crt', 'leaf-rsa.crt', 'leaf-ec.crt', 'tsa.crt']) {
      const der = Buffer.from(pemDer(testPki().pem(name)));
      for (let start = buffer.indexOf(der); start >= 0; start = buffer.indexOf(der, start + 1)) ranges.push([start, start + der.length]);
    }
    const certificateBytes = new Set<number>();
    for (const [start, end] of ranges) for (let at = start; at < end; at++) certificateBytes.add(at);
    for (let at = 0; at < cms.length; at++) {
      if (certificateBytes.has(at) && at % 7 !== 0) continue;
      const bad = Buffer.from(cms);
      const mask = MASKS[at % MASKS.length]!;
      bad[at] = bad[at]! ^ mask;
      calls++;
      const v = await verifyDetachedCms(bad, DATA, trust);
      if (v.status !== 'tampered' && v.status !== 'malformed') misses.push(`byte ${at} ^ ${mask}: ${v.status}`);
    }
    return { misses, calls };
  }

  it('our DER CMS with an RFC 3161 token: every byte flipped, each is tampered or malformed', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const tsa = await loopbackTsa(p);
    const plain = await signDetached({ data: DATA, key: p.pem('leaf-ec.key'), chain: p.ecChain });
    const cms = addTimestampToken(plain, (await requestTimestamp(signatureValue(plain), { url: tsa.url })).token);
    expectStatus(await verifyDetachedCms(cms, DATA, trustRoot(p)), 'valid');
    const started = performance.now();
    const { misses, calls } = await sweep(cms, trustRoot(p));
    t.diagnostic(`${calls} flips of a ${cms.length}-byte CMS, ${((performance.now() - started) / calls).toFixed(1)} ms each`);
    assert.ok(calls > cms.length / 4, 'most of the CMS outside the certificates is swept');
    assert.deepEqual(misses, []);
  });

  it('an openssl indefinite-length BER CMS with ESS v2 and its chain: every byte flipped, each is tampered or malformed', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const cms = opensslDetachedCms(p, DATA, { indefinite: true, cades: true, signer: 'ec' });
    expectStatus(await verifyDetachedCms(cms, DATA, trustRoot(p)), 'valid');
    const { misses } = await sweep(cms, trustRoot(p));
    assert.deepEqual(misses, []);
  });

  it('DER liberties BER would read as the same value are refused: BOOLEAN, unused bits, EOC, trailing bytes', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const cms = Buffer.from(await signDetached({ data: DATA, key: p.pem('leaf-rsa.key'), chain: p.rsaChain }));
    // A critical flag (BOOLEAN FF) in a carried certificate, made 01.
    const boolAt = cms.indexOf(Buffer.from([0x01, 0x01, 0xff]));
    assert.ok(boolAt > 0);
    const bool = Buffer.from(cms);
    bool[boolAt + 2] = 0x01;
    assert.match(cmsEncoding(bool).problem ?? '', /BOOLEAN/);
    expectStatus(await verifyDetachedCms(bool, DATA, trustRoot(p)), 'malformed', 'cms-parse');
    // The outer length two longer, over two zero bytes (the /Contents padding of a PDF).
    const longer = Buffer.concat([cms, Buffer.from([0, 0])]);
    longer.writeUInt16BE(cms.readUInt16BE(2) + 2, 2);
    assert.match(cmsEncoding(longer).problem ?? '', /end-of-contents/);
    expectStatus(await verifyDetachedCms(longer, DATA, trustRoot(p)), 'malformed', 'cms-parse');
    // Trailing bytes after a complete CMS.
    expectStatus(await verifyDetachedCms(Buffer.concat([cms, Buffer.from([0, 0])]), DATA, trustRoot(p)), 'malformed', 'cms-parse');
    // The same CMS with an indefinite outer length and its end-of-contents (four bytes changed, not one):
    // BER a conforming encoder writes, the same signature, so it verifies.
    const indefinite = Buffer.concat([Buffer.from([0x30, 0x80]), cms.subarray(4), Buffer.from([0, 0])]);
    assert.deepEqual(cmsEncoding(indefinite), { indefinite: true });
    expectStatus(await verifyDetachedCms(indefinite, DATA, trustRoot(p)), 'valid');
  });
});

describe('look-alike chains are untrusted, edited certificates tampered', () => {
  /** Look-alike certificates in the PKI folder (made once). */
  function lookAlikes(p: Pki): void {
    if (spawnSync('test', ['-f', join(p.dir, 'fake-root.crt')]).status === 0) return;
    const script = String.raw`set -e
ca() { openssl x509 -req -in $1.csr -CA $2.crt -CAkey $2.key -CAcreateserial -out $1.crt -days 30 -extfile $3 2>/dev/null; }
# The trusted root's very name, another key, self-signed.
openssl req -x509 -newkey rsa:2048 -nodes -keyout fake-root.key -out fake-root.crt -days 30 -subj "/CN=Infracast Test Root CA/O=Acme" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "subjectKeyIdentifier=hash" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout fake-leaf.key -out fake-leaf.csr -subj "/CN=Acme Compliance/O=Acme/emailAddress=compliance@acme.com" 2>/dev/null
ca fake-leaf fake-root leaf.ext
cat fake-leaf.crt fake-root.crt > fake-chain.pem
# The issuing CA's very name under the unrelated root, and a signer below it.
openssl req -newkey rsa:2048 -nodes -keyout twin-inter.key -out twin-inter.csr -subj "/CN=Infracast Test Issuing CA/O=Acme" 2>/dev/null
ca twin-inter other-root inter.ext
openssl req -newkey rsa:2048 -nodes -keyout twin-leaf.key -out twin-leaf.csr -subj "/CN=Acme Compliance/O=Acme/emailAddress=compliance@acme.com" 2>/dev/null
ca twin-leaf twin-inter leaf.ext
cat twin-inter.crt other-root.crt > twin-chain.pem
# A signer whose subject is its issuer: the root's name, self-signed, a document-signing certificate.
openssl req -x509 -newkey rsa:2048 -nodes -keyout self.key -out self.crt -days 30 -subj "/CN=Infracast Test Root CA/O=Acme" \
  -addext "basicConstraints=critical,CA:FALSE" -addext "keyUsage=critical,digitalSignature" -addext "extendedKeyUsage=emailProtection" 2>/dev/null
`;
    const result = spawnSync('sh', ['-c', script], { cwd: p.dir, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  }

  const lookalikeCases = [
    {
      label: 'a signer under a self-signed look-alike of the trusted root, the look-alike carried',
      files: { cert: 'fake-leaf.crt', key: 'fake-leaf.key', chain: 'fake-root.crt' },
    },
    { label: 'a signer under a look-alike root that is not carried', files: { cert: 'fake-leaf.crt', key: 'fake-leaf.key' } },
    { label: 'identical issuing-CA name under another root, chain carried', files: { cert: 'twin-leaf.crt', key: 'twin-leaf.key', chain: 'twin-chain.pem' } },
    { label: 'identical issuing-CA name under another root, only the signer carried', files: { cert: 'twin-leaf.crt', key: 'twin-leaf.key' } },
    { label: 'a self-signed signer whose subject and issuer are the trusted root’s name', files: { cert: 'self.crt', key: 'self.key' } },
  ];
  for (const c of lookalikeCases)
    it(`${c.label}: untrusted (openssl: verification failure too)`, async (t) => {
      const p = setUp(t);
      if (!p) return;
      lookAlikes(p);
      const cms = opensslDetachedCms(p, DATA, { cades: true, signerFiles: c.files });
      assert.equal(opensslSays(p, cms), false, 'openssl does not trust it either');
      const v = await verifyDetachedCms(cms, DATA, trustRoot(p));
      expectStatus(v, 'untrusted', 'chain');
      assert.equal(check(v, 'cms-certificates')?.result, 'pass');
    });

  it('a byte changed in the carried issuing CA (its issuer carried) is tampered; our whole chain is carried', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const cms = Buffer.from(await signDetached({ data: DATA, key: p.pem('leaf-rsa.key'), chain: p.rsaChain }));
    const inter = pemDer(p.pem('inter.crt'));
    const at = cms.indexOf(Buffer.from(inter));
    assert.ok(at > 0, 'the issuing CA is carried');
    // A byte of its subject name (inside the to-be-signed part), and a byte of its public key.
    const nameAt = cms.indexOf(Buffer.from('Infracast Test Issuing CA'), at);
    for (const offset of [nameAt + 3, at + 300]) {
      const bad = Buffer.from(cms);
      bad[offset] = bad[offset]! ^ 0x04;
      expectStatus(await verifyDetachedCms(bad, DATA, trustRoot(p)), 'tampered', 'cms-certificates');
    }
  });
});

describe('a PDF signed by openssl into a placeholder', () => {
  it('ETSI.CAdES.detached with an openssl CMS (signingTime, ESS v2): pdfsig Valid + Trusted, verifyPdf valid with a PAdES profile deviation', async (t) => {
    const p = setUp(t);
    if (!p || !requireTool(t, 'poppler pdfsig', 'pdfsig') || !requireTool(t, 'NSS certutil', 'certutil')) return;
    const pdf = await opensslSignedPdf(p, { subFilter: 'ETSI.CAdES.detached', cades: true, info: { InfracastTenant: 'acme' } });
    const { signed, cms } = signedParts(pdf);
    assert.ok(opensslSays(p, cms, signed, 'pdf'), 'openssl cms -verify over the byte ranges');
    writeFileSync(join(p.dir, 'foreign.pdf'), pdf);
    const out = spawnSync('pdfsig', ['-nssdir', `sql:${nssDb(p)}`, join(p.dir, 'foreign.pdf')], { encoding: 'utf8' }).stdout;
    assert.match(out, /Signature Validation: Signature is Valid\./);
    assert.match(out, /Certificate Validation: Certificate is Trusted\./);
    const v = await verifyPdf(pdf, trustRoot(p));
    expectStatus(v, 'valid');
    assert.equal(v.tenant, 'acme');
    assert.equal(v.profile?.baseline, null);
    assert.ok(v.profile?.deviations.some((d) => /signingTime attribute \(PAdES/.test(d)));
    const flipped = Buffer.from(pdf);
    flipped[300] = flipped[300]! ^ 0x01;
    expectStatus(await verifyPdf(flipped, trustRoot(p)), 'tampered');
  });
});

/** The DER of the first PEM certificate in `pem`. */
function pemDer(pem: string): ArrayBuffer {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem)![1]!.replace(/\s+/g, '');
  const der = Buffer.from(body, 'base64');
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength);
}

function signedDataOf(cms: Uint8Array): pkijs.SignedData {
  return new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(Buffer.from(cms)).content });
}
const encode = (signedData: pkijs.SignedData): Buffer =>
  Buffer.from(new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) }).toSchema().toBER());

function certificatesIn(cms: Uint8Array): pkijs.Certificate[] {
  return (signedDataOf(cms).certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
}

/** The CMS with one more unsigned attribute (outside the signature: the signature stays intact). */
function withUnsigned(cms: Uint8Array, type: string, value: asn1js.AsnType): Buffer {
  const signedData = signedDataOf(cms);
  const signer = signedData.signerInfos[0]!;
  const attributes = [...(signer.unsignedAttrs?.attributes ?? []), new pkijs.Attribute({ type, values: [value] })];
  signer.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes });
  return encode(signedData);
}

/** The CMS with an unsigned attribute's type changed. */
function renameUnsigned(cms: Uint8Array, from: string, to: string): Buffer {
  const bytes = Buffer.from(cms);
  const oid = (id: string) => Buffer.from(new asn1js.ObjectIdentifier({ value: id }).toBER());
  const [a, b] = [oid(from), oid(to)];
  assert.equal(a.length, b.length);
  const at = bytes.lastIndexOf(a);
  assert.ok(at > 0);
  b.copy(bytes, at);
  return bytes;
}
