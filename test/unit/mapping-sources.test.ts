// scripts/sources/ holds fact extracts, not copies of third-party documents (PROVENANCE.md there):
// the folder holds only the extracts and their records, every cell of an extract is an id of the
// kind its column names (the Security Hub control titles are the one free text, heading-sized),
// and `build-mappings --extract` regenerates the extracts from the originals (taken from the git
// history, where the copies committed until 24fccbe remain) and refuses an original whose sha256
// differs from the recorded one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../support/paths.js';

const sources = join(repoRoot, 'scripts', 'sources');
const script = join(repoRoot, 'scripts', 'build-mappings.js');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(sources, join(entry.parentPath, entry.name)))
    .sort();
}

/** The records (cells) of an extract, after its comment lines and its column names. */
function records(rel: string): { comments: string[]; columns: string[]; rows: string[][] } {
  const lines = readFileSync(join(sources, rel), 'utf8').split('\n');
  assert.equal(lines.pop(), '', `${rel} ends with a line break`);
  const comments = lines.filter((line) => line.startsWith('#'));
  const [columns = '', ...rows] = lines.filter((line) => !line.startsWith('#'));
  return { comments, columns: columns.split('\t'), rows: rows.map((row) => row.split('\t')) };
}

const SP80053 = '[A-Z]{2}-\\d{1,2}(?:\\(\\d{1,2}\\))?';
const list = (item: string) => new RegExp(`^(?:${item}(?:, ${item})*)?$`);
const cellPatterns: Record<string, RegExp[]> = {
  'aws-security-hub-user-guide/controls.tsv': [
    /^[a-z0-9]+-controls\.md$/,
    /^[A-Za-z0-9]+\.\d+$/,
    /^[^\t]{1,160}$/, // the title: the one free text, heading-sized
    list(SP80053),
    list('v1\\.[24]\\.0/\\d+(?:\\.\\d+)+'),
    list('v3\\.2\\.1/[\\d.]+'),
  ],
  'nist-sp-800-171r2/appendix-d.tsv': [/^D-\d{1,2}$/, /^(?:basic|derived)$/, list('3\\.\\d{1,2}\\.\\d{1,2}'), list(SP80053)],
  'nist-sp-800-171r2/appendix-e.tsv': [/^E-\d{1,2}$/, /^[A-Z]{2}-\d{1,2}(?:\(\d{1,2}\))*$/, /^(?:CUI|NCO|FED|NFO)$/],
};

describe('scripts/sources: fact extracts, not copied documents', () => {
  it('holds only the extracts, the sha256 of their originals, the AWS licence notice and PROVENANCE.md', () => {
    assert.deepEqual(filesUnder(sources), [
      'PROVENANCE.md',
      'aws-security-hub-user-guide/LICENSE-SUMMARY',
      'aws-security-hub-user-guide/controls.tsv',
      'aws-security-hub-user-guide/originals.sha256',
      'nist-sp-800-171r2/appendix-d.tsv',
      'nist-sp-800-171r2/appendix-e.tsv',
      'nist-sp-800-171r2/originals.sha256',
    ]);
    for (const rel of ['aws-security-hub-user-guide/originals.sha256', 'nist-sp-800-171r2/originals.sha256']) {
      for (const line of readFileSync(join(sources, rel), 'utf8').trimEnd().split('\n')) assert.match(line, /^[0-9a-f]{64} {2}\S+$/, rel);
    }
  });

  for (const [rel, patterns] of Object.entries(cellPatterns)) {
    it(`${rel}: every cell is an id of its column's kind (no statement or description)`, () => {
      const { comments, columns, rows } = records(rel);
      assert.equal(columns.length, patterns.length, `${rel}: columns`);
      assert.ok(rows.length > 80, `${rel}: ${rows.length} rows`);
      for (const [index, row] of rows.entries()) {
        assert.equal(row.length, patterns.length, `${rel}, record ${index + 1}: cells`);
        row.forEach((cell, column) => assert.match(cell, patterns[column]!, `${rel}, record ${index + 1}, column ${columns[column]}`));
      }
      // The comments are the extraction's own words (where from, what a line holds), kept short.
      for (const comment of comments) assert.ok(comment.length <= 160, `${rel}: a comment line of ${comment.length} characters`);
    });
  }
});

// The copies of the originals committed until 24fccbe (absent from a shallow clone: then skipped).
const HISTORY_COMMIT = '24fccbe';
const inHistory = spawnSync('git', ['-C', repoRoot, 'cat-file', '-e', `${HISTORY_COMMIT}^{commit}`]).status === 0;

describe(
  'build-mappings --extract: the extracts are what the originals give',
  { skip: inHistory ? false : `commit ${HISTORY_COMMIT} is not in this clone's history` },
  () => {
    const work = mkdtempSync(join(tmpdir(), 'infracast-sources-'));
    const old = join(work, 'scripts', 'sources');
    const nistText = join(old, 'nist-sp-800-171r2', 'appendices-d-e.txt');
    before(() => {
      const archive = spawnSync('git', ['-C', repoRoot, 'archive', HISTORY_COMMIT, 'scripts/sources'], { maxBuffer: 16 << 20 });
      assert.equal(archive.status, 0, String(archive.stderr));
      assert.equal(spawnSync('tar', ['-x', '-C', work], { input: archive.stdout }).status, 0);
    });
    after(() => rmSync(work, { recursive: true, force: true }));
    const extract = (...args: string[]) => spawnSync(process.execPath, [script, '--extract', '--check', ...args], { encoding: 'utf8' });

    it('regenerates every extract byte for byte from the originals (--extract --check)', () => {
      const result = extract('--aws', join(old, 'aws-security-hub-user-guide'), '--nist', nistText);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /3 files up to date in scripts\/sources/);
    });

    it('refuses an original whose sha256 is not the recorded one', () => {
      appendFileSync(nistText, '\n');
      const result = extract('--nist', nistText);
      assert.notEqual(result.status, 0);
      assert.match(result.stderr, /appendices-d-e\.txt: sha256 [0-9a-f]{64}, but f33b4a6d42a8338a2dae5209c502c25c0c61e00e961f8eb473507b1089265148 is recorded/);
    });
  },
);
