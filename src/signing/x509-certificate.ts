/**
 * One X.509 certificate decoded for path validation (path-validation.ts): the fields RFC 5280 §6.1
 * reads, the extensions it processes decoded strictly with asn1js (a value that is not exactly its
 * ASN.1 type is `malformed`, never skipped), and the RFC 5280 §4 profile rules a conforming CA
 * follows (serial number, key identifiers, criticality, names), checked per path position.
 *
 * pkijs reads the outer structure; the extensions are decoded here because pkijs decodes them
 * lazily and leniently (a SAN of ASCII bytes simply has no parsed value there).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { exactArrayBuffer } from './bytes.js';
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

export interface DecodedCertificate {
  der: Uint8Array;
  pkijs: pkijs.Certificate;
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

/** A strict DER read: the whole input must be one value. */
function readAsn1(bytes: Uint8Array): asn1js.AsnType {
  const ber = asn1js.fromBER(exactArrayBuffer(bytes));
  if (ber.offset === -1 || ber.offset !== bytes.byteLength) throw new Error('not one ASN.1 value');
  return ber.result;
}

const isContext = (block: asn1js.AsnType, tag: number): boolean => block.idBlock.tagClass === 3 && block.idBlock.tagNumber === tag;
const hexView = (block: asn1js.AsnType): Uint8Array => new Uint8Array((block as asn1js.Primitive).valueBlock.valueHexView);
const ascii = (bytes: Uint8Array): string => {
  for (const b of bytes) if (b > 0x7e || b < 0x20) throw new Error('a name that is not printable IA5');
  return Buffer.from(bytes).toString('latin1');
};

function generalName(block: asn1js.AsnType): GeneralName {
  if (block.idBlock.tagClass !== 3) throw new Error('a GeneralName that is not context-tagged');
  const tag = block.idBlock.tagNumber;
  if (tag === 1) return { form: 'rfc822', value: ascii(hexView(block)) };
  if (tag === 2) return { form: 'dns', value: ascii(hexView(block)) };
  if (tag === 7) return { form: 'ip', bytes: hexView(block) };
  if (tag === 4) {
    const inner = (block as asn1js.Constructed).valueBlock.value;
    if (inner.length !== 1) throw new Error('a directoryName that is not one Name');
    return { form: 'directory', rdns: parseName(new Uint8Array(inner[0]!.valueBeforeDecodeView)) };
  }
  return { form: 'other', tag };
}

function sequenceOf(block: asn1js.AsnType, what: string): asn1js.AsnType[] {
  if (!(block instanceof asn1js.Sequence)) throw new Error(`${what} is not a SEQUENCE`);
  return block.valueBlock.value;
}

function decodeExtension(cert: DecodedCertificate, id: string, value: Uint8Array): void {
  // Only what is processed is decoded: an unknown extension's value is its issuer's business.
  if (!PROCESSED_EXTENSIONS.includes(id)) return;
  const asn = readAsn1(value);
  switch (id) {
    case EXTENSION.basicConstraints: {
      const items = sequenceOf(asn, 'basicConstraints');
      let ca = false;
      let pathLen: number | undefined;
      for (const item of items) {
        if (item instanceof asn1js.Boolean) ca = item.valueBlock.value;
        else if (item instanceof asn1js.Integer) {
          pathLen = item.valueBlock.valueDec;
          if (pathLen < 0) throw new Error('a negative pathLenConstraint');
        } else throw new Error('basicConstraints holds something else');
      }
      cert.basicConstraints = pathLen === undefined ? { ca } : { ca, pathLen };
      return;
    }
    case EXTENSION.keyUsage: {
      if (!(asn instanceof asn1js.BitString)) throw new Error('keyUsage is not a BIT STRING');
      const bytes = new Uint8Array(asn.valueBlock.valueHexView);
      const bits = new Set<number>();
      for (let i = 0; i < bytes.length * 8; i++) if (bytes[i >> 3]! & (0x80 >> (i & 7))) bits.add(i);
      cert.keyUsage = bits;
      return;
    }
    case EXTENSION.extKeyUsage: {
      const items = sequenceOf(asn, 'extKeyUsage');
      // KeyPurposeId SEQUENCE SIZE (1..MAX): an empty list is not an extKeyUsage.
      if (items.length === 0) throw new Error('extKeyUsage lists no purpose');
      cert.extKeyUsage = items.map((item) => {
        if (!(item instanceof asn1js.ObjectIdentifier)) throw new Error('extKeyUsage holds something other than OIDs');
        return item.valueBlock.toString();
      });
      return;
    }
    case EXTENSION.subjectAltName: {
      const items = sequenceOf(asn, 'subjectAltName');
      if (items.length === 0) throw new Error('subjectAltName is empty');
      cert.subjectAltNames = items.map(generalName);
      return;
    }
    case EXTENSION.nameConstraints: {
      const constraints: NameConstraints = { permitted: [], excluded: [] };
      for (const part of sequenceOf(asn, 'nameConstraints')) {
        const list = isContext(part, 0) ? constraints.permitted : isContext(part, 1) ? constraints.excluded : undefined;
        if (!list) throw new Error('nameConstraints holds something other than permitted and excluded subtrees');
        const subtrees = (part as asn1js.Constructed).valueBlock.value;
        if (subtrees.length === 0) throw new Error('an empty GeneralSubtrees');
        for (const subtree of subtrees) {
          const [base, ...rest] = sequenceOf(subtree, 'GeneralSubtree');
          // RFC 5280 §4.2.1.10: minimum MUST be zero and maximum absent.
          if (!base || rest.some((r) => !isContext(r, 0) || hexView(r).some((b) => b !== 0))) throw new Error('a GeneralSubtree with a minimum or maximum');
          list.push(generalName(base));
        }
      }
      cert.nameConstraints = constraints;
      return;
    }
    case EXTENSION.subjectKeyId:
      if (!(asn instanceof asn1js.OctetString)) throw new Error('subjectKeyIdentifier is not an OCTET STRING');
      cert.subjectKeyId = new Uint8Array(asn.valueBlock.valueHexView);
      return;
    case EXTENSION.authorityKeyId: {
      const keyId = sequenceOf(asn, 'authorityKeyIdentifier').find((item) => isContext(item, 0));
      cert.authorityKeyId = keyId ? hexView(keyId) : new Uint8Array();
      return;
    }
    default:
      return;
  }
}

/** Decodes a DER certificate; throws only when the outer structure is not a certificate. */
export function decodeCertificate(der: Uint8Array): DecodedCertificate {
  readAsn1(der);
  const cert = pkijs.Certificate.fromBER(exactArrayBuffer(der));
  const subject = parseName(new Uint8Array(cert.subject.valueBeforeDecode));
  const issuer = parseName(new Uint8Array(cert.issuer.valueBeforeDecode));
  const decoded: DecodedCertificate = {
    der,
    pkijs: cert,
    subject,
    issuer,
    subjectText: dnText(subject),
    selfIssued: false,
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    extensions: (cert.extensions ?? []).map((e) => ({ id: e.extnID, critical: e.critical, value: new Uint8Array(e.extnValue.valueBlock.valueHexView) })),
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
