/**
 * The output folder can never be, hold or lie inside the workspace's own folders (issue 12,
 * "Nothing lost, ever"): `output: .` with a definition named Controls deleted every control
 * statement. Each case is an output folder as infracast.yaml's `output:` gives it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { describe, it } from 'node:test';
import { guardedFolders, outputDirProblem } from '../../src/app/output-folder.js';
import { validate } from '../../src/app/validate.js';
import { DEFINITION_FOLDERS } from '../../src/schema/kinds.js';
import { overlapOf, physicalPath, windowsReading } from '../../src/io/path-overlap.js';
import { MINIMAL_CONFIG, makeWorkspace } from '../support/workspace.js';

/** The loaded config of a workspace with these extra infracast.yaml lines (and any files). */
async function workspaceWith(configLines = '', files: Record<string, string> = {}) {
  const root = makeWorkspace({
    'infracast.yaml': `${MINIMAL_CONFIG}${configLines}`,
    'controls/ac-2.yaml': 'framework: nist-800-53\ncontrol: AC-2\nstatement: x\n',
    ...files,
  });
  const result = await validate({ paths: [root], at: '2026-11-29' });
  const config = result.workspaces[0]!.config!;
  return { root, config, result };
}

describe('output folder: what it may not be', () => {
  const refused: [string, RegExp][] = [
    ['.', /is the workspace root/],
    ['./', /is the workspace root/],
    ['out/..', /is the workspace root/],
    ['..', /contains the workspace/],
    ['controls', /is the workspace's folder controls\/ \(control implementation statements\)/],
    ['out/../controls', /is the workspace's folder controls\//],
    ['controls/sub', /is inside the workspace's folder controls\//],
    ['Controls', /is the workspace's folder controls\//],
    ['REPORTS/x', /is inside the workspace's folder reports\//],
    ['.infracast', /is the workspace's folder .infracast\//],
    ['.infracast/x', /is inside the workspace's folder .infracast\//],
    ['findings', /is the workspace's folder findings\//],
    ['assets/out', /is inside the workspace's folder assets\//],
    ['templates', /is the workspace's folder templates\//],
    ['.git/out', /is inside the workspace's folder .git\//],
    ['node_modules', /is the workspace's folder node_modules\//],
    ['.github', /is the workspace's folder .github\//],
    // As Windows reads it: `\` is a separator, a trailing dot or space is dropped.
    ['out\\..\\controls', /as Windows reads it, controls\/\) is the workspace's folder controls\//],
    ['controls.', /as Windows reads it, controls\/\) is the workspace's folder controls\//],
    ['schedules ', /as Windows reads it, schedules\/\) is the workspace's folder schedules\//],
  ];
  for (const [output, expected] of refused) {
    it(`output: '${output}' is refused`, async () => {
      const { root, config } = await workspaceWith();
      const problem = outputDirProblem(root, join(root, output), config);
      assert.ok(problem, `output: ${output} should be refused`);
      assert.match(problem.problem, expected);
    });
  }

  const allowed = ['out', 'out/reports', 'published', 'reports-out', 'controls-out', '.out', 'out/controls'];
  for (const output of allowed) {
    it(`output: '${output}' is allowed`, async () => {
      const { root, config } = await workspaceWith();
      assert.equal(outputDirProblem(root, join(root, output), config), undefined);
    });
  }

  it('a folder outside the workspace is allowed (render --out /tmp/reports)', async () => {
    const { root, config } = await workspaceWith();
    assert.equal(outputDirProblem(root, mkdtempSync(join(tmpdir(), 'infracast-elsewhere-')), config), undefined);
  });

  it('the configured state, templates and findings source folders are guarded; a source at the root guards nothing more', async () => {
    const { root, config } = await workspaceWith(
      'state: var/state\ntemplates: design/templates\nfindings:\n  sources: ["data/scans/**/*.json", "exports/scan.sarif", "**/*.csv"]\n',
    );
    assert.match(outputDirProblem(root, join(root, 'var'), config)?.problem ?? '', /contains the workspace's folder var\/state\/ \(state/);
    assert.match(outputDirProblem(root, join(root, 'design/templates'), config)?.problem ?? '', /is the workspace's folder design\/templates\//);
    assert.match(
      outputDirProblem(root, join(root, 'data'), config)?.problem ?? '',
      /contains the workspace's folder data\/scans\/ \(findings source data\/scans/,
    );
    assert.match(outputDirProblem(root, join(root, 'exports'), config)?.problem ?? '', /contains the workspace's folder exports\/scan.sarif\//);
    // `**/*.csv` reads below the root: the root is guarded on its own, out/ stays allowed.
    assert.equal(outputDirProblem(root, join(root, 'out'), config), undefined);
    const shown = guardedFolders(root, config).map((f) => f.path.slice(root.length + 1));
    assert.deepEqual(shown, [
      ...DEFINITION_FOLDERS,
      'findings',
      'data/scans',
      'exports/scan.sarif',
      'assets',
      'design/templates',
      'var/state',
      '.infracast',
      '.git',
      '.github',
      'node_modules',
    ]);
  });

  it('symlinks are resolved: an out/ that links into controls/ is controls/', async () => {
    const { root, config } = await workspaceWith();
    symlinkSync(join(root, 'controls'), join(root, 'out'));
    const problem = outputDirProblem(root, join(root, 'out'), config);
    assert.match(problem?.problem ?? '', /through a symlink, .*controls\) is the workspace's folder controls\//);
    assert.equal(problem?.symlink, physicalPath(join(root, 'controls')));
    // ... and a folder below such a link, which does not exist yet, too.
    assert.match(outputDirProblem(root, join(root, 'out', 'new', 'deeper'), config)?.problem ?? '', /is inside the workspace's folder controls\//);
  });

  it('a guarded folder that is itself a symlink is guarded where it leads', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'infracast-controls-'));
    const { root, config } = await workspaceWith();
    symlinkSync(elsewhere, join(root, 'attestations'));
    assert.match(outputDirProblem(root, elsewhere, config)?.problem ?? '', /is the workspace's folder attestations\//);
    assert.match(outputDirProblem(root, join(elsewhere, 'x'), config)?.problem ?? '', /is inside the workspace's folder attestations\//);
  });

  it('validate reports output: at its line and column, with the fix', async () => {
    const { root, result } = await workspaceWith('output: .\n');
    const found = result.diagnostics.filter((d) => d.code === 'unsafe-output-folder');
    assert.equal(found.length, 1);
    assert.deepEqual([found[0]!.file, found[0]!.line, found[0]!.col, found[0]!.severity], [join(root, 'infracast.yaml'), 8, 9, 'error']);
    assert.match(found[0]!.message, /^output folder '\.' is the workspace root: publishing replaces its <definition>\/ folders/);
    assert.match(found[0]!.hint ?? '', /output: out \(the default\).*controls\/.*\.infracast\//);
    assert.equal(result.ok, false);
  });

  it('validate: an output folder outside the workspace is refused in infracast.yaml, with --out as the way', async () => {
    const { result } = await workspaceWith('output: ../elsewhere\n');
    const found = result.diagnostics.filter((d) => d.code === 'outside-workspace');
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /^output folder '\.\.\/elsewhere' resolves outside the workspace through \.\./);
    assert.match(found[0]!.hint ?? '', /render --out DIR/);
  });

  it('validate: the default out/ is checked too when it is a symlink', async () => {
    const root = makeWorkspace({ 'controls/ac-2.yaml': 'framework: nist-800-53\ncontrol: AC-2\nstatement: x\n' });
    symlinkSync(join(root, 'controls'), join(root, 'out'));
    const result = await validate({ paths: [root], at: '2026-11-29' });
    const found = result.diagnostics.filter((d) => d.code === 'unsafe-output-folder');
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /^the default output folder 'out' \(through a symlink/);
    assert.match(found[0]!.hint ?? '', /or remove the symlink\.$/);
  });
});

describe('path overlap', () => {
  it('compares case-insensitively and after NFC, whatever this file system does', () => {
    assert.equal(overlapOf(`${sep}ws${sep}Controls`, `${sep}ws${sep}controls`), 'same');
    assert.equal(overlapOf(`${sep}ws${sep}caf\u0065\u0301`, `${sep}ws${sep}caf\u00e9`), 'same');
    assert.equal(overlapOf(`${sep}ws${sep}controls${sep}x`, `${sep}ws${sep}controls`), 'inside');
    assert.equal(overlapOf(`${sep}ws`, `${sep}ws${sep}controls`), 'contains');
    assert.equal(overlapOf(`${sep}ws${sep}controls-out`, `${sep}ws${sep}controls`), undefined, 'a prefix of a name is not a parent');
    assert.equal(overlapOf(sep, `${sep}ws`), 'contains');
  });
  it('reads a path as Windows would', () => {
    const base = join(sep, 'ws');
    assert.equal(windowsReading(base, join(base, 'out\\..\\controls')), join(base, 'controls'));
    assert.equal(windowsReading(base, join(base, 'controls. .')), join(base, 'controls'));
    assert.equal(windowsReading(base, join(base, 'out')), undefined);
  });
  it('resolves symlinks as far as the path exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infracast-phys-'));
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    assert.equal(physicalPath(join(dir, 'link', 'not', 'yet')), join(physicalPath(join(dir, 'real')), 'not', 'yet'));
  });
});
