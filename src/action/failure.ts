/** A failure as the step prints it: the message and its hints, never a stack trace. */
import { isInfracastError } from '../errors.js';

export function plainMessage(error: unknown): string {
  if (isInfracastError(error)) return [error.message, ...error.hints.map((hint) => `hint: ${hint}`)].join('\n');
  if (error instanceof Error) return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
  return String(error);
}
