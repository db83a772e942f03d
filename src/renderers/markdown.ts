/**
 * Markdown: the report's Handlebars template (templates/<kind>.md.hbs, or the workspace's copy)
 * over the ReportModel. The same Markdown later feeds HTML/PDF and DOCX (DESIGN.md "Rendering").
 */
import { join } from 'node:path';
import type { OutputFormat } from '../model/definitions.js';
import type { ReportModel } from '../model/report-model.js';
import { packageRoot } from '../io/package-root.js';
import { createEnvironment } from '../templating/environment.js';
import type { RenderContext, Renderer } from './renderer.js';

/** What templates see: sections by id, plus meta, provenance and tables. */
export function templateView(model: ReportModel): Record<string, unknown> {
  return {
    kind: model.kind,
    meta: model.meta,
    provenance: model.provenance,
    sections: Object.fromEntries(model.sections.map((s) => [s.id, s.data])),
    tables: model.tables,
  };
}

const helpers = {
  /** True when any argument is truthy (Handlebars passes its options object last). */
  or: (...args: unknown[]) => args.slice(0, -1).some((a) => Boolean(a)),
  eq: (a: unknown, b: unknown) => a === b,
};

/** Blank-line runs collapsed, one final newline: diffs in pull requests stay about content. */
export function tidyMarkdown(text: string): string {
  return `${text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

/** The report's Markdown, synchronously: the evidence bundle embeds it as index.md while it builds the zip. */
export function renderMarkdown(model: ReportModel, templatesDir: string | undefined): string {
  const env = createEnvironment({ builtIn: join(packageRoot(), 'templates'), workspace: templatesDir }, helpers);
  return tidyMarkdown(env.render(`${model.kind}.md.hbs`, templateView(model)));
}

export const markdownRenderer: Renderer = {
  format: 'md' as OutputFormat,
  async render(model: ReportModel, ctx: RenderContext): Promise<Uint8Array> {
    return new TextEncoder().encode(renderMarkdown(model, ctx.templatesDir));
  },
};
