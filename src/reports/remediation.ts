/**
 * The remediation report (spec "Report Types": open failing findings by owner, with the steps that
 * close them): the run's findings -> ReportModel. Pure: the instant and every input are passed in.
 *
 * Open FAIL findings only, after approved, unexpired false positives are removed (the selector logic
 * of model/evaluation.ts; a false positive removes its findings from this report whatever controls it
 * names). One row per finding identity, however many controls it maps to. Owners come from
 * `groupByOwner` (model/owners.ts). Each owner's rules are ordered by severity, then count, then rule.
 * With `group_by: team` a finding's team tag comes before its owner.
 * `severity_filter` hides rows in the Markdown lists only: counts include every finding.
 */
import type { ExceptionRecord } from '../model/evaluation.js';
import { isExpiredAt, selectorMatches } from '../model/evaluation.js';
import type { OutputDefinition } from '../model/definitions.js';
import { SEVERITIES } from '../model/definitions.js';
import type { Finding } from '../model/finding.js';
import type { OwnerRule } from '../model/owners.js';
import { groupByOwner, ownerOf, UNASSIGNED } from '../model/owners.js';
import { reportMeta } from './meta.js';
import type { Provenance, ReportModel, Table } from '../model/report-model.js';
import { DEFAULT_MAX_FINDINGS_PER_CONTROL, groupFindings } from './framework.js';

export interface RemediationReportInput {
  definition: OutputDefinition;
  tenant: { id: string; name: string };
  /** Every finding of the run, across frameworks. */
  findings: readonly Finding[];
  exceptions: readonly ExceptionRecord[];
  owners: readonly OwnerRule[];
  at: Date;
  generatedAt: string;
  provenance: Provenance;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const GENERIC_STEP = 'No remediation in the finding: see the rule documentation of the producing tool.';

/** Open FAIL findings, false positives removed, one per identity (first seen wins). */
export function openFindings(findings: readonly Finding[], exceptions: readonly ExceptionRecord[], at: Date): Finding[] {
  const falsePositives = exceptions.filter((e) => e.type === 'false-positive' && e.approval === 'approved' && !isExpiredAt(e.expires, at));
  const seen = new Set<string>();
  const open: Finding[] = [];
  for (const f of findings) {
    if (f.result !== 'FAIL' || f.state !== 'open' || seen.has(f.identity)) continue;
    if (falsePositives.some((e) => (e.findings ?? []).some((s) => selectorMatches(s, f)))) continue;
    seen.add(f.identity);
    open.push(f);
  }
  return open;
}

export function buildRemediationReport(input: RemediationReportInput): ReportModel {
  const { definition } = input;
  const options = definition.options;
  const cap = typeof options.max_findings_per_control === 'number' ? options.max_findings_per_control : DEFAULT_MAX_FINDINGS_PER_CONTROL;
  const filter = options.severity_filter;
  // group_by: team groups by the team tag where a finding has one (model/owners.ts otherwise);
  // resource and rule group by the finding's resource id or rule id instead of its owner.
  const groupBy = options.group_by ?? 'owner';
  const open = openFindings(input.findings, input.exceptions, input.at).map((f) => {
    const key =
      groupBy === 'team'
        ? (f.tags?.team ?? f.tags?.Team ?? f.resource?.tags?.team ?? f.resource?.tags?.Team)
        : groupBy === 'resource'
          ? (f.resource?.id ?? f.location?.uri ?? UNASSIGNED)
          : groupBy === 'rule'
            ? (f.ruleId ?? f.title)
            : undefined;
    return key ? { ...f, owner: key } : f;
  });
  const teams = groupByOwner(open, input.owners).map(([owner, list]) => {
    const shown = filter ? list.filter((f) => filter.includes(f.severity)) : list;
    const groups = groupFindings(shown);
    return {
      owner,
      unassigned: owner === UNASSIGNED,
      open: list.length,
      bySeverity: SEVERITIES.map((s) => ({ severity: s, count: list.filter((f) => f.severity === s).length })).filter((s) => s.count > 0),
      rules: groupFindings(list).length,
      groups: groups.slice(0, cap).map((g) => ({ ...g, remediation: g.remediation ?? GENERIC_STEP })),
      moreGroups: Math.max(0, groups.length - cap),
      hiddenByFilter: list.length - shown.length,
    };
  });
  const findingsTable: Table = {
    id: 'findings',
    title: 'Open findings',
    columns: [
      { key: 'owner', label: 'Owner', type: 'string' },
      { key: 'identity', label: 'Identity', type: 'string' },
      { key: 'rule', label: 'Rule', type: 'string' },
      { key: 'title', label: 'Title', type: 'string' },
      { key: 'resource', label: 'Resource', type: 'string' },
      { key: 'severity', label: 'Severity', type: 'severity' },
      { key: 'tool', label: 'Tool', type: 'string' },
      { key: 'remediation', label: 'Remediation', type: 'string' },
      { key: 'observed_at', label: 'Observed', type: 'date' },
    ],
    rows: open
      .map((f) => ({
        owner: ownerOf(f, input.owners),
        identity: f.identity,
        rule: f.ruleId ?? null,
        title: f.title,
        resource: f.resource?.id ?? null,
        severity: f.severity,
        tool: f.tool ?? null,
        remediation: f.remediation ? f.remediation.replace(/\s+/g, ' ').trim() : null,
        observed_at: f.observedAt ?? null,
      }))
      .sort(
        (a, b) =>
          (a.owner === UNASSIGNED ? 1 : 0) - (b.owner === UNASSIGNED ? 1 : 0) ||
          byCodeUnits(a.owner, b.owner) ||
          SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
          byCodeUnits(a.rule ?? a.title, b.rule ?? b.title) ||
          byCodeUnits(a.resource ?? '', b.resource ?? '') ||
          byCodeUnits(a.identity, b.identity),
      ),
  };
  const ownersTable: Table = {
    id: 'owners',
    title: 'Open findings by owner',
    columns: [
      { key: 'owner', label: 'Owner', type: 'string' },
      { key: 'open', label: 'Open', type: 'number' },
      ...SEVERITIES.map((s) => ({ key: s.toLowerCase(), label: s, type: 'number' as const })),
    ],
    rows: teams.map((t) => ({
      owner: t.owner,
      open: t.open,
      ...Object.fromEntries(SEVERITIES.map((s) => [s.toLowerCase(), t.bySeverity.find((b) => b.severity === s)?.count ?? 0])),
    })),
  };
  return {
    kind: 'remediation',
    meta: reportMeta(options, {
      title: options.title ?? 'Remediation Plan',
      tenant: input.tenant,
      frameworks: [...definition.frameworks],
      generatedAt: input.generatedAt,
    }),
    provenance: input.provenance,
    sections: [
      {
        id: 'summary',
        heading: 'Summary',
        level: 2,
        data: { total: open.length, owners: teams.map((t) => ({ owner: t.owner, open: t.open, rules: t.rules, bySeverity: t.bySeverity })) },
      },
      { id: 'owners', heading: 'By owner', level: 2, data: { teams, cap } },
    ],
    tables: [ownersTable, findingsTable],
  };
}
