/**
 * `infracast render` on an export without times (Trivy's SARIF): its findings are dated by the git
 * commit of the file, or by the date infracast.yaml declares for its source (which wins), never by
 * the render; the POA&M detection date and deadline follow that date and do not move on a later
 * render; with no date at all the POA&M item says so and render warns once per file with the fix.
 */
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PoamItem } from '../../src/model/poam.js';
import { runCli } from '../support/cli.js';
import { commitAll, initRepository } from '../support/git.js';
import { examplesDir } from '../support/paths.js';
import { makeWorkspace, MINIMAL_CONFIG } from '../support/workspace.js';

const TRIVY = join(examplesDir, 'acme', 'findings', 'trivy', 'acme-agc-images-2026-11-26.sarif');
const DAYS: Record<string, number> = { High: 30, Moderate: 90, Low: 180 };

function workspace(config = MINIMAL_CONFIG): string {
  const root = makeWorkspace({ 'infracast.yaml': config, 'reports/poam.yaml': 'type: poam\nformat: md\n' });
  mkdirSync(join(root, 'findings', 'trivy'), { recursive: true });
  copyFileSync(TRIVY, join(root, 'findings', 'trivy', 'scan.sarif'));
  return root;
}

function render(root: string, at: string): ReturnType<typeof runCli> {
  const result = runCli(['render', '--at', at], { cwd: root });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  return result;
}

function items(root: string): PoamItem[] {
  const lines = readFileSync(join(root, '.infracast', 'poam.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return lines.map((line) => JSON.parse(line) as PoamItem);
}

const addDays = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Every item detected on `day`, due by its rating's days from then; the ids and dates as a comparable list. */
function assertDetected(list: PoamItem[], day: string): string[] {
  assert.ok(list.length > 0);
  for (const item of list) {
    assert.equal(item.original_detection_date, day, item.id);
    assert.equal(item.scheduled_completion_date, addDays(day, DAYS[item.original_risk_rating]!), item.id);
  }
  return list.map((i) => `${i.id} ${i.weakness_source_id} ${i.original_detection_date} ${i.scheduled_completion_date}`);
}

const poamMd = (root: string): string => readFileSync(join(root, 'out', 'poam', 'poam.md'), 'utf8');

describe('render: observation dates of an export without times, and the POA&M', () => {
  it('committed in git: the commit time dates the findings and the POA&M; a later render (and a later commit) moves nothing', () => {
    const root = workspace();
    initRepository(root, '2026-11-20T09:30:00+01:00');
    const first = render(root, '2026-12-01');
    assert.doesNotMatch(first.stderr, /no observation time/);
    const dated = assertDetected(items(root), '2026-11-20');
    assert.ok(items(root).every((i) => i.detection_date_basis === undefined));
    assert.match(poamMd(root), /- `findings\/trivy\/scan\.sarif`: 57 from the file's git commit \(2026-11-20T08:30:00Z\)/);

    // A new commit of the export, then a later render: the items keep their first detection.
    appendFileSync(join(root, 'findings', 'trivy', 'scan.sarif'), '\n');
    commitAll(root, '2027-01-10T12:00:00Z', 'rescan');
    render(root, '2027-01-15');
    assert.deepEqual(assertDetected(items(root), '2026-11-20'), dated);
  });

  it('a date declared in infracast.yaml wins over git', () => {
    const root = workspace(`${MINIMAL_CONFIG}findings:\n  sources:\n    - path: findings/trivy/*.sarif\n      observed_at: 2026-11-26T06:10:00Z\n`);
    initRepository(root, '2026-11-20T09:30:00+01:00');
    render(root, '2026-12-01');
    assertDetected(items(root), '2026-11-26');
    assert.match(poamMd(root), /- `findings\/trivy\/scan\.sarif`: 57 declared in infracast\.yaml \(2026-11-26T06:10:00Z\)/);
  });

  it('no time anywhere: detection is the first render day, the item says so, render warns once per file with the fix; a later render moves nothing', () => {
    const root = workspace();
    const first = render(root, '2026-12-01');
    const warnings = first.stderr.split('\n').filter((l) => l.includes('no observation time'));
    assert.equal(warnings.length, 1, first.stderr);
    assert.match(
      warnings[0]!,
      /^warning: findings\/trivy\/scan\.sarif: 57 findings have no observation time \(.*not in a git repository\): .*declare the scan time in infracast\.yaml: findings\.sources: - \{ path: findings\/trivy\/scan\.sarif, observed_at: YYYY-MM-DDTHH:MM:SSZ \}$/,
    );
    const dated = assertDetected(items(root), '2026-12-01');
    assert.ok(items(root).every((i) => i.detection_date_basis === 'first-seen-by-infracast'));
    const md = poamMd(root);
    assert.match(md, /\| 2026-12-01 \(first seen by Infracast\) \|/);
    assert.match(md, /Detection dates first seen by Infracast:\*\* \d+ open item\(s\)/);
    assert.match(md, /- `findings\/trivy\/scan\.sarif`: 57 with none \(not in a git repository: declare the scan time in infracast\\\.yaml/);

    render(root, '2026-12-05');
    assert.deepEqual(assertDetected(items(root), '2026-12-01'), dated);
  });
});
