/**
 * Importing the real OSCAL SSPs of ../shared/fixtures (NIST's two 1.1.2 examples and FedRAMP's
 * 1.0.4 SSP template) keeps every implemented requirement, statement text, by-component text and
 * parameter value: each is counted in the OSCAL file and compared, text for text, with what the
 * imported statements say once read back by the loader (Markdown and YAML forms).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { controlImplementationsOf } from '../../src/app/control-implementations.js';
import { loadWorkspace } from '../../src/app/load-workspace.js';
import { yamlText } from '../../src/app/ssp-control-files.js';
import { sspImport } from '../../src/app/ssp-import.js';
import { oscalControlId } from '../../src/model/oscal-ids.js';
import { requireShared } from '../support/shared.js';
import { makeWorkspace } from '../support/workspace.js';

const SSPS = [
  'fixtures/oscal/examples/ssp-example.json',
  'fixtures/oscal/examples/ifa_ssp-example.json',
  'fixtures/fedramp/oscal/FedRAMP-SSP-OSCAL-Template.json',
];

type Json = Record<string, unknown>;
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/** Every non-empty text of the SSP as `control | statement-id | component | text`, and every parameter as `control | param | value`. */
function oscalFacts(ssp: Json, componentIds: Map<string, string>): { texts: string[]; params: string[]; requirements: number } {
  const implementation = ssp['system-implementation'] as Json;
  const thisSystem = new Set(
    list(implementation.components)
      .filter((c) => c.type === 'this-system')
      .map((c) => c.uuid as string),
  );
  const texts: string[] = [];
  const params: string[] = [];
  const requirements = list((ssp['control-implementation'] as Json)['implemented-requirements']);
  const controlOf = new Map<string, string>();
  for (const r of requirements) {
    const control = String(r['control-id']).replace(/-0*(\d+)\.0*(\d+)$/, '-$1.$2');
    controlOf.set(control, control);
    const who = (bc: Json): string => (thisSystem.has(bc['component-uuid'] as string) ? 'this-system' : componentIds.get(bc['component-uuid'] as string)!);
    const param =
      (who: string) =>
      (sp: Json): number =>
        params.push(`${control} | ${who} | ${String(sp['param-id'])} | ${(sp.values as string[]).join('; ')}`);
    list(r['set-parameters']).forEach(param('this-system'));
    for (const s of list(r.statements)) {
      const id = s['statement-id'] === '_smt' ? `${control}_smt` : String(s['statement-id']);
      for (const bc of list(s['by-components'])) {
        list(bc['set-parameters']).forEach(param(who(bc)));
        if (String(bc.description ?? '').trim() !== '') texts.push(`${control} | ${id} | ${who(bc)} | ${String(bc.description)}`);
      }
    }
    for (const bc of list(r['by-components'])) {
      list(bc['set-parameters']).forEach(param(who(bc)));
      if (String(bc.description ?? '').trim() !== '') texts.push(`${control} | ${control}_smt | ${who(bc)} | ${String(bc.description)}`);
    }
  }
  for (const sp of list((ssp['control-implementation'] as Json)['set-parameters'])) {
    const m = /^([a-z]{2})-0*(\d+)(?:\.0*(\d+))?_/.exec(String(sp['param-id']))!;
    const control = `${m[1]}-${m[2]}${m[3] ? `.${m[3]}` : ''}`;
    params.push(`${control} | this-system | ${String(sp['param-id'])} | ${(sp.values as string[]).join('; ')}`);
  }
  return { texts: texts.sort(), params: params.sort(), requirements: requirements.length };
}

describe('ssp import of real OSCAL SSPs keeps every requirement, statement, by-component and parameter', () => {
  for (const relative of SSPS) {
    for (const format of ['md', 'yaml'] as const) {
      it(`${relative} (${format})`, async (t) => {
        const file = requireShared(t, relative);
        if (!file) return;
        const root = makeWorkspace({});
        const result = await sspImport({ file, workspace: root, format });
        const ssp = (JSON.parse(readFileSync(file, 'utf8')) as Json)['system-security-plan'] as Json;
        const expected = oscalFacts(ssp, new Map(result.components.map((c) => [c.uuid, c.id])));

        // The printed system: block makes a valid infracast.yaml (checked with the statements below).
        writeFileSync(
          join(root, 'infracast.yaml'),
          yamlText({ tenant: { id: 'acme-corp', name: 'Acme Corp' }, system: result.system, frameworks: ['nist-800-53'] }),
        );
        const workspace = await loadWorkspace(root, { at: new Date('2026-12-06T00:00:00Z') });
        assert.ok(workspace.config, 'infracast.yaml with the imported system: block is valid');
        assert.equal(workspace.config.system.name, (ssp['system-characteristics'] as Json)['system-name']);
        assert.deepEqual(
          workspace.diagnostics.filter((d) => d.severity === 'error'),
          [],
        );
        const statements = controlImplementationsOf(workspace, 'nist-800-53');
        assert.equal(statements.size, expected.requirements);
        assert.equal(result.written.length, expected.requirements);
        const texts: string[] = [];
        const params: string[] = [];
        for (const s of statements.values()) {
          const control = oscalControlId(s.control);
          const statementId = (key: string): string => (key.startsWith(`${control}_`) ? key : `${control}_smt.${key}`);
          const add = (who: string, text: { statement?: string; parts: Record<string, string> }): void => {
            if (text.statement !== undefined)
              for (const piece of text.statement.split('\n\n<<joined>>\n\n')) texts.push(`${control} | ${control}_smt | ${who} | ${piece}`);
            for (const [key, part] of Object.entries(text.parts)) texts.push(`${control} | ${statementId(key)} | ${who} | ${part}`);
          };
          add('this-system', s);
          for (const [id, text] of Object.entries(s.byComponent)) add(id, text);
          for (const [param, value] of Object.entries(s.parameters)) params.push(`${control} | this-system | ${param} | ${value}`);
          for (const [id, text] of Object.entries(s.byComponent))
            for (const [param, value] of Object.entries(text.parameters ?? {})) params.push(`${control} | ${id} | ${param} | ${value}`);
        }
        assert.deepEqual(texts.sort(), expected.texts);
        // Parameters: one value per id and component (the same id set again by the same component would replace it; none here).
        assert.deepEqual(params.sort(), [...new Set(expected.params)].sort());
        assert.equal(new Set(expected.params).size, expected.params.length);
        assert.equal(result.counts.implementedRequirements, expected.requirements);
      });
    }
  }
});
