#!/usr/bin/env node
// Generates the built-in AWS Security Hub mapping and the SP 800-171 <-> SP 800-53 crosswalk
// (src/catalogs/data/mappings/aws-securityhub-nist-800-53.json,
// src/catalogs/data/crosswalks/nist-800-171-nist-800-53.json) from the fact extracts kept in
// scripts/sources/ (scripts/sources/PROVENANCE.md: where each original comes from, its commit,
// sha256 and licence). The output is committed; evaluation.md section 3 says how it is used.
//
//   node scripts/build-mappings.js           write the data files
//   node scripts/build-mappings.js --check   exit 1 when a committed file differs from what would be written
//   node scripts/build-mappings.js --extract [--check] [--aws DIR] [--nist FILE]
//                                            regenerate (or check) the extracts from the originals
//                                            (scripts/lib/extract-mapping-sources.js)
//
// Facts only: control ids and which ids the source relates; no prose is copied, and the originals
// are not kept in the repository (only the extracts and the originals' sha256). Control ids are
// checked against the built-in SP 800-53 and SP 800-171 catalogs (src/catalogs/data, written by
// scripts/build-catalogs.js). Deterministic: the same sources give byte-identical files.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractSources } from './lib/extract-mapping-sources.js';
import { AWS_ORIGIN, NIST_ORIGIN, SOURCE_FILES, listOf, readExtract, readOriginals, sourceError } from './lib/mapping-sources.js';
import { MAPPING_OUTPUTS } from './lib/mapping-outputs.js';
import { writeOrCheck } from './lib/write-or-check.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const sources = join(root, 'scripts', 'sources');
const outDir = join(root, 'src', 'catalogs', 'data');

function fail(message) {
  throw sourceError(message);
}
const byCodeUnits = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
/** Same as controlSortKey in src/model/control-ids.ts. */
const sortKey = (id) => id.replace(/\d+/g, (digits) => digits.padStart(4, '0'));
const byControlId = (a, b) => byCodeUnits(sortKey(a), sortKey(b));
const sorted = (values, order = byCodeUnits) => [...new Set(values)].sort(order);

const catalog = (framework) => new Map(JSON.parse(readFileSync(join(outDir, `${framework}.json`), 'utf8')).controls.map((c) => [c.id, c]));
const sp80053 = catalog('nist-800-53');
const sp800171 = catalog('nist-800-171');
/** An SP 800-53 id the 5.0.1 catalog knows; withdrawn ones are collected (never evaluated, evaluation.md section 2). */
function known80053(id, where, withdrawn) {
  const control = sp80053.get(id) ?? fail(`${where}: ${id} is not an SP 800-53 control`);
  if (control.withdrawn) withdrawn.add(id);
  return id;
}

// ---------------------------------------------------------------------------------------------
// AWS Security Hub: "Related requirements" of each control (FSBP and consolidated security
// control ids), and the CIS AWS Foundations Benchmark ids each control checks.

const SP80053_ID = /^[A-Z]{2}-\d+(?:\(\d+\))?$/;

/** The extract's controls: id -> { nist, cis }, and the digest of the originals it was taken from. */
function securityHubControls() {
  const originals = readOriginals(sources, SOURCE_FILES.awsOriginals);
  const originalFiles = new Set(originals.map((o) => o.path.slice(o.path.lastIndexOf('/') + 1)));
  const controls = new Map();
  for (const { cells, at } of readExtract(sources, 'awsControls')) {
    const [file, id, title, nist, cis, pci] = cells;
    if (!/^[a-z0-9]+-controls\.md$/.test(file) || !/^[A-Za-z0-9]+\.\d+$/.test(id) || title === '') fail(`${at}: not a file, a control id and a title`);
    if (!originalFiles.has(file)) fail(`${at}: ${file} is not listed in scripts/sources/${SOURCE_FILES.awsOriginals}`);
    if (controls.has(id)) fail(`${at}: ${id} is described twice`);
    const entry = { nist: listOf(nist), cis: listOf(cis) };
    for (const n of entry.nist) if (!SP80053_ID.test(n)) fail(`${at}: ${id}: "${n}" is not an SP 800-53 id`);
    for (const c of entry.cis)
      if (!/^v1\.[24]\.0\/\d+(?:\.\d+)+$/.test(c)) fail(`${at}: ${id}: "${c}" is not a CIS AWS Foundations Benchmark v1.2.0 or v1.4.0 id`);
    for (const p of listOf(pci)) if (!/^v3\.2\.1\/[\d.]+$/.test(p)) fail(`${at}: ${id}: "${p}" is not a PCI DSS v3.2.1 id`);
    entry.cis = entry.cis.map((c) => `cis-aws-foundations-benchmark/${c.replace(/^v/, 'v/')}`);
    controls.set(id, entry);
  }
  if (controls.size === 0) fail(`scripts/sources/${SOURCE_FILES.awsControls} lists no control`);
  // The digest the data file records is of the originals (file name and sha256 of each, in
  // name order), so that it names the documents the facts come from, not the extract.
  const digest = createHash('sha256');
  for (const { path, sha256 } of originals) digest.update(`${path.slice(path.lastIndexOf('/') + 1)}\0${sha256}\n`);
  return { controls, files: originals.length, digest: digest.digest('hex') };
}

function securityHubMapping() {
  const { controls, files, digest } = securityHubControls();
  const withdrawn = new Set();
  const securityControls = {};
  const cis = new Map();
  for (const id of [...controls.keys()].sort(byControlId)) {
    const entry = controls.get(id);
    securityControls[id] = sorted(
      entry.nist.map((n) => known80053(n, id, withdrawn)),
      byControlId,
    );
    for (const c of entry.cis) cis.set(c, [...(cis.get(c) ?? []), id]);
  }
  // The rules findings are matched by (src/loaders/asff.ts names the rule): a security control id
  // (FSBP ControlId, Compliance.SecurityControlId), and a CIS id qualified by its standard. A CIS id
  // counts for the union of what its security controls relate to; one that relates to no SP 800-53
  // control is left out of `checks` (its findings stay unmapped, evaluation.md section 1).
  const cisIds = [...cis.keys()].sort(byControlId);
  const checks = {};
  for (const [rule, ids] of [
    ...Object.entries(securityControls),
    ...cisIds.map((c) => [
      c,
      sorted(
        cis.get(c).flatMap((s) => securityControls[s]),
        byControlId,
      ),
    ]),
  ]) {
    if (ids.length > 0) checks[rule] = ids;
  }
  return {
    framework: 'nist-800-53',
    tool: 'aws-securityhub',
    source: `AWS Security Hub User Guide, the "Related requirements" of each control (doc_source/*-controls.md, ${files} files), ${AWS_ORIGIN}`,
    inputs_sha256: digest,
    license: 'CC-BY-SA-4.0',
    copyright: 'Copyright Amazon.com, Inc. or its affiliates (awsdocs/aws-security-hub-user-guide)',
    withdrawn_controls: sorted(withdrawn, byControlId),
    cis_aws_foundations_benchmark: Object.fromEntries(cisIds.map((c) => [c, sorted(cis.get(c), byControlId)])),
    security_controls: securityControls,
    checks: Object.fromEntries(
      Object.keys(checks)
        .sort(byCodeUnits)
        .map((rule) => [rule, checks[rule]]),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// NIST SP 800-171 Rev. 2, Appendix D (Tables D-1 to D-14): each requirement -> the SP 800-53
// (Rev. 4) controls relevant to it, as the extract lists the table rows (the extraction reads the
// page layout, scripts/lib/extract-mapping-sources.js), checked against Appendix E of the same
// publication.

const KNOWN_ONLY_IN_D = ['AU-11'];
const D_EXTRACT = `scripts/sources/${SOURCE_FILES.nistAppendixD}`;

/** The rows of Appendix D, checked for the shape NIST prints: per table, one basic row, then derived rows, numbered without a gap. */
function appendixD() {
  const rows = [];
  const next = new Map(); // table -> the requirement number its next row starts with
  for (const { cells, at } of readExtract(sources, 'nistAppendixD')) {
    const [table, block, requirementCell, controlCell] = cells;
    const family = /^D-(\d{1,2})$/.exec(table)?.[1] ?? fail(`${at}: "${table}" is not a table of Appendix D`);
    if (block !== 'basic' && block !== 'derived') fail(`${at}: block "${block}" is neither basic nor derived`);
    const requirements = listOf(requirementCell);
    const controls = listOf(controlCell);
    if (requirements.length === 0) fail(`${at}: a row without a requirement`);
    // The basic requirements of a family share one row, the first of its table.
    if ((block === 'basic') !== !next.has(table)) fail(`${at}: Table ${table} must start with its one basic row`);
    let expected = next.get(table) ?? 1;
    for (const id of requirements) {
      if (id !== `3.${family}.${expected}`) fail(`${at}: ${id} where 3.${family}.${expected} was expected (Table ${table} numbers its requirements in order)`);
      expected += 1;
    }
    next.set(table, expected);
    for (const c of controls) if (!SP80053_ID.test(c)) fail(`${at}: "${c}" is not an SP 800-53 id`);
    rows.push({ requirements, controls, at });
  }
  if (next.size !== 14) fail(`${D_EXTRACT}: ${next.size} tables, Appendix D has 14`);
  return rows;
}

/** The SP 800-53 controls Appendix E marks CUI: traceable to a basic or derived requirement. */
function appendixECui() {
  const cui = new Set();
  for (const { cells, at } of readExtract(sources, 'nistAppendixE')) {
    const [table, control, tailoring] = cells;
    // "CM-7(4)(5)" is one row for two enhancements.
    const m = /^([A-Z]{2}-\d{1,2})((?:\(\d{1,2}\))*)$/.exec(control);
    if (!/^E-\d{1,2}$/.test(table) || !m || !['CUI', 'NCO', 'FED', 'NFO'].includes(tailoring))
      fail(`${at}: not a table of Appendix E, a control id and a tailoring action`);
    if (tailoring !== 'CUI') continue;
    const enhancements = [...m[2].matchAll(/\(\d+\)/g)].map((e) => e[0]);
    for (const e of enhancements.length ? enhancements : ['']) cui.add(`${m[1]}${e}`);
  }
  return cui;
}

function crosswalk800171() {
  const [original, ...others] = readOriginals(sources, SOURCE_FILES.nistOriginals);
  if (!original || others.length) fail(`scripts/sources/${SOURCE_FILES.nistOriginals} must list one file`);
  const rows = appendixD();
  const requirements = new Map();
  for (const row of rows) {
    if (row.controls.length === 0) fail(`${row.at}: ${row.requirements.join(', ')} with no SP 800-53 control`);
    for (const id of row.requirements) {
      if (requirements.has(id)) fail(`${row.at}: ${id} in two rows`);
      if (!sp800171.has(id)) fail(`${row.at}: ${id} is not an SP 800-171 Rev. 2 requirement`);
      requirements.set(id, row.controls);
    }
  }
  const missing = [...sp800171.keys()].filter((id) => !requirements.has(id));
  if (missing.length) fail(`${D_EXTRACT}: requirements without a row: ${missing.join(', ')}`);
  // Appendix E lists the same controls as traceable to the requirements (tailoring action CUI).
  const mapped = new Set([...requirements.values()].flat());
  const cui = appendixECui();
  const onlyD = [...mapped].filter((c) => !cui.has(c)).sort(byControlId);
  const onlyE = [...cui].filter((c) => !mapped.has(c)).sort(byControlId);
  // The publication itself differs in one place: Table D-3 lists AU-11 for 3.3.1/3.3.2, Table E-3
  // marks AU-11 NCO (not directly related to CUI confidentiality). Appendix D is what is used.
  if (onlyD.join() !== KNOWN_ONLY_IN_D.join() || onlyE.length)
    fail(`Appendix D and Appendix E disagree beyond ${KNOWN_ONLY_IN_D.join(', ')}: only in D ${onlyD.join(', ')}; only in E ${onlyE.join(', ')}`);
  const withdrawn = new Set();
  const ids = [...requirements.keys()].sort(byControlId);
  const mapping = Object.fromEntries(
    ids.map((id) => [
      id,
      sorted(
        requirements.get(id).map((c) => known80053(c, id, withdrawn)),
        byControlId,
      ),
    ]),
  );
  return {
    from: 'nist-800-171',
    to: 'nist-800-53',
    source:
      'NIST SP 800-171 Rev. 2, Appendix D, Tables D-1 to D-14 "Mapping basic and derived security requirements to security controls", ' +
      `read from ${NIST_ORIGIN}`,
    // Of the pdftotext output the extract was taken from (scripts/sources/*/originals.sha256).
    input_sha256: original.sha256,
    license: 'US Government work (NIST): not subject to copyright in the United States',
    note: 'The controls are SP 800-53 Rev. 4 ids (Appendix D, footnote 31); each names a control of the same id in the SP 800-53 Rev. 5 catalog; those Rev. 5 withdrew are listed and never evaluated.',
    rows: rows.length,
    withdrawn_controls: sorted(withdrawn, byControlId),
    requirements: mapping,
  };
}

// ---------------------------------------------------------------------------------------------
// Write or check

function main() {
  if (args.includes('--extract')) {
    extractSources({ root, sources, args });
    return;
  }
  if (!existsSync(sources)) {
    console.error(`build-mappings: ${sources} is absent`);
    process.exit(3);
  }
  const outputs = new Map();
  const put = (rel, data) => outputs.set(rel, `${JSON.stringify(data, null, 2)}\n`);
  put(MAPPING_OUTPUTS.securityHub, securityHubMapping());
  put(MAPPING_OUTPUTS.crosswalk800171, crosswalk800171());
  if ([...outputs.keys()].sort().join() !== Object.values(MAPPING_OUTPUTS).sort().join()) fail('scripts/lib/mapping-outputs.js lists other files');
  writeOrCheck({ script: 'build-mappings', root, outDir, outputs, check });
}

// A source that does not read as expected is reported in one line naming the file and line (the
// messages come from sourceError); anything else is a bug of this script and keeps its stack.
try {
  main();
} catch (error) {
  if (!(error instanceof Error) || !error.message.startsWith('build-mappings: ')) throw error;
  console.error(error.message);
  process.exit(1);
}
