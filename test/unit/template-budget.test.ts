/**
 * The budget of a template render (templating/budget.ts): time, output and partial depth, each a
 * coded error naming the template file and line. The CLI-level bombs are in test/cli/limits.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InfracastError } from '../../src/errors.js';
import { DEFAULT_TEMPLATE_BUDGET } from '../../src/templating/budget.js';
import type { TemplateBudget } from '../../src/templating/budget.js';
import { createEnvironment } from '../../src/templating/environment.js';

/** A built-in folder holding `files` (templates and partials/...). */
function templates(files: Record<string, string>): { builtIn: string } {
  const root = mkdtempSync(join(tmpdir(), 'infracast-budget-'));
  mkdirSync(join(root, 'partials'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return { builtIn: root };
}

const budget = (over: Partial<TemplateBudget>): TemplateBudget => ({ ...DEFAULT_TEMPLATE_BUDGET, ...over });

const fails = (code: string, pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof InfracastError, String(error));
  assert.equal(error.code, code, error.message);
  assert.match(error.message, pattern);
  return true;
};

/** `{{#each}}` over `list` nested `depth` deep around `body`, starting on the template's line 2. */
const nested = (depth: number, body: string): string =>
  `# Report\n{{#each list}}${'{{#each @root.list}}'.repeat(depth - 1)}${body}${'{{/each}}'.repeat(depth)}\n`;
const data = { list: Array.from({ length: 50 }, (_, i) => i) };

describe('template budget: time, output, partial depth', () => {
  it('the defaults: 10 s, 64 MiB of output, 32 partials deep', () => {
    assert.deepEqual(DEFAULT_TEMPLATE_BUDGET, { timeMs: 10_000, outputChars: 64 * 1024 * 1024, partialDepth: 32 });
  });

  it('{{#each}} nested six deep with no output at all is stopped by the time budget, at its line', () => {
    const env = createEnvironment(templates({ 'r.hbs': nested(6, '') }), {}, budget({ timeMs: 100 }));
    const started = Date.now();
    assert.throws(
      () => env.render('r.hbs', data),
      fails('TEMPLATE_BUDGET_EXCEEDED', /r\.hbs:2: the template ran past its time budget \(0\.1 s\) in \{\{#each\}\}$/),
    );
    assert.ok(Date.now() - started < 5000, 'stopped soon after the budget');
  });

  it('output past the budget is stopped where it is produced, counting each character once however deep', () => {
    const env = createEnvironment(templates({ 'r.hbs': nested(3, 'xxxxxxxxx\n') }), {}, budget({ outputChars: 500_000 }));
    // 50^3 rows of 10 characters: 1.25 M characters.
    assert.throws(
      () => env.render('r.hbs', data),
      fails('TEMPLATE_BUDGET_EXCEEDED', /r\.hbs:2: the template produced more than 0 MiB of output in \{\{#each\}\}/),
    );
    // 50^2 rows of 10: 25,000 characters, under the budget although every block's output is counted at each level it passes.
    const fine = createEnvironment(templates({ 'r.hbs': nested(2, 'xxxxxxxxx\n') }), {}, budget({ outputChars: 30_000 }));
    assert.equal(fine.render('r.hbs', data).length, '# Report\n'.length + 25_000 + 1);
  });

  it('{{#list}} sections (blockHelperMissing) are metered like {{#each}}', () => {
    const text = '{{#list}}{{#@root.list}}{{#@root.list}}{{#@root.list}}{{#@root.list}}{{/@root.list}}{{/@root.list}}{{/@root.list}}{{/@root.list}}{{/list}}';
    const env = createEnvironment(templates({ 'r.hbs': text }), {}, budget({ timeMs: 100 }));
    assert.throws(() => env.render('r.hbs', data), fails('TEMPLATE_BUDGET_EXCEEDED', /time budget/));
  });

  it('partials that include each other twice per level (no recursion) are stopped by the budget, in the partial', () => {
    const files: Record<string, string> = { 'r.hbs': '{{> p0}}' };
    for (let i = 0; i < 30; i++) files[`partials/p${i}.hbs`] = `{{> p${i + 1}}}{{> p${i + 1}}}`;
    files['partials/p30.hbs'] = 'leaf\n';
    const env = createEnvironment(templates(files), {}, budget({ outputChars: 1_000_000 }));
    assert.throws(
      () => env.render('r.hbs', {}),
      fails('TEMPLATE_BUDGET_EXCEEDED', /partials\/p\d+\.hbs:1: the template produced more than \d MiB of output in partial 'p\d+'/),
    );
  });

  it('a partial including itself is TEMPLATE_RECURSION at the line of its include', () => {
    const env = createEnvironment(templates({ 'r.hbs': '# R\n{{> self}}', 'partials/self.hbs': 'text\n\n{{#if true}}{{> self}}{{/if}}' }));
    assert.throws(
      () => env.render('r.hbs', {}),
      fails('TEMPLATE_RECURSION', /partials\/self\.hbs:3: partials nested more than 32 deep \('self' includes itself\): self > self > self > self > \.\.\.$/),
    );
  });

  it('partials including each other in a cycle are TEMPLATE_RECURSION too', () => {
    const env = createEnvironment(
      templates({ 'r.hbs': '{{> a}}', 'partials/a.hbs': '{{> b}}', 'partials/b.hbs': 'b\n{{> a}}' }),
      {},
      budget({ partialDepth: 5 }),
    );
    assert.throws(
      () => env.render('r.hbs', {}),
      fails('TEMPLATE_RECURSION', /partials\/a\.hbs:1: partials nested more than 5 deep \('b' includes itself\): a > b > a > b > \.\.\./),
    );
  });

  it('an inline partial including itself is caught the same way', () => {
    const env = createEnvironment(templates({ 'r.hbs': '{{#*inline "loop"}}x{{> loop}}{{/inline}}\n{{> loop}}' }));
    assert.throws(() => env.render('r.hbs', {}), fails('TEMPLATE_RECURSION', /r\.hbs:1: .*'loop' includes itself/));
  });

  it('partials nested exactly as deep as the limit render', () => {
    const files: Record<string, string> = { 'r.hbs': '{{> p1}}' };
    for (let i = 1; i < 3; i++) files[`partials/p${i}.hbs`] = `${i} {{> p${i + 1}}}`;
    files['partials/p3.hbs'] = '3';
    assert.equal(createEnvironment(templates(files), {}, budget({ partialDepth: 3 })).render('r.hbs', {}), '1 2 3');
    assert.throws(
      () => createEnvironment(templates(files), {}, budget({ partialDepth: 2 })).render('r.hbs', {}),
      fails('TEMPLATE_RECURSION', /more than 2 deep: p1 > p2 > p3$/),
    );
  });

  it('a stack exhausted anyway (no depth limit) is TEMPLATE_RECURSION, never INTERNAL', () => {
    const env = createEnvironment(
      templates({ 'r.hbs': '{{> self}}', 'partials/self.hbs': '{{> self}}' }),
      {},
      budget({ partialDepth: Number.POSITIVE_INFINITY }),
    );
    assert.throws(() => env.render('r.hbs', {}), fails('TEMPLATE_RECURSION', /the template recursed until the JavaScript stack ran out/));
  });

  it('each render has its own budget: a render after a failed one starts afresh', () => {
    const env = createEnvironment(templates({ 'r.hbs': nested(2, '{{this}}') }), {}, budget({ outputChars: 10_000 }));
    assert.throws(() => env.render('r.hbs', { list: Array.from({ length: 200 }, (_, i) => i) }));
    assert.ok(env.render('r.hbs', { list: [1, 2] }).includes('1212'));
  });
});
