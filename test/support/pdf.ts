/**
 * What the PDF tests share: the acme report models (built as the golden tests build them, with
 * the logo and charts as attachments, as render.ts passes them), a browser session or a clear
 * skip (a failure when CI is set), and the poppler/qpdf tools read as text.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFramework, buildGap } from '../../src/app/build.js';
import type { RunContext } from '../../src/app/build.js';
import { buildExecutive } from '../../src/app/build-executive.js';
import { ingestWorkspace } from '../../src/app/workspace-findings.js';
import { validate } from '../../src/app/validate.js';
import { findBrowser } from '../../src/io/browser.js';
import type { BrowserSession } from '../../src/io/browser.js';
import { isInfracastError } from '../../src/errors.js';
import type { ReportModel } from '../../src/model/report-model.js';
import type { RenderContext } from '../../src/renderers/renderer.js';
import { examplesDir } from './paths.js';

export const acme = join(examplesDir, 'acme');
export const AT = '2026-11-29T00:00:00Z';

export interface AcmeReport {
  model: ReportModel;
  ctx: RenderContext;
}

let runPromise: Promise<RunContext> | undefined;
async function acmeRun(): Promise<RunContext> {
  runPromise ??= (async () => {
    const checked = await validate({ paths: [acme], at: AT });
    const workspace = checked.workspaces[0]!;
    const ingested = await ingestWorkspace(workspace);
    return { workspace, ingested, at: new Date(AT) };
  })();
  return runPromise;
}

/** The logo as render.ts attaches it (copied beside the report as logo.svg, meta.logo = its name). */
function withLogo(model: ReportModel, attachments: Map<string, Uint8Array>): ReportModel {
  attachments.set('logo.svg', readFileSync(join(acme, 'assets', 'acme-logo.svg')));
  return { ...model, meta: { ...model.meta, logo: 'logo.svg' } };
}

/** An acme report model with its render context (browser added by the caller). */
export async function acmeReport(kind: 'gap' | 'framework' | 'executive', session?: BrowserSession): Promise<AcmeReport> {
  const run = await acmeRun();
  const attachments = new Map<string, Uint8Array>();
  const definitionOf = (name: string) => run.workspace.outputs.find((o) => o.outputName === name)!;
  let model: ReportModel;
  if (kind === 'gap') model = buildGap(run, definitionOf('nist-800-171-gap-analysis'), 'nist-800-171');
  else if (kind === 'framework') model = buildFramework(run, definitionOf('nist-800-53-moderate-control-status'), 'nist-800-53');
  else {
    const built = buildExecutive(run, definitionOf('executive-security-posture'), []);
    for (const chart of built.charts) attachments.set(chart.fileName, new TextEncoder().encode(chart.svg));
    model = built.model;
  }
  const ctx: RenderContext = {
    workspaceRoot: acme,
    templatesDir: join(acme, 'templates'),
    attachments,
    ...(session ? { browser: async () => session } : {}),
  };
  return { model: withLogo(model, attachments), ctx };
}

/**
 * Why a PDF test file cannot run here (no Chrome or Chromium), for `describe(name, { skip })`, or
 * false when a browser is found. In CI a missing browser is a failure, never a skip: CI installs
 * Chromium (scripts/setup.sh), so its absence is a broken set-up.
 */
export function noBrowserReason(): string | false {
  try {
    findBrowser();
    return false;
  } catch (error) {
    const message = `no Chrome or Chromium (${isInfracastError(error) ? error.message : String(error)}): PDF tests skipped; run scripts/setup.sh or set CHROME_PATH`;
    if (process.env.CI) throw new Error(`${message}; CI must have one`);
    return message;
  }
}

/** Runs a poppler/qpdf tool; its stdout as text (fails the test on a non-zero exit). */
export function tool(command: string, args: string[], input?: Uint8Array): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...(input ? { input } : {}) });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: exit ${result.status}: ${result.stderr}`);
  return result.stdout;
}
