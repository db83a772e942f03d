/**
 * The SPRS score and CMMC eligibility (spec/evaluation.md section 5), scenario by scenario.
 * Each scenario cites the DoD Assessment Methodology v1.2.1 (DAM) or 32 CFR 170 clause it
 * exercises. Requirement facts (points) come from the built-in nist-800-171 catalog.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CatalogData } from '../../src/catalogs/catalog.js';
import { cmmcLevel1, sprsFacts } from '../../src/catalogs/index.js';
import type { Control } from '../../src/model/control.js';
import { evaluateFramework } from '../../src/model/evaluation.js';
import type { AttestationRecord, ExceptionRecord, MappingRule } from '../../src/model/evaluation.js';
import type { Finding } from '../../src/model/finding.js';
import { computeSprs } from '../../src/model/sprs.js';
import type { SprsContext, SprsResult } from '../../src/model/sprs.js';
import { repoRoot } from '../support/paths.js';

const data = (framework: string): CatalogData =>
  JSON.parse(readFileSync(join(repoRoot, 'src', 'catalogs', 'data', `${framework}.json`), 'utf8')) as CatalogData;
const catalog = data('nist-800-171');
const controls: Control[] = catalog.controls.map((c) => ({ id: c.id, title: c.title, family: c.family, framework: 'nist-800-171' }));
// The same facts and level 1 set `summary` gives computeSprs.
const facts = sprsFacts();
const level1 = cmmcLevel1();
const at = new Date('2026-11-29T00:00:00Z');
const ALL = controls.map((c) => c.id);

function attest(ids: string[], result: AttestationRecord['result'] = 'met', extra: Partial<AttestationRecord> = {}): AttestationRecord {
  return {
    id: `att-${ids.join('-')}-${result}`,
    framework: 'nist-800-171',
    requirements: ids,
    result,
    attestedAt: '2026-10-01',
    expires: '2027-10-01',
    ...extra,
  };
}

function finding(id: string, ids: string[], result: Finding['result'] = 'FAIL', extra: Partial<Finding> = {}): Finding {
  return {
    identity: `id-${id}`,
    nativeId: id,
    title: `check ${id}`,
    result,
    state: 'open',
    severity: 'HIGH',
    severitySource: { value: 'HIGH', scale: 'test' },
    controls: { 'nist-800-171': ids },
    ruleId: id,
    resource: { id: `arn:aws:s3:::${id}` },
    remediation: `Fix ${id}.`,
    sources: [],
    ...extra,
  };
}

function exception(type: ExceptionRecord['type'], ids: string[], extra: Partial<ExceptionRecord> = {}): ExceptionRecord {
  return { id: `exc-${type}-${ids.join('-')}`, type, approval: 'approved', framework: 'nist-800-171', controls: ids, expires: '2027-10-01', ...extra };
}

interface Scenario {
  name: string;
  cites: string;
  attestations?: AttestationRecord[];
  findings?: Finding[];
  exceptions?: ExceptionRecord[];
  mappings?: MappingRule[];
  expect: Partial<Pick<SprsResult, 'sprs_score' | 'sprs_status' | 'practices_not_assessed' | 'practices_failing'>> & {
    level2?: SprsResult['cmmc']['level_2']['status'];
    level1?: SprsResult['cmmc']['level_1']['status'];
    failing?: string[];
  };
}

const allMetExcept = (ids: string[]): AttestationRecord => attest(ALL.filter((id) => !ids.includes(id)));
const firstOnePointers = (n: number): string[] =>
  catalog.controls
    .filter((c) => c.points === 1 && !['3.1.20', '3.1.22', '3.10.3', '3.10.4', '3.10.5'].includes(c.id))
    .slice(0, n)
    .map((c) => c.id);

const scenarios: Scenario[] = [
  {
    name: 'all requirements met',
    cites: 'DAM 5.1: the score starts at 110',
    attestations: [attest(ALL)],
    expect: { sprs_score: 110, sprs_status: 'complete', level2: 'final', level1: 'final' },
  },
  {
    name: 'all requirements not met',
    cites: 'DAM Annex A: 110 - 313 = -203',
    attestations: [attest(ALL, 'not-met')],
    expect: { sprs_score: null, sprs_status: 'no-ssp' },
  },
  {
    name: 'all not met but the SSP exists',
    cites: 'DAM Annex A: every other deduction (5/3/1) applies',
    attestations: [
      attest(
        ALL.filter((id) => id !== '3.12.4'),
        'not-met',
      ),
      attest(['3.12.4']),
    ],
    expect: { sprs_score: -203, practices_failing: 109 },
  },
  {
    name: 'a 5-point requirement not met',
    cites: 'DAM Annex A 3.1.1 (5)',
    attestations: [allMetExcept(['3.1.1']), attest(['3.1.1'], 'not-met')],
    expect: { sprs_score: 105, failing: ['3.1.1'] },
  },
  {
    name: 'a 3-point requirement not met',
    cites: 'DAM Annex A 3.1.5 (3)',
    attestations: [allMetExcept(['3.1.5']), attest(['3.1.5'], 'not-met')],
    expect: { sprs_score: 107 },
  },
  {
    name: 'a 1-point requirement not met, on the POA&M',
    cites: 'DAM Annex A 3.1.3 (1); 32 CFR 170.21(a)(2)(ii)',
    attestations: [allMetExcept(['3.1.3']), attest(['3.1.3'], 'not-met', { planOfAction: { scheduledCompletion: '2027-03-01' } })],
    expect: { sprs_score: 109, level2: 'conditional' },
  },
  {
    name: 'MFA for remote and privileged users only',
    cites: 'DAM Annex A 3.5.3 note; 32 CFR 170.24(c)(2)(i)(B)(4)(i): 3 instead of 5',
    attestations: [
      allMetExcept(['3.5.3']),
      attest(['3.5.3'], 'partial', { partialCondition: 'mfa-remote-and-privileged-only', justification: 'MFA for remote and privileged users only' }),
    ],
    expect: { sprs_score: 107 },
  },
  {
    name: 'encryption in place but not FIPS-validated',
    cites: 'DAM Annex A 3.13.11 note; 32 CFR 170.24(c)(2)(i)(B)(4)(ii): 3 instead of 5',
    attestations: [
      allMetExcept(['3.13.11']),
      attest(['3.13.11'], 'partial', {
        partialCondition: 'encryption-not-fips-validated',
        justification: 'not FIPS-validated',
        planOfAction: { scheduledCompletion: '2027-03-01' },
      }),
    ],
    expect: { sprs_score: 107, level2: 'conditional' },
  },
  {
    name: 'both partial credits',
    cites: 'DAM Annex A 3.5.3 and 3.13.11 notes',
    attestations: [
      allMetExcept(['3.5.3', '3.13.11']),
      attest(['3.5.3'], 'partial', { partialCondition: 'mfa-remote-and-privileged-only' }),
      attest(['3.13.11'], 'partial', { partialCondition: 'encryption-not-fips-validated' }),
    ],
    expect: { sprs_score: 104 },
  },
  {
    name: 'a partial condition that is not the requirement’s earns no credit',
    cites: 'DAM Annex A: partial credit only for 3.5.3 (MFA) and 3.13.11 (FIPS)',
    attestations: [allMetExcept(['3.5.3']), attest(['3.5.3'], 'partial', { partialCondition: 'encryption-not-fips-validated' })],
    expect: { sprs_score: 105 },
  },
  {
    name: 'partial MFA contradicted by an open FAIL finding',
    cites: 'evaluation.md 4.2: an open FAIL makes the requirement failing; no partial credit',
    attestations: [allMetExcept(['3.5.3']), attest(['3.5.3'], 'partial', { partialCondition: 'mfa-remote-and-privileged-only' })],
    findings: [finding('iam_root_mfa_enabled', ['3_5_3'])],
    expect: { sprs_score: 105 },
  },
  {
    name: 'a requirement on a POA&M is still deducted',
    cites: 'DAM 5.1 and 32 CFR 170.24: a POA&M does not make a requirement MET',
    attestations: [allMetExcept(['3.3.3']), attest(['3.3.3'], 'not-met')],
    exceptions: [exception('temporary-deficiency', ['3.3.3'], { approval: 'pending' })],
    expect: { sprs_score: 109 },
  },
  {
    name: 'a risk acceptance earns no points',
    cites: 'evaluation.md 5: a risk acceptance never earns points',
    attestations: [allMetExcept(['3.4.6']), attest(['3.4.6'], 'not-met')],
    exceptions: [exception('risk-accepted', ['3.4.6'])],
    expect: { sprs_score: 105 },
  },
  {
    name: 'an operational requirement earns no points',
    cites: 'evaluation.md 5: an operational requirement never earns points',
    attestations: [allMetExcept(['3.4.7'])],
    findings: [finding('ec2_instance_port_ssh_exposed', ['3.4.7'])],
    exceptions: [exception('operational-requirement', ['3.4.7'])],
    expect: { sprs_score: 105 },
  },
  {
    name: 'not applicable with a justification counts as MET',
    cites: 'DAM 5.1; 32 CFR 170.24(b): N/A = MET',
    attestations: [allMetExcept(['3.1.16']), attest(['3.1.16'], 'not-applicable', { justification: 'no wireless' })],
    expect: { sprs_score: 110 },
  },
  {
    name: 'an approved enduring exception earns no points in the DoD (SPRS) score',
    cites: 'evaluation.md 5: CMMC exceptions apply to the CMMC view only; DFARS 252.204-7019 scores by the DoD Assessment Methodology',
    attestations: [allMetExcept(['3.10.2']), attest(['3.10.2'], 'not-met')],
    exceptions: [exception('enduring-exception', ['3.10.2'])],
    expect: { sprs_score: 105 },
  },
  {
    name: 'an approved temporary deficiency earns no points in the DoD (SPRS) score',
    cites: 'evaluation.md 5: CMMC exceptions apply to the CMMC view only',
    attestations: [allMetExcept(['3.4.1']), attest(['3.4.1'], 'not-met')],
    exceptions: [exception('temporary-deficiency', ['3.4.1'])],
    expect: { sprs_score: 105 },
  },
  {
    name: 'an expired enduring exception does not apply',
    cites: 'evaluation.md 4: expired exceptions do not apply',
    attestations: [allMetExcept(['3.10.2']), attest(['3.10.2'], 'not-met')],
    exceptions: [exception('enduring-exception', ['3.10.2'], { expires: '2026-06-30' })],
    expect: { sprs_score: 105 },
  },
  {
    name: 'an expired attestation leaves the requirement not assessed',
    cites: 'evaluation.md 4 and 5: expired attestations do not apply; no evidence = NOT MET, incomplete',
    attestations: [allMetExcept(['3.2.1']), attest(['3.2.1'], 'met', { expires: '2026-11-01' })],
    expect: { sprs_score: 105, sprs_status: 'incomplete', practices_not_assessed: 1 },
  },
  {
    name: 'no SSP',
    cites: 'DAM 5.1: 3.12.4 not met, the assessment cannot be completed',
    attestations: [allMetExcept(['3.12.4']), attest(['3.12.4'], 'not-met')],
    expect: { sprs_score: null, sprs_status: 'no-ssp', level2: 'no-status' },
  },
  {
    name: 'no evidence about the SSP',
    cites: 'evaluation.md 5: no SSP evidence = NOT MET = null',
    attestations: [allMetExcept(['3.12.4'])],
    expect: { sprs_score: null, sprs_status: 'no-ssp' },
  },
  {
    name: 'requirements without evidence are deducted and the score is incomplete',
    cites: 'evaluation.md 5: not-assessed is NOT MET, listed with status not-assessed',
    attestations: [allMetExcept(['3.1.1', '3.1.3'])],
    expect: { sprs_score: 104, sprs_status: 'incomplete', practices_not_assessed: 2, practices_failing: 0 },
  },
  {
    name: 'an approved false positive removes the only failing finding',
    cites: 'evaluation.md 4.1',
    attestations: [attest(ALL)],
    findings: [finding('s3_bucket_public_access', ['3.1.22'])],
    exceptions: [{ id: 'fp', type: 'false-positive', approval: 'approved', findings: [{ rule: 's3_bucket_public_access' }] }],
    expect: { sprs_score: 110 },
  },
  {
    name: 'a pending false positive does not remove the finding',
    cites: 'evaluation.md 4.1: only approved exceptions apply; 3.1.22 is never POA&M-eligible (32 CFR 170.21)',
    attestations: [attest(ALL)],
    findings: [finding('s3_bucket_public_access', ['3.1.22'])],
    exceptions: [{ id: 'fp', type: 'false-positive', approval: 'pending', findings: [{ rule: 's3_bucket_public_access' }] }],
    expect: { sprs_score: 109, level2: 'no-status', level1: 'not-met' },
  },
  {
    name: 'an open FAIL finding beats an attestation of met',
    cites: 'evaluation.md 4.2',
    attestations: [attest(ALL)],
    findings: [finding('cloudtrail_multi_region_enabled', ['3.3.1'])],
    expect: { sprs_score: 105, failing: ['3.3.1'] },
  },
  {
    name: 'resolved and suppressed FAIL findings do not fail a requirement',
    cites: 'evaluation.md 1 and 4.2: only open FAIL findings',
    attestations: [attest(ALL)],
    findings: [finding('a', ['3.3.1'], 'FAIL', { state: 'resolved' }), finding('b', ['3.3.2'], 'FAIL', { state: 'suppressed' })],
    expect: { sprs_score: 110 },
  },
  {
    name: 'MANUAL and ERROR results never count as PASS',
    cites: 'evaluation.md 1: they are evidence that the requirement needs assessment',
    attestations: [allMetExcept(['3.11.2'])],
    findings: [finding('inspector_enabled', ['3.11.2'], 'MANUAL'), finding('inspector_scan', ['3.11.2'], 'ERROR')],
    expect: { sprs_score: 105, practices_not_assessed: 1 },
  },
  {
    name: 'a PASS counts only through a sufficient mapping',
    cites: 'evaluation.md 4.4',
    attestations: [allMetExcept(['3.11.2', '3.14.6'])],
    findings: [finding('vuln_scan_coverage', [], 'PASS'), finding('guardduty_enabled', ['3.14.6'], 'PASS')],
    mappings: [{ rule: 'vuln_scan_*', controls: { 'nist-800-171': ['3.11.2'] }, sufficient: true, source: 'mappings/test.yaml' }],
    expect: { sprs_score: 105, practices_not_assessed: 1, failing: [] },
  },
  {
    name: 'CMMC Level 2 Conditional at 88',
    cites: '32 CFR 170.21(a)(2)(i): score / 110 >= 0.8; only 1-point requirements on the POA&M',
    attestations: [allMetExcept(firstOnePointers(22)), attest(firstOnePointers(22), 'not-met', { planOfAction: { scheduledCompletion: '2027-03-01' } })],
    expect: { sprs_score: 88, level2: 'conditional' },
  },
  {
    name: 'CMMC Level 2 not Conditional at 87',
    cites: '32 CFR 170.21(a)(2)(i): 87 / 110 < 0.8',
    attestations: [allMetExcept(firstOnePointers(23)), attest(firstOnePointers(23), 'not-met')],
    expect: { sprs_score: 87, level2: 'no-status' },
  },
  {
    name: 'CMMC: a never-POA&M requirement not met blocks Conditional at any score',
    cites: '32 CFR 170.21(a)(2)(iii): 3.1.20 may never be on a POA&M',
    attestations: [allMetExcept(['3.1.20']), attest(['3.1.20'], 'not-met')],
    expect: { sprs_score: 109, level2: 'no-status', level1: 'not-met' },
  },
  {
    name: 'CMMC: a 3-point requirement may not be on a POA&M',
    cites: '32 CFR 170.21(a)(2)(ii)',
    attestations: [allMetExcept(['3.1.5']), attest(['3.1.5'], 'not-met')],
    expect: { sprs_score: 107, level2: 'no-status', level1: 'final' },
  },
];

/** The CMMC POA&M these scenarios have: the plans of action their attestations record. */
function poamOfPlans(results: readonly { control: { id: string }; attestations: AttestationRecord[] }[]): Map<string, string | null> {
  return new Map(
    results.flatMap((r) =>
      r.attestations.filter((a) => a.planOfAction !== undefined).map((a): [string, string] => [r.control.id, a.planOfAction!.scheduledCompletion]),
    ),
  );
}

describe('SPRS score (evaluation.md section 5)', () => {
  it('has at least 24 scenarios', () => assert.ok(scenarios.length >= 24, String(scenarios.length)));
  for (const s of scenarios) {
    it(`${s.name} [${s.cites}]`, () => {
      const evaluation = evaluateFramework({
        framework: 'nist-800-171',
        controls,
        findings: s.findings ?? [],
        attestations: s.attestations ?? [],
        exceptions: s.exceptions ?? [],
        mappings: s.mappings ?? [],
        at,
      });
      const context: SprsContext = { facts, level1, at, poam: poamOfPlans(evaluation.results), assessmentDate: '2026-10-01' };
      const sprs = computeSprs(evaluation, context);
      const { level2, level1: l1, failing, ...fields } = s.expect;
      for (const [key, value] of Object.entries(fields)) assert.equal(sprs[key as keyof SprsResult], value, key);
      if (level2) assert.equal(sprs.cmmc.level_2.status, level2, JSON.stringify(sprs.cmmc.level_2.blocking));
      if (l1) assert.equal(sprs.cmmc.level_1.status, l1);
      if (failing)
        assert.deepEqual(
          sprs.failing_practices.filter((p) => p.status === 'failing').map((p) => p.practice_id),
          failing,
        );
      // Invariants of every scenario: counts add up to 110; point values are printed negative.
      assert.equal(sprs.practices_passing + sprs.practices_failing + sprs.practices_not_assessed + sprs.practices_not_applicable, 110);
      for (const p of sprs.failing_practices) assert.ok(p.point_value <= 0);
    });
  }
});
