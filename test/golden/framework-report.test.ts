/**
 * The framework report on examples/acme (issue: render, first report type): content that is right
 * for the example data, Markdown pinned by a golden file, byte-identical JSON and Markdown from
 * run to run, and hostile finding text rendered inert.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { buildFramework, evaluationOf, findingsOf, sprsOf } from '../../src/app/build.js';
import type { RunContext } from '../../src/app/build.js';
import { ingestWorkspace } from '../../src/app/workspace-findings.js';
import { validate } from '../../src/app/validate.js';
import type { OutputDefinition } from '../../src/model/definitions.js';
import { controlsOfFinding } from '../../src/model/evaluation.js';
import { mappingRules } from '../../src/app/evaluate.js';
import type { ReportModel } from '../../src/model/report-model.js';
import { jsonRenderer } from '../../src/renderers/json.js';
import { markdownRenderer } from '../../src/renderers/markdown.js';
import { examplesDir, goldenDir } from '../support/paths.js';

const acme = join(examplesDir, 'acme');
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
let run: RunContext;
let definition: OutputDefinition;

async function render(framework: string): Promise<{ model: ReportModel; md: string; json: string }> {
  const model = buildFramework(run, definition, framework);
  const ctx = { workspaceRoot: acme, templatesDir: join(acme, 'templates') };
  return { model, md: decode(await markdownRenderer.render(model, ctx)), json: decode(await jsonRenderer.render(model, ctx)) };
}

describe('framework report on examples/acme', () => {
  before(async () => {
    const checked = await validate({ paths: [acme], at: '2026-11-29' });
    const workspace = checked.workspaces[0]!;
    const ingested = await ingestWorkspace(workspace);
    run = { workspace, ingested, at: new Date('2026-11-29T00:00:00Z') };
    definition = workspace.outputs.find((o) => o.outputName === 'nist-800-53-moderate-control-status')!;
  });

  it('covers the moderate baseline (287 controls) family by family, with counts that add up', async () => {
    const { model, md } = await render('nist-800-53');
    const summary = model.sections[0]!.data as { counts: { total: number; passing: number; failing: number; notAssessed: number; notApplicable: number } };
    const c = summary.counts;
    assert.equal(c.total, 287);
    assert.equal(c.passing + c.failing + c.notAssessed + c.notApplicable, 287);
    assert.match(md, /^# NIST SP 800-53 Rev\. 5 Moderate Control Status/m);
    assert.match(md, new RegExp(`\\| Failing \\| ${c.failing} \\|`));
    const families = [...md.matchAll(/^### ([A-Z]{2}): /gm)].map((m) => m[1]);
    assert.deepEqual(families, [...families].sort(), 'families in catalog order');
    assert.ok(families.includes('AC') && families.includes('SI'));
  });

  it('shows the control statement, the findings grouped by rule and the remediation', async () => {
    const { md } = await render('nist-800-53');
    const si10 = md.slice(md.indexOf('#### SI-10 '));
    assert.match(si10, /^#### SI-10 Information Input Validation: Failing/);
    assert.match(si10, /\| zap\.40014 \|/);
    assert.match(md, /#### AC-2 Account Management: Failing\n\nImplementation \(Implemented\):\n- Part a: /);
  });

  it('renders hostile finding text inert (md and HTML through markdown-it)', async () => {
    const { md } = await render('nist-800-53');
    // Every Markdown-active character of the finding's text is backslash-escaped.
    assert.doesNotMatch(md, /(^|[^\\])(<script|\]\(http:\/\/evil|!\[img|\[click)/m);
    assert.match(md, /\\<script\\>alert\(document\\\.cookie\)\\<\/script\\>/);
    const html = new MarkdownIt({ html: false, linkify: true }).render(md);
    assert.doesNotMatch(html, /<script|<a href="http:\/\/evil|<img /);
  });

  it('is byte-identical from run to run (Markdown and JSON) and pinned by a golden file', async () => {
    const first = await render('nist-800-53');
    const second = await render('nist-800-53');
    assert.equal(second.md, first.md);
    assert.equal(second.json, first.json);
    const golden = join(goldenDir, 'reports', 'acme-framework-nist-800-53-moderate.md');
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
      mkdirSync(join(goldenDir, 'reports'), { recursive: true });
      writeFileSync(golden, first.md);
    }
    assert.equal(first.md, readFileSync(golden, 'utf8'));
  });

  it('the JSON carries every finding row and the provenance, and validates against schemas/report-output.schema.json', async () => {
    const { json, model } = await render('nist-800-171');
    const parsed = JSON.parse(json);
    const { default: validators } = await import('../../src/generated/validators.js');
    const validateReport = validators['report-output']!;
    assert.ok(validateReport(parsed), JSON.stringify(validateReport.errors, null, 2));
    assert.equal(parsed.report_format, 'infracast-report/1');
    const findings = parsed.tables.find((t: { id: string }) => t.id === 'findings');
    assert.equal(findings.rows.length, model.tables[1]!.rows.length);
    assert.ok(parsed.provenance.inputs.length > 40);
    assert.match(parsed.provenance.catalogs[0].release, /800-171/);
    const failing = parsed.tables[0].rows.filter((r: { status: string }) => r.status === 'failing').map((r: { id: string }) => r.id);
    assert.deepEqual(failing, ['3.3.8', '3.4.6', '3.5.3', '3.5.6', '3.5.7', '3.5.10', '3.6.3', '3.11.3', '3.13.2', '3.14.1'], 'the ten failing requirements of the README');
  });

  it('every control row says why (Why column, reason and decided_by), and a failing control never lists only Open 0 rows', async () => {
    const { model, md } = await render('nist-800-53');
    const rows = model.tables.find((t) => t.id === 'controls')!.rows;
    assert.equal(rows.length, 287);
    for (const r of rows) {
      assert.ok(typeof r.reason === 'string' && r.reason.length > 0, String(r.id));
      assert.ok(typeof r.decided_by === 'string', String(r.id));
    }
    const ac12 = rows.find((r) => r.id === 'AC-12')!;
    assert.deepEqual([ac12.status, ac12.decided_by], ['passing', 'sufficient-mapping']);
    assert.match(String(ac12.reason), /^passes through mapping mappings\/acme-scanners\.yaml: acme\.okta\.session-timeout marked sufficient/);
    assert.match(md, /^\| AC-12 \| Session Termination \| Passing \| passes through mapping mappings\/acme-scanners\\\.yaml: /m);
    // AC-3 fails through LOW findings only; the definition lists CRITICAL, HIGH and MEDIUM.
    const ac3 = rows.find((r) => r.id === 'AC-3')!;
    assert.deepEqual([ac3.status, ac3.open_hidden_by_filter], ['failing', 4]);
    const section = md.slice(md.indexOf('#### AC-3 '), md.indexOf('#### AC-4 '));
    assert.match(section, /Not listed: the 4 open FAIL findings that make it failing, hidden by the severity filter \(LOW\)/);
    // Every finding table of a failing control has a row with open findings.
    for (const block of md.split(/^#### /m).filter((b) => /^\S+ [^\n]*: Failing\n/.test(b))) {
      const opens = [...block.matchAll(/ \| (?:CRITICAL|HIGH|MEDIUM|LOW|INFORMATIONAL) \| (\d+) \| \d+ \| \d+: /g)].map((m) => Number(m[1]));
      if (opens.length > 0) assert.ok(opens.some((n) => n > 0), block.slice(0, 60));
    }
  });

  it('counts the acme findings naming only controls outside the LOW baseline (nist-800-53 low: 30, fedramp-low: 26)', async () => {
    const findings = findingsOf(run);
    const mappings = mappingRules(run.workspace);
    for (const [framework, baseline, expected] of [
      ['nist-800-53', 'low', 30],
      ['fedramp-low', undefined, 26],
      ['nist-800-53', 'moderate', 3],
    ] as const) {
      const { evaluation } = evaluationOf(run, framework, baseline);
      assert.equal(evaluation.outsideScope, expected, `${framework} ${baseline ?? ''}`);
      // Counted, never lost: every finding is in scope, outside it, or names no control of the framework.
      const inScope = new Set(evaluation.results.map((r) => r.control.id));
      const named = findings.filter((f) => controlsOfFinding(f, framework, mappings).ids.size > 0);
      const inside = named.filter((f) => [...controlsOfFinding(f, framework, mappings).ids].some((id) => inScope.has(id)));
      assert.equal(evaluation.unmapped + evaluation.outsideScope + inside.length, findings.length);
      assert.equal(named.length - inside.length, expected);
    }
    const low = buildFramework(run, { ...definition, baseline: 'low' }, 'nist-800-53');
    assert.equal((low.sections[0]!.data as { outsideScope: number }).outsideScope, 30);
    const ctx = { workspaceRoot: acme, templatesDir: join(acme, 'templates') };
    const md = decode(await markdownRenderer.render(low, ctx));
    assert.match(md, /^\| Findings naming only controls outside this baseline \| 30 \|$/m);
    assert.equal(JSON.parse(decode(await jsonRenderer.render(low, ctx))).sections[0].data.outsideScope, 30);
  });

  it('nist-800-171 states the SPRS score, and each attestation its attester, date, methods, justification and evidence (include_evidence)', async () => {
    const { md, model } = await render('nist-800-171');
    assert.equal(sprsOf(run, 'nist-800-171')!.sprs.sprs_score, 80);
    assert.match(md, /^\| SPRS score \| 80 \(incomplete\) \|$/m);
    const ac = md.slice(md.indexOf('#### 3.1.1 '), md.indexOf('#### 3.1.2 '));
    assert.match(ac, /^- Attestation att-2026-ac-01: met on 2026-10-16 by Daniel Brooks \(Information System Security Officer\); methods: examine, interview, test; expires 2027-10-16$/m);
    // Every evidence file with the sha256 recorded for it, as written in attestations/access-control.yaml.
    assert.match(ac, /^ {2}- Evidence `assets\/evidence\/access-control-policy-v3\.2\.md` sha256 `c685e19ca8ce457a5b5c5b7559014a454aa5ef6777d9a1fa0c31b934786927ec`: Access Control Policy 3\.2 /m);
    assert.match(ac, /^ {2}- Evidence `assets\/evidence\/access-review-2026-q3\.csv` sha256 `70de9cd8abbfa12e9a8185c5bf338a7c77eaed6b3c7e9b123eda8e92e51d2557`: .* \(observed 2026-10-13\)$/m);
    // att-2026-ac-01 covers 18 requirements: its details are stated once, under the first, and referred to after.
    assert.equal(md.match(/c685e19ca8ce457a5b5c5b7559014a454aa5ef6777d9a1fa0c31b934786927ec/g)?.length, 1);
    const ac2 = md.slice(md.indexOf('#### 3.1.2 '), md.indexOf('#### 3.1.3 '));
    assert.match(ac2, /^- Attestation att-2026-ac-01: met on 2026-10-16 by Daniel Brooks \(Information System Security Officer\); methods: examine, interview, test; expires 2027-10-16; justification and evidence under 3\.1\.1$/m);
    assert.doesNotMatch(ac2, /Evidence/);
    const wireless = md.slice(md.indexOf('#### 3.1.16 '));
    assert.match(wireless, /^ {2}- Justification: The AGC authorization boundary contains only AWS services; no component provides or accepts wireless access\./m);
    // Without include_evidence the files are counted, not listed.
    const plain = buildFramework(run, { ...definition, options: { ...definition.options, include_evidence: false } }, 'nist-800-171');
    const plainMd = decode(await markdownRenderer.render(plain, { workspaceRoot: acme, templatesDir: join(acme, 'templates') }));
    assert.doesNotMatch(plainMd, /c685e19ca8ce457a/);
    assert.match(plainMd, /^ {2}- Evidence: 2 evidence files \(the option include_evidence lists them with their sha256\)$/m);
    // The SPRS score is the nist-800-171 report's only: the 800-53 report has none.
    assert.equal((model.sections[0]!.data as { sprs?: unknown }).sprs !== undefined, true);
    const { model: sp80053 } = await render('nist-800-53');
    assert.equal((sp80053.sections[0]!.data as { sprs?: unknown }).sprs, undefined);
  });
});
