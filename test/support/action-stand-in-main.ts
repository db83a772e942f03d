/**
 * An entry for an action bundle built by the tests (test/support/action.ts bundleActionFrom): the
 * real runner core and run(), with the stand-in comparison behind the Differ seam, whose size and
 * numbers a test sets with a file (the comment's mechanics: the cap, fail-on, forks). The real
 * comparison runs in test/cli/action-pr-diff-acme.test.ts.
 */
import { run } from '../../src/action/run.js';
import { runnerCore } from '../../src/action/runner-core.js';
import { gitDiffStandIn } from './stand-in-differ.js';

await run({ core: runnerCore, env: process.env, clock: () => new Date(), differ: gitDiffStandIn });
