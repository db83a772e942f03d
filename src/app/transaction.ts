/**
 * A render's writes, all of them or none (issue 12). The state folder is a compliance record: the
 * POA&M ids in the published reports must be the ids in `poam.jsonl`, and `out/index.json` must list
 * what is published. So nothing is written in place while a run works:
 *
 *   stage    each definition's artifacts in out/.staging-<run>-<name>/ (with its marker file), each
 *            state file's next content in <file>.<run>.tmp beside it, flushed to disk;
 *   commit   the journal <state>/.journal.json (written whole, then renamed into place: the commit
 *            point) lists every rename; the renames follow; the journal is removed last;
 *   recover  the next run, holding the workspace lock (so no run is alive to own them), finishes a
 *            journal it finds (every step can be repeated) and otherwise drops what was staged.
 *
 * A run killed, or failing (disk full, read-only), at any point before the journal leaves the
 * previous outputs and state; at any point after it, the next run completes the new ones. Either
 * way the two sets are never mixed. The staged names, the journal and `*.tmp` files are the only
 * things recovery removes.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InfracastError } from '../errors.js';
import { environmentError } from '../io/fs-errors.js';

export const JOURNAL = '.journal.json';
const STAGING = '.staging-';
const PREVIOUS = '.previous-';

type Step = { op: 'swap-dir'; from: string; to: string; aside: string } | { op: 'file'; from: string; to: string };

interface Journal {
  run: string;
  steps: Step[];
}

/** Writes bytes to a new file and flushes them to the disk (a journal must never point at bytes still in memory). */
export async function writeDurably(path: string, data: string | Uint8Array): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'wx');
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    throw environmentError(error, path);
  } finally {
    await handle?.close();
  }
}

/** Flushes a folder's entries (the renames in it) to the disk; best effort where folders cannot be opened. */
async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // not supported here (some file systems, Windows): the renames are still atomic
  } finally {
    await handle?.close();
  }
}

function applyStep(step: Step): void {
  if (step.op === 'file') {
    if (existsSync(step.from)) renameSync(step.from, step.to);
    return;
  }
  // swap-dir: the previous folder aside, the staged one in its place, the previous one removed.
  if (existsSync(step.from)) {
    if (existsSync(step.to)) {
      rmSync(step.aside, { recursive: true, force: true });
      renameSync(step.to, step.aside);
    }
    renameSync(step.from, step.to);
  }
  rmSync(step.aside, { recursive: true, force: true });
}

/** The writes of one run, staged until `commit()`. */
export class RunTransaction {
  readonly run = randomUUID().slice(0, 8);
  private readonly steps: Step[] = [];
  private committed = false;
  /** No further definition may be staged (Ctrl-C: what is still running must not add to the run). */
  private stagingClosed = false;
  /** The journal is in place: from here on the run's writes are finished by the next run, never dropped. */
  private journaled = false;

  constructor(
    readonly outDir: string,
    readonly stateDir: string,
  ) {}

  /** The staging folder of a definition (created empty); its files become out/<name>/ at commit. */
  async stagingFolder(name: string): Promise<string> {
    if (this.stagingClosed || this.committed) throw new Error(`the run no longer stages definitions (${name} was interrupted)`);
    const dir = join(this.outDir, `${STAGING}${this.run}-${name}`);
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw environmentError(error, dir);
    }
    return dir;
  }

  /** Registers a staged definition folder for the commit. */
  publishFolder(staged: string, name: string): void {
    this.steps.push({ op: 'swap-dir', from: staged, to: join(this.outDir, name), aside: join(this.outDir, `${PREVIOUS}${this.run}-${name}`) });
  }

  /** Refuses every later stagingFolder(): an interrupted definition still at work stages nothing. */
  closeStaging(): void {
    this.stagingClosed = true;
  }

  /** Drops a staged definition folder (the definition failed: its previous files stay). */
  async dropFolder(staged: string): Promise<void> {
    this.steps.splice(0, this.steps.length, ...this.steps.filter((s) => s.from !== staged));
    await rm(staged, { recursive: true, force: true });
  }

  /** Stages a file's next content (state, the index); written to its place at commit. */
  async stageFile(target: string, data: string | Uint8Array): Promise<void> {
    try {
      await mkdir(dirname(target), { recursive: true });
    } catch (error) {
      throw environmentError(error, dirname(target));
    }
    const from = `${target}.${this.run}.tmp`;
    await writeDurably(from, data);
    this.steps.push({ op: 'file', from, to: target });
  }

  /** The commit: the journal, then every rename, then the journal removed. */
  async commit(): Promise<void> {
    if (this.committed) return;
    this.committed = true;
    if (this.steps.length === 0) return;
    const journal = join(this.stateDir, JOURNAL);
    const pending = `${journal}.${this.run}.tmp`;
    await mkdir(this.stateDir, { recursive: true }).catch((error: unknown) => {
      throw environmentError(error, this.stateDir);
    });
    await writeDurably(pending, `${JSON.stringify({ run: this.run, steps: this.steps } satisfies Journal)}\n`);
    try {
      await rename(pending, journal);
    } catch (error) {
      await rm(pending, { force: true });
      throw environmentError(error, journal);
    }
    this.journaled = true;
    await syncFolder(this.stateDir);
    // From here on the run's outputs are the workspace's: a failure now is finished by the next run.
    try {
      for (const step of this.steps) applyStep(step);
      await syncFolder(this.outDir);
      await syncFolder(this.stateDir);
      await rm(journal, { force: true });
    } catch (error) {
      throw environmentError(error, journal, 'the run was committed but not finished; the next run finishes it');
    }
  }

  /** Drops everything staged (a run that fails before its commit). */
  async abort(): Promise<void> {
    if (this.committed) return;
    this.committed = true;
    for (const step of this.steps) await rm(step.from, { recursive: true, force: true });
    // Staging folders opened but not registered.
    for (const entry of safeList(this.outDir))
      if (entry.startsWith(`${STAGING}${this.run}-`)) await rm(join(this.outDir, entry), { recursive: true, force: true });
  }

  /**
   * abort(), synchronously, for a process that is exiting (Ctrl-C twice, or a run that did not stop
   * in time): everything staged is removed, unless the journal is in place (the next run finishes
   * that commit). A commit begun but not journaled is dropped too: none of its renames has run.
   */
  abortSync(): void {
    if (this.journaled) return;
    this.committed = true;
    const remove = (path: string): void => {
      try {
        rmSync(path, { recursive: true, force: true });
      } catch {
        // left for the next run's recovery
      }
    };
    for (const step of this.steps) remove(step.from);
    remove(`${join(this.stateDir, JOURNAL)}.${this.run}.tmp`);
    for (const entry of safeList(this.outDir)) if (entry.startsWith(`${STAGING}${this.run}-`)) remove(join(this.outDir, entry));
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export interface Recovery {
  /** The run whose commit was finished, if one was interrupted. */
  finished?: string;
  /** Definition folders the finished commit published. */
  published: string[];
  /** Debris removed: staged folders and files of runs that died before committing. */
  removed: string[];
}

/** What a run of ours leaves in the output folder if it dies: nothing else is ever removed there. */
const OUT_DEBRIS = [/^\.staging-/, /^\.previous-/, /^index\.json\..+\.tmp$/];
/** ... and in the state folder (ours alone: its temporary files, a journal being written, broken locks). */
const STATE_DEBRIS = [/\.tmp$/, /^\.journal\.json\./, /^\.lock\.broken-/];
/** Debris in an output folder outside the workspace may be another workspace's live run: left alone until this old. */
const SHARED_DEBRIS_AGE_MS = 60 * 60 * 1000;

function removeDebris(dir: string, patterns: readonly RegExp[], minAgeMs: number, removed: string[]): void {
  for (const entry of safeList(dir)) {
    if (!patterns.some((p) => p.test(entry))) continue;
    const path = join(dir, entry);
    try {
      if (minAgeMs > 0 && Date.now() - statSync(path).mtimeMs < minAgeMs) continue;
    } catch {
      continue;
    }
    // A legacy swap killed between its renames (an older Infracast, no journal): give the folder back.
    const legacy = /^\.previous-(.+)-\d+$/.exec(entry);
    if (legacy && !existsSync(join(dir, legacy[1]!))) renameSync(path, join(dir, legacy[1]!));
    else rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
}

/** Every folder under the history folder (snapshots are written there through temporary files). */
function historyFolders(stateDir: string): string[] {
  const folders: string[] = [];
  const visit = (dir: string, depth: number): void => {
    folders.push(dir);
    if (depth >= 2) return;
    for (const entry of safeList(dir)) {
      const path = join(dir, entry);
      try {
        if (statSync(path).isDirectory()) visit(path, depth + 1);
      } catch {
        // gone
      }
    }
  };
  if (existsSync(join(stateDir, 'history'))) visit(join(stateDir, 'history'), 0);
  return folders;
}

/**
 * Repairs what an earlier run left (call it holding the workspace lock): finishes an interrupted
 * commit, then removes the staging folders and temporary files of runs that never committed.
 */
export async function recoverWrites(outDir: string, stateDir: string, options: { sharedOutput?: boolean } = {}): Promise<Recovery> {
  const recovery: Recovery = { published: [], removed: [] };
  const journalPath = join(stateDir, JOURNAL);
  let text: string | undefined;
  try {
    text = await readFile(journalPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw environmentError(error, journalPath, 'cannot read');
  }
  if (text !== undefined) {
    let journal: Journal;
    try {
      journal = JSON.parse(text) as Journal;
      if (!Array.isArray(journal.steps)) throw new Error('no steps');
    } catch (cause) {
      // The journal is renamed into place whole: a malformed one was not written by Infracast.
      throw new InfracastError('STATE_INVALID', `${journalPath}: not a journal Infracast wrote (${(cause as Error).message})`, {
        location: { file: journalPath },
        hints: ['Remove it if you know no render was interrupted while publishing; otherwise restore it.'],
        cause,
      });
    }
    try {
      for (const step of journal.steps) applyStep(step);
      rmSync(journalPath, { force: true });
    } catch (error) {
      throw environmentError(error, journalPath, 'cannot finish the interrupted commit');
    }
    recovery.finished = journal.run;
    recovery.published = journal.steps.filter((s) => s.op === 'swap-dir').map((s) => basename(s.to));
  }
  removeDebris(outDir, OUT_DEBRIS, options.sharedOutput ? SHARED_DEBRIS_AGE_MS : 0, recovery.removed);
  for (const dir of [stateDir, ...historyFolders(stateDir)]) removeDebris(dir, STATE_DEBRIS, 0, recovery.removed);
  return recovery;
}

/** A published folder's marker: which definition's artifacts it holds (out/index.json can be rebuilt from these). */
export const MARKER = '.infracast-published.json';

/** Reads a marker; undefined when the folder has none or it is not one Infracast wrote. */
export function readMarker<T>(folder: string): T | undefined {
  try {
    return JSON.parse(readFileSync(join(folder, MARKER), 'utf8')) as T;
  } catch {
    return undefined;
  }
}
