/**
 * The real @actions/core behind the ActionCore seam (types.ts). Nothing else in src/ imports
 * @actions/* (test/unit/architecture.test.ts).
 */
import * as core from '@actions/core';
import type { ActionCore } from './types.js';

export const runnerCore: ActionCore = {
  getInput: (name) => core.getInput(name),
  info: (message) => core.info(message),
  warning: (message, place) => core.warning(message, place ?? {}),
  error: (message, place) => core.error(message, place ?? {}),
  setOutput: (name, value) => core.setOutput(name, value),
  setFailed: (message) => core.setFailed(message),
  appendSummary: async (markdown) => {
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
  },
};
