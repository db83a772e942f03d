/**
 * What record order may not change (spec/evaluation.md section 1): which finding gets which
 * identity, the counts, and the merges across files. Shared by the record-order test and by anyone
 * measuring another ingest (the function is a parameter).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ingest as ingestFunction, IngestResult } from '../../src/app/ingest.js';
import type { Finding } from '../../src/model/finding.js';
import { rewrite } from './reorder.js';
import type { Arrange } from './reorder.js';

export type Ingest = typeof ingestFunction;

/** A finding's content as text with sorted keys, without its identity and where it was read. */
export function contentOf(finding: Finding): string {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  };
  const { identity: _identity, sources: _sources, ...content } = finding;
  return JSON.stringify(sortKeys(content));
}

/** identity + content of every finding, sorted: equal lists mean every finding kept its identity. */
export function identitiesByContent(result: IngestResult): string[] {
  return result.findings.map((f) => `${f.identity} ${contentOf(f)}`).sort();
}

/** How many findings of `result` have an identity that `original` gives to other content (or not at all). */
export function changedIdentities(original: IngestResult, result: IngestResult): number {
  const expected = new Map(original.findings.map((f) => [f.identity, contentOf(f)]));
  return result.findings.filter((f) => expected.get(f.identity) !== contentOf(f)).length;
}

/**
 * The merges of a run: for each finding read from several files, its identity, content and the
 * files (by label) it was read from, sorted. Record numbers are left out: they change with order.
 */
export function mergesOf(result: IngestResult, labels: Map<string, string>): string[] {
  return result.findings
    .filter((f) => f.sources.length > 1)
    .map((f) => `${f.identity} ${f.sources.map((s) => labels.get(s.file) ?? s.file).join('+')} ${contentOf(f)}`)
    .sort();
}

const scratch = mkdtempSync(join(tmpdir(), 'infracast-record-order-'));
let written = 0;

/** Writes the file's records arranged into a new temporary file of the same name. */
export function arrangedCopy(path: string, arrange: Arrange): string {
  const dir = join(scratch, String(++written));
  mkdirSync(dir);
  const copy = join(dir, basename(path));
  writeFileSync(copy, rewrite(path, arrange));
  return copy;
}
