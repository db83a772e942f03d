/**
 * Publishing is all or nothing (issue 12): a definition's artifacts are staged and swapped in with
 * the run's state when it commits; a run that fails before its commit leaves the previous outputs,
 * one killed during it is finished by the next; what Infracast did not publish is never replaced.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { artifactId, nextIndex, readIndex, rebuildIndex, sealDefinition, stageDefinition } from '../../src/app/publish.js';
import type { Artifact, IndexItem, RunIndex } from '../../src/app/publish.js';
import { JOURNAL, MARKER, recoverWrites, RunTransaction } from '../../src/app/transaction.js';
import { InfracastError } from '../../src/errors.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const EMPTY: RunIndex = { items: [], total: 0 };
const folders = (): { out: string; state: string } => {
  const root = mkdtempSync(join(tmpdir(), 'infracast-publish-'));
  return { out: join(root, 'out'), state: join(root, '.infracast') };
};

function item(definition: string, format: 'md' | 'json', completedAt: string): IndexItem {
  return {
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
    definition: `reports/${definition}.yaml`,
  };
}

/** One definition staged and sealed in a transaction (not committed). */
async function stage(tx: RunTransaction, name: string, artifacts: Artifact[], index: RunIndex = EMPTY): Promise<void> {
  const { folder } = await stageDefinition(tx, index, name, artifacts);
  await sealDefinition(tx, folder, name, `reports/${name}.yaml`, [item(name, 'md', '2026-11-29T00:00:00Z')]);
}

/** A first run's outputs and state: out/gap/gap.md and poam.jsonl, both "old". */
async function publishOld(out: string, state: string): Promise<void> {
  const first = new RunTransaction(out, state);
  await stage(first, 'gap', [{ format: 'md', fileName: 'gap.md', bytes: bytes('old\n') }]);
  await first.stageFile(join(state, 'poam.jsonl'), 'old\n');
  await first.commit();
}

describe('publishing in a transaction', () => {
  it('nothing is visible until the commit; then out/<name>/ holds every artifact and its marker, and no staging is left', async () => {
    const { out, state } = folders();
    const tx = new RunTransaction(out, state);
    const { staged } = await stageDefinition(tx, EMPTY, 'gap', [
      { format: 'md', fileName: 'gap.md', bytes: bytes('# Gap\n') },
      { format: 'json', fileName: 'gap.json', bytes: bytes('{}\n') },
    ]);
    assert.equal(staged[0]?.sha256, createHash('sha256').update('# Gap\n').digest('hex'));
    assert.equal(staged[0]?.path, join('gap', 'gap.md'));
    assert.equal(existsSync(join(out, 'gap')), false, 'staged, not published');
    const folder = readdirSync(out).find((e) => e.startsWith('.staging-'))!;
    await sealDefinition(tx, join(out, folder), 'gap', 'reports/gap.yaml', [item('gap', 'md', '2026-11-29T00:00:00Z')]);
    await tx.stageFile(join(state, 'poam.jsonl'), '{"kind":"header","next_id":1}\n');
    await tx.commit();
    assert.deepEqual(readdirSync(join(out, 'gap')).sort(), [MARKER, 'gap.json', 'gap.md']);
    assert.deepEqual(readdirSync(out), ['gap']);
    assert.deepEqual(readdirSync(state), ['poam.jsonl'], 'no journal or temporary file left');
  });

  it('a run that fails before its commit leaves the previous outputs and state, and no debris', async () => {
    const { out, state } = folders();
    await publishOld(out, state);
    const second = new RunTransaction(out, state);
    await stage(second, 'gap', [{ format: 'md', fileName: 'gap.md', bytes: bytes('new\n') }]);
    await second.stageFile(join(state, 'poam.jsonl'), 'new\n');
    await assert.rejects(
      stageDefinition(second, EMPTY, 'remediation', [{ format: 'json', fileName: '../escape.json', bytes: bytes('{}') }]),
      /plain file name/,
    );
    await second.abort();
    assert.equal(readFileSync(join(out, 'gap', 'gap.md'), 'utf8'), 'old\n');
    assert.equal(readFileSync(join(state, 'poam.jsonl'), 'utf8'), 'old\n');
    assert.deepEqual(readdirSync(out), ['gap']);
    assert.deepEqual(readdirSync(state), ['poam.jsonl']);
  });

  it('a commit replaces a definition folder as a whole (no stale format left)', async () => {
    const { out, state } = folders();
    const a = new RunTransaction(out, state);
    await stage(a, 'gap', [
      { format: 'md', fileName: 'gap.md', bytes: bytes('1\n') },
      { format: 'json', fileName: 'gap.json', bytes: bytes('1\n') },
    ]);
    await a.commit();
    const b = new RunTransaction(out, state);
    await stage(b, 'gap', [{ format: 'md', fileName: 'gap.md', bytes: bytes('2\n') }]);
    await b.commit();
    assert.deepEqual(readdirSync(join(out, 'gap')).sort(), [MARKER, 'gap.md']);
  });

  it('never replaces a folder Infracast did not publish; a folder from before markers, listed in the index, is replaced', async () => {
    const { out, state } = folders();
    mkdirSync(join(out, 'controls'), { recursive: true });
    writeFileSync(join(out, 'controls', 'ac-2.yaml'), 'statement: mine\n');
    await assert.rejects(
      stageDefinition(new RunTransaction(out, state), EMPTY, 'controls', [{ format: 'md', fileName: 'controls.md', bytes: bytes('x') }]),
      (error: unknown) => error instanceof InfracastError && error.code === 'OUTPUT_NOT_OURS' && /ac-2\.yaml/.test(error.message),
    );
    assert.equal(readFileSync(join(out, 'controls', 'ac-2.yaml'), 'utf8'), 'statement: mine\n');
    mkdirSync(join(out, 'gap'));
    writeFileSync(join(out, 'gap', 'gap.md'), 'legacy\n');
    writeFileSync(join(out, 'gap', 'gap.md.sigstore.json'), '{}');
    const legacy: RunIndex = { items: [item('gap', 'md', '2026-11-01T00:00:00Z')], total: 1 };
    const tx = new RunTransaction(out, state);
    await stage(tx, 'gap', [{ format: 'md', fileName: 'gap.md', bytes: bytes('new\n') }], legacy);
    await tx.commit();
    assert.equal(readFileSync(join(out, 'gap', 'gap.md'), 'utf8'), 'new\n');
  });
});

describe('recovering what a killed run left (under the workspace lock: no run is alive)', () => {
  it('finishes a commit killed between its renames: the new outputs and state, never a mix', async () => {
    const { out, state } = folders();
    await publishOld(out, state);
    const second = new RunTransaction(out, state);
    await stage(second, 'gap', [{ format: 'md', fileName: 'gap.md', bytes: bytes('new\n') }]);
    await stage(second, 'remediation', [{ format: 'md', fileName: 'remediation.md', bytes: bytes('new\n') }]);
    await second.stageFile(join(state, 'poam.jsonl'), 'new\n');
    // Killed just after its commit point: the journal is there, one folder moved aside, nothing else done.
    const steps = (second as unknown as { steps: { op: string; from: string; to: string; aside?: string }[] }).steps;
    writeFileSync(join(state, JOURNAL), `${JSON.stringify({ run: second.run, steps })}\n`);
    const { renameSync } = await import('node:fs');
    renameSync(steps[0]!.to, steps[0]!.aside!);
    const recovery = await recoverWrites(out, state);
    assert.equal(recovery.finished, second.run);
    assert.deepEqual(recovery.published.sort(), ['gap', 'remediation']);
    assert.equal(readFileSync(join(out, 'gap', 'gap.md'), 'utf8'), 'new\n');
    assert.equal(readFileSync(join(out, 'remediation', 'remediation.md'), 'utf8'), 'new\n');
    assert.equal(readFileSync(join(state, 'poam.jsonl'), 'utf8'), 'new\n');
    assert.deepEqual(readdirSync(out).sort(), ['gap', 'remediation']);
    assert.deepEqual(readdirSync(state), ['poam.jsonl']);
  });

  it('drops what a run staged but never committed, whatever its pid; restores a legacy swap cut between its renames', async () => {
    const { out, state } = folders();
    mkdirSync(join(out, '.staging-1a2b3c4d-gap'), { recursive: true });
    writeFileSync(join(out, '.staging-1a2b3c4d-gap', 'gap.md'), 'half');
    writeFileSync(join(out, 'index.json.1a2b3c4d.tmp'), '{');
    mkdirSync(join(out, `.previous-remediation-${process.pid}`));
    writeFileSync(join(out, `.previous-remediation-${process.pid}`, 'remediation.md'), 'old\n');
    mkdirSync(join(state, 'history', 'gap', 'nist-800-171'), { recursive: true });
    writeFileSync(join(state, 'history', 'gap', 'nist-800-171', '2026-11-29T00-00-00Z.json.1a2b3c4d.tmp'), '{');
    writeFileSync(join(state, 'poam.jsonl.1a2b3c4d.tmp'), 'x');
    writeFileSync(join(out, 'notes.tmp'), 'a user file: not a pattern of ours');
    const recovery = await recoverWrites(out, state);
    assert.equal(recovery.finished, undefined);
    assert.deepEqual(readdirSync(out).sort(), ['notes.tmp', 'remediation']);
    assert.equal(readFileSync(join(out, 'remediation', 'remediation.md'), 'utf8'), 'old\n');
    assert.deepEqual(readdirSync(join(state, 'history', 'gap', 'nist-800-171')), []);
    assert.deepEqual(readdirSync(state), ['history']);
  });

  it('in an output folder outside the workspace, leaves young debris (another workspace may be running there)', async () => {
    const { out, state } = folders();
    mkdirSync(join(out, '.staging-9z9z9z9z-gap'), { recursive: true });
    await recoverWrites(out, state, { sharedOutput: true });
    assert.ok(existsSync(join(out, '.staging-9z9z9z9z-gap')));
  });
});

describe('out/index.json', () => {
  it('keeps other definitions, replaces the rendered ones, newest first, stable ids', () => {
    const first = nextIndex(EMPTY, ['reports/a.yaml', 'reports/b.yaml'], [item('a', 'md', '2026-11-01T00:00:00Z'), item('b', 'md', '2026-11-02T00:00:00Z')]);
    const index = nextIndex(first, ['reports/a.yaml'], [item('a', 'md', '2026-11-03T00:00:00Z'), item('a', 'json', '2026-11-03T00:00:00Z')]);
    const listed = index.items.map((i) => `${i.path} ${i.completed_at.slice(0, 10)}`);
    assert.deepEqual(listed.slice(0, 2).sort(), ['a/a.json 2026-11-03', 'a/a.md 2026-11-03'], 'the new items of a, newest first');
    assert.equal(listed[2], 'b/b.md 2026-11-02', 'b kept');
    assert.equal(index.total, 3);
    assert.equal(artifactId('a', 'md', '2026-11-03T00:00:00Z'), artifactId('a', 'md', '2026-11-03T00:00:00Z'));
    assert.match(artifactId('a', 'md', 'x'), /^rpt-[0-9a-f]{12}$/);
  });

  it('a truncated index is rebuilt from the published folders, never reset', async () => {
    const { out, state } = folders();
    const tx = new RunTransaction(out, state);
    await stage(tx, 'gap', [{ format: 'md', fileName: 'gap.md', bytes: bytes('x') }]);
    await stage(tx, 'remediation', [{ format: 'md', fileName: 'remediation.md', bytes: bytes('x') }]);
    await tx.commit();
    writeFileSync(join(out, 'index.json'), '{"items": [{"id": "rpt-');
    const index = readIndex(out);
    assert.match(index.rebuilt!, /index\.json is not an index .*rebuilt from the published folders/);
    assert.deepEqual(index.items.map((i) => i.path).sort(), ['gap/gap.md', 'remediation/remediation.md']);
    assert.deepEqual(rebuildIndex(out).items, index.items);
  });
});
