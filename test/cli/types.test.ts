/** `infracast types`: the type table as JSON (the Reports API's shapes) or a table, per category. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listTypes } from '../../src/app/types.js';
import { runCli } from '../support/cli.js';
import { repoRoot } from '../support/paths.js';

const run = (...args: string[]): ReturnType<typeof runCli> => runCli(['types', ...args], { cwd: repoRoot });

describe('infracast types', () => {
  it('--json prints the document types in the spec shape', () => {
    const r = run('--json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), listTypes('document'));
    const diagram = (JSON.parse(r.stdout) as { types: Record<string, unknown>[] }).types.find((t) => t.id === 'architecture-diagram')!;
    assert.deepEqual(Object.keys(diagram), ['id', 'name', 'description', 'formats']);
  });
  it('prints JSON when its output is not a terminal (as summary does), a table with -o table', () => {
    const piped = run();
    assert.equal(piped.status, 0, piped.stderr);
    assert.deepEqual(JSON.parse(piped.stdout), listTypes('document'));
    const table = run('-o', 'table');
    assert.equal(table.status, 0, table.stderr);
    const lines = table.stdout.split('\n');
    assert.match(
      lines.find((l) => l.startsWith('ID'))!,
      /^ID +NAME +FORMATS +FRAMEWORKS$/,
    );
    assert.match(
      lines.find((l) => l.startsWith('poam '))!,
      /^poam +Plan of Action & Milestones \(not built\) +xlsx, pdf, docx, md, json, oscal +nist-800-53/,
    );
    assert.match(
      lines.find((l) => l.startsWith('ssp '))!,
      /^ssp +System Security Plan +docx, pdf, md, json, oscal +nist-800-53, /,
    );
    assert.match(table.stdout, /^\(not built\): this version validates such definitions but does not render them yet/m);
  });
  it('--category far-dfars: the FAR/DFARS report types, as JSON and as a table', () => {
    const json = run('--category', 'far-dfars', '--json');
    assert.equal(json.status, 0, json.stderr);
    const listing = JSON.parse(json.stdout) as { types: Record<string, unknown>[] };
    assert.deepEqual(listing, listTypes('far-dfars'));
    assert.deepEqual(
      listing.types.map((t) => [t.id, t.applicable_to]),
      [
        ['far-52204-21', 'All federal contractors with FCI'],
        ['dfars-252204-7012', 'DoD contractors handling CDI'],
      ],
    );
    const table = run('-c', 'far-dfars', '-o', 'table');
    assert.match(table.stdout, /^dfars-252204-7012 +DFARS 252\.204-7012 Compliance Report \(not built\) +pdf, docx, md, json +nist-800-171$/m);
  });
  it('--category report: the report types', () => {
    const r = run('--category', 'report', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), listTypes('report'));
    assert.match(run('--category', 'report', '-o', 'table').stdout, /^evidence +Evidence Bundle +zip, md, json, pdf +any$/m);
  });
  it('an unknown --category is a usage error (exit 2) naming the categories', () => {
    const r = run('--category', 'far');
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Expected --category=far to be one of: document, far-dfars, report \[USAGE\]/);
    assert.match(r.stderr, /usage: infracast types /);
    const json = run('--category', 'far', '--json');
    assert.equal(json.status, 2);
    const { error } = JSON.parse(json.stdout) as { error: { code: string; message: string; exitCode: number } };
    assert.equal(error.code, 'USAGE');
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /document, far-dfars, report/);
  });
  it('--help has examples and the exit codes; infracast --help lists it', () => {
    const help = run('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^EXIT CODES\n {2}0 {2}ok: .*\n {2}2 {2}usage: an unknown --category or --output$/m);
    assert.match(help.stdout, /^EXAMPLES$/m);
    assert.match(help.stdout, /\$ infracast types --category far-dfars --json/);
    assert.match(help.stdout, /superset\s+of\s+the\s+spec's\s+examples/);
    assert.match(runCli(['--help'], { cwd: repoRoot }).stdout, /^ {2}types +The report and document types/m);
  });
});
