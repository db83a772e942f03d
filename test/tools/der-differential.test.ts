/**
 * Differential test of the verification path's DER readers (issue 13, verify speed): every
 * certificate and CMS the signing tests use, and every certificate of the x509-limbo cases, read by
 * der.ts / x509-certificate.ts / cms-reader.ts gives the same fields as pkijs reads (and, for the test
 * PKI's certificates, as `openssl x509` prints); node:crypto (signature.ts) gives the same signature
 * verdicts as pkijs over WebCrypto, which the verifier used before. Skips without OpenSSL (fails in CI);
 * the x509-limbo part skips without ../shared.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { addTimestampToken, cryptoEngine, signatureValue, signDetached } from '../../src/signing/cms.js';
import { readSignedData, readTstInfo } from '../../src/signing/cms-reader.js';
import { requestTimestamp } from '../../src/signing/tsa.js';
import { signatureHolds } from '../../src/signing/signature.js';
import { certificateBytes, parseCertificate, type CertificateFields } from '../../src/signing/x509-certificate.js';
import { parseName, sameName } from '../../src/signing/x509-names.js';
import { opensslDetachedCms } from '../support/foreign-signature.js';
import { chainMatrix } from '../support/pki-matrix.js';
import { loopbackTsa, testPki, type Pki } from '../support/pki.js';
import { requireShared } from '../support/shared.js';
import { requireTool } from '../support/tools.js';

const bytesOf = (view: ArrayBuffer | ArrayBufferView): string =>
  Buffer.from(view instanceof ArrayBuffer ? new Uint8Array(view) : new Uint8Array(view.buffer, view.byteOffset, view.byteLength)).toString('hex');
const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const berOf = (value: { toSchema(): { toBER(): ArrayBuffer } }): string => bytesOf(value.toSchema().toBER());

/** The fields both readers give, as comparable text. */
function ours(fields: CertificateFields): Record<string, unknown> {
  return {
    version: fields.version,
    serial: hexOf(fields.serial),
    innerAlgorithm: hexOf(fields.innerAlgorithm.der),
    issuer: hexOf(fields.issuerDer),
    subject: hexOf(fields.subjectDer),
    notBefore: fields.notBefore.toISOString(),
    notAfter: fields.notAfter.toISOString(),
    spki: hexOf(fields.spki),
    extensions: fields.extensions.map((e) => `${e.id} ${e.critical} ${hexOf(e.value)}`),
    signatureAlgorithm: hexOf(fields.signatureAlgorithm.der),
    signatureValue: hexOf(fields.signatureValue),
    unusedBits: fields.signatureUnusedBits,
  };
}
function theirs(cert: pkijs.Certificate): Record<string, unknown> {
  return {
    version: cert.version,
    serial: bytesOf(cert.serialNumber.valueBlock.valueHexView),
    innerAlgorithm: berOf(cert.signature),
    issuer: bytesOf(cert.issuer.valueBeforeDecode),
    subject: bytesOf(cert.subject.valueBeforeDecode),
    notBefore: cert.notBefore.value.toISOString(),
    notAfter: cert.notAfter.value.toISOString(),
    spki: berOf(cert.subjectPublicKeyInfo),
    extensions: (cert.extensions ?? []).map((e) => `${e.extnID} ${e.critical} ${bytesOf(e.extnValue.valueBlock.valueHexView)}`),
    signatureAlgorithm: berOf(cert.signatureAlgorithm),
    signatureValue: bytesOf(cert.signatureValue.valueBlock.valueHexView),
    unusedBits: cert.signatureValue.valueBlock.unusedBits,
  };
}

/** Compares one DER certificate; returns both parses (pkijs' undefined when pkijs refuses it too). */
function compareCertificate(der: Uint8Array, label: string): { fields?: CertificateFields; pkijs?: pkijs.Certificate } {
  let fields: CertificateFields | undefined;
  let reference: pkijs.Certificate | undefined;
  try {
    fields = parseCertificate(der);
  } catch {
    fields = undefined;
  }
  try {
    reference = pkijs.Certificate.fromBER(new Uint8Array(der));
  } catch {
    reference = undefined;
  }
  if (fields && reference) assert.deepEqual(ours(fields), theirs(reference), label);
  // Refusing what pkijs reads is allowed only for what DER forbids; the fixtures here are all DER.
  else assert.ok(fields, `${label}: pkijs reads it, the DER reader refuses it`);
  if (fields) {
    // The names, as path validation compares them, read the same as pkijs' names.
    const subject = parseName(fields.subjectDer);
    const cn = subject.flat().find((a) => a.type === '2.5.4.3');
    const pkijsCn = reference?.subject.typesAndValues.find((tv) => tv.type === '2.5.4.3')?.value.valueBlock.value as unknown;
    if (cn?.string && typeof pkijsCn === 'string') assert.equal(cn.text, pkijsCn, `${label}: CN`);
  }
  return { ...(fields ? { fields } : {}), ...(reference ? { pkijs: reference } : {}) };
}

/** Every (child, issuer-by-name) pair of `certificates`: node:crypto and pkijs/WebCrypto agree on the signature. */
async function compareSignatures(certificates: { fields?: CertificateFields; pkijs?: pkijs.Certificate }[], label: string): Promise<number> {
  let pairs = 0;
  const readable = certificates.filter((c): c is { fields: CertificateFields; pkijs: pkijs.Certificate } => c.fields !== undefined && c.pkijs !== undefined);
  for (const child of readable)
    for (const issuer of readable) {
      let sameIssuer = false;
      try {
        sameIssuer = sameName(parseName(child.fields.issuerDer), parseName(issuer.fields.subjectDer));
      } catch {
        continue;
      }
      if (!sameIssuer) continue;
      pairs++;
      const node = signatureHolds(child.fields.signatureAlgorithm, issuer.fields.spki, child.fields.tbs, child.fields.signatureValue);
      const webcrypto = await child.pkijs.verify(issuer.pkijs, cryptoEngine()).catch(() => false);
      assert.equal(node, webcrypto, `${label}: signature of ${child.pkijs.subject.typesAndValues.map((tv) => tv.value.valueBlock.value).join(',')}`);
    }
  return pairs;
}

/** A CMS read by both: the same structure, field by field. */
function compareCms(cms: Uint8Array, label: string): void {
  const fields = readSignedData(cms);
  const reference = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(cms)).content });
  assert.equal(fields.version, reference.version, `${label}: version`);
  assert.deepEqual(
    fields.digestAlgorithms.map((a) => a.oid),
    reference.digestAlgorithms.map((a) => a.algorithmId),
    `${label}: digestAlgorithms`,
  );
  assert.equal(fields.eContentType, reference.encapContentInfo.eContentType, `${label}: eContentType`);
  assert.equal(
    fields.eContent && hexOf(fields.eContent),
    reference.encapContentInfo.eContent && bytesOf(reference.encapContentInfo.eContent.getValue()),
    `${label}: eContent`,
  );
  const certificates = (reference.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  assert.deepEqual(
    fields.certificates.map((c) => ours(c)),
    certificates.map((c) => theirs(c)),
    `${label}: certificates`,
  );
  assert.equal(fields.signerInfos.length, reference.signerInfos.length, `${label}: signerInfos`);
  for (const [i, signer] of fields.signerInfos.entries()) {
    const other = reference.signerInfos[i]!;
    assert.equal(signer.version, other.version, `${label}: SignerInfo version`);
    if (signer.sid.kind === 'issuer-and-serial') {
      assert.ok(other.sid instanceof pkijs.IssuerAndSerialNumber, `${label}: sid kind`);
      assert.equal(hexOf(signer.sid.issuer), bytesOf(other.sid.issuer.valueBeforeDecode), `${label}: sid issuer`);
      assert.equal(hexOf(signer.sid.serial), bytesOf(other.sid.serialNumber.valueBlock.valueHexView), `${label}: sid serial`);
    } else assert.equal(hexOf(signer.sid.keyId), bytesOf((other.sid as asn1js.OctetString).valueBlock.valueHexView), `${label}: sid keyId`);
    assert.equal(hexOf(signer.digestAlgorithm.der), berOf(other.digestAlgorithm), `${label}: digestAlgorithm`);
    assert.equal(hexOf(signer.signatureAlgorithm.der), berOf(other.signatureAlgorithm), `${label}: signatureAlgorithm`);
    assert.equal(hexOf(signer.signature), bytesOf(other.signature.valueBlock.valueHexView), `${label}: signature`);
    assert.equal(
      signer.signedAttrs && hexOf(signer.signedAttrs.signedBytes),
      other.signedAttrs && bytesOf(other.signedAttrs.encodedValue),
      `${label}: signedAttrs`,
    );
    assert.deepEqual(
      signer.signedAttrs?.attributes.map((a) => `${a.type}: ${a.values.map((v) => hexOf(v.bytes.subarray(v.start, v.end))).join(',')}`),
      other.signedAttrs?.attributes.map((a) => `${a.type}: ${(a.values as asn1js.AsnType[]).map((v) => bytesOf(v.valueBeforeDecodeView)).join(',')}`),
      `${label}: signed attributes`,
    );
    assert.deepEqual(
      signer.unsignedAttrs?.map((a) => `${a.type}: ${a.values.map((v) => hexOf(v.bytes.subarray(v.start, v.end))).join(',')}`),
      other.unsignedAttrs?.attributes.map((a) => `${a.type}: ${(a.values as asn1js.AsnType[]).map((v) => bytesOf(v.valueBeforeDecodeView)).join(',')}`),
      `${label}: unsigned attributes`,
    );
  }
}

/** `openssl x509` on a PEM certificate: serial, dates and the public key, against our reader. */
function compareWithOpenssl(p: Pki, file: string): void {
  const der = certificateBytes(p.pem(file))[0]!;
  const fields = parseCertificate(der);
  const text = spawnSync('openssl', ['x509', '-in', join(p.dir, file), '-noout', '-serial', '-startdate', '-enddate', '-dateopt', 'iso_8601'], {
    encoding: 'utf8',
  });
  assert.equal(text.status, 0, text.stderr);
  const serial = /serial=([0-9A-F]+)/.exec(text.stdout)![1]!;
  assert.equal(BigInt(`0x${serial}`), BigInt(`0x${hexOf(fields.serial)}`), `${file}: serial`);
  const date = (key: string): string => new Date(/=(.*)/.exec(text.stdout.split('\n').find((l) => l.startsWith(key))!)![1]!.replace(' ', 'T')).toISOString();
  assert.equal(fields.notBefore.toISOString(), date('notBefore'), `${file}: notBefore`);
  assert.equal(fields.notAfter.toISOString(), date('notAfter'), `${file}: notAfter`);
  const pub = spawnSync('openssl', ['x509', '-in', join(p.dir, file), '-noout', '-pubkey'], { encoding: 'utf8' });
  assert.equal(hexOf(certificateBytes(pub.stdout.replace(/PUBLIC KEY/g, 'CERTIFICATE'))[0]!), hexOf(fields.spki), `${file}: SPKI`);
}

function setUp(t: TestContext): Pki | undefined {
  if (!requireTool(t, 'OpenSSL', 'openssl')) return undefined;
  return testPki();
}

const DATA = Buffer.from('Control AC-2: accounts reviewed quarterly; evidence attached.\n'.repeat(40));

describe('the DER readers against pkijs and OpenSSL', () => {
  it('the test PKI and chain-matrix certificates: the same fields, the same signature verdicts', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const matrix = chainMatrix();
    const files = [
      ...readdirSync(p.dir)
        .filter((f) => f.endsWith('.crt'))
        .map((f) => ({ dir: p.dir, f })),
      ...readdirSync(matrix.dir)
        .filter((f) => f.endsWith('.crt'))
        .map((f) => ({ dir: matrix.dir, f })),
    ];
    assert.ok(files.length >= 20, `${files.length} certificates`);
    const parsed = files.map(({ dir, f }) => compareCertificate(certificateBytes(readFileSync(join(dir, f), 'utf8'))[0]!, f));
    for (const f of ['root.crt', 'inter.crt', 'leaf-rsa.crt', 'leaf-ec.crt', 'tsa.crt', 'other-root.crt']) compareWithOpenssl(p, f);
    const pairs = await compareSignatures(parsed, 'test PKI');
    assert.ok(pairs >= 10, `${pairs} issuer-child pairs compared`);
    t.diagnostic(`${files.length} certificates, ${pairs} signature pairs`);
  });

  it('CMS from our signer (RSA, P-256, with a timestamp token) and from openssl cms (CAdES, BER, SHA-384, key id, RSASSA-PSS)', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const tsa = await loopbackTsa(p);
    const rsa = await signDetached({ data: DATA, key: p.pem('leaf-rsa.key'), chain: p.rsaChain, signingTime: new Date('2026-11-29T00:00:00Z') });
    const ec = await signDetached({ data: DATA, key: p.pem('leaf-ec.key'), chain: p.ecChain });
    const { token } = await requestTimestamp(signatureValue(ec), { url: tsa.url });
    const stamped = addTimestampToken(ec, token);
    const cases: [string, Uint8Array][] = [
      ['ours, RSA, signingTime', rsa],
      ['ours, P-256', ec],
      ['ours, P-256 with a signature timestamp', stamped],
      ['the RFC 3161 token', token],
      ['openssl cms', opensslDetachedCms(p, DATA)],
      ['openssl cms -cades', opensslDetachedCms(p, DATA, { cades: true })],
      ['openssl cms -stream (BER)', opensslDetachedCms(p, DATA, { indefinite: true })],
      ['openssl cms EC -md sha384', opensslDetachedCms(p, DATA, { signer: 'ec', extraArgs: ['-md', 'sha384'] })],
      ['openssl cms -keyid', opensslDetachedCms(p, DATA, { extraArgs: ['-keyid'] })],
      ['openssl cms RSASSA-PSS', opensslDetachedCms(p, DATA, { extraArgs: ['-keyopt', 'rsa_padding_mode:pss'] })],
      ['openssl cms, other root', opensslDetachedCms(p, DATA, { signer: 'other' })],
    ];
    for (const [label, cms] of cases) compareCms(cms, label);
    // The TSTInfo: imprint and genTime as pkijs reads them.
    const info = readTstInfo(readSignedData(token).eContent!);
    const reference = pkijs.TSTInfo.fromBER(
      new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(token)).content }).encapContentInfo.eContent!.getValue(),
    );
    assert.equal(info.genTime.toISOString(), reference.genTime.toISOString());
    assert.equal(info.imprintAlgorithm, reference.messageImprint.hashAlgorithm.algorithmId);
    assert.equal(hexOf(info.hashedMessage), bytesOf(reference.messageImprint.hashedMessage.valueBlock.valueHexView));
    t.diagnostic(`${cases.length} CMS compared`);
  });
});

interface LimboCase {
  id: string;
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
}

describe('the DER readers against pkijs on x509-limbo', () => {
  it('every certificate of the rfc5280 and pathlen cases: the same fields, the same signature verdicts', async (t) => {
    const path = requireShared(t, 'fixtures/x509-limbo/limbo-rfc5280-pathlen.json');
    if (!path) return;
    const cases = (JSON.parse(readFileSync(path, 'utf8')) as { testcases: LimboCase[] }).testcases;
    let certificates = 0;
    let pairs = 0;
    for (const c of cases) {
      const pems = [c.peer_certificate, ...c.untrusted_intermediates, ...c.trusted_certs];
      const parsed = pems.flatMap((pem) => certificateBytes(pem)).map((der, i) => compareCertificate(der, `${c.id} #${i}`));
      certificates += parsed.length;
      pairs += await compareSignatures(parsed, c.id);
    }
    assert.ok(certificates > 300, `${certificates} certificates`);
    t.diagnostic(`x509-limbo: ${cases.length} cases, ${certificates} certificates, ${pairs} signature pairs`);
  });
});
