/** Every request body in the spec, written as YAML, validates unchanged (issue: Foundation). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { validate } from '../../src/index.js';
import { makeWorkspace } from '../support/workspace.js';
import { PYTHON_EXAMPLE_BODY, SPEC_BODIES } from './spec-bodies.js';

describe('the spec request bodies validate unchanged', () => {
  for (const body of SPEC_BODIES) {
    for (const style of ['as the spec prints it (JSON is YAML)', 'as block YAML'] as const) {
      it(`${body.name} (${body.section}), ${style}`, async () => {
        const text = style === 'as block YAML' ? stringify(JSON.parse(body.json)) : `${body.json}\n`;
        // A schedule body is recognised by its frequency, in schedules/ or anywhere else.
        const file = `reports/${body.name}.yaml`;
        const root = makeWorkspace({ [file]: text });
        const result = await validate({ paths: [`${root}/${file}`], at: '2026-11-29' });
        assert.deepEqual(result.diagnostics, [], JSON.stringify(result.diagnostics, null, 2));
        const doc = result.workspaces[0]?.documents.find((d) => d.source.file.endsWith(file));
        assert.equal(doc?.kind, body.kind, doc?.kindReason);
      });
    }
  }
  it('the Python example body validates too', async () => {
    const root = makeWorkspace({ 'reports/python.yaml': stringify(PYTHON_EXAMPLE_BODY) });
    assert.equal((await validate({ paths: [root], at: '2026-11-29' })).ok, true);
  });
  it('a body without framework uses the workspace default frameworks', async () => {
    const root = makeWorkspace({ 'reports/exec.yaml': '{"type": "executive", "format": "pdf"}\n' });
    const result = await validate({ paths: [root], at: '2026-11-29' });
    assert.deepEqual(result.workspaces[0]?.outputs[0]?.frameworks, ['nist-800-53']);
  });
  it('logo_url is folded into organization_logo; the spec schedule carries its inline definition', async () => {
    const pci = SPEC_BODIES.find((b) => b.name === 'generate-framework-pci')!;
    const sched = SPEC_BODIES.find((b) => b.name === 'schedule-weekly-executive')!;
    const root = makeWorkspace({ 'reports/pci.yaml': pci.json, 'schedules/weekly.yaml': sched.json });
    const ws = (await validate({ paths: [root], at: '2026-11-29' })).workspaces[0]!;
    const pciOut = ws.outputs.find((o) => o.outputName === 'pci')!;
    assert.equal(pciOut.options.organization_logo, 'https://acme.com/logo.png');
    assert.equal('logo_url' in pciOut.options, false);
    const schedule = ws.schedules[0]!;
    assert.equal(schedule.inline?.type, 'executive');
    assert.deepEqual(schedule.reports, ['weekly-security-executive-summary']);
    assert.equal(schedule.timezone, 'America/New_York');
  });
});
