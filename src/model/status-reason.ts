/**
 * Why a control has its status, in one line a person can check (issue: "reports say why"): the
 * deciding findings (by rule, with resource counts), the attestation (id, result, date, file), the
 * mapping that made PASS findings sufficient (named), or the absence of evidence. Every report
 * row prints it; the JSON carries the basis too. Pure.
 */
import type { Attestation } from './control.js';
import type { Finding } from './finding.js';
import { plural } from './plural.js';

export type ReasonBasis =
  /** Open FAIL findings decide (evaluation.md 4.2). */
  | 'open-findings'
  /** A valid attestation decides (4.3). */
  | 'attestation'
  /** PASS findings through a mapping marked sufficient (4.4). */
  | 'sufficient-mapping'
  /** A crosswalk from a failing control of another framework (section 3). */
  | 'crosswalk'
  /** A view over another framework's requirements (CMMC, FAR over SP 800-171). */
  | 'view'
  /** Findings relate to it, but none can decide it (4.4, 4.5). */
  | 'supporting-only'
  /** Nothing at all (4.5). */
  | 'no-evidence';

export interface StatusReason {
  basis: ReasonBasis;
  /** One line, e.g. "2 open FAIL findings of 1 rule: s3_bucket_object_versioning (2 resources)". */
  text: string;
}

/** What a reason can name about an attestation: a record of attestations/ with where it is written. */
export type AttestationRef = Pick<Attestation, 'id' | 'result' | 'attestedAt' | 'partialCondition'> & { source?: string };

const RULES_NAMED = 3;
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** "rule-a (2 resources), rule-b (1 resource) and 3 more rules": the rules of some findings, most findings first. */
export function rulesOf(findings: readonly Finding[]): string {
  const byRule = new Map<string, Set<string>>();
  for (const f of findings) {
    const rule = f.ruleId ?? f.title;
    const resources = byRule.get(rule) ?? new Set<string>();
    resources.add(f.resource?.id ?? f.location?.uri ?? f.identity);
    byRule.set(rule, resources);
  }
  const rules = [...byRule].sort(([a, ra], [b, rb]) => rb.size - ra.size || byCodeUnits(a, b));
  const named = rules.slice(0, RULES_NAMED).map(([rule, resources]) => `${rule} (${plural(resources.size, 'resource')})`);
  const more = rules.length - named.length;
  return more > 0 ? `${named.join(', ')} and ${plural(more, 'more rule')}` : named.join(', ');
}

export function describeAttestation(a: AttestationRef): string {
  const condition = a.result === 'partial' && a.partialCondition ? ` (${a.partialCondition})` : '';
  return `attestation ${a.id}: ${a.result}${condition} on ${a.attestedAt.slice(0, 10)}${a.source ? ` (${a.source})` : ''}`;
}

export interface ReasonFacts {
  status: 'passing' | 'failing' | 'not-assessed' | 'not-applicable';
  /** Open FAIL findings that decided a failing status. */
  openFails: readonly Finding[];
  /** Mapping rules (source: rule) that related the deciding findings to the control. */
  mappedBy: readonly string[];
  deciding?: AttestationRef;
  /** Attestations of the deciding date that say otherwise. */
  conflicting: readonly AttestationRef[];
  /** An attestation of met that open FAIL findings contradict. */
  contradicted?: AttestationRef;
  /** The sufficient mapping (source: rule) and the PASS findings it made deciding. */
  sufficient?: { rule: string; passes: number };
  /** Findings shown with the control that cannot decide it. */
  supporting: readonly Finding[];
  /** The control is documentary: only an attestation decides it. */
  documentary: boolean;
  /** Findings removed by approved false positives, with the exception ids. */
  falsePositives: { count: number; exceptions: readonly string[] };
}

/** The reason of an evaluated control (evaluation.md section 4, in the order its rules apply). */
export function statusReason(facts: ReasonFacts): StatusReason {
  const tail: string[] = [];
  if (facts.conflicting.length > 0)
    tail.push(`conflicts with ${facts.conflicting.map((a) => `${a.id} (${a.result})`).join(', ')} of the same date: the more conservative result decides`);
  if (facts.documentary && facts.supporting.length > 0) {
    const fails = facts.supporting.filter((f) => f.result === 'FAIL' && f.state === 'open').length;
    tail.push(
      `${plural(facts.supporting.length, 'mapped finding')}${fails > 0 ? ` (${fails} open FAIL)` : ''} shown as supporting evidence: a documentary requirement is decided by attestation only`,
    );
  }
  if (facts.falsePositives.count > 0)
    tail.push(`${plural(facts.falsePositives.count, 'finding')} removed as false positive (${facts.falsePositives.exceptions.join(', ')})`);
  const withTail = (basis: ReasonBasis, text: string): StatusReason => ({ basis, text: [text, ...tail].join('; ') });

  if (facts.status === 'failing' && facts.openFails.length > 0) {
    const rules = new Set(facts.openFails.map((f) => f.ruleId ?? f.title)).size;
    let text = `${plural(facts.openFails.length, 'open FAIL finding')} of ${plural(rules, 'rule')}: ${rulesOf(facts.openFails)}`;
    if (facts.mappedBy.length > 0) text += `, through mapping ${facts.mappedBy.join(', ')}`;
    if (facts.contradicted) text += `; contradicts ${describeAttestation(facts.contradicted)}`;
    return withTail('open-findings', text);
  }
  if (facts.deciding) return withTail('attestation', describeAttestation(facts.deciding));
  if (facts.sufficient)
    return withTail(
      'sufficient-mapping',
      `passes through mapping ${facts.sufficient.rule} marked sufficient (${plural(facts.sufficient.passes, 'PASS finding')})`,
    );
  if (facts.documentary) return withTail(facts.supporting.length > 0 ? 'supporting-only' : 'no-evidence', 'documentary requirement with no valid attestation');
  if (facts.supporting.length > 0) {
    const passes = facts.supporting.filter((f) => f.result === 'PASS').length;
    const manual = facts.supporting.filter((f) => f.result === 'MANUAL' || f.result === 'ERROR').length;
    const parts = [
      ...(passes > 0
        ? [`${plural(passes, 'PASS finding')} ${passes === 1 ? 'supports' : 'support'} it, but no mapping marks ${passes === 1 ? 'it' : 'them'} sufficient`]
        : []),
      ...(manual > 0 ? [`${plural(manual, 'finding')} ${manual === 1 ? 'asks' : 'ask'} for a manual assessment (MANUAL or ERROR)`] : []),
    ];
    return withTail('supporting-only', parts.length > 0 ? parts.join('; ') : `only ${plural(facts.supporting.length, 'finding')} that cannot decide it`);
  }
  return withTail('no-evidence', 'no evidence: no attestation and no finding names it');
}
