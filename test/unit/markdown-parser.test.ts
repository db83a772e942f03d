/** The shared markdown-it configuration: links and images limited as DESIGN.md "Rendering" says. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAllowedLink, markdownParser } from '../../src/renderers/markdown-parser.js';

describe('markdown parser', () => {
  it('allows https, mailto, anchors and attachment names only', () => {
    for (const ok of ['https://example.com/x', 'mailto:isso@acme.com', '#summary', 'logo.svg', 'exec-score-trend.svg']) assert.ok(isAllowedLink(ok), ok);
    for (const bad of [
      'http://127.0.0.1/t',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'data:image/png;base64,AA',
      '../secret.png',
      '/etc/passwd',
      'assets/x.png',
      'vbscript:x',
    ])
      assert.ok(!isAllowedLink(bad), bad);
  });
  it('renders no raw HTML and no link or image to a forbidden target', () => {
    const html = markdownParser().render(
      '<script>x</script> [a](javascript:alert(1)) ![i](http://127.0.0.1:9/t) [f](file:///etc/passwd) https://example.com\n',
    );
    assert.doesNotMatch(html, /<script|href="javascript|src="http|href="file|<a href="https:\/\/example/);
    assert.match(html, /&lt;script&gt;/);
  });
});
