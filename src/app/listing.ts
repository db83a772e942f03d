/**
 * What `infracast list` and `infracast history --scores` read: out/index.json (the Reports API's
 * "List reports") and the history snapshots of the state folder, newest first. The report runs of
 * `infracast history` are app/history/report-history.ts's.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InfracastError } from '../errors.js';
import { CONFIG_FILE, findWorkspaceRoot } from '../io/workspace.js';
import type { HistorySnapshot } from '../model/history.js';
import { compareCodeUnits } from '../model/order.js';
import { resolveInstant } from './instant.js';
import { loadWorkspace } from './load-workspace.js';
import type { WorkspaceConfig } from '../model/config.js';
import { readIndex } from './publish.js';
import type { IndexItem } from './publish.js';
import { pathSegment, readSnapshots } from './state.js';

export interface ListingOptions {
  /** A path inside the workspace; default the current directory. */
  workspace?: string;
  cwd?: string;
  /** Output folder instead of the workspace's (relative to cwd). */
  out?: string;
  limit?: number;
}

/** The configuration of the workspace holding `options.workspace` (default the current directory). */
export async function configOf(options: ListingOptions): Promise<WorkspaceConfig> {
  const start = resolve(options.cwd ?? process.cwd(), options.workspace ?? '.');
  const root = await findWorkspaceRoot(start);
  if (!root) {
    throw new InfracastError('WORKSPACE_NOT_FOUND', `${start}: no ${CONFIG_FILE} in this folder or any folder above it`, {
      hints: ['Run it inside a workspace, or give one with --workspace (e.g. -w examples/acme).'],
    });
  }
  const workspace = await loadWorkspace(root, { at: resolveInstant(undefined) });
  if (!workspace.config) {
    throw new InfracastError('CONFIG_INVALID', `${join(root, CONFIG_FILE)} is invalid`, { hints: ['Run `infracast validate` and fix it first.'] });
  }
  return workspace.config;
}

const newestFirst = (a: string, b: string): number => compareCodeUnits(b, a);

/** The artifacts of out/index.json, newest first (then by id). */
export async function listArtifacts(options: ListingOptions = {}): Promise<{ items: IndexItem[]; total: number; outDir: string }> {
  const outDir = options.out ? resolve(options.cwd ?? process.cwd(), options.out) : (await configOf(options)).outputDir;
  const all = [...readIndex(outDir).items].sort((a, b) => newestFirst(a.completed_at, b.completed_at) || compareCodeUnits(a.id, b.id));
  return { items: options.limit === undefined ? all : all.slice(0, options.limit), total: all.length, outDir };
}

/** Every history snapshot of the workspace (optionally of one definition), newest first. */
export async function listHistory(options: ListingOptions & { definition?: string } = {}): Promise<{ snapshots: HistorySnapshot[]; total: number }> {
  const stateDir = (await configOf(options)).stateDir;
  const dir = join(stateDir, 'history');
  const names = async (path: string): Promise<string[]> => {
    try {
      return (await readdir(path, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => decodeURIComponent(e.name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  };
  const snapshots: HistorySnapshot[] = [];
  for (const definition of (await names(dir)).sort(compareCodeUnits)) {
    if (options.definition && definition !== options.definition) continue;
    for (const framework of (await names(join(dir, pathSegment(definition)))).sort(compareCodeUnits)) {
      snapshots.push(...(await readSnapshots(stateDir, definition, framework)));
    }
  }
  snapshots.sort(
    (a, b) => newestFirst(a.generated_at, b.generated_at) || compareCodeUnits(a.definition, b.definition) || compareCodeUnits(a.framework, b.framework),
  );
  return { snapshots: options.limit === undefined ? snapshots : snapshots.slice(0, options.limit), total: snapshots.length };
}
