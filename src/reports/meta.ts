/** The cover facts every report type takes from its definition's options (spec: Professional Format Options). */
import type { DefinitionOptions } from '../model/definitions.js';
import type { ReportMeta } from '../model/report-model.js';

export function reportMeta(options: DefinitionOptions, base: Pick<ReportMeta, 'title' | 'tenant' | 'frameworks' | 'generatedAt'>): ReportMeta {
  const classification = options.classification;
  return {
    ...base,
    coverPage: options.cover_page !== false,
    tableOfContents: options.table_of_contents === true,
    ...(options.company_name ? { companyName: options.company_name } : {}),
    ...(options.watermark ? { watermark: options.watermark } : {}),
    ...(classification ? { classification: typeof classification === 'string' ? { banner: classification } : classification } : {}),
    ...(options.severity_filter ? { severityFilter: [...options.severity_filter] } : {}),
  };
}

/** The catalog facts every framework-based report states in its summary (evaluation.md section 8). */
export function catalogSummary(catalog: { framework: string; name: string; release: string; verified: boolean }) {
  return { framework: catalog.framework, catalogName: catalog.name, release: catalog.release, verified: catalog.verified };
}
