/**
 * The gap and remediation reports on examples/acme (issue: render, two more report types): content
 * that matches the README's figures, Markdown pinned by golden files, byte-identical renders, and
 * hostile finding text rendered inert.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { buildGap, buildRemediation } from '../../src/app/build.js';
import type { RunContext } from '../../src/app/build.js';
import { ingestWorkspace } from '../../src/app/workspace-findings.js';
import { validate } from '../../src/app/validate.js';
import type { OutputDefinition } from '../../src/model/definitions.js';
import type { ReportModel } from '../../src/model/report-model.js';
import { compareControlIds } from '../../src/model/control-ids.js';
import { jsonRenderer } from '../../src/renderers/json.js';
import { markdownRenderer } from '../../src/renderers/markdown.js';
import { examplesDir, goldenDir } from '../support/paths.js';

const acme = join(examplesDir, 'acme');
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
let run: RunContext;
let gapDefinition: OutputDefinition;
let remediationDefinition: OutputDefinition;

async function render(model: ReportModel): Promise<{ md: string; json: string }> {
  const ctx = { workspaceRoot: acme, templatesDir: join(acme, 'templates') };
  return { md: decode(await markdownRenderer.render(model, ctx)), json: decode(await jsonRenderer.render(model, ctx)) };
}

function pinned(name: string, md: string): void {
  const golden = join(goldenDir, 'reports', name);
  if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
    mkdirSync(join(goldenDir, 'reports'), { recursive: true });
    writeFileSync(golden, md);
  }
  assert.equal(md, readFileSync(golden, 'utf8'));
}

/** The "Requirements NOT MET" table of examples/acme/README.md: id -> [point value, status]. */
const NOT_MET: Record<string, [number, string]> = {
  '3.1.21': [-1, 'not-assessed'],
  '3.3.8': [-1, 'failing'],
  '3.4.6': [-5, 'failing'],
  '3.5.3': [-3, 'failing'],
  '3.5.6': [-1, 'failing'],
  '3.5.7': [-1, 'failing'],
  '3.5.10': [-5, 'failing'],
  '3.6.3': [-1, 'failing'],
  '3.11.3': [-1, 'failing'],
  '3.13.2': [-5, 'failing'],
  '3.13.14': [-1, 'not-assessed'],
  '3.14.1': [-5, 'failing'],
};

describe('gap and remediation reports on examples/acme', () => {
  before(async () => {
    const checked = await validate({ paths: [acme], at: '2026-11-29' });
    const workspace = checked.workspaces[0]!;
    const ingested = await ingestWorkspace(workspace);
    run = { workspace, ingested, at: new Date('2026-11-29T00:00:00Z') };
    gapDefinition = workspace.outputs.find((o) => o.type === 'gap')!;
    remediationDefinition = workspace.outputs.find((o) => o.type === 'remediation')!;
  });

  it('gap on nist-800-171 lists exactly the 12 NOT MET requirements, with points and statuses, failing first', async () => {
    const model = buildGap(run, gapDefinition, 'nist-800-171');
    const rows = model.tables.find((t) => t.id === 'gaps')!.rows;
    assert.deepEqual(Object.fromEntries(rows.map((r) => [r.id, [r.point_value, r.status]])), NOT_MET);
    const statuses = rows.map((r) => r.status);
    assert.deepEqual(statuses, [...statuses].sort((a, b) => (a === b ? 0 : a === 'failing' ? -1 : 1)), 'failing before not assessed');
    assert.deepEqual(rows.slice(-2).map((r) => r.id), ['3.1.21', '3.13.14'], 'not assessed last, in catalog order');
    // Worst severity first: the Trivy CRITICALs (3.11.3 and 3.14.1), 5 points before 1.
    assert.deepEqual(rows.slice(0, 2).map((r) => r.id), ['3.14.1', '3.11.3']);
    const sum = rows.reduce((s, r) => s + (r.point_value as number), 0);
    assert.equal(sum, -30, 'SPRS 110 - 30 = 80');
    const summary = model.sections[0]!.data as { sprs: { score: number } };
    assert.equal(summary.sprs.score, 80);
  });

  it('gap rows say why, the CMMC POA&M eligibility, deviations and the remediation', async () => {
    const model = buildGap(run, gapDefinition, 'nist-800-171');
    const rows = new Map(model.tables[0]!.rows.map((r) => [r.id, r]));
    assert.equal(rows.get('3.4.6')!.poam_eligible, 'not eligible');
    assert.match(String(rows.get('3.4.6')!.poam_reason), /worth 5 points.*32 CFR 170\.21/);
    assert.match(String(rows.get('3.4.6')!.deviations), /operational-requirement exc-2026-003/);
    assert.match(String(rows.get('3.5.10')!.deviations), /risk-accepted exc-2026-002/);
    assert.equal(rows.get('3.5.6')!.poam_eligible, 'on the POA&M', 'its findings are open POA&M items');
    assert.equal(rows.get('3.6.3')!.poam_eligible, 'on the POA&M', 'its attestation records a plan of action');
    assert.equal(rows.get('3.1.21')!.poam_eligible, 'not eligible', 'not assessed: never POA&M-eligible (32 CFR 170.24(b))');
    assert.match(String(rows.get('3.5.3')!.reason), /att-2026-ia-02: partial \(mfa-remote-and-privileged-only\)/);
    assert.match(String(rows.get('3.6.3')!.reason), /att-2026-ir-02: not-met/);
    assert.equal(rows.get('3.6.3')!.decided_by, 'attestation');
    assert.match(String(rows.get('3.13.14')!.reason), /no evidence/);
    assert.equal(rows.get('3.13.14')!.decided_by, 'no-evidence');
    assert.match(String(rows.get('3.13.14')!.remediation), /Attest the control/);
    assert.match(String(rows.get('3.3.8')!.reason), /contradicts attestation att-2026-au-01: met/);
    assert.equal(rows.get('3.3.8')!.decided_by, 'open-findings');
    assert.match(String(rows.get('3.13.2')!.rules), /rds_instance_multi_az \(1\)/);
    const { md } = await render(model);
    assert.match(md, /^# NIST SP 800-171 Rev\. 2 Gap Analysis/m);
    assert.match(md, /\| 1 \| 3\.14\.1 \| Flaw Remediation \| CRITICAL \| -5 \| not eligible \|/);
    assert.match(md, /\| 3\.5\.3 \| .* \| -3 \(partial credit\) \|/);
  });

  it('gap: the not-assessed requirements are one table, their common fix and CMMC status said once', async () => {
    const { md } = await render(buildGap(run, gapDefinition, 'nist-800-171'));
    const section = md.slice(md.indexOf('\n## Not assessed\n'), md.indexOf('\n## Remediation\n'));
    assert.deepEqual(
      [...section.matchAll(/^\| \d+ \| (\S+) \|/gm)].map((m) => m[1]),
      ['3.1.21', '3.13.14'],
    );
    assert.equal(section.match(/Attest the control/g)?.length, 1);
    assert.equal(section.match(/32 CFR 170\.24\(b\)/g)?.length, 1);
    // Not one heading per not-assessed requirement: the document's headings are its sections and the failing controls.
    assert.doesNotMatch(md, /^### .*(3\.1\.21|3\.13\.14)/m);
  });

  it("gap of a workspace without attestations (a newcomer's): ~100 not-assessed requirements in one table, not one block each", async () => {
    const bare = { ...run, workspace: { ...run.workspace, records: run.workspace.records.filter((r) => r.kind !== 'Attestation') } };
    const model = buildGap(bare, gapDefinition, 'nist-800-171');
    const notAssessed = model.tables[0]!.rows.filter((r) => r.status === 'not-assessed').map((r) => String(r.id));
    assert.ok(notAssessed.length > 80, `${notAssessed.length} not assessed`);
    const { md } = await render(model);
    const section = md.slice(md.indexOf('\n## Not assessed\n'), md.indexOf('\n## Remediation\n'));
    const rows = [...section.matchAll(/^\| \d+ \| (\S+) \|/gm)].map((m) => m[1]);
    assert.deepEqual(rows, [...notAssessed].sort(compareControlIds), 'every one, in numeric id order');
    assert.ok(rows.indexOf('3.1.2')! < rows.indexOf('3.1.10')!);
    assert.equal(md.match(/Attest the control/g)?.length, 1, 'the common fix, once');
    // The CMMC reason they share, once; 3.12.4 (the SSP) has its own, in its row.
    assert.equal(section.match(/not assessed: no evidence; every requirement must be assessed/g)?.length, 1);
    assert.match(section, /^\| \d+ \| 3\.12\.4 \| .*; CMMC POA&M: no system security plan: .* \|$/m);
    assert.doesNotMatch(md, /^### .*: Not assessed/m);
    // Headings: the sections and one per failing requirement, which the contents list covers.
    const h3 = [...md.matchAll(/^### /gm)].length;
    assert.equal(h3, model.tables[0]!.rows.length - notAssessed.length);
  });

  it('gap: remediation by control id in numeric order, each fix said once', async () => {
    const { md } = await render(buildGap(run, gapDefinition, 'nist-800-171'));
    const section = md.slice(md.indexOf('\n## Remediation\n'), md.indexOf('\n## Provenance\n'));
    const ids = [...section.matchAll(/^\*\*(\S+) /gm)].map((m) => m[1]);
    assert.deepEqual(ids, ['3.3.8', '3.4.6', '3.5.3', '3.5.6', '3.5.7', '3.5.10', '3.6.3', '3.11.3', '3.13.2', '3.14.1']);
    const fixes = [...section.matchAll(/^- (.*)$/gm)].map((m) => m[1]!.replace(/^[^:]*?\((?:CRITICAL|HIGH|MEDIUM|LOW|INFORMATIONAL)\): /, ''));
    assert.equal(new Set(fixes).size, fixes.length, `a fix repeated: ${fixes.filter((f, i) => fixes.indexOf(f) !== i).join(' | ')}`);
    // Three CVEs with the same fix share one line; 3.14.1 refers to the fixes already listed under 3.11.3.
    assert.match(section, /^- CVE-2024-45490, CVE-2024-45491, CVE-2024-45492 \(CRITICAL\): Upgrade libexpat from 2\.6\.2-r0 to 2\.6\.3-r0\.$/m);
    assert.match(section, /^- As listed under 3\.11\.3: CVE-2023-45853, CVE-2024-5535, CVE-2024-24790, CVE-2024-45337, CVE-2024-45490 and 7 more rules\.$/m);
  });

  it('gap on nist-800-53 puts LOW baseline controls first among equal failing ones', () => {
    const model = buildGap(run, { ...gapDefinition, frameworks: ['nist-800-53'], baseline: 'moderate' }, 'nist-800-53');
    const rows = model.tables[0]!.rows;
    assert.ok(rows.length > 0);
    // Not assessed: one table in control id order (numeric: AC-2 < AC-10), whatever the baseline.
    const notAssessed = rows.filter((r) => r.status === 'not-assessed').map((r) => String(r.id));
    assert.deepEqual(notAssessed, [...notAssessed].sort(compareControlIds));
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      if (a.status === 'failing' && a.status === b.status && a.worst_severity === b.worst_severity) assert.ok(!(a.in_low_baseline === 'no' && b.in_low_baseline === 'yes'), `${a.id} before ${b.id}`);
    }
    assert.equal(rows[0]!.point_value, null);
  });

  it('remediation counts open FAIL findings by team as the README does (Trivy attributed through the inventory)', async () => {
    const model = buildRemediation(run, remediationDefinition);
    const owners = Object.fromEntries(model.tables.find((t) => t.id === 'owners')!.rows.map((r) => [r.owner, r.open]));
    // Issue 14: the 4 open FAIL findings that map to no control of the report's frameworks are counted, not listed.
    assert.deepEqual(owners, {
      data: 10,
      identity: 6,
      it: 4,
      platform: 9,
      // Trivy SARIF carries no tags; the inventory puts those images on component eks, owner priya.raman.
      'priya.raman': 57,
      secops: 6,
      sre: 3,
      web: 5,
      // No tag and no inventory component: the account-level records.
      unassigned: 2,
    });
    const summary = model.sections.find((s) => s.id === 'summary')!.data as { total: number; outside: number };
    assert.deepEqual([summary.total, summary.outside], [102, 4]);
    const findings = model.tables.find((t) => t.id === 'findings')!.rows;
    assert.equal(findings.length, 102, 'every open FAIL finding after the false positive that maps to a control, once');
    assert.equal(new Set(findings.map((r) => r.identity)).size, 102);
    // Each row names the controls it affects and the POA&M item that tracks it, with its due date.
    for (const row of findings) {
      assert.match(String(row.controls), /^(nist-800-53|fedramp-moderate|nist-800-171): /, `${row.identity} controls`);
      assert.match(String(row.poam_id), /^POAM-\d+$/, `${row.identity} poam`);
      assert.match(String(row.poam_due), /^\d{4}-\d{2}-\d{2}$/);
    }
    assert.ok(!findings.some((r) => r.rule === 's3_bucket_public_access' && r.resource === 'arn:aws:s3:::acme-agc-prod-static-assets'));
    const { md } = await render(model);
    assert.match(md, /\| platform \| 9 \|/);
    assert.match(md, /\| \*\*Total\*\* \| \*\*102\*\* \|/);
    assert.match(md, /4 other open FAIL findings map to no control of nist-800-53, fedramp-moderate, nist-800-171; not listed/);
    const order = [...md.matchAll(/^### (\S+): \d+ open/gm)].map((m) => m[1]);
    assert.equal(order.at(-1), 'unassigned');
  });

  it('remediation renders hostile text of zap.40014 inert', async () => {
    const { md } = await render(buildRemediation(run, remediationDefinition));
    assert.match(md, /zap\.40014/);
    assert.doesNotMatch(md, /(^|[^\\])(<script|\]\(http:\/\/evil|!\[img|\[click)/m);
    const html = new MarkdownIt({ html: false, linkify: true }).render(md);
    assert.doesNotMatch(html, /<script|<a href="http:\/\/evil|<img /);
  });

  it('both are byte-identical from run to run and pinned by golden files', async () => {
    const gap1 = await render(buildGap(run, gapDefinition, 'nist-800-171'));
    const gap2 = await render(buildGap(run, gapDefinition, 'nist-800-171'));
    assert.equal(gap2.md, gap1.md);
    assert.equal(gap2.json, gap1.json);
    pinned('acme-gap-nist-800-171.md', gap1.md);
    const rem1 = await render(buildRemediation(run, remediationDefinition));
    const rem2 = await render(buildRemediation(run, remediationDefinition));
    assert.equal(rem2.md, rem1.md);
    assert.equal(rem2.json, rem1.json);
    pinned('acme-remediation-by-team.md', rem1.md);
    assert.equal(JSON.parse(gap1.json).tables[0].rows.length, 12);
  });
});

describe('remediation report grouped by rule or resource', () => {
  it('group_by: rule gives one group per rule, group_by: resource one per resource', async () => {
    const acme = join(examplesDir, 'acme');
    const workspace = (await validate({ paths: [acme], at: '2026-11-29' })).workspaces[0]!;
    const ingested = await ingestWorkspace(workspace);
    const run = { workspace, ingested, at: new Date('2026-11-29T00:00:00Z') };
    const base = workspace.outputs.find((o) => o.type === 'remediation')!;
    for (const groupBy of ['rule', 'resource'] as const) {
      const model = buildRemediation(run, { ...base, options: { ...base.options, group_by: groupBy } });
      const rows = model.tables.find((t) => t.id === 'findings')!.rows;
      const keys = new Set(rows.map((r) => String(groupBy === 'rule' ? r.rule ?? r.title : r.resource)));
      const owners = model.tables.find((t) => t.id === 'owners')!.rows;
      assert.equal(owners.length, keys.size, groupBy);
    }
  });
});
