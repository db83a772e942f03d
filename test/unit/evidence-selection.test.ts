/** The evidence report's selection rules (reports/evidence.ts) on small inputs: scope, crosswalk, window ends. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutputDefinition } from '../../src/model/definitions.js';
import { attestationFrameworks, resolveWindow, selectEvidence } from '../../src/reports/evidence.js';
import type { AttestationArtifact, EvidenceInput } from '../../src/reports/evidence.js';

const artifact = (framework: string, requirements: string[], observedAt: string | null = '2026-10-10', attestedAt = '2026-10-15'): AttestationArtifact => ({
  attestation: { id: `att-${framework}`, framework, file: `attestations/${framework}.yaml`, requirements, objectives: [], methods: ['examine'], attestedAt },
  path: `assets/${framework}.md`,
  sha256: '0'.repeat(64),
  ...(observedAt !== null ? { observedAt } : {}),
});

function input(framework: string, artifacts: AttestationArtifact[], crosswalk = new Map<string, Record<string, string[]>>()): EvidenceInput {
  return {
    definition: { outputName: 'ev', options: { window: { from: '2026-10-01', to: '2026-10-31' } } } as unknown as OutputDefinition,
    tenant: { id: 't', name: 'T' },
    catalog: { framework, name: framework, release: 'r', verified: false, controlIds: new Set(['C-1']) },
    crosswalk,
    artifacts,
    findings: [],
    sources: [],
    mappings: [],
    generatedAt: '2026-11-29T00:00:00Z',
    provenance: { toolVersion: 'x', catalogs: [], inputs: [], generatedAt: '2026-11-29T00:00:00Z', coverage: [] },
  };
}

describe('evidence selection', () => {
  it('a date-only to is the end of that day, UTC; a date-only from its start', () => {
    assert.deepEqual(resolveWindow({ from: '2026-10-01', to: '2026-10-31' }), {
      written: { from: '2026-10-01', to: '2026-10-31' },
      from: '2026-10-01T00:00:00.000Z',
      to: '2026-10-31T23:59:59.999Z',
    });
    assert.equal(resolveWindow({ from: '2026-10-01T05:00:00+02:00', to: '2026-10-02T00:00:00Z' }).from, '2026-10-01T03:00:00.000Z');
  });

  it('SP 800-53 frameworks take nist-800-53 and nist-800-171 attestations; 800-171 does not take 800-53 ones', () => {
    assert.deepEqual([...attestationFrameworks('fedramp-high').keys()], ['fedramp-high', 'nist-800-53', 'nist-800-171']);
    assert.deepEqual([...attestationFrameworks('cmmc-l2').keys()], ['cmmc-l2', 'nist-800-171']);
    const selection = selectEvidence(input('nist-800-171', [artifact('nist-800-53', ['AC-2']), artifact('nist-800-171', ['3.1.1'], '2026-10-31T23:00:00Z')]));
    assert.deepEqual(
      selection.entries.map((e) => e.source),
      ['assets/nist-800-171.md'],
    );
    assert.match(selection.excluded[0]!.reason, /attests nist-800-53, which is not evidence for nist-800-171/);
  });

  it("a custom catalog's crosswalk brings in the attestations of the requirements it names, with its own control ids", () => {
    const crosswalk = new Map([['C-1', { 'nist-800-53': ['ac-2'] }]]);
    const selection = selectEvidence(input('custom', [artifact('nist-800-53', ['AC-2']), artifact('soc2', ['CC1.1'])], crosswalk));
    assert.deepEqual(
      selection.entries.map((e) => [e.source, e.controls]),
      [['assets/nist-800-53.md', { 'nist-800-53': ['AC-2'], custom: ['C-1'] }]],
    );
    assert.deepEqual(
      selection.excluded.map((x) => x.source),
      ['assets/soc2.md'],
    );
  });

  it("an artifact without observed_at is dated by its attestation's attested_at, and says so", () => {
    const inside = selectEvidence(input('nist-800-171', [artifact('nist-800-171', ['3.1.1'], null, '2026-10-15')]));
    assert.deepEqual(
      inside.entries.map((e) => [e.source, e.observedAt, e.observedAtFrom]),
      [['assets/nist-800-171.md', '2026-10-15T00:00:00.000Z', 'attested_at']],
    );
    assert.deepEqual(inside.excluded, []);
    // Its own observed_at wins, and then nothing is marked.
    const own = selectEvidence(input('nist-800-171', [artifact('nist-800-171', ['3.1.1'], '2026-10-10', '2026-10-15')]));
    assert.deepEqual(
      own.entries.map((e) => [e.observedAt, e.observedAtFrom]),
      [['2026-10-10T00:00:00.000Z', undefined]],
    );
    // attested_at outside the window: excluded, and the reason names where the date came from.
    const outside = selectEvidence(input('nist-800-171', [artifact('nist-800-171', ['3.1.1'], null, '2026-11-02')]));
    assert.deepEqual(outside.entries, []);
    assert.equal(outside.excluded[0]!.reason, 'observed 2026-11-02 (attested_at: the entry records no observed_at), outside the window');
  });
});
