#!/usr/bin/env node
// Generates the built-in AWS Security Hub mapping and the SP 800-171 <-> SP 800-53 crosswalk
// (src/catalogs/data/mappings/aws-securityhub-nist-800-53.json,
// src/catalogs/data/crosswalks/nist-800-171-nist-800-53.json) from the published sources kept in
// scripts/sources/ (scripts/sources/PROVENANCE.md: where each file comes from, its commit and
// licence). The output is committed; evaluation.md section 3 says how it is used.
//
//   node scripts/build-mappings.js           write the data files
//   node scripts/build-mappings.js --check   exit 1 when a committed file differs from what would be written
//
// Facts only: control ids and which ids the source relates; no prose is copied. Control ids are
// checked against the built-in SP 800-53 and SP 800-171 catalogs (src/catalogs/data, written by
// scripts/build-catalogs.js). Deterministic: the same sources give byte-identical files.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAPPING_OUTPUTS } from './lib/mapping-outputs.js';
import { writeOrCheck } from './lib/write-or-check.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.slice(2).includes('--check');
const sources = join(root, 'scripts', 'sources');
const outDir = join(root, 'src', 'catalogs', 'data');

function fail(message) {
  throw new Error(`build-mappings: ${message}`);
}
const byCodeUnits = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
/** Same as controlSortKey in src/model/control-ids.ts. */
const sortKey = (id) => id.replace(/\d+/g, (digits) => digits.padStart(4, '0'));
const byControlId = (a, b) => byCodeUnits(sortKey(a), sortKey(b));
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
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

const AWS_DIR = 'aws-security-hub-user-guide/doc_source';
const AWS_ORIGIN = 'awsdocs/aws-security-hub-user-guide at commit 47bfe2f1de2e486914543113d2e751f3e2ed8868';
const unescapeMarkdown = (text) => text.replace(/\\(.)/g, '$1');

function securityHubControls() {
  const files = readdirSync(join(sources, AWS_DIR))
    .filter((f) => f.endsWith('-controls.md'))
    .sort(byCodeUnits);
  if (files.length === 0) fail(`no *-controls.md in scripts/sources/${AWS_DIR}`);
  const controls = new Map();
  const digest = createHash('sha256');
  for (const file of files) {
    const bytes = readFileSync(join(sources, AWS_DIR, file));
    digest.update(`${file}\0${sha256(bytes)}\n`);
    // One section per control: "## \[Config\.1\] AWS Config should be enabled<a name="config-1"></a>".
    for (const section of bytes.toString('utf8').split(/^## /m).slice(1)) {
      const heading = unescapeMarkdown(section.slice(0, section.indexOf('\n')));
      const m = /^\[([A-Za-z0-9]+\.\d+)\] .*<a name="[^"]+"><\/a>$/.exec(heading);
      if (!m) fail(`${file}: a section that is not a control: "${heading}"`);
      const id = m[1];
      if (controls.has(id)) fail(`${file}: ${id} is described twice`);
      const line = section.split('\n').find((l) => l.startsWith('**Related requirements:**'));
      // A control without the line (Redshift.8 in this release) relates to no requirement.
      const related = line ? unescapeMarkdown(line.slice('**Related requirements:**'.length)).split(',') : [];
      const entry = { nist: [], cis: [] };
      for (const raw of related.map((r) => r.trim()).filter(Boolean)) {
        let r;
        if ((r = /^NIST\.800-53\.r5 ([A-Z]{2}-\d+(?:\(\d+\))?)$/.exec(raw))) entry.nist.push(r[1]);
        else if ((r = /^CIS AWS Foundations Benchmark v(1\.[24]\.0)\/(\d+(?:\.\d+)+)$/.exec(raw)))
          entry.cis.push(`cis-aws-foundations-benchmark/v/${r[1]}/${r[2]}`);
        else if (!/^PCI DSS v3\.2\.1\/[\d.]+$/.test(raw)) fail(`${file}: ${id}: unrecognised related requirement "${raw}"`);
      }
      controls.set(id, entry);
    }
  }
  return { controls, files: files.length, digest: digest.digest('hex') };
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
// (Rev. 4) controls relevant to it. Read from the text of the publication's pages (pdftotext
// -layout), checked against Appendix E of the same publication.

const NIST_TEXT = 'nist-sp-800-171r2/appendices-d-e.txt';
const CONTROL_IN_COLUMN = /(?:^|\s{2,})([A-Z]{2}-\d{1,2}(?:\(\d{1,2}\))?)(?=\s)/g;
const KNOWN_ONLY_IN_D = ['AU-11'];
const REQUIREMENT_AT_START = /^\s*(3\.\d{1,2}\.\d{1,2})\s/;

/** The lines of one appendix, without the page furniture (running heads, page numbers, the DOI in the margin). */
function appendixLines(text, from, to) {
  const start = text.indexOf(from);
  const end = text.indexOf(to, start);
  if (start < 0 || end < 0) fail(`${NIST_TEXT}: cannot find "${from}" ... "${to}"`);
  return text
    .slice(start, end)
    .split('\n')
    .filter((l) => !/SP 800-171, REVISION 2|^\s*_{20,}\s*$|\.SP\.800-171r2|APPENDIX [DE]\s+PAGE \d+/.test(l));
}

function appendixD(text) {
  // Each table has two blocks. The basic requirements of a family (from FIPS 200) share one row:
  // every one relates to all the controls listed beside the block (3.8.1-3.8.3 -> MP-2, MP-4,
  // MP-6; the controls are not aligned with single requirements). A derived requirement has a row
  // of its own, top-aligned, except that requirements printed without a control of their own
  // share the row above (3.14.4 and 3.14.5 -> SI-3). A derived requirement that joins a row and
  // is followed by more controls would be ambiguous: the script fails on it.
  const rows = [];
  let row;
  let block;
  let joined = false;
  for (const line of appendixLines(text, 'TABLE D-1:', 'APPENDIX E')) {
    if (/TABLE D-\d+:|^\s*3\.\d{1,2}\s+[A-Z ,]+$/.test(line)) {
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
      if (!block) fail(`${NIST_TEXT}: ${requirement} outside a basic or derived block`);
      const starts = !row || (block === 'derived' && controls.length > 0);
      if (starts) rows.push((row = { requirements: [], controls: [] }));
      joined = !starts && block === 'derived';
      row.requirements.push(requirement);
    }
    if (controls.length > 0) {
      if (!row) fail(`${NIST_TEXT}: controls before any requirement: "${line.trim()}"`);
      if (joined && !requirement) fail(`${NIST_TEXT}: ${row.requirements.at(-1)} joined the row of ${row.requirements[0]} but controls follow it`);
      row.controls.push(...controls);
    }
  }
  return rows;
}

/** The SP 800-53 controls Appendix E marks CUI: traceable to a basic or derived requirement. */
function appendixECui(text) {
  const cui = new Set();
  for (const line of appendixLines(text, 'TABLE E-1:', '\u0000')) {
    // "CM-7(4)(5)" is one row for two enhancements.
    const m = /^\s*([A-Z]{2}-\d{1,2})((?:\(\d{1,2}\))*)\s.*\s(CUI|NCO|FED|NFO)\s*$/.exec(line);
    if (!m || m[3] !== 'CUI') continue;
    const enhancements = [...m[2].matchAll(/\(\d+\)/g)].map((e) => e[0]);
    for (const e of enhancements.length ? enhancements : ['']) cui.add(`${m[1]}${e}`);
  }
  return cui;
}

function crosswalk800171() {
  const bytes = readFileSync(join(sources, NIST_TEXT));
  const text = `${bytes.toString('utf8')}\u0000`;
  const rows = appendixD(text);
  const requirements = new Map();
  for (const row of rows) {
    if (row.controls.length === 0) fail(`${NIST_TEXT}: ${row.requirements.join(', ')} with no SP 800-53 control`);
    for (const id of row.requirements) {
      if (requirements.has(id)) fail(`${NIST_TEXT}: ${id} in two rows`);
      if (!sp800171.has(id)) fail(`${NIST_TEXT}: ${id} is not an SP 800-171 Rev. 2 requirement`);
      requirements.set(id, row.controls);
    }
  }
  const missing = [...sp800171.keys()].filter((id) => !requirements.has(id));
  if (missing.length) fail(`${NIST_TEXT}: requirements without a row: ${missing.join(', ')}`);
  // Appendix E lists the same controls as traceable to the requirements (tailoring action CUI).
  const mapped = new Set([...requirements.values()].flat());
  const cui = appendixECui(text);
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
      'read from the text (pdftotext -layout) of pages 61-101 of NIST.SP.800-171r2.pdf, j1nh0/pdf_nist at commit 99a0f1136911185b383540395c642092ecef6277',
    input_sha256: sha256(bytes),
    license: 'US Government work (NIST): not subject to copyright in the United States',
    note: 'The controls are SP 800-53 Rev. 4 ids (Appendix D, footnote 31); each names a control of the same id in the SP 800-53 Rev. 5 catalog; those Rev. 5 withdrew are listed and never evaluated.',
    rows: rows.length,
    withdrawn_controls: sorted(withdrawn, byControlId),
    requirements: mapping,
  };
}

// ---------------------------------------------------------------------------------------------
// Write or check

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
