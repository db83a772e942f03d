/**
 * The structure of a CMS SignedData as cms-verify.ts checks it, read with cms-reader.ts (DER): its
 * parse against RFC 5652's rules for the parts outside the signature (`parseCms`), the certificates it
 * carries against each other (`bagProblem`), the ESS signing-certificate attributes
 * (`essCertMatches`), and the names shown for a certificate.
 */
import { createHash } from 'node:crypto';
import { OID } from './cms-oids.js';
import { cmsEncoding } from './cms-encoding.js';
import { readSignedData, type CmsAttribute, type SignedDataFields, type SignerInfoFields } from './cms-reader.js';
import { algorithmOf, children, contents, DerError, encoding, integerBytes, nullOf, octets, oidOf, readDer, sameBytes, TAG, type Tlv } from './der.js';
import { signatureHolds } from './signature.js';
import { tokenCovers } from './tsa-token.js';
import { EXTENSION, type CertificateFields } from './x509-certificate.js';
import { parseName, sameName } from './x509-names.js';

const SIGNING_CERTIFICATE_V1 = '1.2.840.113549.1.9.16.2.12';
/** Signature algorithms whose AlgorithmIdentifier carries real parameters (RSASSA-PSS); the others take none or NULL. */
const PARAMETERISED = new Set(['1.2.840.113549.1.1.10']);

/** A profile violation: the CMS is readable but not what a signer following the standards writes. */
export class ProfileError extends Error {}

export interface ParsedCms {
  signedData: SignedDataFields;
  signerInfo: SignerInfoFields;
  certificates: CertificateFields[];
  signer: CertificateFields;
  /** BER with indefinite lengths rather than DER. */
  indefinite: boolean;
  /** The signature-time-stamp tokens (unsigned attribute values), as encoded. */
  tokens: Uint8Array[];
}

/** RFC 5652 §11: the attributes that take exactly one value. */
const SINGLE_VALUED = new Set<string>([OID.contentType, OID.messageDigest, OID.signingTime]);

/** The extension value of `id` read as one DER value, or undefined (absent or unreadable). */
function extensionValue(cert: CertificateFields, id: string): Tlv | undefined {
  const extension = cert.extensions.find((e) => e.id === id);
  if (!extension) return undefined;
  try {
    return readDer(extension.value);
  } catch {
    return undefined;
  }
}

/** The subjectKeyIdentifier, or the authorityKeyIdentifier's keyIdentifier. */
function keyIdentifier(cert: CertificateFields, id: string): Uint8Array | undefined {
  const value = extensionValue(cert, id);
  if (!value) return undefined;
  try {
    if (id === EXTENSION.subjectKeyId) return value.tag === TAG.octetString ? contents(value) : undefined;
    if (value.tag !== TAG.sequence) return undefined;
    const keyId = children(value).find((item) => item.tag === 0x80);
    return keyId ? contents(keyId) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses a ContentInfo(SignedData) with one signer and checks its unsigned parts against RFC 5652:
 * DER or the BER of cms-encoding.ts, the version numbers §5.1/§5.3 prescribe, digestAlgorithms naming
 * the signer's digest, NULL-or-absent parameters, X.509 certificates only and the signer's among them,
 * contentType attribute = eContentType, contentType, messageDigest and signingTime single-valued.
 * Unsigned attributes may be anything a signer adds (countersignatures, CAdES-C/X/A values), with one
 * rule: a value that is a timestamp token over this signature value must be a signature-time-stamp,
 * so that an edited attribute type cannot make a timestamp silently disappear.
 */
export function parseCms(bytes: Uint8Array, expect: { eContentType: string }): ParsedCms {
  const berReport = cmsEncoding(bytes);
  if (berReport.problem) throw new ProfileError(`neither DER nor BER with indefinite lengths only: ${berReport.problem}`);
  let signedData: SignedDataFields;
  try {
    signedData = readSignedData(bytes);
  } catch (cause) {
    if (cause instanceof DerError) throw new ProfileError(`not a CMS ContentInfo (${cause.message})`);
    throw cause;
  }
  if (signedData.contentType !== OID.signedData) throw new ProfileError(`the content type is ${signedData.contentType}, not SignedData`);
  if (signedData.signerInfos.length !== 1) throw new ProfileError(`${signedData.signerInfos.length} SignerInfos (exactly one expected)`);
  const signerInfo = signedData.signerInfos[0]!;
  const eContentType = signedData.eContentType;
  if (eContentType !== expect.eContentType) throw new ProfileError(`the encapsulated content type is ${eContentType}, expected ${expect.eContentType}`);
  if (expect.eContentType === OID.data && signedData.eContent) throw new ProfileError('the content is embedded; a detached signature was expected');

  const byKeyId = signerInfo.sid.kind === 'key-id';
  if (signerInfo.version !== (byKeyId ? 3 : 1)) throw new ProfileError(`SignerInfo version ${signerInfo.version} (RFC 5652 §5.3 requires ${byKeyId ? 3 : 1})`);
  const expectedVersion = signedData.otherCrls ? 5 : byKeyId || eContentType !== OID.data ? 3 : 1;
  if (signedData.version !== expectedVersion) throw new ProfileError(`SignedData version ${signedData.version} (RFC 5652 §5.1 requires ${expectedVersion})`);

  const noParams = (alg: { oid: string; params?: Tlv }, what: string): void => {
    if (PARAMETERISED.has(alg.oid) || alg.params === undefined) return;
    try {
      nullOf(alg.params, what);
    } catch {
      throw new ProfileError(`the ${what} algorithm ${alg.oid} has unexpected parameters`);
    }
  };
  for (const alg of signedData.digestAlgorithms) noParams(alg, 'digest');
  noParams(signerInfo.digestAlgorithm, 'digest');
  noParams(signerInfo.signatureAlgorithm, 'signature');
  const ecdsa = ecdsaValueProblem(signerInfo.signatureAlgorithm.oid, signerInfo.signature);
  if (ecdsa) throw new ProfileError(`the signature value ${ecdsa}`);
  if (!signedData.digestAlgorithms.some((alg) => alg.oid === signerInfo.digestAlgorithm.oid))
    throw new ProfileError("digestAlgorithms does not list the signer's digest algorithm");

  if (signedData.otherCertificates) throw new ProfileError('the certificates include something other than X.509 certificates');
  const certificates = signedData.certificates;
  const sid = signerInfo.sid;
  const signer = certificates.find((c) =>
    sid.kind === 'issuer-and-serial'
      ? // Byte for byte: a case-insensitive name comparison would let an edited sid through.
        sameBytes(c.issuerDer, sid.issuer) && sameBytes(c.serial, sid.serial)
      : sameBytes(keyIdentifier(c, EXTENSION.subjectKeyId) ?? new Uint8Array(), sid.keyId),
  );
  if (!signer) throw new ProfileError("the signer's certificate is not in the CMS");

  const signed = signerInfo.signedAttrs?.attributes ?? [];
  const types = signed.map((a) => a.type);
  if (new Set(types).size !== types.length) throw new ProfileError('a signed attribute appears twice');
  for (const attribute of signed)
    if (attribute.values.length === 0 || (SINGLE_VALUED.has(attribute.type) && attribute.values.length !== 1))
      throw new ProfileError(`the signed attribute ${attribute.type} has ${attribute.values.length} values`);
  const contentType = signed.find((a) => a.type === OID.contentType)?.values[0];
  if (contentType?.tag !== TAG.oid || oidText(contentType) !== eContentType)
    throw new ProfileError('the contentType attribute is missing or differs from the encapsulated content type');
  if (!signed.some((a) => a.type === OID.messageDigest)) throw new ProfileError('there is no messageDigest attribute');

  const unsigned = signerInfo.unsignedAttrs ?? [];
  if (unsigned.some((a) => a.values.length === 0)) throw new ProfileError('an unsigned attribute has no value');
  const tokens: Uint8Array[] = [];
  for (const attribute of unsigned)
    for (const value of attribute.values) {
      const encoded = encoding(value);
      if (attribute.type === OID.signatureTimeStampToken) tokens.push(encoded);
      else if (coversSignature(encoded, signerInfo.signature))
        throw new ProfileError(`the unsigned attribute ${attribute.type} holds a timestamp token over this signature: only a signature-time-stamp may`);
    }
  return { signedData, signerInfo, certificates, signer, indefinite: berReport.indefinite, tokens };
}

function oidText(tlv: Tlv): string | undefined {
  try {
    return oidOf(tlv, 'the contentType attribute');
  } catch {
    return undefined;
  }
}

/** Whether `value` is an RFC 3161 token whose imprint is sha256 of `signature` (false for anything else). */
function coversSignature(value: Uint8Array, signature: Uint8Array): boolean {
  try {
    return tokenCovers(value, signature);
  } catch {
    return false;
  }
}

/**
 * An ECDSA signature value must be one DER Ecdsa-Sig-Value (SEQUENCE of two INTEGERs, RFC 5480 §2.2 /
 * RFC 5753): a lenient reader would turn it into r||s whatever its header, so a byte changed in it
 * would otherwise verify. Undefined for other algorithms and for a value in that one form.
 */
function ecdsaValueProblem(algorithmId: string, value: Uint8Array): string | undefined {
  if (!algorithmId.startsWith('1.2.840.10045.')) return undefined;
  const encoded = cmsEncoding(value);
  if (encoded.problem || encoded.indefinite) return `is not a DER ECDSA signature (${encoded.problem ?? 'indefinite length'})`;
  try {
    const outer = readDer(value);
    const parts = outer.tag === TAG.sequence ? children(outer) : [];
    if (parts.length !== 2 || !parts.every((part) => part.tag === TAG.integer)) return 'is not an ECDSA SEQUENCE of two INTEGERs';
    parts.forEach((part) => integerBytes(part, 'an ECDSA INTEGER'));
  } catch {
    return 'is not an ECDSA SEQUENCE of two INTEGERs';
  }
  return undefined;
}

/** The decoded subject, for names (undefined when it does not decode: no name is shown). */
function subjectOf(cert: CertificateFields): ReturnType<typeof parseName> | undefined {
  try {
    return parseName(cert.subjectDer);
  } catch {
    return undefined;
  }
}
const stringAttribute = (cert: CertificateFields, type: string): string | undefined => {
  const subject = subjectOf(cert);
  const attribute = subject?.flat().find((a) => a.type === type);
  return attribute?.string ? attribute.text : undefined;
};
/** The subject's common name. */
export const subjectCommonName = (cert: CertificateFields): string | undefined => stringAttribute(cert, '2.5.4.3');

/** The certificate's e-mail: the first SAN rfc822Name, else the subject's emailAddress. */
export function subjectEmail(cert: CertificateFields): string | undefined {
  const san = extensionValue(cert, EXTENSION.subjectAltName);
  if (san?.tag === TAG.sequence) {
    try {
      const email = children(san).find((name) => name.tag === 0x81);
      if (email) return Buffer.from(contents(email)).toString('latin1');
    } catch {
      // An unreadable SAN names no one.
    }
  }
  return stringAttribute(cert, '1.2.840.113549.1.9.1');
}

/**
 * The certificates a CMS carries are not covered by its signature, but each is signed by its issuer.
 * The rule that tells an edited certificate (`tampered`) from a look-alike (`untrusted`):
 *
 *   A certificate C carried in the CMS is edited when the CMS itself carries a certificate whose
 *   subject is C's issuer name (C itself when C is self-issued) and C's signature verifies under none
 *   of them; or when the CMS carries none of that name but carries the certificate C's authority key
 *   identifier names (its issuer name was changed); or when C's outer signature algorithm differs from
 *   the inner one (RFC 5280 §4.1.1.2) or its signature BIT STRING declares unused bits.
 *
 * Only certificates carried in the same CMS count as issuers here, never the trust anchors: a
 * certificate that bears a trusted CA's name but is signed by another key (a self-signed look-alike
 * of the root, identical names under another root) does not contradict anything the signer sent, so
 * it is left to the chain check, which calls it `untrusted`. An edit of a certificate whose issuer
 * the CMS does not carry shows the same way (`untrusted`); the signer's own certificate is bound by the
 * ESS signing-certificate hash when present, and every signer we write carries the whole chain.
 */
export function bagProblem(certificates: CertificateFields[]): string | undefined {
  const names = certificates.map((c) => {
    try {
      return { subject: parseName(c.subjectDer), issuer: parseName(c.issuerDer) };
    } catch {
      return undefined;
    }
  });
  for (const [i, cert] of certificates.entries()) {
    const label = `certificate ${i + 1} (${subjectCommonName(cert) ?? 'no CN'})`;
    if (!sameBytes(cert.signatureAlgorithm.der, cert.innerAlgorithm.der)) return `${label}: its outer and inner signature algorithms differ`;
    // A signature is a whole number of bytes.
    if (cert.signatureUnusedBits !== 0) return `${label}: its signature BIT STRING declares unused bits`;
    const ecdsa = ecdsaValueProblem(cert.signatureAlgorithm.oid, cert.signatureValue);
    if (ecdsa) return `${label}: its signature ${ecdsa}`;
    const own = names[i];
    const byName = own ? certificates.filter((_, k) => names[k] !== undefined && sameName(names[k]!.subject, own.issuer)) : [];
    if (byName.length > 0) {
      if (!byName.some((issuer) => signatureHolds(cert.signatureAlgorithm, issuer.spki, cert.tbs, cert.signatureValue)))
        return `${label}: its signature does not verify under its issuer's key (the issuer certificate carried in the signature)`;
      continue;
    }
    const aki = keyIdentifier(cert, EXTENSION.authorityKeyId);
    if (aki && certificates.some((c) => sameBytes(keyIdentifier(c, EXTENSION.subjectKeyId) ?? new Uint8Array(), aki)))
      return `${label}: its issuer name does not match the issuer its authority key identifier names`;
  }
  return undefined;
}

const ESS_HASHES: Record<string, string> = { [OID.sha256]: 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512' };

/**
 * The ESS signing-certificate attributes against `cert`: signingCertificateV2 (RFC 5035; sha256 unless
 * named) and signingCertificate v1 (RFC 2634, sha1), each checked when present; the first ESSCertID
 * names the signer. `false` when one is present and does not match (or cannot be read).
 */
export function essCertMatches(signerInfo: SignerInfoFields, cert: CertificateFields): 'v2' | 'v1' | 'absent' | false {
  const attributes = signerInfo.signedAttrs?.attributes ?? [];
  const v2 = attributes.find((a) => a.type === OID.signingCertificateV2);
  const v1 = attributes.find((a) => a.type === SIGNING_CERTIFICATE_V1);
  if (!v2 && !v1) return 'absent';
  const matches = (attribute: CmsAttribute, version: 1 | 2): boolean => {
    try {
      const value = attribute.values[0]!;
      const [certs] = value.tag === TAG.sequence ? children(value) : [];
      const [first] = certs?.tag === TAG.sequence ? children(certs) : [];
      const parts = first?.tag === TAG.sequence ? children(first) : [];
      let algorithm: string | undefined = version === 2 ? 'sha256' : 'sha1';
      let hashBlock = parts[0];
      if (version === 2 && parts[0]?.tag === TAG.sequence) {
        algorithm = ESS_HASHES[algorithmOf(parts[0], 'the ESS hash algorithm').oid];
        hashBlock = parts[1];
      }
      if (!algorithm || hashBlock?.tag !== TAG.octetString) return false;
      return createHash(algorithm).update(cert.der).digest().equals(octets(hashBlock, 'the ESS certificate hash'));
    } catch {
      return false;
    }
  };
  if (v2 && !matches(v2, 2)) return false;
  if (v1 && !matches(v1, 1)) return false;
  return v2 ? 'v2' : 'v1';
}
