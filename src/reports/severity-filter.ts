/**
 * The `severity_filter` option of the framework and gap reports: which of a control's findings
 * the human formats list, and what the filter hid, said on the control's row (issue: "reports say
 * why"). Display only: statuses, counts and scores include every finding (evaluation.md section 4).
 */
import type { Severity } from '../model/definitions.js';
import { SEVERITIES } from '../model/definitions.js';
import type { Finding } from '../model/finding.js';

export interface FilteredFindings {
  /** The findings the lists show (all of them without a filter). */
  shown: Finding[];
  /** How many findings the filter hid; null when no filter is in force. */
  hidden: number | null;
  /** How many of the hidden findings are open FAIL (those that decide a failing status); null without a filter. */
  hiddenOpen: number | null;
  /** The severities of the hidden open FAIL findings, worst first, e.g. "LOW". */
  openSeverities?: string;
  /** The hidden findings said in one line, e.g. "3 open FAIL findings hidden by the severity filter (LOW)". */
  note?: string;
}

const isOpenFail = (f: Finding): boolean => f.result === 'FAIL' && f.state === 'open';
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "LOW, INFORMATIONAL": the severities of some findings, worst first. */
const severitiesOf = (findings: readonly Finding[]): string => SEVERITIES.filter((s) => findings.some((f) => f.severity === s)).join(', ');

export function applySeverityFilter(findings: readonly Finding[], filter: readonly Severity[] | undefined): FilteredFindings {
  if (!filter) return { shown: [...findings], hidden: null, hiddenOpen: null };
  const shown: Finding[] = [];
  const hidden: Finding[] = [];
  for (const f of findings) (filter.includes(f.severity) ? shown : hidden).push(f);
  const hiddenOpen = hidden.filter(isOpenFail).length;
  if (hidden.length === 0) return { shown, hidden: 0, hiddenOpen: 0 };
  const by = `hidden by the severity filter (${severitiesOf(hidden)})`;
  const note =
    hiddenOpen === hidden.length
      ? `${plural(hiddenOpen, 'open FAIL finding')} ${by}`
      : hiddenOpen === 0
        ? `${plural(hidden.length, 'finding')} ${by}, none of them open FAIL`
        : `${plural(hidden.length, 'finding')} ${by}, ${hiddenOpen} of them open FAIL`;
  return { shown, hidden: hidden.length, hiddenOpen, openSeverities: severitiesOf(hidden.filter(isOpenFail)), note };
}
