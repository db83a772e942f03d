/**
 * `infracast types --json` has the Reports API's shapes, key for key and in the spec's order, as
 * its examples in ../shared/spec/reports-api.txt print them ("List Document Types", "Listing
 * Available FAR/DFARS Report Types"); `--category report` follows its Report Types table. The values
 * are Infracast's: its formats and frameworks include the spec's.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { runCli } from '../support/cli.js';
import { repoRoot } from '../support/paths.js';
import { requireShared } from '../support/shared.js';

type Listing = { types: Record<string, unknown>[] };

function readSpec(t: TestContext): string | undefined {
  const dir = requireShared(t, 'spec');
  return dir ? readFileSync(join(dir, 'reports-api.txt'), 'utf8') : undefined;
}

/** The first JSON object after `heading` in the spec's text. */
function jsonAfter(spec: string, heading: string): Listing {
  const at = spec.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `the spec has no section "${heading}"`);
  const start = spec.indexOf('{', at);
  let depth = 0;
  for (let end = start; end < spec.length; end++) {
    if (spec[end] === '{') depth++;
    else if (spec[end] === '}' && --depth === 0) return JSON.parse(spec.slice(start, end + 1)) as Listing;
  }
  throw new Error(`unterminated JSON after "${heading}"`);
}

function cli(args: string[]): Listing {
  const result = runCli(['types', ...args, '--json'], { cwd: repoRoot });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Listing;
}

const includesAll = (ours: unknown, theirs: unknown, what: string): void => {
  assert.ok(Array.isArray(ours) && Array.isArray(theirs), what);
  for (const value of theirs) assert.ok(ours.includes(value), `${what}: the spec lists ${String(value)}, Infracast does not`);
};

describe('interop: infracast types --json against the Reports API', () => {
  it("document types: the spec's keys in its order for every type it lists; names as the spec's; formats and frameworks include the spec's", (t) => {
    const spec = readSpec(t);
    if (!spec) return;
    const expected = jsonAfter(spec, 'List Document Types');
    assert.deepEqual(Object.keys(expected), ['types']);
    const ours = cli([]);
    assert.deepEqual(Object.keys(ours), ['types']);
    for (const theirs of expected.types) {
      const mine = ours.types.find((x) => x.id === theirs.id);
      assert.ok(mine, `the spec lists ${String(theirs.id)}`);
      assert.deepEqual(Object.keys(mine), Object.keys(theirs), `keys of ${String(theirs.id)}`);
      assert.equal(mine.name, theirs.name);
      includesAll(mine.formats, theirs.formats, `${String(theirs.id)} formats`);
      if ('frameworks' in theirs) includesAll(mine.frameworks, theirs.frameworks, `${String(theirs.id)} frameworks`);
    }
    // Infracast's one more document type: the spec generates far-dfars-compliance documents but its list omits the type.
    const extra = ours.types.map((x) => x.id).filter((id) => !expected.types.some((e) => e.id === id));
    assert.deepEqual(extra, ['far-dfars-compliance']);
    const farDfars = ours.types.find((x) => x.id === 'far-dfars-compliance')!;
    assert.deepEqual(Object.keys(farDfars), Object.keys(expected.types.find((e) => e.id === 'ssp')!));
  });
  it("--category far-dfars: the spec's ids, keys, names, descriptions and applicable_to; formats include the spec's", (t) => {
    const spec = readSpec(t);
    if (!spec) return;
    const expected = jsonAfter(spec, 'Listing Available FAR/DFARS Report Types');
    const ours = cli(['--category', 'far-dfars']);
    assert.deepEqual(Object.keys(ours), Object.keys(expected));
    assert.deepEqual(
      ours.types.map((x) => x.id),
      expected.types.map((x) => x.id),
    );
    ours.types.forEach((mine, i) => {
      const theirs = expected.types[i]!;
      assert.deepEqual(Object.keys(mine), Object.keys(theirs), `keys of ${String(theirs.id)}`);
      for (const key of ['name', 'description', 'applicable_to']) assert.equal(mine[key], theirs[key], `${String(theirs.id)} ${key}`);
      includesAll(mine.formats, theirs.formats, `${String(theirs.id)} formats`);
    });
  });
  it("--category report: the spec's Report Types table (type, description, audience): its ids in its order and its audiences", (t) => {
    const spec = readSpec(t);
    if (!spec) return;
    const section = spec.slice(spec.indexOf('\nReport Types\n'), spec.indexOf('\nExport Formats\n'));
    const lines = section.split('\n').filter((l) => /^[a-z-]+ \| /.test(l));
    assert.match(section, /\| Type \| Description \| Audience \|/);
    const expected = lines.map((l) => l.split(' | ').map((cell) => cell.replace(/\s*\|\s*$/, '')));
    assert.equal(expected.length, 6);
    const ours = cli(['--category', 'report']);
    assert.deepEqual(
      ours.types.map((x) => x.id),
      expected.map(([id]) => id),
    );
    ours.types.forEach((mine, i) => {
      assert.deepEqual(Object.keys(mine), ['id', 'name', 'description', 'audience', 'formats']);
      assert.equal(mine.audience, expected[i]![2]);
    });
  });
});
