/**
 * The strict DER reader of the verification path (src/signing/der.ts), the certificate and CMS
 * readers on it, and the node:crypto signature check: what DER does not allow is refused, each with
 * a reason that says what and where.
 */
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { readSignedData } from '../../src/signing/cms-reader.js';
import {
  algorithmOf,
  bitString,
  booleanOf,
  children,
  DerError,
  integerBytes,
  nullOf,
  oidOf,
  readDer,
  smallInteger,
  timeOf,
  type Tlv,
} from '../../src/signing/der.js';
import { SignatureAlgorithmError, verifySignature } from '../../src/signing/signature.js';
import { parseCertificate } from '../../src/signing/x509-certificate.js';

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const refused = (run: () => unknown, reason: RegExp): void => {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof DerError, `a DerError, got ${String(error)}`);
    assert.match(error.message, reason);
    return true;
  });
};

describe('DER reader: framing', () => {
  it('reads one value and its children, as views of the input', () => {
    const bytes = hex('30 06 02 01 05 04 01 ff');
    const outer = readDer(bytes);
    assert.equal(outer.tag, 0x30);
    assert.equal(outer.end, 8);
    const [integer, octets] = children(outer) as [Tlv, Tlv];
    assert.equal(smallInteger(integer, 'n'), 5);
    assert.equal(octets.contentStart, 7);
    assert.equal(octets.bytes, bytes);
  });

  const cases: [string, string, RegExp][] = [
    ['empty input', '', /truncated: a value expected at byte 0/],
    ['a tag with no length', '30', /truncated length at byte 0/],
    ['contents shorter than the length', '04 05 01 02', /length of 5 at byte 0 goes beyond its container \(2 bytes left\)/],
    ['a child longer than its parent', '30 03 04 05 00', /length of 5 at byte 2 goes beyond its container \(1 bytes left\)/],
    ['trailing bytes', '05 00 00', /1 bytes follow the value/],
    ['a non-minimal long form (length below 128)', '04 81 03 01 02 03', /non-minimal length at byte 0 \(3 in the long form\)/],
    ['a leading zero length octet', '04 82 00 80' + '00'.repeat(128), /non-minimal length at byte 0 \(a leading zero octet\)/],
    ['an over-long length (5 octets)', '04 85 01 00 00 00 00', /a length of 5 octets at byte 0/],
    ['the reserved length octet ff', '04 ff', /reserved length octet at byte 0/],
    ['an indefinite length in DER', '30 80 05 00 00 00', /indefinite length at byte 0 \(DER requires definite lengths\)/],
    ['end-of-contents where nothing is open', '30 02 00 00', /end-of-contents octets at byte 2/],
    ['a high-form tag for a low number', '1f 02 01 05', /high-form tag for number 2 at byte 0/],
    ['a high-form tag with a leading zero', '1f 80 21 00', /tag number with a leading zero at byte 0/],
    ['a truncated high-form tag', '1f 81', /truncated tag at byte 0/],
  ];
  for (const [name, bytes, reason] of cases) it(`refuses ${name}`, () => refused(() => children(readDer(hex(bytes))), reason));

  it('accepts an indefinite length only when asked, and only on a constructed value', () => {
    const ber = hex('30 80 05 00 00 00');
    assert.equal(readDer(ber, { indefinite: true }).end, 6);
    refused(() => readDer(hex('04 80 00 00'), { indefinite: true }), /indefinite length on a primitive value at byte 0/);
    refused(() => readDer(hex('30 80 05 00'), { indefinite: true }), /without its end-of-contents octets/);
  });

  it('refuses nesting beyond 64 levels', () => {
    const deep = hex('30 80'.repeat(70) + '05 00' + '00 00'.repeat(70));
    refused(() => readDer(deep, { indefinite: true }), /nested more than 64 deep/);
  });
});

describe('DER reader: primitive values in their one DER form', () => {
  const tlv = (text: string): Tlv => readDer(hex(text));
  it('INTEGER: minimal two’s complement', () => {
    assert.deepEqual([...integerBytes(tlv('02 02 00 80'), 'n')], [0, 0x80]);
    assert.equal(smallInteger(tlv('02 01 ff'), 'n'), -1);
    assert.equal(smallInteger(tlv('02 02 ff 7f'), 'n'), -129);
    refused(() => integerBytes(tlv('02 02 00 7f'), 'the serial'), /the serial is a non-minimal INTEGER/);
    refused(() => integerBytes(tlv('02 02 ff 80'), 'n'), /non-minimal INTEGER/);
    refused(() => integerBytes(tlv('02 00'), 'n'), /n is an empty INTEGER/);
    refused(() => integerBytes(tlv('04 01 00'), 'the version'), /the version at byte 0 has tag 0x4, not 0x2/);
  });
  it('BOOLEAN: 00 or ff, one octet', () => {
    assert.equal(booleanOf(tlv('01 01 ff'), 'cA'), true);
    refused(() => booleanOf(tlv('01 01 01'), 'cA'), /cA is not a DER BOOLEAN/);
    refused(() => booleanOf(tlv('01 02 00 00'), 'cA'), /not a DER BOOLEAN/);
  });
  it('NULL: empty', () => refused(() => nullOf(tlv('05 01 00'), 'the parameters'), /the parameters is a NULL with contents/));
  it('BIT STRING: an unused-bits count of at most 7, and those bits zero', () => {
    assert.deepEqual(bitString(tlv('03 02 07 80'), 'keyUsage'), { bytes: hex('80'), unusedBits: 7 });
    refused(() => bitString(tlv('03 02 01 01'), 'keyUsage'), /keyUsage is not a DER BIT STRING/);
    refused(() => bitString(tlv('03 02 08 00'), 'keyUsage'), /not a DER BIT STRING/);
    refused(() => bitString(tlv('03 01 01'), 'keyUsage'), /not a DER BIT STRING/);
    refused(() => bitString(tlv('23 03 03 01 00'), 'keyUsage'), /tag 0x23, not 0x3/);
  });
  it('OBJECT IDENTIFIER: minimal sub-identifiers, none cut short', () => {
    assert.equal(oidOf(tlv('06 09 2a 86 48 86 f7 0d 01 07 02'), 'type'), '1.2.840.113549.1.7.2');
    assert.equal(oidOf(tlv('06 03 55 1d 0f'), 'type'), '2.5.29.15');
    refused(() => oidOf(tlv('06 03 2a 80 01'), 'the type'), /the type has a sub-identifier with a leading zero/);
    refused(() => oidOf(tlv('06 02 2a 86'), 'the type'), /the type ends inside a sub-identifier/);
    refused(() => oidOf(tlv('06 00'), 'the type'), /empty OBJECT IDENTIFIER/);
  });
  it('times: UTC with seconds; a fraction only in GeneralizedTime, without trailing zeros', () => {
    const time = (tag: number, text: string): Tlv => readDer(new Uint8Array([tag, text.length, ...Buffer.from(text, 'latin1')]));
    assert.equal(timeOf(time(0x17, '491231235959Z'), 't').toISOString(), '2049-12-31T23:59:59.000Z');
    assert.equal(timeOf(time(0x17, '500101000000Z'), 't').toISOString(), '1950-01-01T00:00:00.000Z');
    assert.equal(timeOf(time(0x18, '20261129000000.25Z'), 't').toISOString(), '2026-11-29T00:00:00.250Z');
    refused(() => timeOf(time(0x17, '4912312359Z'), 'notAfter'), /notAfter "4912312359Z" is not a DER time/);
    refused(() => timeOf(time(0x17, '491231235959+0100'), 't'), /not a DER time/);
    refused(() => timeOf(time(0x18, '20261129000000.50Z'), 't'), /not a DER time/);
    refused(() => timeOf(time(0x18, '20260230000000Z'), 't'), /not a valid date/);
    refused(() => timeOf(readDer(hex('04 00')), 'notBefore'), /notBefore is not a UTCTime or GeneralizedTime/);
  });
  it('AlgorithmIdentifier: an OID and at most one parameter', () => {
    assert.equal(algorithmOf(tlv('30 0d 06 09 2a 86 48 86 f7 0d 01 01 0b 05 00'), 'alg').oid, '1.2.840.113549.1.1.11');
    refused(() => algorithmOf(tlv('30 00'), 'the digest algorithm'), /the digest algorithm is not an AlgorithmIdentifier/);
  });
});

describe('certificate and CMS readers', () => {
  // A real certificate made here (no OpenSSL needed): the Node key signs a minimal v3 TBS.
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const seq = (...parts: Uint8Array[]): Uint8Array => tagged(0x30, ...parts);
  function tagged(tag: number, ...parts: Uint8Array[]): Uint8Array {
    const body = Buffer.concat(parts);
    const length = body.length < 0x80 ? [body.length] : body.length < 0x100 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
    return new Uint8Array([tag, ...length, ...body]);
  }
  const ecdsaSha256 = hex('30 0a 06 08 2a 86 48 ce 3d 04 03 02');
  const name = hex('30 0f 31 0d 30 0b 06 03 55 04 03 0c 04 54 65 73 74');
  const validity = seq(hex('17 0d'), Buffer.from('260101000000Z'), hex('17 0d'), Buffer.from('360101000000Z'));
  const tbs = seq(hex('a0 03 02 01 02'), hex('02 01 01'), ecdsaSha256, name, validity, name, spki);
  const signature = sign('sha256', tbs, privateKey);
  const cert = seq(tbs, ecdsaSha256, tagged(0x03, new Uint8Array([0]), signature));

  it('reads the fields of a certificate and verifies its signature with its own key', () => {
    const fields = parseCertificate(cert);
    assert.equal(fields.version, 2);
    assert.deepEqual([...fields.serial], [1]);
    assert.deepEqual(fields.subjectDer, name);
    assert.deepEqual(fields.spki, spki);
    assert.equal(fields.notAfter.toISOString(), '2036-01-01T00:00:00.000Z');
    assert.equal(verifySignature(fields.signatureAlgorithm, fields.spki, fields.tbs, fields.signatureValue), true);
    const flipped = Uint8Array.from(fields.tbs);
    flipped[flipped.length - 1]! ^= 1;
    assert.equal(verifySignature(fields.signatureAlgorithm, fields.spki, flipped, fields.signatureValue), false);
  });
  it('refuses a certificate with trailing bytes, cut short, or with a part missing or added', () => {
    refused(() => parseCertificate(new Uint8Array([...cert, 0])), /1 bytes follow the value/);
    refused(() => parseCertificate(cert.subarray(0, cert.length - 1)), /goes beyond its container/);
    refused(() => parseCertificate(seq(tbs, ecdsaSha256)), /the signature is missing/);
    refused(() => parseCertificate(seq(tbs, ecdsaSha256, tagged(0x03, new Uint8Array([0]), signature), hex('05 00'))), /more than three parts/);
    refused(
      () => parseCertificate(seq(seq(hex('02 01 01'), ecdsaSha256, name, validity, name), ecdsaSha256, hex('03 01 00'))),
      /subjectPublicKeyInfo is missing/,
    );
  });
  it('refuses a CMS that is not a ContentInfo, with the reason', () => {
    refused(() => readSignedData(hex('30 03 06 01 2a')), /the content is missing/);
    refused(() => readSignedData(hex('30 05 06 01 2a a1 00')), /the content at byte 5 has tag 0xa1, not 0xa0/);
  });
  it('RSASSA-PSS takes its hash and salt length from the parameters; rsaEncryption in a SignerInfo follows the key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaSpki = new Uint8Array(rsa.publicKey.export({ type: 'spki', format: 'der' }));
    const data = Buffer.from('signed attributes');
    const pssSignature = sign('sha256', data, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    const sha256 = hex('30 0d 06 09 60 86 48 01 65 03 04 02 01 05 00');
    const pss = (salt: number): { oid: string; params: Tlv; der: Uint8Array } => {
      const params = seq(
        tagged(0xa0, sha256),
        tagged(0xa1, seq(hex('06 09 2a 86 48 86 f7 0d 01 01 08'), sha256)),
        tagged(0xa2, new Uint8Array([0x02, 0x01, salt])),
      );
      return { oid: '1.2.840.113549.1.1.10', params: readDer(params), der: seq(hex('06 09 2a 86 48 86 f7 0d 01 01 0a'), params) };
    };
    assert.equal(verifySignature(pss(32), rsaSpki, data, pssSignature), true);
    assert.equal(verifySignature(pss(20), rsaSpki, data, pssSignature), false);
    const rsaEncryption = { oid: '1.2.840.113549.1.1.1', der: new Uint8Array() };
    assert.equal(verifySignature(rsaEncryption, rsaSpki, data, sign('sha384', data, rsa.privateKey), 'sha384'), true);
    assert.equal(verifySignature(rsaEncryption, spki, data, sign('sha256', data, privateKey), 'sha256'), true);
    assert.throws(() => verifySignature(rsaEncryption, rsaSpki, data, pssSignature), /Unsupported signature algorithm: 1\.2\.840\.113549\.1\.1\.1/);
  });
  it('names an algorithm it does not support instead of verifying', () => {
    const sha224 = { oid: '1.2.840.10045.4.3.1', der: new Uint8Array() };
    assert.throws(
      () => verifySignature(sha224, spki, tbs, signature),
      (e: unknown) => e instanceof SignatureAlgorithmError && /1\.2\.840\.10045\.4\.3\.1/.test(e.message),
    );
    const rsaOnEc = { oid: '1.2.840.113549.1.1.11', der: new Uint8Array() };
    assert.throws(() => verifySignature(rsaOnEc, spki, tbs, signature), /not an RSA key/);
  });
});
