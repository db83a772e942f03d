/**
 * Issue 15's round trip: `ssp scaffold` -> the OSCAL SSP writer (oscalSspOf, src/app/oscal-ssp.ts)
 * -> `ssp import` gives identical files, for FedRAMP Low and LI-SaaS, both statement forms and both
 * OSCAL versions.
 */ import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadWorkspace } from '../../src/app/load-workspace.js';
import { sspImport } from '../../src/app/ssp-import.js';
import { sspScaffold } from '../../src/app/ssp-scaffold.js';
import { oscalSspOf } from '../../src/app/oscal-ssp.js';
import { makeWorkspace } from '../support/workspace.js';

const AT = new Date('2026-12-06T00:00:00Z');
const config = (framework: string): string =>
  `tenant:\n  id: acme-corp\n  name: Acme Corp\nsystem:\n  name: Acme Cloud\n  fips199: high\nframeworks: [${framework}]\n`;
const tree = (dir: string): Record<string, string> => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

describe('round trip: scaffold -> OSCAL SSP -> import gives identical files', () => {
  for (const framework of ['fedramp-low', 'fedramp-li-saas'] as const) {
    for (const format of ['md', 'yaml'] as const) {
      for (const version of ['1.1.2', '1.0.4'] as const) {
        const name = `${framework}, ${format}, OSCAL ${version}`;
        it(name, async () => {
          const source = makeWorkspace({ 'infracast.yaml': config(framework) });
          await sspScaffold({ workspace: source, framework, format, at: AT });
          const workspace = await loadWorkspace(source, { at: AT });
          const oscal = join(mkdtempSync(join(tmpdir(), 'infracast-ssp-')), 'ssp.json');
          writeFileSync(
            oscal,
            oscalSspOf(workspace, { options: {}, source: { file: 'ssp.yaml', index: 0, count: 1 } }, framework, AT.toISOString(), version).json,
          );
          const target = makeWorkspace({ 'infracast.yaml': config(framework) });
          const imported = await sspImport({ file: oscal, workspace: target, format });
          assert.equal(imported.written.length, readdirSync(join(source, 'controls')).length);
          assert.deepEqual(tree(join(target, 'controls')), tree(join(source, 'controls')));
        });
      }
    }
  }
});
