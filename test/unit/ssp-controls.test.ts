/**
 * The SSP's control section rules (reports/ssp-controls.ts): where a statement and the automated
 * evidence disagree, the Appendix A origination boxes ("-1" controls, hybrid, shared, inherited),
 * part labels, and what a control without a statement shows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { controlImplementationOf } from '../../src/model/control-implementation.js';
import type { EvaluatedControl } from '../../src/model/evaluation.js';
import type { Finding } from '../../src/model/finding.js';
import { controlSection, disagreementOf, originationBoxes, partLabel } from '../../src/reports/ssp-controls.js';
import type { ControlWarnings } from '../../src/reports/ssp-controls.js';

const finding = (result: 'PASS' | 'FAIL', state: 'open' | 'resolved' = 'open'): Finding =>
  ({ identity: `${result}-${state}`, title: 't', ruleId: 'r1', result, state, severity: 'HIGH', observedAt: '2026-11-20T00:00:00Z' }) as unknown as Finding;

function evaluated(status: EvaluatedControl['status'], findings: Finding[] = []): EvaluatedControl {
  return {
    control: { id: 'AC-2', title: 'Account Management', family: 'AC', framework: 'fedramp-moderate' },
    status,
    findings,
    attestations: [],
    exceptions: [],
    notes: { reason: { basis: findings.length ? 'open-findings' : 'no-evidence', text: 'why' } },
  };
}

const statement = (value: Record<string, unknown>) =>
  ({ ...controlImplementationOf({ framework: 'nist-800-53', control: 'AC-2', ...value }), location: 'controls/ac.yaml:3' }) as const;

const noWarnings = (): ControlWarnings => ({ disagreements: [], unstated: [], parameters: [], unknownRoles: [], unknownLeveraged: [] });

describe('SSP control sections', () => {
  it('finds a disagreement where the claim and the evidence cannot both be right, and only there', () => {
    assert.match(
      disagreementOf('implemented', evaluated('failing', [finding('FAIL')]))!,
      /says Implemented; the evidence says failing \(1 open FAIL finding\)/,
    );
    assert.match(disagreementOf('alternative', evaluated('failing', [finding('FAIL')]))!, /Alternative Implementation/);
    assert.match(disagreementOf('not-applicable', evaluated('not-assessed', [finding('FAIL')]))!, /says Not Applicable/);
    assert.match(disagreementOf('planned', evaluated('passing', [finding('PASS')]))!, /says Planned; the evidence says passing/);
    assert.equal(disagreementOf('implemented', evaluated('passing', [finding('PASS')])), undefined);
    assert.equal(disagreementOf('partial', evaluated('failing', [finding('FAIL')])), undefined);
    assert.equal(disagreementOf('implemented', evaluated('not-assessed')), undefined);
    assert.equal(disagreementOf(undefined, evaluated('failing', [finding('FAIL')])), undefined);
  });

  it('checks the Appendix A origination boxes: hybrid, shared, inherited; "-1" controls have three', () => {
    const checked = (control: string, origination: string[], inherited?: { name: string; date?: string }) =>
      originationBoxes(control, statement({ origination }), inherited)
        .filter((b) => b.checked)
        .map((b) => b.label);
    assert.deepEqual(checked('AC-2', ['sp-corporate', 'sp-system']), ['Service Provider Hybrid (Corporate and System Specific)']);
    assert.deepEqual(checked('AC-2', ['shared']), [
      'Service Provider System Specific',
      'Configured by Customer (Customer System Specific)',
      'Shared (Service Provider and Customer Responsibility)',
    ]);
    assert.deepEqual(checked('AC-2', ['inherited'], { name: 'AWS', date: '2024-01-02' }), [
      'Inherited from pre-existing FedRAMP Authorization for AWS, Date of Authorization 2024-01-02',
    ]);
    assert.equal(originationBoxes('AC-1', undefined, undefined).length, 3);
    assert.equal(originationBoxes('AC-2(1)', undefined, undefined).length, 7);
  });

  it('labels parts as the template does', () => {
    assert.equal(partLabel('a'), 'Part a:');
    assert.equal(partLabel('ac-2_smt.h'), 'Part h:');
    assert.equal(partLabel('ac-2_smt.h.1'), 'Part h.1:');
  });

  it('shows a control without a statement as gaps, every FedRAMP parameter listed, and counts it', () => {
    const warnings = noWarnings();
    const section = controlSection(
      {
        result: evaluated('not-assessed'),
        marks: '(L)(M)(H)',
        statement: undefined,
        assignments: { 'ac-02_odp.06': 'twenty-four (24) hours' },
        roles: new Map(),
        leveraged: new Map(),
        components: new Map(),
      },
      warnings,
    );
    assert.deepEqual(warnings.unstated, ['AC-2']);
    assert.deepEqual(section.responsibleRole, { gap: 'control: AC-2', to: 'controls/' });
    assert.deepEqual(section.parameters, [
      { label: 'Parameter ac-02_odp.06:', value: { gap: 'control: AC-2', to: 'controls/' }, assignment: 'twenty-four (24) hours' },
    ]);
    assert.ok(section.statusBoxes.every((b) => !b.checked));
    assert.deepEqual(section.solution, [{ label: '', text: { gap: 'control: AC-2', to: 'controls/' } }]);
  });

  it('warns about a parameter without a value, an unknown role and an unknown leveraged authorization', () => {
    const warnings = noWarnings();
    const section = controlSection(
      {
        result: evaluated('failing', [finding('FAIL')]),
        marks: '',
        statement: statement({
          status: 'implemented',
          responsible_roles: ['isso', 'Nobody'],
          origination: ['inherited'],
          inherited_from: 'gone',
          parts: { a: 'A.' },
        }),
        assignments: { 'ac-02_odp.06': 'x' },
        roles: new Map([['isso', 'ISSO']]),
        leveraged: new Map(),
        components: new Map(),
      },
      warnings,
    );
    assert.deepEqual(section.responsibleRole, { value: 'ISSO, Nobody' });
    assert.deepEqual(warnings.parameters, ['AC-2 ac-02_odp.06']);
    assert.deepEqual(warnings.unknownRoles, ['AC-2 Nobody']);
    assert.deepEqual(warnings.unknownLeveraged, ['AC-2 (controls/ac.yaml:3) names "gone"']);
    assert.equal(warnings.disagreements.length, 1);
    assert.match(warnings.disagreements[0]!, /^AC-2: The statement says Implemented; .*\(controls\/ac\.yaml:3\)$/);
    assert.equal(section.file, 'controls/ac.yaml');
    assert.deepEqual(section.solution, [{ label: 'Part a:', text: { value: 'A.' } }]);
  });
});
