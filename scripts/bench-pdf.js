#!/usr/bin/env node
// PDF bench (issue 5): the framework report of examples/acme over the full NIST SP 800-53 catalog
// (baseline none), measured two ways, each with the browser launch included:
//   (a) Chromium alone: puppeteer-core launches the browser, loads the report's final HTML once
//       and prints it with the same options, then closes (the floor for any Chromium-based PDF);
//   (b) Infracast: pdfRenderer from the ReportModel (Markdown, HTML, the TOC passes, metadata),
//       with a session from io/browser.ts, launch and close included.
// Target: (b) within 2x of (a). Runs over dist/ (npm run build first); BENCH_PDF_RUNS (default 3)
// runs each, the median is reported. `import { benchPdf } from './scripts/bench-pdf.js'` gives the
// figures as an object.
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './bench-support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => import(pathToFileURL(join(root, 'dist', path)).href);

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** The framework report model over the whole 800-53 catalog, and its render context. */
export async function fullCatalogReport() {
  const { validate } = await dist('src/app/validate.js');
  const { ingestWorkspace } = await dist('src/app/workspace-findings.js');
  const { buildFramework } = await dist('src/app/build.js');
  const acme = join(root, 'examples', 'acme');
  const at = '2026-11-29T00:00:00Z';
  const checked = await validate({ paths: [acme], at });
  const workspace = checked.workspaces[0];
  const ingested = await ingestWorkspace(workspace);
  const run = { workspace, ingested, at: new Date(at) };
  const definition = workspace.outputs.find((o) => o.outputName === 'nist-800-53-moderate-control-status');
  const model = buildFramework(run, { ...definition, baseline: 'none' }, 'nist-800-53');
  return { model, ctx: { workspaceRoot: acme, templatesDir: join(acme, 'templates'), attachments: new Map() } };
}

export async function benchPdf({ runs = Number(process.env.BENCH_PDF_RUNS ?? 3) } = {}) {
  const { findBrowser, openBrowserSession } = await dist('src/io/browser.js');
  const { renderPdf, headerFooter } = await dist('src/renderers/pdf.js');
  const { documentHtml, prepareReport } = await dist('src/renderers/html.js');
  const puppeteer = (await import('puppeteer-core')).default;
  const { model, ctx } = await fullCatalogReport();

  const ours = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const start = now();
    const session = openBrowserSession();
    try {
      result = await renderPdf(model, { ...ctx, browser: async () => session });
    } finally {
      await session.close();
    }
    ours.push(now() - start);
  }

  // The same HTML as the last print of (b), with its TOC numbers filled in.
  const html = documentHtml(prepareReport(model, ctx), ctx, result.tocPages);
  const chromium = [];
  for (let i = 0; i < runs; i++) {
    const start = now();
    const browser = await puppeteer.launch({
      executablePath: findBrowser(),
      headless: true,
      pipe: true,
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
    try {
      const page = await browser.newPage();
      await page.setContent(html, { waitUntil: 'load', timeout: 300_000 });
      await page.pdf({
        format: 'Letter',
        preferCSSPageSize: true,
        printBackground: true,
        displayHeaderFooter: true,
        ...headerFooter(model),
        outline: true,
        tagged: true,
        timeout: 300_000,
      });
    } finally {
      await browser.close();
    }
    chromium.push(now() - start);
  }
  const a = median(chromium);
  const b = median(ours);
  return {
    pages: result.pageCount,
    passes: result.passes,
    htmlBytes: html.length,
    chromiumOnceMs: Math.round(a),
    infracastMs: Math.round(b),
    ratio: Number((b / a).toFixed(2)),
  };
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const r = await benchPdf();
  console.log(`framework report, full NIST SP 800-53 catalog: ${r.pages} pages, ${r.passes} prints, HTML ${(r.htmlBytes / 1e6).toFixed(1)} MB`);
  console.log(`(a) Chromium printing the final HTML once, launch included: ${r.chromiumOnceMs} ms`);
  console.log(`(b) Infracast pdfRenderer, launch included:                ${r.infracastMs} ms`);
  console.log(`ratio (b)/(a): ${r.ratio}x (target: within 2x)`);
}
