/**
 * JSON: the ReportModel itself, machine-readable, with keys in code-unit order at every level so
 * that the same inputs always give the same bytes (DESIGN.md "Rendering").
 */
import type { OutputFormat } from '../model/definitions.js';
import { canonicalJson } from '../model/order.js';
import type { ReportModel } from '../model/report-model.js';
import type { Renderer } from './renderer.js';

/** The report file: canonical JSON (model/order.ts), two-space indented, one final newline. */
export function canonicalReportJson(value: unknown): string {
  return `${canonicalJson(value, 2)}\n`;
}

export const jsonRenderer: Renderer = {
  format: 'json' as OutputFormat,
  async render(model: ReportModel): Promise<Uint8Array> {
    return new TextEncoder().encode(canonicalReportJson({ report_format: 'infracast-report/1', ...model }));
  },
};
