/**
 * A snapshot of the command surface: commands, arguments, flags and --json support. Changing
 * the CLI's interface must be deliberate: regenerate with UPDATE_GOLDEN=1 and review the diff.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { goldenDir, repoRoot } from '../support/paths.js';

interface ManifestFlag {
  name: string;
  type: string;
  char?: string;
  options?: string[];
  default?: unknown;
  multiple?: boolean;
  description?: string;
}
interface ManifestCommand {
  id: string;
  args: Record<string, { name: string; required?: boolean }>;
  flags: Record<string, ManifestFlag>;
  enableJsonFlag?: boolean;
  strict?: boolean;
}

it('the command surface matches test/golden/command-surface.json', () => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, ManifestCommand> };
  const surface = Object.values(manifest.commands)
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((c) => ({
      command: c.id,
      args: Object.values(c.args).map((a) => `${a.name}${a.required ? '' : '?'}${c.strict === false ? '...' : ''}`),
      json: c.enableJsonFlag === true,
      flags: Object.values(c.flags)
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((f) => ({
          name: f.name,
          type: f.type,
          ...(f.char ? { char: f.char } : {}),
          ...(f.options ? { options: f.options } : {}),
          ...(f.default !== undefined ? { default: f.default } : {}),
        })),
    }));
  const actual = `${JSON.stringify(surface, null, 2)}\n`;
  const golden = join(goldenDir, 'command-surface.json');
  if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, actual);
  assert.equal(actual, readFileSync(golden, 'utf8'));
});

/** The structure of a JSON value: keys and value types, arrays by their first element. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, shape(v)]),
    );
  }
  return value === null ? 'null' : typeof value;
}

it('the --json output shapes match test/golden/json-shapes.json', async () => {
  const { runCli } = await import('../support/cli.js');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const run = (args: string[]): unknown => shape(JSON.parse(runCli([...args, '--json'], { cwd: repoRoot }).stdout));
  const shapes = {
    'validate (valid)': run(['validate', 'examples/starter', '--verbose', '--at', '2026-11-29']),
    'validate (invalid)': run(['validate', 'test/fixtures/bad-inputs/reports/wrong-type.yaml', '--at', '2026-11-29']),
    init: run(['init', join(mkdtempSync(join(tmpdir(), 'infracast-shape-')), 'ws')]),
    'schema (list)': run(['schema']),
    'schema --out': run(['schema', '--out', mkdtempSync(join(tmpdir(), 'infracast-schemas-'))]),
    'findings inspect': run(['findings', 'inspect', 'examples/acme/findings/native']),
    'findings inspect --summary': run(['findings', 'inspect', 'examples/acme/findings', '--summary']),
    'findings inspect (unrecognised)': run(['findings', 'inspect', 'examples/acme/infracast.yaml']),
    error: run(['validate', '/no/such/path']),
    types: run(['types']),
    'types --category far-dfars': run(['types', '--category', 'far-dfars']),
    'types --category report': run(['types', '--category', 'report']),
    'catalog import': await (async () => {
      const { TINY_CATALOG } = await import('../support/oscal.js');
      const base = mkdtempSync(join(tmpdir(), 'infracast-shape-catalog-'));
      runCli(['init', join(base, 'ws')]);
      writeFileSync(join(base, 'catalog.json'), JSON.stringify(TINY_CATALOG));
      return run(['catalog', 'import', join(base, 'catalog.json'), '--workspace', join(base, 'ws')]);
    })(),
  };
  const actual = `${JSON.stringify(shapes, null, 2)}\n`;
  const golden = join(goldenDir, 'json-shapes.json');
  if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, actual);
  assert.equal(actual, readFileSync(golden, 'utf8'));
});
