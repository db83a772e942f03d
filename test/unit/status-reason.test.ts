/**
 * Every status says why (issue 11, "reports say why"), and the rules behind the reasons:
 * documentary requirements, attestation conflicts, findings outside the baseline, views.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { documentaryControls } from '../../src/catalogs/documentary.js';
import { getCatalog } from '../../src/catalogs/index.js';
import { attestationConflicts, decideAttestations } from '../../src/model/attestations.js';
import type { Control } from '../../src/model/control.js';
import { evaluateFramework } from '../../src/model/evaluation.js';
import type { AttestationRecord, EvaluationInput, MappingRule } from '../../src/model/evaluation.js';
import type { Finding } from '../../src/model/finding.js';
import { deriveView } from '../../src/model/views.js';

const at = new Date('2026-11-29T00:00:00Z');
const control = (id: string, title = id): Control => ({ id, title, family: id.slice(0, 2), framework: 'nist-800-53' });

function finding(rule: string, controls: string[], result: Finding['result'] = 'FAIL', resource = `arn:${rule}`): Finding {
  return {
    identity: `${rule}-${resource}`,
    nativeId: rule,
    title: rule,
    result,
    state: 'open',
    severity: 'MEDIUM',
    severitySource: { value: 'MEDIUM', scale: 'test' },
    controls: controls.length > 0 ? { 'nist-800-53': controls } : {},
    ruleId: rule,
    resource: { id: resource },
    sources: [],
  };
}

const attest = (id: string, requirements: string[], result: AttestationRecord['result'], attestedAt = '2026-10-01'): AttestationRecord => ({
  id,
  framework: 'nist-800-53',
  requirements,
  result,
  attestedAt,
  source: `attestations/${id}.yaml:1`,
});

function evaluate(partial: Partial<EvaluationInput> & { controls: Control[] }) {
  return evaluateFramework({ framework: 'nist-800-53', findings: [], attestations: [], exceptions: [], mappings: [], at, ...partial });
}
const reasonOf = (e: ReturnType<typeof evaluate>, id: string) => e.results.find((r) => r.control.id === id)!.notes.reason;

describe('the reason of every status (evaluation.md section 4, in order)', () => {
  it('open FAIL findings: the rules with their resource counts, and the mapping only for findings that count through it', () => {
    const mapping: MappingRule = {
      rule: 'CVE-*',
      tool: 'trivy',
      controls: { 'nist-800-53': ['SI-2'] },
      sufficient: false,
      source: 'mappings/acme-scanners.yaml',
    };
    const viaMapping = { ...finding('CVE-2024-6119', []), tool: 'trivy' };
    const e = evaluate({
      controls: [control('SI-2'), control('AC-2')],
      findings: [viaMapping, finding('ec2_patch', ['SI-2'], 'FAIL', 'i-1'), finding('ec2_patch', ['SI-2'], 'FAIL', 'i-2'), finding('iam_x', ['AC-2'])],
      mappings: [mapping, { rule: 'iam_*', controls: { 'nist-800-53': ['AC-2'] }, sufficient: false, source: 'mappings/m.yaml' }],
    });
    assert.deepEqual(reasonOf(e, 'SI-2'), {
      basis: 'open-findings',
      text: '3 open FAIL findings of 2 rules: ec2_patch (2 resources), CVE-2024-6119 (1 resource), through mapping mappings/acme-scanners.yaml: CVE-*',
    });
    // iam_x names AC-2 itself: the mapping that repeats it is not why it counts.
    assert.equal(reasonOf(e, 'AC-2').text, '1 open FAIL finding of 1 rule: iam_x (1 resource)');
  });

  it('an open FAIL against an attestation of met: the findings decide, the contradiction is named', () => {
    const e = evaluate({ controls: [control('AU-9')], findings: [finding('s3_versioning', ['AU-9'])], attestations: [attest('att-au', ['AU-9'], 'met')] });
    assert.match(reasonOf(e, 'AU-9').text, /^1 open FAIL finding .*; contradicts attestation att-au: met on 2026-10-01 \(attestations\/att-au\.yaml:1\)$/);
  });

  it('an attestation: id, result (with the partial condition), date and file', () => {
    const partial = { ...attest('att-ia', ['IA-2'], 'partial'), partialCondition: 'mfa-remote-and-privileged-only' };
    const e = evaluate({ controls: [control('IA-2')], attestations: [partial] });
    assert.deepEqual(reasonOf(e, 'IA-2'), {
      basis: 'attestation',
      text: 'attestation att-ia: partial (mfa-remote-and-privileged-only) on 2026-10-01 (attestations/att-ia.yaml:1)',
    });
  });

  it('PASS findings through a sufficient mapping name the mapping; without one they only support', () => {
    const e = evaluate({
      controls: [control('AC-11'), control('AC-12')],
      findings: [finding('okta.session-timeout', [], 'PASS'), finding('okta.idle-max', ['AC-12'], 'PASS'), finding('okta.manual', ['AC-12'], 'MANUAL')],
      mappings: [{ rule: 'okta.session-*', controls: { 'nist-800-53': ['AC-11'] }, sufficient: true, source: 'mappings/acme-scanners.yaml' }],
    });
    assert.deepEqual(reasonOf(e, 'AC-11'), {
      basis: 'sufficient-mapping',
      text: 'passes through mapping mappings/acme-scanners.yaml: okta.session-* marked sufficient (1 PASS finding)',
    });
    assert.deepEqual(reasonOf(e, 'AC-12'), {
      basis: 'supporting-only',
      text: '1 PASS finding supports it, but no mapping marks it sufficient; 1 finding asks for a manual assessment (MANUAL or ERROR)',
    });
  });

  it('nothing at all', () => {
    assert.deepEqual(reasonOf(evaluate({ controls: [control('PE-3')] }), 'PE-3'), {
      basis: 'no-evidence',
      text: 'no evidence: no attestation and no finding names it',
    });
  });

  it('a false positive that removed findings is said', () => {
    const e = evaluate({
      controls: [control('AC-3')],
      findings: [finding('s3_public', ['AC-3'])],
      attestations: [attest('att-ac', ['AC-3'], 'met')],
      exceptions: [{ id: 'exc-fp', type: 'false-positive', approval: 'approved', findings: [{ rule: 's3_public' }] }],
    });
    assert.equal(reasonOf(e, 'AC-3').text, 'attestation att-ac: met on 2026-10-01 (attestations/att-ac.yaml:1); 1 finding removed as false positive (exc-fp)');
  });
});

describe('documentary requirements are decided by attestation only (evaluation.md 5)', () => {
  const catalog = getCatalog('nist-800-53', { baseline: 'moderate' });
  const controls = catalog.controls.map((c) => ({ id: c.id, title: c.title, family: c.family, framework: 'nist-800-53' }));
  const documentary = documentaryControls('nist-800-53', catalog.controls);

  it('the documentary set: every -1 policy control and the plan/strategy controls, never an enhancement', () => {
    for (const id of ['AC-1', 'SI-1', 'PL-2', 'CA-5', 'CP-2', 'IR-8', 'CM-9']) assert.ok(documentary.has(id), id);
    for (const id of ['AC-2', 'SI-2', 'CP-2(1)', 'CA-7', 'PL-4']) assert.ok(!documentary.has(id), id);
    assert.deepEqual([...documentaryControls('nist-800-171', getCatalog('nist-800-171').controls)], ['3.12.2', '3.12.4']);
  });

  it('a failing check Prowler maps to SI-1 is shown, never decides it: not assessed without an attestation, passing with one', () => {
    const guardduty = finding('guardduty_is_enabled', ['SI-1', 'SI-4']);
    const without = evaluateFramework({
      framework: 'nist-800-53',
      controls,
      findings: [guardduty],
      attestations: [],
      exceptions: [],
      mappings: [],
      documentary,
      at,
    });
    const si1 = without.results.find((r) => r.control.id === 'SI-1')!;
    assert.equal(si1.status, 'not-assessed');
    assert.deepEqual(si1.findings, [guardduty], 'shown');
    assert.match(si1.notes.reason.text, /documentary requirement with no valid attestation; 1 mapped finding \(1 open FAIL\) shown as supporting evidence/);
    assert.equal(without.results.find((r) => r.control.id === 'SI-4')!.status, 'failing');
    const withPolicy = evaluateFramework({
      framework: 'nist-800-53',
      controls,
      findings: [guardduty],
      attestations: [attest('att-si-policy', ['SI-1'], 'met')],
      exceptions: [],
      mappings: [],
      documentary,
      at,
    });
    assert.equal(withPolicy.results.find((r) => r.control.id === 'SI-1')!.status, 'passing');
  });

  it('findings that name only controls outside the baseline are counted, never lost', () => {
    // AC-2(11) and SC-7(21) are HIGH-only; AC-2 is in MODERATE.
    const outside = [finding('a', ['AC-2(11)']), finding('b', ['SC-7(21)', 'AC-2(11)'])];
    const inside = [finding('c', ['AC-2', 'AC-2(11)'])];
    const e = evaluateFramework({
      framework: 'nist-800-53',
      controls,
      findings: [...outside, ...inside, finding('d', [])],
      attestations: [],
      exceptions: [],
      mappings: [],
      at,
    });
    assert.equal(e.outsideScope, 2);
    assert.equal(e.unmapped, 1);
  });
});

describe('contradictory attestations: the more conservative result decides, whatever the order (evaluation.md 4.3)', () => {
  it('same date: not-met over partial over met over not-applicable; the latest date first', () => {
    const met = attest('att-b-met', ['AC-2'], 'met');
    const notMet = attest('att-a-not-met', ['AC-2'], 'not-met');
    const partial = attest('att-c-partial', ['AC-2'], 'partial');
    const later = attest('att-later', ['AC-2'], 'met', '2026-11-01');
    for (const order of [
      [met, notMet, partial],
      [partial, met, notMet],
      [notMet, partial, met],
    ]) {
      const decision = decideAttestations(order);
      assert.equal(decision.deciding, notMet);
      assert.deepEqual(decision.conflicting.map((a) => a.id).sort(), ['att-b-met', 'att-c-partial']);
      assert.equal(decideAttestations([...order, later]).deciding, later, 'a later assessment decides, without conflict');
      assert.deepEqual(decideAttestations([...order, later]).conflicting, []);
    }
    assert.equal(decideAttestations([attest('x', ['AC-2'], 'not-applicable'), met]).deciding, met);
  });

  it('conflicts are found per requirement and date, ids folded by the caller', () => {
    const conflicts = attestationConflicts(
      [attest('a', ['AC-2', 'AC-3'], 'met'), attest('b', ['AC-2'], 'not-met'), attest('c', ['AC-3'], 'met')],
      (a) => a.requirements,
    );
    assert.deepEqual(
      conflicts.map((c) => [c.requirement, c.date, c.attestations.map((a) => a.id)]),
      [['AC-2', '2026-10-01', ['b', 'a']]],
    );
  });
});

describe('views carry the reason of the requirements they are made of', () => {
  it('a CMMC practice decided by its SP 800-171 requirement says so', () => {
    const base = evaluateFramework({
      framework: 'nist-800-171',
      controls: [{ id: '3.6.3', title: 'IR testing', family: 'IR', framework: 'nist-800-171' }],
      findings: [],
      attestations: [{ ...attest('att-ir', ['3.6.3'], 'not-met'), framework: 'nist-800-171' }],
      exceptions: [],
      mappings: [],
      at,
    });
    const direct = evaluateFramework({
      framework: 'cmmc-l2',
      controls: [{ id: 'IR.L2-3.6.3', title: 'IR testing', family: 'IR', framework: 'cmmc-l2' }],
      findings: [],
      attestations: [],
      exceptions: [],
      mappings: [],
      at,
    });
    const view = deriveView(direct, base, new Map([['IR.L2-3.6.3', ['3.6.3']]]));
    assert.deepEqual(view.results[0]!.notes.reason, {
      basis: 'view',
      text: 'as nist-800-171 3.6.3: attestation att-ir: not-met on 2026-10-01 (attestations/att-ir.yaml:1)',
    });
  });
});
