/** One renderer per format behind one interface (DESIGN.md "Rendering"). */
import type { PrintOptions, PrintResult } from '../io/browser.js';
import type { OutputFormat } from '../model/definitions.js';
import type { ReportModel } from '../model/report-model.js';

/**
 * The run's browser, shared by every report of a run (launched on first use, closed by the
 * caller whatever happens). Only PDF printing uses it: every other format renders without one.
 */
export interface BrowserSession {
  /** The HTML printed to PDF in an isolated page (no JavaScript, no requests); `blocked` lists what it tried to load. */
  printPdf(html: string, options: PrintOptions): Promise<PrintResult>;
}

export interface RenderContext {
  /** Workspace root: the only place assets may come from. */
  workspaceRoot: string;
  /** Template overrides folder. */
  templatesDir: string;
  /**
   * Files written beside the report that its Markdown links to by bare file name (the logo, the
   * executive report's charts): PDF and DOCX embed them from here, never from anywhere else.
   */
  attachments?: ReadonlyMap<string, Uint8Array>;
  /** The run's browser, launched on first call (undefined: no browser in this context). */
  browser?: () => Promise<BrowserSession>;
  /** Something the reader should know that does not fail the report (e.g. a request the PDF page was refused). */
  warn?: (message: string) => void;
}

export interface Renderer {
  format: OutputFormat;
  render(model: ReportModel, ctx: RenderContext): Promise<Uint8Array>;
}
