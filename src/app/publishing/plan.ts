/**
 * What a scheduled run may publish to a destination (commit or release), decided once through the
 * CUI gate (schedule/destinations.ts): the artifacts allowed and their signature sidecars, the
 * files that say what was published (each allowed definition's marker, out/index.json), the state
 * folder for a commit, and what was withheld with the sentence the run prints. Paths are
 * workspace-relative with forward slashes, as RunArtifact's.
 */
import { posix, relative, sep } from 'node:path';
import type { WorkspaceConfig } from '../../model/config.js';
import { compareCodeUnits } from '../../model/order.js';
import { gateArtifacts } from '../schedule/destinations.js';
import type { RunArtifact, ScheduleRunResult } from '../schedule/run.js';
import { MARKER } from '../transaction.js';
import type { Trailer } from './commit.js';

export interface PublicationPlan {
  /** The artifacts that may go (each once, even when two schedules rendered it). */
  artifacts: RunArtifact[];
  /**
   * For a commit: every path to stage (artifacts, sidecars, the allowed definitions' markers,
   * out/index.json, the state folder). For a release: the artifacts and their sidecars.
   */
  paths: string[];
  /** Withheld (CUI where the workspace does not authorise this destination), with the reason to print. */
  withheld: { path: string; reason: string }[];
  /** One Infracast-Schedule / Infracast-Slot pair per recorded schedule, in the run's order. */
  trailers: Trailer[];
  /**
   * For a release: each file to attach and its asset name (a release is flat): the file name, or
   * `<definition>-<file name>` when two definitions have different files of that name (a logo).
   */
  assets: { path: string; name: string }[];
}

export function planPublication(
  recorded: ScheduleRunResult['recorded'],
  destination: 'commit' | 'release',
  config: Pick<WorkspaceConfig, 'raw' | 'stateDir'>,
  /** The workspace root (what the artifact paths are relative to). */
  workspace: string,
): PublicationPlan {
  const byPath = new Map<string, RunArtifact>();
  for (const schedule of recorded) for (const artifact of schedule.artifacts) byPath.set(artifact.path, artifact);
  const gate = gateArtifacts([...byPath.values()], destination, config);
  const paths = new Set<string>();
  for (const artifact of gate.allowed) {
    paths.add(artifact.path);
    for (const sidecar of artifact.sidecars) paths.add(sidecar);
  }
  const withheld = gate.withheld.map(({ artifact, reason }) => ({ path: artifact.path, reason }));
  if (destination === 'commit') {
    // A definition's marker says which files of its folder are Infracast's; only folders none of
    // whose files were withheld (a definition is CUI as a whole, so this is all or nothing).
    const withheldFolders = new Set(withheld.map((w) => posix.dirname(w.path)));
    for (const artifact of gate.allowed) {
      const folder = posix.dirname(artifact.path);
      if (!withheldFolders.has(folder)) paths.add(posix.join(folder, MARKER));
      // out/index.json: names and digests of every artifact (a withheld one's too, never its content).
      paths.add(posix.join(posix.dirname(folder), 'index.json'));
    }
    if (recorded.length > 0) paths.add(relative(workspace, config.stateDir).split(sep).join('/') || '.');
  }
  return {
    artifacts: gate.allowed,
    paths: [...paths].sort(compareCodeUnits),
    assets: destination === 'release' ? releaseAssets(gate.allowed) : [],
    withheld,
    trailers: recorded.flatMap((r) => [
      { key: 'Infracast-Schedule', value: r.schedule },
      { key: 'Infracast-Slot', value: r.slot },
    ]),
  };
}

/** Asset names for the allowed files: the same file name twice with the same bytes is attached once. */
function releaseAssets(artifacts: readonly RunArtifact[]): PublicationPlan['assets'] {
  const files = artifacts.flatMap((a) => [
    { path: a.path, definition: a.definition, sha256: a.sha256 as string | undefined },
    ...a.sidecars.map((path) => ({ path, definition: a.definition, sha256: undefined })),
  ]);
  const byName = new Map<string, typeof files>();
  for (const file of files) byName.set(posix.basename(file.path), [...(byName.get(posix.basename(file.path)) ?? []), file]);
  const assets: PublicationPlan['assets'] = [];
  for (const [name, same] of byName) {
    const identical = same.every((f) => f.sha256 !== undefined && f.sha256 === same[0]!.sha256);
    if (same.length === 1 || identical) assets.push({ path: same[0]!.path, name });
    else for (const file of same) assets.push({ path: file.path, name: `${file.definition}-${name}` });
  }
  return assets.sort((a, b) => compareCodeUnits(a.name, b.name));
}
