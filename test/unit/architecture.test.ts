import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/paths.js';

// DESIGN.md "Layout": dependencies point inward. commands/action -> app -> (the stages) -> model.
const src = join(repoRoot, 'src');
const files = readdirSync(src, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.ts'));
const layerOf = (file: string): string => (file.includes('/') ? file.split('/')[0]! : file.replace(/\.ts$/, ''));
const importsOf = (file: string): string[] =>
  [...readFileSync(join(src, file), 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]!).filter((s) => s.startsWith('.'));

/** Which layers each layer may import (besides itself). */
const allowed: Record<string, string[]> = {
  model: [],
  errors: [],
  diagnostics: ['model'],
  catalogs: ['model', 'errors'],
  schedule: ['model', 'errors'],
  io: ['model', 'errors', 'diagnostics'],
  schema: ['model', 'errors', 'diagnostics', 'io', 'catalogs', 'generated'],
  generated: [],
  loaders: ['model', 'errors', 'diagnostics', 'io', 'catalogs'],
  reports: ['model', 'errors', 'catalogs', 'templating'],
  templating: ['model', 'errors'],
  renderers: ['model', 'errors', 'templating', 'io'],
  signing: ['model', 'errors', 'io'],
  app: ['model', 'errors', 'diagnostics', 'io', 'schema', 'catalogs', 'loaders', 'reports', 'templating', 'renderers', 'signing', 'schedule'],
  cli: ['errors', 'diagnostics', 'model'],
  // oclif hooks: entry points like commands, which print as the CLI prints.
  hooks: ['cli', 'errors', 'schema', 'model'],
  commands: ['app', 'cli', 'errors', 'model', 'diagnostics'],
  action: ['app', 'errors', 'model', 'diagnostics'],
  main: [],
  // bin/run.js's start-up fast path for a plain `verify` (it runs the command without oclif).
  'verify-fast': ['app', 'cli', 'errors'],
  index: ['app', 'schema', 'model', 'errors', 'diagnostics', 'catalogs'],
};

describe('architecture: dependencies point inward (DESIGN.md)', () => {
  it('every layer is known', () => {
    for (const file of files) assert.ok(layerOf(file) in allowed, `src/${file}: unknown layer ${layerOf(file)}`);
  });
  for (const file of files) {
    it(`src/${file}`, () => {
      const layer = layerOf(file);
      for (const spec of importsOf(file)) {
        const target = relative(src, resolve(dirname(join(src, file)), spec)).replace(/\.js$/, '.ts');
        const targetLayer = layerOf(target);
        if (targetLayer === layer) continue;
        assert.ok(
          allowed[layer]?.includes(targetLayer),
          `src/${file} imports ${spec} (${targetLayer}); ${layer} may import only ${allowed[layer]?.join(', ') || 'nothing outside itself'}`,
        );
      }
    });
  }
  it('model/ imports nothing but node built-ins and itself', () => {
    for (const file of files.filter((f) => f.startsWith('model/'))) {
      const all = [...readFileSync(join(src, file), 'utf8').matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
      for (const spec of all) assert.ok(spec.startsWith('./') || spec.startsWith('node:'), `src/${file} imports ${spec}`);
    }
  });
  it('catalogs/oscal/ (pure OSCAL parsing and resolution) imports only model, errors, itself, node built-ins and fast-xml-parser', () => {
    for (const file of files.filter((f) => f.startsWith('catalogs/oscal/'))) {
      const all = [...readFileSync(join(src, file), 'utf8').matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
      for (const spec of all) {
        const ok = spec.startsWith('./') || spec.startsWith('node:') || spec === 'fast-xml-parser' || /^\.\.\/\.\.\/(model\/[\w-]+|errors)\.js$/.test(spec);
        assert.ok(ok, `src/${file} imports ${spec}`);
      }
    }
  });
  it('only src/action/ imports @actions/* (statically or dynamically): app and everything else stay usable outside GitHub', () => {
    for (const file of files.filter((f) => !f.startsWith('action/'))) {
      const text = readFileSync(join(src, file), 'utf8');
      assert.doesNotMatch(text, /(?:from\s+|import\s*\(\s*|require\s*\(\s*)'@actions\//, `src/${file} imports @actions/*; only src/action/ may`);
    }
  });
  it('the action really is the one importer of @actions/core (the test above would pass vacuously otherwise)', () => {
    assert.match(readFileSync(join(src, 'action', 'runner-core.ts'), 'utf8'), /from '@actions\/core'/);
  });
  it('heavy libraries are not imported by the start-up path', () => {
    for (const file of files.filter((f) => /^(commands|cli|app|schema|io)\//.test(f))) {
      const text = readFileSync(join(src, file), 'utf8');
      for (const heavy of ['puppeteer-core', 'docx', 'exceljs', 'pkijs', 'sigstore', '@actions/']) {
        assert.ok(!new RegExp(`^import[^;]*from '${heavy}`, 'm').test(text), `src/${file} statically imports ${heavy}`);
      }
    }
  });
});
