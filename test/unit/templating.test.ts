/** Template rules of DESIGN.md "Rendering": Markdown escaping, no prototype access, overrides. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { InfracastError } from '../../src/errors.js';
import { createEnvironment } from '../../src/templating/environment.js';
import { codeSpan, escapeMarkdown } from '../../src/templating/markdown-escape.js';
import { BARE_URLS } from '../support/hostile-text.js';

/** The hostile strings of the fixture, each with what the Markdown must contain. */
const HOSTILE: [string, string][] = [
  ['<script>alert(1)</script>', '\\<script\\>alert(1)\\</script\\>'],
  ['[click](javascript:alert(1))', '\\[click\\](javascript\\:alert(1))'],
  ['![x](http://127.0.0.1:9/t)', '\\!\\[x\\](http\\://127.0.0.1:9/t)'],
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

/** The visible text of rendered HTML: tags dropped, the entities markdown-it writes decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
}

describe('bare URLs in untrusted text', () => {
  it('markdown-it with linkify (fuzzy links, e-mails, //host) links none of them, and shows the same text', () => {
    const md = new MarkdownIt({ html: false, linkify: true });
    for (const input of BARE_URLS) {
      const html = md.render(`Text: ${escapeMarkdown(input)}\n\n| cell |\n|---|\n| ${escapeMarkdown(input)} |\n`);
      assert.doesNotMatch(html, /<a /, `${input} -> ${html}`);
      const [paragraph] = html.split('\n');
      assert.equal(visibleText(paragraph!).replaceAll('\u2060', ''), `Text: ${input}`, input);
    }
  });
  it('leaves version numbers, IP addresses, times and sentences alone', () => {
    assert.equal(escapeMarkdown('openssl 1.1.1g on 10.0.0.1 at 12:30:00. Done: yes.'), 'openssl 1.1.1g on 10.0.0.1 at 12:30:00. Done: yes.');
    assert.equal(escapeMarkdown('CUI//SP-CTI'), 'CUI//SP-CTI');
    assert.equal(escapeMarkdown('IAM.2 zap.40014'), 'IAM.2 zap.40014');
    assert.equal(escapeMarkdown('www.1example and xwww.1'), 'www\\.1example and xwww.1');
  });
  it('the escapes chosen', () => {
    assert.equal(escapeMarkdown('https://example.com/a'), 'https\\://example\\.com/a');
    assert.equal(escapeMarkdown('www.example.com'), 'www\\.example\\.com');
    assert.equal(escapeMarkdown('//localhost/x'), '\\//localhost/x');
    assert.equal(escapeMarkdown('user@example.com'), 'user@\u2060example\\.com');
    assert.equal(escapeMarkdown('arn:aws:s3:::bucket'), 'arn\\:aws\\:s3\\:::bucket');
  });
  it('a code span shows untrusted text as it is, whatever backticks it holds (a backslash escape would show)', () => {
    const md = new MarkdownIt({ html: false, linkify: true });
    for (const input of ['findings/scan_1.json', 'a`b', '`x', 'x``', ' both ', '<b>*x*</b> https://example.com']) {
      const html = md.renderInline(codeSpan(input));
      assert.equal(html, `<code>${input.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</code>`, `${input} -> ${codeSpan(input)}`);
    }
    assert.equal(codeSpan('findings/a.json'), '`findings/a.json`');
    assert.equal(codeSpan('a`b'), '``a`b``');
    assert.equal(codeSpan(''), '');
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
