/**
 * What a verification says, shared by the PDF verifier, the Sigstore bundle verifier and the CMS
 * (.p7s) verifier; `infracast verify` prints it as the Reports API's "Verify a Signed Report" JSON.
 *
 * The statuses are ordered by what they tell the reader:
 * - `malformed`: the signature or bundle cannot be read at all (not a PDF signature dictionary, not JSON...);
 * - `unsigned`: there is no signature to check;
 * - `tampered`: a signature is there and the file (or the signed data) does not match it;
 * - `untrusted`: the file is intact, but the signer does not chain to a trust anchor given (or fails the
 *   signer policy: key usage, e-mail, identity);
 * - `valid`: intact and trusted.
 */

export type VerificationStatus = 'valid' | 'tampered' | 'untrusted' | 'unsigned' | 'malformed';

/** Where `signed_at` comes from: a verified RFC 3161 token, a transparency log entry, or the signer's own claim. */
export type SignedAtSource = 'rfc3161' | 'transparency-log' | 'claimed-by-signer';

/** One check, in the order performed (`--verbose` prints them). */
export interface VerificationCheck {
  /** Stable name, e.g. `byte-range`, `contents-encoding`, `cms-integrity`, `chain`, `key-usage`, `signing-certificate-v2`, `timestamp`, `dsse-signature`, `subject-digest`. */
  name: string;
  result: 'pass' | 'fail' | 'skipped';
  /** What was seen, in words (never key material). */
  detail?: string;
}

/** The report metadata a signature covers, read from signed data only. */
export interface SignedMetadata {
  tenant?: string;
  framework?: string;
  report_type?: string;
  generated_at?: string;
  format?: string;
}

/**
 * Which signature profile a signature meets, beside its cryptographic status (issue 13): a foreign but
 * standards-conforming signature (adbe.pkcs7.detached, a CMS with signingTime and no
 * signingCertificateV2, BER) is `valid` or `untrusted` like ours, and this says it is not PAdES baseline.
 */
export interface SignatureProfile {
  /** The baseline level met, e.g. `PAdES-B-T`, `PAdES-B-LTA`, `CAdES-B-B`; null when none is. */
  baseline: string | null;
  /** Why not (or why not a higher level), in words: "SubFilter adbe.pkcs7.detached", "no signingCertificateV2 attribute". */
  deviations: string[];
}

/** One embedded signature or document timestamp of a PDF (a PDF may carry several, in successive revisions). */
export interface PdfSignatureReport {
  /** The signature field's name (/T), when found. */
  field: string | null;
  kind: 'signature' | 'document-timestamp';
  /** /SubFilter: ETSI.CAdES.detached, adbe.pkcs7.detached, ETSI.RFC3161. */
  subfilter: string;
  /** This signature's status: its own cryptography, and `tampered` when a later update alters the revision it signed. */
  status: VerificationStatus;
  /** The revision it covers, counted from 1 (the file's first cross-reference section). */
  revision: number;
  /** Where that revision ends: the signature covers bytes [0, signed_bytes) but its own /Contents. */
  signed_bytes: number;
  signed_by?: string;
  signed_at?: string;
  signed_at_source?: SignedAtSource;
  profile?: SignatureProfile;
  checks: VerificationCheck[];
}

export interface Verification extends SignedMetadata {
  status: VerificationStatus;
  /** The profile the signature meets, when it could be read. */
  profile?: SignatureProfile;
  /** The signer: the certificate's e-mail (subject or SAN), else its common name; a key id for a bare key; the workflow identity for keyless. */
  signed_by?: string;
  signed_at?: string;
  signed_at_source?: SignedAtSource;
  /** sha256 of the bytes the signature covers (PDF: the byte ranges; bundle: the file), hex. */
  signed_content_sha256?: string;
  checks: VerificationCheck[];
  /** PDF: every signature and document timestamp, oldest first (the top-level fields are the first signature's). */
  signatures?: PdfSignatureReport[];
}

/** What the verifier trusts. Nothing given: an intact signature is `untrusted`, never `valid`. */
export interface TrustAnchors {
  /** Root CA certificates, PEM (one or more blocks), for X.509 signers and TSAs (`--ca`). */
  caPem?: string;
  /** A signer public key, PEM SPKI, for Sigstore bundles signed with a local key (`--key`). */
  publicKeyPem?: string;
  /** A Sigstore trusted root (trusted_root.json) for keyless bundles (`--trusted-root`). */
  trustedRootJson?: unknown;
  /** Keyless identity policy: the certificate's SAN and OIDC issuer must equal these (`--identity`, `--issuer`). */
  identity?: string;
  issuer?: string;
  /** The instant to check certificate validity at when no verified timestamp exists; default: now. */
  now?: Date;
}

/** A failing check decides the status; the first decisive failure wins. */
export function worstStatus(statuses: readonly VerificationStatus[]): VerificationStatus {
  const order: VerificationStatus[] = ['malformed', 'unsigned', 'tampered', 'untrusted', 'valid'];
  return order.find((s) => statuses.includes(s)) ?? 'valid';
}
