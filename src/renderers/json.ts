/**
 * JSON: the ReportModel itself, machine-readable, with keys in code-unit order at every level so
 * that the same inputs always give the same bytes (DESIGN.md "Rendering").
 */
import type { OutputFormat } from '../model/definitions.js';
import type { ReportModel } from '../model/report-model.js';
import type { Renderer } from './renderer.js';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

export const jsonRenderer: Renderer = {
  format: 'json' as OutputFormat,
  async render(model: ReportModel): Promise<Uint8Array> {
    return new TextEncoder().encode(canonicalJson({ report_format: 'infracast-report/1', ...model }));
  },
};
