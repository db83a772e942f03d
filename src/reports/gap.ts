/**
 * The gap report (spec "Report Types": controls failing or not assessed, prioritised, with what
 * closes them): definition + evaluation -> ReportModel. Pure: the instant and every input are passed in.
 *
 * Order: failing before not assessed; then the worst open-finding severity; then (nist-800-171) the
 * SPRS point value, highest first; then (SP 800-53) controls of the LOW baseline first; then catalog
 * order. For nist-800-171 each row carries its point value (negative, as the spec prints it) and
 * whether it may go on a CMMC POA&M (32 CFR 170.21), both from the SPRS computation (model/sprs.ts).
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
import { applySeverityFilter } from './severity-filter.js';

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

function remediationOf(result: EvaluatedControl, groups: { rule: string; remediation?: string }[]): string[] {
  const fromFindings = groups.filter((g) => g.remediation).map((g) => `${g.rule}: ${g.remediation as string}`);
  if (fromFindings.length > 0) return fromFindings;
  if (result.status === 'not-assessed') return ['Attest the control (attestations/) or add a scan whose mapping covers it.'];
  const attestation = result.attestations.find((a) => a.result === 'partial' || a.result === 'not-met');
  if (attestation) {
    return [
      `Implement what attestation ${attestation.id} records as missing, then attest again.${attestation.justification ? ` Recorded: ${oneLine(attestation.justification)}` : ''}`,
    ];
  }
  return ['Close the failing findings or record the implementation in an attestation.'];
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
    .map((result, order) => ({ result, order }))
    .filter(({ result }) => result.status === 'failing' || result.status === 'not-assessed')
    .map(({ result, order }) => ({ result, order, worst: worstOpenSeverity(result), points: pointsOf(result.control.id) ?? 0 }));
  const low = input.lowBaseline;
  candidates.sort(
    (a, b) =>
      (a.result.status === 'failing' ? 0 : 1) - (b.result.status === 'failing' ? 0 : 1) ||
      rank(a.worst) - rank(b.worst) ||
      a.points - b.points || // negative: the largest deduction first
      (low ? (low.has(a.result.control.id) ? 0 : 1) - (low.has(b.result.control.id) ? 0 : 1) : 0) ||
      a.order - b.order,
  );
  const gaps = candidates.map(({ result, worst }, index) => {
    const id = result.control.id;
    const open = result.findings.filter(isOpenFail);
    const groups = groupFindings(open);
    const filtered = applySeverityFilter(result.findings, filter);
    const shown = filter ? groupFindings(filtered.shown.filter(isOpenFail)) : groups;
    const points = pointsOf(id);
    const poam = poamOf(id);
    const p = practice.get(id);
    return {
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
      remediation: remediationOf(result, groups),
      moreRemediation: Math.max(0, remediationOf(result, groups).length - cap),
    };
  });
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
    rows: gaps.map((g) => ({
      priority: g.priority,
      id: g.id,
      title: g.title,
      family: g.family,
      status: g.status,
      worst_severity: g.worstSeverity,
      open_findings: g.openFindings,
      rules:
        groupFindings(evaluation.results.find((r) => r.control.id === g.id)!.findings.filter(isOpenFail))
          .map((r) => `${r.rule} (${r.resources})`)
          .join(', ') || null,
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
      remediation: g.remediation.join(' '),
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
          unmapped: evaluation.unmapped,
          outsideScope: evaluation.outsideScope,
          failing: gaps.filter((g) => g.status === 'failing').length,
          notAssessed: gaps.filter((g) => g.status === 'not-assessed').length,
          gaps: gaps.length,
          ...(sprs
            ? {
                sprs: {
                  score: sprs.sprs_score,
                  status: sprs.sprs_status,
                  deduction: gaps.reduce((sum, g) => sum + (practice.has(g.id) ? -(g.pointValue ?? 0) : 0), 0),
                  poamEligible: gaps.filter((g) => g.poam?.eligible).length,
                },
              }
            : {}),
          lowBaseline: low !== undefined,
        },
      },
      { id: 'gaps', heading: 'Gaps', level: 2, data: { gaps: gaps.map((g) => ({ ...g, remediation: g.remediation.slice(0, cap) })), cap } },
    ],
    tables: [gapsTable],
  };
}
