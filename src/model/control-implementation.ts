/**
 * A control implementation statement (controls/, kind ControlImplementation) in its normalised form:
 * what the SSP prints for one control (FedRAMP SSP Appendix A; an OSCAL implemented-requirement).
 * The schema (schemas/control.schema.json) accepts the FedRAMP values and the SSP template's words;
 * this module turns both into the FedRAMP values, so documents and OSCAL read one vocabulary.
 */
import { evidenceRefOf } from './control.js';
import type { EvidenceRef } from './control.js';

/** FedRAMP implementation-status values (OSCAL core implementation-status state). */
export const IMPLEMENTATION_STATUSES = ['implemented', 'partial', 'planned', 'alternative', 'not-applicable'] as const;
export type ImplementationStatus = (typeof IMPLEMENTATION_STATUSES)[number];

/** The FedRAMP labels of the statuses (the SSP template's check boxes; OSCAL prop remarks). */
export const IMPLEMENTATION_STATUS_LABELS: Readonly<Record<ImplementationStatus, string>> = {
  implemented: 'Implemented',
  partial: 'Partially Implemented',
  planned: 'Planned',
  alternative: 'Alternative Implementation',
  'not-applicable': 'Not Applicable',
};

/** FedRAMP control-origination values (prop "control-origination", ns https://fedramp.gov/ns/oscal). */
export const ORIGINATIONS = ['sp-corporate', 'sp-system', 'customer-configured', 'customer-provided', 'inherited'] as const;
export type Origination = (typeof ORIGINATIONS)[number];

/** The SSP template's check-box words, as the schema accepts them, in FedRAMP values. */
const ORIGINATION_WORDS: Readonly<Record<string, readonly Origination[]>> = {
  'service-provider-corporate': ['sp-corporate'],
  'service-provider-system-specific': ['sp-system'],
  'service-provider-hybrid': ['sp-corporate', 'sp-system'],
  'configured-by-customer': ['customer-configured'],
  'provided-by-customer': ['customer-provided'],
  // "Shared (Service Provider and Customer Responsibility)": both sides' props.
  shared: ['sp-system', 'customer-configured'],
};

const STATUS_WORDS: Readonly<Record<string, ImplementationStatus>> = {
  'partially-implemented': 'partial',
  'alternative-implementation': 'alternative',
};

/** Text for the system as a whole or for one component: a statement and/or one text per part. */
export interface StatementText {
  statement?: string;
  /** By part key as written: `a`, `b`... or the catalog's part id (`ac-2_smt.a`). */
  parts: Record<string, string>;
  /** A component's own parameter values (OSCAL by-component set-parameters); the control's are ControlImplementation.parameters. */
  parameters?: Record<string, string>;
}

export interface ControlImplementation extends StatementText {
  /** The catalog the statement is written against (fedramp-* documents read nist-800-53 statements). */
  framework: string;
  /** The control id as written (callers key by the canonical id of their framework). */
  control: string;
  /** Absent: not stated (the SSP shows a gap). */
  status?: ImplementationStatus;
  plannedCompletionDate?: string;
  remarks?: string;
  /** FedRAMP values, de-duplicated, in ORIGINATIONS order. */
  origination: Origination[];
  /** Leveraged authorization id (system.leveraged_authorizations) for an inherited control. */
  inheritedFrom?: string;
  responsibleRoles: string[];
  /** Parameter values by the catalog's parameter id. */
  parameters: Record<string, string>;
  /** Inventory components that implement it (components: and the keys of by_component:). */
  components: string[];
  /** Text per inventory component id. */
  byComponent: Record<string, StatementText>;
  evidence: EvidenceRef[];
}

/** `value` when it is a plain object (a YAML or JSON mapping), else an empty one: for reading validated or foreign data. */
export const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

const strings = (value: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(record(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));

function statementText(value: Record<string, unknown>): StatementText {
  return { ...(typeof value.statement === 'string' ? { statement: value.statement } : {}), parts: strings(value.parts) };
}

/** The FedRAMP status for a status as the schema accepts it. */
export function implementationStatusOf(written: unknown): ImplementationStatus | undefined {
  if (typeof written !== 'string') return undefined;
  if ((IMPLEMENTATION_STATUSES as readonly string[]).includes(written)) return written as ImplementationStatus;
  return STATUS_WORDS[written];
}

/** The FedRAMP origination values for the values as written (template words expanded). */
export function originationsOf(written: unknown): Origination[] {
  const found = new Set<Origination>();
  for (const word of Array.isArray(written) ? written : []) {
    if (typeof word !== 'string') continue;
    if ((ORIGINATIONS as readonly string[]).includes(word)) found.add(word as Origination);
    for (const value of ORIGINATION_WORDS[word] ?? []) found.add(value);
  }
  return ORIGINATIONS.filter((value) => found.has(value));
}

/** A schema-valid ControlImplementation value (YAML, or the Markdown form's front matter and body), normalised. */
export function controlImplementationOf(value: Record<string, unknown>): ControlImplementation {
  const byComponent: Record<string, StatementText> = {};
  for (const [component, text] of Object.entries(record(value.by_component))) {
    const parameters = strings(record(text).parameters);
    byComponent[component] = { ...statementText(record(text)), ...(Object.keys(parameters).length > 0 ? { parameters } : {}) };
  }
  const listed = Array.isArray(value.components) ? value.components.filter((c): c is string => typeof c === 'string') : [];
  const status = implementationStatusOf(value.status);
  return {
    framework: String(value.framework),
    control: String(value.control),
    ...(status ? { status } : {}),
    ...(typeof value.planned_completion_date === 'string' ? { plannedCompletionDate: value.planned_completion_date } : {}),
    ...(typeof value.remarks === 'string' ? { remarks: value.remarks } : {}),
    origination: originationsOf(value.origination),
    ...(typeof value.inherited_from === 'string' ? { inheritedFrom: value.inherited_from } : {}),
    responsibleRoles: Array.isArray(value.responsible_roles) ? value.responsible_roles.filter((r): r is string => typeof r === 'string') : [],
    parameters: strings(value.parameters),
    ...statementText(value),
    components: [...new Set([...listed, ...Object.keys(byComponent)])],
    byComponent,
    evidence: (Array.isArray(value.evidence) ? value.evidence : []).map((e) => evidenceRefOf(record(e))),
  };
}
