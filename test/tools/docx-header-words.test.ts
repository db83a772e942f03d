/**
 * Issue 14 "Done when": DOCX tables converted by LibreOffice show no broken header words. Reports of
 * examples/acme (framework on SP 800-53 and SP 800-171, the 800-171 gap, remediation by team, the
 * executive summary with its nine-column tables) are rendered to DOCX, converted to PDF by
 * LibreOffice, and every word of every table header row (the rows marked w:tblHeader) must come
 * out of pdftotext whole: not "Cover" at the end of one line and "age" at the start of the next.
 * Before the fonts were embedded and header words measured, LibreOffice without Carlito set
 * "Coverage", "Failing", "Open", "Resources", "Score" and "Severity" across two lines.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { buildFramework, buildGap, buildRemediation } from '../../src/app/build.js';
import type { RunContext } from '../../src/app/build.js';
import { buildExecutive } from '../../src/app/build-executive.js';
import type { ReportModel } from '../../src/model/report-model.js';
import { docxRenderer } from '../../src/renderers/docx.js';
import { acme, acmeRun } from '../support/acme-reports.js';
import { findTool, libreOfficeToPdf, missingToolsReason } from '../support/tools.js';

const SOFFICE = ['soffice', 'libreoffice'];
const PDFTOTEXT = ['pdftotext'];
const PDFFONTS = ['pdffonts'];

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of each cell of each table header row of a DOCX's document.xml. */
export function headerCells(documentXml: string): string[] {
  const cells: string[] = [];
  for (const row of documentXml.match(/<w:tr>.*?<\/w:tr>/gs) ?? []) {
    if (!row.includes('<w:tblHeader/>')) continue;
    for (const cell of row.match(/<w:tc>.*?<\/w:tc>/gs) ?? []) {
      const text = [...cell.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
      cells.push(text.replace(/&(amp|lt|gt|quot|apos);/g, (_m, name: string) => XML_ENTITIES[name]!));
    }
  }
  return cells;
}

/**
 * Header words that the text shows split in two: a token that is the word's beginning (or its
 * beginning and a hyphen) followed by a token that starts with the rest.
 */
export function brokenWords(words: ReadonlySet<string>, text: string): string[] {
  const tokens = text.split(/\s+/).filter((t) => t.length > 0);
  const broken = new Set<string>();
  for (let i = 0; i + 1 < tokens.length; i++) {
    const [a, b] = [tokens[i]!, tokens[i + 1]!];
    for (const word of words) {
      if (a === word || b === word) continue;
      for (let k = 1; k < word.length; k++) {
        if ((a === word.slice(0, k) || a === `${word.slice(0, k)}-`) && b.startsWith(word.slice(k))) broken.add(`${word} (${a} / ${b})`);
      }
    }
  }
  return [...broken].sort();
}

const reason = missingToolsReason(
  { what: 'LibreOffice', candidates: SOFFICE },
  { what: 'pdftotext', candidates: PDFTOTEXT },
  { what: 'pdffonts', candidates: PDFFONTS },
);

describe('DOCX table headers in LibreOffice', { skip: reason }, () => {
  let run: RunContext;
  let work: string;
  const reports: { name: string; model: ReportModel }[] = [];

  before(async () => {
    run = await acmeRun();
    work = mkdtempSync(join(tmpdir(), 'docx-headers-'));
    const outputs = run.workspace.outputs;
    const framework53 = outputs.find((o) => o.outputName === 'nist-800-53-moderate-control-status')!;
    const gap = outputs.find((o) => o.type === 'gap')!;
    reports.push(
      { name: 'framework-nist-800-53', model: buildFramework(run, framework53, 'nist-800-53') },
      // The same definition read against SP 800-171: a framework without baselines.
      { name: 'framework-nist-800-171', model: buildFramework(run, { ...framework53, frameworks: ['nist-800-171'] }, 'nist-800-171') },
      { name: 'gap-nist-800-171', model: buildGap(run, gap, 'nist-800-171') },
      {
        name: 'remediation',
        model: buildRemediation(
          run,
          outputs.find((o) => o.type === 'remediation')!,
        ),
      },
      {
        name: 'executive',
        model: buildExecutive(
          run,
          outputs.find((o) => o.outputName === 'executive-security-posture')!,
          [],
        ).model,
      },
    );
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('every header word of every table comes out whole, in the embedded fonts', async () => {
    const soffice = findTool(...SOFFICE)!;
    const failures: string[] = [];
    let headerWords = 0;
    for (const { name, model } of reports) {
      const docx = await docxRenderer.render(model, { workspaceRoot: acme, templatesDir: join(acme, 'templates') });
      const file = join(work, `${name}.docx`);
      writeFileSync(file, docx);
      const cells = headerCells(strFromU8(unzipSync(docx, { filter: (f) => f.name === 'word/document.xml' })['word/document.xml']!));
      const words = new Set(cells.flatMap((c) => c.split(/\s+/)).filter((w) => w.length > 1));
      assert.ok(words.size > 0, `${name}: no table header row found`);
      headerWords += words.size;
      const pdf = join(work, `${name}.pdf`);
      writeFileSync(pdf, libreOfficeToPdf(soffice, file));
      const text = spawnSync(findTool(...PDFTOTEXT)!, [pdf, '-'], { encoding: 'utf8' }).stdout;
      // Each header word is somewhere in the text whole (the check below would pass on a PDF without the table).
      for (const word of words) if (!text.includes(word)) failures.push(`${name}: "${word}" not in the PDF's text`);
      failures.push(...brokenWords(words, text).map((w) => `${name}: ${w}`));
      // LibreOffice lays the document out with the embedded fonts, not a substitute of its own.
      const fonts = spawnSync(findTool(...PDFFONTS)!, [pdf], { encoding: 'utf8' }).stdout;
      if (!/SourceSans3-Bold/.test(fonts)) failures.push(`${name}: the PDF does not use the embedded Source Sans 3 Bold:\n${fonts}`);
    }
    assert.ok(headerWords > 40, `only ${headerWords} header words`);
    assert.deepEqual(failures, []);
  });

  it('finds a broken word where there is one (the check can fail)', () => {
    assert.deepEqual(brokenWords(new Set(['Coverage', 'Open']), 'Score Cover\nage Op- en Open'), ['Coverage (Cover / age)', 'Open (Op- / en)']);
  });
});
