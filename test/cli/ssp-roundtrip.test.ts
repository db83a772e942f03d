/**
 * Issue 15's round trip: `ssp scaffold` -> the OSCAL SSP writer -> `ssp import` gives identical
 * files. The writer is `oscalSspOf(workspace, definition, framework, generatedAt, oscalVersion)` in
 * src/app/oscal-ssp.ts (branch eng/ssp-oscal); until that branch is merged the module is absent and
 * the test is a todo that says so (never a silent skip). Checked by hand against that branch at
 * commit 27db615 (see the ssp-authoring report): identical for fedramp-low, -high, -li-saas in YAML, OSCAL
 * 1.1.2 and 1.0.4.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadWorkspace } from '../../src/app/load-workspace.js';
import type { LoadedWorkspace } from '../../src/app/load-workspace.js';
import { sspImport } from '../../src/app/ssp-import.js';
import { sspScaffold } from '../../src/app/ssp-scaffold.js';
import { makeWorkspace } from '../support/workspace.js';

type OscalSspOf = (
  workspace: LoadedWorkspace,
  definition: { baseline?: string; options: Record<string, unknown>; source: { file: string; index: number; count: number } },
  framework: string,
  generatedAt: string,
  oscalVersion?: '1.1.2' | '1.0.4',
) => { json: string };

/** The writer, once eng/ssp-oscal is merged (a computed specifier: this branch compiles without it). */
async function oscalWriter(): Promise<OscalSspOf | undefined> {
  const specifier = ['..', '..', 'src', 'app', 'oscal-ssp.js'].join('/');
  try {
    return ((await import(specifier)) as { oscalSspOf?: OscalSspOf }).oscalSspOf;
  } catch {
    return undefined;
  }
}

const AT = new Date('2026-12-06T00:00:00Z');
const config = (framework: string): string =>
  `tenant:\n  id: acme-corp\n  name: Acme Corp\nsystem:\n  name: Acme Cloud\n  fips199: high\nframeworks: [${framework}]\n`;
const tree = (dir: string): Record<string, string> => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

describe('round trip: scaffold -> OSCAL SSP -> import gives identical files', async () => {
  const writer = await oscalWriter();
  for (const framework of ['fedramp-low', 'fedramp-li-saas'] as const) {
    for (const format of ['md', 'yaml'] as const) {
      for (const version of ['1.1.2', '1.0.4'] as const) {
        const name = `${framework}, ${format}, OSCAL ${version}`;
        if (!writer) {
          it.todo(`${name}: needs oscalSspOf (src/app/oscal-ssp.ts), the OSCAL SSP writer of branch eng/ssp-oscal, not merged yet`);
          continue;
        }
        it(name, async () => {
          const source = makeWorkspace({ 'infracast.yaml': config(framework) });
          await sspScaffold({ workspace: source, framework, format, at: AT });
          const workspace = await loadWorkspace(source, { at: AT });
          const oscal = join(mkdtempSync(join(tmpdir(), 'infracast-ssp-')), 'ssp.json');
          writeFileSync(oscal, writer(workspace, { options: {}, source: { file: 'ssp.yaml', index: 0, count: 1 } }, framework, AT.toISOString(), version).json);
          const target = makeWorkspace({ 'infracast.yaml': config(framework) });
          const imported = await sspImport({ file: oscal, workspace: target, format });
          assert.equal(imported.written.length, readdirSync(join(source, 'controls')).length);
          assert.deepEqual(tree(join(target, 'controls')), tree(join(source, 'controls')));
        });
      }
    }
  }
});
