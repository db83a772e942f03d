/** Template rules of DESIGN.md "Rendering": Markdown escaping, no prototype access, overrides. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { InfracastError } from '../../src/errors.js';
import { createEnvironment } from '../../src/templating/environment.js';
import { escapeMarkdown } from '../../src/templating/markdown-escape.js';

/** The hostile strings of the fixture, each with what the Markdown must contain. */
const HOSTILE: [string, string][] = [
  ['<script>alert(1)</script>', '\\<script\\>alert(1)\\</script\\>'],
  ['[click](javascript:alert(1))', '\\[click\\](javascript:alert(1))'],
  ['![x](http://127.0.0.1:9/t)', '\\!\\[x\\](http://127.0.0.1:9/t)'],
  ['iam_root_mfa _emph_ *bold*', 'iam_root_mfa \\_emph\\_ \\*bold\\*'],
  ['2.0% and 3.1.1', '2.0% and 3.1.1'],
  ['a | b', 'a \\| b'],
  ['`code`', '\\`code\\`'],
  ['<!-- hidden -->', '\\<\\!-- hidden --\\>'],
  ['{{constructor}}', '\\{\\{constructor\\}\\}'],
  ['line 1\nline 2', 'line 1 line 2'],
  ['# not a heading', '\\# not a heading'],
  ['1. not a list', '1\\. not a list'],
  ['- not a list', '\\- not a list'],
  ['&lt;b&gt;', '\\&lt;b\\&gt;'],
];

describe('Markdown escaping of untrusted text', () => {
  for (const [input, expected] of HOSTILE) {
    it(JSON.stringify(input), () => assert.equal(escapeMarkdown(input), expected));
  }
  it('renders inert through markdown-it (html off, as the renderers use it): no link, image, script or comment', () => {
    const md = new MarkdownIt({ html: false, linkify: false });
    for (const [input] of HOSTILE) {
      const html = md.render(`| cell |\n|---|\n| ${escapeMarkdown(input)} |\n\nText: ${escapeMarkdown(input)}\n`);
      assert.doesNotMatch(html, /<a |<img |<script|<!--|<h1|<ol|<ul|<code/, `${input} -> ${html}`);
      assert.equal((html.match(/<td>/g) ?? []).length, 1, `${input} stays in one table cell`);
    }
  });
});

function folders(files: Record<string, string>, workspaceFiles: Record<string, string> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'infracast-tpl-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, 'builtin', 'partials'), { recursive: true });
    writeFileSync(join(root, 'builtin', name), text);
  }
  for (const [name, text] of Object.entries(workspaceFiles)) {
    mkdirSync(join(root, 'workspace', 'partials'), { recursive: true });
    writeFileSync(join(root, 'workspace', name), text);
  }
  return { builtIn: join(root, 'builtin'), workspace: join(root, 'workspace') };
}

describe('the template environment', () => {
  it('{{x}} and helper results are Markdown-escaped; partials render', () => {
    const env = createEnvironment(folders({ 'r.hbs': '# {{title}}\n{{upper title}}\n{{> row}}', 'partials/row.hbs': '| {{title}} |' }), {
      upper: (value: unknown) => String(value).toUpperCase(),
    });
    assert.equal(env.render('r.hbs', { title: '[x](y)' }), '# \\[x\\](y)\n\\[X\\](Y)\n| \\[x\\](y) |');
  });
  it('{{{x}}} accepts only pre-rendered output', () => {
    const env = createEnvironment(folders({ 'r.hbs': '{{{title}}}' }));
    assert.throws(() => env.render('r.hbs', { title: '<b>' }), /triple-stash is reserved/);
  });
  it('a template reaching constructor is rejected at load with template:line:col', () => {
    const env = createEnvironment(folders({ 'r.hbs': 'Title\n  {{title.constructor}}\n' }));
    assert.throws(
      () => env.render('r.hbs', { title: 'x' }),
      (e: unknown) => e instanceof InfracastError && e.code === 'TEMPLATE_INVALID' && /r\.hbs:2:5: template reaches 'constructor'/.test(e.message),
    );
    for (const text of ['{{#with __proto__}}x{{/with}}', '{{lookup this "prototype"}}', '{{x.[constructor]}}']) {
      const bad = createEnvironment(folders({ 'r.hbs': text }));
      assert.throws(() => bad.render('r.hbs', {}), InfracastError, text);
    }
  });
  it("the workspace's copy of a template or partial wins", () => {
    const f = folders(
      { 'r.hbs': 'built-in {{> p}}', 'partials/p.hbs': 'built-in partial' },
      { 'r.hbs': 'workspace {{> p}}', 'partials/p.hbs': 'workspace partial' },
    );
    assert.equal(createEnvironment(f).render('r.hbs', {}), 'workspace workspace partial');
    assert.equal(createEnvironment({ builtIn: f.builtIn }).render('r.hbs', {}), 'built-in built-in partial');
  });
});
