/**
 * How an expected error (InfracastError) is printed: with --json, `{ error }` on stdout; otherwise the
 * message and hints on stderr, no stack trace (DESIGN.md "Errors"). Shared by the oclif commands
 * (base-command.ts) and the `verify` fast path (src/verify-fast.ts), which runs without oclif.
 */
import type { InfracastError } from '../errors.js';

/** The stderr text of an expected error without --json. */
export function expectedErrorText(error: InfracastError): string {
  const where = error.location ? `${error.location.file}${error.location.line ? `:${error.location.line}:${error.location.col ?? 1}` : ''}: ` : '';
  return [`infracast: ${where}${error.message} [${error.code}]\n`, ...error.hints.map((hint) => `  hint: ${hint}\n`)].join('');
}

/** The value printed as JSON with --json. */
export const expectedErrorJson = (error: InfracastError): { error: ReturnType<InfracastError['toJSON']> } => ({ error: error.toJSON() });
