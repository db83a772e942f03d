/**
 * Which baseline a CMS signature meets (Verification.profile), beside its cryptographic status: a
 * foreign signature that conforms to RFC 5652 but not to a baseline (no signing-certificate-v2,
 * a signing-time in a PAdES signature, BER) is `valid` or `untrusted` like ours, and says how it differs.
 *
 * The rules, CMS level only (the PDF verifier adds its own, e.g. the SubFilter):
 * - CAdES-B-B (ETSI EN 319 122-1 §6.3): ESS signing-certificate-v2 (v1 is SHA-1 only), signing-time present.
 * - PAdES-B-B (ETSI EN 319 142-1 §6.3): ESS signing-certificate-v2, no CMS signing-time (the claimed
 *   time is the signature dictionary's /M), and a DER-encoded CMS (ISO 32000-1 §12.8.3.3.1).
 * - B-T: B-B plus a signature-time-stamp whose TSA is trusted.
 * contentType and messageDigest are required by RFC 5652 itself (the CMS is not read without them).
 */
import type { SignatureProfile } from './verification.js';

export type ProfileFamily = 'CAdES' | 'PAdES';

/** What the CMS verifier found that decides the profile. */
export interface CmsProfileFacts {
  /** The ESS signing-certificate attribute present (and matching: a mismatch is tampering, decided before). */
  ess: 'v2' | 'v1' | 'absent';
  signingTime: boolean;
  /** BER with indefinite lengths rather than DER. */
  indefinite: boolean;
  /** A signature timestamp: intact and trusted, intact but from a TSA not trusted, or none. */
  timestamp: 'trusted' | 'untrusted' | 'absent';
}

export function cmsProfile(family: ProfileFamily, facts: CmsProfileFacts): SignatureProfile {
  const deviations: string[] = [];
  if (facts.ess === 'v1') deviations.push('ESS signingCertificate v1 (SHA-1) instead of signingCertificateV2');
  if (facts.ess === 'absent') deviations.push('no signingCertificateV2 attribute (the signer certificate is not bound by the signature)');
  if (family === 'PAdES') {
    if (facts.signingTime) deviations.push('a signingTime attribute (PAdES puts the claimed time in /M)');
    if (facts.indefinite) deviations.push('BER with indefinite lengths (ISO 32000 requires a DER-encoded CMS in /Contents)');
  } else if (!facts.signingTime) deviations.push('no signingTime attribute (CAdES baseline requires it)');
  if (deviations.length > 0) return { baseline: null, deviations };
  if (facts.timestamp === 'trusted') return { baseline: `${family}-B-T`, deviations };
  deviations.push(
    facts.timestamp === 'absent' ? 'no signature timestamp (B-T not met)' : 'the signature timestamp comes from a TSA that is not trusted (B-T not met)',
  );
  return { baseline: `${family}-B-B`, deviations };
}

/** The profile with a further deviation that rules out every baseline (e.g. the PDF's SubFilter). */
export function withDeviation(profile: SignatureProfile | undefined, deviation: string): SignatureProfile {
  return { baseline: null, deviations: [...(profile?.deviations ?? []), deviation] };
}
