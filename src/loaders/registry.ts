/**
 * The detection registry: which format a file is, decided by its content (never by its name).
 * Specific formats are tried before general ones; every failed attempt keeps its reason, so that a
 * file no format accepts can be told what was tried and why each failed.
 */
import { asffLoader } from './asff.js';
import { checkovLoader } from './checkov.js';
import { csvLoader } from './csv.js';
import { grypeLoader } from './grype.js';
import { nativeLoader } from './native.js';
import { ocsfLoader } from './ocsf.js';
import { oscalAssessmentResultsLoader, oscalPoamLoader } from './oscal.js';
import { recogniseOtherExport } from './other-exports.js';
import type { OtherExport } from './other-exports.js';
import { sarifLoader } from './sarif.js';
import { semgrepLoader } from './semgrep.js';
import { trivyLoader } from './trivy.js';
import type { FormatLoader, LoaderOptions } from './types.js';

/**
 * Specific before general. The scanner reports (Trivy, Grype, Checkov, Semgrep JSON) are told by
 * their top-level member names, which SARIF, ASFF, OCSF and the native export never use; they come
 * before SARIF, whose test (a "runs" member and the word "sarif") is the loosest of the JSON ones.
 */
export const LOADERS: readonly FormatLoader[] = [
  oscalAssessmentResultsLoader,
  oscalPoamLoader,
  trivyLoader,
  grypeLoader,
  checkovLoader,
  semgrepLoader,
  sarifLoader,
  asffLoader,
  ocsfLoader,
  nativeLoader,
  csvLoader,
];

export interface DetectAttempt {
  format: string;
  label: string;
  reason: string;
}

export type DetectResult =
  | { loader: FormatLoader; tool?: string }
  | {
      loader?: undefined;
      attempts: DetectAttempt[];
      /** A known tool's export in another output mode, when the content proves it. */
      otherExport?: OtherExport;
    };

/** The loader whose format the head of the (decoded) content matches. */
export function detectFormat(head: Buffer, options: LoaderOptions = {}): DetectResult {
  const headText = head.toString('utf8').replace(/^\uFEFF/, '');
  if (headText.trim() === '') return { attempts: LOADERS.map((l) => ({ format: l.format, label: l.label, reason: 'the file is empty' })) };
  const attempts: DetectAttempt[] = [];
  for (const loader of LOADERS) {
    const detection = loader.detect(head, headText, options);
    if (detection.ok) return { loader, ...(detection.tool ? { tool: detection.tool } : {}) };
    attempts.push({ format: loader.format, label: loader.label, reason: detection.reason });
  }
  const otherExport = recogniseOtherExport(headText);
  return { attempts, ...(otherExport ? { otherExport } : {}) };
}

const FORMATS_HINT =
  'Formats: native JSON/JSON Lines, ASFF, OCSF (Prowler), SARIF 2.1.0, Trivy JSON, Grype JSON, Checkov JSON, Semgrep JSON, OSCAL assessment-results and POA&M (JSON, XML), CSV with a header row.';

/**
 * What to tell the user about a file no loader reads: what each format said, and the fix; for a
 * known tool's export in another output mode (`detectFormat`'s `otherExport`), the tool and the
 * export to make instead. Shared by `ingest` (an error) and `validate` (a diagnostic on a
 * configured source), so that both say the same thing.
 */
export function unrecognisedExplanation(attempts: readonly DetectAttempt[], otherExport?: OtherExport): { message: string; hints: string[] } {
  // A known tool's other output mode: name it and the export to make; the formats tried say nothing more.
  if (otherExport) return { message: `${otherExport.what}, not a findings format Infracast reads`, hints: [otherExport.fix, FORMATS_HINT] };
  return {
    message: `not a findings format Infracast reads. Tried:\n${attempts.map((a) => `  - ${a.label}: ${a.reason}`).join('\n')}`,
    hints: [FORMATS_HINT],
  };
}

export { MAX_RECORD_BYTES, RecordTooLargeError } from './record-limit.js';
export { SplitError } from './splitter.js';
export { RecordError } from './types.js';
export { TooLargeError } from './whole.js';
export type { OtherExport } from './other-exports.js';
export type { FormatLoader, LoaderInput, LoaderOptions, RecordOutcome, RecordProblem, CsvColumnMapping } from './types.js';
export { HEAD_BYTES } from './types.js';
