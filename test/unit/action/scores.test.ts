/**
 * The action's `scores` output and `fail-under` gate: figures read from the history snapshots a
 * render wrote (never recomputed), the delta against the previous snapshot, and the gate's
 * sentences (SPRS for nist-800-171, percent for the others).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { failUnderFailures, scoresOf } from '../../../src/action/scores.js';
import type { Scores } from '../../../src/action/scores.js';
import { render } from '../../../src/app/render.js';
import { summary } from '../../../src/app/summary.js';
import { examplesDir } from '../../support/paths.js';
import { copyWorkspace } from '../../support/workspace.js';

describe('action scores', () => {
  it("are the snapshot's figures (as infracast summary gives them), with the delta against the previous run", async () => {
    const root = copyWorkspace(join(examplesDir, 'acme'));
    const once = (at: string) => render({ paths: [root], definitions: ['nist-800-171-gap-analysis'], formats: ['json'], at, env: {} });
    const first = await once('2026-03-02T12:00:00Z');
    assert.equal(first.ok, true, JSON.stringify(first.reports.map((r) => r.error)));
    const before = await scoresOf(first, join(root, '.infracast'));
    const figures = await summary({ framework: 'nist-800-171', workspace: root, at: '2026-03-02T12:00:00Z', env: {} });
    assert.equal(before['nist-800-171']?.sprs_score, figures.sprs_score);
    assert.equal(before['nist-800-171']?.score, Math.round(figures.score! * 10_000) / 100);
    assert.deepEqual(before['nist-800-171']?.delta, { score: null, sprs_score: null });
    assert.equal(before['nist-800-171']?.previous_at, null);

    const second = await once('2026-03-09T12:00:00Z');
    const after = await scoresOf(second, join(root, '.infracast'));
    assert.equal(after['nist-800-171']?.previous_at, '2026-03-02T12:00:00Z');
    assert.equal(after['nist-800-171']?.delta.sprs_score, after['nist-800-171']!.sprs_score! - before['nist-800-171']!.sprs_score!);
    assert.equal(typeof after['nist-800-171']?.delta.score, 'number');
  });

  it('fail-under: the SPRS score for nist-800-171 and cmmc-l2, the percentage for the others; a missing or null score fails', () => {
    const scores: Scores = {
      'nist-800-171': { score: 90.57, coverage: 98, sprs_score: 80, delta: { score: null, sprs_score: null }, previous_at: null },
      'nist-800-53': { score: 75.5, coverage: 90, delta: { score: null }, previous_at: null },
      soc2: { score: null, coverage: 0, delta: { score: null }, previous_at: null },
    };
    assert.deepEqual(failUnderFailures(scores, [{ framework: 'nist-800-171', threshold: 80 }]), []);
    assert.deepEqual(failUnderFailures(scores, [{ framework: 'nist-800-171', threshold: 88 }]), ['nist-800-171: SPRS score 80 is below fail-under 88']);
    assert.deepEqual(failUnderFailures(scores, [{ framework: 'nist-800-53', threshold: 75.5 }]), []);
    assert.deepEqual(failUnderFailures(scores, [{ framework: 'nist-800-53', threshold: 76 }]), ['nist-800-53: score 75.5% is below fail-under 76%']);
    assert.deepEqual(failUnderFailures(scores, [{ framework: 'soc2', threshold: 1 }]), ['soc2: score null (nothing assessed) is below fail-under 1%']);
    assert.deepEqual(failUnderFailures(scores, [{ framework: 'cmmc-l2', threshold: 1 }]), ['cmmc-l2: SPRS score null is below fail-under 1']);
  });
});
