/**
 * `infracast summary` on examples/acme: the SPRS score and counts its README states (built by
 * hand from evaluation.md sections 4 and 5), in the spec's shape, deterministically.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { binPath, examplesDir, goldenDir, repoRoot } from '../support/paths.js';

const acme = join(examplesDir, 'acme');
const readme = readFileSync(join(acme, 'README.md'), 'utf8');
const run = (args: string[]) => runCli(['summary', '-w', acme, '--at', '2026-11-29', ...args], { cwd: repoRoot });

/** The README's "figure | value" table and its NOT MET table. */
function readmeFigures(): { figures: Map<string, string>; notMet: [string, number, string][] } {
  const figures = new Map<string, string>();
  for (const m of readme.matchAll(/^\| (\w+) \| (-?\w+) \|$/gm)) figures.set(m[1]!, m[2]!);
  const start = readme.indexOf('### Requirements NOT MET');
  const notMet: [string, number, string][] = [];
  for (const m of readme.slice(start).matchAll(/^\| (3\.\d+\.\d+) \| \w+ \| [^|]+ \| (\d) \| ([\w-]+) \|/gm)) notMet.push([m[1]!, Number(m[2]), m[3]!]);
  return { figures, notMet };
}

describe('infracast summary on examples/acme', () => {
  const result = run(['-f', 'nist-800-171']);
  const summary = JSON.parse(result.stdout);
  const { figures, notMet } = readmeFigures();
  it('prints the spec shape: its fields first, in its order, then ours', () => {
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(Object.keys(summary).slice(0, 10), [
      'framework',
      'sprs_score',
      'sprs_max',
      'sprs_min_possible',
      'practices_passing',
      'practices_failing',
      'practices_attested',
      'practices_not_assessed',
      'failing_practices',
      'assessment_date',
    ]);
    assert.deepEqual(Object.keys(summary.failing_practices[0]).slice(0, 5), ['practice_id', 'family', 'description', 'point_value', 'remediation']);
    // The date of the assessment evidence (the latest deciding observation: native observed_at
    // 2026-11-27), not the day the summary ran (--at 2026-11-29): SPRS posts the assessment's date.
    assert.equal(summary.assessment_date, '2026-11-27T00:00:00Z');
    assert.equal(summary.evaluated_at, '2026-11-29T00:00:00Z');
  });
  it('gives the SPRS score and counts of the README (80 = 110 - 30)', () => {
    assert.ok(figures.size >= 8 && notMet.length === 12, 'README tables read');
    for (const key of [
      'sprs_score',
      'sprs_max',
      'sprs_min_possible',
      'practices_passing',
      'practices_failing',
      'practices_attested',
      'practices_not_assessed',
      'practices_not_applicable',
    ]) {
      assert.equal(summary[key], Number(figures.get(key)), key);
    }
    assert.equal(summary.sprs_status, figures.get('sprs_status'));
  });
  it('lists the NOT MET requirements of the README, points negative: failing ones in failing_practices, the others in not_assessed_practices', () => {
    const row = (p: { practice_id: string; point_value: number; status: string }): [string, number, string] => [p.practice_id, -p.point_value, p.status];
    assert.deepEqual(
      summary.failing_practices.map(row),
      notMet.filter(([, , status]) => status === 'failing'),
    );
    assert.deepEqual(
      summary.not_assessed_practices.map(row),
      notMet.filter(([, , status]) => status === 'not-assessed'),
    );
  });
  it('each list has exactly the entries its count counts, in every framework', () => {
    for (const framework of ['nist-800-171', 'cmmc-l2', 'far-52204-21', 'nist-800-53', 'fedramp-moderate']) {
      const s = framework === 'nist-800-171' ? summary : JSON.parse(run(['-f', framework]).stdout);
      assert.equal(s.failing_practices.length, s.practices_failing, framework);
      assert.equal(s.not_assessed_practices.length, s.practices_not_assessed, framework);
      assert.ok(
        s.failing_practices.every((p: { status: string }) => p.status === 'failing'),
        framework,
      );
    }
  });
  it('gives CMMC eligibility: no Level 2 status at 80, Level 1 not met on 3.14.1', () => {
    assert.equal(summary.cmmc.level_2.status, 'no-status');
    assert.deepEqual(summary.cmmc.level_1.not_met, ['3.14.1']);
  });
  it('states its provenance: catalog release, methodology, input digests, coverage', () => {
    assert.match(summary.provenance.catalog.release, /800-171/);
    assert.match(summary.provenance.methodology, /DoD Assessment Methodology v1\.2\.1/);
    assert.ok(summary.provenance.inputs.some((i: { path: string }) => i.path.startsWith('findings/')));
    assert.deepEqual(summary.provenance.coverage, { assessed: 108, total: 110 });
  });
  it('is byte-identical from run to run and equal to test/golden/summary/acme-nist-800-171.json', () => {
    assert.equal(run(['-f', 'nist-800-171']).stdout, result.stdout);
    const golden = join(goldenDir, 'summary', 'acme-nist-800-171.json');
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
      mkdirSync(join(goldenDir, 'summary'), { recursive: true });
      writeFileSync(golden, result.stdout);
    }
    assert.equal(result.stdout, readFileSync(golden, 'utf8'));
  });
  it('FAR 52.204-21: 14 of 15 met, (b)(1)(xii) failing through 3.14.1', () => {
    const far = JSON.parse(run(['-f', 'far-52204-21']).stdout);
    assert.equal(far.practices_passing, 14);
    assert.deepEqual(
      far.failing_practices.map((p: { practice_id: string; derived_from?: string }) => [p.practice_id, p.derived_from]),
      [['b.1.xii', 'nist-800-171 3.14.1']],
    );
    assert.equal('sprs_score' in far, false, 'no SPRS fields outside 800-171');
  });
  it('--min-sprs is a policy gate: exit 4 below it, with the summary in --json', () => {
    const gated = run(['-f', 'nist-800-171', '--min-sprs', '88']);
    assert.equal(gated.status, 4);
    assert.match(gated.stderr, /SPRS score 80 is below the required 88 \[POLICY_FAILED\]/);
    const json = JSON.parse(run(['-f', 'nist-800-171', '--min-sprs', '88', '--json']).stdout);
    assert.equal(json.error.details.sprs_score, 80);
    assert.equal(run(['-f', 'nist-800-171', '--min-sprs', '80']).status, 0);
  });
  it('--output table lists the failing requirements, then the not-assessed ones apart, and the unmapped count', () => {
    const table = run(['-f', 'nist-800-171', '-o', 'table']).stdout;
    assert.match(table, /^SPRS score {8}80 of 110 {2}\(incomplete\)$/m);
    assert.match(table, /^unmapped {10}155 of 433 findings map to no control of nist-800-171$/m);
    const ids = (heading: string): string[] => {
      const start = table.indexOf(heading);
      const block = table.slice(start, table.indexOf('\n\n', start));
      return [...block.matchAll(/^(3\.\d+\.\d+)\s+-\d\s/gm)].map((m) => m[1]!);
    };
    assert.deepEqual(
      ids('FAILING (10)'),
      notMet.filter(([, , status]) => status === 'failing').map(([id]) => id),
    );
    assert.deepEqual(ids('NOT ASSESSED (2)'), ['3.1.21', '3.13.14']);
  });
  it('prints JSON when piped, a table on a terminal (-o chooses either)', (t) => {
    // runCli pipes stdout: JSON without -o.
    assert.equal(JSON.parse(run(['-f', 'nist-800-171']).stdout).sprs_score, 80);
    // A terminal: util-linux script(1) gives the CLI a pseudo-terminal.
    const command = [process.execPath, binPath, 'summary', '-w', acme, '--at', '2026-11-29', '-f', 'nist-800-171'].map((a) => `'${a}'`).join(' ');
    const tty = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    if (tty.error) {
      const reason = `script(1) is not available here (${tty.error.message}): the terminal case is not checked`;
      if (process.env.CI) throw new Error(`${reason}; CI must have it (util-linux / bsdutils)`);
      t.skip(reason);
      return;
    }
    assert.match(tty.stdout, /^SPRS score {8}80 of 110 {2}\(incomplete\)\r?$/m);
    assert.doesNotMatch(tty.stdout, /"sprs_score"/);
  });
  it('an unknown framework is a clear error', () => {
    const bad = run(['-f', 'nist-800-172']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /unknown framework "nist-800-172" \[FRAMEWORK_UNKNOWN\]/);
  });
});
