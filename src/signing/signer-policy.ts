/**
 * The one signer policy every signature check applies to its X.509 signer, after the path validates
 * (path-validation.ts): PDF signatures and `.p7s` (cms-verify.ts), and Sigstore bundles whose
 * signer is a certificate (sigstore.ts). A failure is `untrusted`: the bytes are intact, the signer
 * is not acceptable.
 *
 * Usage: keyUsage (when present) allows digitalSignature or nonRepudiation; extendedKeyUsage (when
 * present) names a document-signing purpose: emailProtection, documentSigning (RFC 9336), Adobe
 * authentic documents, or anyExtendedKeyUsage. codeSigning is accepted only for keyless Fulcio
 * certificates, i.e. bundles verified against a Sigstore trusted root: that is the only EKU Fulcio
 * issues, and its identity is the workflow, pinned by `--identity`.
 *
 * Identity pinning (`--identity`, `--issuer`), for X.509 signers that are not keyless:
 * - an identity with `@` must equal one of the certificate's SAN rfc822Names (local part exactly, domain
 *   in any case); only when the certificate has no rfc822Name is the subject's emailAddress used;
 * - an identity without `@` must equal the subject's common name, or the whole subject DN written as
 *   `CN=…, O=…` (either RDN order; case and spaces around `=` and `,` do not matter);
 * - the issuer must equal the issuing CA's subject (the leaf's issuer name) the same way: its common
 *   name or its whole DN.
 * Keyless bundles pin the SAN and the OIDC issuer extension through @sigstore/verify instead, and a
 * bare public key names nobody: with `--identity` or `--issuer` it is `untrusted`.
 */
import { KEY_USAGE, type DecodedCertificate } from './x509-certificate.js';
import { attributeValues, dnText, type Rdn } from './x509-names.js';

export const EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  documentSigning: '1.3.6.1.5.5.7.3.36',
  adobeAuthenticDocuments: '1.2.840.113583.1.1.5',
  any: '2.5.29.37.0',
} as const;

const DOCUMENT_SIGNING = [EKU.emailProtection, EKU.documentSigning, EKU.adobeAuthenticDocuments, EKU.any];
const CN = '2.5.4.3';

export interface SignerKind {
  /** A Fulcio certificate from a bundle verified against a Sigstore trusted root. */
  keyless: boolean;
}

/** Why the signer certificate's usages do not allow signing documents, if they do not. */
export function signerUsageProblem(cert: DecodedCertificate, kind: SignerKind): string | undefined {
  if (cert.keyUsage && !cert.keyUsage.has(KEY_USAGE.digitalSignature) && !cert.keyUsage.has(KEY_USAGE.nonRepudiation))
    return 'keyUsage allows neither digitalSignature nor nonRepudiation';
  const eku = cert.extKeyUsage;
  if (!eku) return undefined;
  const allowed: string[] = kind.keyless ? [...DOCUMENT_SIGNING, EKU.codeSigning] : DOCUMENT_SIGNING;
  if (eku.some((purpose) => allowed.includes(purpose))) return undefined;
  const codeSigningOnly = eku.includes(EKU.codeSigning);
  return `extendedKeyUsage (${eku.join(', ')}) has no document-signing purpose (emailProtection, documentSigning, Adobe authentic documents, any)${
    codeSigningOnly ? '; codeSigning is accepted only for keyless Sigstore certificates' : ''
  }`;
}

export interface IdentityPin {
  identity?: string;
  issuer?: string;
}

const squeeze = (text: string): string =>
  text
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/\s*([=,+])\s*/g, '$1')
    .replace(/\s+/g, ' ');

/** `wanted` names `rdns`: its common name, or its whole DN in either order. */
function namesDn(rdns: Rdn[], wanted: string): boolean {
  const target = squeeze(wanted);
  if (attributeValues(rdns, CN).some((cn) => squeeze(cn) === target)) return true;
  return squeeze(dnText(rdns)) === target || squeeze(dnText([...rdns].reverse())) === target;
}

function sameMailbox(a: string, b: string): boolean {
  const [at, bt] = [a.lastIndexOf('@'), b.lastIndexOf('@')];
  return a.slice(0, at) === b.slice(0, bt) && a.slice(at + 1).toLowerCase() === b.slice(bt + 1).toLowerCase();
}

/** The e-mail identities of a certificate: its SAN rfc822Names, else its subject emailAddress values. */
export function certificateMailboxes(cert: DecodedCertificate): string[] {
  const san = (cert.subjectAltNames ?? []).flatMap((n) => (n.form === 'rfc822' ? [n.value] : []));
  return san.length > 0 ? san : attributeValues(cert.subject, '1.2.840.113549.1.9.1');
}

/** Why `cert` is not the pinned signer, if it is not (rules in the module comment). */
export function identityProblem(cert: DecodedCertificate, pin: IdentityPin): string | undefined {
  if (pin.identity !== undefined) {
    const mailboxes = certificateMailboxes(cert);
    const ok = pin.identity.includes('@') ? mailboxes.some((m) => sameMailbox(m, pin.identity!)) : namesDn(cert.subject, pin.identity);
    if (!ok) {
      const names = [...mailboxes, cert.subjectText].join(', ');
      return `the signer certificate names ${names}, not ${pin.identity}`;
    }
  }
  if (pin.issuer !== undefined && !namesDn(cert.issuer, pin.issuer)) return `the signer certificate was issued by ${dnText(cert.issuer)}, not ${pin.issuer}`;
  return undefined;
}

/** The check a bare public key gets when an identity or issuer is pinned: it names no one. */
export function bareKeyIdentityProblem(pin: IdentityPin): string | undefined {
  if (pin.identity === undefined && pin.issuer === undefined) return undefined;
  const what = [pin.identity !== undefined ? `--identity ${pin.identity}` : '', pin.issuer !== undefined ? `--issuer ${pin.issuer}` : '']
    .filter(Boolean)
    .join(' and ');
  return `the signer is a bare public key, which names no identity or issuer, so ${what} cannot be met`;
}

/** The TSA policy (RFC 3161 §2.3): extendedKeyUsage is critical and names timeStamping only. */
export function tsaUsageProblem(cert: Pick<DecodedCertificate, 'extensions' | 'extKeyUsage'>): string | undefined {
  const extension = cert.extensions.find((e) => e.id === '2.5.29.37');
  const purposes = cert.extKeyUsage ?? [];
  if (!extension || !extension.critical || purposes.length !== 1 || purposes[0] !== EKU.timeStamping) return 'critical extendedKeyUsage timeStamping only';
  return undefined;
}
