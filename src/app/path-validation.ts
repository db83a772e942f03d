/**
 * Library API: RFC 5280 certification path validation, the validator every `verify` check uses
 * (signing/path-validation.ts). Loaded on first call, like every signing module: pkijs stays off the
 * start-up path.
 *
 *   import { validateCertificatePath } from 'infracast';
 *   const result = await validateCertificatePath({ leaf: signerPem, intermediates: [caPem], roots: [rootPem], time: new Date() });
 *   if (!result.valid) console.log(result.rule, result.detail, result.certificate);
 */
import type { PathValidationInput, PathValidationResult } from '../signing/path-validation.js';

export type { CertificateInput, PathFailure, PathRule, PathValidationInput, PathValidationResult } from '../signing/path-validation.js';

/** Validates the path of `input.leaf` to one of `input.roots` at `input.time` (certificates as DER bytes or PEM text). Never throws. */
export async function validateCertificatePath(input: PathValidationInput): Promise<PathValidationResult> {
  const { validatePath } = await import('../signing/path-validation.js');
  return validatePath(input);
}
