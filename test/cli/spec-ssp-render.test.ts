/**
 * The spec's "Generate an SSP" body, written unchanged as a definition in a copy of examples/acme,
 * renders (issue 15): a DOCX whose text is the SSP of the spec's system, its remote logo refused
 * with a warning (no network request), exit 0.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { unzipSync, strFromU8 } from 'fflate';
import { runCli } from '../support/cli.js';
import { copyWorkspace } from '../support/workspace.js';
import { examplesDir } from '../support/paths.js';
import { SPEC_BODIES } from './spec-bodies.js';

const acme = join(examplesDir, 'acme');

describe("the spec's SSP body renders", () => {
  it('documents-ssp as written in the spec: fedramp-high DOCX with the spec options', () => {
    const body = SPEC_BODIES.find((b) => b.name === 'documents-ssp')!;
    const root = copyWorkspace(acme);
    try {
      writeFileSync(join(root, 'reports', 'spec-ssp.yaml'), `${body.json}\n`);
      const env = { SOURCE_DATE_EPOCH: String(Date.parse('2026-11-29T12:00:00Z') / 1000) };
      const result = runCli(['render', 'reports/spec-ssp.yaml', '--json'], { cwd: root, env });
      assert.equal(result.status, 0, result.stdout + result.stderr);
      const report = (JSON.parse(result.stdout) as { reports: { status: string; artifacts: { path: string; format: string }[]; warnings: string[] }[] })
        .reports[0]!;
      assert.equal(report.status, 'completed');
      const docx = report.artifacts.find((a) => a.format === 'docx')!;
      const xml = strFromU8(unzipSync(readFileSync(join(root, 'out', docx.path)))['word/document.xml']!);
      // The spec's options: its system name and id, its CSP, FedRAMP High's baseline (AC-2(5) is High only).
      assert.match(xml, /Acme Government Cloud Platform/);
      assert.match(xml, /AGC-2024-001/);
      assert.match(xml, /Acme Cloud Services LLC/);
      assert.match(xml, /AC-2\(5\) Control Summary Information/);
      // The remote logo is not fetched: the document is rendered without it, and says why.
      assert.ok(
        report.warnings.some((w) => /logo/i.test(w)),
        report.warnings.join('\n'),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
