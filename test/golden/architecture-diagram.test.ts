/**
 * The architecture diagram of examples/acme (issue 15), built as `infracast render` builds it (the
 * workspace loaded and validated, its definition reports/architecture-diagram.yaml): the SVG is
 * pinned by a golden file (regenerate on purpose with UPDATE_GOLDEN=1 and look at the diff and at
 * the picture), and the model lists the inventory as tables (the ports and protocols the SSP uses).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { buildArchitecture } from '../../src/app/build-architecture.js';
import type { RunContext } from '../../src/app/build.js';
import type { IngestResult } from '../../src/app/ingest.js';
import { validate } from '../../src/app/validate.js';
import type { OutputDefinition } from '../../src/model/definitions.js';
import { diagramSvgRenderer } from '../../src/renderers/diagram.js';
import { examplesDir, goldenDir } from '../support/paths.js';

const acme = join(examplesDir, 'acme');
let run: RunContext;
let definition: OutputDefinition;

describe('architecture diagram of examples/acme', () => {
  before(async () => {
    const workspace = (await validate({ paths: [acme], at: '2026-11-29' })).workspaces[0]!;
    // The diagram reads no findings.
    run = { workspace, ingested: { files: [], findings: [] } as unknown as IngestResult, at: new Date('2026-11-29T00:00:00Z') };
    definition = workspace.outputs.find((o) => o.type === 'architecture-diagram')!;
  });

  it('renders the SVG pinned by the golden file', async () => {
    const model = buildArchitecture(run, definition);
    const svg = new TextDecoder().decode(await diagramSvgRenderer.render(model, { workspaceRoot: acme, templatesDir: join(acme, 'templates') }));
    const golden = join(goldenDir, 'reports', 'acme-architecture-diagram.svg');
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
      mkdirSync(join(goldenDir, 'reports'), { recursive: true });
      writeFileSync(golden, svg);
    }
    assert.equal(svg, readFileSync(golden, 'utf8'));
    assert.ok(svg.includes('>AGC Architecture Diagram</text>'), "the definition's name is the title");
  });

  it('lists the boundaries, components and connections, and states its inputs', () => {
    const model = buildArchitecture(run, definition);
    assert.equal(model.kind, 'architecture-diagram');
    const table = (id: string) => model.tables.find((t) => t.id === id)!;
    assert.equal(table('boundaries').rows.length, 10);
    assert.equal(table('components').rows.length, 15);
    assert.equal(table('connections').rows.length, 16);
    assert.deepEqual(
      table('connections').rows.find((r) => r.from === 'eks' && r.to === 'rds'),
      { from: 'eks', to: 'rds', protocol: 'PostgreSQL over TLS', port: 5432, encrypted: 'yes', data: 'cui' },
    );
    assert.deepEqual(
      model.provenance.inputs.map((i) => i.path),
      ['infracast.yaml', 'inventory/agc.yaml', 'reports/architecture-diagram.yaml'],
    );
  });
});
