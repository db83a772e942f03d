/**
 * CMMC rules (spec/evaluation.md section 5; 32 CFR 170.21 and 170.24, read in eCFR: see
 * notes/documents.md section 4), case by case. Each case names the CFR paragraph it tests. The DoD
 * (DFARS 252.204-7019) SPRS score and the CMMC score are computed from the same evaluation: only the
 * CMMC one counts enduring exceptions and temporary deficiencies.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cmmcLevel1, getCatalog, sprsFacts } from '../../src/catalogs/index.js';
import { documentaryControls } from '../../src/catalogs/documentary.js';
import type { Control } from '../../src/model/control.js';
import { assessmentDateOf, cmmcExceptionsByRequirement, poamByRequirement } from '../../src/model/cmmc.js';
import { evaluateFramework } from '../../src/model/evaluation.js';
import type { AttestationRecord, ExceptionRecord, MappingRule } from '../../src/model/evaluation.js';
import type { Finding } from '../../src/model/finding.js';
import { emptyPoamStore, updatePoam } from '../../src/model/poam.js';
import { computeSprs } from '../../src/model/sprs.js';
import type { SprsResult } from '../../src/model/sprs.js';

const catalog = getCatalog('nist-800-171');
const controls: Control[] = catalog.controls.map((c) => ({ id: c.id, title: c.title, family: c.family, framework: 'nist-800-171' }));
const documentary = documentaryControls('nist-800-171', catalog.controls);
const ALL = controls.map((c) => c.id);
const at = new Date('2026-11-29T00:00:00Z');
const ON = '2026-10-01';

function attest(ids: string[], result: AttestationRecord['result'] = 'met', extra: Partial<AttestationRecord> = {}): AttestationRecord {
  return { id: `att-${ids.length > 3 ? 'many' : ids.join('-')}-${result}`, framework: 'nist-800-171', requirements: ids, result, attestedAt: ON, ...extra };
}
const metExcept = (ids: string[]): AttestationRecord => attest(ALL.filter((id) => !ids.includes(id)));
const plan = (date = '2027-02-01'): Partial<AttestationRecord> => ({ planOfAction: { scheduledCompletion: date } });

function exception(type: ExceptionRecord['type'], framework: string, controls: string[], extra: Partial<ExceptionRecord> = {}): ExceptionRecord {
  return { id: `exc-${type}-${controls.join('-')}`, type, approval: 'approved', framework, controls, expires: '2027-09-30', ...extra };
}

function fail(rule: string, ids: string[], extra: Partial<Finding> = {}): Finding {
  return {
    identity: `id-${rule}`,
    nativeId: rule,
    title: rule,
    tool: 'prowler',
    result: 'FAIL',
    state: 'open',
    severity: 'MEDIUM',
    severitySource: { value: 'medium', scale: 'ocsf' },
    controls: { 'nist-800-171': ids },
    ruleId: rule,
    resource: { id: `arn:aws:cloudwatch:us-east-1:111122223333:alarm/${rule}` },
    observedAt: '2026-11-20T05:00:00Z',
    sources: [{ file: 'findings/prowler.ocsf.json', format: 'ocsf', tool: 'prowler', record: 1 }],
    ...extra,
  };
}

interface Case {
  cfr: string;
  name: string;
  attestations: AttestationRecord[];
  exceptions?: ExceptionRecord[];
  findings?: Finding[];
  mappings?: MappingRule[];
  expect: (dod: SprsResult, cmmc: SprsResult) => void;
}

function run(c: Case): { dod: SprsResult; cmmc: SprsResult } {
  const findings = c.findings ?? [];
  const exceptions = c.exceptions ?? [];
  const evaluation = evaluateFramework({
    framework: 'nist-800-171',
    controls,
    findings,
    attestations: c.attestations,
    exceptions,
    mappings: c.mappings ?? [],
    documentary,
    at,
  });
  // The POA&M as a render would leave it: one item per open weakness.
  const store = updatePoam(emptyPoamStore(), { findings, exceptions, at });
  const assessmentDate = assessmentDateOf(evaluation, at);
  const context = {
    facts: sprsFacts(),
    level1: cmmcLevel1(),
    at,
    cmmcExceptions: cmmcExceptionsByRequirement(exceptions, at),
    poam: poamByRequirement(evaluation, store),
    ...(assessmentDate ? { assessmentDate } : {}),
  };
  return { dod: computeSprs(evaluation, context, 'dod'), cmmc: computeSprs(evaluation, context, 'cmmc') };
}

const blockingOf = (r: SprsResult, id: string): string[] => r.cmmc.level_2.blocking.filter((b) => b.practice_id === id).map((b) => b.reason);

const cases: Case[] = [
  {
    cfr: '32 CFR 170.24(b)(1)(i)',
    name: 'an enduring exception written under CMMC ids makes an assessed NOT MET requirement MET for CMMC only',
    attestations: [metExcept(['3.1.10']), attest(['3.1.10'], 'not-met')],
    exceptions: [exception('enduring-exception', 'cmmc-l2', ['AC.L2-3.1.10'])],
    expect: (dod, cmmc) => {
      assert.equal(dod.sprs_score, 109, 'the DoD (SPRS) score never counts a CMMC exception');
      assert.deepEqual(dod.failing_practices.find((p) => p.practice_id === '3.1.10')?.cmmc_exceptions, ['exc-enduring-exception-AC.L2-3.1.10']);
      assert.equal(cmmc.sprs_score, 110);
      assert.equal(cmmc.practices_met_by_exception, 1);
      assert.deepEqual(cmmc.cmmc.level_2.met_by_exception, ['3.1.10']);
      assert.equal(dod.cmmc.level_2.score, 110, 'the DoD summary states the CMMC score beside its own');
    },
  },
  {
    cfr: '32 CFR 170.24(b)(1)(ii)',
    name: 'a temporary deficiency written under SP 800-171 ids is MET for CMMC only',
    attestations: [metExcept(['3.4.1']), attest(['3.4.1'], 'not-met')],
    exceptions: [exception('temporary-deficiency', 'nist-800-171', ['3.4.1'])],
    expect: (dod, cmmc) => {
      assert.equal(dod.sprs_score, 105);
      assert.equal(cmmc.sprs_score, 110);
    },
  },
  {
    cfr: '32 CFR 170.24(b)(1) ("based on evidence")',
    name: 'an exception on a requirement without evidence does not make it MET: no evidence is never passing',
    attestations: [metExcept(['3.4.1'])],
    exceptions: [exception('temporary-deficiency', 'cmmc-l2', ['CM.L2-3.4.1'])],
    expect: (dod, cmmc) => {
      assert.equal(cmmc.sprs_score, 105);
      assert.equal(cmmc.practices_not_assessed, 1);
      assert.equal(cmmc.sprs_status, 'incomplete');
      assert.deepEqual(cmmc.cmmc.level_2.met_by_exception, []);
      assert.equal(dod.sprs_score, 105);
    },
  },
  {
    cfr: '32 CFR 170.24(b)(1): a pending or expired exception is no documented exception',
    name: 'pending and expired CMMC exceptions do not apply',
    attestations: [metExcept(['3.4.1', '3.4.2']), attest(['3.4.1', '3.4.2'], 'not-met')],
    exceptions: [
      exception('temporary-deficiency', 'cmmc-l2', ['CM.L2-3.4.1'], { approval: 'pending' }),
      exception('enduring-exception', 'cmmc-l2', ['CM.L2-3.4.2'], { expires: '2026-11-01' }),
    ],
    expect: (_dod, cmmc) => assert.equal(cmmc.sprs_score, 100),
  },
  {
    cfr: '32 CFR 170.21(a)(2); 170.24(b)',
    name: 'Conditional status needs every requirement assessed: a not-assessed 1-point requirement blocks it and is never POA&M-eligible',
    attestations: [metExcept(['3.1.3'])],
    expect: (_dod, cmmc) => {
      assert.equal(cmmc.sprs_score, 109);
      assert.equal(cmmc.cmmc.level_2.status, 'no-status');
      assert.deepEqual(cmmc.cmmc.level_2.poam_eligible, []);
      assert.match(blockingOf(cmmc, '3.1.3').join(), /not assessed/);
    },
  },
  {
    cfr: '32 CFR 170.24(c)(2)(i)(B)(6)',
    name: 'a NOT MET requirement that is not on the POA&M blocks Conditional status',
    attestations: [metExcept(['3.1.3']), attest(['3.1.3'], 'not-met')],
    expect: (_dod, cmmc) => {
      assert.equal(cmmc.cmmc.level_2.status, 'no-status');
      assert.deepEqual(cmmc.cmmc.level_2.poam_eligible, ['3.1.3']);
      assert.deepEqual(cmmc.cmmc.level_2.on_poam, []);
      assert.match(blockingOf(cmmc, '3.1.3').join(), /not on the POA&M.*170\.24\(c\)\(2\)\(i\)\(B\)\(6\)/);
    },
  },
  {
    cfr: '32 CFR 170.21(a)(2)(i)-(iii), 170.21(b)',
    name: 'with the plan of action on the POA&M it is Conditional, and the closeout is due 180 days after the status date',
    attestations: [metExcept(['3.1.3']), attest(['3.1.3'], 'not-met', plan('2027-01-15'))],
    expect: (_dod, cmmc) => {
      const l2 = cmmc.cmmc.level_2;
      assert.equal(l2.status, 'conditional', JSON.stringify(l2.blocking));
      assert.deepEqual(l2.on_poam, ['3.1.3']);
      assert.equal(l2.status_date, ON);
      assert.equal(l2.poam_closeout_by, '2027-03-30', '2026-10-01 + 180 days');
    },
  },
  {
    cfr: '32 CFR 170.21(a)(2)(ii)',
    name: 'a finding-based 1-point failure is on the POA&M through its store item; a 3-point one may not be on a POA&M',
    attestations: [metExcept([])],
    findings: [fail('okta.users.inactive-90d', ['3.5.6']), fail('iam_policy_no_administrative_privileges', ['3.1.5'])],
    expect: (_dod, cmmc) => {
      const l2 = cmmc.cmmc.level_2;
      assert.deepEqual(l2.on_poam, ['3.1.5', '3.5.6']);
      assert.deepEqual(l2.poam_eligible, ['3.5.6']);
      assert.match(blockingOf(cmmc, '3.1.5').join(), /worth 3 points/);
    },
  },
  {
    cfr: '32 CFR 170.21(a)(2)(ii)',
    name: 'SC.L2-3.13.11 may be on the POA&M at 3 points (encryption not FIPS-validated), never at 5',
    attestations: [
      metExcept(['3.13.11', '3.5.3']),
      attest(['3.13.11'], 'partial', { partialCondition: 'encryption-not-fips-validated', ...plan() }),
      attest(['3.5.3'], 'not-met', plan()),
    ],
    expect: (_dod, cmmc) => {
      assert.deepEqual(cmmc.cmmc.level_2.poam_eligible, ['3.13.11']);
      assert.match(blockingOf(cmmc, '3.5.3').join(), /worth 5 points/);
    },
  },
  {
    cfr: '32 CFR 170.21(a)(2)(iii)(D)',
    name: 'PE.L2-3.10.3 may never be on a POA&M, even with a plan of action',
    attestations: [metExcept(['3.10.3']), attest(['3.10.3'], 'not-met', plan())],
    expect: (_dod, cmmc) => {
      assert.equal(cmmc.cmmc.level_2.status, 'no-status');
      assert.match(blockingOf(cmmc, '3.10.3').join(), /may never be on a POA&M/);
    },
  },
  {
    cfr: '32 CFR 170.24(c)(2)(i)(B)(5); evaluation.md 5 (documentary requirements)',
    name: '3.12.4 with a failing mapped check is decided by the SSP attestation: the score stands',
    attestations: [attest(ALL)],
    findings: [fail('cloudwatch_log_metric_filter_root_usage', ['3.12.4'])],
    expect: (dod, cmmc) => {
      assert.equal(dod.sprs_score, 110);
      assert.equal(dod.sprs_status, 'complete');
      assert.equal(cmmc.cmmc.level_2.status, 'final');
    },
  },
  {
    cfr: '32 CFR 170.24(c)(2)(i)(B)(5)',
    name: '3.12.4 without an SSP attestation is NOT MET whatever the checks say: the assessment cannot be completed',
    attestations: [metExcept(['3.12.4'])],
    findings: [fail('guardduty_is_enabled', ['3.12.4'], { result: 'PASS' })],
    mappings: [{ rule: 'guardduty_is_enabled', controls: { 'nist-800-171': ['3.12.4'] }, sufficient: true, source: 'mappings/x.yaml' }],
    expect: (dod, cmmc) => {
      assert.equal(dod.sprs_score, null);
      assert.equal(dod.sprs_status, 'no-ssp');
      assert.equal(cmmc.cmmc.level_2.score, null);
      assert.match(blockingOf(cmmc, '3.12.4').join(), /170\.24\(c\)\(2\)\(i\)\(B\)\(5\)/);
    },
  },
  {
    cfr: '32 CFR 170.21(a)(2)(i)',
    name: 'Conditional is judged on the CMMC score: CMMC exceptions can lift it to 88 while the SPRS score stays below',
    attestations: [metExcept(['3.1.1', '3.1.2', '3.4.1', '3.3.3']), attest(['3.1.1', '3.1.2', '3.4.1'], 'not-met'), attest(['3.3.3'], 'not-met', plan())],
    exceptions: [exception('enduring-exception', 'cmmc-l2', ['AC.L2-3.1.1', 'AC.L2-3.1.2']), exception('temporary-deficiency', 'cmmc-l2', ['CM.L2-3.4.1'])],
    expect: (dod, cmmc) => {
      assert.equal(dod.sprs_score, 94);
      assert.equal(cmmc.sprs_score, 109);
      assert.equal(dod.cmmc.level_2.status, 'conditional', JSON.stringify(dod.cmmc.level_2.blocking));
    },
  },
  {
    cfr: '32 CFR 170.21(a)(1); 170.24(c)(1)',
    name: 'Level 1 is all or nothing over the FAR requirements: one NOT MET FAR requirement, on a POA&M or not, is not met',
    attestations: [metExcept(['3.14.1']), attest(['3.14.1'], 'not-met', plan())],
    expect: (_dod, cmmc) => {
      assert.equal(cmmc.cmmc.level_1.status, 'not-met');
      assert.deepEqual(cmmc.cmmc.level_1.not_met, ['3.14.1']);
    },
  },
  {
    cfr: '32 CFR 170.24(c)(2)',
    name: 'every requirement MET: Final Level 2 status dated by the evidence, no closeout',
    attestations: [attest(ALL)],
    expect: (_dod, cmmc) => {
      assert.equal(cmmc.cmmc.level_2.status, 'final');
      assert.equal(cmmc.cmmc.level_2.status_date, ON);
      assert.equal(cmmc.cmmc.level_2.poam_closeout_by, undefined);
    },
  },
];

describe('CMMC rules (32 CFR 170.21, 170.24), case by case', () => {
  for (const c of cases) {
    it(`${c.name} [${c.cfr}]`, () => {
      const { dod, cmmc } = run(c);
      c.expect(dod, cmmc);
      // Invariant of every case: a NOT MET requirement is eligible and on the POA&M, or it is listed as blocking.
      for (const result of [dod, cmmc]) {
        const l2 = result.cmmc.level_2;
        const notMet = cmmc.failing_practices.map((p) => p.practice_id);
        for (const id of notMet) {
          const fine = l2.poam_eligible.includes(id) && l2.on_poam.includes(id);
          assert.ok(fine || l2.blocking.some((b) => b.practice_id === id) || result.cmmc.level_2.score === null, `${id} neither on the POA&M nor blocking`);
        }
        assert.ok(
          l2.poam_eligible.every((id) => cmmc.failing_practices.find((p) => p.practice_id === id)?.status === 'failing'),
          'never a not-assessed one',
        );
      }
    });
  }
});
