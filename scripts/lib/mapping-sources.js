// The fact extracts scripts/build-mappings.js reads (under scripts/sources/, see PROVENANCE.md
// there): where they are, the tab-separated format they share, and the sha256 manifests of the
// upstream originals they were extracted from. The originals themselves are not kept in the
// repository; `node scripts/build-mappings.js --extract` (scripts/lib/extract-mapping-sources.js)
// regenerates the extracts from them.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SOURCE_FILES = {
  /** sha256sum format; paths relative to a checkout of awsdocs/aws-security-hub-user-guide. */
  awsOriginals: 'aws-security-hub-user-guide/originals.sha256',
  awsControls: 'aws-security-hub-user-guide/controls.tsv',
  /** sha256sum format; the path is the pdftotext output's name. */
  nistOriginals: 'nist-sp-800-171r2/originals.sha256',
  nistAppendixD: 'nist-sp-800-171r2/appendix-d.tsv',
  nistAppendixE: 'nist-sp-800-171r2/appendix-e.tsv',
};

export const AWS_COMMIT = '47bfe2f1de2e486914543113d2e751f3e2ed8868';
export const AWS_ORIGIN = `awsdocs/aws-security-hub-user-guide at commit ${AWS_COMMIT}`;
export const NIST_ORIGIN =
  'the text (pdftotext -layout) of pages 61-101 of NIST.SP.800-171r2.pdf, j1nh0/pdf_nist at commit 99a0f1136911185b383540395c642092ecef6277';

/** The columns of each extract (its first line that is not a comment). */
export const COLUMNS = {
  awsControls: ['file', 'control', 'title', 'NIST.800-53.r5', 'CIS AWS Foundations Benchmark', 'PCI DSS'],
  nistAppendixD: ['table', 'block', 'requirements', 'controls'],
  nistAppendixE: ['table', 'control', 'tailoring'],
};

/** Lists inside a cell, in the order the source prints them. */
export const LIST_SEPARATOR = ', ';

export const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

export function sourceError(message) {
  return new Error(`build-mappings: ${message}`);
}

/** `<sha256>  <path>` lines (as `sha256sum` writes them) -> [{ path, sha256 }], by path (code units). */
export function readOriginals(sources, rel) {
  return readFileSync(join(sources, rel), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line, index) => {
      const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
      if (!m) throw sourceError(`scripts/sources/${rel}, line ${index + 1}: not "<sha256>  <path>"`);
      return { sha256: m[1], path: m[2] };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** An extract's text: `#` comment lines, the column names, then one line per record. */
export function formatExtract(comments, columns, records) {
  const lines = [...comments.map((c) => `# ${c}`), columns.join('\t'), ...records.map((r) => r.join('\t'))];
  for (const line of lines.slice(comments.length)) {
    if (/[\n\r]/.test(line)) throw sourceError(`an extract line holds a line break: "${line}"`);
  }
  return `${lines.join('\n')}\n`;
}

/** Reads an extract written by formatExtract: its records as arrays of cells (lists split). */
export function readExtract(sources, key) {
  const rel = SOURCE_FILES[key];
  const lines = readFileSync(join(sources, rel), 'utf8').split('\n');
  if (lines.pop() !== '') throw sourceError(`scripts/sources/${rel} does not end with a line break`);
  const body = lines.map((line, index) => ({ line, at: `scripts/sources/${rel}, line ${index + 1}` })).filter(({ line }) => !line.startsWith('#'));
  const [header, ...records] = body;
  if (header?.line !== COLUMNS[key].join('\t')) throw sourceError(`scripts/sources/${rel}: the columns are not ${COLUMNS[key].join(', ')}`);
  return records.map(({ line, at }) => {
    const cells = line.split('\t');
    if (cells.length !== COLUMNS[key].length) throw sourceError(`${at}: ${cells.length} cells, expected ${COLUMNS[key].length}`);
    return { cells, at };
  });
}

/** A list cell -> its items ('' is the empty list). */
export const listOf = (cell) => (cell === '' ? [] : cell.split(LIST_SEPARATOR));
