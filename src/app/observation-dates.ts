/**
 * Observation times for findings whose export carries none (docs/evaluation.md section 1). The
 * loaders take a finding's time from its record, else from the tool's run in the same file (SARIF
 * `invocations[].endTimeUtc`); after ingest, the findings still without one take the date their
 * source declares in infracast.yaml (`findings.sources: [{path, observed_at}]`), else the commit
 * time of their export file in git. Never the render time: a POA&M deadline counted from the run
 * would slip with every render.
 *
 * Git is asked once per file (`git log -1 --format=%cI -- FILE`), plus one `git status` per
 * repository, and only for files that have findings without a time; never when the file is not
 * inside a git repository. A file with uncommitted changes, or not committed at all, has no commit
 * time: its findings keep none, and the reports say so and name the fix.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { expandPaths } from '../io/glob.js';
import type { Finding, ObservedAtSource } from '../model/finding.js';
import type { ObservationProvenance } from '../model/report-model.js';

/** A findings source of infracast.yaml that declares when its exports were observed. */
export interface DeclaredObservation {
  /** The source's file or glob, relative to the workspace root. */
  source: string;
  /** YYYY-MM-DD (00:00 UTC) or an RFC 3339 instant, as written. */
  observedAt: string;
}

export interface ObservationOptions {
  /** The workspace root: declared sources are relative to it. */
  root: string;
  declared: readonly DeclaredObservation[];
}

/** Where a finding's observation time comes from; `none`: nowhere. */
export type ObservationOrigin = ObservedAtSource | 'none';

/** Per findings file: how many of its findings got their time from where. */
export interface FileObservation {
  file: string;
  /** Findings first read from this file (a finding merged from several files counts for the first), by origin; zero counts are left out. */
  counts: Partial<Record<ObservationOrigin, number>>;
  /** The instant the file's source declares, when its findings used it. */
  declaredAt?: string;
  /** The file's git commit time, when its findings used it. */
  committedAt?: string;
  /** Why findings of the file have no time at all (no declared date, and no commit time because...). */
  noneReason?: string;
}

/** The order in which origins are listed (the order of preference). */
export const OBSERVATION_ORIGINS: readonly ObservationOrigin[] = ['record', 'run', 'declared', 'git-commit', 'none'];

/** What to write in infracast.yaml so that a file's findings have a time. */
export function declareFix(path: string): string {
  return `declare the scan time in infracast.yaml: findings.sources: - { path: ${path}, observed_at: YYYY-MM-DDTHH:MM:SSZ }`;
}

/**
 * Gives every finding without an observation time the one its source declares, else its file's
 * git commit time (setting `observedAtSource`; a time a loader set without saying where from is
 * the record's), and reports per file where the times come from. `findings` are changed in place.
 */
export async function completeObservationDates(findings: Finding[], files: readonly string[], options: ObservationOptions): Promise<FileObservation[]> {
  const undated = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (finding.observedAt !== undefined) {
      finding.observedAtSource ??= 'record';
      continue;
    }
    const file = finding.sources[0]?.file;
    if (file === undefined) continue;
    const list = undated.get(file) ?? [];
    list.push(finding);
    undated.set(file, list);
  }
  const byFile = new Map<string, FileObservation>(files.map((file) => [file, { file, counts: {} }]));
  if (undated.size > 0) {
    const declared = await declaredTimes([...undated.keys()], options);
    const needGit = [...undated.keys()].filter((file) => !declared.has(file));
    const commits = needGit.length > 0 ? await commitTimes(needGit) : new Map<string, CommitTime>();
    for (const [file, list] of undated) {
      const observation = byFile.get(file) ?? { file, counts: {} };
      byFile.set(file, observation);
      const declaredAt = declared.get(file);
      const commit = commits.get(file);
      const at = declaredAt ?? commit?.at;
      if (declaredAt !== undefined) observation.declaredAt = declaredAt;
      else if (commit?.at !== undefined) observation.committedAt = commit.at;
      else observation.noneReason = commit?.reason ?? 'no commit time';
      if (at === undefined) continue;
      for (const finding of list) {
        finding.observedAt = at;
        finding.observedAtSource = declaredAt !== undefined ? 'declared' : 'git-commit';
      }
    }
  }
  for (const finding of findings) {
    const observation = byFile.get(finding.sources[0]?.file ?? '');
    if (!observation) continue;
    const origin: ObservationOrigin = finding.observedAt === undefined ? 'none' : (finding.observedAtSource ?? 'record');
    observation.counts[origin] = (observation.counts[origin] ?? 0) + 1;
  }
  return [...byFile.values()];
}

/** The instant each file's source declares: the first source in infracast.yaml that lists the file and declares one. */
async function declaredTimes(files: readonly string[], options: ObservationOptions): Promise<Map<string, string>> {
  const wanted = new Set(files);
  const times = new Map<string, string>();
  for (const { source, observedAt } of options.declared) {
    const at = new Date(Date.parse(observedAt)).toISOString();
    const { files: listed } = await expandPaths([source], options.root);
    for (const file of listed) if (wanted.has(file) && !times.has(file)) times.set(file, at);
  }
  return times;
}

type CommitTime = { at: string; reason?: undefined } | { at?: undefined; reason: string };

/** The folder holding `.git` at or above `dir` (a work tree's `.git` may be a file), or undefined. */
function repositoryOf(dir: string, known: Map<string, string | undefined>): string | undefined {
  const visited: string[] = [];
  let current = dir;
  let found: string | undefined;
  for (;;) {
    if (known.has(current)) {
      found = known.get(current);
      break;
    }
    visited.push(current);
    if (existsSync(join(current, '.git'))) {
      found = current;
      break;
    }
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of visited) known.set(d, found);
  return found;
}

/** The commit time of each file, or why it has none; git runs only for files inside a repository. */
async function commitTimes(files: readonly string[]): Promise<Map<string, CommitTime>> {
  const result = new Map<string, CommitTime>();
  const repositories = new Map<string, string[]>();
  const known = new Map<string, string | undefined>();
  for (const file of files) {
    const top = repositoryOf(dirname(file), known);
    if (top === undefined) result.set(file, { reason: 'not in a git repository' });
    else repositories.set(top, [...(repositories.get(top) ?? []), file]);
  }
  if (repositories.size === 0) return result;
  // simple-git is loaded only when a file needs it: most runs never ask git anything.
  const { simpleGit } = await import('simple-git');
  for (const [top, inRepo] of repositories) {
    const git = simpleGit({ baseDir: top });
    const paths = new Map(inRepo.map((file) => [file, relative(top, file).split(sep).join('/')]));
    try {
      // Changed or untracked files: their last commit is not what the file now holds.
      const status = await git.raw(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...paths.values()]);
      const changed = changedPaths(status);
      for (const [file, path] of paths) {
        if (changed.has(path)) {
          result.set(file, { reason: changed.get(path) === '??' ? 'the file is not committed in git' : 'the file has uncommitted changes' });
          continue;
        }
        const committed = (await git.raw(['log', '-1', '--format=%cI', '--', path])).trim();
        const ms = Date.parse(committed);
        result.set(file, Number.isNaN(ms) ? { reason: 'the file is not committed in git' } : { at: new Date(ms).toISOString() });
      }
    } catch (error) {
      const reason = `git could not be asked (${((error as Error).message ?? String(error)).split('\n')[0]?.trim()})`;
      for (const file of inRepo) if (!result.has(file)) result.set(file, { reason });
    }
  }
  return result;
}

/** `git status --porcelain=v1 -z` entries: path -> XY status (a rename's second path is its origin, skipped). */
function changedPaths(status: string): Map<string, string> {
  const changed = new Map<string, string>();
  const entries = status.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.length < 4) continue;
    const xy = entry.slice(0, 2);
    changed.set(entry.slice(3), xy);
    if (xy.includes('R') || xy.includes('C')) i++;
  }
  return changed;
}

/** A run's warnings: one per findings file whose findings have no time at all, with the fix. */
export function observationWarnings(observations: readonly FileObservation[], root: string): string[] {
  return observations
    .filter((o) => (o.counts.none ?? 0) > 0)
    .map((o) => {
      const path = relative(root, o.file) || o.file;
      const n = o.counts.none ?? 0;
      return `${path}: ${n} finding${n === 1 ? ' has' : 's have'} no observation time (no record or run time, no observed_at declared, and ${o.noneReason ?? 'no commit time'}): POA&M items first seen in them are dated by this run, the evidence report leaves them out, the executive report gives them no age; ${declareFix(path)}`;
    });
}

/** The provenance lines (model/report-model.ts): per file, relative to the root, sorted by path. */
export function observationProvenance(observations: readonly FileObservation[] | undefined, root: string): ObservationProvenance[] {
  const instant = (iso: string): string => `${iso.slice(0, 19)}Z`;
  return (observations ?? [])
    .map((o) => {
      const path = relative(root, o.file) || o.file;
      return {
        path,
        from: OBSERVATION_ORIGINS.filter((origin) => (o.counts[origin] ?? 0) > 0).map((origin) => ({
          source: origin,
          findings: o.counts[origin]!,
          ...(origin === 'declared' && o.declaredAt ? { at: instant(o.declaredAt) } : {}),
          ...(origin === 'git-commit' && o.committedAt ? { at: instant(o.committedAt) } : {}),
        })),
        ...((o.counts.none ?? 0) > 0 ? { note: `${o.noneReason ?? 'no commit time'}: ${declareFix(path)}` } : {}),
      };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
