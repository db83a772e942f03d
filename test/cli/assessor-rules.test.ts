/**
 * The rules an assessor checks (issue 11), through the real CLI on altered copies of examples/acme:
 * CMMC exceptions as acme writes them (under cmmc-l2 ids), contradictory attestations, SPRS
 * posting data, the CMMC view's practice ids. Each test states the rule it checks.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { examplesDir, repoRoot } from '../support/paths.js';
import { copyWorkspace } from '../support/workspace.js';

const acme = join(examplesDir, 'acme');
const copies: string[] = [];
after(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function workspace(files: Record<string, string> = {}): string {
  const dir = copyWorkspace(acme);
  copies.push(dir);
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  return dir;
}

const summary = (dir: string, framework: string, extra: string[] = []) => {
  const result = runCli(['summary', '-w', dir, '--at', '2026-11-29', '-f', framework, ...extra], { cwd: repoRoot });
  assert.equal(result.status, 0, result.stderr);
  return extra.includes('table') ? result.stdout : JSON.parse(result.stdout);
};

const attestation = (id: string, requirements: string[], result: string, date: string, extra = ''): string =>
  `id: ${id}
framework: nist-800-171
requirements: [${requirements.join(', ')}]
result: ${result}
attester:
  name: Daniel Brooks
  email: daniel.brooks@acme.com
attested_at: ${date}
expires: 2027-10-01
${extra}`;

describe('assessor rules on altered copies of examples/acme', () => {
  it('CMMC exceptions written under cmmc-l2 ids (as acme writes them) are MET for the CMMC score only, never for the SPRS score (32 CFR 170.24(b)(1))', () => {
    // A later assessment finds session lock NOT MET; acme's enduring exception exc-2026-004 (AC.L2-3.1.10) covers it.
    const dir = workspace({
      'attestations/session-lock-retest.yaml': attestation(
        'att-2026-ac-09',
        ['3.1.10'],
        'not-met',
        '2026-11-20',
        'justification: The SOC wall displays do not lock.\nplan_of_action:\n  scheduled_completion: 2027-03-01\n',
      ),
    });
    const dod = summary(dir, 'nist-800-171');
    assert.equal(dod.sprs_score, 79, '110 - 30 - 1: the DoD score counts no CMMC exception');
    const row = dod.failing_practices.find((p: { practice_id: string }) => p.practice_id === '3.1.10');
    assert.deepEqual(row.cmmc_exceptions, ['exc-2026-004']);
    assert.equal(dod.cmmc.level_2.score, 80, 'the CMMC score counts it as MET');
    assert.deepEqual(dod.cmmc.level_2.met_by_exception, ['3.1.10']);
    const cmmc = summary(dir, 'cmmc-l2');
    assert.equal(cmmc.sprs_score, 80);
    assert.equal(cmmc.scoring, 'cmmc');
    assert.equal(cmmc.practices_met_by_exception, 1);
    assert.deepEqual(cmmc.cmmc.level_2.met_by_exception, ['AC.L2-3.1.10']);
  });

  it('an exception under nist-800-171 ids no longer raises the SPRS (DoD) score', () => {
    const dir = workspace({
      'attestations/session-lock-retest.yaml': attestation('att-2026-ac-09', ['3.1.10'], 'not-met', '2026-11-20'),
      'exceptions/exc-2026-004-soc-displays-enduring.yaml': `id: exc-2026-004
title: SOC wall displays cannot lock their session
type: enduring-exception
framework: nist-800-171
controls: [3.1.10]
justification: Read-only dashboards around the clock.
approval:
  state: approved
  approved_by:
    name: Daniel Brooks
  approved_at: 2026-09-25
created: 2026-09-20
`,
    });
    assert.equal(summary(dir, 'nist-800-171').sprs_score, 79);
    assert.equal(summary(dir, 'cmmc-l2').sprs_score, 80);
  });

  it('two attestations of one requirement on one date with different results: validate names both places, the more conservative decides whatever the file names (evaluation.md 4.3)', () => {
    // "a-" sorts before every acme attestation file and "z-" after: the file-name race must not matter.
    for (const [first, second] of [
      ['a-retest.yaml', 'z-retest.yaml'],
      ['z-retest.yaml', 'a-retest.yaml'],
    ]) {
      const dir = workspace({
        [`attestations/${first}`]: attestation('att-retest-met', ['3.1.8'], 'met', '2026-11-20'),
        [`attestations/${second}`]: attestation('att-retest-not-met', ['3.1.8'], 'not-met', '2026-11-20', 'justification: lockout is off for the API users.\n'),
      });
      const validate = runCli(['validate', dir, '--at', '2026-11-29', '--json'], { cwd: repoRoot });
      const diagnostics = JSON.parse(validate.stdout).diagnostics.filter((d: { code: string }) => d.code === 'conflicting-evidence');
      assert.equal(diagnostics.length, 2, validate.stdout);
      for (const d of diagnostics) {
        assert.match(d.file, /attestations\/[az]-retest\.yaml$/);
        assert.equal(d.line, 3, 'at the requirement');
        assert.match(
          d.message,
          /nist-800-171 3\.1\.8 is attested (met|not-met) here and (not-met|met) at attestations\/[az]-retest\.yaml:1 .* on the same date \(2026-11-20\): the more conservative result, not-met \(att-retest-not-met\), decides/,
        );
      }
      const result = summary(dir, 'nist-800-171');
      const row = result.failing_practices.find((p: { practice_id: string }) => p.practice_id === '3.1.8');
      assert.equal(result.sprs_score, 79, `${first} then ${second}`);
      assert.match(row.reason, /att-retest-not-met: not-met .*conflicts with att-retest-met \(met\) of the same date/);
    }
  });

  it('SPRS posting data: none while incomplete; when complete, dated by the evidence, valid three years, met-by date from the POA&M, CAGE and SSP from infracast.yaml', () => {
    const incomplete = summary(workspace(), 'nist-800-171').sprs_submission;
    assert.equal(incomplete.status, 'not-ready');
    assert.deepEqual(Object.keys(incomplete), ['status', 'reasons']);
    assert.match(incomplete.reasons[0], /incomplete: 2 requirements have no evidence \(3\.1\.21, 3\.13\.14\)/);
    // Assess the two missing requirements: the assessment is complete and postable.
    const dir = workspace({
      'attestations/portable-storage-voip.yaml': attestation('att-2026-ac-10', ['3.1.21', '3.13.14'], 'met', '2026-11-28'),
    });
    const complete = summary(dir, 'nist-800-171');
    assert.equal(complete.sprs_status, 'complete');
    assert.equal(complete.sprs_score, 82);
    assert.equal(complete.assessment_date, '2026-11-28T00:00:00Z', 'the latest deciding evidence, not --at');
    const posting = complete.sprs_submission;
    assert.equal(posting.status, 'ready', JSON.stringify(posting));
    assert.equal(posting.assessment_date, '2026-11-28');
    assert.equal(posting.valid_until, '2029-11-28');
    assert.deepEqual(posting.cage_codes, ['7XK42']);
    assert.deepEqual(posting.ssp, { name: 'Acme Government Cloud Platform (AGC-2024-001) System Security Plan', version: '2.3', date: '2026-09-30' });
    assert.equal(posting.score, 82);
    // The latest planned completion among the NOT MET requirements' POA&M items and plans of action.
    const planned = complete.failing_practices.map((p: { poam?: { scheduled_completion: string } }) => p.poam?.scheduled_completion).sort();
    assert.ok(
      planned.every((d: string | undefined) => typeof d === 'string'),
      'every NOT MET requirement is on the POA&M',
    );
    assert.equal(posting.all_requirements_met_by, planned.at(-1));
  });

  it('summary -f cmmc-l2 prints CMMC practice ids beside the SP 800-171 requirement, and counts unmapped findings as 800-171 does', () => {
    const dir = workspace();
    const cmmc = summary(dir, 'cmmc-l2');
    const sp = summary(dir, 'nist-800-171');
    assert.deepEqual(cmmc.not_assessed_practices.map((p: { practice_id: string; requirement: string }) => [p.practice_id, p.requirement])[0], [
      'AC.L2-3.1.21',
      '3.1.21',
    ]);
    assert.deepEqual(cmmc.failing_practices.map((p: { practice_id: string; requirement: string }) => [p.practice_id, p.requirement])[0], [
      'AU.L2-3.3.8',
      '3.3.8',
    ]);
    assert.equal(cmmc.failing_practices[0].description, 'Protect audit information and logging tools');
    assert.equal(cmmc.failing_practices[0].short_name, 'Audit Protection');
    assert.equal(cmmc.unmapped_findings, sp.unmapped_findings);
    assert.ok(cmmc.unmapped_findings < cmmc.findings_total, 'not every finding');
    const table = summary(dir, 'cmmc-l2', ['-o', 'table']) as string;
    assert.match(table, new RegExp(`^unmapped {10}${sp.unmapped_findings} of 433 findings map to no control of cmmc-l2$`, 'm'));
    assert.match(table, /^AU\.L2-3\.3\.8 +-1 {2}Protect audit information and logging tools \(Audit Protection\)$/m);
  });

  it('a failing requirement’s remediation fits what failed it: never a bare URL, never a finding fix for an attestation failure', () => {
    const result = summary(workspace(), 'nist-800-171');
    for (const p of result.failing_practices as { practice_id: string; remediation: string; reason: string }[]) {
      assert.doesNotMatch(p.remediation, /^https?:\/\/\S+$/, p.practice_id);
      if (/^attestation /.test(p.reason)) assert.match(p.remediation, /attestation att-/, p.practice_id);
    }
  });
});
