/** Control status, counts, score and coverage (spec/evaluation.md sections 3 and 4). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Control } from '../../src/model/control.js';
import { evaluateFramework, globMatches } from '../../src/model/evaluation.js';
import type { AttestationRecord, EvaluationInput, ExceptionRecord, MappingRule } from '../../src/model/evaluation.js';
import type { Finding } from '../../src/model/finding.js';
import { deriveView } from '../../src/model/views.js';

const at = new Date('2026-11-29T00:00:00Z');
const control = (id: string, framework = 'nist-800-53'): Control => ({ id, title: `Control ${id}`, family: id.slice(0, 2), framework });

function finding(rule: string, result: Finding['result'], controls: Record<string, string[]> = {}, extra: Partial<Finding> = {}): Finding {
  return {
    identity: `${rule}-${result}-${extra.resource?.id ?? 'r'}`,
    nativeId: rule,
    title: rule,
    result,
    state: 'open',
    severity: 'MEDIUM',
    severitySource: { value: 5, scale: 'cvss' },
    controls,
    ruleId: rule,
    tool: 'prowler',
    resource: { id: 'arn:aws:s3:::bucket' },
    sources: [],
    ...extra,
  };
}

const attestation = (ids: string[], result: AttestationRecord['result'], extra: Partial<AttestationRecord> = {}): AttestationRecord => ({
  id: `a-${ids.join('')}-${result}`,
  framework: 'nist-800-53',
  requirements: ids,
  result,
  attestedAt: '2026-10-01',
  ...extra,
});

function run(partial: Partial<EvaluationInput> & { controls: Control[] }) {
  return evaluateFramework({ framework: 'nist-800-53', findings: [], attestations: [], exceptions: [], mappings: [], at, ...partial });
}

const statusOf = (result: ReturnType<typeof run>, id: string): string => result.results.find((r) => r.control.id === id)?.status ?? 'missing';

describe('control status (evaluation.md section 4)', () => {
  it('5. no evidence -> not-assessed, never passing', () => {
    assert.equal(statusOf(run({ controls: [control('AC-2')] }), 'AC-2'), 'not-assessed');
  });
  it('2. an open FAIL naming the control makes it failing, in any id form the source uses', () => {
    const r = run({ controls: [control('AC-2'), control('AC-2(4)')], findings: [finding('x', 'FAIL', { 'nist-800-53': ['ac_2_4'] })] });
    assert.equal(statusOf(r, 'AC-2(4)'), 'failing');
    assert.equal(statusOf(r, 'AC-2'), 'not-assessed');
  });
  it('2. failing wins over an attestation of met, and the conflict is recorded', () => {
    const r = run({ controls: [control('AC-2')], findings: [finding('x', 'FAIL', { 'nist-800-53': ['AC-2'] })], attestations: [attestation(['AC-2'], 'met')] });
    assert.equal(statusOf(r, 'AC-2'), 'failing');
    assert.equal(r.results[0]?.notes.conflict, true);
  });
  it('3. attestations decide otherwise: met, partial, not-met, not-applicable', () => {
    const r = run({
      controls: ['AC-1', 'AC-2', 'AC-3', 'AC-4'].map((id) => control(id)),
      attestations: [
        attestation(['AC-1'], 'met'),
        attestation(['AC-2'], 'partial', { partialCondition: 'other' }),
        attestation(['AC-3'], 'not-met'),
        attestation(['AC-4'], 'not-applicable', { justification: 'n/a' }),
      ],
    });
    assert.deepEqual(
      r.results.map((x) => x.status),
      ['passing', 'failing', 'failing', 'not-applicable'],
    );
    assert.equal(r.counts.attested, 1);
  });
  it('4. PASS findings make a control passing only through a sufficient mapping; otherwise they support it', () => {
    const mappings: MappingRule[] = [
      { rule: 'iam_*', controls: { 'nist-800-53': ['IA-2'] }, sufficient: true, source: 'mappings/m.yaml' },
      { rule: 'cloudtrail_*', controls: { 'nist-800-53': ['AU-2'] }, sufficient: false, source: 'mappings/m.yaml' },
    ];
    const r = run({
      controls: [control('IA-2'), control('AU-2')],
      findings: [finding('iam_root_mfa', 'PASS'), finding('cloudtrail_enabled', 'PASS')],
      mappings,
    });
    assert.equal(statusOf(r, 'IA-2'), 'passing');
    assert.equal(statusOf(r, 'AU-2'), 'not-assessed');
    assert.equal(r.results[1]?.notes.supporting?.length, 1);
    assert.deepEqual(r.results[0]?.notes.mappedBy, ['mappings/m.yaml']);
  });
  it('1. an approved false positive removes the findings it matches (globs), a pending one does not', () => {
    const findings = [finding('s3_public', 'FAIL', { 'nist-800-53': ['AC-3'] }, { resource: { id: 'arn:aws:s3:::static-site' } })];
    const fp = (approval: ExceptionRecord['approval']): ExceptionRecord => ({
      id: 'fp',
      type: 'false-positive',
      approval,
      findings: [{ rule: 's3_*', resource: '*static*' }],
    });
    assert.equal(statusOf(run({ controls: [control('AC-3')], findings, exceptions: [fp('approved')] }), 'AC-3'), 'not-assessed');
    const pending = run({ controls: [control('AC-3')], findings, exceptions: [fp('pending')] });
    assert.equal(statusOf(pending, 'AC-3'), 'failing');
    assert.equal(pending.results[0]?.notes.pending?.length, 1);
  });
  it('risk-accepted and operational-requirement exceptions leave the control failing, labelled', () => {
    const r = run({
      controls: [control('SC-8')],
      findings: [finding('elb_tls', 'FAIL', { 'nist-800-53': ['SC-8'] })],
      exceptions: [{ id: 'ra', type: 'risk-accepted', approval: 'approved', controls: ['SC-8'] }],
    });
    assert.equal(statusOf(r, 'SC-8'), 'failing');
    assert.equal(r.results[0]?.notes.deviations?.[0]?.id, 'ra');
  });
  it('expired attestations and exceptions do not apply and are reported', () => {
    const r = run({
      controls: [control('AT-2'), control('AC-3')],
      attestations: [attestation(['AT-2'], 'met', { expires: '2026-11-01' })],
      findings: [finding('s3_public', 'FAIL', { 'nist-800-53': ['AC-3'] })],
      exceptions: [{ id: 'fp', type: 'false-positive', approval: 'approved', expires: '2026-06-30', findings: [{ rule: 's3_public' }] }],
    });
    assert.equal(statusOf(r, 'AT-2'), 'not-assessed');
    assert.equal(statusOf(r, 'AC-3'), 'failing');
    assert.equal(r.expiredAttestations.length, 1);
    assert.equal(r.expiredExceptions.length, 1);
  });
  it('MANUAL, ERROR, resolved and suppressed results never make a control failing or passing', () => {
    const r = run({
      controls: [control('CM-6')],
      findings: [
        finding('a', 'MANUAL', { 'nist-800-53': ['CM-6'] }),
        finding('b', 'ERROR', { 'nist-800-53': ['CM-6'] }),
        finding('c', 'FAIL', { 'nist-800-53': ['CM-6'] }, { state: 'resolved' }),
      ],
    });
    assert.equal(statusOf(r, 'CM-6'), 'not-assessed');
  });
  it('counts add up; score is passing / assessed, printed with coverage = assessed / total', () => {
    const r = run({
      controls: ['AC-1', 'AC-2', 'AC-3', 'AC-4'].map((id) => control(id)),
      attestations: [attestation(['AC-1', 'AC-2'], 'met'), attestation(['AC-3'], 'not-met')],
    });
    assert.deepEqual(r.counts, { total: 4, passing: 2, failing: 1, notAssessed: 1, notApplicable: 0, attested: 2 });
    assert.equal(r.score, 2 / 3);
    assert.equal(r.coverage, 3 / 4);
  });
  it('findings naming no control are counted as unmapped, never dropped', () => {
    const r = run({ controls: [control('AC-2')], findings: [finding('x', 'FAIL'), finding('y', 'FAIL', { 'nist-800-53': ['AC-2'] })] });
    assert.equal(r.unmapped, 1);
  });
});

describe('mappings and shared catalogs (evaluation.md section 3)', () => {
  it('FedRAMP baselines are SP 800-53 controls: evidence naming nist-800-53 ids counts for them', () => {
    const r = evaluateFramework({
      framework: 'fedramp-moderate',
      controls: [control('AC-2', 'fedramp-moderate')],
      findings: [finding('x', 'FAIL', { 'nist-800-53': ['AC-2'] })],
      attestations: [],
      exceptions: [],
      mappings: [],
      at,
    });
    assert.equal(r.results[0]?.status, 'failing');
  });
  it('a mapping rule matches the tool case-insensitively; the first rule for a framework wins (workspace before built-in)', () => {
    const mappings: MappingRule[] = [
      { rule: 'CVE-*', tool: 'trivy', controls: { 'nist-800-53': ['RA-5'] }, sufficient: false, source: 'workspace' },
      { rule: 'CVE-*', controls: { 'nist-800-53': ['SI-2'] }, sufficient: false, source: 'built-in' },
    ];
    const r = run({ controls: [control('RA-5'), control('SI-2')], findings: [finding('CVE-2024-1', 'FAIL', {}, { tool: 'Trivy' })], mappings });
    assert.equal(statusOf(r, 'RA-5'), 'failing');
    assert.equal(statusOf(r, 'SI-2'), 'not-assessed');
  });
  it('globs match whole ids only', () => {
    assert.equal(globMatches('iam_*', 'iam_root'), true);
    assert.equal(globMatches('iam_*', 'xiam_root'), false);
    assert.equal(globMatches('CVE-202?-1', 'CVE-2024-1'), true);
    assert.equal(globMatches('a.b', 'axb'), false);
  });
});

describe('views over SP 800-171 (FAR, CMMC)', () => {
  const base = evaluateFramework({
    framework: 'nist-800-171',
    controls: ['3.10.3', '3.10.4', '3.10.5', '3.1.1'].map((id) => control(id, 'nist-800-171')),
    findings: [],
    attestations: [{ ...attestation(['3.10.3', '3.10.4', '3.1.1'], 'met'), framework: 'nist-800-171' }],
    exceptions: [],
    mappings: [],
    at,
  });
  const direct = evaluateFramework({
    framework: 'far-52204-21',
    controls: [control('b.1.i', 'far-52204-21'), control('b.1.ix', 'far-52204-21')],
    findings: [],
    attestations: [],
    exceptions: [],
    mappings: [],
    at,
  });
  const mapsTo = new Map([
    ['b.1.i', ['3.1.1']],
    ['b.1.ix', ['3.10.3', '3.10.4', '3.10.5']],
  ]);
  it('a FAR requirement is met when every 800-171 requirement it maps to is met, and names them', () => {
    const view = deriveView(direct, base, mapsTo);
    assert.equal(view.results[0]?.status, 'passing');
    assert.equal(view.results[0]?.derivedFrom, 'nist-800-171 3.1.1');
    assert.equal(view.results[1]?.status, 'not-assessed', '3.10.5 has no evidence');
  });
  it('direct evidence on the view id counts, and failing wins', () => {
    const directFail = evaluateFramework({
      framework: 'far-52204-21',
      controls: [control('b.1.i', 'far-52204-21'), control('b.1.ix', 'far-52204-21')],
      findings: [],
      attestations: [
        { ...attestation(['b.1.i'], 'not-met'), framework: 'far-52204-21' },
        { ...attestation(['b.1.ix'], 'met'), framework: 'far-52204-21' },
      ],
      exceptions: [],
      mappings: [],
      at,
    });
    const view = deriveView(directFail, base, mapsTo);
    assert.deepEqual(
      view.results.map((r) => r.status),
      ['failing', 'passing'],
    );
  });
});
