/**
 * The architecture diagram through `infracast render` (issue 15): examples/acme's definition to
 * svg, png and pdf (the PDF printed by Chromium, checked with pdfinfo, pdftotext and pdffonts; the
 * PNG drawn by resvg at twice the SVG's size), a generated 150-component estate whose drawing keeps
 * a page-like shape, and a workspace without an inventory failing with what to add.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCliAsync } from '../support/cli.js';
import { estateInventory } from '../support/estate-inventory.js';
import { goldenDir } from '../support/paths.js';
import { acme, noBrowserReason, tool } from '../support/pdf.js';
import { requireTool } from '../support/tools.js';
import { copyWorkspace, makeWorkspace } from '../support/workspace.js';

const env = { SOURCE_DATE_EPOCH: String(Date.parse('2026-11-29T00:00:00Z') / 1000) };

/** Width and height of a PNG (its IHDR chunk). */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const svgSize = (svg: string): { width: number; height: number } => {
  const m = /^<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg)!;
  return { width: Number(m[1]), height: Number(m[2]) };
};

describe('architecture diagram: svg, png and pdf through infracast render', { skip: noBrowserReason() }, () => {
  it("renders examples/acme's diagram: the golden SVG, a PNG twice its size, a one-page PDF its size with the text and fonts", async (t) => {
    const pdfinfo = requireTool(t, 'poppler-utils', 'pdfinfo');
    if (!pdfinfo) return;
    const ws = copyWorkspace(acme);
    const out = join(tmpdir(), `infracast-diagram-${process.pid}`);
    try {
      const result = await runCliAsync(
        ['render', join(ws, 'reports', 'architecture-diagram.yaml'), '--format', 'svg', '--format', 'png', '--format', 'pdf', '--out', out],
        { cwd: ws, env },
      );
      assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
      const folder = join(out, 'agc-architecture-diagram');
      const svg = readFileSync(join(folder, 'agc-architecture-diagram.svg'), 'utf8');
      assert.equal(svg, readFileSync(join(goldenDir, 'reports', 'acme-architecture-diagram.svg'), 'utf8'), 'the CLI writes the golden SVG');
      const size = svgSize(svg);
      assert.deepEqual(pngSize(readFileSync(join(folder, 'agc-architecture-diagram.png'))), { width: size.width * 2, height: size.height * 2 });
      const pdf = join(folder, 'agc-architecture-diagram.pdf');
      const info = tool(pdfinfo, [pdf]);
      assert.match(info, /^Pages:\s+1$/m);
      assert.match(info, /^Title:\s+AGC Architecture Diagram$/m);
      const [, w, h] = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info)!;
      // CSS pixels are 0.75 pt; Chromium rounds the page to its own units (within half a point).
      assert.ok(Math.abs(Number(w) - size.width * 0.75) < 0.5, `page width ${w} pt for ${size.width} px`);
      assert.ok(Math.abs(Number(h) - size.height * 0.75) < 0.5, `page height ${h} pt for ${size.height} px`);
      const text = tool('pdftotext', ['-raw', pdf, '-']);
      for (const words of ['AGC Architecture Diagram', 'PostgreSQL over TLS', 'CUI (or CDI) flows', 'Amazon CloudFront with AWS'])
        assert.ok(text.includes(words), `the PDF has the text ${words}`);
      assert.match(tool('pdffonts', [pdf]), /SourceSans3/);
    } finally {
      rmSync(ws, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('a 150-component estate: a PNG and a PDF of a drawing no more than three times longer than wide or wide than long', async () => {
    const ws = makeWorkspace({
      'inventory/estate.yaml': JSON.stringify(estateInventory(150)),
      'reports/architecture-diagram.yaml': 'name: Estate architecture\ntype: architecture-diagram\nformats: [svg, png, pdf]\n',
    });
    try {
      const result = await runCliAsync(['render', ws], { cwd: ws, env });
      assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
      const folder = join(ws, 'out', 'estate-architecture');
      const size = svgSize(readFileSync(join(folder, 'estate-architecture.svg'), 'utf8'));
      assert.ok(size.width / size.height < 3 && size.height / size.width < 3, `${size.width} x ${size.height}`);
      // Twice the size but for the cap on pixels (50 million, the height rounded): never smaller than the SVG itself, so the text stays legible.
      const png = pngSize(readFileSync(join(folder, 'estate-architecture.png')));
      assert.ok(png.width * png.height <= 50_000_000 * 1.001 && png.width >= size.width && png.width <= size.width * 2, `${png.width} x ${png.height}`);
      assert.ok(Math.abs(png.width / png.height - size.width / size.height) < 0.01);
      assert.match(tool('pdfinfo', [join(folder, 'estate-architecture.pdf')]), /^Pages:\s+1$/m);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});

describe('architecture diagram: a workspace without an inventory', () => {
  it('fails the definition with INVENTORY_MISSING, naming what to add', async () => {
    const ws = makeWorkspace({ 'reports/architecture-diagram.yaml': 'name: Diagram\ntype: architecture-diagram\nformat: svg\n' });
    try {
      const result = await runCliAsync(['render', ws, '--json'], { cwd: ws, env });
      assert.equal(result.status, 1, `${result.stdout}${result.stderr}`);
      const report = (JSON.parse(result.stdout) as { reports: { status: string; error: { code: string; message: string; hints: string[] } }[] }).reports[0]!;
      assert.equal(report.status, 'failed');
      assert.equal(report.error.code, 'INVENTORY_MISSING');
      assert.match(report.error.message, /^reports\/architecture-diagram\.yaml: a architecture-diagram is drawn from the workspace's inventory/);
      assert.ok(report.error.hints.some((h) => h.includes('kind: Inventory')));
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
