/**
 * The executive report (spec "Report Types": high-level posture, trends, top risks, score over
 * time): the run's evaluations + the definition's history snapshots -> ReportModel and SVG charts.
 * Pure: the instant, the snapshots and every input are passed in.
 *
 * - Posture: each framework's score beside its coverage, never a number across frameworks
 *   (evaluation.md section 4); SPRS frameworks also show the SPRS score with its status.
 * - Trend (`include_trends`, default true): per framework, the stored snapshots of this definition
 *   up to this run plus this run's own (same generated_at: this run's replaces the stored one; later
 *   snapshots are not part of this report's past), the last TREND_RUNS runs.
 * - Changes: against the previous run, the latest snapshot strictly before generated_at
 *   (evaluation.md section 7, model/history.ts).
 * - Top risks (`top_risks`, default 10): open FAIL findings of the run (approved false positives
 *   removed, across frameworks, mapped or not) grouped by rule, ranked by worst severity, then
 *   number of open findings, then age (days from the earliest first-seen date to generated_at,
 *   oldest first, unknown last), then rule id. `severity_filter` hides risks from the list only.
 * - Charts: their data is in the model (section `charts`); charts.ts writes the SVG files, named
 *   after the definition's output name and referenced from the Markdown by relative links.
 */
import type { EvaluatedControl, ExceptionRecord, FrameworkEvaluation } from '../model/evaluation.js';
import type { OutputDefinition, Severity } from '../model/definitions.js';
import { SEVERITIES } from '../model/definitions.js';
import type { Finding } from '../model/finding.js';
import type { HistorySnapshot } from '../model/history.js';
import { compareInstants, diffSnapshots, previousSnapshot } from '../model/history.js';
import { compareCodeUnits, groupBy } from '../model/order.js';
import type { Provenance, ReportModel, Table } from '../model/report-model.js';
import { SPRS_MAX } from '../model/sprs.js';
import type { BarChart, ChartFile, LineChart, StackedBarChart } from './charts.js';
import { percent, renderChart } from './charts.js';
import { formatPercent, ruleKeyOf } from './framework.js';
import { catalogSummary, reportMeta } from './meta.js';
import { controlsByIdentity } from './finding-controls.js';
import { openFindings } from './remediation.js';

export const DEFAULT_TOP_RISKS = 10;
/** Runs shown in the trend (table and chart): half a year of a weekly schedule. The JSON's trend table has them all. */
export const TREND_RUNS = 26;
/** Control ids listed per framework for one risk; the JSON's table has them all. */
const CONTROLS_PER_RISK = 5;
const DAY_MS = 86_400_000;

export interface ExecutiveFrameworkInput {
  evaluation: FrameworkEvaluation;
  catalog: { framework: string; name: string; release: string; verified: boolean; families: Record<string, string> };
  /** This run's snapshot of the framework (model/history.ts snapshotOf, with sprs_score for SPRS frameworks). */
  snapshot: HistorySnapshot;
  /** SPRS frameworks: the score and whether the assessment is complete (model/sprs.ts). */
  sprs?: { score: number | null; status: 'complete' | 'incomplete' | 'no-ssp' };
}

export interface ExecutiveReportInput {
  definition: OutputDefinition;
  tenant: { id: string; name: string };
  frameworks: ExecutiveFrameworkInput[];
  /** Stored snapshots (any definition and framework: the ones of this definition are picked). */
  history: readonly HistorySnapshot[];
  /** Every finding of the run, across frameworks. */
  findings: readonly Finding[];
  exceptions: readonly ExceptionRecord[];
  at: Date;
  generatedAt: string;
  provenance: Provenance;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);
const STATUS_LABEL: Record<string, string> = { passing: 'passing', 'not-assessed': 'not assessed', 'not-applicable': 'not applicable' };
const SEVERITY_TONE: Record<Severity, string> = { CRITICAL: 'critical', HIGH: 'high', MEDIUM: 'medium', LOW: 'low', INFORMATIONAL: 'informational' };

/** A file-name-safe form of a name (output names are already slugged; framework ids may come from a custom catalog). */
const safeName = (name: string): string => name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
const dateOf = (instant: string): string => new Date(Date.parse(instant)).toISOString().slice(0, 10);

/** Percentage points, signed: "+2.5 pts", "-1.0 pts", "0.0 pts"; n/a without a previous value. */
export function pointsDelta(delta: number | null): string {
  if (delta === null) return 'n/a';
  const text = (delta * 100).toFixed(1);
  if (text === '0.0' || text === '-0.0') return '0.0 pts';
  return `${delta > 0 ? '+' : ''}${text} pts`;
}

const signed = (delta: number | null): string => (delta === null ? 'n/a' : delta > 0 ? `+${delta}` : String(delta));

/**
 * The trend series of one framework: the stored snapshots of (definition, framework) up to and
 * including generated_at, with the current snapshot replacing a stored one of the same instant;
 * snapshots after generated_at are excluded (a re-render of an older run shows that run's past).
 */
export function trendOf(history: readonly HistorySnapshot[], current: HistorySnapshot): HistorySnapshot[] {
  const byInstant = new Map<number, HistorySnapshot>();
  for (const s of history) {
    if (s.definition !== current.definition || s.framework !== current.framework) continue;
    // A hand-edited generated_at that is no instant has no place on a time axis (state.ts never writes one).
    if (Number.isNaN(Date.parse(s.generated_at))) continue;
    if (compareInstants(s.generated_at, current.generated_at) >= 0) continue;
    byInstant.set(Date.parse(s.generated_at), s);
  }
  return [...byInstant.values(), current].sort((a, b) => compareInstants(a.generated_at, b.generated_at));
}

function sprsText(sprs: ExecutiveFrameworkInput['sprs']): string | null {
  if (!sprs) return null;
  return sprs.score === null ? `none (${sprs.status})` : `${sprs.score} of ${SPRS_MAX} (${sprs.status})`;
}

interface Risk {
  rank: number;
  rule: string;
  title: string;
  severity: Severity;
  open: number;
  resources: number;
  firstSeen: string | null;
  ageDays: number | null;
  controls: { framework: string; ids: string[]; more: number }[];
  allControls: string;
}

/**
 * A risk's name: its rule's title without the rule id many exports put in front of it (Security
 * Hub's CIS findings: "1.1 Avoid the use of the root account"), so the table never shows a bare
 * benchmark number where the reader needs to know what is wrong.
 */
export function ruleTitle(rule: string, title: string): string {
  const trimmed = title.startsWith(rule) ? title.slice(rule.length).replace(/^[\s:.\-\u2013\u2014]+/, '') : title;
  return trimmed.length > 0 ? trimmed : title;
}

function rankRisks(open: readonly Finding[], frameworks: readonly ExecutiveFrameworkInput[], generatedAt: string): Risk[] {
  const groups = groupBy(open, ruleKeyOf);
  const controls = controlsByIdentity(frameworks.map((f) => f.evaluation));
  const now = Date.parse(generatedAt);
  const risks = [...groups].map(([rule, list]) => {
    const seen = list.map((f) => Date.parse(f.firstObservedAt ?? f.observedAt ?? '')).filter((t) => !Number.isNaN(t));
    const first = seen.length > 0 ? seen.reduce((a, b) => Math.min(a, b)) : undefined;
    const perFramework = frameworks.map(({ evaluation }) => {
      const ids = new Set(list.flatMap((f) => controls.get(f.identity)?.get(evaluation.framework) ?? []));
      const ordered = evaluation.results.map((r) => r.control.id).filter((id) => ids.has(id));
      return { framework: evaluation.framework, all: ordered };
    });
    return {
      rank: 0,
      rule,
      title: ruleTitle(rule, list[0]?.title ?? rule),
      severity: list.map((f) => f.severity).sort((a, b) => rank(a) - rank(b))[0] ?? 'INFORMATIONAL',
      open: list.length,
      resources: new Set(list.map((f) => f.resource?.id ?? f.location?.uri ?? f.identity)).size,
      firstSeen: first === undefined ? null : new Date(first).toISOString().slice(0, 10),
      ageDays: first === undefined ? null : Math.max(0, Math.floor((now - first) / DAY_MS)),
      controls: perFramework
        .filter((c) => c.all.length > 0)
        .map((c) => ({ framework: c.framework, ids: c.all.slice(0, CONTROLS_PER_RISK), more: Math.max(0, c.all.length - CONTROLS_PER_RISK) })),
      allControls: perFramework
        .filter((c) => c.all.length > 0)
        .map((c) => `${c.framework}: ${c.all.join(', ')}`)
        .join('; '),
    };
  });
  risks.sort(
    (a, b) =>
      rank(a.severity) - rank(b.severity) ||
      b.open - a.open ||
      (a.ageDays === null ? (b.ageDays === null ? 0 : 1) : b.ageDays === null ? -1 : b.ageDays - a.ageDays) ||
      compareCodeUnits(a.rule, b.rule),
  );
  return risks.map((r, i) => ({ ...r, rank: i + 1 }));
}

function familyCounts(results: readonly EvaluatedControl[], families: Record<string, string>) {
  const byFamily = new Map<string, EvaluatedControl[]>();
  for (const r of results) byFamily.set(r.control.family, [...(byFamily.get(r.control.family) ?? []), r]);
  return [...byFamily].map(([family, list]) => ({
    family,
    title: families[family] ?? family,
    passing: list.filter((r) => r.status === 'passing').length,
    failing: list.filter((r) => r.status === 'failing').length,
    notAssessed: list.filter((r) => r.status === 'not-assessed').length,
    notApplicable: list.filter((r) => r.status === 'not-applicable').length,
  }));
}

export function buildExecutiveReport(input: ExecutiveReportInput): { model: ReportModel; charts: ChartFile[] } {
  const { definition, generatedAt } = input;
  const options = definition.options;
  const includeTrends = options.include_trends !== false;
  const topN = typeof options.top_risks === 'number' ? options.top_risks : DEFAULT_TOP_RISKS;
  const filter = options.severity_filter;
  const base = safeName(definition.outputName);
  const name = definition.outputName;

  // Posture and changes, one entry per framework in the definition's order.
  const frameworks = input.frameworks.map((fw) => {
    const { evaluation, catalog, snapshot } = fw;
    const c = evaluation.counts;
    const previous = previousSnapshot(input.history, name, evaluation.framework, generatedAt);
    const diff = previous ? diffSnapshots(previous, snapshot) : undefined;
    const titles = new Map(evaluation.results.map((r) => [r.control.id, r]));
    const families = familyCounts(evaluation.results, catalog.families);
    return {
      ...catalogSummary(catalog),
      score: evaluation.score,
      scoreText: formatPercent(evaluation.score),
      coverage: evaluation.coverage,
      coverageText: formatPercent(evaluation.coverage),
      assessed: c.total - c.notAssessed,
      counts: c,
      ...(fw.sprs ? { sprs: { score: fw.sprs.score, status: fw.sprs.status, max: SPRS_MAX, text: sprsText(fw.sprs) } } : {}),
      families,
      familyChart: `${base}-status-by-family-${safeName(evaluation.framework)}.svg`,
      previous: previous
        ? {
            generatedAt: previous.generated_at,
            scoreText: formatPercent(previous.score),
            coverageText: formatPercent(previous.coverage),
            ...(previous.sprs_score !== undefined ? { sprsScore: previous.sprs_score } : {}),
          }
        : null,
      change: diff
        ? {
            score: diff.score,
            scoreText: pointsDelta(diff.score),
            coverage: diff.coverage,
            coverageText: pointsDelta(diff.coverage),
            ...(fw.sprs ? { sprs: diff.sprs_score, sprsText: signed(diff.sprs_score) } : {}),
            newlyFailing: diff.newly_failing.map((id) => ({ id, title: titles.get(id)?.control.title ?? null })),
            noLongerFailing: diff.newly_passing.map((id) => {
              const now = titles.get(id);
              return { id, title: now?.control.title ?? null, now: now ? (STATUS_LABEL[now.status] ?? now.status) : 'not in scope' };
            }),
          }
        : null,
    };
  });

  // Trend: one row per run (instant), one cell per framework.
  const series = input.frameworks.map((fw) => ({ framework: fw.evaluation.framework, points: trendOf(input.history, fw.snapshot) }));
  const instants = [...new Map(series.flatMap((s) => s.points.map((p) => [Date.parse(p.generated_at), p.generated_at] as const))).values()].sort(
    compareInstants,
  );
  const shownInstants = instants.slice(-TREND_RUNS);
  const dates = shownInstants.map(dateOf);
  // Two runs on one day are told apart by their time.
  const labels = shownInstants.map((at, i) =>
    dates.indexOf(dates[i]!) !== dates.lastIndexOf(dates[i]!) ? new Date(Date.parse(at)).toISOString().slice(0, 16).replace('T', ' ') : dates[i]!,
  );
  const pointAt = (points: HistorySnapshot[], at: string): HistorySnapshot | undefined => points.find((p) => compareInstants(p.generated_at, at) === 0);
  const trendRows = shownInstants.map((at, i) => ({
    run: labels[i]!,
    generatedAt: at,
    current: compareInstants(at, generatedAt) === 0,
    cells: series.map((s) => {
      const p = pointAt(s.points, at);
      return p
        ? {
            recorded: true,
            scoreText: formatPercent(p.score),
            coverageText: formatPercent(p.coverage),
            sprs: p.sprs_score === undefined ? undefined : (p.sprs_score ?? 'none'),
          }
        : { recorded: false };
    }),
  }));

  // Risks and the open findings behind them.
  const open = openFindings(input.findings, input.exceptions, input.at);
  const risks = rankRisks(open, input.frameworks, generatedAt);
  const shownRisks = filter ? risks.filter((r) => filter.includes(r.severity)) : risks;
  const bySeverity = SEVERITIES.map((severity) => ({ severity, count: open.filter((f) => f.severity === severity).length }));

  // Chart data (the model carries it; charts.ts draws it).
  const scoreTrend: LineChart | null = includeTrends
    ? {
        kind: 'line',
        fileName: `${base}-score-trend.svg`,
        title: 'Score over time',
        description: `Score (passing of assessed controls) per framework and run, no overall score. ${series
          .map(
            (s) =>
              `${s.framework}: ${shownInstants
                .map((at, i) => {
                  const p = pointAt(s.points, at);
                  return p ? `${labels[i]!} ${p.score === null ? 'n/a' : percent(p.score)} (coverage ${percent(p.coverage)})` : undefined;
                })
                .filter((t) => t !== undefined)
                .join(', ')}.`,
          )
          .join(' ')}`,
        categories: labels,
        series: series.map((s) => ({ name: s.framework, values: shownInstants.map((at) => pointAt(s.points, at)?.score ?? null) })),
      }
    : null;
  const findingsBySeverity: BarChart = {
    kind: 'bar',
    fileName: `${base}-findings-by-severity.svg`,
    title: 'Open findings by severity',
    description: `Open FAIL findings of this run by severity (approved false positives removed): ${bySeverity.map((s) => `${s.severity} ${s.count}`).join(', ')}.`,
    bars: bySeverity.map((s) => ({ label: s.severity, value: s.count, tone: SEVERITY_TONE[s.severity] })),
  };
  const statusByFamily: StackedBarChart[] = frameworks.map((fw) => ({
    kind: 'stacked-bar',
    fileName: fw.familyChart,
    title: `Control status by family: ${fw.framework}`,
    description: `Controls of ${fw.catalogName} (${fw.framework}) by family and status. ${fw.families
      .map((f) => `${f.family}: ${f.passing} passing, ${f.failing} failing, ${f.notAssessed} not assessed, ${f.notApplicable} not applicable`)
      .join('; ')}.`,
    segments: [
      { key: 'passing', label: 'Passing', tone: 'passing' },
      { key: 'failing', label: 'Failing', tone: 'failing' },
      { key: 'not-assessed', label: 'Not assessed', tone: 'not-assessed' },
      { key: 'not-applicable', label: 'Not applicable', tone: 'not-applicable' },
    ],
    rows: fw.families.map((f) => ({ label: f.family, caption: `${f.family} ${f.title}`, values: [f.passing, f.failing, f.notAssessed, f.notApplicable] })),
  }));

  const tables: Table[] = [
    {
      id: 'frameworks',
      title: 'Posture by framework',
      columns: [
        { key: 'framework', label: 'Framework', type: 'string' },
        { key: 'score', label: 'Score', type: 'number' },
        { key: 'coverage', label: 'Coverage', type: 'number' },
        { key: 'passing', label: 'Passing', type: 'number' },
        { key: 'failing', label: 'Failing', type: 'number' },
        { key: 'not_assessed', label: 'Not assessed', type: 'number' },
        { key: 'not_applicable', label: 'Not applicable', type: 'number' },
        { key: 'attested', label: 'Attested', type: 'number' },
        { key: 'total', label: 'Total', type: 'number' },
        { key: 'sprs_score', label: 'SPRS score', type: 'number' },
        { key: 'sprs_status', label: 'SPRS status', type: 'string' },
        { key: 'previous_run', label: 'Previous run', type: 'date' },
        { key: 'score_change', label: 'Score change', type: 'number' },
        { key: 'coverage_change', label: 'Coverage change', type: 'number' },
      ],
      rows: frameworks.map((fw) => ({
        framework: fw.framework,
        score: fw.score,
        coverage: fw.coverage,
        passing: fw.counts.passing,
        failing: fw.counts.failing,
        not_assessed: fw.counts.notAssessed,
        not_applicable: fw.counts.notApplicable,
        attested: fw.counts.attested,
        total: fw.counts.total,
        sprs_score: fw.sprs?.score ?? null,
        sprs_status: fw.sprs?.status ?? null,
        previous_run: fw.previous?.generatedAt ?? null,
        score_change: fw.change?.score ?? null,
        coverage_change: fw.change?.coverage ?? null,
      })),
    },
    {
      id: 'trend',
      title: 'Trend',
      columns: [
        { key: 'framework', label: 'Framework', type: 'string' },
        { key: 'generated_at', label: 'Run', type: 'date' },
        { key: 'score', label: 'Score', type: 'number' },
        { key: 'coverage', label: 'Coverage', type: 'number' },
        { key: 'sprs_score', label: 'SPRS score', type: 'number' },
        { key: 'failing', label: 'Failing', type: 'number' },
      ],
      rows: includeTrends
        ? series.flatMap((s) =>
            s.points.map((p) => ({
              framework: s.framework,
              generated_at: p.generated_at,
              score: p.score,
              coverage: p.coverage,
              sprs_score: p.sprs_score ?? null,
              failing: p.counts.failing,
            })),
          )
        : [],
    },
    {
      id: 'changes',
      title: 'Changes since the previous run',
      columns: [
        { key: 'framework', label: 'Framework', type: 'string' },
        { key: 'control', label: 'Control', type: 'string' },
        { key: 'change', label: 'Change', type: 'string' },
        { key: 'now', label: 'Now', type: 'string' },
      ],
      rows: frameworks.flatMap((fw) => [
        ...(fw.change?.newlyFailing ?? []).map((c) => ({ framework: fw.framework, control: c.id, change: 'newly failing', now: 'failing' })),
        ...(fw.change?.noLongerFailing ?? []).map((c) => ({ framework: fw.framework, control: c.id, change: 'no longer failing', now: c.now })),
      ]),
    },
    {
      id: 'top_risks',
      title: 'Risks',
      columns: [
        { key: 'rank', label: 'Rank', type: 'number' },
        { key: 'rule', label: 'Rule', type: 'string' },
        { key: 'title', label: 'Title', type: 'string' },
        { key: 'severity', label: 'Worst severity', type: 'severity' },
        { key: 'open', label: 'Open findings', type: 'number' },
        { key: 'resources', label: 'Resources', type: 'number' },
        { key: 'first_seen', label: 'First seen', type: 'date' },
        { key: 'age_days', label: 'Age (days)', type: 'number' },
        { key: 'controls', label: 'Controls', type: 'string' },
      ],
      rows: risks.map((r) => ({
        rank: r.rank,
        rule: r.rule,
        title: r.title,
        severity: r.severity,
        open: r.open,
        resources: r.resources,
        first_seen: r.firstSeen,
        age_days: r.ageDays,
        controls: r.allControls || null,
      })),
    },
    {
      id: 'findings_by_severity',
      title: 'Open findings by severity',
      columns: [
        { key: 'severity', label: 'Severity', type: 'severity' },
        { key: 'open', label: 'Open findings', type: 'number' },
      ],
      rows: bySeverity.map((s) => ({ severity: s.severity, open: s.count })),
    },
    {
      id: 'status_by_family',
      title: 'Control status by family',
      columns: [
        { key: 'framework', label: 'Framework', type: 'string' },
        { key: 'family', label: 'Family', type: 'string' },
        { key: 'title', label: 'Title', type: 'string' },
        { key: 'passing', label: 'Passing', type: 'number' },
        { key: 'failing', label: 'Failing', type: 'number' },
        { key: 'not_assessed', label: 'Not assessed', type: 'number' },
        { key: 'not_applicable', label: 'Not applicable', type: 'number' },
      ],
      rows: frameworks.flatMap((fw) =>
        fw.families.map((f) => ({
          framework: fw.framework,
          family: f.family,
          title: f.title,
          passing: f.passing,
          failing: f.failing,
          not_assessed: f.notAssessed,
          not_applicable: f.notApplicable,
        })),
      ),
    },
  ];

  const model: ReportModel = {
    kind: 'executive',
    meta: reportMeta(options, {
      title: options.title ?? 'Executive Security Summary',
      tenant: input.tenant,
      frameworks: frameworks.map((fw) => fw.framework),
      generatedAt,
    }),
    provenance: input.provenance,
    sections: [
      { id: 'posture', heading: 'Posture by framework', level: 2, data: { frameworks } },
      {
        id: 'trend',
        heading: 'Trend',
        level: 2,
        data: {
          included: includeTrends,
          frameworks: series.map((s) => s.framework),
          rows: trendRows,
          runs: instants.length,
          shown: shownInstants.length,
          firstRun: instants.length === 1,
          chart: scoreTrend?.fileName ?? null,
        },
      },
      {
        id: 'changes',
        heading: 'Changes since the previous run',
        level: 2,
        data: { frameworks: frameworks.map((fw) => ({ framework: fw.framework, catalogName: fw.catalogName, previous: fw.previous, change: fw.change })) },
      },
      {
        id: 'risks',
        heading: 'Top risks',
        level: 2,
        data: {
          limit: topN,
          total: risks.length,
          risks: shownRisks.slice(0, topN),
          more: Math.max(0, shownRisks.length - topN),
          hiddenByFilter: risks.length - shownRisks.length,
          openFindings: open.length,
          bySeverity,
          chart: findingsBySeverity.fileName,
        },
      },
      { id: 'charts', heading: 'Charts', level: 2, data: { scoreTrend, findingsBySeverity, statusByFamily } },
    ],
    tables,
  };
  const charts = [...(scoreTrend ? [scoreTrend] : []), findingsBySeverity, ...statusByFamily].map(renderChart);
  return { model, charts };
}
