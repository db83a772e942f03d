/**
 * The SSP of examples/acme rendered by `infracast render` in every format it has here (md, json,
 * docx, pdf), with real Chromium and real LibreOffice: LibreOffice opens the DOCX and its PDF shows
 * the FedRAMP Appendix A rows (Control Summary Information, check boxes on lines of their own, the
 * solution per part); the DOCX uses Word's Heading styles and a TOC field; the PDF has the cover,
 * the contents and the same rows.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { runCli } from '../support/cli.js';
import { noBrowserReason, tool } from '../support/pdf.js';
import { findTool, libreOfficeToPdf, missingToolsReason } from '../support/tools.js';
import { acme } from '../support/acme-reports.js';
import { copyWorkspace } from '../support/workspace.js';

const SOFFICE = ['soffice', 'libreoffice'];
const skip = noBrowserReason() || missingToolsReason({ what: 'LibreOffice', candidates: SOFFICE }, { what: 'pdftotext', candidates: ['pdftotext'] });
const out = mkdtempSync(join(tmpdir(), 'ssp-render-'));
// A copy: a render takes the workspace's lock and writes its state folder, never the repository's example.
const workspace = copyWorkspace(acme);
const folder = join(out, 'fedramp-moderate-ssp');
const flat = (text: string): string => text.replace(/\s+/g, ' ');

describe('SSP rendered by infracast render (md, json, docx, pdf)', { skip }, () => {
  let result: ReturnType<typeof runCli>;
  before(() => {
    result = runCli(
      [
        'render',
        join(workspace, 'reports', 'ssp-fedramp-moderate.yaml'),
        '--format',
        'md',
        '--format',
        'json',
        '--format',
        'docx',
        '--format',
        'pdf',
        '--out',
        out,
        '--at',
        '2026-11-29',
      ],
      { cwd: workspace },
    );
  });
  after(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  });

  it('renders every format and reports the gaps and disagreements as warnings', () => {
    assert.equal(result.status, 0, result.stderr + result.stdout);
    for (const ext of ['md', 'json', 'docx', 'pdf']) assert.ok(existsSync(join(folder, `fedramp-moderate-ssp.${ext}`)), ext);
    assert.match(result.stdout + result.stderr, /warning: ssp: statement and evidence disagree: AC-2: .*\(controls\/access-control\.yaml:\d+\)/);
  });

  it('gives a DOCX LibreOffice opens, with Heading styles, a TOC field and the Appendix A rows', () => {
    const docx = join(folder, 'fedramp-moderate-ssp.docx');
    const xml = strFromU8(unzipSync(readFileSync(docx), { filter: (f) => f.name === 'word/document.xml' })['word/document.xml']!);
    // The FedRAMP template's levels: sections Heading 1, tables and families Heading 2, controls Heading 3.
    for (const level of [1, 2, 3]) assert.match(xml, new RegExp(`<w:pStyle w:val="Heading${level}"/>`));
    assert.doesNotMatch(xml, /<w:pStyle w:val="Heading4"\/>/);
    assert.match(xml, /<w:pStyle w:val="Heading1"\/>(?:(?!<\/w:p>).)*3 System Information/);
    assert.match(xml, /<w:pStyle w:val="Heading3"\/>(?:(?!<\/w:p>).)*AC-2 Account Management \(L\)\(M\)\(H\)/);
    assert.match(xml, /TOC \\h \\o &quot;1-2&quot;|TOC \\o &quot;1-2&quot; \\h/);
    // The solution table's title spans its two columns.
    assert.match(xml, /<w:gridSpan w:val="2"\/>/);
    const pdf = libreOfficeToPdf(findTool(...SOFFICE)!, docx);
    const dir = mkdtempSync(join(tmpdir(), 'ssp-docx-pdf-'));
    try {
      const file = join(dir, 'docx.pdf');
      writeFileSync(file, pdf);
      const text = tool('pdftotext', ['-layout', file, '-']);
      const lines = text.split('\n').map((l) => l.trim());
      for (const row of [
        'AC-2 Control Summary Information',
        'Responsible Role: System Owner, ISSO, Identity Engineering',
        'Implementation Status (check all that apply):',
        '☒ Implemented',
        '☐ Partially Implemented',
        'Control Origination (check all that apply):',
        '☒ Service Provider System Specific',
      ])
        assert.ok(lines.includes(row), `a line "${row}" in the DOCX's PDF`);
      const all = flat(text);
      assert.match(all, /Parameter ac-02_odp\.06: 24 hours/);
      assert.match(all, /AC-2 What is the solution and how is it implemented\?/);
      assert.match(all, /Part a: AGC recognises four account types/);
      assert.match(all, /Table 3\.1 System Information/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives a PDF with the cover, the contents and the Appendix A rows', () => {
    const file = join(folder, 'fedramp-moderate-ssp.pdf');
    const first = flat(tool('pdftotext', ['-f', '1', '-l', '1', file, '-']));
    assert.match(first, /Acme Government Cloud Platform \(AGC-2024-001\) System Security Plan/);
    const all = flat(tool('pdftotext', [file, '-']));
    assert.match(all, /Contents/);
    assert.match(all, /AC-2 Control Summary Information Responsible Role: System Owner, ISSO, Identity Engineering/);
    assert.match(all, /Implementation Status \(check all that apply\): ☒ Implemented ☐ Partially Implemented/);
    assert.match(all, /Part a: AGC recognises four account types/);
  });
});
