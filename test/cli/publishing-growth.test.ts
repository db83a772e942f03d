/**
 * The growth policy (publishing/growth.ts, render's keepUnchangedBinaries): a second run at another
 * instant with the same inputs rewrites Markdown and JSON but keeps the DOCX, XLSX and the evidence
 * zip byte for byte (with their signatures and index items); a change of findings renders them
 * again. DOCX and XLSX need no browser; the policy is the same code for PDF.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { render } from '../../src/app/render.js';
import type { RenderOptions } from '../../src/app/render.js';
import type { RunIndex } from '../../src/app/publish.js';
import { examplesDir } from '../support/paths.js';
import { copyWorkspace } from '../support/workspace.js';

const FIRST = '2026-11-02T12:00:00Z';
const SECOND = '2026-11-09T12:00:00Z';
const GAP = 'nist-800-171-gap-analysis';
const EVIDENCE = 'fedramp-moderate-evidence-oct-nov-2026';

function digests(root: string, names: string[]): Record<string, string> {
  return Object.fromEntries(
    names.map((n) => [
      n,
      createHash('sha256')
        .update(readFileSync(join(root, 'out', n)))
        .digest('hex'),
    ]),
  );
}

const gapFiles = ['docx', 'xlsx', 'md', 'json'].map((ext) => `${GAP}/${GAP}.${ext}`);
const binaries = [`${GAP}/${GAP}.docx`, `${GAP}/${GAP}.xlsx`, `${EVIDENCE}/${EVIDENCE}.zip`];

async function renderAt(root: string, at: string, extra: Partial<RenderOptions> = {}) {
  const result = await render({ paths: [root], definitions: [GAP, EVIDENCE], formats: ['md', 'json', 'docx', 'xlsx', 'zip'], at, env: {}, ...extra });
  assert.equal(result.ok, true, JSON.stringify(result.reports.map((r) => r.error).filter(Boolean)));
  return result;
}

const index = (root: string): RunIndex => JSON.parse(readFileSync(join(root, 'out', 'index.json'), 'utf8')) as RunIndex;

describe('publishing: binaries are kept while their report says nothing new', () => {
  it('keeps DOCX, XLSX and the zip byte for byte at a new instant, rewrites Markdown and JSON, and the index still matches the files', async () => {
    const root = copyWorkspace(join(examplesDir, 'acme'));
    await renderAt(root, FIRST, { keepUnchangedBinaries: true });
    const before = digests(root, [...gapFiles, `${EVIDENCE}/${EVIDENCE}.zip`]);
    await renderAt(root, SECOND, { keepUnchangedBinaries: true });
    const after = digests(root, [...gapFiles, `${EVIDENCE}/${EVIDENCE}.zip`]);
    for (const file of binaries) assert.equal(after[file], before[file], `${file} was re-rendered`);
    for (const file of [`${GAP}/${GAP}.md`, `${GAP}/${GAP}.json`]) assert.notEqual(after[file], before[file], `${file} was not rewritten`);
    assert.match(readFileSync(join(root, 'out', GAP, `${GAP}.json`), 'utf8'), new RegExp(`"generatedAt": "${SECOND}"`));
    // out/index.json: every item's sha256 is its file's; a kept binary keeps the dates it was made.
    for (const item of index(root).items.filter((i) => i.path !== null && [GAP, EVIDENCE].some((d) => i.path!.startsWith(`${d}/`)))) {
      assert.equal(
        item.sha256,
        after[item.path!] ??
          createHash('sha256')
            .update(readFileSync(join(root, 'out', item.path!)))
            .digest('hex'),
        item.path!,
      );
      assert.equal(item.completed_at, binaries.includes(item.path!) ? FIRST : SECOND, item.path!);
    }
  });

  it('renders every binary again when the findings change', async () => {
    const root = copyWorkspace(join(examplesDir, 'acme'));
    await renderAt(root, FIRST, { keepUnchangedBinaries: true });
    const before = digests(root, binaries);
    rmSync(join(root, 'findings', 'trivy'), { recursive: true });
    await renderAt(root, SECOND, { keepUnchangedBinaries: true });
    const after = digests(root, binaries);
    for (const file of binaries) assert.notEqual(after[file], before[file], `${file} was kept though its report changed`);
  });

  it('without the option (a plain render), every format is rendered again', async () => {
    const root = copyWorkspace(join(examplesDir, 'acme'));
    await renderAt(root, FIRST);
    const before = digests(root, binaries);
    await renderAt(root, SECOND);
    const after = digests(root, binaries);
    for (const file of binaries) assert.notEqual(after[file], before[file], file);
  });

  it('keeps a signed binary with its signature (nothing re-signed); signing turned off renders it again, unsigned', async () => {
    const root = copyWorkspace(join(examplesDir, 'acme'));
    const gapOnly = { definitions: [GAP], formats: ['md', 'json', 'docx'] as RenderOptions['formats'] };
    await renderAt(root, FIRST, { keepUnchangedBinaries: true, sign: true, ...gapOnly });
    const docx = `${GAP}/${GAP}.docx`;
    const bundle = `${GAP}/${GAP}.docx.sigstore.json`;
    const before = digests(root, [docx, bundle]);
    const second = await renderAt(root, SECOND, { keepUnchangedBinaries: true, sign: true, ...gapOnly });
    assert.deepEqual(digests(root, [docx, bundle]), before);
    // md and json are signed again (their bytes changed); the DOCX's signature is kept.
    assert.deepEqual(second.signatures, { signed: 2, kept: 1 });
    const item = index(root).items.find((i) => i.path === docx)!;
    assert.equal(item.signature?.bundle, bundle);
    const state = JSON.parse(readFileSync(join(root, '.infracast', 'signatures.json'), 'utf8')) as { artifacts: Record<string, { signed_sha256: string }> };
    assert.equal(state.artifacts[docx]?.signed_sha256, before[docx]);

    await renderAt(root, '2026-11-16T12:00:00Z', { keepUnchangedBinaries: true, ...gapOnly });
    assert.notEqual(digests(root, [docx])[docx], before[docx]);
    assert.equal(index(root).items.find((i) => i.path === docx)!.signature, undefined);
  });
});
