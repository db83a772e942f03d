/**
 * Who owns a finding, for remediation grouping: the finding's own owner, else its `team` or
 * `owner` tag (finding or resource tags, merged by the loaders), else the workspace's owners map
 * (infracast.yaml `owners:`), read like CODEOWNERS: the last rule that matches wins.
 */
import { globMatches } from './evaluation.js';
import type { Finding } from './finding.js';

export interface OwnerRule {
  owner: string;
  resource?: string;
  rule?: string;
  account?: string;
  tool?: string;
}

export const UNASSIGNED = 'unassigned';

function ruleMatches(rule: OwnerRule, finding: Finding): boolean {
  if (rule.resource !== undefined && !(finding.resource && globMatches(rule.resource, finding.resource.id))) return false;
  if (rule.rule !== undefined && !(finding.ruleId !== undefined && globMatches(rule.rule, finding.ruleId))) return false;
  if (rule.account !== undefined && finding.resource?.account !== rule.account) return false;
  if (rule.tool !== undefined && finding.tool?.toLowerCase() !== rule.tool.toLowerCase()) return false;
  return true;
}

export function ownerOf(finding: Finding, rules: readonly OwnerRule[]): string {
  if (finding.owner) return finding.owner;
  const tags = { ...finding.resource?.tags, ...finding.tags };
  const tagged = tags.team ?? tags.Team ?? tags.owner ?? tags.Owner;
  if (tagged) return tagged;
  for (let i = rules.length - 1; i >= 0; i--) if (ruleMatches(rules[i] as OwnerRule, finding)) return (rules[i] as OwnerRule).owner;
  return UNASSIGNED;
}

/** Findings grouped by owner, owners in code-unit order, unassigned last. */
export function groupByOwner(findings: readonly Finding[], rules: readonly OwnerRule[]): [string, Finding[]][] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const owner = ownerOf(finding, rules);
    groups.set(owner, [...(groups.get(owner) ?? []), finding]);
  }
  return [...groups].sort(([a], [b]) => (a === UNASSIGNED ? 1 : b === UNASSIGNED ? -1 : a < b ? -1 : a > b ? 1 : 0));
}
