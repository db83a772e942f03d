/** Human and GitHub Actions renderings of diagnostics. */
import { relative } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';

/** Paths are printed relative to the current directory, as compilers and linters do. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel === '' ? '.' : rel;
}

/** `file:line:col: error: message [code]` and an indented hint line. */
export function formatDiagnostic(d: Diagnostic, cwd?: string): string {
  const head = `${displayPath(d.file, cwd)}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.code}]`;
  if (!d.hint) return head;
  return `${head}\n${d.hint
    .split('\n')
    .map((line, i) => (i === 0 ? `  hint: ${line}` : `        ${line}`))
    .join('\n')}`;
}

// Workflow-command escaping (actions/toolkit: escapeData / escapeProperty).
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * `::error file=..,line=..,col=..::message` so that GitHub shows the problem on the line. Paths are
 * relative to the repository checkout (GITHUB_WORKSPACE), wherever the command ran.
 */
export function formatAnnotation(d: Diagnostic, base: string = process.env.GITHUB_WORKSPACE || process.cwd()): string {
  const properties = [
    `file=${escapeProperty(displayPath(d.file, base))}`,
    `line=${d.line}`,
    `col=${d.col}`,
    `title=${escapeProperty(`infracast ${d.code}`)}`,
  ].join(',');
  return `::${d.severity === 'error' ? 'error' : 'warning'} ${properties}::${escapeData(d.hint ? `${d.message}\n${d.hint}` : d.message)}`;
}
