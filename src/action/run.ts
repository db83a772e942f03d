/**
 * The GitHub Action: its inputs -> the app/ use cases (validate, render, runSchedules, a sharded
 * run's plan and merge, the pull-request diff) -> its outputs, annotations and job summary. `run()` never throws: every failure, expected or not, fails
 * the step with a plain message (main.ts adds nothing but the real @actions/core).
 */
import { plainMessage } from './failure.js';
import { ignoredInputs, readInputs } from './inputs.js';
import type { ActionInputs } from './inputs.js';
import { renderStep, scheduledStep } from './render-steps.js';
import type { ActionDeps } from './types.js';
import { annotate, setEmptyOutputs, validateWorkspace } from './workspace-checks.js';

export type { ActionDeps } from './types.js';

async function validateCommand(inputs: ActionInputs, deps: ActionDeps): Promise<void> {
  const result = await validateWorkspace(inputs, deps.env, inputs.now);
  await annotate(deps.core, inputs, result);
  setEmptyOutputs(deps.core);
  if (!result.ok) deps.core.setFailed(`the workspace has ${result.errorCount} validation error(s); each is annotated on its line`);
  else deps.core.info(`workspace valid: ${result.warningCount} warning(s)`);
}

export async function run(deps: ActionDeps): Promise<void> {
  const { core } = deps;
  try {
    const inputs = readInputs(core, deps.env);
    for (const ignored of ignoredInputs(inputs)) core.warning(ignored);
    if (inputs.command === 'validate') await validateCommand(inputs, deps);
    else if (inputs.command === 'render') await renderStep(inputs, deps);
    // The sharding and pull-request steps load only when asked for: the hourly sweep's start-up stays small.
    else if (inputs.command === 'plan') await (await import('./shard-steps.js')).planStep(inputs, deps);
    else if (inputs.command === 'merge') await (await import('./shard-steps.js')).mergeStep(inputs, deps);
    else if (inputs.command === 'pr-diff') await (await import('./pr-diff.js')).prDiffStep(inputs, deps);
    else await scheduledStep(inputs, deps);
  } catch (error) {
    try {
      core.setFailed(plainMessage(error));
    } catch {
      // The runner's own channel failed: nothing left to tell it (the exit code still says failed).
      process.exitCode = 1;
    }
  }
}
