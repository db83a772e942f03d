/**
 * Embedded PDF signatures (PAdES, src/signing/pdf.ts) proven by independent implementations:
 * poppler's `pdfsig` with an NSS database trusting only the test root, `qpdf --check`, and OpenSSL
 * (`openssl cms -verify` over the byte ranges, `openssl ts -verify` of the embedded token,
 * `openssl cms -print`). Then our own verifier on the good file, on untrusted signers and on a set of
 * targeted edits, each of which must come out `tampered` (notes/signing.md §1, §4).
 * Skips without the tools, fails in CI (test/support/tools.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { isInfracastError } from '../../src/errors.js';
import { openBrowserSession } from '../../src/io/browser.js';
import { renderPdf } from '../../src/renderers/pdf.js';
import { OID, signDetached } from '../../src/signing/cms.js';
import { verifyDetachedCms } from '../../src/signing/cms-verify.js';
import { signPdf, verifyPdf, type SignPdfInput } from '../../src/signing/pdf.js';
import type { Verification } from '../../src/signing/verification.js';
import { acmeReport, noBrowserReason } from '../support/pdf.js';
import { CLAIMED, METADATA, setUpSigning } from '../support/pdf-signing.js';
import { loopbackTsa, nssDb, opensslCmsVerify, type Pki } from '../support/pki.js';

let sample: Promise<Uint8Array> | undefined;
/** A three-page text PDF made with pdf-lib (the renderer's library), about 20 KB. */
function samplePdf(): Promise<Uint8Array> {
  sample ??= (async () => {
    const lib = await import('@cantoo/pdf-lib');
    const doc = await lib.PDFDocument.create();
    const font = await doc.embedFont(lib.StandardFonts.Helvetica);
    for (let page = 1; page <= 3; page++) {
      const p = doc.addPage([612, 792]);
      for (let line = 0; line < 38; line++)
        p.drawText(`Page ${page}, control ${line}: evidence reviewed, finding recorded, owner assigned.`, { x: 54, y: 740 - line * 18, size: 11, font });
    }
    return doc.save();
  })();
  return sample;
}

const setUp = setUpSigning;

const signerOf = (p: Pki, kind: 'rsa' | 'ec') => ({ key: p.pem(`leaf-${kind}.key`), chain: kind === 'rsa' ? p.rsaChain : p.ecChain });

async function sign(p: Pki, kind: 'rsa' | 'ec', extra: Partial<SignPdfInput> = {}): Promise<Uint8Array> {
  return signPdf({
    pdf: await samplePdf(),
    ...signerOf(p, kind),
    metadata: METADATA,
    claimedAt: CLAIMED,
    reason: 'Compliance report',
    location: 'CI',
    ...extra,
  });
}

/** The signature's pieces as a verifier sees them: ranges, the gap, the DER CMS. */
function anatomy(pdf: Uint8Array): { a: number; b: number; ranges: Buffer; der: Buffer; hexStart: number } {
  const text = Buffer.from(pdf).toString('latin1');
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text);
  assert.ok(m, 'a /ByteRange');
  const [a, b] = [Number(m[2]), Number(m[3])];
  const hex = text.slice(a + 1, b - 1);
  const der = Buffer.from(hex, 'hex');
  const length = asn1js.fromBER(der).offset;
  return { a, b, ranges: Buffer.concat([pdf.subarray(0, a), pdf.subarray(b)]), der: der.subarray(0, length), hexStart: a + 1 };
}

function run(p: Pki, command: string, args: string[]): { status: number | null; out: string } {
  const result = spawnSync(command, args, { cwd: p.dir, encoding: 'utf8' });
  return { status: result.status, out: result.stdout + result.stderr };
}

function pdfsig(p: Pki, name: string, pdf: Uint8Array): string {
  writeFileSync(join(p.dir, name), pdf);
  // pdfsig exits 0 for "Digest Mismatch" and "Invalid" too: only the text says what it found (notes §1).
  return run(p, 'pdfsig', ['-nssdir', nssDb(p), name]).out;
}

/** The token stored as id-aa-signatureTimeStampToken and the signature value it covers. */
function tokenOf(der: Uint8Array): { token: Buffer; value: Buffer } {
  const signedData = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(Buffer.from(der)).content });
  const signer = signedData.signerInfos[0]!;
  const attribute = signer.unsignedAttrs?.attributes.find((a) => a.type === OID.signatureTimeStampToken);
  assert.ok(attribute, 'a signature timestamp');
  return { token: Buffer.from((attribute.values[0] as asn1js.AsnType).valueBeforeDecodeView), value: Buffer.from(signer.signature.valueBlock.valueHexView) };
}

const flipped = (pdf: Uint8Array, at: number, mask = 0x01): Uint8Array => {
  const copy = Uint8Array.from(pdf);
  copy[at]! ^= mask;
  return copy;
};
/** Changes one hex digit of /Contents to another hex digit (a valid-looking, different CMS). */
const otherDigit = (pdf: Uint8Array, at: number): Uint8Array => {
  const copy = Uint8Array.from(pdf);
  copy[at] = copy[at] === 0x30 ? 0x31 : 0x30;
  return copy;
};

const failed = (v: Verification): string[] => v.checks.filter((c) => c.result === 'fail').map((c) => c.name);

describe('PDF signatures: PAdES with pdf-lib, proven by pdfsig, qpdf and openssl', () => {
  for (const kind of ['rsa', 'ec'] as const) {
    it(`${kind === 'rsa' ? 'RSA' : 'ECDSA P-256'} with the loopback TSA: pdfsig Valid + Trusted, qpdf clean, openssl cms/ts verify, verifyPdf valid (rfc3161)`, async (t) => {
      const p = setUp(t, 'pdfsig', 'certutil', 'qpdf');
      if (!p) return;
      const tsa = await loopbackTsa(p);
      const before = tsa.requests();
      const signed = await sign(p, kind, { timestamp: { url: tsa.url, timeoutMs: 20_000 } });
      assert.equal(tsa.requests(), before + 1, 'one TSA request per signature');

      const sig = pdfsig(p, `signed-${kind}.pdf`, signed);
      assert.match(sig, /Signature Type: ETSI\.CAdES\.detached/, sig);
      assert.match(sig, /Signature Validation: Signature is Valid\./, sig);
      assert.match(sig, /Certificate Validation: Certificate is Trusted\./, sig);
      assert.match(sig, /Total document signed/, sig);
      assert.match(sig, kind === 'rsa' ? /Signer Certificate Common Name: Acme Compliance\n/ : /Common Name: Acme Compliance EC/, sig);
      assert.match(sig, /Signing Time: Jan 15 2026 10:05:00/, 'pdfsig shows /M (no signingTime in the CMS)');

      const qpdf = run(p, 'qpdf', ['--check', `signed-${kind}.pdf`]);
      assert.equal(qpdf.status, 0, qpdf.out);
      assert.match(qpdf.out, /No syntax or stream encoding errors found/);

      const { der, ranges } = anatomy(signed);
      writeFileSync(join(p.dir, `sig-${kind}.p7s`), der);
      writeFileSync(join(p.dir, `ranges-${kind}.bin`), ranges);
      const cms = opensslCmsVerify(p, `sig-${kind}.p7s`, `ranges-${kind}.bin`);
      assert.ok(cms.ok, cms.output);
      assert.match(cms.output, /CMS Verification successful/);
      const printed = run(p, 'openssl', ['cms', '-cmsout', '-print', '-noout', '-inform', 'DER', '-in', `sig-${kind}.p7s`]).out;
      assert.match(printed, /id-smime-aa-signingCertificateV2/);
      assert.match(printed, /id-smime-aa-timeStampToken/);
      // The signer's attributes (the TSA's token, printed under unsignedAttrs, has a signingTime of its own).
      const signerPart = printed.slice(printed.indexOf('signerInfos:'), printed.indexOf('unsignedAttrs:'));
      assert.match(signerPart, /signedAttrs:/);
      assert.doesNotMatch(signerPart, /signingTime/i, 'PAdES: the claimed time is /M, not a CMS attribute');

      const { token, value } = tokenOf(der);
      writeFileSync(join(p.dir, `token-${kind}.tst`), token);
      writeFileSync(join(p.dir, `sigvalue-${kind}.bin`), value);
      const ts = run(p, 'openssl', [
        'ts',
        '-verify',
        '-token_in',
        '-in',
        `token-${kind}.tst`,
        '-data',
        `sigvalue-${kind}.bin`,
        '-CAfile',
        'root.crt',
        '-untrusted',
        'inter.crt',
      ]);
      assert.equal(ts.status, 0, ts.out);
      assert.match(ts.out, /Verification: OK/);

      const v = await verifyPdf(signed, { caPem: p.pem('root.crt') });
      assert.equal(v.status, 'valid', JSON.stringify(v.checks));
      assert.equal(v.signed_at_source, 'rfc3161');
      assert.match(v.signed_at!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.ok(Math.abs(Date.parse(v.signed_at!) - Date.now()) < 5 * 60_000, `genTime ${v.signed_at} is now, not the claimed /M`);
      assert.equal(v.signed_by, 'compliance@acme.com');
      assert.deepEqual(
        { tenant: v.tenant, framework: v.framework, report_type: v.report_type, generated_at: v.generated_at, format: v.format },
        { tenant: 'acme', framework: 'SOC2', report_type: 'gap-analysis', generated_at: '2026-01-15T10:00:00Z', format: 'pdf' },
      );
      assert.equal(v.signed_content_sha256, (await import('node:crypto')).createHash('sha256').update(ranges).digest('hex'));
      assert.deepEqual(failed(v), []);

      // One flipped byte in the first range: pdfsig sees the digest mismatch too.
      const bad = flipped(signed, 200);
      assert.match(pdfsig(p, `flipped-${kind}.pdf`, bad), /Signature Validation: Digest Mismatch\./);
      assert.equal((await verifyPdf(bad, { caPem: p.pem('root.crt') })).status, 'tampered');
    });
  }

  it('without a TSA the time is the signer’s claim (/M); the Info keys are readable by pdf-lib', async (t) => {
    const p = setUp(t, 'pdfsig', 'certutil');
    if (!p) return;
    const signed = await sign(p, 'ec');
    const sig = pdfsig(p, 'no-tsa.pdf', signed);
    assert.match(sig, /Signature is Valid\./, sig);
    assert.match(sig, /Certificate is Trusted\./, sig);
    const v = await verifyPdf(signed, { caPem: p.pem('root.crt') });
    assert.equal(v.status, 'valid', JSON.stringify(v.checks));
    assert.equal(v.signed_at, '2026-01-15T10:05:00Z');
    assert.equal(v.signed_at_source, 'claimed-by-signer');
    assert.equal(v.checks.find((c) => c.name === 'timestamp')?.result, 'skipped');
    const lib = await import('@cantoo/pdf-lib');
    const doc = await lib.PDFDocument.load(signed, { updateMetadata: false });
    const info = doc.context.lookup(doc.context.trailerInfo.Info, lib.PDFDict);
    const read = (key: string) => (info.lookup(lib.PDFName.of(key)) as InstanceType<typeof lib.PDFHexString>).decodeText();
    assert.deepEqual(['InfracastTenant', 'InfracastFramework', 'InfracastReportType', 'InfracastGeneratedAt', 'InfracastSigner'].map(read), [
      'acme',
      'SOC2',
      'gap-analysis',
      '2026-01-15T10:00:00Z',
      'compliance@acme.com',
    ]);
    assert.equal(doc.getPageCount(), 3);
  });

  it('an intact signature is untrusted under an unrelated root, and without any trust anchor', async (t) => {
    const p = setUp(t, 'pdfsig', 'certutil');
    if (!p) return;
    const other = await signPdf({ pdf: await samplePdf(), key: p.pem('other-leaf.key'), chain: p.otherChain, metadata: METADATA, claimedAt: CLAIMED });
    const sig = pdfsig(p, 'other.pdf', other);
    assert.match(sig, /Signature is Valid\./, sig);
    assert.doesNotMatch(sig, /Certificate is Trusted\./, sig);
    const v = await verifyPdf(other, { caPem: p.pem('root.crt') });
    assert.equal(v.status, 'untrusted', JSON.stringify(v.checks));
    assert.deepEqual(failed(v), ['chain']);
    assert.equal(v.tenant, 'acme', 'an intact file still reports what it says');
    assert.equal((await verifyPdf(other, { caPem: p.pem('other-root.crt') })).status, 'valid', 'and is valid for whoever trusts that root');

    // A token from a TSA this verifier does not trust: the time is ignored, the signature stays valid.
    const tsa = await loopbackTsa(p);
    const stamped = await signPdf({
      pdf: await samplePdf(),
      key: p.pem('other-leaf.key'),
      chain: p.otherChain,
      metadata: METADATA,
      claimedAt: CLAIMED,
      timestamp: { url: tsa.url },
    });
    const foreignTsa = await verifyPdf(stamped, { caPem: p.pem('other-root.crt') });
    assert.equal(foreignTsa.status, 'valid', JSON.stringify(foreignTsa.checks));
    const timestamp = foreignTsa.checks.find((c) => c.name === 'timestamp')!;
    assert.equal(timestamp.result, 'fail');
    assert.match(timestamp.detail!, /TSA not trusted/);
    assert.equal(foreignTsa.signed_at_source, 'claimed-by-signer');
    assert.equal(foreignTsa.signed_at, '2026-01-15T10:05:00Z');

    const ours = await sign(p, 'rsa');
    const none = await verifyPdf(ours, {});
    assert.equal(none.status, 'untrusted');
    assert.match(none.checks.find((c) => c.name === 'chain')!.detail!, /no trust anchor/);
    // Validity is checked at the verification time when there is no timestamp: far in the future the leaf has expired.
    const later = await verifyPdf(ours, { caPem: p.pem('root.crt'), now: new Date(Date.now() + 400 * 86_400_000) });
    assert.equal(later.status, 'untrusted');
  });

  it('targeted edits are all tampered: ranges, Contents, padding, ByteRange, Info, appended bytes, truncation, token', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const tsa = await loopbackTsa(p);
    const signed = await sign(p, 'rsa', { timestamp: { url: tsa.url } });
    const trust = { caPem: p.pem('root.crt') };
    assert.equal((await verifyPdf(signed, trust)).status, 'valid');
    const { a, b, der, hexStart } = anatomy(signed);
    const text = Buffer.from(signed).toString('latin1');
    const tenantAt = text.indexOf('/InfracastTenant');
    const byteRangeAt = text.indexOf('/ByteRange');
    const { token } = tokenOf(der);
    const tokenAt = hexStart + 2 * der.indexOf(token);
    const signatureAt = hexStart + 2 * der.indexOf(tokenOf(der).value);
    const lowerHexAt = (() => {
      for (let i = hexStart; ; i++) if (signed[i]! >= 0x61 && signed[i]! <= 0x66) return i;
    })();

    /** The PDF with `hex` written over /Contents at hex offset `at` (still lowercase hex: only the CMS changes). */
    const patched = (at: number, hex: string): Uint8Array => {
      const copy = Uint8Array.from(signed);
      copy.set(Buffer.from(hex, 'latin1'), hexStart + at);
      return copy;
    };
    assert.equal(der[1], 0x82, 'a CMS between 256 bytes and 64 KB');
    const longer = (der.readUInt16BE(2) + 2).toString(16).padStart(4, '0');
    // The intermediate CA's signature BIT STRING (RSA 2048: 03 82 01 01 00 + 256 bytes, the end of the certificate).
    const bag = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(der).content }).certificates!;
    const inter = Buffer.from(bag[1]!.toSchema().toBER());
    const root = Buffer.from(bag[2]!.toSchema().toBER());
    // The signer's sid names its issuer after the certificates: "Infracast" -> "infracast" (names compare case-insensitively in pkijs).
    const sidNameAt = 2 * der.indexOf('Infracast Test Issuing CA', der.indexOf(root) + root.length);
    assert.ok(sidNameAt > 0, 'the sid issuer name');
    const unusedBitsAt = 2 * (der.indexOf(inter) + inter.length - 257);
    assert.equal(der[unusedBitsAt / 2], 0, 'the unused-bits byte');

    const cases: [string, Uint8Array, string?][] = [
      ['a longer outer DER length over the 0 padding', patched(4, longer), 'cms-parse'],
      ['unused bits declared in a certificate signature', patched(unusedBitsAt, '04')],
      ['a case change in the signer identifier', patched(sidNameAt, '69'), 'cms-parse'],
      ['flip in the first range (page content)', flipped(signed, Math.floor(a / 2)), 'cms-integrity'],
      ['flip in the second range (xref)', flipped(signed, b + 10), 'cms-integrity'],
      ['flip in the Info tenant value', otherDigit(signed, text.indexOf('<', tenantAt) + 8), 'cms-integrity'],
      ['flip in the Info key name', flipped(signed, tenantAt + 3), 'cms-integrity'],
      ['flip in the signature value hex', otherDigit(signed, signatureAt + 20), 'cms-integrity'],
      ['flip in the certificates hex', otherDigit(signed, hexStart + 2 * 700)],
      ['flip in the timestamp token (TSTInfo)', otherDigit(signed, tokenAt + Math.floor(token.length / 2) * 2), 'timestamp'],
      [
        'one hex digit of /Contents changed to uppercase (mixed case: an edit; an all-uppercase /Contents is valid, pdf-revisions.test.ts)',
        flipped(signed, lowerHexAt, 0x20),
        'contents-encoding',
      ],
      ['flip in the 0 padding', otherDigit(signed, b - 10), 'contents-encoding'],
      ['flip of the < delimiter', flipped(signed, a), 'byte-range'],
      ['flip in a ByteRange number', flipped(signed, text.indexOf(String(b), byteRangeAt)), 'byte-range'],
      ['flip in the /ByteRange name', flipped(signed, byteRangeAt + 3), 'signature-count'],
      ['bytes appended after %%EOF', Buffer.concat([signed, Buffer.from('\n% appended\n')]), 'byte-range'],
      ['an incremental update appended', Buffer.concat([signed, Buffer.from('\n1 0 obj\n<< /InfracastTenant (evil) >>\nendobj\n%%EOF\n')]), 'byte-range'],
      ['truncated by one byte', signed.subarray(0, signed.length - 1), 'byte-range'],
      ['truncated to half', signed.subarray(0, signed.length >> 1), 'byte-range'],
    ];
    for (const [name, bytes, check] of cases) {
      const v = await verifyPdf(bytes, trust);
      assert.equal(v.status, 'tampered', `${name}: ${JSON.stringify(v.checks)}`);
      if (check) assert.ok(failed(v).includes(check), `${name}: expected ${check} to fail, got ${failed(v).join(', ')}`);
      assert.equal(v.tenant, undefined, `${name}: no metadata is reported from a tampered file`);
    }
  });

  it('every sampled single-byte flip across the file is tampered, quickly', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const tsa = await loopbackTsa(p);
    const signed = await sign(p, 'ec', { timestamp: { url: tsa.url } });
    const trust = { caPem: p.pem('root.crt') };
    const step = Math.floor(signed.length / 220);
    const misses: string[] = [];
    const started = performance.now();
    let calls = 0;
    // What the flips do inside /Contents (the one part no signature covers): 0x01 turns a hex digit into
    // another (0<->1, b<->c...) or a non-digit (a->`, f->g); 0x10 turns 0 into a space (whitespace,
    // which a hexadecimal string may contain: the same CMS, but an edit no signer writes, so tampered by
    // the contents-encoding rule) and every other digit into a non-digit. No flip here only changes case.
    const { a, b, der, hexStart } = anatomy(signed);
    const paddingStart = hexStart + 2 * der.length;
    const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
    const kinds = {
      'hex digit -> other hex digit': 0,
      'hex digit -> space, in the CMS (a different CMS)': 0,
      '0 -> space, in the padding (the same string value)': 0,
      'hex digit -> non-hex': 0,
      'hex digit -> case only': 0,
    };
    for (let at = 0; at < signed.length; at += step) {
      for (const mask of [0x01, 0x10]) {
        calls++;
        if (at > a && at < b - 1) {
          const [from, to] = [signed[at]!, signed[at]! ^ mask];
          const space = at >= paddingStart ? '0 -> space, in the padding (the same string value)' : 'hex digit -> space, in the CMS (a different CMS)';
          const kind =
            (from | 0x20) === (to | 0x20)
              ? 'hex digit -> case only'
              : to === 0x20
                ? space
                : isHex(to)
                  ? 'hex digit -> other hex digit'
                  : 'hex digit -> non-hex';
          kinds[kind]++;
        }
        const v = await verifyPdf(flipped(signed, at, mask), trust);
        if (v.status !== 'tampered') misses.push(`byte ${at} ^ ${mask}: ${v.status}`);
      }
    }
    const perCall = (performance.now() - started) / calls;
    t.diagnostic(`${calls} flips of a ${signed.length}-byte PDF, ${perCall.toFixed(1)} ms per verifyPdf`);
    t.diagnostic(`flips inside /Contents: ${JSON.stringify(kinds)}`);
    assert.equal(kinds['hex digit -> case only'], 0);
    assert.deepEqual(misses, []);
  });

  it('a one-page PDF whose signed ranges are under 4 KB (a pooled Node Buffer) verifies', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const lib = await import('@cantoo/pdf-lib');
    const doc = await lib.PDFDocument.create();
    doc.addPage();
    const signed = await signPdf({ pdf: await doc.save(), ...signerOf(p, 'rsa'), metadata: METADATA, claimedAt: CLAIMED });
    const { a, b } = anatomy(signed);
    assert.ok(a + signed.length - b < 4096, 'small enough for the Buffer pool');
    const v = await verifyPdf(signed, { caPem: p.pem('root.crt') });
    assert.equal(v.status, 'valid', JSON.stringify(v.checks));
  });

  it('unsigned, not-a-PDF and signature debris: unsigned, malformed, tampered; never a throw', async () => {
    const unsigned = await verifyPdf(await samplePdf(), {});
    assert.equal(unsigned.status, 'unsigned');
    assert.equal((await verifyPdf(randomBytes(4096), {})).status, 'malformed');
    assert.equal((await verifyPdf(new Uint8Array(), {})).status, 'malformed');
    const debris = Buffer.concat([Buffer.from(await samplePdf()), Buffer.from('\n9 0 obj << /Type /Sig /SubFilter /ETSI.CAdES.detached >> endobj\n')]);
    assert.equal((await verifyPdf(debris, {})).status, 'tampered');
    const fake = Buffer.from('%PDF-1.7\n/ByteRange [0 10 20 5] <3082zz>');
    assert.equal((await verifyPdf(fake, {})).status, 'tampered');
  });

  it('signPdf refuses a key that is not the signer certificate’s (without quoting the key) and an already signed PDF', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const key = p.pem('leaf-rsa.key');
    try {
      await signPdf({ pdf: await samplePdf(), key, chain: p.ecChain, metadata: METADATA, claimedAt: CLAIMED });
      assert.fail('expected SIGNING_KEY_INVALID');
    } catch (error) {
      assert.ok(isInfracastError(error), String(error));
      assert.equal(error.code, 'SIGNING_KEY_INVALID');
      assert.ok(!JSON.stringify(error.toJSON()).includes(key.split('\n')[1]!), 'no key material in the error');
    }
    // A signed PDF is not signed again (saving would break the first signature).
    const signed = await sign(p, 'rsa');
    await assert.rejects(
      signPdf({ pdf: signed, ...signerOf(p, 'rsa'), metadata: METADATA, claimedAt: CLAIMED }),
      (error: unknown) => isInfracastError(error) && error.code === 'SIGNING_FAILED' && /already carries a signature/.test(error.message),
    );
  });
});

// A real report as Chromium prints it (object streams, tagged structure, an outline, Info set by the
// renderer): signing rewrites it without object streams and keeps it intact. Skipped without a browser.
describe('PDF signatures on a Chromium-rendered report', { skip: noBrowserReason() }, () => {
  it('the acme gap report signs, stays a clean PDF, and verifies with pdfsig and verifyPdf; a flip is tampered', async (t) => {
    const p = setUp(t, 'pdfsig', 'certutil', 'qpdf');
    if (!p) return;
    const session = openBrowserSession();
    let rendered: Uint8Array;
    try {
      const report = await acmeReport('gap', session);
      rendered = (await renderPdf(report.model, report.ctx)).pdf;
    } finally {
      await session.close();
    }
    const tsa = await loopbackTsa(p);
    const signed = await signPdf({ pdf: rendered, ...signerOf(p, 'rsa'), metadata: METADATA, claimedAt: CLAIMED, timestamp: { url: tsa.url } });
    const sig = pdfsig(p, 'acme-gap.pdf', signed);
    assert.match(sig, /Signature is Valid\./, sig);
    assert.match(sig, /Certificate is Trusted\./, sig);
    const qpdf = run(p, 'qpdf', ['--check', 'acme-gap.pdf']);
    assert.equal(qpdf.status, 0, qpdf.out);
    const trust = { caPem: p.pem('root.crt') };
    const started = performance.now();
    const v = await verifyPdf(signed, trust);
    t.diagnostic(`${signed.length}-byte report: verifyPdf (valid path) ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(v.status, 'valid', JSON.stringify(v.checks));
    assert.equal(v.tenant, 'acme');
    for (const at of [100, signed.length >> 1, signed.length - 20])
      assert.equal((await verifyPdf(flipped(signed, at), trust)).status, 'tampered', `flip at ${at}`);
  });
});

describe('verifyDetachedCms: the .p7s core', () => {
  it('valid for its data, tampered for other data, malformed for junk', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const data = new TextEncoder().encode('{"tenant":"acme"}\n');
    const cms = await signDetached({ data, ...signerOf(p, 'rsa') });
    const trust = { caPem: p.pem('root.crt') };
    const good = await verifyDetachedCms(cms, data, trust);
    assert.equal(good.status, 'valid', JSON.stringify(good.checks));
    assert.equal(good.signed_by, 'compliance@acme.com');
    assert.equal(good.signed_at, undefined, 'no timestamp and no signingTime: no time at all');
    assert.equal((await verifyDetachedCms(cms, new TextEncoder().encode('{"tenant":"evil"}\n'), trust)).status, 'tampered');
    // Small Node Buffers share a pool: the verifier must read exactly their bytes.
    const pooled = await verifyDetachedCms(Buffer.from(cms), Buffer.from(data), trust);
    assert.equal(pooled.status, 'valid', JSON.stringify(pooled.checks));
    assert.equal((await verifyDetachedCms(randomBytes(300), data, trust)).status, 'malformed');
    assert.equal((await verifyDetachedCms(Buffer.concat([cms, Buffer.from([0])]), data, trust)).status, 'malformed', 'trailing bytes');
  });
});
