/**
 * The seven stages of a run (DESIGN.md "One pipeline, seven stages"), as types. Each stage has a
 * typed input and output and knows nothing of the stages after it; app/ sequences them.
 *
 *   load      workspace YAML -> validated definitions          app/load-workspace.ts
 *   ingest    findings exports -> Finding[]                     app/ingest.ts over loaders/
 *   evaluate  catalog + findings + attestations + exceptions -> ControlResult[]   app/evaluate.ts over model/
 *   build     definition + results -> ReportModel              reports/
 *   render    ReportModel -> bytes per format                   renderers/
 *   sign      bytes -> signed bytes / bundle                    signing/
 *   publish   atomic write, out/index.json, history, delivery  app/, io/
 *
 * load and ingest and publish do IO; evaluate and build are pure (time is passed in);
 * render and sign take bytes and give bytes. A run ingests findings once for all its reports.
 */
import type { LoadedWorkspace, LoadOptions } from './load-workspace.js';
import type { ControlResult } from '../model/control.js';
import type { WorkspaceEvaluation } from './evaluate.js';
import type { IngestOptions, IngestResult } from './ingest.js';
import type { OutputDefinition, OutputFormat } from '../model/definitions.js';
import type { Finding } from '../model/finding.js';
import type { ReportModel } from '../model/report-model.js';
import type { RenderContext } from '../renderers/renderer.js';

export type LoadStage = (root: string, options: LoadOptions) => Promise<LoadedWorkspace>;

/** ingest: findings exports -> Finding[] (app/ingest.ts, over loaders/). */
export type IngestStage = (options: IngestOptions) => Promise<IngestResult>;

/** evaluate: catalog + findings + attestations + exceptions -> results (app/evaluate.ts over model/evaluation.ts). */
export type EvaluateStage = (workspace: LoadedWorkspace, findings: Finding[], framework: string, at: Date) => WorkspaceEvaluation;

export type BuildStage = (definition: OutputDefinition, results: ReadonlyMap<string, ControlResult[]>, at: Date) => ReportModel;

export type RenderStage = (model: ReportModel, format: OutputFormat, ctx: RenderContext) => Promise<Uint8Array>;

export interface SignedArtifact {
  bytes: Uint8Array;
  /** Sidecar files (e.g. <file>.sigstore.json) by suffix. */
  sidecars: Record<string, Uint8Array>;
}
export type SignStage = (bytes: Uint8Array, format: OutputFormat) => Promise<SignedArtifact>;

export interface PublishedArtifact {
  definition: string;
  format: OutputFormat;
  path: string;
  sha256: string;
  bytes: number;
}
export type PublishStage = (artifacts: { definition: OutputDefinition; format: OutputFormat; artifact: SignedArtifact }[]) => Promise<PublishedArtifact[]>;
