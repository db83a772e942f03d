// `node scripts/build-mappings.js --extract [--check] [--aws DIR] [--nist FILE]`: regenerates the
// fact extracts under scripts/sources/ (scripts/lib/mapping-sources.js) from the upstream
// originals, which the repository does not keep (scripts/sources/PROVENANCE.md says where they
// are). Each original is checked against the sha256 recorded in scripts/sources/*/originals.sha256
// before it is read. With --check nothing is written: it fails when an extract differs from what
// the originals give.
//
// DIR is a checkout (or an export) of awsdocs/aws-security-hub-user-guide at AWS_COMMIT; FILE is
// the pdftotext output of NIST SP 800-171 Rev. 2, Appendices D and E (PROVENANCE.md gives the
// command). Only ids and the short control titles are extracted; no statement or other prose.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeOrCheck } from './write-or-check.js';
import { AWS_ORIGIN, COLUMNS, LIST_SEPARATOR, NIST_ORIGIN, SOURCE_FILES, formatExtract, readOriginals, sha256, sourceError } from './mapping-sources.js';

const fail = (message) => {
  throw sourceError(message);
};

/** The bytes of an original, after checking its sha256 against the recorded one. */
function verifiedOriginal(file, expected) {
  if (!existsSync(file)) fail(`${file} is absent (the original recorded with sha256 ${expected})`);
  const bytes = readFileSync(file);
  const actual = sha256(bytes);
  if (actual !== expected) fail(`${file}: sha256 ${actual}, but ${expected} is recorded; is this the recorded version of the original?`);
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// AWS Security Hub User Guide: the heading and the "Related requirements" line of each control.

const unescapeMarkdown = (text) => text.replace(/\\(.)/g, '$1');
const CONTROL_HEADING = /^\[([A-Za-z0-9]+\.\d+)\] (.*)<a name="[^"]+"><\/a>$/;
const RELATED = '**Related requirements:**';

/** One record per control of one doc_source/*-controls.md file, in the order it prints them. */
function controlsOfFile(file, text) {
  const records = [];
  // One section per control: "## \[Config\.1\] AWS Config should be enabled<a name="config-1"></a>".
  for (const section of text.split(/^## /m).slice(1)) {
    const heading = unescapeMarkdown(section.slice(0, section.indexOf('\n')));
    const m = CONTROL_HEADING.exec(heading) ?? fail(`${file}: a section that is not a control: "${heading}"`);
    const [, id, title] = m;
    if (/\t/.test(title)) fail(`${file}: ${id}: a tab in the title`);
    const line = section.split('\n').find((l) => l.startsWith(RELATED));
    // A control without the line (Redshift.9 in this release) relates to no requirement.
    const related = line ? unescapeMarkdown(line.slice(RELATED.length)).split(',') : [];
    const nist = [];
    const cis = [];
    const pci = [];
    for (const raw of related.map((r) => r.trim()).filter(Boolean)) {
      let r;
      if ((r = /^NIST\.800-53\.r5 ([A-Z]{2}-\d+(?:\(\d+\))?)$/.exec(raw))) nist.push(r[1]);
      else if ((r = /^CIS AWS Foundations Benchmark (v1\.[24]\.0\/\d+(?:\.\d+)+)$/.exec(raw))) cis.push(r[1]);
      else if ((r = /^PCI DSS (v3\.2\.1\/[\d.]+)$/.exec(raw))) pci.push(r[1]);
      else fail(`${file}: ${id}: unrecognised related requirement "${raw}"`);
    }
    records.push([basename(file), id, title, nist.join(LIST_SEPARATOR), cis.join(LIST_SEPARATOR), pci.join(LIST_SEPARATOR)]);
  }
  return records;
}

function awsExtract(sources, dir) {
  const originals = readOriginals(sources, SOURCE_FILES.awsOriginals);
  const listed = new Set(originals.map((o) => o.path));
  // The folder's other *-controls.md files describe the console and hold no control; a new one
  // that holds controls must be added to originals.sha256, not skipped.
  const docSource = join(dir, 'doc_source');
  if (!existsSync(docSource)) fail(`${docSource} is absent: --aws takes a checkout of awsdocs/aws-security-hub-user-guide`);
  for (const name of readdirSync(docSource).filter((f) => f.endsWith('-controls.md'))) {
    const path = `doc_source/${name}`;
    if (!listed.has(path) && /^## \\\[/m.test(readFileSync(join(dir, path), 'utf8')))
      fail(`${join(dir, path)} describes controls but is not listed in scripts/sources/${SOURCE_FILES.awsOriginals}`);
  }
  const records = [];
  const seen = new Set();
  for (const { path, sha256: expected } of originals) {
    for (const record of controlsOfFile(join(dir, path), verifiedOriginal(join(dir, path), expected).toString('utf8'))) {
      if (seen.has(record[1])) fail(`${path}: ${record[1]} is described twice`);
      seen.add(record[1]);
      records.push(record);
    }
  }
  const text = formatExtract(
    [
      'Facts extracted by `node scripts/build-mappings.js --extract` from doc_source/*-controls.md (the files originals.sha256 lists)',
      `of ${AWS_ORIGIN}.`,
      'Source licence: CC BY-SA 4.0, Copyright Amazon.com, Inc. or its affiliates (LICENSE-SUMMARY; ../PROVENANCE.md).',
      'One line per control, in file order then printed order: the file, the id and title of its heading, and the ids its',
      '"Related requirements" line prints, by kind, in printed order, without the prefix the column names (empty: none, or no line).',
    ],
    COLUMNS.awsControls,
    records,
  );
  return [[SOURCE_FILES.awsControls, text]];
}

// ---------------------------------------------------------------------------------------------
// NIST SP 800-171 Rev. 2: Appendix D (Tables D-1 to D-14, requirement -> SP 800-53 Rev. 4
// controls) and Appendix E (Tables E-1 to E-17, the tailoring mark of each SP 800-53 control),
// read from the layout pdftotext -layout gives the publication's pages.

const CONTROL_IN_COLUMN = /(?:^|\s{2,})([A-Z]{2}-\d{1,2}(?:\(\d{1,2}\))?)(?=\s)/g;
const REQUIREMENT_AT_START = /^\s*(3\.\d{1,2}\.\d{1,2})\s/;

/** The lines of one appendix, without the page furniture (running heads, page numbers, the DOI in the margin). */
function appendixLines(file, text, from, to) {
  const start = text.indexOf(from);
  const end = text.indexOf(to, start);
  if (start < 0 || end < 0) fail(`${file}: cannot find "${from}" ... "${to}"`);
  return text
    .slice(start, end)
    .split('\n')
    .filter((l) => !/SP 800-171, REVISION 2|^\s*_{20,}\s*$|\.SP\.800-171r2|APPENDIX [DE]\s+PAGE \d+/.test(l));
}

/** The rows of Tables D-1 to D-14 as NIST prints them: { table, block, requirements, controls }. */
function appendixDRows(file, text) {
  // Each table has two blocks. The basic requirements of a family (from FIPS 200) share one row:
  // every one relates to all the controls listed beside the block (3.8.1-3.8.3 -> MP-2, MP-4,
  // MP-6; the controls are not aligned with single requirements). A derived requirement has a row
  // of its own, top-aligned, except that requirements printed without a control of their own
  // share the row above (3.14.4 and 3.14.5 -> SI-3). A derived requirement that joins a row and
  // is followed by more controls would be ambiguous: the extraction fails on it.
  const rows = [];
  let table;
  let row;
  let block;
  let joined = false;
  for (const line of appendixLines(file, text, 'TABLE D-1:', 'APPENDIX E')) {
    const heading = /TABLE (D-\d+):/.exec(line);
    if (heading || /^\s*3\.\d{1,2}\s+[A-Z ,]+$/.test(line)) {
      if (heading) table = heading[1];
      row = undefined;
      block = undefined;
      continue;
    }
    if (/Basic Security Requirements|Derived Security Requirements/.test(line)) {
      row = undefined;
      block = line.includes('Basic') ? 'basic' : 'derived';
      joined = false;
    }
    // Footnotes at a page's foot ("32 ...") carry no mapping.
    if (/^\s*3[2-5] \S/.test(line)) continue;
    const requirement = REQUIREMENT_AT_START.exec(line)?.[1];
    const controls = [...line.matchAll(CONTROL_IN_COLUMN)].map((m) => m[1]);
    if (requirement) {
      if (!block) fail(`${file}: ${requirement} outside a basic or derived block`);
      const starts = !row || (block === 'derived' && controls.length > 0);
      if (starts) rows.push((row = { table, block, requirements: [], controls: [] }));
      joined = !starts && block === 'derived';
      row.requirements.push(requirement);
    }
    if (controls.length > 0) {
      if (!row) fail(`${file}: controls before any requirement: "${line.trim()}"`);
      if (joined && !requirement) fail(`${file}: ${row.requirements.at(-1)} joined the row of ${row.requirements[0]} but controls follow it`);
      row.controls.push(...controls);
    }
  }
  return rows;
}

/** The rows of Tables E-1 to E-17: { table, control (as printed, e.g. "CM-7(4)(5)"), tailoring }. */
function appendixERows(file, text) {
  const rows = [];
  let table;
  for (const line of appendixLines(file, text, 'TABLE E-1:', '\u0000')) {
    const heading = /TABLE (E-\d+):/.exec(line);
    if (heading) table = heading[1];
    const m = /^\s*([A-Z]{2}-\d{1,2}(?:\(\d{1,2}\))*)\s.*\s(CUI|NCO|FED|NFO)\s*$/.exec(line);
    if (m) rows.push({ table, control: m[1], tailoring: m[2] });
    else if (/^\s*[A-Z]{2}-\d/.test(line)) fail(`${file}: a control without its tailoring mark on the line: "${line.trim()}"`);
  }
  return rows;
}

function nistExtract(sources, file) {
  const [original, ...others] = readOriginals(sources, SOURCE_FILES.nistOriginals);
  if (!original || others.length) fail(`scripts/sources/${SOURCE_FILES.nistOriginals} must list one file`);
  const text = `${verifiedOriginal(file, original.sha256).toString('utf8')}\u0000`;
  const origin = [
    `Facts extracted by \`node scripts/build-mappings.js --extract\` from ${original.path} (its sha256 is in originals.sha256):`,
    `${NIST_ORIGIN.replace(/, (?=j1nh0)/, ',\n')}.`.split('\n'),
  ].flat();
  const d = formatExtract(
    [
      'NIST SP 800-171 Rev. 2, Appendix D, Tables D-1 to D-14. A US Government work, not subject to copyright in the United States.',
      ...origin,
      'One line per table row: its block, its requirement ids and the SP 800-53 (Rev. 4) control ids printed beside them, in printed',
      'order. Rows are read from the page layout: the basic requirements of a table share one row; a derived requirement starts a row',
      'when a control is printed beside it, else it joins the row above (3.14.4 and 3.14.5).',
    ],
    COLUMNS.nistAppendixD,
    appendixDRows(file, text).map((r) => [r.table, r.block, r.requirements.join(LIST_SEPARATOR), r.controls.join(LIST_SEPARATOR)]),
  );
  const e = formatExtract(
    [
      'NIST SP 800-171 Rev. 2, Appendix E, Tables E-1 to E-17. A US Government work, not subject to copyright in the United States.',
      ...origin,
      'One line per table row: the SP 800-53 (Rev. 4) control id as printed (one row may name two enhancements, "CM-7(4)(5)")',
      'and its tailoring action (CUI, NCO, FED or NFO).',
    ],
    COLUMNS.nistAppendixE,
    appendixERows(file, text).map((r) => [r.table, r.control, r.tailoring]),
  );
  return [
    [SOURCE_FILES.nistAppendixD, d],
    [SOURCE_FILES.nistAppendixE, e],
  ];
}

// ---------------------------------------------------------------------------------------------

/** args: the command line after --extract was recognised. */
export function extractSources({ root, sources, args }) {
  const valueOf = (flag) => {
    const at = args.indexOf(flag);
    if (at < 0) return undefined;
    return args[at + 1] ?? fail(`${flag} needs a value`);
  };
  const aws = valueOf('--aws');
  const nist = valueOf('--nist');
  if (!aws && !nist) fail('--extract needs --aws DIR (a checkout of awsdocs/aws-security-hub-user-guide) and/or --nist FILE (the pdftotext output)');
  const outputs = new Map([...(aws ? awsExtract(sources, aws) : []), ...(nist ? nistExtract(sources, nist) : [])]);
  const command = `node scripts/build-mappings.js --extract${aws ? ` --aws ${aws}` : ''}${nist ? ` --nist ${nist}` : ''}`;
  writeOrCheck({ script: 'build-mappings --extract', root, outDir: sources, outputs, check: args.includes('--check'), command });
}
