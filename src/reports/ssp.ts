/**
 * The System Security Plan (document type `ssp`): the FedRAMP SSP template's sections (documents.md
 * 1.1) from the system facts, then one section per baseline control (Appendix A) with the
 * implementation statement next to the automated evidence. Pure: every input is passed in.
 *
 * One ReportModel drives md, PDF, DOCX and JSON like every report (DESIGN.md "Rendering"); the
 * Markdown is built for pull-request review: nothing volatile in the body (no render time, no
 * input digests, no line numbers), one control per section under a heading whose anchor is stable.
 */
import type { FrameworkEvaluation } from '../model/evaluation.js';
import type { OutputDefinition } from '../model/definitions.js';
import { IMPLEMENTATION_STATUSES, IMPLEMENTATION_STATUS_LABELS } from '../model/control-implementation.js';
import type { Provenance, ReportModel, Table } from '../model/report-model.js';
import { catalogSummary, reportMeta } from './meta.js';
import { controlSection } from './ssp-controls.js';
import type { ControlSection, ControlWarnings, LocatedStatement } from './ssp-controls.js';
import { systemFacts } from './ssp-system.js';
import type { InventoryView } from './ssp-system.js';

export interface SspInput {
  definition: OutputDefinition;
  tenant: { id: string; name: string };
  /** infracast.yaml `system:` as written. */
  system: Record<string, unknown>;
  inventory: InventoryView | undefined;
  evaluation: FrameworkEvaluation;
  catalog: {
    framework: string;
    name: string;
    release: string;
    verified: boolean;
    baseline: string;
    families: Record<string, string>;
    /** FedRAMP parameter assignments by control id, then parameter id. */
    assignments: ReadonlyMap<string, Record<string, string>>;
  };
  /** "(L)(M)(H)" of a control id. */
  marks: (id: string) => string;
  /** Statements by canonical control id (app/control-implementations.ts). */
  statements: ReadonlyMap<string, LocatedStatement>;
  /**
   * The architecture diagram (section 8.1), a file written beside the document. DIAGRAM SLOT: the
   * architecture-diagram helper provides it (an SVG function); until it is wired the section
   * states where the diagram goes.
   */
  diagram?: { fileName: string };
  generatedAt: string;
  provenance: Provenance;
}

export interface SspResult {
  model: ReportModel;
  /** What the reader must know (render warnings): missing facts, missing statements, disagreements. */
  warnings: string[];
}

/** The statement counts of the summary: the FedRAMP statuses plus "not stated". */
export type StatusCounts = Record<(typeof IMPLEMENTATION_STATUSES)[number] | 'not-stated', number>;

export function statusCounts(controls: readonly ControlSection[]): StatusCounts {
  const counts = Object.fromEntries([...IMPLEMENTATION_STATUSES, 'not-stated'].map((s) => [s, 0])) as StatusCounts;
  for (const c of controls) counts[c.status ?? 'not-stated']++;
  return counts;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const listed = (items: readonly string[], max = 10): string => items.slice(0, max).join(', ') + (items.length > max ? ` and ${items.length - max} more` : '');

export function buildSspDocument(input: SspInput): SspResult {
  const { definition, catalog, evaluation } = input;
  const options = definition.options as Record<string, unknown> & typeof definition.options;
  const facts = systemFacts({
    system: input.system,
    options: {
      ...(typeof options.csp_name === 'string' ? { csp_name: options.csp_name } : {}),
      ...(typeof options.system_name === 'string' ? { system_name: options.system_name } : {}),
      ...(typeof options.system_id === 'string' ? { system_id: options.system_id } : {}),
      ...(typeof options.impact_level === 'string' ? { impact_level: options.impact_level } : {}),
    },
    tenantName: input.tenant.name,
    inventory: input.inventory,
  });
  const system = input.system;
  const roles = new Map<string, string>();
  for (const role of Array.isArray(system.roles) ? (system.roles as Record<string, unknown>[]) : []) {
    if (typeof role.title !== 'string') continue;
    roles.set(role.title, role.title);
    if (typeof role.id === 'string') roles.set(role.id, role.title);
  }
  const leveraged = new Map<string, { name: string; date?: string }>();
  for (const a of Array.isArray(system.leveraged_authorizations) ? (system.leveraged_authorizations as Record<string, unknown>[]) : []) {
    leveraged.set(String(a.id), { name: String(a.name), ...(typeof a.date_authorized === 'string' ? { date: a.date_authorized } : {}) });
  }
  const components = new Map((input.inventory?.components ?? []).map((c) => [c.id, c.name]));

  const warned: ControlWarnings = { disagreements: [], unstated: [], parameters: [], unknownRoles: [], unknownLeveraged: [] };
  const sections = evaluation.results.map((result) =>
    controlSection(
      {
        result,
        marks: input.marks(result.control.id),
        statement: input.statements.get(result.control.id),
        assignments: catalog.assignments.get(result.control.id) ?? {},
        roles,
        leveraged,
        components,
      },
      warned,
    ),
  );
  const families = new Map<string, ControlSection[]>();
  for (const section of sections) families.set(section.family, [...(families.get(section.family) ?? []), section]);
  const counts = statusCounts(sections);

  const warnings: string[] = [];
  for (const gap of facts.gaps) warnings.push(`ssp: ${gap.where}: not provided: add ${gap.key} to ${gap.to ?? 'infracast.yaml'}`);
  if (warned.unstated.length > 0) {
    warnings.push(
      `ssp: ${warned.unstated.length} of ${sections.length} controls have no implementation statement in controls/ (${listed(warned.unstated)}); \`infracast ssp scaffold --framework ${catalog.framework}\` writes stubs`,
    );
  }
  if (warned.parameters.length > 0) warnings.push(`ssp: ${plural(warned.parameters.length, 'parameter')} without a value (${listed(warned.parameters)})`);
  if (warned.unknownRoles.length > 0) warnings.push(`ssp: responsible roles not in system.roles (${listed(warned.unknownRoles)})`);
  if (warned.unknownLeveraged.length > 0) {
    warnings.push(`ssp: inherited_from names no id of system.leveraged_authorizations: ${listed(warned.unknownLeveraged)}`);
  }
  for (const d of warned.disagreements) warnings.push(`ssp: statement and evidence disagree: ${d}`);

  const names = facts.names;
  const sspMeta = (system.ssp ?? {}) as { title?: string; version?: string; date?: string };
  const title = options.title ?? sspMeta.title ?? `${names.system} System Security Plan`;
  const fedramp = catalog.framework.startsWith('fedramp-');
  const controlsTable: Table = {
    id: 'controls',
    title: 'Control implementations',
    columns: [
      { key: 'id', label: 'Control', type: 'string' },
      { key: 'title', label: 'Title', type: 'string' },
      { key: 'family', label: 'Family', type: 'string' },
      { key: 'implementation_status', label: 'Implementation status', type: 'string' },
      { key: 'origination', label: 'Control origination', type: 'string' },
      { key: 'evidence_status', label: 'Evidence status', type: 'status' },
      { key: 'evidence_date', label: 'Evidence date', type: 'date' },
      { key: 'disagreement', label: 'Statement and evidence disagree', type: 'string' },
      { key: 'statement_file', label: 'Statement file', type: 'string' },
    ],
    rows: sections.map((s) => ({
      id: s.id,
      title: s.title,
      family: s.family,
      implementation_status: s.status ? IMPLEMENTATION_STATUS_LABELS[s.status] : null,
      origination:
        s.originationBoxes
          .filter((b) => b.checked)
          .map((b) => b.label)
          .join('; ') || null,
      evidence_status: s.evidence.status,
      evidence_date: s.evidence.date ?? null,
      disagreement: s.disagreement ?? null,
      statement_file: s.file ?? null,
    })),
  };
  const gapsTable: Table = {
    id: 'gaps',
    title: 'Facts not provided',
    columns: [
      { key: 'key', label: 'Missing', type: 'string' },
      { key: 'to', label: 'Add to', type: 'string' },
      { key: 'where', label: 'Where the document needs it', type: 'string' },
    ],
    rows: facts.gaps.map((g) => ({ key: g.key, to: g.to ?? 'infracast.yaml', where: g.where })),
  };
  const meta = reportMeta(options, { title, tenant: input.tenant, frameworks: [catalog.framework], generatedAt: input.generatedAt });
  return {
    model: {
      kind: 'ssp',
      // A plan is read through its contents: the table of contents is on unless turned off.
      meta: { ...meta, tableOfContents: options.table_of_contents !== false },
      provenance: input.provenance,
      sections: [
        {
          id: 'cover',
          heading: title,
          level: 1,
          data: {
            ...names,
            impactLevelLabel: names.impactLevel ? names.impactLevel.charAt(0).toUpperCase() + names.impactLevel.slice(1) : undefined,
            version: sspMeta.version,
            date: sspMeta.date,
            preparedBy: [names.csp, typeof system.csp_address === 'string' ? system.csp_address : undefined].filter(Boolean).join(', '),
            preparedFor: typeof system.prepared_for === 'string' ? system.prepared_for : undefined,
            ...catalogSummary(catalog),
            baseline: catalog.baseline !== 'none' ? catalog.baseline : undefined,
            fedramp,
          },
        },
        {
          id: 'summary',
          heading: 'Summary',
          level: 2,
          data: {
            total: sections.length,
            counts,
            disagreements: sections.filter((s) => s.disagreement).length,
            gaps: facts.gaps.length,
            unstated: warned.unstated.length,
          },
        },
        { id: 'system', heading: 'System Information', level: 2, data: { information: facts.information } },
        { id: 'owner', heading: 'System Owner', level: 2, data: { rows: facts.owner } },
        { id: 'isso', heading: 'Assignment of Security Responsibility', level: 2, data: { rows: facts.isso } },
        { id: 'leveraged', heading: 'Leveraged FedRAMP-Authorized Services', level: 2, data: { ...facts.leveraged } },
        { id: 'external', heading: 'External Systems and Services Not Having FedRAMP Authorization', level: 2, data: { ...facts.external } },
        {
          id: 'architecture',
          heading: 'Illustrated Architecture and Narratives',
          level: 2,
          data: {
            included: options.include_architecture_diagram === true,
            ...(input.diagram ? { diagram: input.diagram.fileName } : {}),
            ...facts.narrative,
          },
        },
        { id: 'ports', heading: 'Services, Ports, and Protocols', level: 2, data: { ...facts.ports } },
        { id: 'crypto', heading: 'Cryptographic Modules', level: 2, data: { ...facts.crypto } },
        { id: 'roles', heading: 'Users and Roles', level: 2, data: { ...facts.roles } },
        { id: 'informationTypes', heading: 'FIPS 199 Categorization', level: 2, data: { ...facts.informationTypes } },
        {
          id: 'controls',
          heading: 'Security Controls',
          level: 2,
          data: { families: [...families].map(([id, controls]) => ({ id, title: catalog.families[id] ?? id, controls })) },
        },
        { id: 'warnings', heading: 'Warnings', level: 2, data: { warnings } },
      ],
      tables: [controlsTable, gapsTable],
    },
    warnings,
  };
}
