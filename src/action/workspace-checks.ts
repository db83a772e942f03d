/** What the commands share: paths as GitHub shows them, diagnostics as annotations, empty outputs. */
import { realpathSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { repositoryRoot } from '../app/ensure-commit.js';
import { validate } from '../app/validate.js';
import type { ValidateResult } from '../app/validate.js';
import type { Diagnostic } from '../diagnostics.js';
import type { ActionInputs } from './inputs.js';
import { validateSummary } from './job-summary.js';
import type { ActionCore } from './types.js';

/** A path as GitHub shows it: relative to the checkout, forward slashes. */
export function checkoutPath(checkout: string, path: string): string {
  return relative(checkout, path).split(sep).join('/') || '.';
}

/**
 * What annotation paths are relative to: GitHub places `file=` relative to the repository's root,
 * which is GITHUB_WORKSPACE unless actions/checkout was given `path:` (the clone in a sub-folder).
 */
export async function annotationRoot(inputs: Pick<ActionInputs, 'checkout' | 'workingDirectory'>): Promise<string> {
  const top = await repositoryRoot(inputs.workingDirectory);
  // git prints the real path (symlinks resolved): the same folder, as the diagnostics spell it.
  return top === undefined ? inputs.checkout : resolve(inputs.workingDirectory, relative(realpathSync(inputs.workingDirectory), top));
}

/** Every diagnostic as an annotation on its line; the job-summary table of them. */
export async function annotate(
  core: ActionCore,
  inputs: ActionInputs,
  result: Pick<ValidateResult, 'diagnostics' | 'errorCount' | 'warningCount'>,
): Promise<void> {
  const root = await annotationRoot(inputs);
  const rows = result.diagnostics.map((d: Diagnostic) => {
    const place = { file: checkoutPath(root, d.file), startLine: d.line, startColumn: d.col };
    const message = d.hint ? `${d.message} [${d.code}]\n${d.hint}` : `${d.message} [${d.code}]`;
    if (d.severity === 'error') core.error(message, place);
    else core.warning(message, place);
    return { severity: d.severity, file: place.file, line: d.line, col: d.col, code: d.code, message: d.message };
  });
  await core.appendSummary(validateSummary(checkoutPath(root, inputs.workingDirectory), rows, result.errorCount, result.warningCount));
}

/** The workspace's diagnostics at the run's instant. */
export function validateWorkspace(inputs: ActionInputs, env: NodeJS.ProcessEnv, at?: string): Promise<ValidateResult> {
  return validate({ paths: [inputs.workingDirectory], cwd: inputs.workingDirectory, ...(at ? { at } : {}), env });
}

/** The render outputs of a command that renders nothing (pr-diff: changed says whether the comment changed). */
export function setEmptyOutputs(core: ActionCore, options: { changed?: boolean } = {}): void {
  core.setOutput('artifacts', '[]');
  core.setOutput('index', '');
  core.setOutput('scores', '{}');
  core.setOutput('changed', String(options.changed ?? false));
}
