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
 * - Each render runs within a budget of time, output and partial depth (templating/budget.ts),
 *   metered at every `{{#each}}` iteration and partial invocation.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import Handlebars from 'handlebars';
import type { TemplateDelegate } from 'handlebars';
import { InfracastError } from '../errors.js';
import { DEFAULT_TEMPLATE_BUDGET, RenderMeter } from './budget.js';
import type { TemplateBudget, TemplateFile } from './budget.js';
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

/** The file of a template and the line of the first `{{> name}}` of each partial it includes (for recursion errors). */
function templateFile(source: TemplateSource, ast: hbs.AST.Program): TemplateFile {
  const partialLines = new Map<string, number>();
  walk(ast, (node) => {
    if (node.type !== 'PartialStatement' && node.type !== 'PartialBlockStatement') return;
    const name = (node.name as HbsNode | undefined)?.original;
    if (typeof name === 'string' && !partialLines.has(name)) partialLines.set(name, node.loc?.start.line ?? 1);
  });
  return { path: source.path, partialLines };
}

type PartialInvoker = (this: unknown, partial: unknown, context: unknown, options: { name?: string }) => string | undefined;

/**
 * An isolated Handlebars environment with the Markdown escape, the `raw` guard, Infracast's
 * helpers, every partial of partials/ (workspace copies first), and a budget per render.
 */
export function createEnvironment(
  folders: TemplateFolders,
  helpers: Record<string, Handlebars.HelperDelegate> = {},
  budget: TemplateBudget = DEFAULT_TEMPLATE_BUDGET,
): TemplateEnvironment {
  const env = Handlebars.create();
  // The meter of the render in progress (renders do not nest).
  let meter: RenderMeter | undefined;
  // Every iteration of {{#each}} (and of {{#list}} sections, which call it) is metered.
  const each = env.helpers.each!;
  env.registerHelper('each', function (this: unknown, context: unknown, options: Handlebars.HelperOptions & { loc?: hbs.AST.SourceLocation }) {
    const active = meter;
    if (!active || typeof options?.fn !== 'function') return each.call(this, context, options);
    const fn = options.fn;
    const metered = Object.assign((value: unknown, frame?: Handlebars.RuntimeOptions) => active.block(() => fn(value, frame), options.loc, '{{#each}}'), fn);
    return each.call(this, context, { ...options, fn: metered });
  });
  // So is every partial, whatever its kind (a file, {{#*inline}}, @partial-block): env.VM is the
  // runtime Handlebars documents for overriding, and this environment's own.
  const vm = (env as unknown as { VM: { invokePartial: PartialInvoker } }).VM;
  const invokePartial = vm.invokePartial;
  const partialFiles = new Map<string, TemplateFile>();
  (env as unknown as { VM: unknown }).VM = {
    ...vm,
    invokePartial(this: unknown, partial: unknown, context: unknown, options: { name?: string }) {
      const active = meter;
      const call = (): string | undefined => invokePartial.call(this, partial, context, options);
      if (!active) return call();
      const name = options.name ?? '(dynamic partial)';
      return active.partial(name, partialFiles.get(name), call);
    },
  };
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
    const ast = prepareTemplate(source);
    partialFiles.set(name, templateFile(source, ast));
    env.registerPartial(name, env.compile(ast, { strict: false }));
  }
  const compiled = new Map<string, { template: TemplateDelegate; file: TemplateFile }>();
  return {
    render(name, data) {
      let entry = compiled.get(name);
      if (!entry) {
        const source = resolveTemplate(folders, name);
        const ast = prepareTemplate(source);
        entry = { template: env.compile(ast), file: templateFile(source, ast) };
        compiled.set(name, entry);
      }
      const { template, file } = entry;
      const active = new RenderMeter(budget, file);
      meter = active;
      try {
        return active.block(() => template(data, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false }), undefined, 'the template');
      } catch (error) {
        if (error instanceof RangeError && /call stack/i.test(error.message)) throw active.stackExhausted(error);
        throw error;
      } finally {
        meter = undefined;
      }
    },
  };
}
