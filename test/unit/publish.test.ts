/** Artifacts are swapped in together; a failed run leaves the previous ones intact (issue: render). */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { artifactId, publishDefinition, readIndex, recoverInterrupted, updateIndex } from '../../src/app/publish.js';
import type { IndexItem } from '../../src/app/publish.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('publishing artifacts', () => {
  it('writes every artifact of a definition into out/<name>/ and reports digests', () => {
    const out = mkdtempSync(join(tmpdir(), 'infracast-out-'));
    const written = publishDefinition(out, 'gap', [
      { format: 'md', fileName: 'gap.md', bytes: bytes('# Gap\n') },
      { format: 'json', fileName: 'gap.json', bytes: bytes('{}\n') },
    ]);
    assert.deepEqual(readdirSync(join(out, 'gap')).sort(), ['gap.json', 'gap.md']);
    assert.equal(written[0]?.sha256, createHash('sha256').update('# Gap\n').digest('hex'));
    assert.equal(written[0]?.path, join('gap', 'gap.md'));
    assert.equal(written[0]?.size, 6);
    assert.deepEqual(readdirSync(out), ['gap'], 'no staging folder left behind');
  });
  it('a failure while writing leaves the previous artifacts intact and no partial files', () => {
    const out = mkdtempSync(join(tmpdir(), 'infracast-out-'));
    publishDefinition(out, 'gap', [{ format: 'md', fileName: 'gap.md', bytes: bytes('old\n') }]);
    assert.throws(() =>
      publishDefinition(out, 'gap', [
        { format: 'md', fileName: 'gap.md', bytes: bytes('new\n') },
        { format: 'json', fileName: '../escape.json', bytes: bytes('{}') },
      ]),
    );
    assert.equal(readFileSync(join(out, 'gap', 'gap.md'), 'utf8'), 'old\n');
    assert.deepEqual(readdirSync(out), ['gap']);
    assert.equal(existsSync(join(out, 'escape.json')), false);
  });
  it('a second run replaces the definition folder as a whole (no stale format left)', () => {
    const out = mkdtempSync(join(tmpdir(), 'infracast-out-'));
    publishDefinition(out, 'gap', [
      { format: 'md', fileName: 'gap.md', bytes: bytes('1\n') },
      { format: 'json', fileName: 'gap.json', bytes: bytes('1\n') },
    ]);
    publishDefinition(out, 'gap', [{ format: 'md', fileName: 'gap.md', bytes: bytes('2\n') }]);
    assert.deepEqual(readdirSync(join(out, 'gap')), ['gap.md']);
  });
});

describe('recovering from a killed run', () => {
  // A pid that is not running: past the kernel's pid_max default of 4194304.
  const dead = 4_194_305;
  it('moves back a definition folder a killed run had moved aside, and removes its staging folders', () => {
    const out = mkdtempSync(join(tmpdir(), 'infracast-out-'));
    // Killed between the two renames of publishDefinition: the previous folder aside, the new one staged.
    mkdirSync(join(out, `.previous-gap-${dead}`));
    writeFileSync(join(out, `.previous-gap-${dead}`, 'gap.md'), 'old\n');
    mkdirSync(join(out, `.staging-gap-${dead}`));
    writeFileSync(join(out, `.staging-gap-${dead}`, 'gap.md'), 'half');
    // Killed after the swap, before removing the previous folder.
    publishDefinition(out, 'remediation', [{ format: 'md', fileName: 'remediation.md', bytes: bytes('new\n') }]);
    mkdirSync(join(out, `.previous-remediation-${dead}`));
    assert.deepEqual(recoverInterrupted(out), ['gap']);
    assert.deepEqual(readdirSync(out).sort(), ['gap', 'remediation']);
    assert.equal(readFileSync(join(out, 'gap', 'gap.md'), 'utf8'), 'old\n');
    assert.equal(readFileSync(join(out, 'remediation', 'remediation.md'), 'utf8'), 'new\n');
  });
  it('leaves the folders of a run that is still going', () => {
    const out = mkdtempSync(join(tmpdir(), 'infracast-out-'));
    mkdirSync(join(out, `.staging-gap-${process.ppid}`));
    assert.deepEqual(recoverInterrupted(out), []);
    assert.ok(existsSync(join(out, `.staging-gap-${process.ppid}`)));
  });
});

describe('out/index.json', () => {
  const item = (definition: string, format: 'md' | 'json', completedAt: string): IndexItem => ({
    id: artifactId(definition, format, completedAt),
    type: 'gap',
    framework: 'nist-800-171',
    format,
    status: 'completed',
    size_bytes: 1,
    sha256: 'a'.repeat(64),
    path: `${definition}/${definition}.${format}`,
    created_at: completedAt,
    completed_at: completedAt,
    definition,
  });
  it('keeps other definitions, replaces the rendered ones, newest first, stable ids', async () => {
    const out = mkdtempSync(join(tmpdir(), 'infracast-out-'));
    await updateIndex(out, ['a', 'b'], [item('a', 'md', '2026-11-01T00:00:00Z'), item('b', 'md', '2026-11-02T00:00:00Z')]);
    const index = await updateIndex(out, ['a'], [item('a', 'md', '2026-11-03T00:00:00Z'), item('a', 'json', '2026-11-03T00:00:00Z')]);
    const listed = index.items.map((i) => `${i.definition}.${i.format} ${i.completed_at.slice(0, 10)}`);
    assert.deepEqual(listed.slice(0, 2).sort(), ['a.json 2026-11-03', 'a.md 2026-11-03'], 'the new items of a, newest first');
    assert.equal(listed[2], 'b.md 2026-11-02', 'b kept');
    assert.equal(index.total, 3);
    assert.deepEqual(readIndex(out), index);
    assert.equal(artifactId('a', 'md', '2026-11-03T00:00:00Z'), artifactId('a', 'md', '2026-11-03T00:00:00Z'));
    assert.match(artifactId('a', 'md', 'x'), /^rpt-[0-9a-f]{12}$/);
  });
});
