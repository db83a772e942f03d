/**
 * The report and document types: the one table that says what each type is, which frameworks and
 * formats it takes and whether this version builds it. Everything else is a view of it:
 * definitions.ts (REPORT_TYPES, DOCUMENT_TYPES, DOCUMENT_SUBTYPES, FORMATS_OF_TYPE), the
 * schemas' type and format enums (scripts/docs-types.js writes them, a unit test compares),
 * `validate`'s framework and format rules, the PDF cover's label, `infracast types` and the
 * README's list of types.
 *
 * Names, descriptions and applicable_to follow the Reports API's "List Document Types" and
 * "Listing Available FAR/DFARS Report Types" where it has them; formats and frameworks are this
 * product's (a superset of the spec's examples).
 */
import type { OutputFormat } from './definitions.js';

/**
 * `document`: the spec's GET /documents/types. `far-dfars`: its `?category=far-dfars`, the
 * report_subtype values of a far-dfars-compliance document. `report`: the spec's Report Types table.
 */
export const TYPE_CATEGORIES = ['document', 'far-dfars', 'report'] as const;
export type TypeCategory = (typeof TYPE_CATEGORIES)[number];

/** Every framework built in or declared by the workspace (report types evaluate whatever they are given). */
export const ANY_FRAMEWORK = 'any';

export interface OutputTypeRow {
  /** A definition's `type:`; for category far-dfars its `report_subtype:`. */
  readonly id: string;
  readonly category: TypeCategory;
  /** The type a far-dfars row is a report_subtype of. */
  readonly subtypeOf?: string;
  /** Title, as the spec's type listings print it. */
  readonly name: string;
  /** The words on a PDF's cover, footer and Subject ("Gap analysis: nist-800-171"). */
  readonly label: string;
  readonly description: string;
  /** Who reads it (the spec's Report Types table), report types only. */
  readonly audience?: string;
  /** The spec's applicable_to, far-dfars rows only. */
  readonly applicableTo?: string;
  /** The framework ids a definition of this type may name; [] takes none; ANY_FRAMEWORK takes any known one. */
  readonly frameworks: readonly string[] | typeof ANY_FRAMEWORK;
  /** Formats it renders to; the first is the default when the workspace's default formats have none of them. */
  readonly formats: readonly OutputFormat[];
  /** Whether this version of Infracast renders it (the others validate, and `render` reports them as failed). */
  readonly built: boolean;
}

const REPORT_FORMATS: readonly OutputFormat[] = ['pdf', 'docx', 'xlsx', 'json', 'md'];
const FAR_DFARS_FORMATS: readonly OutputFormat[] = ['pdf', 'docx', 'md', 'json'];
const NIST_AND_FEDRAMP = ['nist-800-53', 'fedramp-low', 'fedramp-moderate', 'fedramp-high', 'fedramp-li-saas'] as const;

export const OUTPUT_TYPES = [
  {
    id: 'framework',
    category: 'report',
    name: 'Framework Compliance Report',
    label: 'Framework compliance report',
    description: 'Full control-by-control status for a compliance framework',
    audience: 'Auditors, compliance team',
    frameworks: ANY_FRAMEWORK,
    formats: REPORT_FORMATS,
    built: true,
  },
  {
    id: 'executive',
    category: 'report',
    name: 'Executive Summary',
    label: 'Executive summary',
    description: 'High-level posture, trends, top risks and score over time',
    audience: 'Leadership, board',
    frameworks: ANY_FRAMEWORK,
    formats: REPORT_FORMATS,
    built: true,
  },
  {
    id: 'gap',
    category: 'report',
    name: 'Gap Analysis',
    label: 'Gap analysis',
    description: 'Controls failing or not assessed, with prioritised remediation',
    audience: 'Security engineering',
    frameworks: ANY_FRAMEWORK,
    formats: REPORT_FORMATS,
    built: true,
  },
  {
    id: 'remediation',
    category: 'report',
    name: 'Remediation Report',
    label: 'Remediation report',
    description: 'Prioritised finding list grouped by owner or team',
    audience: 'Engineering teams',
    frameworks: ANY_FRAMEWORK,
    formats: REPORT_FORMATS,
    built: true,
  },
  {
    id: 'poam',
    category: 'report',
    name: 'Plan of Action and Milestones',
    label: 'Plan of action and milestones',
    description: 'Plan of Action and Milestones from the workspace POA&M store',
    audience: 'Federal compliance',
    frameworks: ANY_FRAMEWORK,
    formats: REPORT_FORMATS,
    built: true,
  },
  {
    id: 'evidence',
    category: 'report',
    name: 'Evidence Bundle',
    label: 'Evidence index',
    description: 'Timestamped evidence bundle for a framework and time window',
    audience: '3PAOs, auditors',
    frameworks: ANY_FRAMEWORK,
    formats: ['zip', 'md', 'json', 'pdf'],
    built: true,
  },
  {
    id: 'ssp',
    category: 'document',
    name: 'System Security Plan',
    label: 'System security plan',
    description: 'NIST/FedRAMP/FISMA System Security Plan with control implementation statements',
    // nist-800-171: the SSP of requirement 3.12.4 that a DFARS contractor must have.
    frameworks: [...NIST_AND_FEDRAMP, 'nist-800-171'],
    formats: ['docx', 'pdf', 'md', 'json', 'oscal'],
    built: true,
  },
  {
    id: 'poam',
    category: 'document',
    name: 'Plan of Action & Milestones',
    label: 'Plan of action and milestones',
    description: 'FedRAMP-formatted POA&M export from open findings',
    frameworks: NIST_AND_FEDRAMP,
    formats: ['xlsx', 'pdf', 'docx', 'md', 'json', 'oscal'],
    built: false,
  },
  {
    id: 'sar',
    category: 'document',
    name: 'Security Assessment Report',
    label: 'Security assessment report',
    description: 'Full assessment report with findings, risk levels, and recommendations',
    frameworks: NIST_AND_FEDRAMP,
    formats: ['docx', 'pdf', 'md', 'json', 'oscal'],
    built: false,
  },
  {
    id: 'architecture-diagram',
    category: 'document',
    name: 'Architecture Diagram',
    label: 'Architecture diagram',
    description: "Auto-generated network architecture diagram from the workspace's inventory graph",
    frameworks: [],
    formats: ['pdf', 'png', 'svg'],
    built: true,
  },
  {
    id: 'far-dfars-compliance',
    category: 'document',
    name: 'FAR/DFARS Compliance Report',
    label: 'FAR/DFARS compliance',
    description: 'FAR 52.204-21 or DFARS 252.204-7012 compliance report for contracting officers (report_subtype chooses)',
    // Each report_subtype implies one of them (the far-dfars rows below).
    frameworks: ['far-52204-21', 'nist-800-171'],
    formats: FAR_DFARS_FORMATS,
    built: false,
  },
  {
    id: 'far-52204-21',
    category: 'far-dfars',
    subtypeOf: 'far-dfars-compliance',
    name: 'FAR 52.204-21 Compliance Report',
    label: 'FAR 52.204-21 compliance',
    description: 'Basic safeguarding attestation for all federal contractors handling FCI',
    applicableTo: 'All federal contractors with FCI',
    frameworks: ['far-52204-21'],
    formats: FAR_DFARS_FORMATS,
    built: false,
  },
  {
    id: 'dfars-252204-7012',
    category: 'far-dfars',
    subtypeOf: 'far-dfars-compliance',
    name: 'DFARS 252.204-7012 Compliance Report',
    label: 'DFARS 252.204-7012 compliance',
    description: 'CDI safeguarding report with NIST 800-171 assessment and SPRS score for DoD contractors',
    applicableTo: 'DoD contractors handling CDI',
    // The clause requires NIST SP 800-171 (and the SPRS score of its assessment).
    frameworks: ['nist-800-171'],
    formats: FAR_DFARS_FORMATS,
    built: false,
  },
] as const satisfies readonly OutputTypeRow[];

type Row = (typeof OUTPUT_TYPES)[number];
export type ReportTypeId = Extract<Row, { category: 'report' }>['id'];
export type DocumentTypeId = Extract<Row, { category: 'document' }>['id'];
export type DocumentSubtypeId = Extract<Row, { category: 'far-dfars' }>['id'];

/** The rows of one category, in table order. */
export function typesOf(category: TypeCategory): readonly OutputTypeRow[] {
  return (OUTPUT_TYPES as readonly OutputTypeRow[]).filter((row) => row.category === category);
}

/** The row of a Report's or Document's `type:` (undefined for an unknown type). */
export function typeRow(kind: 'Report' | 'Document', type: string): OutputTypeRow | undefined {
  return typesOf(kind === 'Report' ? 'report' : 'document').find((row) => row.id === type);
}

/** The row of a far-dfars-compliance document's `report_subtype:`. */
export function subtypeRow(subtype: string): OutputTypeRow | undefined {
  return typesOf('far-dfars').find((row) => row.id === subtype);
}
