#!/usr/bin/env node
// DOCX rendering speed (issue 5): our renderer on the framework report of the whole SP 800-53
// catalog (examples/acme copied to a temp folder with a definition that has no baseline, so every
// control and enhancement is in it) against pandoc converting the very same Markdown
// (`pandoc -f markdown -t docx`). Target: ours at least 3x faster.
//
// Both convert the same Markdown: ours is timed as `docxFromMarkdown(markdown)` (the DOCX renderer
// after the templates have produced the Markdown, which `render` does once for md anyway; the
// whole `docxRenderer.render(model)`, templates included, is printed too); pandoc is timed as a
// child process on the Markdown file (its start-up is ~0.1 s of it). Each is run BENCH_RUNS times (default 5) after one warm-up; medians are printed, and our
// first (cold) render too, since the CLI renders each report once.
// Needs `npm run build` (it reads dist/) and pandoc on the PATH.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median } from './bench-support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const ms = (n) => `${n.toFixed(0)} ms`;

const pandocCheck = spawnSync('pandoc', ['--version'], { encoding: 'utf8' });
if (pandocCheck.status !== 0) {
  console.error('bench-docx: pandoc is not installed (scripts/setup.sh installs it)');
  process.exit(3);
}

const { validate } = await import(join(root, 'dist/src/app/validate.js'));
const { ingestWorkspace } = await import(join(root, 'dist/src/app/workspace-findings.js'));
const { buildFramework } = await import(join(root, 'dist/src/app/build.js'));
const { renderMarkdown } = await import(join(root, 'dist/src/renderers/markdown.js'));
const { docxRenderer, docxFromMarkdown } = await import(join(root, 'dist/src/renderers/docx.js'));

const work = mkdtempSync(join(tmpdir(), 'infracast-bench-docx-'));
try {
  const workspaceRoot = join(work, 'acme');
  cpSync(join(root, 'examples', 'acme'), workspaceRoot, { recursive: true });
  writeFileSync(
    join(workspaceRoot, 'reports', 'bench-800-53-full.yaml'),
    [
      'name: Bench NIST 800-53 Full Catalog',
      'type: framework',
      'framework: nist-800-53',
      'baseline: none',
      'formats: [docx, md]',
      'options:',
      '  include_remediation: true',
      '  include_evidence: true',
      '',
    ].join('\n'),
  );
  const checked = await validate({ paths: [workspaceRoot], at: '2026-11-29' });
  const workspace = checked.workspaces[0];
  const ingested = await ingestWorkspace(workspace);
  const run = { workspace, ingested, at: new Date('2026-11-29T00:00:00Z') };
  const definition = workspace.outputs.find((o) => o.outputName === 'bench-nist-800-53-full-catalog');
  const model = buildFramework(run, definition, 'nist-800-53');
  const ctx = { workspaceRoot, templatesDir: join(workspaceRoot, 'templates') };
  const markdown = renderMarkdown(model, ctx.templatesDir);
  const mdFile = join(work, 'framework.md');
  writeFileSync(mdFile, markdown);
  const controls = model.provenance.coverage[0];
  console.log(`framework report, nist-800-53 without baseline: ${controls.total} controls, ${(markdown.length / 1024).toFixed(0)} KiB of Markdown`);

  let t = performance.now();
  const first = await docxRenderer.render(model, ctx);
  const cold = performance.now() - t;
  const ours = [];
  const whole = [];
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    await docxFromMarkdown(markdown, model, ctx);
    ours.push(performance.now() - t);
    t = performance.now();
    await docxRenderer.render(model, ctx);
    whole.push(performance.now() - t);
  }
  const theirs = [];
  for (let i = 0; i <= runs; i++) {
    t = performance.now();
    const result = spawnSync('pandoc', ['-f', 'markdown', '-t', 'docx', '-o', join(work, 'pandoc.docx'), mdFile], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`pandoc failed: ${result.stderr}`);
    if (i > 0) theirs.push(performance.now() - t);
  }
  const oursMedian = median(ours);
  const theirsMedian = median(theirs);
  console.log(`infracast docx from the Markdown: ${ms(oursMedian)} median of ${runs}, ${(first.byteLength / 1024).toFixed(0)} KiB`);
  console.log(`infracast docx with the templates: ${ms(median(whole))} median of ${runs} (first render ${ms(cold)})`);
  console.log(`pandoc -f markdown -t docx: ${ms(theirsMedian)} median of ${runs}`);
  const ratio = theirsMedian / oursMedian;
  console.log(`ratio: ours is ${ratio.toFixed(2)}x faster (target: at least 3x) ${ratio >= 3 ? 'ok' : 'BELOW TARGET'}`);
  if (ratio < 3) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
