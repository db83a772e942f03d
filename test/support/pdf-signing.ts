/**
 * What the PDF signature tests share: the report metadata they sign, the claimed time, and the tool
 * check that gives them the test PKI (skipping without OpenSSL, pdfsig, certutil or qpdf when asked
 * for, failing under CI: test/support/tools.ts).
 */
import type { TestContext } from 'node:test';
import type { PdfReportMetadata } from '../../src/signing/pdf.js';
import { testPki, type Pki } from './pki.js';
import { requireTool } from './tools.js';

export const METADATA: PdfReportMetadata = {
  tenant: 'acme',
  framework: 'SOC2',
  report_type: 'gap-analysis',
  generated_at: '2026-01-15T10:00:00Z',
  signer: 'compliance@acme.com',
};
export const CLAIMED = new Date('2026-01-15T10:05:00Z');

/** The test PKI once the tools asked for are there; undefined when the test was skipped. */
export function setUpSigning(t: TestContext, ...tools: ('pdfsig' | 'qpdf' | 'certutil')[]): Pki | undefined {
  if (!requireTool(t, 'OpenSSL', 'openssl')) return undefined;
  if (tools.includes('pdfsig') && !requireTool(t, 'poppler pdfsig', 'pdfsig')) return undefined;
  if (tools.includes('certutil') && !requireTool(t, 'NSS certutil (libnss3-tools)', 'certutil')) return undefined;
  if (tools.includes('qpdf') && !requireTool(t, 'qpdf', 'qpdf')) return undefined;
  return testPki();
}
