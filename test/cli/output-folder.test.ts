/**
 * The data-loss scenarios of issue 12 ("Nothing lost, ever"), through the real CLI: an output
 * folder that is the workspace root or one of its folders let a definition named Controls (or
 * History) replace controls/ (or the history folder). Each is now refused before anything is
 * written: the whole workspace is byte for byte as it was.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MARKER } from '../../src/app/transaction.js';
import { runCli } from '../support/cli.js';
import { MINIMAL_CONFIG, makeWorkspace, snapshotTree } from '../support/workspace.js';

const env = { SOURCE_DATE_EPOCH: String(Date.parse('2026-11-29T12:00:00Z') / 1000) };
const CONTROL = 'framework: nist-800-53\ncontrol: AC-2\nstatement: Accounts are managed through the identity provider.\n';

/** A workspace with control statements, 22 history snapshots and a definition named `name`. */
function workspace(name: string, configLines = ''): string {
  const files: Record<string, string> = {
    'infracast.yaml': `${MINIMAL_CONFIG}${configLines}`,
    'controls/ac-2.yaml': CONTROL,
    'controls/ac-3.yaml': CONTROL.replace('AC-2', 'AC-3'),
    [`reports/${name.toLowerCase()}.yaml`]: `name: ${name}\ntype: gap\nformat: md\n`,
  };
  for (let day = 1; day <= 22; day++) {
    files[`.infracast/history/gap/nist-800-53/2026-10-${String(day).padStart(2, '0')}T00-00-00Z.json`] = `{"day": ${day}}\n`;
  }
  return makeWorkspace(files);
}

/** Runs render and asserts the exit code, the message, and that not one file of the workspace changed. */
function refused(root: string, args: string[], exit: number, message: RegExp): void {
  const before = snapshotTree(root);
  const result = runCli(['render', root, ...args], { cwd: root, env });
  assert.equal(result.status, exit, result.stdout + result.stderr);
  assert.match(result.stdout + result.stderr, message);
  assert.deepEqual(snapshotTree(root), before, 'the workspace is untouched');
}

describe('render: the output folder never swallows the workspace', () => {
  it('output: . with a definition named Controls: refused by validate, controls/ untouched', () => {
    const root = workspace('Controls', 'output: .\n');
    refused(root, [], 1, /infracast\.yaml:8:9: error: output folder '\.' is the workspace root: .* \[unsafe-output-folder\]/);
    assert.deepEqual(readdirSync(join(root, 'controls')).sort(), ['ac-2.yaml', 'ac-3.yaml']);
  });
  it('output: .infracast with a definition named History: the 22 history snapshots untouched', () => {
    const root = workspace('History', 'output: .infracast\n');
    refused(root, [], 1, /output folder '\.infracast' is the workspace's folder \.infracast\/ \(state: history snapshots/);
    assert.equal(readdirSync(join(root, '.infracast/history/gap/nist-800-53')).length, 22);
  });
  it('output: controls, .infracast/x, .. and out/../controls are refused', () => {
    for (const [output, message] of [
      ['controls', /is the workspace's folder controls\//],
      ['.infracast/x', /is inside the workspace's folder \.infracast\//],
      ['..', /contains the workspace/],
      ['out/../controls', /is the workspace's folder controls\//],
    ] as const) {
      refused(workspace('Controls', `output: ${output}\n`), [], 1, message);
    }
  });
  it('--out .infracast, --out controls/sub, --out . and --out .. are usage errors (exit 2) naming the folder and the fix', () => {
    const root = workspace('History');
    refused(
      root,
      ['--out', '.infracast'],
      2,
      /^infracast: --out \.infracast is the workspace's folder \.infracast\/ .*\n {2}hint: Give --out a folder of its own/m,
    );
    refused(root, ['--out', 'controls/sub'], 2, /--out controls\/sub is inside the workspace's folder controls\//);
    refused(root, ['--out', '.'], 2, /--out \. is the workspace root/);
    refused(root, ['--out', '..'], 2, /--out \.\. contains the workspace/);
    assert.equal(existsSync(join(root, 'controls', 'sub')), false);
  });
  it('--json carries the usage error', () => {
    const root = workspace('Controls');
    const result = runCli(['render', root, '--out', 'controls', '--json'], { cwd: root, env });
    assert.equal(result.status, 2);
    const error = JSON.parse(result.stdout) as { error: { code: string; exitCode: number; message: string; hints: string[] } };
    assert.equal(error.error.code, 'USAGE');
    assert.equal(error.error.exitCode, 2);
    assert.match(error.error.message, /^--out controls is the workspace's folder controls\//);
  });
  it('a symlinked output folder that leads into controls/ is refused, as output and as --out', () => {
    const root = workspace('Controls');
    symlinkSync(join(root, 'controls'), join(root, 'out'));
    refused(root, [], 1, /the default output folder 'out' \(through a symlink, .*controls\) is the workspace's folder controls\//);
    const other = workspace('Controls');
    symlinkSync(join(other, 'controls'), join(other, 'link'));
    refused(other, ['--out', 'link/reports'], 2, /--out link\/reports \(through a symlink, .*\) is inside the workspace's folder controls\//);
  });
  it('a folder outside the workspace is fine for --out, and out/controls is fine as a definition folder', () => {
    const root = workspace('Controls');
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'infracast-elsewhere-')), 'reports');
    const result = runCli(['render', root, '--out', elsewhere], { cwd: root, env });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.deepEqual(readdirSync(join(elsewhere, 'controls')).sort(), [MARKER, 'controls.md']);
    assert.deepEqual(readdirSync(join(root, 'controls')).sort(), ['ac-2.yaml', 'ac-3.yaml']);
    const inside = runCli(['render', root], { cwd: root, env });
    assert.equal(inside.status, 0, inside.stdout + inside.stderr);
    assert.deepEqual(readdirSync(join(root, 'out', 'controls')).sort(), [MARKER, 'controls.md']);
    assert.deepEqual(readdirSync(join(root, 'controls')).sort(), ['ac-2.yaml', 'ac-3.yaml']);
  });
});

describe('render: names that cannot be published are refused before anything is written', () => {
  it('a Windows device name, a 241-byte name and two names that differ only by case', () => {
    const root = makeWorkspace({ 'reports/a.yaml': 'name: NUL\ntype: gap\nformat: md\n' });
    refused(root, [], 1, /reports\/a\.yaml:1:7: error: output name 'nul' is a Windows device name \(NUL\)/);
    const long = makeWorkspace({ [`reports/${'l'.repeat(241)}.yaml`]: 'type: gap\nformat: md\n' });
    refused(long, [], 1, /gives file names too long to publish: l{241}\.docx\.sigstore\.json is 260 bytes, over the 240-byte limit/);
    // Case twins that can be checked out on a case-insensitive file system: one named by its file, one by name:.
    const twins = makeWorkspace({ 'reports/Gap.yaml': 'type: gap\nformat: md\n', 'reports/other.yaml': 'name: gap\ntype: gap\nformat: md\n' });
    refused(twins, [], 1, /output name 'Gap' differs only by case from 'gap'/);
    assert.equal(existsSync(join(twins, 'out')), false);
  });
  it('a dot-file definition is reported, not rendered', () => {
    const root = makeWorkspace({ 'reports/gap.yaml': 'type: gap\nformat: md\n', 'reports/.draft.yaml': 'type: gap\nformat: md\n' });
    mkdirSync(join(root, 'out'));
    writeFileSync(join(root, 'out', 'keep.txt'), 'x');
    const result = runCli(['render', root], { cwd: root, env });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout + result.stderr, /reports\/\.draft\.yaml:1:1: warning: ignored: dot-files are not read/);
    assert.deepEqual(readdirSync(join(root, 'out')).sort(), ['gap', 'index.json', 'keep.txt']);
  });
});
