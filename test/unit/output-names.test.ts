/**
 * Names that cannot be published are validate errors (issue 12, "Nothing lost, ever"): Windows
 * device names, names too long with their longest artifact name, the publisher's own names, names
 * that differ only by case; dot-file definitions are reported as ignored instead of skipped silently.
 */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_FILE_NAME_BYTES, outputNameProblem, publishedFileNames } from '../../src/app/output-names.js';
import { render } from '../../src/app/render.js';
import { validate } from '../../src/app/validate.js';
import { MARKER } from '../../src/app/transaction.js';
import type { OutputDefinition } from '../../src/model/definitions.js';
import { makeWorkspace } from '../support/workspace.js';

const gap = (outputName: string, frameworks = ['nist-800-53']): Pick<OutputDefinition, 'outputName' | 'kind' | 'type' | 'frameworks' | 'formats'> => ({
  outputName,
  kind: 'Report',
  type: 'gap',
  frameworks,
  formats: ['md'],
});
const problemOf = (outputName: string, rawName?: string): string | undefined => outputNameProblem(gap(outputName), rawName)?.message;

async function diagnosticsFor(files: Record<string, string>, paths?: string[]): Promise<string[]> {
  const root = makeWorkspace(files);
  const result = await validate({ paths: (paths ?? ['.']).map((p) => join(root, p)), at: '2026-11-29' });
  return result.diagnostics.map((d) => `${d.file.slice(root.length + 1)}:${d.line}:${d.col} ${d.severity} ${d.code}: ${d.message}`);
}

describe('output names that cannot be published', () => {
  it('Windows device names, with or without an extension, in any case', () => {
    for (const name of ['con', 'CON', 'prn', 'aux', 'nul', 'com0', 'COM1', 'com9', 'lpt1', 'LPT9', 'com¹', 'lpt³', 'nul.md', 'aux.backup', 'con .x']) {
      assert.match(problemOf(name) ?? '', /is a Windows device name/, name);
    }
    for (const name of ['console', 'com10', 'lpt', 'conference', 'auxiliary', 'nul-report', 'my-con']) assert.equal(problemOf(name), undefined, name);
  });
  it('characters Windows forbids, and a trailing dot or space', () => {
    for (const name of ['a:b', 'a?b', 'a*b', 'a|b', 'a<b', 'a"b', 'a\\b', 'tab\there'])
      assert.match(problemOf(name) ?? '', /a character Windows forbids/, name);
    for (const name of ['trailing.', 'trailing ']) assert.match(problemOf(name) ?? '', /ends with a dot or space/, name);
  });
  it("the publisher's own names: index.json, its temporary names, anything starting with '.'", () => {
    for (const name of ['index.json', 'INDEX.JSON', 'index.json.1234.x1y2.tmp', '.staging-gap-123', '.previous-gap-123', '.hidden']) {
      assert.match(problemOf(name) ?? '', /is kept for the publisher's own files/, name);
    }
    for (const name of ['index', 'index-json', 'indexjson', 'json-index']) assert.equal(problemOf(name), undefined, name);
  });
  it('a name: with no letter or digit would give an empty output name', () => {
    assert.match(problemOf('from-file-name', '!!!') ?? '', /^name '!!!' has no letter or digit \(a-z, 0-9\): its output name would be empty$/);
    assert.match(problemOf('from-file-name', '日本語') ?? '', /its output name would be empty/);
    assert.equal(problemOf('ok', 'OK!'), undefined);
  });
  it(`the longest file name a name gives is at most ${MAX_FILE_NAME_BYTES} bytes`, () => {
    // One framework: the longest is <name>.docx.sigstore.json (19 bytes more; docx and xlsx are the longest formats of gap).
    assert.equal(problemOf('a'.repeat(MAX_FILE_NAME_BYTES - 19)), undefined);
    assert.match(problemOf('a'.repeat(MAX_FILE_NAME_BYTES - 18)) ?? '', /\.docx\.sigstore\.json is 241 bytes, over the 240-byte limit$/);
    // Several frameworks: <name>-<framework>.xlsx.sigstore.json, with the longest framework id.
    const multi = (name: string): string | undefined => outputNameProblem(gap(name, ['soc2', 'fedramp-moderate']), undefined)?.message;
    assert.equal(multi('a'.repeat(MAX_FILE_NAME_BYTES - 36)), undefined);
    assert.match(multi('a'.repeat(MAX_FILE_NAME_BYTES - 35)) ?? '', /-fedramp-moderate\.docx\.sigstore\.json is 241 bytes/);
    // Bytes, not characters: 'é' is 2 bytes in UTF-8, and 3 times that in the history folder's percent-encoding.
    assert.match(problemOf('é'.repeat(80)) ?? '', /%C3%A9.* is 480 bytes/);
    assert.equal(problemOf('é'.repeat(Math.floor(MAX_FILE_NAME_BYTES / 6))), undefined);
  });
  it('the names counted are the names a render writes (executive: charts; several frameworks: one file per framework)', async () => {
    // The longest name this definition gives is <name>-status-by-family-nist-800-53.svg, 33 bytes more than the name: exactly the bound.
    const name = 'n'.repeat(MAX_FILE_NAME_BYTES - 33);
    const root = makeWorkspace({ [`reports/${name}.yaml`]: 'type: executive\nframeworks: [nist-800-53, soc2]\nformats: [md, json]\n' });
    const definition = (await validate({ paths: [root], at: '2026-11-29' })).workspaces[0]!.outputs[0]!;
    assert.equal(outputNameProblem(definition, undefined), undefined);
    const names = publishedFileNames(definition);
    assert.equal(Math.max(...names.map((n) => Buffer.byteLength(n))), MAX_FILE_NAME_BYTES);
    const result = await render({ paths: [root], at: '2026-11-29' });
    assert.equal(result.ok, true, JSON.stringify(result.reports.map((r) => r.error)));
    // The marker file is the publisher's own, a fixed name.
    const written = [name, ...readdirSync(join(root, 'out', name)).filter((f) => f !== MARKER), ...readdirSync(join(root, '.infracast', 'history'))];
    assert.ok(written.length > 5, written.join(', '));
    for (const file of written) assert.ok(names.includes(file), `${file} is written but not counted by publishedFileNames`);
    // One byte more is refused before anything is written.
    writeFileSync(join(root, 'reports', `${name}x.yaml`), 'type: executive\nframeworks: [nist-800-53, soc2]\nformats: [md, json]\n');
    const again = await validate({ paths: [root], at: '2026-11-29' });
    assert.deepEqual(
      again.diagnostics.map((d) => d.code),
      ['unpublishable-name'],
    );
  });
});

describe('validate reports unpublishable names at the name or the file', () => {
  it('at name: when the definition has one, else at the file', async () => {
    assert.deepEqual(await diagnosticsFor({ 'reports/a.yaml': 'name: Con\ntype: gap\n', 'reports/index.json.yaml': 'type: gap\n' }), [
      "reports/a.yaml:1:7 error unpublishable-name: output name 'con' is a Windows device name (CON): no file or folder can be called that on Windows",
      "reports/index.json.yaml:1:1 error unpublishable-name: output name 'index.json' is kept for the publisher's own files (out/index.json, and names starting with '.' such as its .staging-* folders)",
    ]);
  });
  it('an inline schedule definition is named by its schedule', async () => {
    const schedule = 'name: "***"\ntype: gap\nformat: md\nfrequency: weekly\nday: monday\ntime: "07:00"\ntimezone: UTC\nrecipients: [a@example.com]\n';
    const found = await diagnosticsFor({ 'schedules/s.yaml': schedule });
    assert.deepEqual(found, ["schedules/s.yaml:1:7 error unpublishable-name: name '***' has no letter or digit (a-z, 0-9): its output name would be empty"]);
  });
  it('two names that differ only by case (or Unicode normalisation) are one folder on macOS and Windows: both places are reported', async () => {
    assert.deepEqual(await diagnosticsFor({ 'reports/Twin.yaml': 'type: gap\n', 'reports/twin-name.yaml': 'name: twin\ntype: gap\n' }), [
      "reports/Twin.yaml:1:1 error duplicate-name: output name 'Twin' differs only by case from 'twin' at reports/twin-name.yaml:1",
      "reports/twin-name.yaml:1:7 error duplicate-name: output name 'twin' differs only by case from 'Twin' at reports/Twin.yaml:1",
    ]);
    const nfc = 'caf\u00e9';
    const nfd = 'cafe\u0301';
    const found = await diagnosticsFor({ [`reports/${nfc}.yaml`]: 'type: gap\n', [`reports/${nfd}.yaml`]: 'type: gap\n' });
    assert.equal(found.length, 2);
    assert.match(found[0]!, /differs only by case or Unicode normalisation/);
  });
  it('names equal byte for byte stay one duplicate-name error each, as before', async () => {
    const found = await diagnosticsFor({ 'reports/a.yaml': 'name: Same\ntype: gap\n', 'reports/b.yaml': 'name: same\ntype: gap\n' });
    assert.deepEqual(
      found.map((d) => d.replace(/:.*? error/, ' error').replace(/ at .*/, '')),
      ["reports/a.yaml error duplicate-name: output name 'same' is also used", "reports/b.yaml error duplicate-name: output name 'same' is also used"],
    );
  });
});

describe('dot-file definitions are reported as ignored', () => {
  it('a .yaml or .yml dot-file in a definition folder is a warning naming it; other dot-files and dot-folders are not', async () => {
    const found = await diagnosticsFor({
      'reports/.draft.yaml': 'type: gap\n',
      'controls/.old.yml': 'framework: nist-800-53\ncontrol: AC-2\nstatement: x\n',
      'reports/.draft.yaml.swp': 'binary swap file',
      'reports/.gitkeep': '',
      'reports/.archive/old.yaml': 'type: gap\n',
    });
    assert.deepEqual(found, [
      'controls/.old.yml:1:1 warning ignored-file: ignored: dot-files are not read',
      'reports/.draft.yaml:1:1 warning ignored-file: ignored: dot-files are not read',
    ]);
  });
  it('the hint says to rename it', async () => {
    const root = makeWorkspace({ 'reports/.draft.yaml': 'type: gap\n' });
    const [warning] = (await validate({ paths: [root], at: '2026-11-29' })).diagnostics;
    assert.equal(warning?.hint, "Rename it without the leading '.' (draft.yaml) to have it read, or move it out of the workspace's definition folders.");
  });
  it('a dot-file named on the command line is read (and its name, starting with a dot, cannot be published)', async () => {
    assert.deepEqual(await diagnosticsFor({ 'reports/.draft.yaml': 'type: gap\n' }, ['reports/.draft.yaml']), [
      "reports/.draft.yaml:1:1 error unpublishable-name: output name '.draft' is kept for the publisher's own files (out/index.json, and names starting with '.' such as its .staging-* folders)",
    ]);
  });
});
