/** One renderer per format behind one interface (DESIGN.md "Rendering"). */
import type { OutputFormat } from '../model/definitions.js';
import type { ReportModel } from '../model/report-model.js';

export interface RenderContext {
  /** Workspace root: the only place assets may come from. */
  workspaceRoot: string;
  /** Template overrides folder. */
  templatesDir: string;
}

export interface Renderer {
  format: OutputFormat;
  render(model: ReportModel, ctx: RenderContext): Promise<Uint8Array>;
}
