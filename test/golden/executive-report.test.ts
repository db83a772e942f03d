/**
 * The executive report on examples/acme (issue: render, executive type): each framework's score
 * with its coverage and no overall number, the SPRS score, trend and changes from history
 * snapshots (evaluation.md section 7: "previous" is the latest snapshot strictly before
 * generated_at), top risks in their stated order, SVG charts that are well-formed and carry the
 * data, hostile finding text rendered inert, byte-identical builds and a golden Markdown file.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import MarkdownIt from 'markdown-it';
import { buildExecutive } from '../../src/app/build-executive.js';
import { ruleTitle } from '../../src/reports/executive.js';
import type { RunContext } from '../../src/app/build.js';
import { findingsOf } from '../../src/app/build.js';
import { evaluateWorkspace } from '../../src/app/evaluate.js';
import { ingestWorkspace } from '../../src/app/workspace-findings.js';
import { summary } from '../../src/app/summary.js';
import { validate } from '../../src/app/validate.js';
import { SEVERITIES } from '../../src/model/definitions.js';
import type { OutputDefinition } from '../../src/model/definitions.js';
import type { HistorySnapshot } from '../../src/model/history.js';
import type { ReportModel } from '../../src/model/report-model.js';
import { jsonRenderer } from '../../src/renderers/json.js';
import { markdownRenderer } from '../../src/renderers/markdown.js';
import { examplesDir, goldenDir } from '../support/paths.js';

const acme = join(examplesDir, 'acme');
const AT = '2026-11-29T00:00:00Z';
const FRAMEWORKS = ['nist-800-53', 'fedramp-moderate', 'nist-800-171'];
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
let run: RunContext;
let definition: OutputDefinition;
/** Failing control ids of this run per framework, from the evaluation itself (not from the report). */
const failingNow = new Map<string, string[]>();

async function render(model: ReportModel): Promise<{ md: string; json: string }> {
  const ctx = { workspaceRoot: acme, templatesDir: join(acme, 'templates') };
  return { md: decode(await markdownRenderer.render(model, ctx)), json: decode(await jsonRenderer.render(model, ctx)) };
}

const section = <T>(model: ReportModel, id: string): T => model.sections.find((s) => s.id === id)!.data as T;

/** A made-up stored snapshot: what an earlier (or later) run of the definition would have written. */
function snapshot(framework: string, generatedAt: string, fields: { score: number; coverage?: number; failing: string[]; sprs?: number; definition?: string }): HistorySnapshot {
  const total = 100;
  const assessed = Math.round((fields.coverage ?? 0.5) * total);
  const passing = Math.round(fields.score * assessed);
  return {
    definition: fields.definition ?? 'executive-security-posture',
    framework,
    generated_at: generatedAt,
    counts: { passing, failing: assessed - passing, not_assessed: total - assessed, not_applicable: 0, attested: 0, total },
    score: fields.score,
    coverage: fields.coverage ?? 0.5,
    ...(fields.sprs !== undefined ? { sprs_score: fields.sprs } : {}),
    failing_controls: [...fields.failing].sort(),
  };
}

/**
 * nist-800-53 and nist-800-171 have two earlier runs, one run at this very instant (replaced by this
 * run's), one later run and one unreadable instant (both ignored); fedramp-moderate has none; another
 * definition's snapshot is ignored.
 * Previous runs (2026-10-31): 800-171 had 3.1.1 failing instead of 3.14.1; 800-53 had AC-1 failing
 * instead of the first control failing now.
 */
function history(): HistorySnapshot[] {
  const s171 = failingNow.get('nist-800-171')!;
  const s53 = failingNow.get('nist-800-53')!;
  return [
    snapshot('nist-800-171', '2026-09-30T00:00:00Z', { score: 0.7, coverage: 0.9, failing: ['3.1.1', '3.1.2', ...s171], sprs: 70 }),
    snapshot('nist-800-171', '2026-10-31T00:00:00Z', { score: 0.8, coverage: 0.95, failing: ['3.1.1', ...s171.filter((id) => id !== '3.14.1')], sprs: 75 }),
    snapshot('nist-800-171', AT, { score: 0.01, failing: [], sprs: -100 }),
    snapshot('nist-800-171', '2026-12-31T00:00:00Z', { score: 0.99, failing: [], sprs: 110 }),
    snapshot('nist-800-53', '2026-10-31T00:00:00Z', { score: 0.015, coverage: 0.17, failing: ['AC-1', ...s53.slice(1)] }),
    snapshot('nist-800-53', '2026-09-30T00:00:00Z', { score: 0.01, coverage: 0.16, failing: s53 }),
    snapshot('nist-800-53', '2026-12-31T00:00:00Z', { score: 0.99, failing: [] }),
    snapshot('fedramp-moderate', '2026-11-01T00:00:00Z', { score: 0.5, failing: [], definition: 'another-report' }),
    // Hand-edited into something that is no instant: left out rather than a crash.
    snapshot('nist-800-171', 'last tuesday', { score: 0.5, failing: [] }),
  ];
}

interface PostureView {
  framework: string;
  score: number | null;
  coverage: number;
  scoreText: string;
  coverageText: string;
  sprs?: { score: number | null; status: string };
}
interface ChangeView {
  framework: string;
  previous: { generatedAt: string } | null;
  change: { newlyFailing: { id: string }[]; noLongerFailing: { id: string; now: string }[]; sprs?: number | null } | null;
}
interface TrendView {
  rows: { run: string; current: boolean; cells: { recorded: boolean; scoreText?: string }[] }[];
  firstRun: boolean;
}

describe('executive report on examples/acme', () => {
  before(async () => {
    const workspace = (await validate({ paths: [acme], at: '2026-11-29' })).workspaces[0]!;
    const ingested = await ingestWorkspace(workspace);
    run = { workspace, ingested, at: new Date(AT) };
    definition = workspace.outputs.find((o) => o.type === 'executive' && o.outputName === 'executive-security-posture')!;
    for (const fw of FRAMEWORKS) {
      const { evaluation } = evaluateWorkspace(workspace, findingsOf(run), fw, run.at);
      failingNow.set(
        fw,
        evaluation.results.filter((r) => r.status === 'failing').map((r) => r.control.id),
      );
    }
  });

  it('takes the workspace frameworks and shows each score with its coverage as the framework evaluation gives them, SPRS 80, no overall number', async () => {
    assert.deepEqual(definition.frameworks, FRAMEWORKS);
    const { model, snapshots } = buildExecutive(run, definition, history());
    const posture = section<{ frameworks: PostureView[] }>(model, 'posture').frameworks;
    assert.deepEqual(
      posture.map((p) => p.framework),
      FRAMEWORKS,
    );
    for (const p of posture) {
      const expected = await summary({ framework: p.framework, workspace: acme, at: AT });
      assert.equal(p.score, expected.score, p.framework);
      assert.equal(p.coverage, expected.coverage, p.framework);
      assert.equal(p.scoreText, `${((expected.score ?? 0) * 100).toFixed(1)}%`);
    }
    const sp171 = posture.find((p) => p.framework === 'nist-800-171')!;
    assert.deepEqual(sp171.sprs, { score: 80, status: 'incomplete', max: 110, text: '80 of 110 (incomplete)' });
    assert.equal(posture.find((p) => p.framework === 'nist-800-53')!.sprs, undefined);
    // This run's snapshots: one per framework, SPRS only where there is one.
    assert.deepEqual(
      snapshots.map((s) => [s.definition, s.framework, s.generated_at, s.sprs_score]),
      FRAMEWORKS.map((fw) => ['executive-security-posture', fw, AT, fw === 'nist-800-171' ? 80 : undefined]),
    );
    assert.deepEqual(snapshots.find((s) => s.framework === 'nist-800-171')!.failing_controls, [...failingNow.get('nist-800-171')!].sort());
    const { md } = await render(model);
    assert.match(md, /\| NIST SP 800-171 Rev\. 2 \(nist-800-171\) \| 90\.6% \| 98\.2% \(108 of 110\) \| .* \| 80 of 110 \(incomplete\) \|/);
    assert.match(md, /There is no overall score across frameworks\./);
    assert.doesNotMatch(md, /overall (score|compliance|posture)\s*[|:]/i, 'no cross-framework figure anywhere');
    assert.ok(!model.tables.some((t) => t.rows.some((r) => r.framework === 'overall' || r.framework === 'all')));
  });

  it('compares with the previous run (the latest snapshot strictly before generated_at) and says so when there is none', async () => {
    const { model } = buildExecutive(run, definition, history());
    const changes = new Map(section<{ frameworks: ChangeView[] }>(model, 'changes').frameworks.map((c) => [c.framework, c]));
    const c171 = changes.get('nist-800-171')!;
    assert.equal(c171.previous?.generatedAt, '2026-10-31T00:00:00Z');
    assert.deepEqual(
      c171.change?.newlyFailing.map((c) => c.id),
      ['3.14.1'],
    );
    assert.deepEqual(c171.change?.noLongerFailing, [{ id: '3.1.1', title: 'Authorized Access Control', now: 'passing' }]);
    assert.equal(c171.change?.sprs, 5, 'SPRS 75 -> 80');
    const c53 = changes.get('nist-800-53')!;
    assert.equal(c53.previous?.generatedAt, '2026-10-31T00:00:00Z');
    assert.deepEqual(
      c53.change?.newlyFailing.map((c) => c.id),
      [failingNow.get('nist-800-53')![0]],
    );
    assert.deepEqual(
      c53.change?.noLongerFailing.map((c) => c.id),
      ['AC-1'],
    );
    assert.equal(changes.get('fedramp-moderate')!.previous, null, "another definition's snapshot is not this report's past");
    const { md } = await render(model);
    assert.match(md, /### NIST SP 800-171 Rev\. 2 \(nist-800-171\)\n\nPrevious run: 2026-10-31T00:00:00Z \(score 80\.0%, coverage 95\.0%\)\. Change: score \+10\.6 pts, coverage \+3\.2 pts, SPRS \+5 points\./);
    assert.match(md, /Newly failing \(1\):\n\n- 3\.14\.1 /);
    assert.match(md, /No longer failing \(1\):\n\n- 3\.1\.1 Authorized Access Control: now passing/);
    assert.match(md, /### FedRAMP Rev\. 5 Moderate \(fedramp-moderate\)\n\nNo previous run: nothing to compare yet\./);
  });

  it('trends over the stored runs up to this one, oldest first: this run replaces a stored one of the same instant, later ones are left out', async () => {
    const { model, charts } = buildExecutive(run, definition, history());
    const trend = section<TrendView>(model, 'trend');
    assert.deepEqual(
      trend.rows.map((r) => [r.run, r.current]),
      [
        ['2026-09-30', false],
        ['2026-10-31', false],
        ['2026-11-29', true],
      ],
    );
    // Columns follow the frameworks: fedramp-moderate has only this run.
    assert.deepEqual(
      trend.rows.map((r) => r.cells.map((c) => c.recorded)),
      [
        [true, false, true],
        [true, false, true],
        [true, true, true],
      ],
    );
    assert.equal(trend.rows[2]!.cells[2]!.scoreText, '90.6%', 'the current run, not the stored snapshot of the same instant');
    const rows = model.tables.find((t) => t.id === 'trend')!.rows.filter((r) => r.framework === 'nist-800-171');
    assert.deepEqual(
      rows.map((r) => [r.generated_at, r.sprs_score]),
      [
        ['2026-09-30T00:00:00Z', 70],
        ['2026-10-31T00:00:00Z', 75],
        [AT, 80],
      ],
    );
    assert.ok(!charts.find((c) => c.fileName.endsWith('-score-trend.svg'))!.svg.includes('2026-12-31'));
  });

  it('ranks top risks by worst severity, then open findings, then age, then rule, and states the rule', async () => {
    const { model } = buildExecutive(run, definition, history());
    const rows = model.tables.find((t) => t.id === 'top_risks')!.rows;
    const open = rows.reduce((n, r) => n + (r.open as number), 0);
    assert.equal(open, 106, 'every open FAIL finding after the false positive (as the remediation report counts them)');
    const sev = (r: (typeof rows)[number]): number => SEVERITIES.indexOf(r.severity as (typeof SEVERITIES)[number]);
    const age = (r: (typeof rows)[number]): number => (r.age_days === null ? -1 : (r.age_days as number));
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      const order = sev(a) - sev(b) || (b.open as number) - (a.open as number) || age(b) - age(a) || (String(a.rule) < String(b.rule) ? -1 : 1);
      assert.ok(order < 0, `${String(a.rule)} before ${String(b.rule)}`);
    }
    assert.deepEqual(
      rows.map((r) => r.rank),
      rows.map((_, i) => i + 1),
    );
    const risks = section<{ risks: { rule: string }[]; limit: number }>(model, 'risks');
    assert.equal(risks.limit, 10);
    assert.deepEqual(
      risks.risks.map((r) => r.rule),
      rows.slice(0, 10).map((r) => r.rule),
    );
    // Age: whole days from the earliest first-seen instant (2026-11-18T16:20Z) to generated_at.
    const zap = rows.find((r) => r.rule === 'zap.40014')!;
    assert.deepEqual([zap.first_seen, zap.age_days, zap.severity], ['2026-11-18', 10, 'HIGH']);
    assert.match(String(zap.controls), /nist-800-53: SA-11, SI-10/);
    const { md } = await render(model);
    assert.match(md, /Ranked by worst severity, then number of open findings, then age \(days since first seen, oldest first\), then rule id\./);
    assert.equal([...md.matchAll(/^\| \d+ \| /gm)].length, 10, 'top_risks: 10 rows');
  });

  it('top_risks, severity_filter and include_trends: false change what is listed, never the figures', async () => {
    const options = { ...definition.options, top_risks: 3, severity_filter: ['HIGH' as const], include_trends: false };
    const { model, charts } = buildExecutive(run, { ...definition, options }, history());
    const risks = section<{ risks: { severity: string }[]; hiddenByFilter: number; openFindings: number }>(model, 'risks');
    assert.equal(risks.risks.length, 3);
    assert.ok(risks.risks.every((r) => r.severity === 'HIGH'));
    assert.ok(risks.hiddenByFilter > 0);
    assert.equal(risks.openFindings, 106);
    assert.ok(!charts.some((c) => c.fileName.endsWith('-score-trend.svg')));
    const { md } = await render(model);
    assert.match(md, /Trends are not included in this report \(include_trends: false\)\./);
    assert.doesNotMatch(md, /score-trend\.svg/);
  });

  it('writes well-formed, self-contained, accessible SVG charts that carry the data, each referenced from the Markdown', async () => {
    const { model, charts } = buildExecutive(run, definition, history());
    assert.deepEqual(
      charts.map((c) => c.fileName),
      [
        'executive-security-posture-score-trend.svg',
        'executive-security-posture-findings-by-severity.svg',
        'executive-security-posture-status-by-family-nist-800-53.svg',
        'executive-security-posture-status-by-family-fedramp-moderate.svg',
        'executive-security-posture-status-by-family-nist-800-171.svg',
      ],
    );
    const { md, json } = await render(model);
    const parser = new XMLParser({ ignoreAttributes: false });
    for (const chart of charts) {
      assert.equal(XMLValidator.validate(chart.svg), true, chart.fileName);
      const root = parser.parse(chart.svg).svg as Record<string, unknown>;
      assert.equal(root['@_xmlns'], 'http://www.w3.org/2000/svg');
      assert.ok(typeof root.title === 'string' || typeof root.title === 'object', `${chart.fileName}: <title>`);
      assert.ok(root.desc, `${chart.fileName}: <desc>`);
      assert.doesNotMatch(chart.svg, /<script|href=|url\(|@import|<foreignObject|<image/i, chart.fileName);
      // The file name is escaped as any text in a template is (a dot in a name is a host to linkify).
      assert.ok(md.includes(`](${chart.fileName.replaceAll('.', '\\.')})`), `${chart.fileName} is referenced from the Markdown`);
      assert.ok(!json.includes('<svg'), 'the JSON model carries chart data, not SVG');
    }
    const trend = charts[0]!.svg;
    assert.match(trend, /nist-800-171, 2026-11-29: 90\.6%/);
    assert.match(trend, /nist-800-171, 2026-10-31: 80\.0%/);
    const severity = charts[1]!.svg;
    const bySeverity = section<{ bySeverity: { severity: string; count: number }[] }>(model, 'risks').bySeverity;
    for (const { severity: s, count } of bySeverity) assert.ok(severity.includes(`<title>${s}: ${count}</title>`), `${s} ${count}`);
    const families = charts[4]!.svg;
    assert.match(families, /IA Identification and Authentication: 7 passing, 4 failing, 0 not assessed, 0 not applicable/);
    const chartData = section<{ statusByFamily: { rows: { values: number[] }[] }[] }>(model, 'charts').statusByFamily[2]!;
    assert.equal(
      chartData.rows.reduce((n, r) => n + r.values.reduce((a, b) => a + b, 0), 0),
      110,
    );
  });

  it('renders hostile finding text inert (Markdown and HTML through markdown-it)', async () => {
    const { model } = buildExecutive(run, { ...definition, options: { ...definition.options, top_risks: 100 } }, history());
    const { md } = await render(model);
    // The URL escaped as well (issue 12): no autolinker sees its scheme or its host.
    // The risk's title comes first, its rule id after it (issue 14: the title names the risk).
    assert.match(md, /\| Stored XSS in project name: \\\[click\\\]\(http\\:\/\/evil\\\.example\) \\<script\\>.* \| zap\.40014 \|/);
    assert.doesNotMatch(md, /(^|[^\\])(<script|\]\(http:\/\/evil|!\[img|\[click)/m);
    const html = new MarkdownIt({ html: false, linkify: true }).render(md);
    assert.doesNotMatch(html, /<script|<a href="http:\/\/evil|<img src="http/);
  });

  it('is byte-identical from build to build (Markdown, JSON, SVG) and pinned by a golden file', async () => {
    const first = buildExecutive(run, definition, history());
    const second = buildExecutive(run, definition, [...history()].reverse());
    const [a, b] = [await render(first.model), await render(second.model)];
    assert.equal(b.md, a.md);
    assert.equal(b.json, a.json);
    assert.deepEqual(second.charts, first.charts);
    const golden = join(goldenDir, 'reports', 'acme-executive.md');
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
      mkdirSync(join(goldenDir, 'reports'), { recursive: true });
      writeFileSync(golden, a.md);
    }
    assert.equal(a.md, readFileSync(golden, 'utf8'));
    const { default: validators } = await import('../../src/generated/validators.js');
    const validateReport = validators['report-output']!;
    assert.ok(validateReport(JSON.parse(a.json)), JSON.stringify(validateReport.errors, null, 2));
  });

  it('on a first run (no history at all) says there is no previous run and trends one point', async () => {
    const { model, charts, snapshots } = buildExecutive(run, definition, []);
    assert.equal(snapshots.length, 3);
    assert.ok(section<{ frameworks: ChangeView[] }>(model, 'changes').frameworks.every((c) => c.previous === null && c.change === null));
    const trend = section<TrendView>(model, 'trend');
    assert.equal(trend.firstRun, true);
    assert.deepEqual(
      trend.rows.map((r) => r.run),
      ['2026-11-29'],
    );
    const { md } = await render(model);
    assert.equal([...md.matchAll(/No previous run: nothing to compare yet\./g)].length, 3);
    assert.match(md, /This is the first run of this report: the trend has one point\./);
    assert.match(md, /\| 80 of 110 \(incomplete\) \| first run \|/);
    const svg = charts.find((c) => c.fileName.endsWith('-score-trend.svg'))!.svg;
    assert.equal(XMLValidator.validate(svg), true);
    assert.equal([...svg.matchAll(/<path /g)].length, 3, 'one line (a single point) per framework');
  });
});

describe('executive provenance (issue 14)', () => {
  it('lists only the inputs the report used: its own definition, not the other definitions, schedules or the inventory', async () => {
    const workspace = (await validate({ paths: [acme], at: '2026-11-29' })).workspaces[0]!;
    const run: RunContext = { workspace, ingested: await ingestWorkspace(workspace), at: new Date(AT) };
    const definition = workspace.outputs.find((o) => o.outputName === 'executive-security-posture')!;
    const paths = buildExecutive(run, definition, []).model.provenance.inputs.map((i) => i.path);
    assert.ok(paths.includes('infracast.yaml'));
    assert.ok(paths.includes(join('reports', 'executive-posture.yaml')));
    assert.ok(paths.includes(join('findings', 'securityhub', 'acme-securityhub-2026-11-26.asff.json')));
    assert.ok(paths.includes(join('attestations', 'access-control.yaml')));
    assert.ok(paths.includes(join('mappings', 'acme-scanners.yaml')));
    assert.deepEqual(
      paths.filter((p) => p.startsWith('schedules') || p.startsWith('inventory') || (p.startsWith('reports') && !p.endsWith('executive-posture.yaml'))),
      [],
    );
  });
});

describe('top risk names (issue 14)', () => {
  it('name the rule by its title, without the benchmark number exports put in front of it', () => {
    assert.equal(ruleTitle('1.1', '1.1 Avoid the use of the "root" account'), 'Avoid the use of the "root" account');
    assert.equal(ruleTitle('Config.1', 'Config.1 AWS Config should be enabled'), 'AWS Config should be enabled');
    assert.equal(ruleTitle('CVE-2024-5535', 'openssl: SSL_select_next_proto buffer overread'), 'openssl: SSL_select_next_proto buffer overread');
    assert.equal(ruleTitle('3.1', '3.1'), '3.1', 'a title that is only the number stays');
  });
});
