/**
 * `command: render` and `command: scheduled`: render (what is due), then publish, deliver, set the
 * outputs and write the job summary, and only then fail the step for what failed (a failed report,
 * publishing, delivery, fail-under): what was rendered is always published and described first.
 */
import { join } from 'node:path';
import type { RenderResult } from '../app/render.js';
import { artifactsOf, runSchedules } from '../app/schedule/run.js';
import type { RunArtifact, ScheduleRunResult } from '../app/schedule/run.js';
import { isInfracastError } from '../errors.js';
import type { WorkspaceConfig } from '../model/config.js';
import { plainMessage } from './failure.js';
import type { ActionInputs } from './inputs.js';
import { runSummary } from './job-summary.js';
import { appDeliverer, appPublisher } from './publishers.js';
import { annotate, annotationRoot, checkoutPath, setEmptyOutputs, validateWorkspace } from './workspace-checks.js';
import type { Scores } from './scores.js';
import type { ActionDeps, PublishOutcome } from './types.js';

/** The run's instant: the `now` input, else SOURCE_DATE_EPOCH (app/instant.ts reads it), else the clock. */
export function instantOf(inputs: ActionInputs, deps: ActionDeps): string | undefined {
  return inputs.now ?? (deps.env.SOURCE_DATE_EPOCH ? undefined : deps.clock().toISOString());
}

export const signModeOf = (inputs: ActionInputs): { signMode?: 'off' | 'keyless' } =>
  inputs.sign === 'none' ? { signMode: 'off' } : inputs.sign === 'keyless' ? { signMode: 'keyless' } : {};

/** What either command hands to the common finish. */
export interface Rendered {
  title: string;
  at: string;
  render?: RenderResult;
  artifacts: RunArtifact[];
  scheduled?: ScheduleRunResult;
}

export async function renderStep(inputs: ActionInputs, deps: ActionDeps): Promise<void> {
  const at = instantOf(inputs, deps);
  // The renderers load only for a render (a sweep that finds nothing due never parses them).
  const { render } = await import('../app/render.js');
  const result = await render({
    paths: [inputs.definitions ?? '.'],
    cwd: inputs.workingDirectory,
    ...(at ? { at } : {}),
    env: deps.env,
    ...signModeOf(inputs),
    ...(inputs.shard ? { shard: inputs.shard } : {}),
  });
  if (result.diagnostics.some((d) => d.severity === 'error')) return invalidWorkspace(inputs, deps, at);
  const workspace = result.workspace ?? inputs.workingDirectory;
  const definitions = result.reports.map((r) => r.definition);
  await finish(inputs, deps, workspace, {
    title: 'Infracast render',
    at: result.generatedAt,
    render: result,
    artifacts: artifactsOf(result, definitions, workspace),
  });
}

export async function scheduledStep(inputs: ActionInputs, deps: ActionDeps): Promise<void> {
  const at = instantOf(inputs, deps);
  let result: ScheduleRunResult;
  try {
    result = await runSchedules({
      workspace: inputs.workingDirectory,
      cwd: inputs.workingDirectory,
      ...(at ? { at } : {}),
      env: deps.env,
      ...signModeOf(inputs),
      ...(inputs.shard ? { shard: inputs.shard } : {}),
    });
  } catch (error) {
    // An invalid workspace: annotate every problem on its line, as validate does.
    if (isInfracastError(error) && error.code === 'CONFIG_INVALID') return invalidWorkspace(inputs, deps, at);
    throw error;
  }
  await finish(inputs, deps, result.workspace, {
    title: 'Infracast scheduled run',
    at: result.at,
    ...(result.render ? { render: result.render } : {}),
    artifacts: result.recorded.flatMap((r) => r.artifacts),
    scheduled: result,
  });
}

export async function invalidWorkspace(inputs: ActionInputs, deps: ActionDeps, at: string | undefined): Promise<void> {
  const checked = await validateWorkspace(inputs, deps.env, at);
  await annotate(deps.core, inputs, checked);
  setEmptyOutputs(deps.core);
  deps.core.setFailed(`the workspace has ${checked.errorCount} validation error(s); nothing was rendered (each error is annotated on its line)`);
}

export async function finish(inputs: ActionInputs, deps: ActionDeps, workspace: string, run: Rendered): Promise<void> {
  const { core } = deps;
  const failures: string[] = [];
  // The config (CUI gate, state folder) only when something was rendered: a sweep with nothing due loads nothing more.
  let config: Promise<WorkspaceConfig | undefined> | undefined;
  const configOf = (): Promise<WorkspaceConfig | undefined> => (config ??= validateWorkspace(inputs, deps.env, run.at).then((v) => v.workspaces[0]?.config));

  if (run.render) {
    const root = run.render.reports.some((r) => r.status === 'failed') ? await annotationRoot(inputs) : inputs.checkout;
    for (const report of run.render.reports.filter((r) => r.status === 'failed')) {
      const message = `${report.definition}: ${report.error?.message ?? 'failed'}`;
      core.error(message, { file: checkoutPath(root, report.file), startLine: 1, startColumn: 1 });
      failures.push(message);
    }
    for (const w of run.render.warnings) core.warning(w);
  }
  for (const f of run.scheduled?.failed ?? [])
    failures.push(`schedule ${f.schedule}: slot ${f.slot} not recorded (${f.definitions.join(', ')} failed); the next run tries again`);

  // Scoring (summary(), history) loads only when there is something to score or a gate to check.
  const scoring = run.render || inputs.failUnder.length > 0 ? await import('./scores.js') : undefined;
  const scores: Scores = {};
  if (scoring && run.render && run.artifacts.length > 0)
    Object.assign(scores, await scoring.scoresOf(run.render, (await configOf())?.stateDir ?? join(workspace, '.infracast')));
  if (scoring && inputs.failUnder.length > 0) await scoring.completeScores(scores, inputs.failUnder, workspace, run.at, deps.env);

  const publisher = deps.publisher ?? appPublisher;
  let published: PublishOutcome = { changed: false, published: [], withheld: [], notes: [] };
  let publishFailed = false;
  try {
    published = await publisher.publish({
      mode: inputs.publish,
      workspace,
      checkout: inputs.checkout,
      at: run.at,
      artifacts: run.artifacts,
      recorded: run.scheduled?.recorded ?? [],
      ...(run.scheduled ? { run: run.scheduled } : {}),
      config: configOf,
      ...(inputs.branch ? { branch: inputs.branch } : {}),
      ...(inputs.commitMessage ? { commitMessage: inputs.commitMessage } : {}),
      ...(inputs.releaseTag ? { releaseTag: inputs.releaseTag } : {}),
      ...(inputs.token ? { token: inputs.token } : {}),
      ...(deps.env.GITHUB_REPOSITORY ? { repository: deps.env.GITHUB_REPOSITORY } : {}),
      ...(deps.env.GITHUB_API_URL ? { apiUrl: deps.env.GITHUB_API_URL } : {}),
      ...(deps.env.GITHUB_SERVER_URL ? { serverUrl: deps.env.GITHUB_SERVER_URL } : {}),
    });
  } catch (error) {
    failures.push(plainMessage(error));
    publishFailed = true;
  }
  const withheld = [...published.withheld];
  const notes = [...published.notes];

  const recorded = run.scheduled?.recorded ?? [];
  // Delivery follows publishing (its links point at what was committed or attached): not after a failed one.
  if (recorded.length > 0 && publishFailed) failures.push("delivery skipped: publishing failed, so nothing was mailed or announced for this run's slots");
  else if (recorded.length > 0) {
    const names = new Set(recorded.map((r) => r.schedule));
    const recipients = Object.fromEntries((run.scheduled?.schedules ?? []).filter((s) => names.has(s.name)).map((s) => [s.name, s.recipients]));
    try {
      const deliverer =
        deps.deliverer ??
        appDeliverer(
          inputs.publish === 'commit'
            ? { ...(inputs.branch ? { branch: inputs.branch } : {}), ...(inputs.commitMessage ? { message: inputs.commitMessage } : {}) }
            : undefined,
        );
      const delivered = await deliverer.deliver({
        workspace,
        at: run.at,
        recorded,
        recipients,
        published,
        run: run.scheduled!,
        config: configOf,
        env: deps.env,
      });
      for (const w of delivered.warnings) core.warning(w);
      withheld.push(...delivered.withheld);
      notes.push(...delivered.notes);
    } catch (error) {
      failures.push(plainMessage(error));
    }
  }

  const artifacts = published.published.map((a) => ({
    path: checkoutPath(inputs.checkout, join(workspace, a.path)),
    sha256: a.sha256,
    size_bytes: a.size_bytes,
    format: a.format,
    definition: a.definition,
    sidecars: a.sidecars.map((s) => checkoutPath(inputs.checkout, join(workspace, s))),
  }));
  core.setOutput('artifacts', JSON.stringify(artifacts));
  core.setOutput('index', run.render?.outDir ? checkoutPath(inputs.checkout, join(run.render.outDir, 'index.json')) : '');
  core.setOutput('scores', JSON.stringify(scores));
  core.setOutput('changed', String(published.changed));
  for (const line of withheld) core.warning(line);
  for (const a of artifacts) core.info(`rendered ${a.path} (${a.format}, sha256 ${a.sha256})`);
  for (const schedule of run.scheduled?.schedules ?? []) core.info(`${schedule.name}: ${schedule.reason}`);

  if (scoring) failures.push(...scoring.failUnderFailures(scores, inputs.failUnder));
  await core.appendSummary(
    runSummary({
      title: run.title,
      at: run.at,
      scores,
      // Paths as GitHub shows them: relative to the checkout.
      artifacts: run.artifacts.map((a) => ({ ...a, path: checkoutPath(inputs.checkout, join(workspace, a.path)) })),
      ...(run.scheduled ? { schedules: run.scheduled.schedules } : {}),
      withheld,
      notes,
      failures,
    }),
  );
  if (failures.length > 0) core.setFailed(failures.join('\n'));
}
