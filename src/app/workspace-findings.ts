/**
 * A workspace's findings, imported the way every run does it (render, summary, findings inspect
 * inside a workspace): its configured sources (a source that matches nothing is fine), its CSV
 * settings, its file and record size limits, and the observation times its sources declare or git gives (app/observation-dates.ts).
 */
import { findingsLimitsOf } from './findings-limits.js';
import { ingest } from './ingest.js';
import type { IngestOptions, IngestResult } from './ingest.js';
import type { LoadedWorkspace } from './load-workspace.js';

export function ingestWorkspace(
  workspace: LoadedWorkspace,
  extra: Pick<IngestOptions, 'onProgress' | 'summary' | 'skipInvalid'> & { paths?: string[]; cwd?: string } = {},
): Promise<IngestResult> {
  const config = workspace.config;
  const csv = config?.findingsCsv;
  return ingest({
    paths: extra.paths ?? config?.findingsSources ?? [],
    cwd: extra.cwd ?? workspace.root,
    ...(csv ? { csv } : {}),
    limits: findingsLimitsOf(config),
    allowUnmatched: extra.paths === undefined,
    observation: { root: workspace.root, declared: config?.findingsObservedAt ?? [] },
    ...(extra.onProgress ? { onProgress: extra.onProgress } : {}),
    ...(extra.summary !== undefined ? { summary: extra.summary } : {}),
    ...(extra.skipInvalid !== undefined ? { skipInvalid: extra.skipInvalid } : {}),
  });
}
