#!/usr/bin/env node
// `node scripts/bench-diff.js`: `infracast diff` on examples/acme (issue 17: within 2.5x of one
// render of the same definitions, md and json), as whole processes, the median of BENCH_RUNS
// (default 5) each, in the same run:
//   - the baseline: `infracast render --format md --format json` of the acme definitions this
//     version builds (BUILT: every framework a diff evaluates, and the SSP), at a pinned instant,
//     into a temp folder;
//   - `infracast diff --base HEAD~1 --head HEAD --format md` in a git repository holding a copy of
//     acme, whose last commit edits one control statement: two worktrees, two evaluations, the
//     SSP Markdown of each side, the comparison.
// Exit 1 when the diff is over 2.5x or a run fails.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './bench-support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'run.js');
const AT = '2026-12-01T00:00:00Z';
const BOUND = 2.5;

/**
 * acme's definitions this version renders (the FAR/DFARS, SAR and FedRAMP POA&M document types are
 * not built yet, and the architecture diagram has neither md nor json): every framework the diff
 * evaluates is among theirs, and so is the SSP whose control sections it compares.
 */
const BUILT = [
  'evidence-oct-nov-2026.yaml',
  'executive-posture.yaml',
  'nist-800-171-gap.yaml',
  'nist-800-53-moderate.yaml',
  'pci-dss.yaml',
  'poam-status.yaml',
  'remediation-by-team.yaml',
  'soc2-signed.yaml',
  'ssp-fedramp-moderate.yaml',
];

function git(cwd, args) {
  const result = spawnSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@infracast.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_DATE: AT, GIT_COMMITTER_DATE: AT },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
}

export async function benchDiff({ runs = Number(process.env.BENCH_RUNS ?? 5) } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'infracast-bench-diff-'));
  try {
    const acme = join(root, 'examples', 'acme');
    const repo = join(work, 'repo');
    // What git holds of acme: no rendered output, no lock or journal of a run in progress.
    cpSync(acme, join(repo, 'acme'), {
      recursive: true,
      filter: (path) => !/^out([/\\]|$)/.test(relative(acme, path)) && !/[/\\]\.infracast[/\\](\.lock|\.journal\.json)/.test(path),
    });
    git(repo, ['init', '-q']);
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-q', '-m', 'base']);
    const statements = join(repo, 'acme', 'controls', 'access-control.yaml');
    writeFileSync(
      statements,
      readFileSync(statements, 'utf8').replace(
        'has a named owner who approves membership.',
        'has a named owner, recorded in the group description, who approves membership.',
      ),
    );
    git(repo, ['commit', '-q', '-am', 'head: one statement edited']);
    const measure = (label, args) => {
      const run = () => spawnSync(process.execPath, [cli, ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      run(); // warm-up: the OS file cache
      const times = [];
      for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        const result = run();
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (result.status !== 0) throw new Error(`${label}: exit ${result.status}:\n${result.stdout}${result.stderr}`);
      }
      return { label, ms: median(times) };
    };
    const definitions = BUILT.map((name) => join('acme', 'reports', name));
    const render = measure(`render of ${BUILT.length} acme definitions (md, json)`, [
      'render',
      ...definitions,
      '--format',
      'md',
      '--format',
      'json',
      '--out',
      join(work, 'out'),
      '--at',
      AT,
    ]);
    const diff = measure('diff --base HEAD~1 --head HEAD (md)', ['diff', '--base', 'HEAD~1', '--head', 'HEAD', '-w', 'acme', '--at', AT]);
    return { runs, render, diff, ratio: diff.ms / render.ms, bound: BOUND };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchDiff();
  console.log(`infracast diff on examples/acme (median of ${result.runs} runs each)`);
  console.log(`  ${result.render.label.padEnd(46)} ${result.render.ms.toFixed(0).padStart(6)} ms  1.00x  baseline`);
  const ok = result.ratio <= BOUND;
  console.log(
    `  ${result.diff.label.padEnd(46)} ${result.diff.ms.toFixed(0).padStart(6)} ms  ${result.ratio.toFixed(2)}x  ${ok ? `ok (bound ${BOUND.toFixed(1)}x)` : `OVER the ${BOUND.toFixed(1)}x bound`}`,
  );
  process.exitCode = ok ? 0 : 1;
}
