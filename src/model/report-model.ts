/**
 * What the build stage produces and every renderer consumes: pure data, no formatting.
 * One ReportModel drives Markdown, PDF, DOCX, XLSX and JSON (DESIGN.md "Rendering").
 */
import type { Classification, DocumentType, ReportType } from './definitions.js';

export interface ReportMeta {
  title: string;
  tenant: { id: string; name: string };
  frameworks: string[];
  generatedAt: string;
  companyName?: string;
  logo?: string;
  watermark?: string;
  classification?: Classification;
  /** Finding-list filter in force (display only), stated on the cover. */
  severityFilter?: string[];
  /**
   * Per framework the report evaluates: how many of the run's findings map to no control of it,
   * with the sentence every format prints once on the cover (reports/meta.ts unmappedCount).
   */
  unmapped?: UnmappedCount[];
  /** The formatted cover (option cover_page, default true); false gives a one-line header. */
  coverPage: boolean;
  /** A table of contents after the cover (option table_of_contents, default false). */
  tableOfContents: boolean;
}

/** "N of M findings map to no control of <framework>" (evaluation.md section 3: counted, never lost). */
export interface UnmappedCount {
  framework: string;
  /** Findings naming no control of the framework, directly or through a mapping. */
  unmapped: number;
  /** Every finding of the run (after redaction): the M of the sentence. */
  findings: number;
  text: string;
}

/**
 * Where the observation times of one findings file's findings come from (docs/evaluation.md
 * section 1): the record, the tool's run, a date declared in infracast.yaml, the file's git commit,
 * or none (then `note` says why and what to declare).
 */
export interface ObservationProvenance {
  path: string;
  /** In order of preference; only origins with findings. */
  from: { source: 'record' | 'run' | 'declared' | 'git-commit' | 'none'; findings: number; at?: string }[];
  note?: string;
}

/** The fixed provenance block of every artifact (docs/evaluation.md section 8). */
export interface Provenance {
  toolVersion: string;
  catalogs: { framework: string; release: string; baseline?: string }[];
  inputs: { path: string; sha256: string }[];
  generatedAt: string;
  coverage: { framework: string; assessed: number; total: number }[];
  /** Per findings file read by the run, by path. */
  observedAt?: ObservationProvenance[];
}

export interface Section {
  id: string;
  heading: string;
  level: number;
  /** Template data for this section. */
  data: Record<string, unknown>;
}

export interface Table {
  id: string;
  title: string;
  columns: { key: string; label: string; type: 'string' | 'number' | 'date' | 'status' | 'severity' }[];
  rows: Record<string, string | number | null>[];
}

export interface ReportModel {
  kind: ReportType | DocumentType;
  meta: ReportMeta;
  provenance: Provenance;
  sections: Section[];
  tables: Table[];
}
