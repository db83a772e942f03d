/**
 * A problem found in an input file, at a place in it. `validate` collects all of them
 * (it never stops at the first); commands print them as `file:line:col: severity: message`.
 */
import { compareCodeUnits } from './model/order.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** Absolute path of the file. */
  file: string;
  /** 1-based line and column of the offending node. */
  line: number;
  col: number;
  severity: Severity;
  /** Stable machine-readable code, e.g. `unknown-key`, `yaml-duplicate-key`. */
  code: string;
  message: string;
  /** How to fix it. */
  hint?: string;
}

/** Orders diagnostics by file, then position, then message, by code units (no ICU). */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return compareCodeUnits(a.file, b.file) || a.line - b.line || a.col - b.col || compareCodeUnits(a.message, b.message);
}
