/**
 * A stand-in for the compliance comparison (src/app/diff) behind the action's Differ seam, for
 * tests of what the action does with any comparison (a diff over the cap is one file away): it reads both commits from the clone with git, so a missing base commit
 * fails it exactly as it would fail the real one. Its numbers come from `stand-in-scores.json` in
 * the workspace at each commit (`{"framework": {"score": 61.2, "sprs": 84}}`), its Markdown is the
 * workspace's git diff between the two, cut to a one-line summary when over the budget.
 */
import { execFileSync } from 'node:child_process';
import { relative, sep } from 'node:path';
import type { Differ, FrameworkDelta, PrComparison } from '../../src/action/differ.js';

const git = (cwd: string, args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

type Scores = Record<string, { score?: number; sprs?: number }>;

function scoresAt(repoDir: string, sha: string, path: string): Scores {
  try {
    return JSON.parse(git(repoDir, ['show', `${sha}:${path}`])) as Scores;
  } catch {
    return {};
  }
}

export const gitDiffStandIn: Differ = {
  compare({ repoDir, workspace, base, head }) {
    const folder = relative(repoDir, workspace).split(sep).join('/') || '.';
    const scorePath = folder === '.' ? 'stand-in-scores.json' : `${folder}/stand-in-scores.json`;
    const [before, after] = [scoresAt(repoDir, base, scorePath), scoresAt(repoDir, head, scorePath)];
    const frameworks: FrameworkDelta[] = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort().map((framework) => ({
      framework,
      before: before[framework]?.score ?? null,
      after: after[framework]?.score ?? null,
      ...(before[framework]?.sprs !== undefined || after[framework]?.sprs !== undefined
        ? { sprs_before: before[framework]?.sprs ?? null, sprs_after: after[framework]?.sprs ?? null }
        : {}),
    }));
    const files = git(repoDir, ['diff', '--name-only', base, head, '--', folder]).split('\n').filter(Boolean);
    const patch = git(repoDir, ['diff', base, head, '--', folder]);
    const comparison: PrComparison = {
      frameworks,
      controls_changed: 0,
      poam_opening: [],
      poam_closing: 0,
      statements_changed: files.length,
      new_warnings: 0,
      cui: false,
      comment_authorised: false,
      markdown({ maxChars, marker }) {
        const head = `${marker}\n## Infracast compliance diff (stand-in)\n\n${files.length} file(s) changed: ${files.join(', ')}.\n`;
        const full = `${head}\n<details><summary>The diff</summary>\n\n~~~diff\n${patch}~~~\n\n</details>\n`;
        return full.length <= maxChars ? { body: full, truncated: false, full } : { body: head, truncated: true, full };
      },
    };
    return Promise.resolve(comparison);
  },
};
