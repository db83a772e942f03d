import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { controlFileText, controlMarkdown } from '../../src/app/ssp-control-files.js';
import { loadWorkspace } from '../../src/app/load-workspace.js';
import { parseControlMarkdown } from '../../src/io/control-markdown.js';
import { parseYamlText } from '../../src/io/yaml-source.js';
import { makeWorkspace } from '../support/workspace.js';

const AT = new Date('2026-12-06T00:00:00Z');

const AC2_MD = `---
framework: nist-800-53
control: AC-2
status: implemented
responsible_roles: [isso]
parameters:
  ac-02_odp.06: 24 hours
---
Accounts are managed in Okta.

## Part a

Four account types:

- workforce (Okta)
- service identities

### Component okta

Okta groups are the account types.

## Part b

Each group has an owner.

## Component okta

Okta is the identity provider.
`;

const AC2_YAML = `framework: nist-800-53
control: AC-2
status: implemented
responsible_roles: [isso]
parameters:
  ac-02_odp.06: 24 hours
statement: Accounts are managed in Okta.
parts:
  a: |-
    Four account types:

    - workforce (Okta)
    - service identities
  b: Each group has an owner.
by_component:
  okta:
    statement: Okta is the identity provider.
    parts:
      a: Okta groups are the account types.
`;

const valueOf = (file: string, text: string): unknown => {
  const parsed = parseControlMarkdown(file, text);
  assert.deepEqual(parsed.diagnostics, []);
  return parsed.documents[0]!.value;
};

describe('control statements in Markdown', () => {
  it('give exactly the value of the YAML form', () => {
    assert.deepEqual(valueOf('ac-2.md', AC2_MD), parseYamlText('ac-2.yaml', AC2_YAML).documents[0]!.value);
  });

  it('point body values at their heading and front matter at its YAML position', () => {
    const doc = parseControlMarkdown('ac-2.md', AC2_MD).documents[0]!;
    assert.deepEqual(doc.locate(['statement']), { line: 9, col: 1 });
    assert.deepEqual(doc.locate(['parts', 'b']), { line: 22, col: 1 });
    assert.deepEqual(doc.locate(['by_component', 'okta', 'parts', 'a']), { line: 18, col: 1 });
    assert.deepEqual(doc.locate(['by_component', 'okta', 'statement']), { line: 26, col: 1 });
    assert.deepEqual(doc.locate(['parameters', 'ac-02_odp.06']), { line: 7, col: 17 });
    assert.deepEqual(doc.locate(['status'], 'key'), { line: 4, col: 1 });
  });

  it('read no heading inside a fenced code block or an HTML comment, and keep them as written', () => {
    const text = [
      '---',
      'framework: nist-800-53',
      'control: AC-2',
      '---',
      '## Part a',
      '',
      '```yaml',
      '## Part b',
      '```',
      '~~~~',
      '## Component x',
      '```',
      '~~~~',
      '<!--',
      '## Part c',
      '-->',
      '#### Details',
      'kept   ',
    ].join('\r\n');
    const value = valueOf('x.md', text) as { parts: Record<string, string> };
    assert.deepEqual(Object.keys(value.parts), ['a']);
    assert.equal(value.parts.a, '```yaml\n## Part b\n```\n~~~~\n## Component x\n```\n~~~~\n<!--\n## Part c\n-->\n#### Details\nkept');
  });

  it('keep hostile text as text: HTML, template syntax, YAML look-alikes, prototype keys', () => {
    const body = '<script>alert(1)</script>\n{{constructor.constructor}}\nkey: value\n---\n\\## Part z';
    const value = valueOf('x.md', `---\nframework: nist-800-53\ncontrol: AC-2\n---\n## Part __proto__\n\n${body}\n`) as Record<string, unknown>;
    const parts = value.parts as Record<string, string>;
    assert.equal(Object.getPrototypeOf(parts), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(parts, '__proto__')?.value, body);
  });

  it('report front matter problems at their YAML position', () => {
    const bad = parseControlMarkdown('x.md', '---\nframework: nist-800-53\nframework: nist-800-171\n---\ntext\n');
    assert.deepEqual(
      bad.diagnostics.map((d) => `${d.line}:${d.col}:${d.code}`),
      ['3:1:yaml-duplicate-key'],
    );
    assert.equal(parseControlMarkdown('x.md', 'no front matter\n').diagnostics[0]?.code, 'markdown-front-matter');
    assert.equal(parseControlMarkdown('x.md', '---\nframework: x\n').diagnostics[0]?.code, 'markdown-front-matter');
  });

  it('report heading mistakes at their line', () => {
    const text = '---\nframework: nist-800-53\ncontrol: AC-2\n---\n# AC-2\n## Part a\ntext\n### Part b\n## Part a\nagain\n## Notes\n## Part c\n';
    const found = parseControlMarkdown('x.md', text).diagnostics.map((d) => `${d.line}:${d.code}`);
    assert.deepEqual(found, ['5:markdown-heading', '8:markdown-heading', '9:markdown-duplicate', '11:markdown-heading', '12:markdown-empty-section']);
    const orphan = parseControlMarkdown('x.md', '---\nframework: nist-800-53\ncontrol: AC-2\n---\n### Component okta\ntext\n');
    assert.deepEqual(
      orphan.diagnostics.map((d) => `${d.line}:${d.code}`),
      ['5:markdown-heading'],
    );
  });

  it('refuse the body keys in the front matter when the body writes them too', () => {
    const text = '---\nframework: nist-800-53\ncontrol: AC-2\nparts:\n  a: x\n---\n## Part a\ny\n## Part b\nz\n';
    const found = parseControlMarkdown('x.md', text).diagnostics;
    assert.deepEqual(
      found.map((d) => `${d.line}:${d.code}`),
      ['7:markdown-duplicate'],
    );
  });

  it('are written so that they read back to the same value; text the form cannot hold is written as YAML', () => {
    const value = valueOf('ac-2.md', AC2_MD) as Record<string, unknown>;
    const written = controlMarkdown(value);
    assert.deepEqual(valueOf('again.md', written), value);
    assert.equal(controlMarkdown(valueOf('again.md', written) as Record<string, unknown>), written);
    assert.match(
      written,
      /^---\nframework: nist-800-53\ncontrol: AC-2\n[^]*\n---\n\nAccounts are managed in Okta\.\n\n## Part a\n\nFour account types:\n\n- workforce \(Okta\)\n/,
    );
    assert.equal(controlFileText(value, 'md').format, 'md');
    const tricky = { ...value, statement: 'line\n## Part c\nmore' };
    const asYaml = controlFileText(tricky, 'md');
    assert.equal(asYaml.format, 'yaml');
    assert.deepEqual(parseYamlText('x.yaml', asYaml.text).documents[0]!.value, tricky);
  });

  it('in a workspace: schema errors, unknown parts and TODOs point into the .md file', async () => {
    const root = makeWorkspace({
      'controls/ac-2.md':
        '---\nframework: nist-800-53\ncontrol: AC-2\nstatus: planned\nplanned_completion_date: 2027-01-31\nremarks: "TODO: the plan"\n---\n## Part a\nTODO\n\n## Part z\ntext\n',
      'controls/ac-4.md': '---\nframework: nist-800-53\ncontrol: AC-4\nstatus: done\n---\nFlows are enforced by security groups.\n',
      'controls/ac-3.md': '---\nframework: nist-800-53\ncontrol: AC-3\nstatus: implemented\n---\nEnforced by IAM.\n',
      'controls/README.md': '# Our statements\n',
    });
    const workspace = await loadWorkspace(root, { at: AT });
    const found = workspace.diagnostics.map((d) => `${d.file.slice(root.length + 1)}:${d.line}:${d.col}:${d.severity}:${d.code}`);
    assert.deepEqual(found, [
      'controls/ac-2.md:8:1:warning:unfinished-statement',
      'controls/ac-2.md:11:1:error:unknown-part',
      'controls/ac-4.md:4:9:error:invalid-value',
    ]);
    assert.ok(workspace.files.every((f) => !f.endsWith('README.md')));
  });
});
