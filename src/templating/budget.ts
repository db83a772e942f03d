/**
 * A budget per template render (README "Templates"): wall time, output size and partial depth.
 * Workspace templates are user code, and Handlebars runs them synchronously: `{{#each}}` nested six
 * deep multiplies its iterations by the length of each list, partials that include each other
 * twice double their work per level, and a partial that includes itself exhausts the stack.
 *
 * The checks run in process, at the places a template's work multiplies: every iteration of a
 * block (the `each` helper, which `{{#list}}` sections use too) and every partial invocation.
 * That costs a clock read per iteration, keeps `renderMarkdown` synchronous (the evidence bundle
 * needs it) and adds no start-up; running templates in a worker with a timeout and resourceLimits
 * would also stop a single slow helper call, but costs a worker start and a structured clone of the
 * report model per render, and Infracast's helpers are linear in their input. The output and
 * depth limits are deterministic; the time limit is the last resort.
 */
import { relative } from 'node:path';
import { InfracastError } from '../errors.js';

export interface TemplateBudget {
  /** Wall time of one render, in milliseconds. */
  timeMs: number;
  /** Characters one render may produce (Markdown: about one byte each). */
  outputChars: number;
  /** Partials inside partials (a partial including itself is stopped here, not by the stack). */
  partialDepth: number;
}

/**
 * 10 s: the acme reports render in milliseconds each. 64 Mi characters: acme's largest report is
 * 0.2 MiB of Markdown, and a report listing tens of thousands of finding rows stays well under
 * (human formats list at most a configured number of findings per control). 32 partials deep: the
 * built-in templates nest two.
 */
export const DEFAULT_TEMPLATE_BUDGET: TemplateBudget = { timeMs: 10_000, outputChars: 64 * 1024 * 1024, partialDepth: 32 };

type Loc = { start: { line: number; column: number } } | undefined;

/** A template file and, per partial it includes, the line of its first `{{> name}}`. */
export interface TemplateFile {
  path: string;
  partialLines: ReadonlyMap<string, number>;
}

const display = (file: string): string => relative(process.cwd(), file) || file;
const mebi = (chars: number): string => `${(chars / 1024 / 1024).toFixed(0)} MiB`;

/** What one render has spent, checked at every block iteration and partial. */
export class RenderMeter {
  private readonly started: number;
  /** The files being rendered, outermost first (inline partials stay in the file that defines them). */
  private readonly files: TemplateFile[];
  /** Partial names invoked, outermost first. */
  private readonly partials: string[] = [];
  /** Per open block, the characters of the blocks nested in it (so each character is counted once). */
  private readonly nested: number[] = [];
  private output = 0;

  constructor(
    private readonly budget: TemplateBudget,
    template: TemplateFile,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.started = clock();
    this.files = [template];
  }

  /** Runs one block iteration (or partial body): checks the time before, counts the output after. */
  block<T extends string | undefined>(run: () => T, loc: Loc, what: string): T {
    if (this.clock() - this.started > this.budget.timeMs) {
      throw this.exceeded(loc, `ran past its time budget (${this.budget.timeMs / 1000} s) in ${what}`);
    }
    this.nested.push(0);
    let out: T;
    let inner: number;
    try {
      out = run();
    } finally {
      inner = this.nested.pop()!;
    }
    // A partial that is not found returns nothing (Handlebars then says so).
    const length = out?.length ?? 0;
    this.output += Math.max(0, length - inner);
    if (this.nested.length > 0) this.nested[this.nested.length - 1]! += length;
    if (this.output > this.budget.outputChars) {
      throw this.exceeded(loc, `produced more than ${mebi(this.budget.outputChars)} of output in ${what}`);
    }
    return out;
  }

  /** Runs a partial: its depth is checked before, its output counted like a block's. */
  partial<T extends string | undefined>(name: string, file: TemplateFile | undefined, run: () => T): T {
    if (this.partials.length >= this.budget.partialDepth) {
      const chain = [...this.partials, name];
      const current = this.files[this.files.length - 1]!;
      const line = current.partialLines.get(name) ?? 1;
      const self = chain.indexOf(name) < chain.length - 1;
      throw new InfracastError(
        'TEMPLATE_RECURSION',
        `${display(current.path)}:${line}: partials nested more than ${this.budget.partialDepth} deep${self ? ` ('${name}' includes itself)` : ''}: ${chain.slice(0, 4).join(' > ')}${chain.length > 4 ? ' > ...' : ''}`,
        {
          location: { file: current.path, line },
          hints: [
            'A partial that includes itself (directly or through others) never ends; include it only under a condition that ends, or remove the include.',
          ],
        },
      );
    }
    this.partials.push(name);
    if (file) this.files.push(file);
    try {
      return this.block(run, undefined, `partial '${name}'`);
    } finally {
      this.partials.pop();
      if (file) this.files.pop();
    }
  }

  /** A JavaScript stack exhausted inside the render (a last resort: the depth limit comes first). */
  stackExhausted(cause: unknown): InfracastError {
    const current = this.files[this.files.length - 1]!;
    return new InfracastError('TEMPLATE_RECURSION', `${display(current.path)}: the template recursed until the JavaScript stack ran out`, {
      location: { file: current.path, line: 1 },
      hints: ['Look for partials that include each other.'],
      cause,
    });
  }

  private exceeded(loc: Loc, what: string): InfracastError {
    const current = this.files[this.files.length - 1]!;
    const line = loc?.start.line ?? 1;
    return new InfracastError('TEMPLATE_BUDGET_EXCEEDED', `${display(current.path)}:${line}: the template ${what}`, {
      location: { file: current.path, line, col: (loc?.start.column ?? 0) + 1 },
      hints: [
        `Blocks nested inside each other multiply their work ({{#each}} in {{#each}} over the same lists); iterate over the rows you print, not over every list for every row. A render's budget is ${this.budget.timeMs / 1000} s and ${mebi(this.budget.outputChars)} of output.`,
      ],
    });
  }
}
