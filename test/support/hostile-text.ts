/** Hostile finding text for the tests of issue 12 ("hostile content renders inert"). */
import { makeWorkspace } from './workspace.js';

/**
 * Bare URLs in finding text: GFM autolinks `www.`, `http(s)://` and e-mail addresses,
 * markdown-it with linkify also bare domains (`golang.org/x/text`, `main.py`) and `//host`, pandoc's
 * autolink_bare_uris any registered scheme (`javascript:`, `data:`, `urn:`). The escapes render as
 * the same visible text; test/tools/markdown-autolinks.test.ts proves it with cmark-gfm and pandoc.
 */
export const BARE_URLS: string[] = [
  'see https://evil.example.com/fix.sh now',
  'HTTPS://EVIL.EXAMPLE.COM/X',
  'ftp://files.example.com/a',
  'www.example.com and WWW.EXAMPLE.COM',
  'www.1example.com',
  'fetch golang.org/x/text or sub.example.com',
  'run main.py',
  '//localhost/x and //example.com/y',
  'mail user@example.com or mailto:user@example.com or xmpp:user@example.com',
  'javascript:alert(1) data:text/html;base64,PHNjcmlwdD4= file:///etc/passwd urn:isbn:0451450523 tel:+15551234',
  'http:example.com news:comp.lang',
  'fetch("http://127.0.0.1:9/s")',
  '<https://example.com/angle>',
  'http://[::1]:8080/x',
  'пример.рф and xn--e1afmkfd.xn--p1ai',
];

/**
 * A workspace whose one finding carries `text` in its title, description and remediation, with
 * the report types that show finding text (framework, gap, remediation, POA&M) in `formats`.
 */
export function workspaceWithFindingText(text: string, formats: string): string {
  const finding = {
    id: 'evil-1',
    title: `Title ${text}`,
    description: `Description ${text}`,
    remediation: `Remediation ${text}`,
    result: 'FAIL',
    severity: 'HIGH',
    rule_id: 'evil.rule',
    resource: { id: 'arn:aws:s3:::evil', type: 'AwsS3Bucket' },
    controls: { 'nist-800-53': ['AC-2'] },
    tool: { name: 'evil-scanner', version: '1' },
    observed_at: '2026-11-20T00:00:00Z',
  };
  return makeWorkspace({
    'findings/evil.json': JSON.stringify({ findings: [finding] }),
    'reports/framework.yaml': `type: framework\nframework: nist-800-53\nbaseline: low\nformats: [${formats}]\noptions: {include_remediation: true}\n`,
    'reports/gap.yaml': `type: gap\nframework: nist-800-53\nbaseline: low\nformats: [${formats}]\noptions: {include_remediation: true}\n`,
    'reports/remediation.yaml': `type: remediation\nformats: [${formats}]\noptions: {include_remediation: true}\n`,
    'reports/poam.yaml': `type: poam\nformats: [${formats}]\n`,
  });
}
