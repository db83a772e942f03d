/** The POA&M store (spec/evaluation.md section 6; notes/documents.md section 2). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serialisePoam } from '../../src/app/state.js';
import type { MappingRule } from '../../src/model/evaluation.js';
import type { Finding } from '../../src/model/finding.js';
import { updatePoam } from '../../src/model/poam.js';
import type { PoamException, PoamItem, PoamStore } from '../../src/model/poam.js';

const day1 = new Date('2026-01-10T12:00:00Z');
const day2 = new Date('2026-02-10T12:00:00Z');
const day3 = new Date('2026-03-10T12:00:00Z');

function fail(rule: string, resource: string, extra: Partial<Finding> = {}): Finding {
  return {
    identity: `${extra.tool ?? 'prowler'}-${rule}-${resource}-${extra.result ?? 'FAIL'}`,
    nativeId: rule,
    title: `Weakness ${rule}`,
    result: 'FAIL',
    state: 'open',
    severity: 'HIGH',
    severitySource: { value: 'high', scale: 'prowler' },
    controls: {},
    ruleId: rule,
    tool: 'prowler',
    resource: { id: resource },
    sources: [],
    ...extra,
  };
}
const pass = (rule: string, resource: string, extra: Partial<Finding> = {}): Finding => fail(rule, resource, { result: 'PASS', ...extra });

const run = (
  previous: PoamStore | undefined,
  findings: Finding[],
  at: Date,
  extra: { exceptions?: PoamException[]; mappings?: MappingRule[] } = {},
): PoamStore => updatePoam(previous, { findings, exceptions: extra.exceptions ?? [], at, ...(extra.mappings ? { mappings: extra.mappings } : {}) });
const item = (store: PoamStore, id: string): PoamItem => {
  const found = store.items.find((i) => i.id === id);
  assert.ok(found, `${id} in ${store.items.map((i) => i.id).join(', ')}`);
  return found;
};

describe('POA&M ids', () => {
  it('one item per weakness (detector + source id) across its assets, ids in first-detection order', () => {
    const store = run(undefined, [fail('s3_public', 'bucket-b'), fail('s3_public', 'bucket-a'), fail('iam_mfa', 'root'), pass('ec2_ok', 'i-1')], day1);
    assert.deepEqual(
      store.items.map((i) => [i.id, i.weakness_detector, i.weakness_source_id, i.assets]),
      [
        ['POAM-1', 'prowler', 'iam_mfa', ['root']],
        ['POAM-2', 'prowler', 's3_public', ['bucket-a', 'bucket-b']],
      ],
    );
    assert.equal(store.next_id, 3);
  });

  it('an earlier first sighting comes first, whatever the order of the records', () => {
    const store = run(undefined, [fail('zz_old', 'r1', { firstObservedAt: '2025-12-01T00:00:00Z' }), fail('aa_new', 'r1')], day1);
    assert.deepEqual(
      store.items.map((i) => [i.id, i.weakness_source_id, i.original_detection_date]),
      [
        ['POAM-1', 'zz_old', '2025-12-01'],
        ['POAM-2', 'aa_new', '2026-01-10'],
      ],
    );
  });

  it('are stable across runs: a new weakness gets the next id, known ones keep theirs', () => {
    const first = run(undefined, [fail('a', 'r1'), fail('b', 'r1')], day1);
    const second = run(first, [fail('c', 'r1'), fail('b', 'r1'), fail('a', 'r1')], day2);
    assert.deepEqual(
      second.items.map((i) => [i.id, i.weakness_source_id]),
      [
        ['POAM-1', 'a'],
        ['POAM-2', 'b'],
        ['POAM-3', 'c'],
      ],
    );
    assert.equal(second.next_id, 4);
  });

  it('are never reused after closure; a weakness that comes back is a new item naming the closed one', () => {
    const first = run(undefined, [fail('a', 'r1'), fail('b', 'r1')], day1);
    const second = run(first, [pass('a', 'r1'), fail('b', 'r1')], day2);
    assert.equal(item(second, 'POAM-1').status, 'closed');
    const third = run(second, [fail('a', 'r1'), fail('b', 'r1')], day3);
    assert.deepEqual(
      third.items.map((i) => [i.id, i.weakness_source_id, i.status, i.reopens]),
      [
        ['POAM-1', 'a', 'closed', undefined],
        ['POAM-2', 'b', 'open', undefined],
        ['POAM-3', 'a', 'open', 'POAM-1'],
      ],
    );
    assert.equal(item(third, 'POAM-3').original_detection_date, '2026-03-10');
    assert.equal(item(third, 'POAM-1').closure_date, '2026-02-10');
  });

  it('a weakness closed twice comes back naming its latest item', () => {
    let store = run(undefined, [fail('a', 'r1')], day1);
    store = run(store, [pass('a', 'r1')], day2);
    store = run(store, [fail('a', 'r1')], day3);
    store = run(store, [pass('a', 'r1')], new Date('2026-04-10T00:00:00Z'));
    store = run(store, [fail('a', 'r1')], new Date('2026-05-10T00:00:00Z'));
    assert.deepEqual(
      store.items.map((i) => [i.id, i.status, i.reopens]),
      [
        ['POAM-1', 'closed', undefined],
        ['POAM-2', 'closed', 'POAM-1'],
        ['POAM-3', 'open', 'POAM-2'],
      ],
    );
  });

  it('a store that lost its header counter still never reuses an id', () => {
    const first = run(undefined, [fail('a', 'r1')], day1);
    const second = run({ ...first, next_id: 1 }, [fail('a', 'r1'), fail('b', 'r1')], day2);
    assert.deepEqual(
      second.items.map((i) => i.id),
      ['POAM-1', 'POAM-2'],
    );
  });
});

describe('POA&M dates and closure', () => {
  it('keeps the original detection date and deadline from the first sighting', () => {
    const first = run(undefined, [fail('a', 'r1')], day1);
    const second = run(first, [fail('a', 'r1', { severity: 'LOW', firstObservedAt: '2026-02-01T00:00:00Z' }), fail('a', 'r2')], day2);
    const a = item(second, 'POAM-1');
    assert.equal(a.original_detection_date, '2026-01-10');
    assert.equal(a.scheduled_completion_date, '2026-02-09');
    assert.equal(a.original_risk_rating, 'High');
    assert.deepEqual(a.assets, ['r1', 'r2']);
    assert.equal(a.status_date, '2026-02-10', 'a new asset is a change');
  });

  it('dates detection from the findings (observed at: record, run, declared, git commit); the run day only when none has a time, and then says so', () => {
    const store = run(
      undefined,
      [fail('dated', 'r1', { observedAt: '2026-01-02T08:00:00.000Z', observedAtSource: 'git-commit' }), fail('dated', 'r2'), fail('undated', 'r1')],
      day1,
    );
    const dated = store.items.find((i) => i.weakness_source_id === 'dated')!;
    assert.equal(dated.original_detection_date, '2026-01-02', 'one finding with a time dates the weakness');
    assert.equal(dated.scheduled_completion_date, '2026-02-01');
    assert.equal(dated.detection_date_basis, undefined);
    const undated = store.items.find((i) => i.weakness_source_id === 'undated')!;
    assert.equal(undated.original_detection_date, '2026-01-10');
    assert.equal(undated.detection_date_basis, 'first-seen-by-infracast');
    // A later run with a time for it changes neither K, L nor the basis: they are the first sighting's.
    const later = run(store, [fail('undated', 'r1', { observedAt: '2026-01-05T00:00:00.000Z', observedAtSource: 'declared' })], day2);
    const again = item(later, undated.id);
    assert.deepEqual(
      [again.original_detection_date, again.scheduled_completion_date, again.detection_date_basis],
      ['2026-01-10', '2026-02-09', 'first-seen-by-infracast'],
    );
  });

  it('closes only when a scan that covered the asset no longer reports it', () => {
    const first = run(undefined, [fail('a', 'r1'), fail('a', 'r2')], day1);
    // The scan covered r1 (a PASS there) but said nothing about r2: r1 leaves, the item stays open on r2.
    const second = run(first, [pass('a', 'r1')], day2);
    assert.equal(item(second, 'POAM-1').status, 'open');
    assert.deepEqual(item(second, 'POAM-1').assets, ['r2']);
    assert.deepEqual(item(second, 'POAM-1').resolved_assets, ['r1']);
    // Another tool covering r2 does not close a prowler weakness.
    const third = run(second, [pass('x', 'r2', { tool: 'trivy' })], day3);
    assert.equal(item(third, 'POAM-1').status, 'open');
    // A run with no findings covers nothing: nothing closes.
    assert.equal(item(run(second, [], day3), 'POAM-1').status, 'open');
    // Prowler covers r2 (any check) and no longer reports the weakness: closed, kept, dated.
    const fourth = run(second, [pass('other_check', 'r2')], day3);
    const closed = item(fourth, 'POAM-1');
    assert.equal(closed.status, 'closed');
    assert.equal(closed.closure_date, '2026-03-10');
    assert.equal(closed.status_date, '2026-03-10');
    assert.deepEqual(closed.assets, ['r2']);
    assert.deepEqual(closed.resolved_assets, ['r1', 'r2']);
    assert.equal(fourth.items.length, 1);
  });

  it('resolved or suppressed findings are not weaknesses', () => {
    const store = run(
      undefined,
      [fail('a', 'r1', { state: 'resolved' }), fail('b', 'r1', { state: 'suppressed' }), fail('c', 'r1', { result: 'MANUAL' })],
      day1,
    );
    assert.deepEqual(store.items, []);
  });

  it('an unchanged item keeps its status date', () => {
    const first = run(undefined, [fail('a', 'r1')], day1);
    const second = run(first, [fail('a', 'r1')], day2);
    assert.deepEqual(second, first);
  });
});

describe('POA&M ratings and deadlines', () => {
  it('Critical and High: High, 30 days; Medium: Moderate, 90; Low and Informational: Low, 180', () => {
    const store = run(
      undefined,
      [
        fail('crit', 'r', { severity: 'CRITICAL' }),
        fail('high', 'r', { severity: 'HIGH' }),
        fail('med', 'r', { severity: 'MEDIUM' }),
        fail('low', 'r', { severity: 'LOW' }),
        fail('info', 'r', { severity: 'INFORMATIONAL' }),
      ],
      day1,
    );
    const by = (rule: string) => store.items.find((i) => i.weakness_source_id === rule)!;
    assert.deepEqual(
      ['crit', 'high', 'med', 'low', 'info'].map((r) => [by(r).original_risk_rating, by(r).scheduled_completion_date]),
      [
        ['High', '2026-02-09'],
        ['High', '2026-02-09'],
        ['Moderate', '2026-04-10'],
        ['Low', '2026-07-09'],
        ['Low', '2026-07-09'],
      ],
    );
  });

  it('the highest severity across the assets rates the item; the workspace may configure the days', () => {
    const store = updatePoam(undefined, {
      findings: [fail('a', 'r1', { severity: 'LOW' }), fail('a', 'r2', { severity: 'MEDIUM' })],
      exceptions: [],
      at: day1,
      deadlines: { moderate: 60 },
    });
    assert.equal(store.items[0]!.original_risk_rating, 'Moderate');
    assert.equal(store.items[0]!.scheduled_completion_date, '2026-03-11');
  });
});

describe('POA&M deviations', () => {
  const exception = (type: PoamException['type'], approval: PoamException['approval'], extra: Partial<PoamException> = {}): PoamException => ({
    id: `exc-${type}-${approval}`,
    type,
    approval,
    justification: `${type} because`,
    findings: [{ rule: 'a' }],
    ...extra,
  });

  it('an approved risk adjustment lowers the adjusted rating; a pending one shows as Pending and changes nothing', () => {
    const approved = run(undefined, [fail('a', 'r1')], day1, { exceptions: [exception('risk-accepted', 'approved')] }).items[0]!;
    assert.equal(approved.original_risk_rating, 'High');
    assert.equal(approved.adjusted_risk_rating, 'Moderate');
    assert.equal(approved.risk_adjustment, 'Yes');
    assert.equal(approved.scheduled_completion_date, '2026-02-09', 'the deadline never moves');
    assert.deepEqual(approved.deviation_rationale, ['RA : risk-accepted because']);

    const pending = run(undefined, [fail('a', 'r1')], day1, { exceptions: [exception('risk-accepted', 'pending')] }).items[0]!;
    assert.equal(pending.adjusted_risk_rating, 'High');
    assert.equal(pending.risk_adjustment, 'Pending');
    assert.deepEqual(pending.deviations, ['exc-risk-accepted-pending']);

    const rejected = run(undefined, [fail('a', 'r1')], day1, { exceptions: [exception('risk-accepted', 'rejected')] }).items[0]!;
    assert.equal(rejected.risk_adjustment, 'No');
    assert.equal(rejected.adjusted_risk_rating, 'High');
    assert.deepEqual(rejected.deviations, []);

    const expired = run(undefined, [fail('a', 'r1')], day1, { exceptions: [exception('risk-accepted', 'approved', { expires: '2026-01-01' })] }).items[0]!;
    assert.equal(expired.adjusted_risk_rating, 'High');
    assert.equal(expired.risk_adjustment, 'No');

    const granted = run(undefined, [fail('a', 'r1')], day1, { exceptions: [exception('risk-accepted', 'approved', { adjustedRating: 'Low' })] }).items[0]!;
    assert.equal(granted.adjusted_risk_rating, 'Low');
  });

  it('an operational requirement keeps the item open; a pending false positive shows as Pending', () => {
    const store = run(undefined, [fail('a', 'r1')], day1, {
      exceptions: [exception('operational-requirement', 'approved'), exception('false-positive', 'pending')],
    });
    const a = store.items[0]!;
    assert.equal(a.status, 'open');
    assert.equal(a.operational_requirement, 'Yes');
    assert.equal(a.false_positive, 'Pending');
    assert.equal(a.adjusted_risk_rating, 'High');
  });

  it('an approved false positive closes the item (the scan covered the asset); first seen under it, there is no item', () => {
    const first = run(undefined, [fail('a', 'r1')], day1);
    const second = run(first, [fail('a', 'r1')], day2, { exceptions: [exception('false-positive', 'approved')] });
    assert.equal(item(second, 'POAM-1').status, 'closed');
    assert.equal(item(second, 'POAM-1').false_positive, 'Yes');
    assert.deepEqual(run(undefined, [fail('a', 'r1')], day1, { exceptions: [exception('false-positive', 'approved')] }).items, []);
  });

  it('a vendor dependency fills columns P-R', () => {
    const a = run(undefined, [fail('a', 'r1')], day1, {
      exceptions: [exception('operational-requirement', 'pending', { vendorDependency: { vendor: 'Acme', product: 'Widget 2', lastCheckIn: '2026-01-05' } })],
    }).items[0]!;
    assert.equal(a.vendor_dependency, 'Yes');
    assert.equal(a.vendor_product, 'Widget 2');
    assert.equal(a.last_vendor_check_in, '2026-01-05');
    assert.equal(run(undefined, [fail('a', 'r1')], day1).items[0]!.vendor_dependency, 'No');
  });
});

describe('POA&M controls', () => {
  it('unmapped vulnerability findings cite RA-5, configuration findings CM-6; mapped ones their controls', () => {
    const store = run(
      undefined,
      [
        fail('CVE-2024-3094', 'host-1', { tool: 'trivy', location: { package: 'xz-utils', version: '5.6.0' } }),
        fail('s3_public', 'bucket'),
        fail('iam_mfa', 'root', { controls: { 'nist-800-53': ['ia-2.1'] } }),
        fail('ec2_imds', 'i-1'),
      ],
      day1,
      { mappings: [{ rule: 'ec2_*', controls: { 'nist-800-53': ['CM-7', 'AC-3'] }, sufficient: false, source: 'test' }] },
    );
    const by = (rule: string) => store.items.find((i) => i.weakness_source_id === rule)!;
    assert.deepEqual(by('CVE-2024-3094').controls, ['RA-5']);
    assert.equal(by('CVE-2024-3094').kind, 'vulnerability');
    assert.equal(by('CVE-2024-3094').cve, 'CVE-2024-3094');
    assert.deepEqual(by('s3_public').controls, ['CM-6']);
    assert.equal(by('s3_public').kind, 'configuration');
    assert.deepEqual(by('iam_mfa').controls, ['IA-2(1)']);
    assert.deepEqual(by('ec2_imds').controls, ['AC-3', 'CM-7']);
  });
});

describe('POA&M determinism', () => {
  it('the same inputs in any order give byte-identical poam.jsonl', () => {
    const findings = [
      fail('a', 'r2', { severity: 'LOW' }),
      fail('a', 'r1'),
      fail('CVE-2024-1', 'h', { tool: 'trivy' }),
      fail('b', 'r1', { owner: 'team-x', remediation: 'Fix it' }),
      pass('c', 'r3'),
    ];
    const exceptions: PoamException[] = [
      { id: 'e2', type: 'operational-requirement', approval: 'pending', justification: 'z', findings: [{ rule: 'a' }] },
      { id: 'e1', type: 'risk-accepted', approval: 'approved', justification: 'y', findings: [{ rule: 'a' }] },
    ];
    const one = run(run(undefined, findings, day1, { exceptions }), findings.slice(1), day2, { exceptions });
    const two = run(run(undefined, [...findings].reverse(), day1, { exceptions: [...exceptions].reverse() }), findings.slice(1).reverse(), day2, {
      exceptions: [...exceptions].reverse(),
    });
    assert.equal(serialisePoam(one), serialisePoam(two));
    assert.match(serialisePoam(one), /^\{"kind":"header","next_id":4\}\n\{"adjusted_risk_rating":"Moderate",/);
    assert.ok(serialisePoam(one).endsWith('}\n'));
  });
});
