/**
 * Native ids that several records of one file carry (issue 12; spec/evaluation.md section 1: a
 * native id alone is never trusted), reported per file by the import and `findings inspect`, on
 * real exports that have them: Trivy's ASFF template writes one Id for the two packages a CVE
 * affects; Prowler's OCSF samples carry the `<finding_uid>` placeholder. The same report in summary
 * mode (no findings kept: a second pass) and whatever the number of files.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ingest } from '../../src/app/ingest.js';
import { runCli } from '../support/cli.js';
import { repoRoot } from '../support/paths.js';
import { requireShared } from '../support/shared.js';

const TRIVY = join(repoRoot, 'test/fixtures/findings/cross-check/trivy-golang-1.12-alpine.asff.json');
const OTHER = join(repoRoot, 'test/fixtures/findings/inspector/inspector-ec2-ghsa.asff.json');

describe('repeated native ids in one file', () => {
  it("Trivy's ASFF: 21 ids on two packages each, the first 20 listed with their records; nothing repeated exactly", async () => {
    const { files } = await ingest({ paths: [TRIVY] });
    const duplicates = files[0]!.duplicateIds;
    assert.equal(duplicates.differing, 21);
    assert.equal(duplicates.identicalRecords, 0);
    assert.equal(duplicates.ids.length, 20);
    assert.deepEqual(duplicates.ids[0], { nativeId: 'golang:1.12-alpine (alpine 3.11.3)/CVE-2021-28831', records: 2, first: [3, 34] });
    assert.ok(duplicates.ids.every((id) => id.records === 2 && id.first.length === 2));
    // Identity keeps them apart: 44 findings from 44 records.
    assert.equal(files[0]!.records, 44);
  });

  it('summary mode, alone or with another file, reports the same', async () => {
    const full = (await ingest({ paths: [TRIVY] })).files[0]!.duplicateIds;
    assert.deepEqual((await ingest({ paths: [TRIVY], summary: true })).files[0]!.duplicateIds, full);
    const both = await ingest({ paths: [OTHER, TRIVY], summary: true });
    assert.deepEqual(both.files[1]!.duplicateIds, full);
    assert.deepEqual(both.files[0]!.duplicateIds, { differing: 0, identicalRecords: 0, ids: [] });
  });

  it("Prowler's OCSF samples: the <finding_uid> placeholder on differing records, and one record repeated exactly (gcp)", async (t) => {
    const dir = requireShared(t, 'fixtures/findings/ocsf');
    if (!dir) return;
    const { files } = await ingest({ paths: ['aws', 'azure', 'gcp'].map((cloud) => join(dir, `prowler-example_output_${cloud}.ocsf.json`)) });
    assert.deepEqual(
      files.map((f) => f.duplicateIds),
      [
        { differing: 1, identicalRecords: 0, ids: [{ nativeId: '<finding_uid>', records: 5, first: [1, 2, 3, 4, 5] }] },
        { differing: 1, identicalRecords: 0, ids: [{ nativeId: '<finding_uid>', records: 4, first: [1, 2, 3, 5] }] },
        { differing: 1, identicalRecords: 1, ids: [{ nativeId: '<finding_uid>', records: 5, first: [1, 2, 3, 4, 5] }] },
      ],
    );
  });

  it('findings inspect prints them, quoted, bounded to 20 ids', () => {
    const result = runCli(['findings', 'inspect', 'test/fixtures/findings/cross-check/trivy-golang-1.12-alpine.asff.json'], { cwd: repoRoot });
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /\n {2}repeated native ids: 21 on records with differing content \(kept apart by identity\), 0 records repeating another exactly\n/,
    );
    assert.match(result.stdout, /\n {4}"golang:1\.12-alpine \(alpine 3\.11\.3\)\/CVE-2021-28831": 2 records \(3, 34\)\n/);
    assert.equal((result.stdout.match(/^ {4}"/gm) ?? []).length, 20);
    assert.match(result.stdout, /\n {4}\.\.\. and 1 more\n/);
    const json = JSON.parse(
      runCli(['findings', 'inspect', 'test/fixtures/findings/cross-check/trivy-golang-1.12-alpine.asff.json', '--json'], { cwd: repoRoot }).stdout,
    );
    assert.equal(json.files[0].duplicateIds.differing, 21);
  });
});
