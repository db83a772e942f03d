/**
 * Where a scheduled run's artifacts may go. An artifact of a CUI-classified definition goes only to
 * the destinations infracast.yaml authorises (`cui.authorised_destinations`; default none): a
 * repository, a release, a pull-request comment or an e-mail outside the authorised boundary is an
 * unauthorised disclosure (32 CFR 2002.14 safeguarding). Everything else goes everywhere. The one
 * gate every publisher (commit, release, comment, e-mail) asks, so that they cannot disagree.
 */
import type { WorkspaceConfig } from '../../model/config.js';
import type { RunArtifact } from './run.js';

export type Destination = 'commit' | 'release' | 'comment' | 'email';

export interface DestinationGate<T> {
  allowed: T[];
  /** Withheld, with the sentence the run prints. */
  withheld: { artifact: T; reason: string }[];
}

/** The destinations config `cui.authorised_destinations` names (none when absent). */
export function authorisedCuiDestinations(config: Pick<WorkspaceConfig, 'raw'>): Destination[] {
  const cui = config.raw.cui as { authorised_destinations?: unknown } | undefined;
  const listed = Array.isArray(cui?.authorised_destinations) ? cui.authorised_destinations : [];
  return listed.filter((d): d is Destination => d === 'commit' || d === 'release' || d === 'comment' || d === 'email');
}

/** Splits artifacts into those that may go to `destination` and those withheld (CUI not authorised there). */
export function gateArtifacts<T extends Pick<RunArtifact, 'path' | 'cui'>>(
  artifacts: readonly T[],
  destination: Destination,
  config: Pick<WorkspaceConfig, 'raw'>,
): DestinationGate<T> {
  const cuiAllowed = authorisedCuiDestinations(config).includes(destination);
  const gate: DestinationGate<T> = { allowed: [], withheld: [] };
  for (const artifact of artifacts) {
    if (!artifact.cui || cuiAllowed) gate.allowed.push(artifact);
    else
      gate.withheld.push({
        artifact,
        reason: `${artifact.path}: CUI, withheld from ${destination} (infracast.yaml cui.authorised_destinations does not list ${destination})`,
      });
  }
  return gate;
}
