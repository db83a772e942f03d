/**
 * `infracast diff`: what changes for compliance between two states of a workspace (issue 17), as
 * the JSON of compare.ts and the pull-request comment of markdown.ts. The Action's `pr-diff` posts
 * what this produces and nothing else.
 */
import { resolve } from 'node:path';
import { formatInstant, resolveInstant } from '../instant.js';
import { compareSides } from './compare.js';
import type { ComplianceDiff } from './compare.js';
import { locateWorkspace, withSides } from './git-sides.js';
import { evaluateSide } from './side.js';

export type { ComplianceDiff, ControlChange, FrameworkDelta, StatementChange } from './compare.js';
export { compareSides } from './compare.js';
export { diffMarkdown, DIFF_MARKER } from './markdown.js';
export type { DiffMarkdown, DiffMarkdownOptions } from './markdown.js';

export interface CompareOptions {
  /** The folder commands run from (default: the current directory); `workspace` is relative to it. */
  cwd?: string;
  /** A path inside the repository to the workspace (default '.'). */
  workspace?: string;
  /** The ref the change is compared against (e.g. origin/main, the pull request's base sha). */
  base: string;
  /** Default: the working tree as it is, uncommitted edits included. */
  head?: string;
  /** The one instant both sides are evaluated at (date or RFC 3339); default SOURCE_DATE_EPOCH, else now. */
  at?: string;
  env?: NodeJS.ProcessEnv;
}

export async function compareWorkspaces(options: CompareOptions): Promise<ComplianceDiff> {
  const env = options.env ?? process.env;
  // Pinned once: dates, ages and deadlines must not differ between the sides because of the clock.
  const at = resolveInstant(options.at, env);
  const { workspace, inside } = await locateWorkspace(resolve(options.cwd ?? process.cwd(), options.workspace ?? '.'));
  return withSides({ workspace, base: options.base, ...(options.head !== undefined ? { head: options.head } : {}) }, async (base, head) => {
    // One side after the other: two evaluations at once would only contend for the same cores.
    const before = await evaluateSide(base.workspace, at, `base ${base.label}`, env);
    const after = await evaluateSide(head.workspace, at, `head ${head.label}`, env);
    const ref = (side: typeof base): ComplianceDiff['base'] => ({ ref: side.label, ...(side.commit ? { commit: side.commit } : {}) });
    return compareSides(
      { base: before, head: after },
      { workspace: inside.split('\\').join('/') || '.', base: ref(base), head: ref(head), at: formatInstant(at) },
    );
  });
}
