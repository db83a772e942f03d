/**
 * The build stage: a definition and the run's evaluation -> ReportModel (reports/). This module
 * gathers what the pure builders need from the workspace (implementation statements, provenance);
 * one run shares its ingested findings across every report.
 */
import { canonicalControlId } from '../model/control-ids.js';
import type { OutputDefinition } from '../model/definitions.js';
import type { ReportModel } from '../model/report-model.js';
import { buildFrameworkReport } from '../reports/framework.js';
import { evaluateWorkspace } from './evaluate.js';
import type { IngestResult } from './ingest.js';
import type { LoadedWorkspace } from './load-workspace.js';
import { inputDigests, toolVersion } from './provenance.js';
import { formatInstant } from './summary.js';

export interface RunContext {
  workspace: LoadedWorkspace;
  ingested: IngestResult;
  at: Date;
}

/** Implementation statements (controls/) of a framework, by canonical control id. */
function statementsFor(workspace: LoadedWorkspace, framework: string): Map<string, { statement?: string; parts?: Record<string, string>; status?: string }> {
  const sameCatalog = (fw: unknown): boolean => fw === framework || (framework.startsWith('fedramp-') && fw === 'nist-800-53');
  const statements = new Map<string, { statement?: string; parts?: Record<string, string>; status?: string }>();
  for (const record of workspace.records.filter((r) => r.kind === 'ControlImplementation' && sameCatalog(r.value.framework))) {
    const id = canonicalControlId(framework, String(record.value.control));
    if (!id) continue;
    const v = record.value as { statement?: string; parts?: Record<string, string>; status?: string };
    statements.set(id, {
      ...(v.statement ? { statement: v.statement } : {}),
      ...(v.parts ? { parts: v.parts } : {}),
      ...(v.status ? { status: v.status } : {}),
    });
  }
  return statements;
}

/** A framework report for one framework of the definition. */
export function buildFramework(run: RunContext, definition: OutputDefinition, framework: string): ReportModel {
  const { workspace, ingested, at } = run;
  const { evaluation, catalog } = evaluateWorkspace(workspace, ingested.findings, framework, at, definition.baseline);
  const generatedAt = formatInstant(at);
  const config = workspace.config;
  return buildFrameworkReport({
    definition,
    tenant: config?.tenant ?? { id: 'unknown', name: 'unknown' },
    evaluation,
    catalog,
    statements: statementsFor(workspace, framework),
    generatedAt,
    provenance: {
      toolVersion: toolVersion(),
      catalogs: [{ framework, release: catalog.release, ...(catalog.baseline !== 'none' ? { baseline: catalog.baseline } : {}) }],
      inputs: inputDigests(workspace.root, [...workspace.files, ...ingested.files.map((f) => f.file)]),
      generatedAt,
      coverage: [{ framework, assessed: evaluation.counts.total - evaluation.counts.notAssessed, total: evaluation.counts.total }],
    },
  });
}
