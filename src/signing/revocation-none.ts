/**
 * The revocation check when there is no revocation data at all (no DSS, no --crl/--ocsp, no --online):
 * every certificate of the signer's path is `not-checked`, which never changes a status. It lists the
 * certificates exactly as revocation.ts's pathRevocation does (from the signer up through issuers
 * found by name and signature among the carried certificates and the anchors, until an anchor), without
 * loading pkijs: that module parses CRLs and OCSP responses, which this case has none of.
 */
import type { CertificateRevocation } from './revocation.js';
import type { Verification } from './verification.js';
import { signatureHolds } from './signature.js';
import { parseCertificate, type CertificateFields } from './x509-certificate.js';
import { parseName, sameName, type Rdn } from './x509-names.js';
import { sameBytes } from './der.js';

interface Named {
  fields: CertificateFields;
  subject: Rdn[];
  issuer: Rdn[];
  label: string;
  serial: string;
}

function named(der: Uint8Array): Named | undefined {
  try {
    const fields = parseCertificate(der);
    const subject = parseName(fields.subjectDer);
    const serial = Buffer.from(fields.serial).toString('hex');
    const cn = subject.flat().find((a) => a.type === '2.5.4.3');
    return { fields, subject, issuer: parseName(fields.issuerDer), label: cn?.string ? cn.text : serial, serial };
  } catch {
    return undefined;
  }
}

const NO_DATA = 'no revocation data at hand (no DSS, no --crl/--ocsp) and the network is not allowed (--online)';

/** Records the `revocation` check of a signature whose chain and key usage passed, with no data to check against. */
export function noRevocationData(verification: Verification, signer: Uint8Array, carried: Uint8Array[], anchors: Uint8Array[]): Verification {
  const pool = [...carried, ...anchors].map(named).filter((c): c is Named => c !== undefined);
  const certificates: CertificateRevocation[] = [];
  let cert = named(signer);
  for (let depth = 0; cert && depth < 10 && !anchors.some((a) => sameBytes(a, cert!.fields.der)); depth++) {
    const current: Named = cert;
    const issuer = pool.find(
      (c) =>
        sameName(c.subject, current.issuer) &&
        signatureHolds(current.fields.signatureAlgorithm, c.fields.spki, current.fields.tbs, current.fields.signatureValue),
    );
    if (!issuer) {
      certificates.push({ certificate: current.label, serial: current.serial, status: 'not-checked', detail: 'its issuer is not at hand' });
      break;
    }
    certificates.push({ certificate: current.label, serial: current.serial, status: 'not-checked', detail: NO_DATA });
    cert = issuer;
  }
  verification.revocation = certificates;
  verification.checks.push({
    name: 'revocation',
    result: 'skipped',
    detail: certificates.map((c) => `${c.certificate}: ${c.status} (${c.detail})`).join('; '),
  });
  return verification;
}
