/**
 * The bundled action's entry (actions/infracast/dist/index.js): the real @actions/core
 * (runner-core.ts) behind the seams of run().
 */
import { cacheIsThrowaway } from '../app/ephemeral-cache.js';
import { run } from './run.js';
import { runnerCore } from './runner-core.js';

// A hosted runner's cache dies with its VM: filling it would only slow the run (app/ephemeral-cache.ts).
if (cacheIsThrowaway(process.env)) process.env.INFRACAST_CACHE = 'off';

await run({ core: runnerCore, env: process.env, clock: () => new Date() });
