/** The cover facts every report type takes from its definition's options (spec: Professional Format Options). */
import { composeBanner } from '../model/cui-marking.js';
import type { Classification, DefinitionOptions } from '../model/definitions.js';
import type { ReportMeta, UnmappedCount } from '../model/report-model.js';

/**
 * The marking every renderer prints: the banner composed from the structured form (CUI Marking
 * Handbook, model/cui-marking.ts), the categories, controls and designation for the cover's CUI
 * designation indicator block; a string is the banner as written.
 */
export function markingOf(classification: string | Classification): Classification {
  if (typeof classification === 'string') return { banner: classification };
  const { banner_categories: _shown, ...rest } = classification;
  return { ...rest, banner: composeBanner(classification) };
}

export function reportMeta(options: DefinitionOptions, base: Pick<ReportMeta, 'title' | 'tenant' | 'frameworks' | 'generatedAt'>): ReportMeta {
  const classification = options.classification;
  return {
    ...base,
    coverPage: options.cover_page !== false,
    tableOfContents: options.table_of_contents === true,
    ...(options.company_name ? { companyName: options.company_name } : {}),
    ...(options.watermark ? { watermark: options.watermark } : {}),
    ...(classification ? { classification: markingOf(classification) } : {}),
    ...(options.severity_filter ? { severityFilter: [...options.severity_filter] } : {}),
  };
}

/** The catalog facts every framework-based report states in its summary (evaluation.md section 8). */
export function catalogSummary(catalog: { framework: string; name: string; release: string; verified: boolean }) {
  return { framework: catalog.framework, catalogName: catalog.name, release: catalog.release, verified: catalog.verified };
}

/**
 * "155 of 433 findings map to no control of nist-800-171": the one wording of the unmapped count,
 * on every report's cover (and in summary and render), so that findings a mapping misses are seen.
 */
export function unmappedCount(framework: string, unmapped: number, findings: number): UnmappedCount {
  const text = `${unmapped} of ${findings} finding${findings === 1 ? '' : 's'} map${unmapped === 1 ? 's' : ''} to no control of ${framework}`;
  return { framework, unmapped, findings, text };
}
