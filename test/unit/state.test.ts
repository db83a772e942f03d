/** The state folder and history snapshots (spec/evaluation.md section 7). */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { prepareState, readPoam, readSignatureState, readSnapshots, readStateVersion, snapshotPath, writePoam, writeSnapshot } from '../../src/app/state.js';
import { InfracastError } from '../../src/errors.js';
import { diffSnapshots, previousSnapshot } from '../../src/model/history.js';
import type { HistorySnapshot } from '../../src/model/history.js';
import { updatePoam } from '../../src/model/poam.js';
import type { Finding } from '../../src/model/finding.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'infracast-state-'));

function snapshot(generatedAt: string, failing: string[], extra: Partial<HistorySnapshot> = {}): HistorySnapshot {
  return {
    definition: 'monthly',
    framework: 'nist-800-53',
    generated_at: generatedAt,
    counts: { passing: 10 - failing.length, failing: failing.length, not_assessed: 2, not_applicable: 0, attested: 1, total: 12 },
    score: (10 - failing.length) / 10,
    coverage: 10 / 12,
    failing_controls: failing,
    ...extra,
  };
}

describe('history snapshots', () => {
  const snapshots = [
    snapshot('2026-01-01T00:00:00Z', ['AC-2']),
    snapshot('2026-02-01T00:00:00Z', ['AC-2', 'CM-6']),
    snapshot('2026-03-01T00:00:00Z', ['CM-6']),
    snapshot('2026-02-15T00:00:00Z', [], { framework: 'fedramp-moderate' }),
    snapshot('2026-02-20T00:00:00Z', [], { definition: 'other' }),
  ];
  it('previous = the latest strictly before generated_at, of the same definition and framework', () => {
    assert.equal(previousSnapshot(snapshots, 'monthly', 'nist-800-53', '2026-03-01T00:00:00Z')?.generated_at, '2026-02-01T00:00:00Z');
    assert.equal(previousSnapshot(snapshots, 'monthly', 'nist-800-53', '2026-03-01T00:00:01Z')?.generated_at, '2026-03-01T00:00:00Z');
    assert.equal(previousSnapshot(snapshots, 'monthly', 'nist-800-53', '2026-01-01T00:00:00Z'), undefined);
    // Instants compare as instants, whatever the offset.
    assert.equal(previousSnapshot(snapshots, 'monthly', 'nist-800-53', '2026-02-01T01:00:00+02:00')?.generated_at, '2026-01-01T00:00:00Z');
  });
  it('diff: newly failing, newly passing, count deltas', () => {
    const diff = diffSnapshots(snapshots[1], snapshots[2]!);
    assert.deepEqual(diff.newly_failing, []);
    assert.deepEqual(diff.newly_passing, ['AC-2']);
    assert.equal(diff.counts.failing, -1);
    assert.equal(diff.counts.passing, 1);
    assert.equal(diff.sprs_score, null);
    const first = diffSnapshots(undefined, snapshots[0]!);
    assert.deepEqual(first.newly_failing, ['AC-2']);
    assert.equal(first.score, null);
    assert.equal(diffSnapshots(snapshot('a', [], { sprs_score: 80 }), snapshot('b', [], { sprs_score: 88 })).sprs_score, 8);
  });
});

describe('the state folder', () => {
  it('writes one history file per snapshot; the same snapshot again changes nothing (bytes and mtime)', async () => {
    const dir = tmp();
    const s = snapshot('2026-03-01T10:20:30Z', ['CM-6', 'AC-2'], { sprs_score: 88 });
    assert.equal(await writeSnapshot(dir, s), 'written');
    const file = snapshotPath(dir, s);
    assert.equal(file, join(dir, 'history', 'monthly', 'nist-800-53', '2026-03-01T10-20-30Z.json'));
    const past = new Date('2020-01-01T00:00:00Z');
    utimesSync(file, past, past);
    const bytes = readFileSync(file);
    assert.equal(await writeSnapshot(dir, { ...s }), 'unchanged');
    assert.deepEqual(readFileSync(file), bytes);
    assert.equal(statSync(file).mtimeMs, past.getTime());
    const text = bytes.toString('utf8');
    assert.ok(text.endsWith('}\n') && !text.includes('\r'));
    assert.deepEqual(Object.keys(JSON.parse(text) as object), [
      'counts',
      'coverage',
      'definition',
      'failing_controls',
      'framework',
      'generated_at',
      'score',
      'sprs_score',
    ]);
    await writeSnapshot(dir, snapshot('2026-02-01T00:00:00Z', ['AC-2']));
    const all = await readSnapshots(dir, 'monthly', 'nist-800-53');
    assert.deepEqual(
      all.map((x) => x.generated_at),
      ['2026-02-01T00:00:00Z', '2026-03-01T10:20:30Z'],
    );
    assert.equal(previousSnapshot(all, 'monthly', 'nist-800-53', s.generated_at)?.generated_at, '2026-02-01T00:00:00Z');
    assert.deepEqual(readdirSync(dir).sort(), ['.gitattributes', '.gitignore', 'history', 'version.json']);
    assert.equal(readFileSync(join(dir, 'version.json'), 'utf8'), '{"state_version":1}\n');
  });

  it('names outside [A-Za-z0-9._-] cannot leave the history folder', () => {
    const file = snapshotPath('/s', { definition: '../x', framework: 'a/b', generated_at: '2026-01-01T00:00:00Z' });
    assert.equal(file, join('/s', 'history', '%2E.%2Fx', 'a%2Fb', '2026-01-01T00-00-00Z.json'));
  });

  it('poam.jsonl: a header, one sorted item per line, round-trips; unchanged stores are not rewritten', async () => {
    const dir = tmp();
    assert.deepEqual(await readPoam(dir), { next_id: 1, items: [] });
    const findings: Finding[] = ['b', 'a'].map((rule) => ({
      identity: rule,
      nativeId: rule,
      title: rule,
      result: 'FAIL',
      state: 'open',
      severity: 'LOW',
      severitySource: { value: 'low', scale: 'x' },
      controls: {},
      ruleId: rule,
      tool: 'prowler',
      resource: { id: 'r' },
      sources: [],
    }));
    const store = updatePoam(undefined, { findings, exceptions: [], at: new Date('2026-01-01T00:00:00Z') });
    assert.equal(await writePoam(dir, store), 'written');
    const text = readFileSync(join(dir, 'poam.jsonl'), 'utf8');
    const lines = text.split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[0], '{"kind":"header","next_id":3}');
    assert.equal(lines[3], '');
    assert.match(lines[1]!, /"id":"POAM-1"/);
    assert.deepEqual(await readPoam(dir), store);
    assert.equal(await writePoam(dir, await readPoam(dir)), 'unchanged');
  });

  it('a merge that lost the other side of the header still keeps next_id past every id; conflict markers are refused', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'poam.jsonl'), '{"kind":"header","next_id":2}\n{"id":"POAM-1","status":"open"}\n{"id":"POAM-2","status":"closed"}\n');
    assert.equal((await readPoam(dir)).next_id, 3);
    writeFileSync(join(dir, 'poam.jsonl'), '<<<<<<< HEAD\n{"kind":"header","next_id":2}\n');
    await assert.rejects(readPoam(dir), (e: unknown) => e instanceof InfracastError && e.code === 'STATE_INVALID' && /poam\.jsonl:1/.test(e.message));
  });

  it('refuses a state folder from a newer Infracast, clearly', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'version.json'), '{"state_version": 2}\n');
    const newer = (e: unknown) =>
      e instanceof InfracastError && e.code === 'STATE_VERSION_UNSUPPORTED' && /state_version 2 is newer/.test(e.message) && e.hints.length > 0;
    await assert.rejects(readPoam(dir), newer);
    await assert.rejects(writeSnapshot(dir, snapshot('2026-01-01T00:00:00Z', [])), newer);
    await assert.rejects(readSnapshots(dir, 'monthly', 'nist-800-53'), newer);
    writeFileSync(join(dir, 'version.json'), '{"version": 1}\n');
    await assert.rejects(readStateVersion(dir), (e: unknown) => e instanceof InfracastError && e.code === 'STATE_INVALID');
  });

  it('runs the migrations from an older version in order, then records the current one', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'version.json'), '{"state_version": 1}\n');
    const ran: number[] = [];
    const migrations = { 1: async () => void ran.push(1), 2: async () => void ran.push(2) };
    assert.equal(await prepareState(dir, migrations, 3), 1);
    assert.deepEqual(ran, [1, 2]);
    assert.equal(readFileSync(join(dir, 'version.json'), 'utf8'), '{"state_version":3}\n');
    // This Infracast (version 1) then refuses it.
    await assert.rejects(readPoam(dir), (e: unknown) => e instanceof InfracastError && e.code === 'STATE_VERSION_UNSUPPORTED');
    const gap = tmp();
    writeFileSync(join(gap, 'version.json'), '{"state_version": 1}\n');
    await assert.rejects(prepareState(gap, {}, 2), (e: unknown) => e instanceof InfracastError && /no migration from state_version 1 to 2/.test(e.message));
    const fresh = tmp();
    assert.equal(await prepareState(fresh), undefined);
    assert.equal(await readStateVersion(fresh), 1);
  });

  it('never takes a damaged state file as new: an empty or cut-off poam.jsonl, a signature state without artifacts are refused with the file, the line and the fix', async () => {
    const dir = tmp();
    const refused = (pattern: RegExp) => (e: unknown) =>
      e instanceof InfracastError && e.code === 'STATE_INVALID' && pattern.test(e.message) && /git checkout -- <file>/.test(e.hints.join(' '));
    writeFileSync(join(dir, 'poam.jsonl'), '');
    await assert.rejects(readPoam(dir), refused(/poam\.jsonl: is empty/));
    writeFileSync(join(dir, 'poam.jsonl'), '\n\n');
    await assert.rejects(readPoam(dir), refused(/poam\.jsonl: is empty/));
    // An interrupted copy: the last line cut off.
    writeFileSync(join(dir, 'poam.jsonl'), '{"kind":"header","next_id":3}\n{"id":"POAM-1","status":"open"}\n{"id":"POAM-2","sta');
    await assert.rejects(readPoam(dir), refused(/poam\.jsonl:3: is cut off/));
    for (const text of ['{"artifacts": null}', '{"artifacts": []}', '{}', '{"artifacts": {"gap/gap.md": {"source_sha256": "x"}}}', '{"artif']) {
      writeFileSync(join(dir, 'signatures.json'), text);
      await assert.rejects(readSignatureState(dir), refused(/signatures\.json: not the signature state Infracast writes/), text);
    }
    // Absent is new.
    assert.deepEqual(await readSignatureState(tmp()), {});
    assert.deepEqual((await readPoam(tmp())).items, []);
  });
});
