/**
 * The bundled action's entry (actions/infracast/dist/index.js): the real @actions/core behind the
 * seams of run(). Nothing else in src/ imports @actions/* (test/unit/architecture.test.ts).
 */
import * as core from '@actions/core';
import { cacheIsThrowaway } from '../app/ephemeral-cache.js';
import { run } from './run.js';

// A hosted runner's cache dies with its VM: filling it would only slow the run (app/ephemeral-cache.ts).
if (cacheIsThrowaway(process.env)) process.env.INFRACAST_CACHE = 'off';

await run({
  core: {
    getInput: (name) => core.getInput(name),
    info: (message) => core.info(message),
    warning: (message, place) => core.warning(message, place ?? {}),
    error: (message, place) => core.error(message, place ?? {}),
    setOutput: (name, value) => core.setOutput(name, value),
    setFailed: (message) => core.setFailed(message),
    appendSummary: async (markdown) => {
      if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
    },
  },
  env: process.env,
  clock: () => new Date(),
});
