/**
 * Publishing and delivery behind the action's two interfaces. `artifact` and `none` are here:
 * `artifact` names the files in the step's outputs for a following actions/upload-artifact step
 * (nothing leaves the runner by this step), `none` keeps them on the runner. Committing, release
 * assets and delivery are src/app/publishing and src/app/delivery; until they are wired in, asking
 * for them fails the step with a sentence saying so (never a silent no-op).
 */
import { gateArtifacts } from '../app/schedule/destinations.js';
import type { WorkspaceConfig } from '../model/config.js';
import type { Deliverer, DeliveryOutcome, PublishOutcome, PublishRequest, Publisher } from './types.js';
import { InfracastError } from '../errors.js';

function notWired(what: string): InfracastError {
  return new InfracastError('USAGE', `${what} is not wired into the action yet`, {
    hints: ['Use publish: artifact (then actions/upload-artifact) or publish: none until this version of the action publishes there.'],
  });
}

/**
 * An upload with actions/upload-artifact stores the files on GitHub for anyone who can read the
 * workflow run: the CUI gate treats it as it treats a release (both are downloads GitHub hosts).
 */
export function artifactOutcome(request: PublishRequest, config: Pick<WorkspaceConfig, 'raw'> | undefined): PublishOutcome {
  if (request.mode === 'none') return { changed: request.artifacts.length > 0, published: request.artifacts, withheld: [], notes: [] };
  const gate = config ? gateArtifacts(request.artifacts, 'release', config) : { allowed: request.artifacts, withheld: [] };
  return {
    changed: gate.allowed.length > 0,
    published: gate.allowed,
    withheld: gate.withheld.map((w) => w.reason.replace('withheld from release', 'withheld from the artifact upload')),
    notes: [],
  };
}

/** The publisher of this build of the action: artifact and none; commit and release not wired yet. */
export function defaultPublisher(config: () => Promise<Pick<WorkspaceConfig, 'raw'> | undefined>): Publisher {
  return {
    async publish(request) {
      if (request.mode === 'commit') throw notWired('publish: commit (committing the outputs and the state)');
      if (request.mode === 'release') throw notWired('publish: release (attaching the outputs to a release)');
      return artifactOutcome(request, request.artifacts.some((a) => a.cui) ? await config() : undefined);
    },
  };
}

/** Delivery to recipients: not wired yet, so a run that would mail someone says so and fails. */
export const notWiredDeliverer: Deliverer = {
  deliver(request): Promise<DeliveryOutcome> {
    const waiting = Object.entries(request.recipients).filter(([, list]) => list.length > 0);
    if (waiting.length === 0) return Promise.resolve({ warnings: [], notes: [], withheld: [] });
    const names = waiting.map(([schedule, list]) => `${schedule} (${list.length} recipient${list.length === 1 ? '' : 's'})`).join(', ');
    return Promise.reject(
      new InfracastError('USAGE', `delivery to recipients is not wired into the action yet: ${names} got nothing`, {
        hints: ['The reports were rendered and published; mail them from a later step, or remove recipients: until delivery is wired.'],
      }),
    );
  },
};
