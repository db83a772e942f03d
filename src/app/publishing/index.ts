/**
 * Publishing a scheduled run (issue 16): what the Action calls after `runSchedules()`. One call
 * passes the run's artifacts through the CUI gate and commits them with the state folder, or
 * attaches them to a release; the parts (planPublication, commitOutputs, attachToRelease) are
 * exported for callers that sequence them differently. Nothing here imports @actions/*.
 */
import { InfracastError } from '../../errors.js';
import type { WorkspaceConfig } from '../../model/config.js';
import { loadWorkspace } from '../load-workspace.js';
import type { RunArtifact, ScheduleRunResult } from '../schedule/run.js';
import { commitOutputs } from './commit.js';
import type { CommitOutputsOptions, CommitOutputsResult } from './commit.js';
import { planPublication } from './plan.js';
import { attachToRelease } from './release.js';
import type { AttachToReleaseOptions, AttachToReleaseResult } from './release.js';

export { BOT_AUTHOR, commitOutputs, withoutCredentials } from './commit.js';
export type { CommitOutputsOptions, CommitOutputsResult, Trailer } from './commit.js';
export { attachToRelease, uploadUrl } from './release.js';
export type { AttachToReleaseOptions, AttachToReleaseResult } from './release.js';
export { planPublication } from './plan.js';
export { COMMENT_MAX_CHARS, findSticky, upsertComment } from './pr-comment.js';
export type { IssueComment, UpsertCommentOptions, UpsertCommentResult } from './pr-comment.js';
export type { PublicationPlan } from './plan.js';

export interface PublishRunOptions {
  destination: 'commit' | 'release';
  /** What runSchedules() returned. */
  run: ScheduleRunResult;
  /** The workspace's config (its cui: and state folder); default: read from the run's workspace. */
  config?: Pick<WorkspaceConfig, 'raw' | 'stateDir'>;
  /** destination commit: as commitOutputs (paths, trailers and workspace come from the run). */
  commit?: Partial<Omit<CommitOutputsOptions, 'paths' | 'trailers' | 'workspace'>>;
  /** destination release: as attachToRelease (files come from the run). */
  release?: Omit<AttachToReleaseOptions, 'files' | 'cwd'>;
  onLog?: (line: string) => void;
}

export interface PublishRunResult {
  /** What went to the destination. */
  artifacts: RunArtifact[];
  /** What did not (CUI the workspace does not authorise there), with the sentence to print. */
  withheld: { path: string; reason: string }[];
  commit?: CommitOutputsResult;
  release?: AttachToReleaseResult;
}

export async function publishScheduledRun(options: PublishRunOptions): Promise<PublishRunResult> {
  const { run, destination } = options;
  const log = options.onLog ?? (() => undefined);
  const config = options.config ?? (await configOf(run));
  const plan = planPublication(run.recorded, destination, config, run.workspace);
  for (const w of plan.withheld) log(w.reason);
  const result: PublishRunResult = { artifacts: plan.artifacts, withheld: plan.withheld };
  if (run.recorded.length === 0) return result;
  if (destination === 'commit') {
    const names = run.recorded.map((r) => r.schedule).join(', ');
    result.commit = await commitOutputs({
      repoDir: run.workspace,
      message: `infracast: ${names} (${run.at})`,
      ...options.commit,
      workspace: run.workspace,
      paths: plan.paths,
      trailers: plan.trailers,
      onLog: options.commit?.onLog ?? log,
    });
  } else {
    if (!options.release) throw new InfracastError('USAGE', 'publish release: the release options (API URL, token, repository, tag) are missing');
    if (plan.assets.length > 0)
      result.release = await attachToRelease({ ...options.release, cwd: run.workspace, files: plan.assets, onLog: options.release.onLog ?? log });
  }
  return result;
}

async function configOf(run: ScheduleRunResult): Promise<Pick<WorkspaceConfig, 'raw' | 'stateDir'>> {
  const workspace = await loadWorkspace(run.workspace, { at: new Date(run.at) });
  if (!workspace.config) throw new InfracastError('CONFIG_INVALID', `${run.workspace}/infracast.yaml could not be read: run infracast validate`);
  return workspace.config;
}
