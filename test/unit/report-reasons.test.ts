/**
 * Reports say why (issue 11) on a small synthetic evaluation: every control row of the framework
 * and gap reports carries the evaluation's reason and its basis, what the severity filter hid is
 * counted on the row (a failing control never shows only "Open 0" rows when its failing findings
 * were hidden), statuses and counts never change with the filter, and findings naming only
 * controls outside the baseline are counted.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Control } from '../../src/model/control.js';
import type { OutputDefinition, Severity } from '../../src/model/definitions.js';
import { evaluateFramework } from '../../src/model/evaluation.js';
import type { AttestationRecord, ExceptionRecord, FrameworkEvaluation, MappingRule } from '../../src/model/evaluation.js';
import type { Finding } from '../../src/model/finding.js';
import type { ReportModel } from '../../src/model/report-model.js';
import { markdownRenderer } from '../../src/renderers/markdown.js';
import { buildFrameworkReport } from '../../src/reports/framework.js';
import { buildGapReport } from '../../src/reports/gap.js';
import { applySeverityFilter } from '../../src/reports/severity-filter.js';
import { unmappedCount } from '../../src/reports/meta.js';

const at = new Date('2026-11-29T00:00:00Z');
const control = (id: string): Control => ({ id, title: `Control ${id}`, family: id.slice(0, 2), framework: 'nist-800-53' });

function finding(rule: string, result: Finding['result'], severity: Severity, ids: string[], resource = 'arn:aws:s3:::bucket'): Finding {
  return {
    identity: `${rule}-${result}-${resource}`,
    nativeId: rule,
    title: `Title of ${rule}`,
    result,
    state: 'open',
    severity,
    severitySource: { value: severity, scale: 'prowler' },
    controls: ids.length > 0 ? { 'nist-800-53': ids } : {},
    ruleId: rule,
    tool: 'prowler',
    resource: { id: resource },
    sources: [],
  };
}

const mappings: MappingRule[] = [{ rule: 'session_timeout', controls: { 'nist-800-53': ['AC-12'] }, sufficient: true, source: 'mappings/acme-scanners.yaml' }];
const attestations: AttestationRecord[] = [
  { id: 'att-ac-5', framework: 'nist-800-53', requirements: ['AC-5'], result: 'not-met', attestedAt: '2026-11-01', source: 'attestations/ac.yaml:3' },
  { id: 'att-ac-7', framework: 'nist-800-53', requirements: ['AC-7'], result: 'met', attestedAt: '2026-11-01', source: 'attestations/ac.yaml:9' },
];
const exceptions: ExceptionRecord[] = [
  { id: 'exc-1', type: 'risk-accepted', approval: 'approved', framework: 'nist-800-53', controls: ['AC-3'], expires: '2027-06-01' } as ExceptionRecord,
];

/**
 * AC-2 fails only through a LOW finding and has a HIGH PASS finding: with a filter of CRITICAL,
 * HIGH, MEDIUM its list would be one row with Open 0. AC-3 fails through a HIGH finding and a LOW
 * one. AC-7 is attested met and contradicted by a HIGH finding. AC-12 passes through a sufficient
 * mapping. AC-5 fails by attestation. Two findings name only AC-20, which is outside the baseline.
 */
const findings: Finding[] = [
  finding('iam_policy_attached_only_to_group_or_roles', 'FAIL', 'LOW', ['AC-2']),
  finding('iam_user_mfa_enabled_console_access', 'PASS', 'HIGH', ['AC-2']),
  finding('s3_bucket_public_access', 'FAIL', 'HIGH', ['AC-3']),
  finding('s3_bucket_level_public_access_block', 'FAIL', 'LOW', ['AC-3']),
  finding('okta_inactive_users', 'FAIL', 'HIGH', ['AC-7']),
  finding('session_timeout', 'PASS', 'MEDIUM', []),
  finding('external_system_a', 'FAIL', 'HIGH', ['AC-20'], 'arn:a'),
  finding('external_system_b', 'PASS', 'LOW', ['AC-20(1)'], 'arn:b'),
  finding('tagging', 'INFO', 'INFORMATIONAL', []),
];

function evaluation(): FrameworkEvaluation {
  return evaluateFramework({
    framework: 'nist-800-53',
    controls: ['AC-2', 'AC-3', 'AC-5', 'AC-7', 'AC-12', 'AC-14'].map(control),
    findings,
    attestations,
    exceptions,
    mappings,
    at,
  });
}

function definition(type: 'framework' | 'gap', severityFilter?: Severity[]): OutputDefinition {
  return {
    kind: 'Report',
    kindReason: 'test',
    outputName: `test-${type}`,
    type,
    frameworks: ['nist-800-53'],
    formats: ['md', 'json'],
    options: severityFilter ? { severity_filter: severityFilter } : {},
    source: { file: 'reports/test.yaml', index: 0, count: 1 },
  };
}

const catalog = { framework: 'nist-800-53', name: 'NIST SP 800-53 Rev. 5', release: 'test', verified: true, families: { AC: 'Access Control' } };
const provenance = { toolVersion: 'infracast test', catalogs: [], inputs: [], generatedAt: '2026-11-29T00:00:00Z', coverage: [] };
const tenant = { id: 't', name: 'Tenant' };

function framework(severityFilter?: Severity[]): ReportModel {
  return buildFrameworkReport({
    definition: definition('framework', severityFilter),
    tenant,
    evaluation: evaluation(),
    catalog,
    statements: new Map(),
    generatedAt: '2026-11-29T00:00:00Z',
    provenance,
  });
}

function gap(severityFilter?: Severity[]): ReportModel {
  return buildGapReport({
    definition: definition('gap', severityFilter),
    tenant,
    evaluation: evaluation(),
    catalog,
    at,
    generatedAt: '2026-11-29T00:00:00Z',
    provenance,
  });
}

const markdown = async (model: ReportModel): Promise<string> =>
  new TextDecoder().decode(await markdownRenderer.render(model, { workspaceRoot: '/nonexistent', templatesDir: join('/nonexistent', 'templates') }));

const rowsOf = (model: ReportModel, table: string) => new Map(model.tables.find((t) => t.id === table)!.rows.map((r) => [r.id, r]));
/** The Markdown of one control's detail section (#### or ###), up to the next heading. */
const sectionOf = (md: string, heading: RegExp): string => {
  const start = md.search(heading);
  assert.ok(start >= 0, `no section ${heading}`);
  const rest = md.slice(start);
  const body = rest.indexOf('\n');
  const end = rest.slice(body).search(/^#{2,4} /m);
  return end < 0 ? rest : rest.slice(0, body + end);
};

const FILTER: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM'];

describe('severity filter notes', () => {
  it('counts the hidden findings and the hidden open FAIL ones, with their severities', () => {
    const f = (rule: string, result: Finding['result'], severity: Severity): Finding => finding(rule, result, severity, ['AC-2'], rule);
    assert.deepEqual(applySeverityFilter([f('a', 'FAIL', 'LOW')], undefined), { shown: [f('a', 'FAIL', 'LOW')], hidden: null, hiddenOpen: null });
    assert.equal(applySeverityFilter([f('a', 'FAIL', 'LOW'), f('b', 'FAIL', 'LOW')], FILTER).note, '2 open FAIL findings hidden by the severity filter (LOW)');
    assert.equal(applySeverityFilter([f('a', 'PASS', 'LOW')], FILTER).note, '1 finding hidden by the severity filter (LOW), none of them open FAIL');
    const mixed = applySeverityFilter([f('a', 'FAIL', 'LOW'), f('b', 'PASS', 'INFORMATIONAL'), f('c', 'FAIL', 'HIGH')], FILTER);
    assert.equal(mixed.note, '2 findings hidden by the severity filter (LOW, INFORMATIONAL), 1 of them open FAIL');
    assert.deepEqual([mixed.hidden, mixed.hiddenOpen, mixed.shown.length], [2, 1, 1]);
    assert.equal(applySeverityFilter([f('c', 'FAIL', 'HIGH')], FILTER).note, undefined);
  });
});

describe('framework report: why, severity filter, outside the baseline', () => {
  it('a failing control whose only failing findings the filter hides says so instead of listing Open 0 rows', async () => {
    const md = await markdown(framework(FILTER));
    const ac2 = sectionOf(md, /^#### AC-2 /m);
    assert.match(ac2, /^#### AC-2 Control AC-2: Failing/);
    assert.doesNotMatch(ac2, /\| iam_user_mfa_enabled_console_access \|/, 'no list of Open 0 rows');
    assert.match(
      ac2,
      /Not listed: the 1 open FAIL finding that makes it failing, hidden by the severity filter \(LOW\), nor the 1 rule of its other findings, none open FAIL \(every finding is in the JSON report\)\./,
    );
    // The row says why, and what the filter hid.
    assert.match(
      md,
      /^\| AC-2 \| Control AC-2 \| Failing \| 1 open FAIL finding of 1 rule: iam_policy_attached_only_to_group_or_roles \(1 resource\); 1 open FAIL finding hidden by the severity filter \(LOW\) \|$/m,
    );
    // Without the filter, the failing rule is listed with its open finding.
    const unfiltered = sectionOf(await markdown(framework()), /^#### AC-2 /m);
    assert.match(unfiltered, /\| iam_policy_attached_only_to_group_or_roles \| .* \| LOW \| 1 \| 0 \|/);
    assert.doesNotMatch(unfiltered, /Not listed/);
  });

  it('a failing control with some failing findings shown lists them and counts the hidden ones', async () => {
    const md = await markdown(framework(FILTER));
    const ac3 = sectionOf(md, /^#### AC-3 /m);
    assert.match(ac3, /Not listed: 1 open FAIL finding hidden by the severity filter \(LOW\)\./);
    assert.match(ac3, /\| s3_bucket_public_access \| .* \| HIGH \| 1 \| 0 \|/);
    assert.doesNotMatch(ac3, /s3_bucket_level_public_access_block/);
  });

  it('statuses, counts and scores never change with the filter (evaluation.md section 4)', () => {
    const [withFilter, without] = [framework(FILTER), framework()];
    const figures = (m: ReportModel) => {
      const { counts, score, coverage, outsideScope } = m.sections[0]!.data as Record<string, unknown>;
      return { counts, score, coverage, outsideScope };
    };
    assert.deepEqual(figures(withFilter), figures(without));
    const strip = (m: ReportModel) => [...rowsOf(m, 'controls').values()].map(({ hidden_by_filter: _h, open_hidden_by_filter: _o, ...rest }) => rest);
    assert.deepEqual(strip(withFilter), strip(without));
    assert.deepEqual(rowsOf(withFilter, 'findings').size, rowsOf(without, 'findings').size);
  });

  it('every row of the controls table (XLSX, JSON) carries the reason, its basis and the filter counts', () => {
    const rows = rowsOf(framework(FILTER), 'controls');
    const pick = (id: string) => {
      const r = rows.get(id)!;
      return [r.status, r.decided_by, r.hidden_by_filter, r.open_hidden_by_filter];
    };
    assert.deepEqual(pick('AC-2'), ['failing', 'open-findings', 1, 1]);
    assert.deepEqual(pick('AC-3'), ['failing', 'open-findings', 1, 1]);
    assert.deepEqual(pick('AC-5'), ['failing', 'attestation', 0, 0]);
    assert.deepEqual(pick('AC-7'), ['failing', 'open-findings', 0, 0]);
    assert.deepEqual(pick('AC-12'), ['passing', 'sufficient-mapping', 0, 0]);
    assert.deepEqual(pick('AC-14'), ['not-assessed', 'no-evidence', 0, 0]);
    assert.equal(rows.get('AC-12')!.reason, 'passes through mapping mappings/acme-scanners.yaml: session_timeout marked sufficient (1 PASS finding)');
    assert.equal(rows.get('AC-5')!.reason, 'attestation att-ac-5: not-met on 2026-11-01 (attestations/ac.yaml:3)');
    assert.match(String(rows.get('AC-7')!.reason), /contradicts attestation att-ac-7: met on 2026-11-01 \(attestations\/ac\.yaml:9\)/);
    // No filter in force: nothing was hidden, and the columns say so with null rather than 0.
    assert.deepEqual(
      [rowsOf(framework(), 'controls').get('AC-2')!.hidden_by_filter, rowsOf(framework(), 'controls').get('AC-2')!.open_hidden_by_filter],
      [null, null],
    );
  });

  it('the Why column says the conflict once, in the reason', async () => {
    const md = await markdown(framework());
    const row = md.split('\n').find((l) => l.startsWith('| AC-7 |'))!;
    assert.match(
      row,
      /^\| AC-7 \| Control AC-7 \| Failing \| 1 open FAIL finding of 1 rule: okta_inactive_users \(1 resource\); contradicts attestation att-ac-7/,
    );
    assert.equal(row.match(/att-ac-7/g)?.length, 1);
  });

  it('counts the findings that name only controls outside the baseline; the unmapped ones are on the cover', async () => {
    const built = framework();
    const summary = built.sections[0]!.data as { outsideScope: number };
    // AC-20 and AC-20(1) are not in this report's controls; session_timeout maps to AC-12; tagging names nothing.
    assert.equal(summary.outsideScope, 2);
    assert.equal(evaluation().unmapped, 1);
    // app/build.ts puts the unmapped count on the cover of every report (withUnmapped), in one wording.
    const model = { ...built, meta: { ...built.meta, unmapped: [unmappedCount('nist-800-53', evaluation().unmapped, findings.length)] } };
    const md = await markdown(model);
    assert.match(md, /^\| Unmapped findings \| 1 of 9 findings maps to no control of nist-800-53 \|$/m);
    assert.equal(md.match(/map(s)? to no control/g)?.length, 1, 'said once');
    assert.match(md, /^\| Findings naming only controls outside this baseline \| 2 \|$/m);
    const json = JSON.parse(JSON.stringify(model)) as { sections: { data: { outsideScope?: number } }[] };
    assert.equal(json.sections[0]!.data.outsideScope, 2);
  });
});

describe('gap report: why, severity filter, outside the baseline', () => {
  it('each gap says why once, keeps the labels the reason does not carry, and what the filter hid', async () => {
    const model = gap(FILTER);
    const rows = rowsOf(model, 'gaps');
    assert.deepEqual([...rows.keys()], ['AC-3', 'AC-7', 'AC-2', 'AC-5', 'AC-14']);
    assert.deepEqual(
      [...rows.values()].map((r) => [r.id, r.decided_by, r.hidden_by_filter, r.open_hidden_by_filter]),
      [
        ['AC-3', 'open-findings', 1, 1],
        ['AC-7', 'open-findings', 0, 0],
        ['AC-2', 'open-findings', 1, 1],
        ['AC-5', 'attestation', 0, 0],
        ['AC-14', 'no-evidence', 0, 0],
      ],
    );
    assert.equal(rows.get('AC-14')!.reason, 'no evidence: no attestation and no finding names it');
    assert.equal(rows.get('AC-3')!.deviations, 'risk-accepted exc-1');
    const md = await markdown(model);
    const ac2 = sectionOf(md, /^### \d+\. AC-2 /m);
    assert.match(ac2, /^- Why: 1 open FAIL finding of 1 rule: iam_policy_attached_only_to_group_or_roles \(1 resource\)$/m);
    assert.match(ac2, /^Not listed: 1 open FAIL finding hidden by the severity filter \(LOW\)\.$/m);
    assert.doesNotMatch(ac2, /\| Rule \|/, 'no finding table of hidden rules');
    const ac3 = sectionOf(md, /^### \d+\. AC-3 /m);
    assert.match(ac3, /^- Approved deviation exc-1 \(risk-accepted\): the control stays failing$/m);
    assert.equal(ac3.match(/exc-1/g)?.length, 1, 'the deviation is said once');
    const ac7 = sectionOf(md, /^### \d+\. AC-7 /m);
    assert.equal(ac7.match(/att-ac-7/g)?.length, 1, 'the conflict is said once, in the reason');
    assert.match(md, /^\| Findings naming only controls outside this baseline \| 2 \|$/m);
  });
});

describe('gap report: remediation under the severity filter, said once, by control id', () => {
  const fixed = (rule: string, severity: Severity, ids: string[], remediation: string): Finding => ({ ...finding(rule, 'FAIL', severity, ids), remediation });
  /** AC-10 and AC-2 fail through the same HIGH rule; AC-3 through a HIGH and a LOW rule; AC-4 through a LOW one only. */
  const withFixes: Finding[] = [
    fixed('s3_public', 'HIGH', ['AC-2', 'AC-10', 'AC-3'], 'Block public access.'),
    fixed('s3_public_acl', 'HIGH', ['AC-3'], 'Block public access.'),
    fixed('s3_block_level', 'LOW', ['AC-3'], 'Enable the account-level block.'),
    fixed('tls_old', 'LOW', ['AC-4'], 'Use TLS 1.2 or later.'),
  ];
  const model = (severityFilter?: Severity[]): ReportModel =>
    buildGapReport({
      definition: definition('gap', severityFilter),
      tenant,
      evaluation: evaluateFramework({
        framework: 'nist-800-53',
        controls: ['AC-2', 'AC-3', 'AC-4', 'AC-10', 'AC-11'].map(control),
        findings: withFixes,
        attestations: [],
        exceptions: [],
        mappings: [],
        at,
      }),
      catalog,
      at,
      generatedAt: '2026-11-29T00:00:00Z',
      provenance,
    });
  /** One control's entry of the remediation section: from its bold line to the next. */
  const entryOf = (section: string, id: string): string => {
    const start = section.indexOf(`\n**${id} `);
    assert.ok(start >= 0, `no remediation entry ${id}`);
    const end = section.indexOf('\n**', start + 1);
    return end < 0 ? section.slice(start) : section.slice(start, end);
  };
  const remediationOf = async (m: ReportModel): Promise<string> => {
    const md = await markdown(m);
    return md.slice(md.indexOf('\n## Remediation\n'), md.indexOf('\n## Provenance\n'));
  };

  it('lists the fixes of the findings the filter shows, and says what it left out', async () => {
    const section = await remediationOf(model(['CRITICAL', 'HIGH', 'MEDIUM']));
    assert.doesNotMatch(section, /account-level block|TLS 1\.2/, 'fixes of LOW findings are hidden like their rows');
    const ac3 = entryOf(section, 'AC-3');
    assert.match(ac3, /^- Not listed: the fixes of 1 open FAIL finding hidden by the severity filter \(LOW\)\.$/m);
    const ac4 = entryOf(section, 'AC-4');
    assert.match(ac4, /^- Not listed: the fixes of 1 open FAIL finding hidden by the severity filter \(LOW\)\.$/m);
    assert.doesNotMatch(ac4, /Close the failing findings/, 'no generic step where the fixes are only hidden');
    // The JSON/XLSX rows carry every rule's fix, as they carry every rule.
    assert.match(String(rowsOf(model(['CRITICAL', 'HIGH', 'MEDIUM']), 'gaps').get('AC-4')!.remediation), /TLS 1\.2/);
    const unfiltered = await remediationOf(model());
    assert.match(unfiltered, /^- s3_block_level \(LOW\): Enable the account-level block\.$/m);
    assert.match(unfiltered, /^- tls_old \(LOW\): Use TLS 1\.2 or later\.$/m);
  });

  it('orders controls by id in numeric order and says each fix once', async () => {
    const section = await remediationOf(model());
    assert.deepEqual(
      [...section.matchAll(/^\*\*(\S+) /gm)].map((m) => m[1]),
      ['AC-2', 'AC-3', 'AC-4', 'AC-10'],
    );
    assert.equal(section.match(/Block public access/g)?.length, 1);
    assert.match(entryOf(section, 'AC-2'), /^- s3_public \(HIGH\): Block public access\.$/m);
    // AC-3: two rules share the fix already listed under AC-2.
    assert.match(entryOf(section, 'AC-3'), /^- As listed under AC-2: s3_public, s3_public_acl\.$/m);
    assert.match(entryOf(section, 'AC-10'), /^- As listed under AC-2: s3_public\.$/m);
    const md = await markdown(model());
    assert.match(md, /^\| \d+ \| AC-11 \| Control AC-11 \| no evidence: no attestation and no finding names it \|$/m);
  });
});
