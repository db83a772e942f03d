/**
 * The SSP document (issue 15) on examples/acme: the model's status counts are the statements',
 * missing facts are visible gaps and warnings, statement/evidence disagreements are said in the
 * control's section and warned with file:line, the Markdown is byte-identical from run to run and
 * pinned by a golden file, and editing one statement changes only that control's section of the
 * Markdown (the unified diff's hunks all lie between its heading and the next).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { buildSsp } from '../../src/app/build-ssp.js';
import type { RunContext } from '../../src/app/build.js';
import { controlImplementationsOf } from '../../src/app/control-implementations.js';
import { ingestWorkspace } from '../../src/app/workspace-findings.js';
import { validate } from '../../src/app/validate.js';
import type { OutputDefinition } from '../../src/model/definitions.js';
import { jsonRenderer } from '../../src/renderers/json.js';
import { renderMarkdown } from '../../src/renderers/markdown.js';
import { systemFacts } from '../../src/reports/ssp-system.js';
import { copyWorkspace } from '../support/workspace.js';
import { acme, AT } from '../support/acme-reports.js';
import { goldenDir } from '../support/paths.js';

async function runOf(root: string): Promise<{ run: RunContext; definition: OutputDefinition }> {
  const workspace = (await validate({ paths: [root], at: '2026-11-29' })).workspaces[0]!;
  const ingested = await ingestWorkspace(workspace);
  return { run: { workspace, ingested, at: new Date(AT) }, definition: workspace.outputs.find((o) => o.type === 'ssp')! };
}

function sspMarkdown(run: RunContext, definition: OutputDefinition, root: string): string {
  return renderMarkdown(buildSsp(run, definition, 'fedramp-moderate').model, join(root, 'templates'));
}

let acmeRun: RunContext;
let definition: OutputDefinition;

describe('SSP document on examples/acme', () => {
  before(async () => {
    ({ run: acmeRun, definition } = await runOf(acme));
  });

  it('has one section per FedRAMP Moderate control and status counts equal to the statements', () => {
    const { model } = buildSsp(acmeRun, definition, 'fedramp-moderate');
    const summary = model.sections.find((s) => s.id === 'summary')!.data as { total: number; counts: Record<string, number> };
    assert.equal(summary.total, 323);
    const statements = controlImplementationsOf(acmeRun.workspace, 'fedramp-moderate');
    const controls = model.tables.find((t) => t.id === 'controls')!.rows;
    assert.equal(controls.length, 323);
    const stated = controls.filter((r) => statements.has(String(r.id)));
    const expected: Record<string, number> = { implemented: 0, partial: 0, planned: 0, alternative: 0, 'not-applicable': 0 };
    for (const row of stated) expected[statements.get(String(row.id))!.status!]!++;
    for (const [status, n] of Object.entries(expected)) assert.equal(summary.counts[status], n, status);
    assert.equal(summary.counts['not-stated'], 323 - stated.length);
    assert.ok(stated.length >= 20, `acme states ${stated.length} controls`);
  });

  it('says in the section and warns, with file:line, where the statement and the evidence disagree', () => {
    const { model, warnings } = buildSsp(acmeRun, definition, 'fedramp-moderate');
    const md = renderMarkdown(model, join(acme, 'templates'));
    const ac2 = md.slice(md.indexOf('#### AC-2 Account Management'), md.indexOf('#### AC-2(1) '));
    assert.match(ac2, /\*\*Statement and evidence disagree:\*\* The statement says Implemented; the evidence says failing \(\d+ open FAIL findings\)/);
    assert.ok(warnings.some((w) => /AC-2: The statement says Implemented; the evidence says failing .*\(controls\/access-control\.yaml:\d+\)$/.test(w)));
  });

  it('writes the FedRAMP Appendix A tables: summary rows, check boxes, the solution per part', () => {
    const md = sspMarkdown(acmeRun, definition, acme);
    const ac2 = md.slice(md.indexOf('#### AC-2 Account Management (L)(M)(H)'), md.indexOf('#### AC-2(1) '));
    assert.match(ac2, /^\| AC-2 Control Summary Information \|$/m);
    assert.match(ac2, /^\| Responsible Role: System Owner, ISSO, Identity Engineering \|$/m);
    assert.match(ac2, /^\| Parameter ac-02_odp\.06: 24 hours \\\[FedRAMP Assignment: twenty-four \(24\) hours\\\] \|$/m);
    assert.match(ac2, /^\| Implementation Status \(check all that apply\): ☒ Implemented ☐ Partially Implemented ☐ Planned ☐ Alternative implementation ☐ Not Applicable \|$/m);
    assert.match(ac2, /^\| Control Origination \(check all that apply\): ☐ Service Provider Corporate ☒ Service Provider System Specific /m);
    assert.match(ac2, /^\| AC-2 What is the solution and how is it implemented\? \| \|$/m);
    assert.match(ac2, /^\| Part a: \| AGC recognises four account types/m);
    // A "-1" control offers only the service provider's three origination boxes.
    const ac1 = md.slice(md.indexOf('#### AC-1 '), md.indexOf('#### AC-2 '));
    assert.match(ac1, /Service Provider Hybrid \(Corporate and System Specific\) \|$/m);
    assert.doesNotMatch(ac1, /Configured by Customer/);
    // An inherited control names the leveraged authorization.
    assert.match(md, /☒ Inherited from pre-existing FedRAMP Authorization for Amazon Web Services \(AWS\) US East\/West/);
  });

  it('shows every missing fact as a gap in the document and a warning', async () => {
    const facts = systemFacts({ system: { name: 'X', fips199: 'low', owner: { name: 'A B' } }, options: {}, tenantName: 'T', inventory: undefined });
    const keys = facts.gaps.map((g) => g.key);
    for (const key of ['system.csp_name', 'system.owner.phone', 'system.isso', 'system.leveraged_authorizations', 'system.roles', 'kind: Inventory'])
      assert.ok(keys.includes(key), key);
    assert.deepEqual(facts.owner.find((r) => r.label === 'Phone Number')!.fact, { gap: 'system.owner.phone' });

    const bare = copyWorkspace(acme);
    try {
      const config = readFileSync(join(bare, 'infracast.yaml'), 'utf8');
      writeFileSync(join(bare, 'infracast.yaml'), config.replace(/^ {4}phone: .*\n/m, '').replace(/^ {2}roles:\n(?: {4}.*\n)+/m, ''));
      const { run, definition: ssp } = await runOf(bare);
      const { model, warnings } = buildSsp(run, ssp, 'fedramp-moderate');
      const md = renderMarkdown(model, join(bare, 'templates'));
      assert.match(md, /^\| Phone Number \| \*\*Not provided:\*\* add `system\.owner\.phone` to infracast\.yaml \|$/m);
      assert.match(md, /^\*\*Not provided:\*\* add `system\.roles` to infracast\.yaml\.$/m);
      assert.ok(warnings.includes('ssp: Table 4.1: not provided: add system.owner.phone to infracast.yaml'), warnings.join('\n'));
      assert.ok(warnings.includes('ssp: Section 11: not provided: add system.roles to infracast.yaml'));
      // Every statement names roles (acme's 323): the first listed is the first control's.
      assert.ok(warnings.some((w) => w.startsWith('ssp: responsible roles not in system.roles (AC-1 ')), warnings.join('\n'));
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('is byte-identical from run to run (Markdown and JSON), with no render time in the Markdown, pinned by a golden file', async () => {
    const first = buildSsp(acmeRun, definition, 'fedramp-moderate').model;
    const second = buildSsp(acmeRun, definition, 'fedramp-moderate').model;
    const ctx = { workspaceRoot: acme, templatesDir: join(acme, 'templates') };
    assert.deepEqual(await jsonRenderer.render(second, ctx), await jsonRenderer.render(first, ctx));
    const md = renderMarkdown(first, ctx.templatesDir);
    assert.equal(renderMarkdown(second, ctx.templatesDir), md);
    assert.doesNotMatch(md, /2026-11-29T00:00:00Z|Generated/);
    const later = buildSsp({ ...acmeRun, at: new Date('2026-11-30T12:00:00Z') }, definition, 'fedramp-moderate').model;
    assert.equal(renderMarkdown(later, ctx.templatesDir), md, 'another render time changes nothing in the Markdown');
    const golden = join(goldenDir, 'reports', 'acme-ssp-fedramp-moderate.md');
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
      mkdirSync(join(goldenDir, 'reports'), { recursive: true });
      writeFileSync(golden, md);
    }
    assert.equal(md, readFileSync(golden, 'utf8'), 'golden differs: UPDATE_GOLDEN=1 and review the diff');
  });

  it("changes only the edited control's section when one statement changes (unified diff hunks)", async () => {
    const copy = copyWorkspace(acme);
    const work = mkdtempSync(join(tmpdir(), 'ssp-diff-'));
    try {
      const before = sspMarkdown(acmeRun, definition, acme);
      const file = join(copy, 'controls', 'access-control.yaml');
      const original = readFileSync(file, 'utf8');
      const edited = original.replace(
        'call is authorised against the caller\'s tenant and role (agency administrator, case worker,',
        'call is authorised against the caller\'s tenant, role and session (agency administrator, case worker,',
      );
      assert.notEqual(edited, original, 'the AC-3 statement was edited');
      writeFileSync(file, edited);
      const { run, definition: ssp } = await runOf(copy);
      const after = sspMarkdown(run, ssp, copy);
      writeFileSync(join(work, 'before.md'), before);
      writeFileSync(join(work, 'after.md'), after);
      const diff = spawnSync('diff', ['-U0', 'before.md', 'after.md'], { cwd: work, encoding: 'utf8' });
      assert.equal(diff.status, 1, `diff found differences: ${diff.stderr}`);
      const hunks = [...diff.stdout.matchAll(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm)].map((m) => ({
        oldStart: Number(m[1]),
        oldCount: m[2] === undefined ? 1 : Number(m[2]),
        newStart: Number(m[3]),
        newCount: m[4] === undefined ? 1 : Number(m[4]),
      }));
      assert.ok(hunks.length > 0);
      /** The 1-based line range of AC-3's section: its heading up to the line before the next control heading. */
      const section = (md: string): [number, number] => {
        const lines = md.split('\n');
        const start = lines.findIndex((l) => l.startsWith('#### AC-3 ')) + 1;
        const next = lines.findIndex((l, i) => i >= start && /^#{2,4} /.test(l));
        return [start, next];
      };
      const [oldFrom, oldTo] = section(before);
      const [newFrom, newTo] = section(after);
      for (const h of hunks) {
        if (h.oldCount > 0) assert.ok(h.oldStart >= oldFrom && h.oldStart + h.oldCount - 1 <= oldTo, `old lines ${h.oldStart}+${h.oldCount} outside AC-3 (${oldFrom}-${oldTo})\n${diff.stdout}`);
        if (h.newCount > 0) assert.ok(h.newStart >= newFrom && h.newStart + h.newCount - 1 <= newTo, `new lines ${h.newStart}+${h.newCount} outside AC-3 (${newFrom}-${newTo})\n${diff.stdout}`);
      }
      assert.match(diff.stdout, /^\+.*tenant, role and session/m);
    } finally {
      rmSync(copy, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  });
});
