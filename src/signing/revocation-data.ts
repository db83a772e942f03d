/**
 * Reading revocation data: a CRL (RFC 5280 section 5 and 6.3) or an OCSP response (RFC 6960) about one
 * certificate, checked against the certificate's issuer. Each reader answers what the data says (good,
 * revoked with time and reason, unknown) and when it was issued, or why it cannot be used; the
 * policy (which time, which reasons) is revocation.ts's.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { exactArrayBuffer } from './bytes.js';
import { cryptoEngine } from './cms.js';

export const REVOCATION_OID = {
  crlDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  ocspAccess: '1.3.6.1.5.5.7.48.1',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  crlReason: '2.5.29.21',
  crlNumber: '2.5.29.20',
  authorityKeyId: '2.5.29.35',
  issuingDistributionPoint: '2.5.29.28',
  deltaCrlIndicator: '2.5.29.27',
} as const;

/** CRLReason (RFC 5280 section 5.3.1); 7 is unused. */
export const REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  '',
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
] as const;

/** What one piece of revocation data says about one certificate. */
export interface RevocationAnswer {
  kind: 'crl' | 'ocsp';
  status: 'good' | 'revoked' | 'unknown';
  /** thisUpdate: the time the status is asserted for. */
  thisUpdate: Date;
  nextUpdate?: Date;
  revokedAt?: Date;
  /** A CRLReason name; absent when the data gives none. */
  reason?: string;
}

/** The data does not apply to the certificate, or cannot be trusted: why, in words. */
export class UnusableData extends Error {}

const sameDer = (a: pkijs.Certificate, b: pkijs.Certificate): boolean => Buffer.from(a.toSchema().toBER()).equals(Buffer.from(b.toSchema().toBER()));
const hexOf = (integer: asn1js.Integer): string => Buffer.from(integer.valueBlock.valueHexView).toString('hex');
export const serialOf = (cert: pkijs.Certificate): string => hexOf(cert.serialNumber);

function extension(extensions: pkijs.Extension[] | undefined, oid: string): pkijs.Extension | undefined {
  return extensions?.find((e) => e.extnID === oid);
}

/** The keyUsage bit `bit` (0 digitalSignature ... 6 cRLSign); true when the extension is absent (RFC 5280 section 4.2.1.3). */
export function keyUsageAllows(cert: pkijs.Certificate, bit: number): boolean {
  const ext = extension(cert.extensions, REVOCATION_OID.keyUsage);
  if (!ext) return true;
  const bytes = ext.parsedValue instanceof asn1js.BitString ? new Uint8Array(ext.parsedValue.valueBlock.valueHexView) : new Uint8Array();
  return ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0;
}

async function signedByKeyOf(cert: pkijs.Certificate, issuer: pkijs.Certificate): Promise<boolean> {
  try {
    return cert.issuer.isEqual(issuer.subject) && (await cert.verify(issuer, cryptoEngine()));
  } catch {
    return false;
  }
}

const within = (cert: pkijs.Certificate, at: Date): boolean => cert.notBefore.value <= at && at <= cert.notAfter.value;

function reasonOf(code: number | undefined): string | undefined {
  return code === undefined ? undefined : REASONS[code] || `reason ${code}`;
}

/** The URLs a certificate names for its revocation status: CRL distribution points and AIA OCSP (http and https only). */
export function revocationUrls(cert: pkijs.Certificate): { crl: string[]; ocsp: string[] } {
  const crl: string[] = [];
  const ocsp: string[] = [];
  const web = (value: unknown): value is string => typeof value === 'string' && /^https?:\/\//i.test(value);
  const points = extension(cert.extensions, REVOCATION_OID.crlDistributionPoints)?.parsedValue as unknown;
  if (points instanceof pkijs.CRLDistributionPoints)
    for (const point of points.distributionPoints)
      if (Array.isArray(point.distributionPoint)) for (const name of point.distributionPoint) if (name.type === 6 && web(name.value)) crl.push(name.value);
  const access = extension(cert.extensions, REVOCATION_OID.authorityInfoAccess)?.parsedValue as unknown;
  if (access instanceof pkijs.InfoAccess)
    for (const description of access.accessDescriptions)
      if (description.accessMethod === REVOCATION_OID.ocspAccess && description.accessLocation.type === 6 && web(description.accessLocation.value))
        ocsp.push(description.accessLocation.value);
  return { crl, ocsp };
}

/** The issuer of a CRL the reader trusts for `issuer`'s certificates: the issuer itself, or a certificate it issued with keyUsage cRLSign. */
async function crlSigner(crl: pkijs.CertificateRevocationList, issuer: pkijs.Certificate, pool: pkijs.Certificate[]): Promise<pkijs.Certificate> {
  if (!crl.issuer.isEqual(issuer.subject))
    // An indirect CRL (another issuer's name, RFC 5280 section 5.2.5 indirectCRL) is not supported: it is refused, not misread.
    throw new UnusableData(`the CRL is issued by another name than the certificate's issuer`);
  const candidates = [issuer, ...pool.filter((c) => !sameDer(c, issuer) && c.subject.isEqual(crl.issuer))];
  for (const candidate of candidates) {
    if (candidate !== issuer && !(await signedByKeyOf(candidate, issuer))) continue;
    if (!keyUsageAllows(candidate, 6)) continue;
    try {
      if (await crl.verify({ publicKeyInfo: candidate.subjectPublicKeyInfo }, cryptoEngine())) return candidate;
    } catch {
      // Another candidate may hold the key.
    }
  }
  throw new UnusableData("the CRL's signature does not verify under the issuer's key (or a CRL signer it certified with keyUsage cRLSign)");
}

/** RFC 5280 section 6.3.3: what a complete, directly issued CRL says about `cert`. */
export async function readCrl(der: Uint8Array, cert: pkijs.Certificate, issuer: pkijs.Certificate, pool: pkijs.Certificate[]): Promise<RevocationAnswer> {
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = pkijs.CertificateRevocationList.fromBER(exactArrayBuffer(der));
  } catch (cause) {
    throw new UnusableData(`not a CRL (${cause instanceof Error ? cause.message : String(cause)})`);
  }
  if (!crl.issuer.isEqual(cert.issuer)) throw new UnusableData("the CRL is not about the certificate's issuer");
  await crlSigner(crl, issuer, pool);
  for (const ext of crl.crlExtensions?.extensions ?? []) {
    if (ext.extnID === REVOCATION_OID.deltaCrlIndicator) throw new UnusableData('a delta CRL is not a complete CRL');
    if (ext.extnID === REVOCATION_OID.issuingDistributionPoint)
      throw new UnusableData('CRLs with an issuing distribution point (partitioned or indirect) are not supported');
    // RFC 5280 section 5.2: a CRL with a critical extension the reader does not know must not be used.
    if (ext.critical && ext.extnID !== REVOCATION_OID.crlNumber && ext.extnID !== REVOCATION_OID.authorityKeyId)
      throw new UnusableData(`the CRL has an unknown critical extension ${ext.extnID}`);
  }
  const answer: RevocationAnswer = {
    kind: 'crl',
    status: 'good',
    thisUpdate: crl.thisUpdate.value,
    ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.value } : {}),
  };
  const serial = serialOf(cert);
  const entry = crl.revokedCertificates?.find((r) => hexOf(r.userCertificate) === serial);
  if (!entry) return answer;
  for (const ext of entry.crlEntryExtensions?.extensions ?? [])
    if (ext.critical && ext.extnID !== REVOCATION_OID.crlReason) throw new UnusableData(`the CRL entry has an unknown critical extension ${ext.extnID}`);
  const reasonExt = extension(entry.crlEntryExtensions?.extensions, REVOCATION_OID.crlReason);
  let code: number | undefined;
  if (reasonExt) {
    const parsed = asn1js.fromBER(reasonExt.extnValue.valueBlock.valueHexView);
    if (parsed.result instanceof asn1js.Enumerated) code = parsed.result.valueBlock.valueDec;
  }
  // removeFromCRL only appears in delta CRLs, which are refused above.
  const reason = reasonOf(code);
  return { ...answer, status: 'revoked', revokedAt: entry.revocationDate.value, ...(reason ? { reason } : {}) };
}

/** The OCSP request for `cert` (SHA-1 CertID, as RFC 5019 responders expect), with a nonce when given. */
export async function ocspRequest(cert: pkijs.Certificate, issuer: pkijs.Certificate, nonce?: Uint8Array): Promise<Uint8Array> {
  const request = new pkijs.OCSPRequest();
  await request.createForCertificate(cert, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer }, cryptoEngine());
  if (nonce)
    request.tbsRequest.requestExtensions = [
      new pkijs.Extension({ extnID: REVOCATION_OID.ocspNonce, extnValue: new asn1js.OctetString({ valueHex: exactArrayBuffer(nonce) }).toBER() }),
    ];
  return new Uint8Array(request.toSchema(true).toBER());
}

/** A BasicOCSPResponse from a DER OCSPResponse (what RFC 6960 responders send and PAdES DSS stores) or a bare BasicOCSPResponse. */
export function basicOcspResponse(der: Uint8Array): pkijs.BasicOCSPResponse {
  let response: pkijs.OCSPResponse | undefined;
  try {
    response = pkijs.OCSPResponse.fromBER(exactArrayBuffer(der));
  } catch {
    try {
      return pkijs.BasicOCSPResponse.fromBER(exactArrayBuffer(der));
    } catch (cause) {
      throw new UnusableData(`not an OCSP response (${cause instanceof Error ? cause.message : String(cause)})`);
    }
  }
  const status = response.responseStatus.valueBlock.valueDec;
  if (status !== 0) throw new UnusableData(`the OCSP responder did not answer (responseStatus ${status})`);
  if (!response.responseBytes || response.responseBytes.responseType !== REVOCATION_OID.ocspBasic)
    throw new UnusableData('the OCSP response is not a basic OCSP response');
  return pkijs.BasicOCSPResponse.fromBER(response.responseBytes.response.valueBlock.valueHexView);
}

/**
 * RFC 6960 section 4.2.2.2: the response is signed by the issuer itself, or by a responder whose
 * certificate the issuer signed and that carries extendedKeyUsage id-kp-OCSPSigning, valid when the
 * response was produced. (id-pkix-ocsp-nocheck aside, a delegated responder's own revocation is not checked.)
 */
async function ocspSigner(basic: pkijs.BasicOCSPResponse, issuer: pkijs.Certificate): Promise<pkijs.Certificate> {
  const responderId = basic.tbsResponseData.responderID as unknown;
  const keyHash = (c: pkijs.Certificate): Buffer => createHash('sha1').update(c.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
  const named = (c: pkijs.Certificate): boolean =>
    responderId instanceof pkijs.RelativeDistinguishedNames
      ? c.subject.isEqual(responderId)
      : responderId instanceof asn1js.OctetString && keyHash(c).equals(Buffer.from(responderId.valueBlock.valueHexView));
  const producedAt = basic.tbsResponseData.producedAt;
  const verifies = async (c: pkijs.Certificate): Promise<boolean> => {
    try {
      return await cryptoEngine().verifyWithPublicKey(basic.tbsResponseData.tbsView, basic.signature, c.subjectPublicKeyInfo, basic.signatureAlgorithm);
    } catch {
      return false;
    }
  };
  if (named(issuer)) {
    if (await verifies(issuer)) return issuer;
    throw new UnusableData("the OCSP response's signature does not verify under the issuer's key");
  }
  for (const candidate of (basic.certs ?? []).filter(named)) {
    const eku = extension(candidate.extensions, REVOCATION_OID.extKeyUsage)?.parsedValue as unknown;
    if (!(eku instanceof pkijs.ExtKeyUsage) || !eku.keyPurposes.includes(REVOCATION_OID.ocspSigning))
      throw new UnusableData('the OCSP responder certificate lacks extendedKeyUsage OCSPSigning');
    if (!(await signedByKeyOf(candidate, issuer))) throw new UnusableData("the OCSP responder certificate is not issued by the certificate's issuer");
    if (!within(candidate, producedAt)) throw new UnusableData('the OCSP responder certificate was not valid when the response was produced');
    if (!keyUsageAllows(candidate, 0)) throw new UnusableData('the OCSP responder certificate does not allow digitalSignature');
    if (await verifies(candidate)) return candidate;
    throw new UnusableData("the OCSP response's signature does not verify under the responder's key");
  }
  throw new UnusableData('the OCSP responder is neither the issuer nor a delegated responder whose certificate is in the response');
}

/** What an OCSP response (DER) says about `cert`; `nonce`, when given, must be echoed. */
export async function readOcsp(der: Uint8Array, cert: pkijs.Certificate, issuer: pkijs.Certificate, nonce?: Uint8Array): Promise<RevocationAnswer> {
  const basic = basicOcspResponse(der);
  let single: pkijs.SingleResponse | undefined;
  for (const response of basic.tbsResponseData.responses) {
    const id = new pkijs.CertID();
    let hashAlgorithm: string;
    try {
      hashAlgorithm = cryptoEngine().getAlgorithmByOID<{ name: string }>(response.certID.hashAlgorithm.algorithmId, true, 'CertID.hashAlgorithm').name;
    } catch {
      continue;
    }
    await id.createForCertificate(cert, { hashAlgorithm, issuerCertificate: issuer }, cryptoEngine());
    if (response.certID.isEqual(id)) single = response;
  }
  if (!single) throw new UnusableData('the OCSP response is about other certificates (no CertID matches)');
  await ocspSigner(basic, issuer);
  if (nonce) {
    const echoed = extension(basic.tbsResponseData.responseExtensions, REVOCATION_OID.ocspNonce);
    const value = echoed && asn1js.fromBER(echoed.extnValue.valueBlock.valueHexView).result;
    if (echoed && !(value instanceof asn1js.OctetString && Buffer.from(value.valueBlock.valueHexView).equals(Buffer.from(nonce))))
      throw new UnusableData('the OCSP response carries another nonce than the request (a replayed answer)');
  }
  const answer = { kind: 'ocsp' as const, thisUpdate: single.thisUpdate, ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}) };
  const status = single.certStatus as asn1js.Constructed | asn1js.Primitive;
  if (!status.idBlock.isConstructed && status.idBlock.tagNumber === 0) return { ...answer, status: 'good' };
  if (!status.idBlock.isConstructed && status.idBlock.tagNumber === 2) return { ...answer, status: 'unknown' };
  if (status.idBlock.isConstructed && status.idBlock.tagNumber === 1) {
    const [time, reasonBlock] = (status as asn1js.Constructed).valueBlock.value;
    if (!(time instanceof asn1js.GeneralizedTime)) throw new UnusableData('the OCSP revokedInfo has no revocationTime');
    const inner = reasonBlock instanceof asn1js.Constructed ? reasonBlock.valueBlock.value[0] : undefined;
    const reason = reasonOf(inner instanceof asn1js.Enumerated ? inner.valueBlock.valueDec : undefined);
    return { ...answer, status: 'revoked', revokedAt: time.toDate(), ...(reason ? { reason } : {}) };
  }
  throw new UnusableData('the OCSP certStatus is unreadable');
}
