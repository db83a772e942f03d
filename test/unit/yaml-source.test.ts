import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_YAML_BYTES, parseWithSourceRanges, parseYamlText, readYamlFile } from '../../src/io/yaml-source.js';
import type { PathSegment } from '../../src/io/yaml-source.js';

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
  it('reports an unterminated quoted string at its opening quote, not at the end of the file', () => {
    const cases: [string, string, { line: number; col: number }][] = [
      ['double quotes in a block mapping', 'type: gap\noptions:\n  title: "Q1 report\n  company_name: Acme\n', { line: 3, col: 10 }],
      ['single quotes', "type: gap\ntitle: 'Q1\nformat: md\n", { line: 2, col: 8 }],
      ['in a flow sequence', 'frameworks: ["nist-800-53, soc2]\nformat: md\n', { line: 1, col: 14 }],
      ['after a closed string', 'a: "ok"\nb: "bad\nc: d\n', { line: 2, col: 4 }],
      ['an escaped quote is not a closing one', 'a: "x\\"\n', { line: 1, col: 4 }],
    ];
    for (const [what, text, at] of cases) {
      const r = parseYamlText('x.yaml', text);
      const unterminated = r.diagnostics.filter((d) => d.code === 'yaml-unterminated-string');
      assert.equal(unterminated.length, 1, `${what}: ${JSON.stringify(r.diagnostics)}`);
      assert.deepEqual({ line: unterminated[0]?.line, col: unterminated[0]?.col }, at, what);
      assert.match(unterminated[0]?.message ?? '', /never closed/, what);
    }
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
  it('locates invalid UTF-8 as findings files do: byte offset, line and column, never replaced', async () => {
    const r = await readYamlFile(file('latin1-2.yaml', Buffer.from('type: gap\nname: Caf\xe9 report\n', 'latin1')));
    assert.deepEqual(codes(r), ['not-utf8']);
    assert.deepEqual([r.diagnostics[0]?.line, r.diagnostics[0]?.col], [2, 10]);
    assert.equal(r.diagnostics[0]?.message, 'not valid UTF-8 at byte offset 19 (bytes E9 20 72 65 after "type: gap\\nname: Caf")');
  });
  it('reads UTF-16 (with a BOM or without one, either byte order) as YAML 1.2 allows; names UTF-32', async () => {
    const text = 'type: gap\nname: Café ✓\n';
    const le = Buffer.from(text, 'utf16le');
    for (const bytes of [
      Buffer.concat([Buffer.from([0xff, 0xfe]), le]),
      le,
      Buffer.from(le).swap16(),
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]),
    ]) {
      const r = await readYamlFile(file('utf16.yaml', bytes));
      assert.deepEqual(r.diagnostics, []);
      assert.deepEqual(r.documents[0]?.value, { type: 'gap', name: 'Café ✓' });
    }
    const utf32 = await readYamlFile(file('utf32.yaml', Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0])));
    assert.deepEqual(codes(utf32), ['not-utf8']);
    assert.match(utf32.diagnostics[0]!.message, /^UTF-32LE \(byte order mark FF FE 00 00\), not UTF-8 text$/);
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

describe('the fast parser and the source-range parser agree (one YAML 1.2 core semantics)', () => {
  it('on every YAML file of the examples and fixtures', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { parseAllDocuments } = await import('yaml');
    const { examplesDir, fixturesDir } = await import('../support/paths.js');
    const files = [examplesDir, fixturesDir].flatMap((dir) =>
      readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => join(dir, f)),
    );
    assert.ok(files.length > 40, `found ${files.length} files`);
    let compared = 0;
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      const fast = parseYamlText(path, text);
      if (fast.diagnostics.length > 0) continue; // bad inputs: both paths report through the same parser
      const slow = parseAllDocuments(text, { uniqueKeys: true, strict: true });
      const values = (Array.isArray(slow) ? slow : [slow]).map((d) => d.toJS()).filter((v) => v !== null && v !== undefined);
      assert.deepEqual(
        fast.documents.map((d) => d.value),
        values,
        path,
      );
      // ...and point at the same place for every node, key and value.
      const slowFile = parseWithSourceRanges(path, text);
      fast.documents.forEach((doc, i) => {
        const slowDoc = slowFile.documents[i]!;
        const walk = (value: unknown, at: PathSegment[]): void => {
          assert.deepEqual(doc.locate(at), slowDoc.locate(at), `${path} ${JSON.stringify(at)}`);
          assert.deepEqual(doc.locate(at, 'key'), slowDoc.locate(at, 'key'), `${path} ${JSON.stringify(at)} key`);
          if (Array.isArray(value)) value.forEach((v, j) => walk(v, [...at, j]));
          else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
        };
        walk(doc.value, []);
      });
      compared++;
    }
    assert.ok(compared > 40);
  });
  it('on scalars whose type differs between YAML 1.1 and 1.2', () => {
    const text = 'a: yes\nb: no\nc: on\nd: 2026-04-24\ne: 07:00\nf: 0o17\ng: 017\nh: 0x1F\ni: .inf\nj: ~\nk: 1e3\nl: "1"\nm: True\n';
    assert.deepEqual(parseYamlText('x.yaml', text).documents[0]?.value, {
      a: 'yes',
      b: 'no',
      c: 'on',
      d: '2026-04-24',
      e: '07:00',
      f: 15,
      g: 17,
      h: 31,
      i: Infinity,
      j: null,
      k: 1000,
      l: '1',
      m: true,
    });
  });
});
