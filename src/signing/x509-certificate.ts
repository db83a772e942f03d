/**
 * One X.509 certificate decoded for path validation (path-validation.ts) and the CMS verifier: the
 * fields RFC 5280 §4.1 defines, read with the strict DER reader (der.ts), and the extensions path
 * validation processes decoded strictly (a value that is not exactly its ASN.1 type is `malformed`,
 * never skipped). The RFC 5280 §4 profile rules a conforming CA follows (serial number, key
 * identifiers, criticality, names) are checked per path position by path-validation.ts.
 *
 * An outer structure that is not a DER Certificate throws (`parseCertificate`); an extension that does
 * not decode makes the certificate `malformed` (a path failure, not an unreadable certificate).
 */
import {
  algorithmOf,
  bitString,
  booleanOf,
  children,
  contents,
  context,
  DerError,
  encoding,
  expect,
  integerBytes,
  memoByBytes,
  octets,
  oidOf,
  readDer,
  sequenceOf,
  smallInteger,
  TAG,
  timeOf,
  type AlgorithmIdentifier,
  type Tlv,
} from './der.js';
import { dnText, parseName, type Rdn } from './x509-names.js';

export const EXTENSION = {
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  certificatePolicies: '2.5.29.32',
  authorityKeyId: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;

/**
 * The extensions this validator processes, so a critical one is accepted. certificatePolicies is
 * here because the validator's initial policy set is anyPolicy with no explicit policy required
 * (RFC 5280 §6.1.1 c, f): a critical certificatePolicies then constrains nothing. Every other critical
 * extension (policyConstraints, policyMappings, inhibitAnyPolicy included) is refused.
 */
export const PROCESSED_EXTENSIONS: readonly string[] = [
  EXTENSION.basicConstraints,
  EXTENSION.keyUsage,
  EXTENSION.extKeyUsage,
  EXTENSION.subjectAltName,
  EXTENSION.nameConstraints,
  EXTENSION.certificatePolicies,
  EXTENSION.authorityKeyId,
  EXTENSION.subjectKeyId,
];

/** A GeneralName (RFC 5280 §4.2.1.6) by form; the forms not processed keep their tag only. */
export type GeneralName =
  | { form: 'rfc822'; value: string }
  | { form: 'dns'; value: string }
  | { form: 'ip'; bytes: Uint8Array }
  | { form: 'directory'; rdns: Rdn[] }
  | { form: 'other'; tag: number };

export interface NameConstraints {
  permitted: GeneralName[];
  excluded: GeneralName[];
}

/** keyUsage bits (RFC 5280 §4.2.1.3), by bit number. */
export const KEY_USAGE = { digitalSignature: 0, nonRepudiation: 1, keyEncipherment: 2, keyCertSign: 5 } as const;

/** A certificate's fields as encoded (views into its DER). */
export interface CertificateFields {
  der: Uint8Array;
  /** The encoded tbsCertificate: what the issuer's signature covers. */
  tbs: Uint8Array;
  /** The version field as encoded: 0 (v1, absent), 1 (v2), 2 (v3). */
  version: number;
  /** The serial number's INTEGER contents. */
  serial: Uint8Array;
  /** The signature algorithm inside tbsCertificate. */
  innerAlgorithm: AlgorithmIdentifier;
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** The encoded SubjectPublicKeyInfo. */
  spki: Uint8Array;
  extensions: { id: string; critical: boolean; value: Uint8Array }[];
  signatureAlgorithm: AlgorithmIdentifier;
  signatureValue: Uint8Array;
  /** The signature BIT STRING's unused-bits count (a signature is whole bytes: anything but 0 is refused by the CMS verifier). */
  signatureUnusedBits: number;
}

export interface DecodedCertificate {
  der: Uint8Array;
  fields: CertificateFields;
  subject: Rdn[];
  issuer: Rdn[];
  /** Readable subject DN, for messages. */
  subjectText: string;
  /** issuer and subject name the same entity (RFC 5280 §6.1 "self-issued"). */
  selfIssued: boolean;
  notBefore: Date;
  notAfter: Date;
  extensions: { id: string; critical: boolean; value: Uint8Array }[];
  basicConstraints?: { ca: boolean; pathLen?: number };
  /** keyUsage bit numbers set. */
  keyUsage?: Set<number>;
  extKeyUsage?: string[];
  subjectAltNames?: GeneralName[];
  nameConstraints?: NameConstraints;
  subjectKeyId?: Uint8Array;
  authorityKeyId?: Uint8Array;
  /** What could not be decoded: the certificate is refused as `malformed`. */
  malformed?: string;
}

/**
 * The fields of a DER certificate (RFC 5280 §4.1); throws a DerError when it is not exactly one.
 * The critical flag's DEFAULT FALSE is accepted when written out (a DER deviation common in the wild).
 */
export const parseCertificate: (der: Uint8Array) => CertificateFields = memoByBytes(256, readCertificate);

function readCertificate(der: Uint8Array): CertificateFields {
  const [tbs, signatureAlgorithm, signatureValue, ...extra] = sequenceOf(readDer(der), 'the certificate');
  if (extra.length > 0) throw new DerError('the certificate has more than three parts');
  const items = sequenceOf(tbs, 'tbsCertificate');
  let k = 0;
  let version = 0;
  if (items[k]?.tag === context(0, true)) {
    const [value, ...rest] = children(items[k++]!);
    if (rest.length > 0) throw new DerError('the version is not one INTEGER');
    version = smallInteger(value, 'the version');
  }
  const serial = integerBytes(items[k++], 'the serial number');
  const innerAlgorithm = algorithmOf(items[k++], 'the signature algorithm');
  const issuer = expect(items[k++], TAG.sequence, 'the issuer');
  const [notBefore, notAfter, ...moreTimes] = sequenceOf(items[k++], 'the validity');
  if (moreTimes.length > 0) throw new DerError('the validity has more than two times');
  const subject = expect(items[k++], TAG.sequence, 'the subject');
  const spki = expect(items[k++], TAG.sequence, 'the subjectPublicKeyInfo');
  const [spkiAlgorithm, spkiKey, ...spkiRest] = children(spki);
  algorithmOf(spkiAlgorithm, "the subject public key's algorithm");
  bitString(spkiKey, 'the subject public key');
  if (spkiRest.length > 0) throw new DerError('the subjectPublicKeyInfo has more than two parts');
  if (items[k]?.tag === context(1, false)) k++;
  if (items[k]?.tag === context(2, false)) k++;
  const extensions: CertificateFields['extensions'] = [];
  if (items[k]?.tag === context(3, true)) {
    const [list, ...rest] = children(items[k++]!);
    if (rest.length > 0) throw new DerError('the extensions are not one SEQUENCE');
    for (const extension of sequenceOf(list, 'the extensions')) {
      const parts = sequenceOf(extension, 'an extension');
      const id = oidOf(parts[0], "an extension's id");
      const critical = parts.length === 3 ? booleanOf(parts[1], `the critical flag of ${id}`) : false;
      if (parts.length !== 2 && parts.length !== 3) throw new DerError(`the extension ${id} is not an id, a critical flag and a value`);
      extensions.push({ id, critical, value: octets(parts[parts.length - 1], `the value of ${id}`) });
    }
  }
  if (k !== items.length) throw new DerError('tbsCertificate holds something after its extensions');
  const signature = bitString(signatureValue, 'the signature');
  // The names must be Names (SEQUENCE OF SET OF AttributeTypeAndValue), as a certificate parser
  // schema-checks them: a byte changed there makes the certificate unreadable, not merely unnamed.
  parseName(encoding(issuer));
  parseName(encoding(subject));
  return {
    der,
    tbs: encoding(tbs!),
    version,
    serial,
    innerAlgorithm,
    issuerDer: encoding(issuer),
    subjectDer: encoding(subject),
    notBefore: timeOf(notBefore, 'notBefore'),
    notAfter: timeOf(notAfter, 'notAfter'),
    spki: encoding(spki),
    extensions,
    signatureAlgorithm: algorithmOf(signatureAlgorithm, 'the outer signature algorithm'),
    signatureValue: signature.bytes,
    signatureUnusedBits: signature.unusedBits,
  };
}

const isContext = (tlv: Tlv, tag: number): boolean => tlv.tagClass === 2 && tlv.tagNumber === tag;
const ascii = (bytes: Uint8Array): string => {
  for (const b of bytes) if (b > 0x7e || b < 0x20) throw new Error('a name that is not printable IA5');
  return Buffer.from(bytes).toString('latin1');
};
const primitiveContents = (tlv: Tlv): Uint8Array => {
  if (tlv.constructed) throw new Error(`a GeneralName [${tlv.tagNumber}] in constructed form`);
  return contents(tlv);
};

function generalName(tlv: Tlv): GeneralName {
  if (tlv.tagClass !== 2) throw new Error('a GeneralName that is not context-tagged');
  const tag = tlv.tagNumber;
  if (tag === 1) return { form: 'rfc822', value: ascii(primitiveContents(tlv)) };
  if (tag === 2) return { form: 'dns', value: ascii(primitiveContents(tlv)) };
  if (tag === 7) return { form: 'ip', bytes: primitiveContents(tlv) };
  if (tag === 4) {
    const inner = tlv.constructed ? children(tlv) : [];
    if (inner.length !== 1) throw new Error('a directoryName that is not one Name');
    return { form: 'directory', rdns: parseName(encoding(inner[0]!)) };
  }
  return { form: 'other', tag };
}

function sequenceItems(tlv: Tlv, what: string): Tlv[] {
  if (tlv.tag !== TAG.sequence) throw new Error(`${what} is not a SEQUENCE`);
  return children(tlv);
}

function decodeExtension(cert: DecodedCertificate, id: string, value: Uint8Array): void {
  // Only what is processed is decoded: an unknown extension's value is its issuer's business.
  if (!PROCESSED_EXTENSIONS.includes(id)) return;
  const asn = readDer(value);
  switch (id) {
    case EXTENSION.basicConstraints: {
      let ca = false;
      let pathLen: number | undefined;
      for (const item of sequenceItems(asn, 'basicConstraints')) {
        if (item.tag === TAG.boolean) ca = booleanOf(item, 'cA');
        else if (item.tag === TAG.integer) {
          const bytes = integerBytes(item, 'pathLenConstraint');
          if (bytes[0]! >= 0x80) throw new Error('a negative pathLenConstraint');
          // A constraint beyond any real path length constrains nothing more than a large number does.
          pathLen = bytes.length > 6 ? Number.MAX_SAFE_INTEGER : smallInteger(item, 'pathLenConstraint');
        } else throw new Error('basicConstraints holds something else');
      }
      cert.basicConstraints = pathLen === undefined ? { ca } : { ca, pathLen };
      return;
    }
    case EXTENSION.keyUsage: {
      if (asn.tag !== TAG.bitString) throw new Error('keyUsage is not a BIT STRING');
      const { bytes } = bitString(asn, 'keyUsage');
      const bits = new Set<number>();
      for (let i = 0; i < bytes.length * 8; i++) if (bytes[i >> 3]! & (0x80 >> (i & 7))) bits.add(i);
      cert.keyUsage = bits;
      return;
    }
    case EXTENSION.extKeyUsage: {
      const items = sequenceItems(asn, 'extKeyUsage');
      // KeyPurposeId SEQUENCE SIZE (1..MAX): an empty list is not an extKeyUsage.
      if (items.length === 0) throw new Error('extKeyUsage lists no purpose');
      cert.extKeyUsage = items.map((item) => {
        if (item.tag !== TAG.oid) throw new Error('extKeyUsage holds something other than OIDs');
        return oidOf(item, 'a key purpose');
      });
      return;
    }
    case EXTENSION.subjectAltName: {
      const items = sequenceItems(asn, 'subjectAltName');
      if (items.length === 0) throw new Error('subjectAltName is empty');
      cert.subjectAltNames = items.map(generalName);
      return;
    }
    case EXTENSION.nameConstraints: {
      const constraints: NameConstraints = { permitted: [], excluded: [] };
      for (const part of sequenceItems(asn, 'nameConstraints')) {
        const list = isContext(part, 0) ? constraints.permitted : isContext(part, 1) ? constraints.excluded : undefined;
        if (!list || !part.constructed) throw new Error('nameConstraints holds something other than permitted and excluded subtrees');
        const subtrees = children(part);
        if (subtrees.length === 0) throw new Error('an empty GeneralSubtrees');
        for (const subtree of subtrees) {
          const [base, ...rest] = sequenceItems(subtree, 'GeneralSubtree');
          // RFC 5280 §4.2.1.10: minimum MUST be zero and maximum absent.
          if (!base || rest.some((r) => !isContext(r, 0) || r.constructed || contents(r).some((b) => b !== 0)))
            throw new Error('a GeneralSubtree with a minimum or maximum');
          list.push(generalName(base));
        }
      }
      cert.nameConstraints = constraints;
      return;
    }
    case EXTENSION.subjectKeyId:
      if (asn.tag !== TAG.octetString) throw new Error('subjectKeyIdentifier is not an OCTET STRING');
      cert.subjectKeyId = contents(asn);
      return;
    case EXTENSION.authorityKeyId: {
      const keyId = sequenceItems(asn, 'authorityKeyIdentifier').find((item) => isContext(item, 0));
      if (keyId?.constructed) throw new Error('an authorityKeyIdentifier keyIdentifier in constructed form');
      cert.authorityKeyId = keyId ? contents(keyId) : new Uint8Array();
      return;
    }
    default:
      return;
  }
}

/** Decodes a DER certificate; throws only when the outer structure is not a certificate. */
export function decodeCertificate(der: Uint8Array): DecodedCertificate {
  const fields = parseCertificate(der);
  const subject = parseName(fields.subjectDer);
  const issuer = parseName(fields.issuerDer);
  const decoded: DecodedCertificate = {
    der,
    fields,
    subject,
    issuer,
    subjectText: dnText(subject),
    selfIssued: false,
    notBefore: fields.notBefore,
    notAfter: fields.notAfter,
    extensions: fields.extensions,
  };
  const seen = new Set<string>();
  for (const extension of decoded.extensions) {
    if (seen.has(extension.id)) {
      decoded.malformed ??= `the extension ${extension.id} appears twice`;
      continue;
    }
    seen.add(extension.id);
    try {
      decodeExtension(decoded, extension.id, extension.value);
    } catch (cause) {
      decoded.malformed ??= `the extension ${extension.id} is not what RFC 5280 defines (${cause instanceof Error ? cause.message : String(cause)})`;
    }
  }
  return decoded;
}

/** A PEM text (one or more certificates) or DER bytes, as DER certificates. */
export function certificateBytes(input: Uint8Array | string): Uint8Array[] {
  if (typeof input !== 'string') return [input];
  const blocks = [...input.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  return blocks.map((block) => new Uint8Array(Buffer.from(block[1]!.replace(/\s+/g, ''), 'base64')));
}

export const extensionOf = (cert: DecodedCertificate, id: string): DecodedCertificate['extensions'][number] | undefined =>
  cert.extensions.find((e) => e.id === id);
