/**
 * Publishing and delivery behind the action's two interfaces (types.ts), over the app's modules:
 * src/app/publishing (commit with rebase-and-retry, release assets through upload_url, the CUI
 * gate) and src/app/delivery (e-mail, webhooks, deliveries.jsonl). `artifact` names the files in
 * the step's outputs for a following actions/upload-artifact step (nothing leaves the runner by
 * this step); `none` keeps them on the runner.
 */
import { posix, relative, sep } from 'node:path';
import type { RunArtifact } from '../app/schedule/run.js';
import { gateArtifacts } from '../app/schedule/destinations.js';
import { InfracastError } from '../errors.js';
import type { WorkspaceConfig } from '../model/config.js';
import type { Deliverer, DeliveryOutcome, PublishOutcome, PublishRequest, Publisher } from './types.js';

/**
 * An upload with actions/upload-artifact stores the files on GitHub for anyone who can read the
 * workflow run: the CUI gate treats it as it treats a release (both are downloads GitHub hosts).
 */
export function artifactOutcome(request: Pick<PublishRequest, 'mode' | 'artifacts'>, config: Pick<WorkspaceConfig, 'raw'> | undefined): PublishOutcome {
  if (request.mode === 'none') return { changed: request.artifacts.length > 0, published: request.artifacts, withheld: [], notes: [] };
  const gate = config ? gateArtifacts(request.artifacts, 'release', config) : { allowed: request.artifacts, withheld: [] };
  return {
    changed: gate.allowed.length > 0,
    published: gate.allowed,
    withheld: gate.withheld.map((w) => w.reason.replace('withheld from release', 'withheld from the artifact upload')),
    notes: [],
  };
}

async function requireConfig(request: Pick<PublishRequest, 'config' | 'workspace'>): Promise<WorkspaceConfig> {
  const config = await request.config();
  if (!config) throw new InfracastError('CONFIG_INVALID', `${request.workspace}/infracast.yaml could not be read: run infracast validate`);
  return config;
}

/** The repository path of a workspace-relative file, for links (forward slashes). */
function repositoryPath(request: PublishRequest, path: string): string {
  return relative(request.checkout, posix.join(request.workspace.split(sep).join('/'), path))
    .split(sep)
    .join('/');
}

const serverUrl = (request: PublishRequest): string => (request.serverUrl || 'https://github.com').replace(/\/$/, '');

async function publishCommit(request: PublishRequest): Promise<PublishOutcome> {
  const { commitOutputs, planPublication } = await import('../app/publishing/index.js');
  const config = await requireConfig(request);
  // A render (no schedule) publishes its files and the state folder the same way, without trailers.
  const recorded = request.recorded.length > 0 ? request.recorded : [{ schedule: 'render', slot: request.at, artifacts: request.artifacts }];
  const plan = planPublication(recorded, 'commit', config, request.workspace);
  const names = request.recorded.map((r) => r.schedule).join(', ');
  const notes: string[] = [];
  const result = await commitOutputs({
    repoDir: request.workspace,
    workspace: request.workspace,
    paths: plan.paths,
    trailers: request.recorded.length > 0 ? plan.trailers : [],
    message: request.commitMessage ?? (names ? `infracast: ${names} (${request.at})` : `infracast: render (${request.at})`),
    ...(request.branch ? { branch: request.branch } : {}),
    onLog: (line) => notes.push(line),
  });
  const sha = result.sha;
  return {
    changed: result.committed,
    published: plan.artifacts,
    withheld: plan.withheld.map((w) => w.reason),
    notes: [
      result.committed
        ? `committed ${sha?.slice(0, 12) ?? ''} (${result.changed.length} file(s), pushed after ${result.attempts} attempt(s))`
        : 'nothing to commit: every file is as committed',
      ...notes,
    ],
    ...(sha && request.repository
      ? { linkOf: (a: RunArtifact) => `${serverUrl(request)}/${request.repository}/blob/${sha}/${repositoryPath(request, a.path)}` }
      : {}),
  };
}

async function publishRelease(request: PublishRequest): Promise<PublishOutcome> {
  const { attachToRelease, planPublication } = await import('../app/publishing/index.js');
  const config = await requireConfig(request);
  if (!request.token) throw new InfracastError('USAGE', 'publish: release needs a token (input token, by default github.token)');
  if (!request.repository) throw new InfracastError('USAGE', 'publish: release needs GITHUB_REPOSITORY (owner/name); the runner sets it');
  const recorded = request.recorded.length > 0 ? request.recorded : [{ schedule: 'render', slot: request.at, artifacts: request.artifacts }];
  const plan = planPublication(recorded, 'release', config, request.workspace);
  const notes: string[] = [];
  if (plan.assets.length === 0) return { changed: false, published: [], withheld: plan.withheld.map((w) => w.reason), notes: ['nothing to attach'] };
  const tag = request.releaseTag!;
  const result = await attachToRelease({
    apiUrl: request.apiUrl ?? 'https://api.github.com',
    token: request.token,
    repository: request.repository,
    tag,
    cwd: request.workspace,
    files: plan.assets,
    onLog: (line) => notes.push(line),
  });
  const assetName = new Map(plan.assets.map((a) => [a.path, a.name]));
  return {
    changed: result.uploaded.length + result.replaced.length > 0,
    published: plan.artifacts,
    withheld: plan.withheld.map((w) => w.reason),
    notes: [
      `release ${tag}${result.release.created ? ' (created)' : ''}: ${result.uploaded.length} uploaded, ${result.replaced.length} replaced, ${result.unchanged.length} unchanged${result.release.html_url ? ` (${result.release.html_url})` : ''}`,
      ...notes,
    ],
    linkOf: (a) => {
      const name = assetName.get(a.path);
      return name ? `${serverUrl(request)}/${request.repository}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(name)}` : undefined;
    },
  };
}

/** The publisher of the action: commit and release through src/app/publishing, artifact and none here. */
export const appPublisher: Publisher = {
  async publish(request) {
    // A sweep that recorded no slot has nothing to commit or attach (and loads no git).
    if ((request.mode === 'commit' || request.mode === 'release') && request.run && request.recorded.length === 0)
      return { changed: false, published: [], withheld: [], notes: [] };
    if (request.mode === 'commit') return publishCommit(request);
    if (request.mode === 'release') return publishRelease(request);
    return artifactOutcome(request, request.artifacts.some((a) => a.cui) ? await request.config() : undefined);
  },
};

/**
 * Delivery through src/app/delivery: each recorded slot mailed to its recipients, the webhooks
 * called; a rejected recipient or a failing webhook is a warning, missing settings or an
 * unreachable server a failure. With publish: commit, the delivery records (deliveries.jsonl) are
 * committed after, so that a re-run from a fresh checkout sends nothing twice.
 */
export function appDeliverer(commit?: { branch?: string; message?: string }): Deliverer {
  return {
    async deliver(request): Promise<DeliveryOutcome> {
      const { deliverRecordedSchedules } = await import('../app/delivery/deliver.js');
      const notes: string[] = [];
      const result = await deliverRecordedSchedules(request.run, {
        env: request.env,
        ...(request.published.linkOf ? { linkOf: request.published.linkOf } : {}),
        onLog: (line) => notes.push(line),
      });
      const outcome: DeliveryOutcome = {
        warnings: result.warnings,
        notes: [
          ...result.emails.map(
            (e) => `${e.schedule}: e-mail ${e.status} (${e.accepted.length} accepted${e.rejected.length ? `, ${e.rejected.length} rejected` : ''})`,
          ),
          ...result.webhooks.map((w) => `${w.schedule}: webhook ${w.webhook} ${w.status}`),
        ],
        withheld: result.withheld.map((w) => w.reason),
      };
      const sent = result.emails.some((e) => e.status === 'sent') || result.webhooks.some((w) => w.status === 'delivered');
      if (commit && sent) {
        const { commitOutputs } = await import('../app/publishing/index.js');
        const config = await request.config();
        if (config) {
          const records = relative(request.workspace, config.stateDir).split(sep).concat('deliveries.jsonl').join('/');
          const recorded = await commitOutputs({
            repoDir: request.workspace,
            workspace: request.workspace,
            paths: [records],
            message: `${commit.message ?? 'infracast'}: delivery records (${request.at})`,
            ...(commit.branch ? { branch: commit.branch } : {}),
          });
          if (recorded.committed) outcome.notes.push(`delivery records committed ${recorded.sha?.slice(0, 12) ?? ''}`);
        }
      }
      if (!result.ok) throw new InfracastError('USAGE', `delivery failed: ${result.failures.join('; ')}`);
      return outcome;
    },
  };
}
