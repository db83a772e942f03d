/**
 * Identity never depends on record order (spec/evaluation.md section 1). Every real export the
 * project has (test/fixtures/findings, examples/acme/findings, ../shared/fixtures/findings) is
 * written again with its records reversed and shuffled (seeded), in its own format: each finding
 * keeps its identity, the counts stay, and so do the merges when a second file repeats some of
 * the first file's records in another order, with and without --summary.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { ingest } from '../../src/app/ingest.js';
import { arrangedCopy, changedIdentities, identitiesByContent, mergesOf } from '../support/record-order.js';
import { examplesDir, fixturesDir, repoRoot } from '../support/paths.js';
import { reversed, shuffled, someShuffled } from '../support/reorder.js';
import { requireShared } from '../support/shared.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile() && !/\.md$/i.test(f))
    .sort();
}

const ARRANGEMENTS = [
  ['reversed', reversed],
  ['shuffled (seed 1)', shuffled(1)],
  ['shuffled (seed 2)', shuffled(2)],
  ['shuffled (seed 3)', shuffled(3)],
] as const;

async function checkOneFile(path: string): Promise<void> {
  const original = await ingest({ paths: [path] });
  assert.ok(original.totals.records > 0, `${path}: no records`);
  for (const [name, arrange] of ARRANGEMENTS) {
    const copy = await ingest({ paths: [arrangedCopy(path, arrange)] });
    assert.equal(copy.totals.records, original.totals.records, `${name}: records`);
    assert.equal(copy.totals.findings, original.totals.findings, `${name}: findings`);
    assert.deepEqual(copy.totals.counts, original.totals.counts, `${name}: counts`);
    assert.equal(changedIdentities(original, copy), 0, `${name}: findings whose identity changed`);
    assert.deepEqual(identitiesByContent(copy), identitiesByContent(original), `${name}: identity of each finding`);
  }
}

/** The first file, then some of its records in another order: the merges do not depend on either order. */
async function checkTwoFiles(path: string): Promise<number> {
  const labels = (a: string, b: string): Map<string, string> =>
    new Map([
      [a, 'first'],
      [b, 'second'],
    ]);
  const runs = [
    [path, arrangedCopy(path, someShuffled(7, 1))],
    [arrangedCopy(path, reversed), arrangedCopy(path, someShuffled(7, 2))],
    [arrangedCopy(path, shuffled(5)), arrangedCopy(path, someShuffled(7, 3))],
  ] as const;
  const results = await Promise.all(runs.map(([a, b]) => ingest({ paths: [a, b] })));
  const summaries = await Promise.all(runs.map(([a, b]) => ingest({ paths: [a, b], summary: true })));
  const expected = mergesOf(results[0]!, labels(runs[0][0], runs[0][1]));
  for (const [i, result] of results.entries()) {
    assert.deepEqual(mergesOf(result, labels(runs[i]![0], runs[i]![1])), expected, `ordering ${i + 1}: merges`);
    assert.deepEqual(
      result.files.map((f) => [f.records, f.merged]),
      results[0]!.files.map((f) => [f.records, f.merged]),
      `ordering ${i + 1}: records and merges per file`,
    );
    assert.deepEqual(result.totals.counts, results[0]!.totals.counts, `ordering ${i + 1}: counts`);
    // Summary mode keeps no findings, yet counts and merges the same way.
    const summary = summaries[i]!;
    assert.equal(summary.findings.length, 0);
    assert.deepEqual(
      [summary.totals.findings, summary.totals.merged, summary.totals.counts],
      [result.totals.findings, result.totals.merged, result.totals.counts],
      `ordering ${i + 1}: --summary`,
    );
  }
  return results[0]!.totals.merged;
}

function checkAll(files: string[]): void {
  for (const file of files) {
    const name = relative(repoRoot, file);
    it(`${name}: reversed and shuffled, every finding keeps its identity`, () => checkOneFile(file));
    it(`${name}: a second file repeating some records in another order merges the same way`, async () => {
      // Some of the repeated records merge (not necessarily all: a record whose identity repeats in
      // the first file and not in the second is a different case of an ambiguous identity).
      assert.ok((await checkTwoFiles(file)) > 0, 'no record of the second file merged');
    });
  }
}

describe('record order (evaluation.md section 1)', () => {
  // other-exports/ holds outputs Infracast names but does not read (a Trivy table, a Checkov text report...).
  describe('test/fixtures/findings', () =>
    checkAll(filesUnder(join(fixturesDir, 'findings')).filter((f) => !f.includes(`${join('findings', 'other-exports')}`))));
  describe('examples/acme/findings', () => checkAll(filesUnder(join(examplesDir, 'acme', 'findings'))));
  describe('../shared/fixtures/findings', () => {
    // Listed when the folder is there; otherwise one test says why nothing ran (and fails under CI).
    const dir = join(repoRoot, '..', 'shared', 'fixtures', 'findings');
    let files: string[] = [];
    try {
      files = filesUnder(dir);
    } catch {
      it('../shared/fixtures/findings', (t) => void requireShared(t, 'fixtures/findings'));
    }
    checkAll(files);
  });
  it('a file whose records repeat an identity: the repeats are told apart by content, not by position', async () => {
    // The HDF converter's SARIF gives 166 results of 13 rules one location ("file:///", line 1):
    // their identity parts repeat (20 results of rule 10104).
    const path = join(fixturesDir, 'findings', 'heimdall-tools', 'hdf-zap-valid-results.sarif');
    const original = await ingest({ paths: [path] });
    assert.equal(original.findings.length, 166);
    assert.equal(new Set(original.findings.map((f) => f.identity)).size, 166, 'records inside one file are never merged');
    const copy = await ingest({ paths: [arrangedCopy(path, reversed)] });
    assert.equal(changedIdentities(original, copy), 0);
  });
});
