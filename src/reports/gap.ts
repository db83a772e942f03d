/**
 * The gap report (spec "Report Types": controls failing or not assessed, prioritised, with what
 * closes them): definition + evaluation -> ReportModel. Pure: the instant and every input are passed in.
 *
 * Layout: the failing controls, prioritised, each with why and its findings; the not-assessed ones in
 * one compact table (they all close the same way, said once); then the remediation, by control id.
 *
 * Order: failing before not assessed. Failing: the worst open-finding severity; then (nist-800-171)
 * the SPRS point value, highest first; then (SP 800-53) controls of the LOW baseline first; then
 * the control id in numeric order (3.1.2 < 3.1.10, AC-2 < AC-10). Not assessed, and the
 * remediation: the control id in numeric order. For nist-800-171 each row carries its point value
 * (negative, as the spec prints it) and whether it may go on a CMMC POA&M (32 CFR 170.21), both
 * from the SPRS computation (model/sprs.ts).
 *
 * Remediation follows the finding lists: with a severity filter it lists the fixes of the open FAIL
 * findings the filter shows and says how many it leaves out. Each fix is said once: rules with the
 * same fix share one line, and a fix listed under an earlier control is referred to, not repeated.
 * The JSON and XLSX rows carry every rule's fix, unfiltered, as they carry every rule.
 *
 * Why a control is a gap is the evaluation's reason (model/status-reason.ts); the row adds only
 * what the reason does not say: approved and pending deviations, the CMMC POA&M status, and what
 * the severity filter hid from its finding list.
 */
import type { EvaluatedControl, FrameworkEvaluation } from '../model/evaluation.js';
import type { OutputDefinition, Severity } from '../model/definitions.js';
import { SEVERITIES } from '../model/definitions.js';
import { catalogSummary, reportMeta } from './meta.js';
import type { Provenance, ReportModel, Table } from '../model/report-model.js';
import type { SprsResult } from '../model/sprs.js';
import { DEFAULT_MAX_FINDINGS_PER_CONTROL, groupFindings } from './framework.js';
import type { FindingGroup } from './framework.js';
import { compareControlIds } from '../model/control-ids.js';
import { applySeverityFilter, plural } from './severity-filter.js';
import type { FilteredFindings } from './severity-filter.js';

export interface GapReportInput {
  definition: OutputDefinition;
  tenant: { id: string; name: string };
  evaluation: FrameworkEvaluation;
  catalog: { framework: string; name: string; release: string; verified: boolean };
  /** nist-800-171: the SPRS computation (model/sprs.ts) of this evaluation, with CMMC status. */
  sprs?: SprsResult;
  /** nist-800-171: points of every requirement, for the rows the SPRS computation does not list. */
  points?: ReadonlyMap<string, number | undefined>;
  /** SP 800-53 frameworks: the ids of the LOW baseline. */
  lowBaseline?: ReadonlySet<string>;
  at: Date;
  generatedAt: string;
  provenance: Provenance;
}

const rank = (s: Severity | undefined): number => (s === undefined ? SEVERITIES.length : SEVERITIES.indexOf(s));
const isOpenFail = (f: { result: string; state: string }): boolean => f.result === 'FAIL' && f.state === 'open';
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
const STATUS_LABEL: Record<string, string> = { failing: 'Failing', 'not-assessed': 'Not assessed' };

interface Poam {
  /** May it be on a CMMC POA&M, and is it (or is it MET for CMMC)? */
  eligible: boolean;
  label: 'on the POA&M' | 'eligible, not on the POA&M' | 'not eligible' | 'MET for CMMC';
  reason: string;
}

function worstOpenSeverity(result: EvaluatedControl): Severity | undefined {
  return result.findings
    .filter(isOpenFail)
    .map((f) => f.severity)
    .sort((a, b) => rank(a) - rank(b))[0];
}

/** One fix, and the rules it fixes (rules whose fix reads the same share it). */
export interface Fix {
  rules: string[];
  /** The worst severity among those rules' findings; none for a fix that comes from an attestation. */
  severity?: Severity;
  text: string;
}

/** Rules listed by name on one fix line; the rest are counted. */
const RULES_PER_FIX = 5;
const NOT_ASSESSED_FIX = 'Attest the control (attestations/) or add a scan whose mapping covers it.';

/** The fixes of some finding groups, worst first (the groups' order): rules with the same text merged. */
function fixesOfGroups(groups: readonly FindingGroup[]): Fix[] {
  const byText = new Map<string, Fix>();
  for (const g of groups) {
    if (!g.remediation) continue;
    const fix = byText.get(g.remediation);
    if (!fix) byText.set(g.remediation, { rules: [g.rule], severity: g.severity, text: g.remediation });
    else fix.rules.push(g.rule);
  }
  return [...byText.values()];
}

/** What closes a failing control when its findings carry no fix: the attestation's gap, or the generic step. */
function fallbackFix(result: EvaluatedControl): Fix {
  const attestation = result.attestations.find((a) => a.result === 'partial' || a.result === 'not-met');
  if (attestation) {
    return {
      rules: [],
      text: `Implement what attestation ${attestation.id} records as missing, then attest again.${attestation.justification ? ` Recorded: ${oneLine(attestation.justification)}` : ''}`,
    };
  }
  return { rules: [], text: 'Close the failing findings or record the implementation in an attestation.' };
}

/** Every fix of a gap, unfiltered (the JSON and XLSX rows). */
function allFixes(result: EvaluatedControl, groups: readonly FindingGroup[]): Fix[] {
  if (result.status === 'not-assessed') return [{ rules: [], text: NOT_ASSESSED_FIX }];
  const fixes = fixesOfGroups(groups);
  return fixes.length > 0 ? fixes : [fallbackFix(result)];
}

const fixLine = (fix: Fix): string => (fix.rules.length > 0 ? `${fix.rules.join(', ')}: ${fix.text}` : fix.text);

interface RemediationEntry {
  id: string;
  title: string;
  statusLabel: string;
  /** Fixes first listed here, at most `cap`. */
  fixes: (Fix & { shownRules: string[]; moreRules: number })[];
  /** Fixes beyond the cap (every rule's fix is in the JSON report). */
  more: number;
  /** Fixes already listed under an earlier control: that control and the rules they fix here (the first few named). */
  listedUnder: { id: string; shownRules: string[]; moreRules: number }[];
  /** What the severity filter left out, in one sentence. */
  hiddenNote?: string;
}

/**
 * The remediation section: failing controls by id (numeric), each with the fixes of the findings the
 * severity filter shows, each fix said once (module comment).
 */
function remediationEntries(
  failing: readonly { result: EvaluatedControl; shown: FindingGroup[]; filtered: FilteredFindings; statusLabel: string }[],
  cap: number,
): RemediationEntry[] {
  const listed = new Map<string, string>();
  return [...failing]
    .sort((a, b) => compareControlIds(a.result.control.id, b.result.control.id))
    .map(({ result, shown, filtered, statusLabel }) => {
      const id = result.control.id;
      const open = shown.filter((g) => g.open > 0);
      const hiddenOpen = filtered.hiddenOpen ?? 0;
      let fixes = fixesOfGroups(open);
      if (fixes.length === 0 && hiddenOpen === 0) fixes = [fallbackFix(result)];
      const fresh = fixes.filter((f) => !listed.has(f.text));
      const earlier = new Map<string, string[]>();
      for (const f of fixes) {
        const under = listed.get(f.text);
        if (under !== undefined) earlier.set(under, [...(earlier.get(under) ?? []), ...f.rules]);
      }
      const shownFixes = fresh.slice(0, cap);
      for (const f of shownFixes) listed.set(f.text, id);
      const hiddenNote =
        hiddenOpen > 0 ? `the fixes of ${plural(hiddenOpen, 'open FAIL finding')} hidden by the severity filter (${filtered.openSeverities ?? ''})` : undefined;
      return {
        id,
        title: result.control.title,
        statusLabel,
        fixes: shownFixes.map((f) => ({ ...f, shownRules: f.rules.slice(0, RULES_PER_FIX), moreRules: Math.max(0, f.rules.length - RULES_PER_FIX) })),
        more: fresh.length - shownFixes.length,
        listedUnder: [...earlier]
          .map(([under, rules]) => ({ id: under, shownRules: rules.slice(0, RULES_PER_FIX), moreRules: Math.max(0, rules.length - RULES_PER_FIX) }))
          .sort((a, b) => compareControlIds(a.id, b.id)),
        ...(hiddenNote ? { hiddenNote } : {}),
      };
    });
}

export function buildGapReport(input: GapReportInput): ReportModel {
  const { definition, evaluation, catalog } = input;
  const options = definition.options;
  const cap = typeof options.max_findings_per_control === 'number' ? options.max_findings_per_control : DEFAULT_MAX_FINDINGS_PER_CONTROL;
  const filter = options.severity_filter;
  const sprs = input.sprs;
  const practice = new Map((sprs?.failing_practices ?? []).map((p) => [p.practice_id, p]));
  const poamOf = (id: string): Poam | undefined => {
    if (!sprs) return undefined;
    const l2 = sprs.cmmc.level_2;
    const blocking = l2.blocking.filter((b) => b.practice_id === id).map((b) => b.reason);
    if (l2.met_by_exception.includes(id))
      return { eligible: true, label: 'MET for CMMC', reason: 'enduring exception or temporary deficiency: MET for the CMMC score only (32 CFR 170.24(b)(1))' };
    if (!l2.poam_eligible.includes(id)) return { eligible: false, label: 'not eligible', reason: blocking.join('; ') || 'may not be on a CMMC POA&M' };
    if (l2.on_poam.includes(id)) return { eligible: true, label: 'on the POA&M', reason: 'may be on a CMMC POA&M, and is (32 CFR 170.21(a)(2)(ii))' };
    return { eligible: true, label: 'eligible, not on the POA&M', reason: blocking.join('; ') };
  };
  const pointsOf = (id: string): number | undefined => {
    if (!input.sprs) return undefined;
    const p = practice.get(id);
    if (p) return p.point_value;
    const points = input.points?.get(id);
    return points === undefined ? undefined : -points;
  };
  const candidates = evaluation.results
    .filter((result) => result.status === 'failing' || result.status === 'not-assessed')
    .map((result) => ({ result, worst: worstOpenSeverity(result), points: pointsOf(result.control.id) ?? 0 }));
  const low = input.lowBaseline;
  const byId = (a: { result: EvaluatedControl }, b: { result: EvaluatedControl }): number => compareControlIds(a.result.control.id, b.result.control.id);
  const failingFirst = candidates
    .filter(({ result }) => result.status === 'failing')
    .sort(
      (a, b) =>
        rank(a.worst) - rank(b.worst) ||
        a.points - b.points || // negative: the largest deduction first
        (low ? (low.has(a.result.control.id) ? 0 : 1) - (low.has(b.result.control.id) ? 0 : 1) : 0) ||
        byId(a, b),
    );
  const ordered = [...failingFirst, ...candidates.filter(({ result }) => result.status === 'not-assessed').sort(byId)];
  const gaps = ordered.map(({ result, worst }, index) => {
    const id = result.control.id;
    const open = result.findings.filter(isOpenFail);
    const groups = groupFindings(open);
    const filtered = applySeverityFilter(result.findings, filter);
    const shown = filter ? groupFindings(filtered.shown.filter(isOpenFail)) : groups;
    const points = pointsOf(id);
    const poam = poamOf(id);
    const p = practice.get(id);
    return {
      result,
      shown,
      filtered,
      view: {
        priority: index + 1,
        id,
        title: result.control.title,
        family: result.control.family,
        status: result.status,
        statusLabel: STATUS_LABEL[result.status] ?? result.status,
        worstSeverity: worst ?? null,
        openFindings: open.length,
        reason: result.notes.reason.text,
        decidedBy: result.notes.reason.basis,
        findingGroups: shown.slice(0, cap),
        moreGroups: Math.max(0, shown.length - cap),
        hiddenByFilter: filtered.hidden,
        openHiddenByFilter: filtered.hiddenOpen,
        filterNote: filtered.note,
        ...(points !== undefined ? { pointValue: points } : {}),
        partialCredit: p?.partial_credit === true,
        ...(poam ? { poam } : {}),
        inLowBaseline: low ? low.has(id) : undefined,
        deviations: (result.notes.deviations ?? []).map((e) => ({ id: e.id, type: e.type })),
        pending: (result.notes.pending ?? []).map((e) => ({ id: e.id, type: e.type })),
        /** Every fix, unfiltered: the JSON and XLSX rows. */
        fixes: allFixes(result, groups),
        rules: groups.map((r) => `${r.rule} (${r.resources})`).join(', ') || null,
      },
    };
  });
  const failing = gaps.filter((g) => g.view.status === 'failing');
  const notAssessed = gaps.filter((g) => g.view.status === 'not-assessed').map((g) => g.view);
  // The not-assessed rows share their fix, and (nist-800-171) usually their CMMC POA&M status: said once then.
  // Not assessed is reason enough never to be on a CMMC POA&M (32 CFR 170.24(b)): that reason, shared by
  // the rows, is said once above the table; a row's other reasons (its point value) add nothing there
  // and stay in the JSON and XLSX rows. A row without it (3.12.4: no SSP) says its own in the Why cell.
  const blockingOf = (id: string): string[] => (sprs?.cmmc.level_2.blocking ?? []).filter((b) => b.practice_id === id).map((b) => b.reason);
  const counts = new Map<string, number>();
  for (const g of notAssessed) for (const reason of new Set(blockingOf(g.id))) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const shared = [...counts].sort((x, y) => y[1] - x[1])[0]?.[0];
  const first = notAssessed[0];
  const sameLabel = first?.poam !== undefined && notAssessed.every((g) => g.poam?.label === first.poam?.label);
  const sharedPoam = sameLabel && shared !== undefined ? { ...first.poam!, reason: shared } : undefined;
  const notAssessedRows = notAssessed.map((g) => ({
    ...g,
    ...(sharedPoam && g.poam && !blockingOf(g.id).includes(sharedPoam.reason) ? { poamNote: g.poam.reason } : {}),
  }));
  const remediation = remediationEntries(
    failing.map((g) => ({ result: g.result, shown: g.shown, filtered: g.filtered, statusLabel: g.view.statusLabel })),
    cap,
  );
  const gapsTable: Table = {
    id: 'gaps',
    title: 'Gaps',
    columns: [
      { key: 'priority', label: 'Priority', type: 'number' },
      { key: 'id', label: 'Control', type: 'string' },
      { key: 'title', label: 'Title', type: 'string' },
      { key: 'family', label: 'Family', type: 'string' },
      { key: 'status', label: 'Status', type: 'status' },
      { key: 'worst_severity', label: 'Worst open severity', type: 'severity' },
      { key: 'open_findings', label: 'Open findings', type: 'number' },
      { key: 'rules', label: 'Rules', type: 'string' },
      { key: 'reason', label: 'Why', type: 'string' },
      { key: 'decided_by', label: 'Decided by', type: 'string' },
      { key: 'hidden_by_filter', label: 'Findings hidden by the severity filter', type: 'number' },
      { key: 'open_hidden_by_filter', label: 'Open FAIL findings hidden by the severity filter', type: 'number' },
      { key: 'point_value', label: 'Point value', type: 'number' },
      { key: 'poam_eligible', label: 'CMMC POA&M', type: 'string' },
      { key: 'poam_reason', label: 'POA&M reason', type: 'string' },
      // SP 800-53's LOW baseline means nothing to a framework without baselines (800-171: an empty column).
      ...(low !== undefined ? [{ key: 'in_low_baseline', label: 'LOW baseline', type: 'string' as const }] : []),
      { key: 'deviations', label: 'Approved deviations', type: 'string' },
      { key: 'pending', label: 'Pending deviations', type: 'string' },
      { key: 'remediation', label: 'Remediation', type: 'string' },
    ],
    rows: gaps.map(({ view: g }) => ({
      priority: g.priority,
      id: g.id,
      title: g.title,
      family: g.family,
      status: g.status,
      worst_severity: g.worstSeverity,
      open_findings: g.openFindings,
      rules: g.rules,
      reason: g.reason,
      decided_by: g.decidedBy,
      hidden_by_filter: g.hiddenByFilter,
      open_hidden_by_filter: g.openHiddenByFilter,
      point_value: g.pointValue ?? null,
      poam_eligible: g.poam?.label ?? null,
      poam_reason: g.poam?.reason ?? null,
      ...(low !== undefined ? { in_low_baseline: g.inLowBaseline ? 'yes' : 'no' } : {}),
      deviations: g.deviations.map((d) => `${d.type} ${d.id}`).join(', ') || null,
      pending: g.pending.map((d) => `${d.type} ${d.id}`).join(', ') || null,
      remediation: g.fixes.map(fixLine).join(' '),
    })),
  };
  return {
    kind: 'gap',
    meta: reportMeta(options, {
      title: options.title ?? `${catalog.name} Gap Analysis`,
      tenant: input.tenant,
      frameworks: [catalog.framework],
      generatedAt: input.generatedAt,
    }),
    provenance: input.provenance,
    sections: [
      {
        id: 'summary',
        heading: 'Summary',
        level: 2,
        data: {
          ...catalogSummary(catalog),
          total: evaluation.counts.total,
          outsideScope: evaluation.outsideScope,
          failing: failing.length,
          notAssessed: notAssessed.length,
          gaps: gaps.length,
          ...(sprs
            ? {
                sprs: {
                  score: sprs.sprs_score,
                  status: sprs.sprs_status,
                  deduction: gaps.reduce((sum, { view: g }) => sum + (practice.has(g.id) ? -(g.pointValue ?? 0) : 0), 0),
                  poamEligible: gaps.filter(({ view: g }) => g.poam?.eligible).length,
                },
              }
            : {}),
          lowBaseline: low !== undefined,
        },
      },
      {
        id: 'gaps',
        heading: 'Failing',
        level: 2,
        data: { gaps: failing.map(({ view: { fixes: _fixes, rules: _rules, ...g } }) => g), cap },
      },
      {
        id: 'not-assessed',
        heading: 'Not assessed',
        level: 2,
        data: {
          controls: notAssessedRows.map(({ fixes: _fixes, rules: _rules, findingGroups: _groups, moreGroups: _more, ...g }) => g),
          fix: NOT_ASSESSED_FIX,
          ...(sharedPoam ? { sharedPoam } : {}),
        },
      },
      { id: 'remediation', heading: 'Remediation', level: 2, data: { controls: remediation } },
    ],
    tables: [gapsTable],
  };
}
