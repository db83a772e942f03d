/**
 * The limits findings are read within (app/findings-limits.ts, io/decoded-file.ts): each crossed
 * limit is its own code naming the file, the place and the key that raises it; the exports of the
 * repository never cross them. The CLI-level bombs (3 GiB gzip, 2 GiB line) are in
 * test/cli/limits.test.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DEFAULT_FINDINGS_LIMITS, findingsLimitsOf, limitError } from '../../src/app/findings-limits.js';
import { ingest } from '../../src/app/ingest.js';
import { InfracastError } from '../../src/errors.js';
import { MAX_GZIP_RATIO, openDecoded } from '../../src/io/decoded-file.js';
import { TooLargeError } from '../../src/loaders/whole.js';
import type { WorkspaceConfig } from '../../src/model/config.js';
import { examplesDir, repoRoot } from '../support/paths.js';
import { tempFileWriter } from '../support/workspace.js';

const file = tempFileWriter('infracast-limits-unit-');
const MiB = 1024 * 1024;
const ACME_FINDINGS = join(examplesDir, 'acme', 'findings');
const ASFF = join(ACME_FINDINGS, 'securityhub', 'acme-securityhub-2026-11-26.asff.json');
const NATIVE = join(ACME_FINDINGS, 'native', 'acme-collector-2026-11-27.json');

const rejectsWith = (code: string, pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof InfracastError, String(error));
  assert.equal(error.code, code, error.message);
  assert.match(error.message, pattern);
  return true;
};

async function drain(stream: AsyncIterable<Buffer>): Promise<number> {
  let size = 0;
  for await (const chunk of stream) size += chunk.length;
  return size;
}

/** Every export the repository holds (acme's and the real fixtures), recursively. */
function repositoryExports(): string[] {
  const roots = [ACME_FINDINGS, join(repoRoot, 'test', 'fixtures', 'findings')];
  return roots.flatMap((root) =>
    readdirSync(root, { recursive: true })
      .map((f) => join(root, String(f)))
      .filter((f) => statSync(f).isFile() && !f.endsWith('.md')),
  );
}

describe('findings.max_file_size_mb and max_record_size_mb', () => {
  const config = (findings: Record<string, unknown>): WorkspaceConfig => ({ raw: { findings } }) as unknown as WorkspaceConfig;
  it('come from infracast.yaml in MB of 1,048,576 bytes; the defaults are 4096 and 64', () => {
    assert.deepEqual(findingsLimitsOf(undefined), { maxFileBytes: 4096 * MiB, maxRecordBytes: 64 * MiB });
    assert.deepEqual(findingsLimitsOf(config({ max_file_size_mb: 512, max_record_size_mb: 2 })), { maxFileBytes: 512 * MiB, maxRecordBytes: 2 * MiB });
    assert.deepEqual(findingsLimitsOf(config({ sources: ['x'] })), DEFAULT_FINDINGS_LIMITS);
  });
  it('a plain file over the limit is FINDINGS_TOO_LARGE before it is read', async () => {
    const native = readFileSync(NATIVE);
    await assert.rejects(
      ingest({ paths: [file('export.json', native)], limits: { maxFileBytes: native.length - 1, maxRecordBytes: MiB } }),
      rejectsWith('FINDINGS_TOO_LARGE', /export\.json: 0\.\d MB on disk, larger than findings\.max_file_size_mb \(0 MB\)$/),
    );
    const result = await ingest({ paths: [file('export.json', native)], limits: { maxFileBytes: native.length, maxRecordBytes: MiB } });
    assert.equal(result.totals.records, 47, 'a file of exactly the limit is read');
  });
  it('a gzip file counts its decompressed size against the same limit', async () => {
    const native = readFileSync(NATIVE);
    await assert.rejects(
      ingest({ paths: [file('export.json.gz', gzipSync(native))], limits: { maxFileBytes: native.length - 1, maxRecordBytes: MiB } }),
      rejectsWith('FINDINGS_TOO_LARGE', /export\.json\.gz: larger than findings\.max_file_size_mb \(0 MB\) once decompressed/),
    );
  });
  it('a record over max_record_size_mb is FINDINGS_RECORD_TOO_LARGE naming the file, the record and its offset', async () => {
    const asff = readFileSync(ASFF);
    const firstRecordAt = asff.indexOf('{', asff.indexOf('['));
    await assert.rejects(
      ingest({ paths: [file('hub.asff.json', asff)], limits: { maxFileBytes: 64 * MiB, maxRecordBytes: 1024 } }),
      rejectsWith(
        'FINDINGS_RECORD_TOO_LARGE',
        new RegExp(`hub\\.asff\\.json: record 1 \\(from byte offset ${firstRecordAt} of this asff export\\) is larger than findings\\.max_record_size_mb`),
      ),
    );
  });
  it('a document read whole past its limit is FINDINGS_TOO_LARGE', () => {
    const error = limitError('scan.sarif', 'sarif', new TooLargeError(256 * MiB));
    assert.equal(error?.code, 'FINDINGS_TOO_LARGE');
    assert.match(error!.message, /^scan\.sarif: larger than 256 MiB, the limit for documents read whole/);
  });
});

describe('gzip ratio: a decompression bomb is stopped within its first window', () => {
  it(`runs of one byte (about 1000 times) are FINDINGS_DECOMPRESSION_BOMB, and reading stops there`, async () => {
    const bomb = file('bomb.json.gz', gzipSync(Buffer.alloc(8 * MiB, ' ')));
    let read = 0;
    await assert.rejects(
      (async () => {
        for await (const chunk of openDecoded(bomb, { gzip: true, ratioWindow: MiB, chunkBytes: 64 * 1024 })) read += chunk.length;
      })(),
      rejectsWith(
        'FINDINGS_DECOMPRESSION_BOMB',
        /bomb\.json\.gz: gzip data inflating \d{3,4} times \(1\.0 MB from \d+ bytes, before byte 1048576 of the decompressed content\)/,
      ),
    );
    assert.ok(read < MiB, `nothing past the first window was passed on (${read} bytes)`);
  });
  it(`a bomb behind an incompressible prefix is caught in its own window (the ratio is not averaged over the file)`, async () => {
    // Pseudo-random letters: valid text that deflate barely compresses.
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const prefix = Buffer.alloc(2 * MiB);
    for (let i = 0, x = 1; i < prefix.length; i++) prefix[i] = letters.charCodeAt((x = (x * 1103515245 + 12345) >>> 0) >>> 26);
    const bomb = file('prefixed.gz', Buffer.concat([gzipSync(prefix), gzipSync(Buffer.alloc(16 * MiB, 'A'))]));
    await assert.rejects(drain(openDecoded(bomb, { gzip: true, ratioWindow: MiB, chunkBytes: 64 * 1024 })), rejectsWith('FINDINGS_DECOMPRESSION_BOMB', /bomb/));
  });
  // The highest ratio of any 64 KiB window is 75 (a repetitive stretch of acme's OCSF export); whole
  // files inflate 2 to 26 times, and the bench's 100,000 ASFF findings 18 times at 16 MiB windows.
  it(`every export of the repository (acme's and the real fixtures), gzipped at -9, stays below ${MAX_GZIP_RATIO} even over 64 KiB windows (the shipped window is 16 MiB)`, async () => {
    const files = repositoryExports();
    assert.ok(files.length >= 20, `${files.length} exports`);
    for (const path of files) {
      const plain = readFileSync(path);
      const zipped = file('real.gz', gzipSync(plain, { level: 9 }));
      assert.equal(await drain(openDecoded(zipped, { gzip: true, ratioWindow: 64 * 1024, chunkBytes: 16 * 1024 })), plain.length, path);
    }
  });
});

describe('encodings through the import', () => {
  it('invalid UTF-8 in a JSON export is FINDINGS_ENCODING at its offset (never U+FFFD); in a gzip file the offset is of the decompressed content', async () => {
    const native = readFileSync(NATIVE, 'utf8');
    const at = native.indexOf('Admin Console');
    const bytes = Buffer.from(native.replace('Admin Console', 'Admin Consol\u00e9'), 'latin1');
    const offset = Buffer.byteLength(native.slice(0, at)) + 'Admin Consol'.length;
    await assert.rejects(
      ingest({ paths: [file('export.json', bytes)] }),
      rejectsWith('FINDINGS_ENCODING', new RegExp(`export\\.json: not valid UTF-8 at byte offset ${offset} \\(bytes E9 `)),
    );
    await assert.rejects(
      ingest({ paths: [file('export.json.gz', gzipSync(bytes))] }),
      rejectsWith('FINDINGS_ENCODING', new RegExp(`at byte offset ${offset} .*\\(offsets count the decompressed content\\)$`)),
    );
  });
  it('invalid UTF-8 in a CSV export is FINDINGS_ENCODING, not an unhandled stream error', async () => {
    const csv = readFileSync(join(ACME_FINDINGS, 'prowler', 'acme-shared-services-2026-11-25.csv'), 'utf8');
    const bytes = Buffer.concat([Buffer.from(csv), Buffer.from(csv.split('\n')[1]!.replace('Ensure', 'Ensur\u00e9'), 'latin1'), Buffer.from('\n')]);
    await assert.rejects(ingest({ paths: [file('export.csv', bytes)] }), rejectsWith('FINDINGS_ENCODING', /export\.csv: not valid UTF-8 at byte offset \d+ /));
  });
  it('a UTF-16LE export with a BOM gives the findings of its UTF-8 original', async () => {
    const text = readFileSync(NATIVE, 'utf8');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const [original, decoded] = await Promise.all([ingest({ paths: [file('a.json', text)] }), ingest({ paths: [file('a.json', utf16)] })]);
    assert.deepEqual(
      decoded.findings.map((f) => f.identity),
      original.findings.map((f) => f.identity),
    );
    assert.equal(decoded.totals.findings, 47);
  });
});
