/**
 * The structure of a CMS ContentInfo(SignedData) (RFC 5652 §5) and of an RFC 3161 TSTInfo, read with
 * the strict reader of der.ts: fields as encoded (views into the CMS), no interpretation. What the
 * fields must hold (versions, one signer, attribute rules) is cms-verify.ts's to check.
 *
 * The CMS may use indefinite lengths (BER) where cms-encoding.ts allows them; everything else is DER.
 * Certificates are read as DER certificates (x509-certificate.ts).
 */
import {
  algorithmOf,
  children,
  context,
  DerError,
  encoding,
  expect,
  integerBytes,
  octets,
  oidOf,
  readDer,
  sequenceOf,
  smallInteger,
  TAG,
  timeOf,
  type AlgorithmIdentifier,
  type ReadOptions,
  type Tlv,
} from './der.js';
import { parseCertificate, type CertificateFields } from './x509-certificate.js';
import { parseName } from './x509-names.js';

export const SIGNED_DATA = '1.2.840.113549.1.7.2';

export interface CmsAttribute {
  type: string;
  /** The values as encoded. */
  values: Tlv[];
}

export type SignerIdentifier = { kind: 'issuer-and-serial'; issuer: Uint8Array; serial: Uint8Array } | { kind: 'key-id'; keyId: Uint8Array };

export interface SignerInfoFields {
  version: number;
  sid: SignerIdentifier;
  digestAlgorithm: AlgorithmIdentifier;
  /** The signed attributes, and their encoding with the SET OF tag (what the signature covers, RFC 5652 §5.4). */
  signedAttrs?: { attributes: CmsAttribute[]; signedBytes: Uint8Array };
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  unsignedAttrs?: CmsAttribute[];
}

export interface SignedDataFields {
  contentType: string;
  version: number;
  digestAlgorithms: AlgorithmIdentifier[];
  eContentType: string;
  /** The encapsulated content's octets, when embedded. */
  eContent?: Uint8Array;
  /** The X.509 certificates carried (CertificateChoices `certificate`). */
  certificates: CertificateFields[];
  /** Whether the certificates field holds another choice (attribute certificates, other). */
  otherCertificates: boolean;
  /** Whether the crls field holds an `other` RevocationInfoChoice ([1]). */
  otherCrls: boolean;
  signerInfos: SignerInfoFields[];
}

function attributesOf(tlv: Tlv, what: string, options: ReadOptions): CmsAttribute[] {
  return children(tlv, options).map((attribute) => {
    const [type, values, ...rest] = sequenceOf(attribute, `a ${what} attribute`, TAG.sequence, options);
    if (rest.length > 0) throw new DerError(`a ${what} attribute has more than a type and values`);
    return { type: oidOf(type, `a ${what} attribute's type`), values: sequenceOf(values, `a ${what} attribute's values`, TAG.set, options) };
  });
}

function signerInfoOf(tlv: Tlv, options: ReadOptions): SignerInfoFields {
  const items = sequenceOf(tlv, 'a SignerInfo', TAG.sequence, options);
  let k = 0;
  const version = smallInteger(items[k++], 'the SignerInfo version');
  const sidTlv = items[k++];
  let sid: SignerIdentifier;
  if (sidTlv?.tag === TAG.sequence) {
    const [issuer, serial, ...rest] = children(sidTlv, options);
    if (rest.length > 0) throw new DerError('the IssuerAndSerialNumber has more than two parts');
    const issuerName = encoding(expect(issuer, TAG.sequence, "the sid's issuer"));
    // A Name, as a CMS parser schema-checks it (parseName throws a DerError otherwise).
    parseName(issuerName);
    sid = { kind: 'issuer-and-serial', issuer: issuerName, serial: integerBytes(serial, "the sid's serial number") };
  } else sid = { kind: 'key-id', keyId: octets(sidTlv, 'the sid subjectKeyIdentifier', context(0, false)) };
  const digestAlgorithm = algorithmOf(items[k++], "the signer's digest algorithm");
  let signedAttrs: SignerInfoFields['signedAttrs'];
  if (items[k]?.tag === context(0, true)) {
    const attrs = items[k++]!;
    const signedBytes = new Uint8Array(encoding(attrs));
    signedBytes[0] = TAG.set;
    signedAttrs = { attributes: attributesOf(attrs, 'signed', options), signedBytes };
  }
  const signatureAlgorithm = algorithmOf(items[k++], "the signer's signature algorithm");
  const signature = octets(items[k++], 'the signature value');
  let unsignedAttrs: CmsAttribute[] | undefined;
  if (items[k]?.tag === context(1, true)) unsignedAttrs = attributesOf(items[k++]!, 'unsigned', options);
  if (k !== items.length) throw new DerError('the SignerInfo holds something after its unsigned attributes');
  return { version, sid, digestAlgorithm, ...(signedAttrs ? { signedAttrs } : {}), signatureAlgorithm, signature, ...(unsignedAttrs ? { unsignedAttrs } : {}) };
}

/** Reads `bytes` as exactly one ContentInfo holding a SignedData (throws a DerError naming what is wrong). */
export function readSignedData(bytes: Uint8Array): SignedDataFields {
  const options: ReadOptions = { indefinite: true };
  const [contentTypeTlv, explicit, ...rest] = sequenceOf(readDer(bytes, options), 'the ContentInfo', TAG.sequence, options);
  if (rest.length > 0) throw new DerError('the ContentInfo has more than two parts');
  const contentType = oidOf(contentTypeTlv, 'the content type');
  const [content, ...more] = sequenceOf(explicit, 'the content', context(0, true), options);
  if (more.length > 0) throw new DerError('the content is more than one value');
  if (contentType !== SIGNED_DATA) return { contentType } as SignedDataFields;
  const items = sequenceOf(content, 'the SignedData', TAG.sequence, options);
  let k = 0;
  const version = smallInteger(items[k++], 'the SignedData version');
  const digestAlgorithms = sequenceOf(items[k++], 'digestAlgorithms', TAG.set, options).map((alg) => algorithmOf(alg, 'a digest algorithm'));
  const [eContentTypeTlv, eContentTlv, ...encapRest] = sequenceOf(items[k++], 'encapContentInfo', TAG.sequence, options);
  if (encapRest.length > 0) throw new DerError('encapContentInfo has more than two parts');
  const eContentType = oidOf(eContentTypeTlv, 'the encapsulated content type');
  let eContent: Uint8Array | undefined;
  if (eContentTlv) {
    const [octetString, ...extra] = sequenceOf(eContentTlv, 'the encapsulated content', context(0, true), options);
    if (extra.length > 0) throw new DerError('the encapsulated content is more than one OCTET STRING');
    eContent = octets(octetString, 'the encapsulated content');
  }
  const certificates: CertificateFields[] = [];
  let otherCertificates = false;
  if (items[k]?.tag === context(0, true))
    for (const choice of children(items[k++]!, options)) {
      if (choice.tag === TAG.sequence) certificates.push(parseCertificate(encoding(choice)));
      else if (choice.tag >= context(0, true) && choice.tag <= context(3, true)) otherCertificates = true;
      else throw new DerError(`a CertificateChoices with tag 0x${choice.tag.toString(16)}`);
    }
  let otherCrls = false;
  if (items[k]?.tag === context(1, true))
    for (const choice of children(items[k++]!, options)) {
      if (choice.tag === TAG.sequence) {
        // A CertificateList: tbsCertList, signatureAlgorithm, signature (its contents are not used here).
        const [tbs, algorithm, signature, ...extra] = children(choice, options);
        if (extra.length > 0 || tbs?.tag !== TAG.sequence || signature?.tag !== TAG.bitString) throw new DerError('a CRL that is not a CertificateList');
        algorithmOf(algorithm, "a CRL's signature algorithm");
      } else if (choice.tag === context(1, true)) otherCrls = true;
      else throw new DerError(`a RevocationInfoChoice with tag 0x${choice.tag.toString(16)}`);
    }
  const signerInfos = sequenceOf(items[k++], 'signerInfos', TAG.set, options).map((tlv) => signerInfoOf(tlv, options));
  if (k !== items.length) throw new DerError('the SignedData holds something after its signerInfos');
  return {
    contentType,
    version,
    digestAlgorithms,
    eContentType,
    ...(eContent ? { eContent } : {}),
    certificates,
    otherCertificates,
    otherCrls,
    signerInfos,
  };
}

export interface TstInfoFields {
  imprintAlgorithm: string;
  hashedMessage: Uint8Array;
  genTime: Date;
}

/** The fields of a DER TSTInfo (RFC 3161 §2.4.2) the verifier uses; the whole structure is checked. */
export function readTstInfo(bytes: Uint8Array): TstInfoFields {
  const items = sequenceOf(readDer(bytes), 'the TSTInfo');
  smallInteger(items[0], 'the TSTInfo version');
  oidOf(items[1], 'the TSA policy');
  const [algorithm, hashed, ...rest] = sequenceOf(items[2], 'the messageImprint');
  if (rest.length > 0) throw new DerError('the messageImprint has more than two parts');
  integerBytes(items[3], 'the TSTInfo serial number');
  if (items[4]?.tag !== TAG.generalizedTime) throw new DerError('genTime is not a GeneralizedTime');
  const genTime = timeOf(items[4], 'genTime');
  // accuracy, ordering, nonce, tsa, extensions: optional, in this order.
  const optional = [TAG.sequence, TAG.boolean, TAG.integer, context(0, true), context(1, true)];
  let at = 0;
  for (const item of items.slice(5)) {
    const position = optional.indexOf(item.tag as (typeof optional)[number], at);
    if (position === -1) throw new DerError(`the TSTInfo holds an unexpected value (tag 0x${item.tag.toString(16)})`);
    at = position + 1;
  }
  return { imprintAlgorithm: algorithmOf(algorithm, 'the imprint hash algorithm').oid, hashedMessage: octets(hashed, 'the hashed message'), genTime };
}
