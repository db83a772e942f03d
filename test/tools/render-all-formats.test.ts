/**
 * Issue 5, "Done when": `infracast render` on examples/acme's report definitions produces pdf, docx
 * and xlsx for every report type, next to md and json, as the definitions ask, through the real
 * CLI (one Chromium for the whole run). Each format's own tests check its structure; this one checks that the run produces
 * them all, that each opens as what it claims to be, and that they say the same things.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { runCli } from '../support/cli.js';
import { examplesDir } from '../support/paths.js';
import { requireTool } from '../support/tools.js';

const DEFINITIONS: Record<string, string> = {
  'nist-800-53-moderate': 'nist-800-53-moderate-control-status',
  'executive-posture': 'executive-security-posture',
  'nist-800-171-gap': 'nist-800-171-gap-analysis',
  'remediation-by-team': 'remediation-by-team',
  'poam-status': 'fedramp-poam-status-report',
  'evidence-oct-nov-2026': 'fedramp-moderate-evidence-oct-nov-2026',
};
const FORMATS = ['md', 'json', 'pdf', 'docx', 'xlsx'];

describe('render every report type of examples/acme to md, json, pdf, docx and xlsx', () => {
  let root: string;
  let result: ReturnType<typeof runCli>;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'infracast-all-formats-'));
    cpSync(join(examplesDir, 'acme'), root, { recursive: true });
    // The definitions' own formats (examples/acme asks for all five for every report type).
    const args = ['render', ...Object.keys(DEFINITIONS).map((d) => `reports/${d}.yaml`)];
    result = runCli(args, { cwd: root, env: { SOURCE_DATE_EPOCH: '1796040000' } });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes every format of every report type, and the run succeeds', (t) => {
    if (!requireTool(t, 'Chromium', '/usr/bin/chromium', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable')) return;
    assert.equal(result.status, 0, result.stderr);
    for (const name of Object.values(DEFINITIONS)) {
      // The evidence report's formats are its zip and the index (md, json, pdf); it has no docx or xlsx.
      const formats = name.includes('evidence') ? ['md', 'json', 'pdf', 'zip'] : FORMATS;
      for (const format of formats) assert.ok(existsSync(join(root, 'out', name, `${name}.${format}`)), `${name}.${format}`);
    }
    assert.match(result.stdout, /6 of 6 definitions rendered/);
  });

  it('each file is what it claims, and the formats agree on the SPRS score', (t) => {
    if (!requireTool(t, 'pdftotext', 'pdftotext')) return;
    const gap = (ext: string): string => join(root, 'out', 'nist-800-171-gap-analysis', `nist-800-171-gap-analysis.${ext}`);
    const pdfText = spawnSync('pdftotext', ['-layout', gap('pdf'), '-'], { encoding: 'utf8' }).stdout;
    assert.match(pdfText, /SPRS score\s+80 \(incomplete\)/);
    assert.match(readFileSync(gap('md'), 'utf8'), /\| SPRS score \| 80 \(incomplete\) \|/);
    const docx = unzipSync(readFileSync(gap('docx')));
    assert.match(strFromU8(docx['word/document.xml']!), /80 \(incomplete\)/);
    const xlsx = unzipSync(readFileSync(gap('xlsx')));
    assert.ok(xlsx['xl/workbook.xml'], 'an XLSX package');
    assert.match(
      Object.entries(xlsx)
        .filter(([n]) => n.startsWith('xl/worksheets/'))
        .map(([, v]) => strFromU8(v))
        .join(''),
      />80</,
    );
    // out/index.json lists each as completed with its digest.
    const index = JSON.parse(readFileSync(join(root, 'out', 'index.json'), 'utf8'));
    const formats = new Set(index.items.filter((i: { status: string }) => i.status === 'completed').map((i: { format: string }) => i.format));
    for (const f of [...FORMATS, 'zip', 'svg']) assert.ok(formats.has(f), f);
  });
});
