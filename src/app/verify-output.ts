/**
 * What `infracast verify` prints, shared by the oclif command (commands/verify.ts) and the start-up
 * fast path (src/verify-fast.ts), so that both print the same bytes for the same report.
 */
import type { PdfSignatureReport, VerifyOptions, VerifyReport } from './verify.js';

/** The command's flags as oclif (or the fast path) parses them. */
export interface VerifyFlags {
  bundle?: string | undefined;
  ca?: string[] | undefined;
  key?: string | undefined;
  'trusted-root'?: string | undefined;
  identity?: string | undefined;
  issuer?: string | undefined;
  online?: boolean | undefined;
  crl?: string[] | undefined;
  ocsp?: string[] | undefined;
  verbose?: boolean | undefined;
}

export type ShownReport = Omit<VerifyReport, 'checks' | 'pdf_signatures'> & {
  checks: Partial<VerifyReport['checks']>;
  pdf_signatures: (Omit<PdfSignatureReport, 'checks'> & Partial<Pick<PdfSignatureReport, 'checks'>>)[] | null;
};

export function verifyOptionsOf(file: string, flags: VerifyFlags): VerifyOptions {
  return {
    file,
    ...(flags.bundle ? { bundle: flags.bundle } : {}),
    ...(flags.ca ? { ca: flags.ca } : {}),
    ...(flags.key ? { key: flags.key } : {}),
    ...(flags['trusted-root'] ? { trustedRoot: flags['trusted-root'] } : {}),
    ...(flags.identity ? { identity: flags.identity } : {}),
    ...(flags.issuer ? { issuer: flags.issuer } : {}),
    ...(flags.online ? { online: true } : {}),
    ...(flags.crl ? { crl: flags.crl } : {}),
    ...(flags.ocsp ? { ocsp: flags.ocsp } : {}),
  };
}

/** The report as printed: each signature's own checks are part of the performed list; without --verbose neither is shown. */
export function shownReport(report: VerifyReport, verbose: boolean): ShownReport {
  return {
    ...report,
    pdf_signatures: verbose ? report.pdf_signatures : (report.pdf_signatures?.map(({ checks: _checks, ...entry }) => entry) ?? null),
    checks: verbose ? report.checks : { revocation: report.checks.revocation, revocation_detail: report.checks.revocation_detail },
  };
}

/** The stderr line for a report that is not valid (without --json). */
export function failureLine(file: string, report: VerifyReport): string {
  return `${file}: ${report.status}${hint(report)}\n`;
}

function hint(report: VerifyReport): string {
  switch (report.status) {
    case 'untrusted':
      if (report.checks.performed.some((c) => c.result === 'fail' && (c.name === 'identity' || c.name === 'key-usage')))
        return ' (the signature is intact, but the signer is not the one --identity/--issuer pins, or its certificate is not for signing documents)';
      return ' (the signature is intact; pass the root CA that issued the signer with --ca, or --key / --trusted-root for bundles)';
    case 'unsigned':
      return ' (no embedded signature and no .sigstore.json or .p7s beside the file)';
    case 'tampered': {
      const update = report.checks.performed.find((c) => c.name === 'incremental-update' && c.result === 'fail');
      if (update?.detail) return ` (${update.detail})`;
      return ' (the file or its signature changed after signing: do not rely on it)';
    }
    default:
      return '';
  }
}
