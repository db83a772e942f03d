/**
 * Which YAML kind a document is. The rule is applied in code before schema validation, so that
 * errors come from one schema (a schema `oneOf` over kinds gives errors nobody can read):
 *
 * 1. `kind:` decides when present.
 * 2. Files in a kind's folder (schedules/, controls/, attestations/, exceptions/, mappings/,
 *    inventory/, catalogs/) are of that kind.
 * 3. A `frequency` (or a `cron` beside a `name`) makes a Schedule (the spec's schedule body).
 * 4. A document-only `type` (ssp, sar, architecture-diagram, far-dfars-compliance) or a
 *    `report_subtype` makes a Document; a report-only `type` makes a Report.
 * 5. `type: poam` exists in both: document-only options (include_closed, include_risk_accepted,
 *    month) make it a Document, otherwise it is a Report.
 * 6. Anything else is read as a Report, whose schema then says what is missing.
 */
import { DOCUMENT_TYPES, REPORT_TYPES } from '../model/definitions.js';
import type { Kind } from '../model/definitions.js';

/** Workspace folders whose files are of one kind. reports/ holds Reports and Documents. */
export const KIND_OF_FOLDER: Readonly<Record<string, Kind | undefined>> = {
  schedules: 'Schedule',
  controls: 'ControlImplementation',
  attestations: 'Attestation',
  exceptions: 'Exception',
  mappings: 'Mapping',
  inventory: 'Inventory',
  catalogs: 'Catalog',
};

export const DEFINITION_FOLDERS = ['reports', ...Object.keys(KIND_OF_FOLDER)] as const;

/** Folders whose Markdown files are definitions too: control statements in their Markdown form (io/control-markdown.ts). */
export const MARKDOWN_FOLDERS = ['controls'] as const;

/** The schema file (schemas/<name>.schema.json) of each kind. */
export const SCHEMA_OF_KIND: Readonly<Record<Kind, string>> = {
  Config: 'config',
  Report: 'report',
  Document: 'document',
  Schedule: 'schedule',
  ControlImplementation: 'control',
  Attestation: 'attestation',
  Exception: 'exception',
  Mapping: 'mapping',
  Inventory: 'inventory',
  Catalog: 'catalog',
};

/** Options that only the poam Document has (spec: "Generate a POA&M"). */
export const DOCUMENT_ONLY_POAM_OPTIONS = ['include_closed', 'include_risk_accepted', 'month'] as const;

const reportOnly = new Set<string>(REPORT_TYPES.filter((t) => !(DOCUMENT_TYPES as readonly string[]).includes(t)));
const documentOnly = new Set<string>(DOCUMENT_TYPES.filter((t) => !(REPORT_TYPES as readonly string[]).includes(t)));

export interface KindDecision {
  kind: Kind;
  reason: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies the rule above. `folderKind` is the kind of the folder the file is in, if any.
 * Returns undefined for `kind:` values that are not kinds (the caller reports them).
 */
export function inferKind(value: unknown, folderKind?: Kind): KindDecision | undefined {
  const body = isRecord(value) ? value : {};
  if ('kind' in body) {
    const kind = body.kind;
    const known = typeof kind === 'string' && (Object.keys(SCHEMA_OF_KIND) as string[]).includes(kind) && kind !== 'Config';
    return known ? { kind: kind as Kind, reason: `kind: ${kind} is set` } : undefined;
  }
  if (folderKind) return { kind: folderKind, reason: `the file is in the ${folderOf(folderKind)}/ folder` };
  if ('frequency' in body) return { kind: 'Schedule', reason: 'it has a frequency (a schedule body)' };
  if (typeof body.cron === 'string' && 'name' in body) return { kind: 'Schedule', reason: 'it has a cron (a schedule body)' };
  const type = typeof body.type === 'string' ? body.type : undefined;
  if ('report_subtype' in body) return { kind: 'Document', reason: 'it has a report_subtype (only documents have one)' };
  if (type && documentOnly.has(type)) return { kind: 'Document', reason: `type ${type} is a document type` };
  if (type && reportOnly.has(type)) return { kind: 'Report', reason: `type ${type} is a report type` };
  if (type === 'poam') {
    const options = isRecord(body.options) ? body.options : {};
    const used = DOCUMENT_ONLY_POAM_OPTIONS.filter((o) => o in options);
    return used.length > 0
      ? { kind: 'Document', reason: `type poam with document-only option ${used.join(', ')}` }
      : { kind: 'Report', reason: 'type poam without document-only options (include_closed, include_risk_accepted, month)' };
  }
  return { kind: 'Report', reason: 'no kind, frequency or known type: read as a report' };
}

function folderOf(kind: Kind): string {
  return Object.entries(KIND_OF_FOLDER).find(([, k]) => k === kind)?.[0] ?? 'reports';
}
