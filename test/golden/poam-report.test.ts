/** The poam report on examples/acme: rows of the POA&M store (evaluation.md section 6), pinned by a golden file. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { buildPoam, evaluationOf } from '../../src/app/build.js';
import type { RunContext } from '../../src/app/build.js';
import { ingestWorkspace } from '../../src/app/workspace-findings.js';
import { validate } from '../../src/app/validate.js';
import type { OutputDefinition } from '../../src/model/definitions.js';
import { markdownRenderer } from '../../src/renderers/markdown.js';
import { examplesDir, goldenDir } from '../support/paths.js';

const acme = join(examplesDir, 'acme');
let run: RunContext;
let definition: OutputDefinition;

describe('poam report on examples/acme', () => {
  before(async () => {
    const workspace = (await validate({ paths: [acme], at: '2026-11-29' })).workspaces[0]!;
    const ingested = await ingestWorkspace(workspace);
    run = { workspace, ingested, at: new Date('2026-11-29T00:00:00Z') };
    definition = workspace.outputs.find((o) => o.kind === 'Report' && o.type === 'poam')!;
  });

  it('numbers every open weakness POAM-1.. once, with FedRAMP deadlines from detection', () => {
    const { model, store } = buildPoam(run, definition, undefined);
    const rows = model.tables[0]!.rows;
    assert.ok(store.items.length > 0);
    assert.equal(store.next_id, store.items.length + 1);
    assert.deepEqual(
      rows.map((r) => r.id),
      store.items.map((_, i) => `POAM-${i + 1}`),
    );
    for (const r of rows) {
      const days = { High: 30, Moderate: 90, Low: 180 }[String(r.original_rating) as 'High' | 'Moderate' | 'Low'];
      const due = new Date(`${String(r.detected)}T00:00:00Z`);
      due.setUTCDate(due.getUTCDate() + days);
      assert.equal(r.due, due.toISOString().slice(0, 10), String(r.id));
    }
  });

  it('shows the approved risk acceptance and the pending exception of the example', () => {
    const rows = buildPoam(run, definition, undefined).model.tables[0]!.rows;
    const tls = rows.find((r) => r.source_id === 'elbv2_insecure_ssl_ciphers');
    assert.equal(tls?.risk_adjustment, 'Yes');
    assert.match(String(tls?.deviations), /exc-2026-002/);
    const pending = rows.find((r) => String(r.deviations ?? '').includes('exc-2026-006'));
    assert.ok(pending, 'the pending exception concerns an item');
    assert.ok([pending.risk_adjustment, pending.operational_requirement, pending.false_positive].includes('Pending'));
  });

  it('a second run keeps the ids and changes nothing; the Markdown is pinned by a golden file', async () => {
    const first = buildPoam(run, definition, undefined);
    const second = buildPoam(run, definition, first.store);
    assert.deepEqual(second.store, first.store);
    const md = new TextDecoder().decode(await markdownRenderer.render(first.model, { workspaceRoot: acme, templatesDir: join(acme, 'templates') }));
    const golden = join(goldenDir, 'reports', 'acme-poam-status.md');
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
      mkdirSync(join(goldenDir, 'reports'), { recursive: true });
      writeFileSync(golden, md);
    }
    assert.equal(md, readFileSync(golden, 'utf8'));
  });

  it("its provenance lists the catalogs of the definition's frameworks and their coverage, like every other report", async () => {
    const { model } = buildPoam(run, definition, undefined);
    assert.deepEqual(definition.frameworks, ['fedramp-moderate']);
    const { evaluation, catalog } = evaluationOf(run, 'fedramp-moderate');
    assert.deepEqual(model.provenance.catalogs, [{ framework: 'fedramp-moderate', release: catalog.release }]);
    const assessed = evaluation.counts.total - evaluation.counts.notAssessed;
    assert.deepEqual(model.provenance.coverage, [{ framework: 'fedramp-moderate', assessed, total: 323 }]);
    const md = new TextDecoder().decode(await markdownRenderer.render(model, { workspaceRoot: acme, templatesDir: join(acme, 'templates') }));
    assert.match(md, new RegExp(`^\\| Coverage \\| fedramp-moderate: ${assessed} of 323 controls assessed \\|$`, 'm'));
    assert.match(md, /^\| Catalog \| fedramp-moderate: /m);
  });
});
