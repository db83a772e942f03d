/**
 * A scheduled run published end to end, without the Action: a copy of examples/acme in a folder of a
 * git repository whose origin is a local bare repository; one daily schedule renders a gap
 * analysis (marked UNCLASSIFIED here) and acme's remediation list (CUI, as acme marks every report
 * by default) in DOCX, XLSX, Markdown and JSON (no browser); runSchedules()
 * then publishScheduledRun() commits the outputs and the state, withholding the CUI files; a re-run
 * commits nothing; the next day's run commits the new Markdown and JSON but not the unchanged
 * binaries; a release run attaches only what the CUI gate allows.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { publishScheduledRun } from '../../src/app/publishing/index.js';
import { runSchedules } from '../../src/app/schedule/run.js';
import { git } from '../support/git.js';
import { githubStandIn } from '../support/github-releases.js';
import { examplesDir } from '../support/paths.js';
import { committedPart } from '../support/workspace.js';

const GAP = 'nist-800-171-gap-analysis';
const CUI = 'remediation-by-team';
const DAILY = `name: Daily Compliance Pack
frequency: daily
time: "06:00"
timezone: UTC
reports:
  - ${GAP}
  - ${CUI}
`;

/** origin (bare) and a clone whose compliance/ folder is the workspace, committed and pushed. */
function repository(): { origin: string; repo: string; workspace: string } {
  const root = mkdtempSync(join(tmpdir(), 'infracast-publish-run-'));
  made.push(root);
  const origin = join(root, 'origin.git');
  git(root, ['init', '-q', '--bare', origin]);
  const repo = join(root, 'repo');
  git(root, ['clone', '-q', origin, repo]);
  const workspace = join(repo, 'compliance');
  const source = join(examplesDir, 'acme');
  const committed = committedPart(source);
  cpSync(source, workspace, { recursive: true, filter: (path) => committed(path) && !path.includes('.dev-keys') });
  rmSync(join(workspace, 'schedules'), { recursive: true });
  mkdirSync(join(workspace, 'schedules'));
  writeFileSync(join(workspace, 'schedules', 'daily.yaml'), DAILY);
  // No PDF (no browser in this tier); the gap analysis is not CUI (acme's default classification is).
  for (const file of ['nist-800-171-gap.yaml', 'remediation-by-team.yaml']) {
    const path = join(workspace, 'reports', file);
    const text = readFileSync(path, 'utf8').replace('formats: [pdf, docx, xlsx, md, json]', 'formats: [docx, xlsx, md, json]');
    assert.match(text, /formats: \[docx, xlsx, md, json\]/);
    writeFileSync(path, file === 'nist-800-171-gap.yaml' ? text.replace('options:\n', 'options:\n  classification: UNCLASSIFIED\n') : text);
  }
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', 'workspace'], '2026-11-01T00:00:00Z');
  git(repo, ['push', '-q', 'origin', 'HEAD:refs/heads/main']);
  return { origin, repo, workspace };
}

const made: string[] = [];
after(() => {
  for (const root of made) rmSync(root, { recursive: true, force: true });
});

const changedOnOrigin = (origin: string): string[] => git(origin, ['show', '--name-only', '--format=', 'main']).trim().split('\n');

describe('publishing: a scheduled run committed and attached end to end', () => {
  it('commits the outputs and the state once, withholds CUI, and the next day commits no unchanged binary', async () => {
    const { origin, workspace } = repository();
    const logs: string[] = [];
    const first = await runSchedules({ workspace, at: '2026-11-02T06:30:00Z', env: {} });
    assert.deepEqual(
      first.recorded.map((r) => [r.schedule, r.slot]),
      [['Daily Compliance Pack', '2026-11-02T06:00:00Z']],
    );
    const published = await publishScheduledRun({ destination: 'commit', run: first, commit: { backoffMs: () => 1 }, onLog: (l) => logs.push(l) });
    assert.equal(published.commit?.committed, true);
    assert.equal(published.commit?.pushed, true);
    assert.deepEqual(published.withheld.map((w) => w.path).sort(), [
      `out/${CUI}/logo.svg`,
      ...['docx', 'json', 'md', 'xlsx'].map((ext) => `out/${CUI}/${CUI}.${ext}`),
    ]);
    assert.ok(logs.some((l) => /remediation-by-team\.docx: CUI, withheld from commit/.test(l)));
    const files = changedOnOrigin(origin);
    for (const ext of ['docx', 'xlsx', 'md', 'json']) assert.ok(files.includes(`compliance/out/${GAP}/${GAP}.${ext}`), ext);
    assert.ok(files.includes(`compliance/out/${GAP}/.infracast-published.json`));
    assert.ok(files.includes('compliance/out/index.json'));
    assert.ok(files.includes('compliance/.infracast/schedules.jsonl'));
    assert.deepEqual(
      files.filter((f) => f.includes(CUI)),
      [],
      'a CUI file reached the repository',
    );
    assert.equal(
      git(origin, ['log', '-1', '--format=%(trailers:only,unfold)', 'main']).trim(),
      'Infracast-Schedule: Daily Compliance Pack\nInfracast-Slot: 2026-11-02T06:00:00Z',
    );
    assert.equal(git(origin, ['show', 'main:compliance/.infracast/schedules.jsonl']), '{"schedule":"Daily Compliance Pack","slot":"2026-11-02T06:00:00Z"}\n');

    // The same slot again (a re-run with the same now): nothing due, nothing committed.
    const again = await runSchedules({ workspace, at: '2026-11-02T06:45:00Z', env: {} });
    assert.deepEqual(again.recorded, []);
    const republished = await publishScheduledRun({ destination: 'commit', run: again });
    assert.equal(republished.commit, undefined);
    assert.equal(git(origin, ['rev-list', '--count', 'main']).trim(), '2');

    // The next day, same findings: Markdown, JSON, the index and the state change; the binaries do not.
    const next = await runSchedules({ workspace, at: '2026-11-03T06:30:00Z', env: {} });
    const nextPublished = await publishScheduledRun({ destination: 'commit', run: next, commit: { backoffMs: () => 1 } });
    assert.equal(nextPublished.commit?.committed, true);
    const nextFiles = changedOnOrigin(origin);
    assert.ok(nextFiles.includes(`compliance/out/${GAP}/${GAP}.md`));
    assert.ok(nextFiles.includes('compliance/.infracast/schedules.jsonl'));
    assert.deepEqual(
      nextFiles.filter((f) => /\.(docx|xlsx|pdf|zip)$/.test(f)),
      [],
    );
  });

  it('attaches the allowed files to a release, never the CUI ones', async () => {
    const { workspace } = repository();
    const token = 'ghs_publishRunTokenNeverShown';
    const gh = await githubStandIn({ token });
    try {
      const run = await runSchedules({ workspace, at: '2026-11-02T06:30:00Z', env: {} });
      const published = await publishScheduledRun({
        destination: 'release',
        run,
        release: { apiUrl: gh.apiUrl, token, repository: 'o/r', tag: 'compliance-2026-11-02' },
      });
      assert.equal(published.release?.release.created, true);
      assert.deepEqual(
        gh.releases
          .get('compliance-2026-11-02')!
          .assets.map((a) => a.name)
          .sort(),
        ['logo.svg', ...['docx', 'json', 'md', 'xlsx'].map((ext) => `${GAP}.${ext}`)],
      );
      assert.equal(published.withheld.length, 5);
      assert.ok(!gh.seen.some((s) => s.url.includes(CUI)));
    } finally {
      await gh.close();
    }
  });
});
