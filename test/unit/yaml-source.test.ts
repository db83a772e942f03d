import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_YAML_BYTES, parseYamlText, readYamlFile } from '../../src/io/yaml-source.js';

const dir = mkdtempSync(join(tmpdir(), 'infracast-yaml-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const codes = (r: { diagnostics: { code: string }[] }): string[] => r.diagnostics.map((d) => d.code);

describe('reading YAML definition files safely', () => {
  it('parses a multi-document stream with positions for each node', () => {
    const r = parseYamlText('x.yaml', 'type: framework\noptions:\n  title: A\n---\ntype: gap\n---\n');
    assert.equal(r.documents.length, 2, 'trailing empty document ignored');
    assert.deepEqual(r.documents[0]?.locate(['options', 'title']), { line: 3, col: 10 });
    assert.deepEqual(r.documents[0]?.locate(['options', 'title'], 'key'), { line: 3, col: 3 });
    assert.deepEqual(r.documents[1]?.locate(['type']), { line: 5, col: 7 });
    assert.equal(r.documents[1]?.count, 2);
  });
  it('points at the deepest existing ancestor for a missing path', () => {
    const r = parseYamlText('x.yaml', 'a:\n  b: 1\n');
    assert.deepEqual(r.documents[0]?.locate(['a', 'missing']), { line: 2, col: 3 });
  });
  it('reads YAML 1.2: dates and times stay strings', () => {
    const r = parseYamlText('x.yaml', 'd: 2026-04-24\nt: 07:00\n');
    assert.deepEqual(r.documents[0]?.value, { d: '2026-04-24', t: '07:00' });
  });
  it('strips a UTF-8 byte order mark', () => {
    assert.deepEqual(parseYamlText('x.yaml', '\ufefftype: gap\n').documents[0]?.value, { type: 'gap' });
  });
  it('refuses tab indentation with its line and column', () => {
    const r = parseYamlText('x.yaml', 'options:\n\ttitle: A\n');
    assert.deepEqual(codes(r), ['yaml-tab-indent']);
    assert.equal(r.diagnostics[0]?.line, 2);
  });
  it('refuses duplicate keys and names the key', () => {
    const r = parseYamlText('x.yaml', 'type: gap\nformat: md\ntype: framework\n');
    assert.deepEqual(codes(r), ['yaml-duplicate-key']);
    assert.match(r.diagnostics[0]?.message ?? '', /'type'/);
    assert.equal(r.diagnostics[0]?.line, 3);
  });
  it('reports malformed YAML at the place', () => {
    const r = parseYamlText('x.yaml', 'options: [a, b\nformat: md\n');
    assert.equal(r.diagnostics[0]?.code, 'yaml-syntax');
  });
  it('refuses an alias bomb beyond the budget', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
    ])
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    const r = parseYamlText('bomb.yaml', `${lines.join('\n')}\n`);
    assert.deepEqual(codes(r), ['alias-budget']);
    assert.equal(r.diagnostics[0]?.line, 2, 'points at the first alias');
  });
  it('accepts a few aliases', () => {
    const r = parseYamlText('x.yaml', 'base: &b {title: A}\nother: *b\n');
    assert.deepEqual(codes(r), []);
  });
  it('says an empty file (or one with only comments) is empty', async () => {
    assert.deepEqual(codes(await readYamlFile(file('empty.yaml', ''))), ['empty-file']);
    assert.deepEqual(codes(await readYamlFile(file('comments.yaml', '# nothing here\n'))), ['empty-file']);
  });
  it('refuses binary and non-UTF-8 files without parsing them', async () => {
    assert.deepEqual(codes(await readYamlFile(file('bin.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01])))), ['binary-file']);
    assert.deepEqual(codes(await readYamlFile(file('latin1.yaml', Buffer.from('title: caf\xe9\n', 'latin1')))), ['not-utf8']);
  });
  it('refuses a 50 MB file without reading it into memory', async () => {
    const path = join(dir, 'huge.yaml');
    const fd = openSync(path, 'w');
    writeSync(fd, 'a: 1\n', 50 * 1024 * 1024 - 5);
    closeSync(fd);
    const before = process.memoryUsage().rss;
    const r = await readYamlFile(path);
    assert.deepEqual(codes(r), ['file-too-large']);
    assert.match(r.diagnostics[0]?.message ?? '', /50\.0 MB/);
    assert.ok(process.memoryUsage().rss - before < MAX_YAML_BYTES * 8, 'did not load the file');
  });
});
