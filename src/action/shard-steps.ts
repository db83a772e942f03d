/**
 * Sharded runs on a matrix (docs/sharding.md): `command: plan` sets the matrix, the pinned instant
 * and the folders a shard uploads; `command: merge` merges the downloaded shard folders into the
 * workspace and then publishes and delivers as a scheduled run (or a render) does, once.
 * The shard jobs themselves are `command: scheduled` / `render` with `shard` (render-steps.ts).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { mergeShards } from '../app/shard/merge.js';
import { planRun } from '../app/shard/plan.js';
import type { ActionInputs } from './inputs.js';
import { finish, instantOf, invalidWorkspace } from './render-steps.js';
import { artifactsOf } from '../app/schedule/run.js';
import type { ActionDeps } from './types.js';
import { checkoutPath, setEmptyOutputs } from './workspace-checks.js';

export async function planStep(inputs: ActionInputs, deps: ActionDeps): Promise<void> {
  const { core } = deps;
  // The instant is pinned here, once, and handed to every shard (the `now` output).
  const at = instantOf(inputs, deps);
  const plan = await planRun({
    scheduled: inputs.planFor === 'scheduled',
    paths: [inputs.planFor === 'render' ? (inputs.definitions ?? '.') : inputs.workingDirectory],
    cwd: inputs.workingDirectory,
    ...(at ? { at } : {}),
    ...(inputs.shards !== undefined ? { shards: inputs.shards } : {}),
    ...(inputs.maxShards !== undefined ? { maxShards: inputs.maxShards } : {}),
    env: deps.env,
  });
  if (!plan.ok) return invalidWorkspace(inputs, deps, at);
  core.setOutput('matrix', JSON.stringify(plan.matrix));
  core.setOutput('now', plan.now);
  core.setOutput('count', String(plan.shards));
  // What each shard uploads: the output and state folders, as GitHub shows paths (relative to the checkout).
  const folders = plan.shards > 0 ? [plan.paths.output, plan.paths.state].map((p) => checkoutPath(inputs.checkout, join(plan.workspace, p))) : [];
  core.setOutput('shard-paths', folders.join('\n'));
  setEmptyOutputs(core);
  core.info(
    plan.shards === 0 ? `nothing due at ${plan.now}: no shard to run` : `${plan.definitions.length} definition(s) in ${plan.shards} shard(s) at ${plan.now}`,
  );
  await core.appendSummary(`## Infracast plan\n\n${plan.definitions.length} definition(s) in ${plan.shards} shard(s) at \`${plan.now}\` (${plan.command}).\n`);
}

export async function mergeStep(inputs: ActionInputs, deps: ActionDeps): Promise<void> {
  const root = inputs.shardArtifacts!;
  const folders = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(root, e.name))
    .sort();
  const merged = await mergeShards({ folders, workspace: inputs.workingDirectory, cwd: inputs.workingDirectory, env: deps.env });
  const { render, scheduled } = merged;
  const workspace = merged.workspace;
  await finish(inputs, deps, workspace, {
    title: scheduled ? 'Infracast scheduled run (sharded)' : 'Infracast render (sharded)',
    at: merged.generatedAt,
    render,
    artifacts: scheduled
      ? scheduled.recorded.flatMap((r) => r.artifacts)
      : artifactsOf(
          render,
          render.reports.map((r) => r.definition),
          workspace,
        ),
    ...(scheduled ? { scheduled } : {}),
  });
}
