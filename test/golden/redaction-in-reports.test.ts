/** Reports are built from redacted findings (evaluation.md section 9): examples/acme's secrets never reach a report. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { buildRemediation } from '../../src/app/build.js';
import { ingestWorkspace } from '../../src/app/workspace-findings.js';
import { validate } from '../../src/app/validate.js';
import { jsonRenderer } from '../../src/renderers/json.js';
import { markdownRenderer } from '../../src/renderers/markdown.js';
import { examplesDir } from '../support/paths.js';

it("the remediation report of examples/acme carries neither its fake AWS key nor the findings' e-mail addresses, in md or json", async () => {
  const acme = join(examplesDir, 'acme');
  const workspace = (await validate({ paths: [acme], at: '2026-11-29' })).workspaces[0]!;
  const ingested = await ingestWorkspace(workspace);
  assert.ok(ingested.findings.some((f) => `${f.title} ${f.description ?? ''}`.includes('AKIAIOSFODNN7EXAMPLE')), 'the import still has it');
  const run = { workspace, ingested, at: new Date('2026-11-29T00:00:00Z') };
  const model = buildRemediation(run, workspace.outputs.find((o) => o.type === 'remediation')!);
  const ctx = { workspaceRoot: acme, templatesDir: join(acme, 'templates') };
  for (const renderer of [markdownRenderer, jsonRenderer]) {
    const text = new TextDecoder().decode(await renderer.render(model, ctx));
    assert.doesNotMatch(text, /AKIAIOSFODNN7EXAMPLE/, renderer.format);
    // Finding text only: the CUI designation's point of contact (workspace configuration) is printed on purpose.
    assert.doesNotMatch(text, /j\.alvarez@acme\.com|secops@acme\.com/, renderer.format);
    // Markdown escapes the colon (a scheme to pandoc's autolinker), JSON does not.
    assert.match(text, /REDACTED\\?:email/, renderer.format);
  }
});
