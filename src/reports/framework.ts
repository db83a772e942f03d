/**
 * The framework report (spec "Report Types": full control-by-control status): definition +
 * evaluation -> ReportModel. Pure: the instant and every input are passed in.
 *
 * Human formats list at most `max_findings_per_control` finding groups per control, each group one
 * rule with its resource count (DESIGN.md "Large inputs"); the `findings` table carries every row.
 * `severity_filter` hides rows in finding lists only: statuses, counts and scores never change
 * (evaluation.md section 4), the report states the filter in force, and each control what it hid.
 * Every control says why it has its status (the evaluation's reason, model/status-reason.ts).
 */
import type { Attestation } from '../model/control.js';
import type { EvaluatedControl, FrameworkEvaluation } from '../model/evaluation.js';
import type { DefinitionOptions, OutputDefinition, Severity } from '../model/definitions.js';
import { SEVERITIES } from '../model/definitions.js';
import type { Finding } from '../model/finding.js';
import { groupBy } from '../model/order.js';
import { catalogSummary, reportMeta } from './meta.js';
import type { Provenance, ReportModel, Table } from '../model/report-model.js';
import { applySeverityFilter, plural } from './severity-filter.js';
import type { FilteredFindings } from './severity-filter.js';

export const DEFAULT_MAX_FINDINGS_PER_CONTROL = 25;
const SAMPLE_RESOURCES = 5;
/** Distinct remediations shown per rule group (every finding's is in the JSON report). */
const MAX_FIXES = 3;

export interface FrameworkReportInput {
  definition: OutputDefinition;
  tenant: { id: string; name: string };
  evaluation: FrameworkEvaluation;
  catalog: { framework: string; name: string; release: string; verified: boolean; families: Record<string, string> };
  /** nist-800-171: the SPRS score (model/sprs.ts) of this evaluation, stated in the summary. */
  sprs?: { score: number | null; status: string };
  /** Implementation statements by control id (controls/). */
  statements: ReadonlyMap<string, { statement?: string; parts?: Record<string, string>; status?: string }>;
  generatedAt: string;
  provenance: Provenance;
}

export interface FindingGroup {
  rule: string;
  title: string;
  severity: Severity;
  open: number;
  passing: number;
  other: number;
  resources: number;
  sampleResources: string[];
  remediation?: string;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** What findings are grouped by as one rule: the rule id, else the title. */
export const ruleKeyOf = (f: Finding): string => f.ruleId ?? f.title;

/** Findings grouped by rule, worst severity first, then most open, then rule id. */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  return [...groupBy(findings, ruleKeyOf)]
    .map(([rule, list]) => {
      const resources = [...new Set(list.map((f) => f.resource?.id).filter((r): r is string => r !== undefined))].sort(byCodeUnits);
      const worst = list.map((f) => f.severity).sort((a, b) => rank(a) - rank(b))[0] ?? 'INFORMATIONAL';
      // One rule can need several fixes (a CVE in two packages: two upgrades): each distinct one, sorted.
      // The fixes of what is open first: a PASS record's remediation ("No action.") says nothing to do.
      const fixesOf = (of: readonly Finding[]): string[] =>
        [...new Set(of.map((f) => f.remediation?.replace(/\s+/g, ' ').trim()).filter((r): r is string => !!r))].sort(byCodeUnits);
      const tiers = [list.filter((f) => f.result === 'FAIL' && f.state === 'open'), list.filter((f) => f.result !== 'PASS'), list];
      const fixes = tiers.map(fixesOf).find((t) => t.length > 0) ?? [];
      const remediation =
        fixes.length === 0 ? undefined : fixes.slice(0, MAX_FIXES).join(' ') + (fixes.length > MAX_FIXES ? ` (and ${fixes.length - MAX_FIXES} more)` : '');
      return {
        rule,
        title: list[0]?.title ?? rule,
        severity: worst,
        open: list.filter((f) => f.result === 'FAIL' && f.state === 'open').length,
        passing: list.filter((f) => f.result === 'PASS').length,
        other: list.filter((f) => !(f.result === 'FAIL' && f.state === 'open') && f.result !== 'PASS').length,
        resources: resources.length,
        sampleResources: resources.slice(0, SAMPLE_RESOURCES),
        ...(remediation ? { remediation } : {}),
      };
    })
    .sort((a, b) => rank(a.severity) - rank(b.severity) || b.open - a.open || byCodeUnits(a.rule, b.rule));
}

export function formatPercent(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

const STATUS_LABEL: Record<string, string> = { passing: 'Passing', failing: 'Failing', 'not-assessed': 'Not assessed', 'not-applicable': 'Not applicable' };

/**
 * An attestation as the report states it: who attested, when, how, why, and (include_evidence)
 * each evidence file with its sha256, so a reader can check the file the attestation rests on.
 * One attestation often covers many controls: its justification and evidence are stated under the
 * first of them (catalog order) and referred to under the others (`detailsUnder`).
 */
function attestationView(a: Attestation, includeEvidence: boolean, detailedUnder: Map<string, string>, controlId: string) {
  const first = detailedUnder.get(a.id);
  const head = {
    id: a.id,
    result: a.result,
    attestedAt: a.attestedAt,
    expires: a.expires,
    attester: a.attester ? `${a.attester.name}${a.attester.role ? ` (${a.attester.role})` : ''}` : undefined,
    methods: a.methods?.join(', '),
  };
  if (first !== undefined && first !== controlId) return { ...head, detailsUnder: first, evidence: [] };
  detailedUnder.set(a.id, controlId);
  const evidence = a.evidence ?? [];
  return {
    ...head,
    attester: a.attester ? `${a.attester.name}${a.attester.role ? ` (${a.attester.role})` : ''}` : undefined,
    methods: a.methods?.join(', '),
    justification: a.justification?.replace(/\s+/g, ' ').trim(),
    evidence: includeEvidence ? evidence.map((e) => ({ path: e.path, sha256: e.sha256, description: e.description, observedAt: e.observedAt })) : [],
    evidenceNote:
      !includeEvidence && evidence.length > 0
        ? `${plural(evidence.length, 'evidence file')} (the option include_evidence lists them with their sha256)`
        : undefined,
  };
}

function controlView(
  result: EvaluatedControl,
  filtered: FilteredFindings,
  options: DefinitionOptions,
  input: FrameworkReportInput,
  cap: number,
  detailedUnder: Map<string, string>,
) {
  const groups = groupFindings(filtered.shown);
  // A failing control whose open FAIL findings the filter hid all: its list would be rows with
  // Open 0 only, which reads as "nothing is wrong". The report says what was hidden instead.
  const failingHidden = result.status === 'failing' && (filtered.hiddenOpen ?? 0) > 0 && groups.every((g) => g.open === 0);
  const listed = failingHidden ? [] : groups;
  const open = filtered.hiddenOpen ?? 0;
  const others = groups.length > 0 ? `, nor the ${plural(groups.length, 'rule')} of its other findings, none open FAIL` : '';
  const listNote = failingHidden
    ? `Not listed: the ${plural(open, 'open FAIL finding')} that make${open === 1 ? 's' : ''} it failing, hidden by the severity filter (${filtered.openSeverities ?? ''})${others} (every finding is in the JSON report).`
    : filtered.note
      ? `Not listed: ${filtered.note}.`
      : undefined;
  const statement = input.statements.get(result.control.id);
  return {
    id: result.control.id,
    title: result.control.title,
    status: result.status,
    statusLabel: STATUS_LABEL[result.status] ?? result.status,
    reason: result.notes.reason.text,
    decidedBy: result.notes.reason.basis,
    derivedFrom: result.derivedFrom,
    conflict: result.notes.conflict === true,
    partialCondition: result.notes.partialCondition,
    deviations: (result.notes.deviations ?? []).map((e) => ({ id: e.id, type: e.type })),
    pending: (result.notes.pending ?? []).map((e) => ({ id: e.id, type: e.type })),
    attestations: result.attestations.map((a) => attestationView(a, options.include_evidence === true, detailedUnder, result.control.id)),
    findingGroups: listed.slice(0, cap).map((g) => (options.include_remediation ? g : { ...g, remediation: undefined })),
    moreGroups: Math.max(0, listed.length - cap),
    hiddenByFilter: filtered.hidden,
    openHiddenByFilter: filtered.hiddenOpen,
    filterNote: filtered.note,
    /** What the control's finding list leaves out, in one sentence. */
    listNote,
    statement: statement?.statement,
    parts: statement?.parts,
    implementationStatus: statement?.status,
  };
}

export function buildFrameworkReport(input: FrameworkReportInput): ReportModel {
  const { definition, evaluation, catalog } = input;
  const options = definition.options;
  const cap = typeof options.max_findings_per_control === 'number' ? options.max_findings_per_control : DEFAULT_MAX_FINDINGS_PER_CONTROL;
  const filtered = new Map(evaluation.results.map((r) => [r, applySeverityFilter(r.findings, options.severity_filter)]));
  // Attestation id -> the control under which its details are stated (the first in catalog order).
  const detailedUnder = new Map<string, string>();
  const families = new Map<string, EvaluatedControl[]>();
  for (const result of evaluation.results) families.set(result.control.family, [...(families.get(result.control.family) ?? []), result]);
  const familyViews = [...families].map(([id, results]) => ({
    id,
    title: catalog.families[id] ?? id,
    counts: {
      passing: results.filter((r) => r.status === 'passing').length,
      failing: results.filter((r) => r.status === 'failing').length,
      notAssessed: results.filter((r) => r.status === 'not-assessed').length,
      notApplicable: results.filter((r) => r.status === 'not-applicable').length,
    },
    controls: results.map((r) => controlView(r, filtered.get(r)!, options, input, cap, detailedUnder)),
  }));
  const controlsTable: Table = {
    id: 'controls',
    title: 'Controls',
    columns: [
      { key: 'id', label: 'Control', type: 'string' },
      { key: 'title', label: 'Title', type: 'string' },
      { key: 'family', label: 'Family', type: 'string' },
      { key: 'status', label: 'Status', type: 'status' },
      { key: 'reason', label: 'Why', type: 'string' },
      { key: 'decided_by', label: 'Decided by', type: 'string' },
      { key: 'open_findings', label: 'Open findings', type: 'number' },
      { key: 'hidden_by_filter', label: 'Findings hidden by the severity filter', type: 'number' },
      { key: 'open_hidden_by_filter', label: 'Open FAIL findings hidden by the severity filter', type: 'number' },
      { key: 'attested', label: 'Attested', type: 'string' },
      { key: 'derived_from', label: 'Derived from', type: 'string' },
    ],
    rows: evaluation.results.map((r) => {
      const { hidden, hiddenOpen } = filtered.get(r)!;
      return {
        id: r.control.id,
        title: r.control.title,
        family: r.control.family,
        status: r.status,
        reason: r.notes.reason.text,
        decided_by: r.notes.reason.basis,
        open_findings: r.findings.filter((f) => f.result === 'FAIL' && f.state === 'open').length,
        hidden_by_filter: hidden,
        open_hidden_by_filter: hiddenOpen,
        attested: r.attestations.map((a) => `${a.id} (${a.result})`).join(', ') || null,
        derived_from: r.derivedFrom ?? null,
      };
    }),
  };
  const findingsTable: Table = {
    id: 'findings',
    title: 'Findings',
    columns: [
      { key: 'control', label: 'Control', type: 'string' },
      { key: 'identity', label: 'Identity', type: 'string' },
      { key: 'rule', label: 'Rule', type: 'string' },
      { key: 'title', label: 'Title', type: 'string' },
      { key: 'resource', label: 'Resource', type: 'string' },
      { key: 'severity', label: 'Severity', type: 'severity' },
      { key: 'result', label: 'Result', type: 'string' },
      { key: 'state', label: 'State', type: 'string' },
      { key: 'observed_at', label: 'Observed', type: 'date' },
    ],
    rows: evaluation.results.flatMap((r) =>
      r.findings.map((f) => ({
        control: r.control.id,
        identity: f.identity,
        rule: f.ruleId ?? null,
        title: f.title,
        resource: f.resource?.id ?? null,
        severity: f.severity,
        result: f.result,
        state: f.state,
        observed_at: f.observedAt ?? null,
      })),
    ),
  };
  const c = evaluation.counts;
  return {
    kind: 'framework',
    meta: reportMeta(options, {
      title: options.title ?? `${catalog.name} Compliance Report`,
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
          counts: c,
          score: formatPercent(evaluation.score),
          coverage: formatPercent(evaluation.coverage),
          assessed: c.total - c.notAssessed,
          outsideScope: evaluation.outsideScope,
          ...(input.sprs ? { sprs: input.sprs } : {}),
          expiredAttestations: evaluation.expiredAttestations.map((a) => a.id),
          expiredExceptions: evaluation.expiredExceptions.map((e) => e.id),
        },
      },
      {
        id: 'controls',
        heading: 'Controls by family',
        level: 2,
        data: { families: familyViews, cap, includeRemediation: options.include_remediation === true },
      },
    ],
    tables: [controlsTable, findingsTable],
  };
}
