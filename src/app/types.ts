/**
 * `infracast types`: the type table (model/output-types.ts) in the Reports API's shapes, and as a
 * table for people. Pure: the command prints.
 */
import { ANY_FRAMEWORK, TYPE_CATEGORIES, typesOf } from '../model/output-types.js';
import type { OutputTypeRow, TypeCategory } from '../model/output-types.js';
import type { OutputFormat } from '../model/definitions.js';
import { DOCUMENT_ONLY_POAM_OPTIONS } from '../schema/kinds.js';

export { TYPE_CATEGORIES };
export type { TypeCategory };

/** GET /api/v1/documents/types: frameworks only when the type takes some (architecture-diagram has none). */
export interface DocumentTypeListing {
  id: string;
  name: string;
  description: string;
  frameworks?: string[];
  formats: OutputFormat[];
}

/** GET /api/v1/documents/types?category=far-dfars. */
export interface FarDfarsTypeListing {
  id: string;
  name: string;
  description: string;
  applicable_to: string;
  formats: OutputFormat[];
}

/** Infracast's own: the spec's Report Types table (type, description, audience) with a name and the formats. */
export interface ReportTypeListing {
  id: string;
  name: string;
  description: string;
  audience: string;
  formats: OutputFormat[];
}

export interface TypesListing {
  types: (DocumentTypeListing | FarDfarsTypeListing | ReportTypeListing)[];
}

/** One row in its category's shape, keys in the spec's order. */
function listing(row: OutputTypeRow): TypesListing['types'][number] {
  const head = { id: row.id, name: row.name, description: row.description };
  const formats = [...row.formats];
  switch (row.category) {
    case 'far-dfars':
      return { ...head, applicable_to: row.applicableTo ?? '', formats };
    case 'report':
      return { ...head, audience: row.audience ?? '', formats };
    case 'document':
      return { ...head, ...(Array.isArray(row.frameworks) && row.frameworks.length > 0 ? { frameworks: [...row.frameworks] } : {}), formats };
  }
}

/** The types of a category (default: the document types), as the Reports API lists them. */
export function listTypes(category: TypeCategory = 'document'): TypesListing {
  return { types: typesOf(category).map(listing) };
}

const HEADINGS: Record<TypeCategory, string> = {
  document: "Document types (the Reports API's GET /documents/types)",
  'far-dfars': 'FAR/DFARS report types (GET /documents/types?category=far-dfars): each is a report_subtype of type far-dfars-compliance',
  report: "Report types (the Reports API's Report Types)",
};

/** The frameworks a row takes, in words. */
export function frameworksText(row: OutputTypeRow): string {
  if (row.frameworks === ANY_FRAMEWORK) return 'any';
  return row.frameworks.length === 0 ? 'none' : row.frameworks.join(', ');
}

/** The table for people: id, name, formats, frameworks; types this version does not build are marked. */
export function typesTable(category: TypeCategory = 'document'): string {
  const rows = typesOf(category);
  const cells = [
    ['ID', 'NAME', 'FORMATS', 'FRAMEWORKS'],
    ...rows.map((row) => [row.id, row.built ? row.name : `${row.name} (not built)`, row.formats.join(', '), frameworksText(row)]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...cells.map((c) => c[i]!.length)));
  const lines = [HEADINGS[category], '', ...cells.map((c) => c.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  '))];
  if (rows.some((row) => !row.built))
    lines.push('', '(not built): this version validates such definitions but does not render them yet; render reports them as failed.');
  if (category === 'far-dfars') lines.push('', 'Write one as type: far-dfars-compliance with report_subtype: <id>.');
  if (category === 'report') lines.push('', "any: every framework built in (infracast catalog show) or declared in the workspace's catalogs/.");
  const both = rows.filter((row) => row.category === 'document' && typesOf('report').some((r) => r.id === row.id)).map((row) => row.id);
  for (const id of both)
    lines.push(
      '',
      `${id} is also a report type: type ${id} is this document with kind: Document or a document-only option (${DOCUMENT_ONLY_POAM_OPTIONS.join(', ')}), else the report.`,
    );
  const others = TYPE_CATEGORIES.filter((c) => c !== category);
  lines.push('', `Other lists: ${others.map((c) => `infracast types --category ${c}`).join(', ')}.`);
  return lines.join('\n');
}
