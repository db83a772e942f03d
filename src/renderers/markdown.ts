/**
 * Markdown: the report's Handlebars template (templates/<kind>.md.hbs, or the workspace's copy)
 * over the ReportModel. The same Markdown later feeds HTML/PDF and DOCX (DESIGN.md "Rendering").
 */
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import type { OutputFormat } from '../model/definitions.js';
import type { ReportModel } from '../model/report-model.js';
import { packageRoot } from '../io/package-root.js';
import { createEnvironment } from '../templating/environment.js';
import { plural } from '../model/plural.js';
import { codeSpan, escapeMarkdown } from '../templating/markdown-escape.js';
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
  /** `{{plural n "rule"}}`: "1 rule", "2 rules" (model/plural.ts). */
  plural: (count: unknown, word: unknown) => plural(Number(count), String(word)),
  /** `{{{code x}}}`: x as a code span, built here (so the raw guard admits it). */
  code: (value: unknown) => {
    const span = codeSpan(value);
    return { toHTML: () => span, toString: () => span };
  },
};

/** Blank-line runs collapsed, one final newline: diffs in pull requests stay about content. */
export function tidyMarkdown(text: string): string {
  return `${text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

/**
 * GitHub's heading anchors (what pull-request review and most Markdown viewers link to): lower
 * case, punctuation dropped, spaces as hyphens, repeats numbered -1, -2, ...
 */
export function headingAnchor(text: string, taken: Map<string, number>): string {
  const base = text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
  const seen = taken.get(base);
  taken.set(base, (seen ?? -1) + 1);
  return seen === undefined ? base : `${base}-${seen + 1}`;
}

const parser = new MarkdownIt('commonmark');

/** The second-level headings of rendered Markdown, as plain text. */
function headings(markdown: string): string[] {
  const tokens = parser.parse(markdown, {});
  const found: string[] = [];
  tokens.forEach((token, i) => {
    if (token.type === 'heading_open' && token.tag === 'h2') {
      found.push((tokens[i + 1]?.children ?? []).map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : '')).join(''));
    }
  });
  return found;
}

/**
 * A table of contents of the report's sections (its H2 headings) linking to their anchors. Built
 * from a first rendering, so it lists exactly what the template produced, overrides included.
 */
function tableOfContents(markdown: string): string {
  const taken = new Map<string, number>([['contents', 0]]);
  return headings(markdown)
    .map((h) => `- [${escapeMarkdown(h)}](#${headingAnchor(h, taken)})`)
    .join('\n');
}

/** The report's Markdown, synchronously: the evidence bundle embeds it as index.md while it builds the zip. */
export function renderMarkdown(model: ReportModel, templatesDir: string | undefined): string {
  const env = createEnvironment({ builtIn: join(packageRoot(), 'templates'), workspace: templatesDir }, helpers);
  const template = `${model.kind}.md.hbs`;
  let markdown = env.render(template, templateView(model));
  if (model.meta.tableOfContents) {
    // The raw guard of the environment admits only values built here (toHTML), never data.
    const toc = tableOfContents(markdown);
    markdown = env.render(template, { ...templateView(model), toc: { toHTML: () => toc, toString: () => toc } });
  }
  return tidyMarkdown(markdown);
}

export const markdownRenderer: Renderer = {
  format: 'md' as OutputFormat,
  async render(model: ReportModel, ctx: RenderContext): Promise<Uint8Array> {
    return new TextEncoder().encode(renderMarkdown(model, ctx.templatesDir));
  },
};
