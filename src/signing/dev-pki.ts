/**
 * A throwaway development PKI (`infracast keys dev`): root CA -> issuing CA -> document signer, each
 * an EC P-256 key made with Node's WebCrypto and a certificate built with pkijs, in the profile the
 * signer policy and the RFC 5280 path validator expect of a real one (signer-policy.ts,
 * path-validation.ts): an e-mail identity in the subject and the SAN, digitalSignature +
 * nonRepudiation, emailProtection + documentSigning (RFC 9336), key identifiers, a CA with
 * pathLen 0. It proves nothing about anyone: it lets a newcomer sign and verify before their
 * organisation issues a key.
 */
import { createHash, KeyObject, randomBytes, type webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { exactArrayBuffer } from './bytes.js';
import { cryptoEngine } from './cms.js';

export interface DevelopmentPki {
  /** The development root CA certificate: what `infracast verify --ca` trusts. */
  rootPem: string;
  /** The signer's private key, PKCS#8 PEM, unencrypted. */
  keyPem: string;
  /** The signer's certificate, then the issuing CA's (what `signing.certificate` names). */
  chainPem: string;
  /** The signer's public key, SPKI PEM (`infracast verify --key` for Sigstore bundles). */
  publicKeyPem: string;
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  emailAddress: '1.2.840.113549.1.9.1',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  documentSigning: '1.3.6.1.5.5.7.3.36',
} as const;

/** keyUsage bits, as the first octet of the BIT STRING (bit 0 is the most significant). */
const KEY_USAGE = { digitalSignature: 0x80, nonRepudiation: 0x40, keyCertSign: 0x04, cRLSign: 0x02 } as const;

const DAY_MS = 86_400_000;

interface Issued {
  certificate: pkijs.Certificate;
  keys: webcrypto.CryptoKeyPair;
  keyId: ArrayBuffer;
}

/**
 * A distinguished name with one attribute per RDN, as OpenSSL's -subj writes it. (pkijs puts all
 * of its typesAndValues into a single multi-valued RDN, so the DER is built here and read back.)
 */
function name(attributes: [string, string][]): pkijs.RelativeDistinguishedNames {
  const rdns = attributes.map(
    ([type, value]) =>
      new asn1js.Set({
        value: [
          new pkijs.AttributeTypeAndValue({
            type,
            value: type === OID.emailAddress ? new asn1js.IA5String({ value }) : new asn1js.Utf8String({ value }),
          }).toSchema(),
        ],
      }),
  );
  return pkijs.RelativeDistinguishedNames.fromBER(new asn1js.Sequence({ value: rdns }).toBER(false));
}

/** A DER keyUsage BIT STRING: unused bits are the trailing zero bits of its one octet (X.690 11.2.2). */
function keyUsage(bits: number): asn1js.BitString {
  let unused = 0;
  while (unused < 7 && (bits & (1 << unused)) === 0) unused++;
  return new asn1js.BitString({ valueHex: new Uint8Array([bits]).buffer, unusedBits: unused });
}

const extension = (extnID: string, critical: boolean, value: { toSchema(): asn1js.AsnType } | asn1js.AsnType): pkijs.Extension =>
  new pkijs.Extension({ extnID, critical, extnValue: ('toSchema' in value ? value.toSchema() : value).toBER(false) });

/** A positive 128-bit serial number, with no leading zero octet (RFC 5280 4.1.2.2). */
function serialNumber(): asn1js.Integer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return new asn1js.Integer({ valueHex: exactArrayBuffer(bytes) });
}

async function issue(options: {
  subject: [string, string][];
  issuer?: Issued;
  notBefore: Date;
  days: number;
  extensions: (keyId: ArrayBuffer) => pkijs.Extension[];
}): Promise<Issued> {
  const engine = cryptoEngine();
  const keys = (await globalThis.crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = serialNumber();
  certificate.subject = name(options.subject);
  certificate.issuer = options.issuer ? options.issuer.certificate.subject : name(options.subject);
  certificate.notBefore.value = options.notBefore;
  certificate.notAfter.value = new Date(options.notBefore.getTime() + options.days * DAY_MS);
  await certificate.subjectPublicKeyInfo.importKey(keys.publicKey, engine);
  // Key identifier method 1 of RFC 5280 4.2.1.2: the SHA-1 of the subjectPublicKey BIT STRING's value.
  const keyId = exactArrayBuffer(createHash('sha1').update(certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest());
  certificate.extensions = options.extensions(keyId);
  if (options.issuer)
    certificate.extensions.push(
      extension(OID.authorityKeyId, false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: options.issuer.keyId }) })),
    );
  await certificate.sign((options.issuer ?? { keys }).keys.privateKey, 'SHA-256', engine);
  return { certificate, keys, keyId };
}

const certificatePem = (certificate: pkijs.Certificate): string =>
  `-----BEGIN CERTIFICATE-----\n${(
    Buffer.from(certificate.toSchema(true).toBER(false))
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  ).join('\n')}\n-----END CERTIFICATE-----\n`;

/** Makes the development PKI for a signer e-mail, valid from `now`: root and issuing CA for 10 years, the signer for 825 days. */
export async function makeDevelopmentPki(email: string, now: Date): Promise<DevelopmentPki> {
  const development: [string, string] = [OID.organization, 'Development only'];
  const caExtensions =
    (pathLength?: number) =>
    (keyId: ArrayBuffer): pkijs.Extension[] => [
      extension(OID.basicConstraints, true, new pkijs.BasicConstraints({ cA: true, ...(pathLength !== undefined ? { pathLenConstraint: pathLength } : {}) })),
      extension(OID.keyUsage, true, keyUsage(KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign)),
      extension(OID.subjectKeyId, false, new asn1js.OctetString({ valueHex: keyId })),
    ];
  const root = await issue({
    subject: [[OID.commonName, 'Infracast Development Root CA (throwaway)'], development],
    notBefore: now,
    days: 3650,
    extensions: caExtensions(),
  });
  const issuing = await issue({
    subject: [[OID.commonName, 'Infracast Development Issuing CA'], development],
    issuer: root,
    notBefore: now,
    days: 3650,
    extensions: caExtensions(0),
  });
  const signer = await issue({
    subject: [[OID.commonName, 'Compliance Signer (development)'], development, [OID.emailAddress, email]],
    issuer: issuing,
    notBefore: now,
    days: 825,
    extensions: (keyId) => [
      // cA FALSE is the DEFAULT, so DER leaves it out: an empty SEQUENCE.
      extension(OID.basicConstraints, true, new asn1js.Sequence({ value: [] })),
      extension(OID.keyUsage, true, keyUsage(KEY_USAGE.digitalSignature | KEY_USAGE.nonRepudiation)),
      extension(OID.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: [OID.emailProtection, OID.documentSigning] })),
      extension(OID.subjectKeyId, false, new asn1js.OctetString({ valueHex: keyId })),
      extension(OID.subjectAltName, false, new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 1, value: email })] })),
    ],
  });
  return {
    rootPem: certificatePem(root.certificate),
    keyPem: KeyObject.from(signer.keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString(),
    chainPem: certificatePem(signer.certificate) + certificatePem(issuing.certificate),
    publicKeyPem: KeyObject.from(signer.keys.publicKey).export({ type: 'spki', format: 'pem' }).toString(),
  };
}
