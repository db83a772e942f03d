/**
 * An entry for an action bundle built by the tests (test/support/action.ts bundleActionFrom): the
 * real runner core and run(), with the stand-in comparison behind the Differ seam, until the real
 * one (src/app/diff) is wired in src/action/compliance-differ.ts.
 */
import { run } from '../../src/action/run.js';
import { runnerCore } from '../../src/action/runner-core.js';
import { gitDiffStandIn } from './stand-in-differ.js';

await run({ core: runnerCore, env: process.env, clock: () => new Date(), differ: gitDiffStandIn });
