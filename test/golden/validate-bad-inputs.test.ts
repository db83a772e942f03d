/**
 * Golden files for `infracast validate` on bad input (issue: Foundation, "Bad input"): each case
 * gives a clear error with file:line:col and exit 1, never a stack trace. The expected output is
 * in test/golden/validate/<case>.txt; regenerate on purpose with UPDATE_GOLDEN=1 and review the diff.
 */
import assert from 'node:assert/strict';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { fixturesDir, goldenDir } from '../support/paths.js';

const root = mkdtempSync(join(tmpdir(), 'infracast-bad-'));
cpSync(join(fixturesDir, 'bad-inputs'), root, { recursive: true });
// Cases that cannot be committed as files: a 50 MB file, and symlinks out of the workspace.
const outside = mkdtempSync(join(tmpdir(), 'infracast-outside-'));
writeFileSync(join(outside, 'secret.png'), 'not yours');
writeFileSync(join(outside, 'definition.yaml'), 'type: gap\n');
const fd = openSync(join(root, 'reports', 'huge.yaml'), 'w');
writeSync(fd, 'type: gap\n', 50 * 1024 * 1024);
closeSync(fd);
mkdirSync(join(root, 'assets'), { recursive: true });
symlinkSync(join(outside, 'secret.png'), join(root, 'assets', 'link.png'));
writeFileSync(join(root, 'reports', 'outside-symlink.yaml'), 'type: framework\nformat: md\noptions:\n  organization_logo: assets/link.png\n');
symlinkSync(join(outside, 'definition.yaml'), join(root, 'reports', 'linked-definition.yaml'));

/** Output with the machine-specific temp folders replaced, so the golden files are stable. */
function normalise(text: string, workspace = root): string {
  return text.split(outside).join('<outside>').split(workspace).join('<workspace>');
}

function check(name: string, args: string[], expectedExit: number, workspace = root): void {
  it(`${name} -> exit ${expectedExit}`, () => {
    const result = runCli(['validate', ...args, '--at', '2026-11-29'], { cwd: workspace });
    const actual = normalise(`$ infracast validate ${args.join(' ')} --at 2026-11-29\nexit ${result.status}\n${result.stdout}${result.stderr}`, workspace);
    assert.doesNotMatch(actual, /^\s+at .*\(.*:\d+:\d+\)$/m, 'no stack trace');
    const golden = join(goldenDir, 'validate', `${name}.txt`);
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
      mkdirSync(join(goldenDir, 'validate'), { recursive: true });
      writeFileSync(golden, actual);
    }
    assert.equal(actual, readFileSync(golden, 'utf8'));
    assert.equal(result.status, expectedExit);
  });
}

describe('validate: every bad input gives file:line:col, a hint and exit 1', () => {
  const cases: [string, string][] = [
    ['malformed-yaml', 'reports/malformed.yaml'],
    ['tab-indented', 'reports/tab-indent.yaml'],
    ['duplicate-key', 'reports/duplicate-key.yaml'],
    ['wrong-type', 'reports/wrong-type.yaml'],
    ['unknown-key', 'reports/unknown-key.yaml'],
    ['misspelled-option', 'reports/misspelled-option.yaml'],
    ['unknown-framework', 'reports/unknown-framework.yaml'],
    ['unknown-report-type', 'reports/unknown-type.yaml'],
    ['unknown-format', 'reports/unknown-format.yaml'],
    ['unknown-subtype', 'reports/unknown-subtype.yaml'],
    ['invalid-timezone', 'schedules/bad-timezone.yaml'],
    ['invalid-time-of-day', 'schedules/bad-time.yaml'],
    ['empty-file', 'reports/empty.yaml'],
    ['comments-only-file', 'reports/comments-only.yaml'],
    ['binary-file', 'reports/binary.yaml'],
    ['file-50mb', 'reports/huge.yaml'],
    ['yaml-bomb', 'reports/alias-bomb.yaml'],
    ['reference-outside-dotdot', 'reports/outside-dotdot.yaml'],
    ['reference-outside-symlink', 'reports/outside-symlink.yaml'],
    ['definition-symlinked-from-outside', 'reports/linked-definition.yaml'],
    ['schedule-missing-definition', 'schedules/missing-definition.yaml'],
    ['duplicate-output-name', 'reports/duplicate-name.yaml'],
    ['obsolete-fouo-marking', 'reports/obsolete-marking.yaml'],
    ['unknown-severity-in-list', 'reports/unknown-severity.yaml'],
    ['unterminated-quote', 'reports/unterminated-quote.yaml'],
    ['windows-reserved-name', 'reports/reserved-name.yaml'],
    ['output-name-differs-by-case', 'reports/Case-Twin.yaml'],
    ['empty-output-name', 'reports/empty-output-name.yaml'],
    ['publisher-output-name', 'reports/index.json.yaml'],
  ];
  for (const [name, file] of cases) check(name, [file], 1);
  check('expired-attestation-warns', ['attestations/expired.yaml'], 0);
  check('expired-attestation-strict', ['attestations/expired.yaml', '--strict'], 1);
  check('whole-workspace', ['.'], 1);
});

/**
 * The output folders of issue 12 ("Nothing lost, ever"): with `output: .` a definition named
 * Controls replaced controls/. Each case is the fixture's infracast.yaml with one `output:` line,
 * a control statement and that definition.
 */
function outputWorkspace(output: string | undefined): string {
  const workspace = mkdtempSync(join(tmpdir(), 'infracast-output-'));
  const config = readFileSync(join(fixturesDir, 'bad-inputs', 'infracast.yaml'), 'utf8');
  writeFileSync(join(workspace, 'infracast.yaml'), output === undefined ? config : `${config}output: ${output}\n`);
  mkdirSync(join(workspace, 'controls'));
  writeFileSync(join(workspace, 'controls', 'ac-2.yaml'), 'framework: nist-800-53\ncontrol: AC-2\nstatement: Accounts are managed centrally.\n');
  mkdirSync(join(workspace, 'reports'));
  writeFileSync(join(workspace, 'reports', 'controls.yaml'), 'name: Controls\ntype: gap\nformat: md\n');
  return workspace;
}

describe('validate: the output folder is never the workspace, around it, or one of its folders; names too long to publish', () => {
  const cases: [string, string][] = [
    ['output-is-the-root', '.'],
    ['output-contains-the-workspace', '..'],
    ['output-is-controls', 'controls'],
    ['output-dotdot-into-controls', 'out/../controls'],
    ['output-windows-separators-into-controls', "'out\\..\\controls'"],
    ['output-inside-the-state-folder', '.infracast/x'],
    ['output-outside-the-workspace', '../elsewhere'],
  ];
  for (const [name, output] of cases) check(name, ['.'], 1, outputWorkspace(output));
  // A 241-byte output name (the file name; name: is limited to 200 characters): a file some
  // checkouts (Windows, 260-character paths) could not hold, so it is made here, in a workspace of
  // its own so that the other cases' lists of definitions stay readable.
  const long = outputWorkspace(undefined);
  writeFileSync(join(long, 'reports', `${'l'.repeat(241)}.yaml`), 'type: gap\n');
  check('output-name-241-bytes', ['.'], 1, long);
  const linked = outputWorkspace(undefined);
  symlinkSync(join(linked, 'controls'), join(linked, 'out'));
  check('output-symlink-into-controls', ['.'], 1, linked);
});
