/**
 * The Handlebars environment reports are written with (DESIGN.md "Rendering"):
 *
 * - `{{x}}` is Markdown-escaped (templating/markdown-escape.ts), not HTML-escaped: each escaped
 *   mustache is rewritten at load to go through the `md` helper, helpers' results included.
 * - `{{{x}}}` (no escaping) is reserved for pre-rendered partial output: it accepts only values
 *   built by the renderer (SafeString), and throws on anything else.
 * - A template that reaches `constructor`, `__proto__` or `prototype` is rejected at load with
 *   its `template:line:col` (Handlebars also blocks prototype access at run time).
 * - Templates and partials come from the workspace's templates folder when a file of the same
 *   name is there, else from the built-in templates/ folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import Handlebars from 'handlebars';
import type { TemplateDelegate } from 'handlebars';
import { InfracastError } from '../errors.js';
import { escapeMarkdown } from './markdown-escape.js';

type HbsNode = { type: string; loc?: { start: { line: number; column: number } } } & Record<string, unknown>;

const FORBIDDEN = new Set(['constructor', '__proto__', 'prototype']);

export interface TemplateSource {
  /** Absolute path, for messages. */
  path: string;
  text: string;
}

export interface TemplateFolders {
  /** The workspace's override folder (may not exist). */
  workspace?: string;
  /** The built-in templates folder. */
  builtIn: string;
}

function location(source: TemplateSource, node: HbsNode): { file: string; line: number; col: number } {
  return { file: source.path, line: node.loc?.start.line ?? 1, col: (node.loc?.start.column ?? 0) + 1 };
}

/** Walks every node of a Handlebars AST. */
function walk(node: unknown, visit: (node: HbsNode) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const typed = node as HbsNode;
  if (typeof typed.type === 'string') visit(typed);
  for (const [key, value] of Object.entries(typed)) if (key !== 'loc' && value !== null && typeof value === 'object') walk(value, visit);
}

/** Parses a template and applies Infracast's rules to its AST (see the module comment). */
export function prepareTemplate(source: TemplateSource): hbs.AST.Program {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source.text);
  } catch (error) {
    const match = /line (\d+)/i.exec((error as Error).message);
    throw new InfracastError('TEMPLATE_INVALID', `${source.path}:${match?.[1] ?? 1}: template syntax error: ${(error as Error).message.split('\n')[0]}`, {
      location: { file: source.path, line: Number(match?.[1] ?? 1), col: 1 },
      hints: ['Check the {{...}} blocks around that line.'],
    });
  }
  walk(ast, (node) => {
    // Paths ({{a.constructor}}) and string literals ({{lookup this "prototype"}}) alike.
    if (node.type === 'PathExpression' || node.type === 'StringLiteral') {
      const parts = node.type === 'StringLiteral' ? [String(node.value)] : ((node.parts as string[] | undefined) ?? []);
      const original = String(node.original ?? '');
      const bad = [...parts, ...original.split(/[./[\]]/)].find((p) => FORBIDDEN.has(p));
      if (bad) {
        const at = location(source, node);
        throw new InfracastError('TEMPLATE_INVALID', `${relativeName(at.file)}:${at.line}:${at.col}: template reaches '${bad}', which templates may not use`, {
          location: at,
          hints: ['Templates read report data only; remove the reference.'],
        });
      }
    }
    if (node.type === 'MustacheStatement') {
      const path = node.path as HbsNode;
      const params = (node.params as HbsNode[]) ?? [];
      const hash = node.hash as HbsNode | undefined;
      // {{x}} and {{helper x}} -> {{md x}} / {{md (helper x)}}; {{{x}}} -> {{{raw x}}}.
      const inner: HbsNode = params.length > 0 || hash ? { type: 'SubExpression', path, params, hash, loc: node.loc } : path;
      node.path = { type: 'PathExpression', data: false, depth: 0, parts: [node.escaped ? 'md' : 'raw'], original: node.escaped ? 'md' : 'raw', loc: node.loc };
      node.params = [inner];
      node.hash = undefined;
    }
  });
  return ast;
}

function relativeName(file: string): string {
  return relative(process.cwd(), file) || file;
}

/** Finds a template or partial: the workspace's copy wins over the built-in one. */
export function resolveTemplate(folders: TemplateFolders, name: string): TemplateSource {
  for (const dir of [folders.workspace, folders.builtIn]) {
    if (!dir) continue;
    const path = join(dir, name);
    if (existsSync(path)) return { path, text: readFileSync(path, 'utf8') };
  }
  throw new InfracastError('TEMPLATE_INVALID', `no template ${name}`, { hints: [`Built-in templates are in ${folders.builtIn}.`] });
}

export interface TemplateEnvironment {
  render(name: string, data: unknown): string;
}

/**
 * An isolated Handlebars environment with the Markdown escape, the `raw` guard, Infracast's
 * helpers, and every partial of partials/ (workspace copies first).
 */
export function createEnvironment(folders: TemplateFolders, helpers: Record<string, Handlebars.HelperDelegate> = {}): TemplateEnvironment {
  const env = Handlebars.create();
  env.registerHelper('md', (value: unknown) => new env.SafeString(escapeMarkdown(value)));
  env.registerHelper('raw', (value: unknown) => {
    if (value instanceof env.SafeString || (value !== null && typeof value === 'object' && 'toHTML' in value)) return value;
    throw new InfracastError('TEMPLATE_INVALID', 'a {{{triple-stash}}} was given plain text: triple-stash is reserved for pre-rendered partials', {
      hints: ['Use {{value}} (Markdown-escaped) for data.'],
    });
  });
  for (const [name, helper] of Object.entries(helpers)) env.registerHelper(name, helper);
  const partialNames = new Set<string>();
  for (const dir of [folders.builtIn, folders.workspace]) {
    const partialDir = dir ? join(dir, 'partials') : undefined;
    if (!partialDir || !existsSync(partialDir)) continue;
    for (const file of readdirSync(partialDir).filter((f) => f.endsWith('.hbs'))) partialNames.add(basename(file, '.hbs'));
  }
  for (const name of [...partialNames].sort()) {
    const source = resolveTemplate(folders, join('partials', `${name}.hbs`));
    env.registerPartial(name, env.compile(prepareTemplate(source), { strict: false }));
  }
  const compiled = new Map<string, TemplateDelegate>();
  return {
    render(name, data) {
      let template = compiled.get(name);
      if (!template) {
        template = env.compile(prepareTemplate(resolveTemplate(folders, name)));
        compiled.set(name, template);
      }
      return template(data, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
    },
  };
}
