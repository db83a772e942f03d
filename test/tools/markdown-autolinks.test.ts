/**
 * Bare URLs in finding text (issue 12) through the Markdown renderers that autolink plain text:
 * GitHub's cmark-gfm with its autolink extension, pandoc's GFM reader and its Markdown reader with
 * autolink_bare_uris, markdown-it with linkify. A rendered report must carry no link that its
 * finding text made: every href left is an in-document anchor of the report itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { escapeMarkdown } from '../../src/templating/markdown-escape.js';
import { runCli } from '../support/cli.js';
import { BARE_URLS, workspaceWithFindingText } from '../support/hostile-text.js';
import { missingToolsReason } from '../support/tools.js';

const skip = missingToolsReason({ what: 'cmark-gfm', candidates: ['cmark-gfm'] }, { what: 'pandoc', candidates: ['pandoc'] });

/** Markdown to HTML by each renderer. */
const RENDERERS: [string, (markdown: string) => string][] = [
  ['cmark-gfm (GitHub)', (md) => tool('cmark-gfm', ['-e', 'autolink', '-e', 'table', '-e', 'strikethrough'], md)],
  ['pandoc -f gfm', (md) => tool('pandoc', ['-f', 'gfm', '-t', 'html'], md)],
  ['pandoc -f markdown+autolink_bare_uris', (md) => tool('pandoc', ['-f', 'markdown+autolink_bare_uris', '-t', 'html'], md)],
  ['markdown-it (linkify)', (md) => new MarkdownIt({ html: false, linkify: true }).render(md)],
];

function tool(command: string, args: string[], input: string): string {
  const result = spawnSync(command, args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

const hrefs = (html: string): string[] => [...html.matchAll(/<a\s[^>]*href="([^"]*)"/g)].map((m) => m[1]!);

describe('bare URLs in finding text are not links in any Markdown renderer', { skip }, () => {
  it('the escaped strings: no link; the same strings unescaped: links (the check can fail)', () => {
    const escaped = BARE_URLS.map((u) => `Text: ${escapeMarkdown(u)}`).join('\n\n');
    const raw = BARE_URLS.map((u) => `Text: ${u}`).join('\n\n');
    for (const [name, render] of RENDERERS) {
      assert.deepEqual(hrefs(render(escaped)), [], name);
      assert.ok(hrefs(render(raw)).length > 0, `${name} links some of the raw strings`);
    }
  });

  it('a rendered report with URLs in every text field of a finding', () => {
    const root = workspaceWithFindingText(BARE_URLS.join(' '), 'md');
    const result = runCli(['render'], { cwd: root, env: { SOURCE_DATE_EPOCH: String(Date.parse('2026-11-29T12:00:00Z') / 1000) } });
    assert.equal(result.status, 0, result.stderr);
    for (const report of ['framework', 'gap', 'remediation', 'poam']) {
      const markdown = readFileSync(join(root, 'out', report, `${report}.md`), 'utf8');
      assert.match(markdown, /evil\\\.example\\\.com/, `${report}: the finding text is in the report`);
      for (const [name, render] of RENDERERS) {
        const html = render(markdown);
        assert.match(html, /https:\/\/evil\.example\.com\/fix\.sh/, `${report}, ${name}: the URL is shown as text`);
        const links = hrefs(html).filter((href) => !href.startsWith('#'));
        assert.deepEqual(links, [], `${report}, ${name}`);
      }
    }
  });
});
