/**
 * The SSP's control sections (FedRAMP SSP Appendix A, documents.md 1.2): per baseline control the
 * Control Summary Information (responsible role, parameters, implementation status and control
 * origination check boxes), "What is the solution and how is it implemented?" per part and per
 * component, and beside it the automated evidence for the control (the evaluation's status, its
 * date and what decided it). Where the statement and the evidence disagree the section says so
 * and the caller warns. Pure.
 */
import type { EvaluatedControl } from '../model/evaluation.js';
import { IMPLEMENTATION_STATUSES, IMPLEMENTATION_STATUS_LABELS } from '../model/control-implementation.js';
import type { ControlImplementation, ImplementationStatus } from '../model/control-implementation.js';
import type { Fact } from './ssp-system.js';

/** A statement with where it is written (app/control-implementations.ts LocatedImplementation). */
export type LocatedStatement = ControlImplementation & { location: string };

export interface CheckBox {
  label: string;
  checked: boolean;
}

export interface SolutionRow {
  /** "Part a:", or empty for a control whose statement has no parts. */
  label: string;
  text: Fact;
}

export interface ControlSection {
  id: string;
  title: string;
  /** "(L)(M)(H)": the FedRAMP (or SP 800-53B) baselines the control is in; empty when none apply. */
  marks: string;
  family: string;
  /** The statement's file (no line: a statement growing above must not change this section). */
  file?: string;
  responsibleRole: Fact;
  parameters: { label: string; value: Fact; assignment?: string }[];
  status?: ImplementationStatus;
  statusBoxes: CheckBox[];
  originationBoxes: CheckBox[];
  /** Planned completion, remarks (the gap, the plan, the alternative, the justification). */
  plannedCompletionDate?: string;
  remarks?: string;
  solution: SolutionRow[];
  byComponent: { component: string; rows: SolutionRow[] }[];
  evidence: {
    status: string;
    statusLabel: string;
    /** The latest date of what decided the status (YYYY-MM-DD), when anything did. */
    date?: string;
    reason: string;
    openFindings: number;
    rules: { rule: string; title: string; open: number; passing: number }[];
    moreRules: number;
    attestations: { id: string; result: string; attestedAt: string; attester?: string }[];
  };
  /** The statement and the evidence disagree: what the section says about it. */
  disagreement?: string;
}

export interface ControlWarnings {
  disagreements: string[];
  /** Controls of the baseline without a statement. */
  unstated: string[];
  /** `AC-2 ac-02_odp.01`: parameters without a value. */
  parameters: string[];
  /** Responsible roles that name no role of system.roles. */
  unknownRoles: string[];
  /** `AC-2 (controls/x.yaml:3) names y`: inherited_from naming no system.leveraged_authorizations id. */
  unknownLeveraged: string[];
}

const STATUS_LABEL: Record<string, string> = { passing: 'Passing', failing: 'Failing', 'not-assessed': 'Not assessed', 'not-applicable': 'Not applicable' };
/** The Appendix A check-box labels (the template writes "Alternative implementation" in lower case). */
const STATUS_BOX_LABELS: Record<ImplementationStatus, string> = { ...IMPLEMENTATION_STATUS_LABELS, alternative: 'Alternative implementation' };
const RULES_SHOWN = 5;

/** The "-1" controls (policy and procedures): only the service provider's origination boxes (documents.md 1.2). */
const isPolicyControl = (id: string): boolean => /^[A-Z]{2}-1$/.test(id);

export function originationBoxes(
  control: string,
  statement: ControlImplementation | undefined,
  inherited: { name: string; date?: string } | undefined,
): CheckBox[] {
  const has = new Set(statement?.origination ?? []);
  const corporate = has.has('sp-corporate');
  const system = has.has('sp-system');
  const customer = has.has('customer-configured') || has.has('customer-provided');
  const boxes: CheckBox[] = [
    { label: 'Service Provider Corporate', checked: corporate && !system },
    { label: 'Service Provider System Specific', checked: system && !corporate },
    { label: 'Service Provider Hybrid (Corporate and System Specific)', checked: corporate && system },
  ];
  if (isPolicyControl(control)) return boxes;
  return [
    ...boxes,
    { label: 'Configured by Customer (Customer System Specific)', checked: has.has('customer-configured') },
    { label: 'Provided by Customer (Customer System Specific)', checked: has.has('customer-provided') },
    { label: 'Shared (Service Provider and Customer Responsibility)', checked: (corporate || system) && customer },
    {
      label: `Inherited from pre-existing FedRAMP Authorization for ${inherited?.name ?? '[Click here to enter text]'}, Date of Authorization${inherited?.date ? ` ${inherited.date}` : ''}`,
      checked: has.has('inherited'),
    },
  ];
}

/** "Part a:" for `a` or `ac-2_smt.a`; nested parts keep their path (`ac-2_smt.h.1` -> "Part h.1:"). */
export function partLabel(key: string): string {
  const smt = /_smt\.(.+)$/.exec(key);
  return `Part ${smt ? smt[1]! : key}:`;
}

function solutionRows(text: { statement?: string; parts: Record<string, string> }, gap: Fact): SolutionRow[] {
  const parts = Object.entries(text.parts);
  const rows: SolutionRow[] = [];
  if (text.statement) rows.push({ label: parts.length > 0 ? 'Control:' : '', text: { value: text.statement } });
  for (const [key, value] of parts) rows.push({ label: partLabel(key), text: { value } });
  return rows.length > 0 ? rows : [{ label: '', text: gap }];
}

/** The latest date among what decided the status: open FAIL findings when failing, else the findings and attestations. */
function evidenceDate(result: EvaluatedControl): string | undefined {
  const failing = result.findings.filter((f) => f.result === 'FAIL' && f.state === 'open');
  const considered = result.status === 'failing' && failing.length > 0 ? failing : result.findings;
  const dates = [...considered.map((f) => f.observedAt), ...result.attestations.map((a) => a.attestedAt)]
    .filter((d): d is string => typeof d === 'string')
    .map((d) => d.slice(0, 10));
  return dates.sort().at(-1);
}

function evidenceOf(result: EvaluatedControl): ControlSection['evidence'] {
  const byRule = new Map<string, { rule: string; title: string; open: number; passing: number }>();
  for (const f of result.findings) {
    const rule = f.ruleId ?? f.title;
    const entry = byRule.get(rule) ?? { rule, title: f.title, open: 0, passing: 0 };
    if (f.result === 'FAIL' && f.state === 'open') entry.open++;
    if (f.result === 'PASS') entry.passing++;
    byRule.set(rule, entry);
  }
  const rules = [...byRule.values()].sort((a, b) => b.open - a.open || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  const date = evidenceDate(result);
  return {
    status: result.status,
    statusLabel: STATUS_LABEL[result.status] ?? result.status,
    ...(date ? { date } : {}),
    reason: result.notes.reason.text,
    openFindings: result.findings.filter((f) => f.result === 'FAIL' && f.state === 'open').length,
    rules: rules.slice(0, RULES_SHOWN),
    moreRules: Math.max(0, rules.length - RULES_SHOWN),
    attestations: result.attestations.map((a) => ({
      id: a.id,
      result: a.result,
      attestedAt: a.attestedAt,
      ...(a.attester ? { attester: `${a.attester.name}${a.attester.role ? ` (${a.attester.role})` : ''}` } : {}),
    })),
  };
}

/**
 * Where the statement's claim and the evidence cannot both be right: implemented (or alternative)
 * while the evidence fails; not applicable while findings fail it; planned while it passes.
 */
export function disagreementOf(status: ImplementationStatus | undefined, result: EvaluatedControl): string | undefined {
  if (!status) return undefined;
  const open = result.findings.filter((f) => f.result === 'FAIL' && f.state === 'open').length;
  const claimed = IMPLEMENTATION_STATUS_LABELS[status];
  const failing = `the evidence says failing (${open} open FAIL finding${open === 1 ? '' : 's'}${result.attestations.some((a) => a.result === 'not-met') ? ', an attestation of not met' : ''})`;
  if ((status === 'implemented' || status === 'alternative') && result.status === 'failing') return `The statement says ${claimed}; ${failing}.`;
  if (status === 'not-applicable' && (result.status === 'failing' || open > 0)) return `The statement says ${claimed}; ${failing}.`;
  if (status === 'planned' && result.status === 'passing') return `The statement says ${claimed}; the evidence says passing (${result.notes.reason.text}).`;
  return undefined;
}

export interface ControlSectionInput {
  result: EvaluatedControl;
  marks: string;
  statement: LocatedStatement | undefined;
  /** FedRAMP parameter assignments of the control, by parameter id. */
  assignments: Record<string, string>;
  /** Role id or title -> title (system.roles). */
  roles: ReadonlyMap<string, string>;
  /** Leveraged authorization id -> its name and date authorized. */
  leveraged: ReadonlyMap<string, { name: string; date?: string }>;
  /** Inventory component id -> name. */
  components: ReadonlyMap<string, string>;
}

/** The statement's file without its line (what the document prints: line numbers move when text above grows). */
const fileOf = (statement: LocatedStatement): string => statement.location.replace(/:\d+$/, '');

/** What a control without a statement is missing. */
const unstatedGap = (id: string): Fact => ({ gap: `control: ${id}`, to: 'controls/' });

export function controlSection(input: ControlSectionInput, warnings: ControlWarnings): ControlSection {
  const { result, statement } = input;
  const id = result.control.id;
  if (!statement) warnings.unstated.push(id);
  const roles = statement?.responsibleRoles ?? [];
  for (const role of roles) if (!input.roles.has(role)) warnings.unknownRoles.push(`${id} ${role}`);
  const responsibleRole: Fact =
    roles.length > 0
      ? { value: roles.map((r) => input.roles.get(r) ?? r).join(', ') }
      : statement?.status === 'not-applicable'
        ? { value: 'Not applicable' }
        : statement
          ? { gap: 'responsible_roles', to: fileOf(statement) }
          : unstatedGap(id);
  const ids = [...new Set([...Object.keys(input.assignments), ...Object.keys(statement?.parameters ?? {})])].sort();
  const parameters = ids.map((param) => {
    const value = statement?.parameters[param];
    if (value === undefined && statement) warnings.parameters.push(`${id} ${param}`);
    return {
      label: `Parameter ${param}:`,
      value: value !== undefined ? { value } : statement ? { gap: `parameters.${param}`, to: fileOf(statement) } : unstatedGap(id),
      ...(input.assignments[param] ? { assignment: input.assignments[param] } : {}),
    };
  });
  const status = statement?.status;
  if (statement?.inheritedFrom && !input.leveraged.has(statement.inheritedFrom))
    warnings.unknownLeveraged.push(`${id} (${statement.location}) names "${statement.inheritedFrom}"`);
  const inherited = statement?.inheritedFrom ? (input.leveraged.get(statement.inheritedFrom) ?? { name: statement.inheritedFrom }) : undefined;
  const gap: Fact = statement ? { gap: 'parts', to: fileOf(statement) } : unstatedGap(id);
  const disagreement = disagreementOf(status, result);
  if (disagreement && statement) warnings.disagreements.push(`${id}: ${disagreement} (${statement.location})`);
  return {
    id,
    title: result.control.title,
    marks: input.marks,
    family: result.control.family,
    ...(statement ? { file: fileOf(statement) } : {}),
    responsibleRole,
    parameters,
    ...(status ? { status } : {}),
    statusBoxes: IMPLEMENTATION_STATUSES.map((s) => ({ label: STATUS_BOX_LABELS[s], checked: s === status })),
    originationBoxes: originationBoxes(id, statement, inherited),
    ...(statement?.plannedCompletionDate ? { plannedCompletionDate: statement.plannedCompletionDate } : {}),
    ...(statement?.remarks ? { remarks: statement.remarks } : {}),
    solution: solutionRows(statement ?? { parts: {} }, gap),
    byComponent: Object.entries(statement?.byComponent ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([component, text]) => ({
        component: input.components.get(component) ?? component,
        rows: solutionRows(text, statement ? { gap: `by_component.${component}.parts`, to: fileOf(statement) } : gap),
      })),
    evidence: evidenceOf(result),
    ...(disagreement ? { disagreement } : {}),
  };
}
