/**
 * Report models of examples/acme as the golden tests build them (gap on nist-800-171, framework on
 * nist-800-53 moderate, executive with its charts), with what render.ts adds before rendering: the
 * logo's file name on the cover and the files beside the report as attachments.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildExecutive } from '../../src/app/build-executive.js';
import { buildFramework, buildGap } from '../../src/app/build.js';
import type { RunContext } from '../../src/app/build.js';
import { ingestWorkspace } from '../../src/app/workspace-findings.js';
import { validate } from '../../src/app/validate.js';
import type { ReportModel } from '../../src/model/report-model.js';
import { examplesDir } from './paths.js';

export const acme = join(examplesDir, 'acme');
export const AT = '2026-11-29T00:00:00Z';

export interface AcmeReport {
  name: string;
  model: ReportModel;
  attachments: Map<string, Uint8Array>;
}

export async function acmeRun(): Promise<RunContext> {
  const workspace = (await validate({ paths: [acme], at: '2026-11-29' })).workspaces[0]!;
  const ingested = await ingestWorkspace(workspace);
  return { workspace, ingested, at: new Date(AT) };
}

/** As render.ts shows it: the logo copied beside the report as logo.svg. */
function withLogo(model: ReportModel, attachments: Map<string, Uint8Array>): ReportModel {
  attachments.set('logo.svg', readFileSync(join(acme, 'assets', 'acme-logo.svg')));
  return { ...model, meta: { ...model.meta, logo: 'logo.svg' } };
}

export function acmeReports(run: RunContext): AcmeReport[] {
  const outputs = run.workspace.outputs;
  const gapAttachments = new Map<string, Uint8Array>();
  const gap = withLogo(
    buildGap(
      run,
      outputs.find((o) => o.type === 'gap')!,
      'nist-800-171',
    ),
    gapAttachments,
  );
  const frameworkAttachments = new Map<string, Uint8Array>();
  const framework = withLogo(
    buildFramework(
      run,
      outputs.find((o) => o.outputName === 'nist-800-53-moderate-control-status')!,
      'nist-800-53',
    ),
    frameworkAttachments,
  );
  const built = buildExecutive(
    run,
    outputs.find((o) => o.type === 'executive' && o.outputName === 'executive-security-posture')!,
    [],
  );
  const executiveAttachments = new Map<string, Uint8Array>(built.charts.map((c) => [c.fileName, new TextEncoder().encode(c.svg)]));
  const executive = withLogo(built.model, executiveAttachments);
  return [
    { name: 'gap', model: gap, attachments: gapAttachments },
    { name: 'framework', model: { ...framework, meta: { ...framework.meta, watermark: 'DRAFT' } }, attachments: frameworkAttachments },
    { name: 'executive', model: executive, attachments: executiveAttachments },
  ];
}
