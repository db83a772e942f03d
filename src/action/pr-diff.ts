/**
 * `command: pr-diff`: the compliance diff of a pull request (its base commit against what the
 * checkout holds), posted as one sticky comment, written to the job summary, then fail-on.
 *
 * Order matters: the comment is posted (or, for a fork, skipped with one log line) and the summary
 * written before the check fails, so a failing check always explains itself on the pull request.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedWorkspace } from '../app/load-workspace.js';
import { checkedOutCommit, ensureCommit } from '../app/ensure-commit.js';
import { gateArtifacts } from '../app/schedule/destinations.js';
import { isCui } from '../model/cui-marking.js';
import type { WorkspaceConfig } from '../model/config.js';
import type { Differ, PrComparison } from './differ.js';
import { plainMessage } from './failure.js';
import { failOnFailures } from './fail-on.js';
import type { ActionInputs } from './inputs.js';
import { cell } from './job-summary.js';
import { commentBody, commentMarker } from './pr-comment-body.js';
import type { CommentBody } from './pr-comment-body.js';
import { commentSkipped, readPullRequestEvent, refusal } from './pr-event.js';
import type { PullRequestEvent } from './pr-event.js';
import type { ActionDeps } from './types.js';
import { checkoutPath, setEmptyOutputs, validateWorkspace } from './workspace-checks.js';

/** GitHub refuses a step summary over 1 MiB: the diff in it is cut well below. */
const SUMMARY_MAX_CHARS = 512 * 1024;

/** The workspace (at the checkout) is CUI: its config's classification or default options', or any definition's. */
export function cuiWorkspace(workspace: Pick<LoadedWorkspace, 'config' | 'outputs'> | undefined): boolean {
  if (!workspace) return false;
  return (
    isCui(workspace.config?.classification) ||
    isCui(workspace.config?.defaultOptions.classification) ||
    workspace.outputs.some((o) => isCui(o.options.classification))
  );
}

/** What the CUI gate lets into the comment. */
export interface CuiDecision {
  /** Set: the sentence saying why text is withheld. */
  withheld?: string;
  /** The comparison withheld the text itself (its CUI Markdown may be posted); else only the numbers are. */
  byComparison: boolean;
}

/**
 * The CUI gate on the comment, checked twice: the comparison's own verdict (classified on either
 * side; `comment` authorised on both), and the action's (the checkout's workspace classified; the
 * gate every publisher asks, gateArtifacts(..., 'comment')). Text reaches the comment only when
 * both allow it. When the comparison withheld the text itself, its Markdown (figures and control
 * ids, no statement, evidence or weakness text) is what `infracast diff` shows locally too; when
 * only the action's check objects, only the numbers are posted.
 */
export function cuiDecision(
  comparison: Pick<PrComparison, 'cui' | 'comment_authorised'>,
  checkoutCui: boolean,
  config: Pick<WorkspaceConfig, 'raw'> | undefined,
): CuiDecision {
  const byComparison = comparison.cui && !comparison.comment_authorised;
  const classified = comparison.cui || checkoutCui;
  const gate = gateArtifacts([{ path: 'the compliance diff', cui: classified }], 'comment', config ?? { raw: {} });
  if (!byComparison && gate.withheld.length === 0) return { byComparison: false };
  return {
    withheld:
      'The workspace is classified CUI and infracast.yaml cui.authorised_destinations does not list comment: statement text, evidence and weakness details are not posted.',
    byComparison,
  };
}

/** Writes the full diff where a following actions/upload-artifact step can take it. */
function writeFullDiff(env: NodeJS.ProcessEnv, pr: PullRequestEvent, full: string): string {
  const folder = join(env.RUNNER_TEMP || tmpdir(), 'infracast-diff', String(pr.number));
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'compliance-diff.md');
  writeFileSync(file, full);
  return file;
}

const runUrl = (env: NodeJS.ProcessEnv): string | undefined =>
  env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
    ? `${(env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/$/, '')}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
    : undefined;

async function defaultDiffer(): Promise<Differ> {
  return (await import('./compliance-differ.js')).complianceDiffer;
}

export async function prDiffStep(inputs: ActionInputs, deps: ActionDeps): Promise<void> {
  const { core, env } = deps;
  const pr = readPullRequestEvent(env);
  const refused = refusal(pr);
  const setOutputs = (commentUrl: string, diffFile: string, changed: boolean): void => {
    setEmptyOutputs(core, { changed });
    core.setOutput('comment-url', commentUrl);
    core.setOutput('diff-file', diffFile);
  };
  if (refused) {
    setOutputs('', '', false);
    await core.appendSummary(`## Infracast compliance diff\n\n${cell(refused)}\n`);
    core.setFailed(refused);
    return;
  }
  const log = (line: string): void => core.info(line);
  const repoDir = inputs.checkout;
  await ensureCommit({
    repoDir,
    sha: pr.baseSha,
    role: `the base commit of pull request #${pr.number} (${pr.baseRef})`,
    onLog: log,
    ...(deps.git ? { git: deps.git } : {}),
  });
  // pull_request checks out the merge of head into base (what merging gives); pull_request_target
  // checks out the base, so its head (same repository only: see refusal()) is fetched if needed.
  let head: string;
  if (pr.event === 'pull_request') head = await checkedOutCommit(repoDir, deps.git);
  else {
    await ensureCommit({ repoDir, sha: pr.headSha, role: `the head commit of pull request #${pr.number}`, onLog: log, ...(deps.git ? { git: deps.git } : {}) });
    head = pr.headSha;
  }
  const at = inputs.now ?? (env.SOURCE_DATE_EPOCH ? undefined : deps.clock().toISOString());
  core.info(`comparing ${pr.baseRef} ${pr.baseSha.slice(0, 12)} with ${head.slice(0, 12)} (pull request #${pr.number}, head ${pr.headSha.slice(0, 12)})`);
  const differ = deps.differ ?? (await defaultDiffer());
  const comparison: PrComparison = await differ.compare({
    repoDir,
    workspace: inputs.workingDirectory,
    base: pr.baseSha,
    head,
    ...(at ? { at } : {}),
    env,
  });

  const checked = await validateWorkspace(inputs, env, at);
  const config = checked.workspaces[0]?.config;
  const cui = cuiDecision(comparison, cuiWorkspace(checked.workspaces[0]), config);
  // The comparison's own CUI Markdown when it withheld the text itself, else the numbers alone.
  const withheld = cui.byComparison ? undefined : cui.withheld;
  const marker = commentMarker(checkoutPath(inputs.checkout, inputs.workingDirectory));
  const url = runUrl(env);
  const body: CommentBody = commentBody(comparison, { marker, ...(withheld ? { cuiWithheld: withheld } : {}), ...(url ? { runUrl: url } : {}) });
  const failures: string[] = [];
  const notes: string[] = [];
  if (cui.withheld) core.warning(cui.withheld);

  let diffFile = '';
  if (body.truncated && body.full !== undefined) {
    diffFile = writeFullDiff(env, pr, body.full);
    notes.push(`the diff is longer than a comment: the comment has its summary, ${diffFile} the full diff (output diff-file, for actions/upload-artifact)`);
  }

  let commentUrl = '';
  let changed = false;
  const skipped = commentSkipped(pr);
  if (skipped) {
    core.info(skipped);
    notes.push(skipped);
  } else if (!inputs.token) failures.push('no token to post the comment with: set input token (by default github.token)');
  else {
    try {
      const { upsertComment } = await import('../app/publishing/pr-comment.js');
      const result = await upsertComment({
        apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
        token: inputs.token,
        repository: pr.baseRepository,
        number: pr.number,
        marker,
        body: body.body,
        onLog: log,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
      commentUrl = result.html_url ?? '';
      changed = result.action !== 'unchanged';
      notes.push(`comment ${result.id} ${result.action} on pull request #${pr.number}${result.html_url ? ` (${result.html_url})` : ''}`);
      core.info(notes[notes.length - 1]!);
    } catch (error) {
      failures.push(plainMessage(error));
    }
  }

  setOutputs(commentUrl, diffFile, changed);
  failures.push(...failOnFailures(inputs.failOn, comparison));
  const summaryDiff =
    body.body.length > SUMMARY_MAX_CHARS ? `${body.body.slice(0, SUMMARY_MAX_CHARS)}\n\n…cut (the comment and diff-file have it).\n` : body.body;
  await core.appendSummary(
    [
      `## Infracast compliance diff: pull request #${pr.number}\n`,
      `Base ${cell(pr.baseRef)} \`${pr.baseSha.slice(0, 12)}\`, compared with \`${head.slice(0, 12)}\`.\n`,
      ...notes.map((n) => `- ${cell(n)}`),
      ...failures.map((f) => `- **Failed**: ${cell(f)}`),
      '',
      // The same Markdown as the comment, marker and all (a hidden line), CUI numbers-only included.
      summaryDiff,
    ].join('\n'),
  );
  if (failures.length > 0) core.setFailed(failures.join('\n'));
}
