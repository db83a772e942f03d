/**
 * What a workspace defines, after loading and validation: the typed form of the YAML kinds.
 * Pure data; the load stage (app/load-workspace.ts) produces it.
 */

import { typesOf } from './output-types.js';
import type { DocumentSubtypeId, DocumentTypeId, ReportTypeId } from './output-types.js';

// Views of the type table (model/output-types.ts), in its order.
export type ReportType = ReportTypeId;
export const REPORT_TYPES: readonly ReportType[] = typesOf('report').map((row) => row.id as ReportType);

export type DocumentType = DocumentTypeId;
export const DOCUMENT_TYPES: readonly DocumentType[] = typesOf('document').map((row) => row.id as DocumentType);

export type DocumentSubtype = DocumentSubtypeId;
export const DOCUMENT_SUBTYPES: readonly DocumentSubtype[] = typesOf('far-dfars').map((row) => row.id as DocumentSubtype);

export const OUTPUT_FORMATS = ['pdf', 'docx', 'xlsx', 'json', 'md', 'oscal', 'png', 'svg', 'zip'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type Baseline = 'low' | 'moderate' | 'high' | 'none';
export type ImpactLevel = 'low' | 'moderate' | 'high';

/** The YAML kinds of a workspace. `Config` is infracast.yaml. */
export const KINDS = [
  'Config',
  'Report',
  'Document',
  'Schedule',
  'ControlImplementation',
  'Attestation',
  'Exception',
  'Mapping',
  'Inventory',
  'Catalog',
] as const;
export type Kind = (typeof KINDS)[number];

export interface Classification {
  /** The control marking (CUI) of the structured form, or a banner line printed as written. */
  banner: string;
  /** CUI category markings, `SP-` before a Specified one (e.g. SP-CTI, PRVCY). */
  categories?: string[];
  /** Limited dissemination controls (e.g. FEDCON, NOFORN, REL TO [USA, GBR]). */
  dissemination?: string[];
  /** Basic categories in the banner too (Specified ones always are): model/cui-marking.ts. */
  banner_categories?: boolean;
  designation?: { controlled_by?: string; poc?: string };
}

/** The spec's options object, as written (type-specific options included). */
export type DefinitionOptions = Record<string, unknown> & {
  title?: string;
  company_name?: string;
  organization_logo?: string;
  cover_page?: boolean;
  table_of_contents?: boolean;
  include_remediation?: boolean;
  include_evidence?: boolean;
  severity_filter?: Severity[];
  signed?: boolean;
  signer?: string;
  watermark?: string;
  classification?: string | Classification;
};

/** Where a definition came from: file, position in a multi-document stream. */
export interface DefinitionSource {
  file: string;
  /** 0-based document index in the file. */
  index: number;
  /** Number of documents in the file. */
  count: number;
}

/** A Report or Document definition: what `render` produces. */
export interface OutputDefinition {
  kind: 'Report' | 'Document';
  /** Why this kind was chosen (validate --verbose prints it). */
  kindReason: string;
  /** Output name: `name:` slugged, else the file stem (+ `-<n>` in a multi-document stream). */
  outputName: string;
  name?: string;
  type: ReportType | DocumentType;
  reportSubtype?: DocumentSubtype;
  /** Resolved: framework, frameworks, the subtype's framework, or the workspace defaults. */
  frameworks: string[];
  baseline?: Baseline;
  /** Resolved: format, formats, or the workspace default formats. */
  formats: OutputFormat[];
  /** Workspace default options overlaid by the definition's own; `logo_url` folded into `organization_logo`. */
  options: DefinitionOptions;
  source: DefinitionSource;
}

export const SCHEDULE_FREQUENCIES = ['daily', 'weekly', 'monthly', 'quarterly'] as const;
export type ScheduleFrequency = (typeof SCHEDULE_FREQUENCIES)[number];

export interface ScheduleDefinition {
  kind: 'Schedule';
  kindReason: string;
  name: string;
  /** When, as frequency (with day and time) or as a raw 5-field cron: exactly one of the two is set. */
  frequency?: ScheduleFrequency;
  /** weekly: a weekday; monthly and quarterly: 1..31 (past a month's end: its last day) or 'last'. */
  day?: string | number;
  /** HH:MM, with frequency (default 00:00). */
  time?: string;
  cron?: string;
  /** IANA zone the day and time (or cron) are read in: the schedule's, else the workspace's, else UTC. */
  timezone: string;
  /** false: kept, never due. */
  enabled: boolean;
  /** catch_up as written and in milliseconds; absent: one period. */
  catchUp?: { text: string; ms: number };
  recipients: string[];
  /** Output names of the definitions it renders (an inline definition gets its own). */
  reports: string[];
  /** The spec's inline form: the definition carried by the schedule itself. */
  inline?: OutputDefinition;
  source: DefinitionSource;
}

/** Formats each type can be rendered to: a view of the type table (the schemas' type-specific `format` enums equal it). */
export const FORMATS_OF_TYPE: Readonly<Record<'Report' | 'Document', Readonly<Record<string, readonly OutputFormat[]>>>> = {
  Report: Object.fromEntries(typesOf('report').map((row) => [row.id, row.formats])),
  Document: Object.fromEntries(typesOf('document').map((row) => [row.id, row.formats])),
};

/**
 * The types that can be rendered to `format`, in words: "report types framework, gap and document
 * types poam" (what a user who asked for a format a type cannot have needs to know).
 */
export function typesWithFormat(format: OutputFormat): string {
  const phrase = (kind: 'Report' | 'Document'): string | undefined => {
    const types = Object.entries(FORMATS_OF_TYPE[kind])
      .filter(([, formats]) => formats.includes(format))
      .map(([type]) => type);
    if (types.length === 0) return undefined;
    return `${kind.toLowerCase()} type${types.length === 1 ? '' : 's'} ${types.join(', ')}`;
  };
  const phrases = [phrase('Report'), phrase('Document')].filter((p): p is string => p !== undefined);
  return phrases.length > 0 ? phrases.join(' and ') : 'no type';
}
