/**
 * The remediation report (spec "Report Types": open failing findings by owner, with the steps that
 * close them): the run's findings -> ReportModel. Pure: the instant and every input are passed in.
 *
 * Open FAIL findings only, after approved, unexpired false positives are removed (the selector logic
 * of model/evaluation.ts; a false positive removes its findings from this report whatever controls it
 * names), and only those the definition's frameworks charge to a control: the others are counted
 * ("N other open FAIL findings map to no control of ..."), not listed as if they mattered to them.
 * One row per finding identity, with the controls it affects (per framework) and its POA&M item and
 * due date. Owners come from `ownerWithSource` (model/owners.ts), and the summary says from where.
 * Each owner's rules are ordered by severity, then count, then rule. With `group_by: team` a
 * finding's team tag comes before its owner. Grouping is linear in the number of findings.
 * `severity_filter` hides rows in the Markdown lists only: counts include every finding.
 */
import type { ExceptionRecord, FrameworkEvaluation } from '../model/evaluation.js';
import { isExpiredAt, selectorMatches } from '../model/evaluation.js';
import type { OutputDefinition } from '../model/definitions.js';
import { SEVERITIES } from '../model/definitions.js';
import type { Finding } from '../model/finding.js';
import type { OwnerRule, OwnerSource } from '../model/owners.js';
import { ownerWithSource, UNASSIGNED } from '../model/owners.js';
import type { PoamItem } from '../model/poam.js';
import { poamIdNumber } from '../model/poam.js';
import { controlsByIdentity, controlsText, findingControlsText } from './finding-controls.js';
import { groupBy } from '../model/order.js';
import { reportMeta } from './meta.js';
import type { Provenance, ReportModel, Table } from '../model/report-model.js';
import { DEFAULT_MAX_FINDINGS_PER_CONTROL, groupFindings, ruleKeyOf } from './framework.js';

export interface RemediationReportInput {
  definition: OutputDefinition;
  tenant: { id: string; name: string };
  /** Every finding of the run, across frameworks. */
  findings: readonly Finding[];
  exceptions: readonly ExceptionRecord[];
  owners: readonly OwnerRule[];
  /**
   * The run's evaluations of the definition's frameworks: a finding is listed when they charge it to
   * a control, and its row names those controls. Findings they charge to none are counted, not listed.
   */
  evaluations: readonly FrameworkEvaluation[];
  /** The open POA&M item that tracks a finding (model/poam.ts openItemOf), for its id and due date. */
  poamItem?: (finding: Finding) => PoamItem | undefined;
  at: Date;
  generatedAt: string;
  provenance: Provenance;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const GENERIC_STEP = 'No remediation in the finding: see the rule documentation of the producing tool.';

/** How each source of an owner reads in the report (model/owners.ts ownerWithSource). */
const SOURCE_LABEL: Record<OwnerSource | 'team-tag' | 'grouping', string> = {
  finding: 'owner in the finding or the inventory',
  tag: 'team/owner tag',
  'team-tag': 'team tag',
  'owners-rule': 'owners map (infracast.yaml)',
  none: 'no owner found',
  grouping: 'grouped by',
};

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
  const grouping = options.group_by ?? 'owner';
  const controls = controlsByIdentity(input.evaluations);
  const allOpen = openFindings(input.findings, input.exceptions, input.at);
  // Findings the report's frameworks charge to no control are counted, not listed as if they mattered to them.
  const open = allOpen.filter((f) => controls.has(f.identity));
  const outside = allOpen.length - open.length;
  // group_by: team groups by the team tag where a finding has one, else by its owner (model/owners.ts);
  // resource and rule group by the finding's resource id or rule id instead.
  const keyOf = (f: Finding): { owner: string; source: keyof typeof SOURCE_LABEL } => {
    if (grouping === 'resource') return { owner: f.resource?.id ?? f.location?.uri ?? UNASSIGNED, source: 'grouping' };
    if (grouping === 'rule') return { owner: f.ruleId ?? f.title, source: 'grouping' };
    const team = grouping === 'team' ? (f.tags?.team ?? f.tags?.Team ?? f.resource?.tags?.team ?? f.resource?.tags?.Team) : undefined;
    return team ? { owner: team, source: 'team-tag' } : ownerWithSource(f, input.owners);
  };
  const byOwner = new Map<string, { list: Finding[]; sources: Map<string, number> }>();
  const ownerByIdentity = new Map<string, string>();
  for (const f of open) {
    const { owner, source } = keyOf(f);
    let entry = byOwner.get(owner);
    if (!entry) byOwner.set(owner, (entry = { list: [], sources: new Map() }));
    entry.list.push(f);
    entry.sources.set(source, (entry.sources.get(source) ?? 0) + 1);
    ownerByIdentity.set(f.identity, owner);
  }
  const owners = [...byOwner].sort(([a], [b]) => (a === UNASSIGNED ? 1 : b === UNASSIGNED ? -1 : byCodeUnits(a, b)));
  const poamOf = (list: readonly Finding[]): { id: string; due: string }[] => {
    const items = new Map<string, string>();
    for (const f of list) {
      const item = input.poamItem?.(f);
      if (item) items.set(item.id, item.scheduled_completion_date);
    }
    return [...items].map(([id, due]) => ({ id, due })).sort((a, b) => poamIdNumber(a.id) - poamIdNumber(b.id));
  };
  const teams = owners.map(([owner, { list, sources }]) => {
    const shown = filter ? list.filter((f) => filter.includes(f.severity)) : list;
    const groups = groupFindings(shown);
    const byRule = groupBy(shown, ruleKeyOf);
    return {
      owner,
      unassigned: owner === UNASSIGNED,
      open: list.length,
      bySeverity: SEVERITIES.map((s) => ({ severity: s, count: list.filter((f) => f.severity === s).length })).filter((s) => s.count > 0),
      rules: groupFindings(list).length,
      sources: [...sources].map(([source, count]) => ({ source: SOURCE_LABEL[source as keyof typeof SOURCE_LABEL], count })),
      groups: groups.slice(0, cap).map((g) => {
        const members = byRule.get(g.rule) ?? [];
        return {
          ...g,
          remediation: g.remediation ?? GENERIC_STEP,
          controls: controlsText(
            members.map((f) => f.identity),
            controls,
            input.evaluations,
          ),
          poam: poamOf(members),
        };
      }),
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
      { key: 'controls', label: 'Controls', type: 'string' },
      { key: 'poam_id', label: 'POA&M item', type: 'string' },
      { key: 'poam_due', label: 'POA&M due', type: 'date' },
      { key: 'observed_at', label: 'Observed', type: 'date' },
    ],
    rows: open
      .map((f) => ({
        owner: ownerByIdentity.get(f.identity) ?? UNASSIGNED,
        identity: f.identity,
        rule: f.ruleId ?? null,
        title: f.title,
        resource: f.resource?.id ?? null,
        severity: f.severity,
        tool: f.tool ?? null,
        remediation: f.remediation ? f.remediation.replace(/\s+/g, ' ').trim() : null,
        controls: findingControlsText(controls.get(f.identity)),
        poam_id: input.poamItem?.(f)?.id ?? null,
        poam_due: input.poamItem?.(f)?.scheduled_completion_date ?? null,
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
        data: {
          total: open.length,
          outside,
          groupBy: grouping,
          ownersRules: input.owners.length,
          owners: teams.map((t) => ({ owner: t.owner, open: t.open, rules: t.rules, bySeverity: t.bySeverity, sources: t.sources })),
        },
      },
      { id: 'owners', heading: 'By owner', level: 2, data: { teams, cap } },
    ],
    tables: [ownersTable, findingsTable],
  };
}
