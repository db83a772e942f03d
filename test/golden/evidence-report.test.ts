/**
 * The evidence report on examples/acme (issue: evidence bundle): what the zip holds and leaves
 * out, the manifest against the bytes, redaction, byte-identical zips across runs and TZ values,
 * one mtime (generated_at), the index pinned by a golden file, and a changed evidence file refused.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import { buildEvidence } from '../../src/app/build-evidence.js';
import type { RunContext } from '../../src/app/build.js';
import { ingestWorkspace } from '../../src/app/workspace-findings.js';
import { validate } from '../../src/app/validate.js';
import { InfracastError } from '../../src/errors.js';
import type { OutputDefinition } from '../../src/model/definitions.js';
import type { Finding } from '../../src/model/finding.js';
import type { EvidenceManifest } from '../../src/reports/evidence.js';
import { jsonRenderer } from '../../src/renderers/json.js';
import { markdownRenderer } from '../../src/renderers/markdown.js';
import { examplesDir, goldenDir, repoRoot } from '../support/paths.js';
import { copyWorkspace } from '../support/workspace.js';

const acme = join(examplesDir, 'acme');
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function runOn(root: string, at = '2026-11-29T00:00:00Z'): Promise<{ run: RunContext; definition: OutputDefinition }> {
  const workspace = (await validate({ paths: [root], at: '2026-11-29' })).workspaces[0]!;
  const ingested = await ingestWorkspace(workspace);
  return { run: { workspace, ingested, at: new Date(at) }, definition: workspace.outputs.find((o) => o.type === 'evidence')! };
}

/**
 * The central directory of a zip, read by its fixed offsets (APPNOTE 4.3.12): name, DOS time and
 * date as written, and the Unix mode. Only to check what the writer put there; the entries'
 * contents are read back with fflate.
 */
function centralDirectory(zip: Uint8Array): { name: string; dosTime: number; dosDate: number; mode: number; extra: number }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = zip.length - 22;
  while (view.getUint32(end, true) !== 0x06054b50) end--;
  let at = view.getUint32(end + 16, true);
  const entries = [];
  for (let i = 0; i < view.getUint16(end + 10, true); i++) {
    assert.equal(view.getUint32(at, true), 0x02014b50);
    const nameLength = view.getUint16(at + 28, true);
    const extra = view.getUint16(at + 30, true);
    entries.push({
      name: decode(zip.subarray(at + 46, at + 46 + nameLength)),
      dosTime: view.getUint16(at + 12, true),
      dosDate: view.getUint16(at + 14, true),
      mode: view.getUint32(at + 38, true) >>> 16,
      extra,
    });
    at += 46 + nameLength + extra + view.getUint16(at + 32, true);
  }
  return entries;
}

/** A DOS date/time pair as the UTC instant it was written from (2-second resolution). */
const dosInstant = (date: number, time: number): string =>
  new Date(Date.UTC((date >> 9) + 1980, ((date >> 5) & 15) - 1, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2)).toISOString();

/** Builds the acme bundle in a child process with the given TZ and returns the zip's sha256. */
function zipDigestUnder(tz: string, at: string): string {
  const module = (path: string): string => pathToFileURL(join(repoRoot, 'dist', 'src', path)).href;
  const script = `
    const { validate } = await import(${JSON.stringify(module('app/validate.js'))});
    const { ingestWorkspace } = await import(${JSON.stringify(module('app/workspace-findings.js'))});
    const { buildEvidence } = await import(${JSON.stringify(module('app/build-evidence.js'))});
    const { createHash } = await import('node:crypto');
    const root = ${JSON.stringify(acme)};
    const workspace = (await validate({ paths: [root], at: '2026-11-29' })).workspaces[0];
    const ingested = await ingestWorkspace(workspace);
    const definition = workspace.outputs.find((o) => o.type === 'evidence');
    const { zip } = buildEvidence({ workspace, ingested, at: new Date(${JSON.stringify(at)}) }, definition);
    process.stdout.write(new Date(0).getTimezoneOffset() + ' ' + createHash('sha256').update(zip.bytes).digest('hex'));
  `;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });
}

describe('evidence report on examples/acme', () => {
  let run: RunContext;
  let definition: OutputDefinition;
  let zip: Uint8Array;
  let files: Record<string, Uint8Array>;
  let manifest: EvidenceManifest;

  before(async () => {
    ({ run, definition } = await runOn(acme));
    const built = buildEvidence(run, definition);
    assert.equal(built.zip.fileName, 'fedramp-moderate-evidence-oct-nov-2026.zip');
    zip = built.zip.bytes;
    files = unzipSync(zip);
    manifest = JSON.parse(decode(files['manifest.json']!)) as EvidenceManifest;
  });

  it('holds sorted entries, and the manifest matches every entry byte for byte', () => {
    const names = centralDirectory(zip).map((e) => e.name);
    assert.deepEqual(names, [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    assert.deepEqual(Object.keys(files).sort(), [...names].sort());
    assert.deepEqual(
      manifest.entries.map((e) => e.path),
      names.filter((n) => n !== 'manifest.json'),
      'every file but the manifest itself, in the same order',
    );
    for (const entry of manifest.entries) {
      const bytes = files[entry.path]!;
      assert.equal(entry.sha256, sha256(bytes), entry.path);
      assert.equal(entry.size, bytes.length, entry.path);
    }
    assert.equal(manifest.framework, 'fedramp-moderate');
    assert.deepEqual(manifest.window, {
      from: '2026-10-01T00:00:00.000Z',
      to: '2026-11-30T23:59:59.000Z',
      written: { from: '2026-10-01', to: '2026-11-30T23:59:59Z' },
    });
  });

  it('bundles the attestation artifacts observed in the window, exactly as attested', () => {
    const artifacts = manifest.entries.filter((e) => e.kind === 'attestation-evidence');
    assert.deepEqual(
      artifacts.map((e) => [e.source, e.observed_at, e.observed_at_from ?? null]),
      [
        // No observed_at in the attestation's evidence entry: dated by the attestation's attested_at, and marked.
        ['assets/evidence/access-control-policy-v3.2.md', '2026-10-16T00:00:00.000Z', 'attested_at'],
        ['assets/evidence/access-review-2026-q3.csv', '2026-10-13T00:00:00.000Z', null],
        ['assets/evidence/audit-logging-standard-v2.0.md', '2026-10-28T00:00:00.000Z', 'attested_at'],
        ['assets/evidence/boundary-and-cryptography-standard.md', '2026-10-21T00:00:00.000Z', 'attested_at'],
        ['assets/evidence/configuration-management-plan-v1.4.md', '2026-10-21T00:00:00.000Z', 'attested_at'],
        ['assets/evidence/flaw-remediation-and-malware-sop.md', '2026-11-12T00:00:00.000Z', 'attested_at'],
        ['assets/evidence/incident-response-plan-v4.1.md', '2026-11-05T00:00:00.000Z', 'attested_at'],
        ['assets/evidence/ir-test-status-2026.md', '2026-11-05T00:00:00.000Z', 'attested_at'],
        ['assets/evidence/media-protection-procedure-v2.md', '2026-10-30T00:00:00.000Z', 'attested_at'],
        ['assets/evidence/mfa-coverage-2026-10.csv', '2026-10-20T00:00:00.000Z', null],
        ['assets/evidence/okta-authentication-policies-2026-10.json', '2026-10-20T14:05:00.000Z', null],
        ['assets/evidence/personnel-screening-2026.csv', '2026-10-31T00:00:00.000Z', null],
        ['assets/evidence/security-assessment-plan-2026.md', '2026-11-20T00:00:00.000Z', 'attested_at'],
        ['assets/evidence/security-awareness-training-2026.csv', '2026-10-31T00:00:00.000Z', null],
        ['assets/evidence/ssp-agc-v2.3-approval.md', '2026-10-02T00:00:00.000Z', null],
      ],
    );
    for (const entry of artifacts) assert.deepEqual(files[entry.path], new Uint8Array(readFileSync(join(acme, entry.source))), entry.path);
    // One file cited by two attestations is one entry that says what both say.
    const okta = artifacts.find((e) => e.source.endsWith('okta-authentication-policies-2026-10.json'))!;
    assert.deepEqual(okta.attestations, ['att-2026-ia-01', 'att-2026-ia-02']);
    assert.ok(okta.controls['nist-800-171']!.includes('3.5.3') && okta.controls['nist-800-171']!.includes('3.5.1'));
    assert.equal(okta.collector, 'Okta admin API export');
    assert.deepEqual(okta.methods, ['examine', 'interview', 'test']);
    assert.ok(okta.objectives.includes('3.5.3[a]'));
  });

  it('lists artifacts observed outside the window as excluded, with the reason and where the date came from', () => {
    const excluded = manifest.excluded.filter((x) => x.kind === 'attestation-evidence');
    assert.deepEqual(
      excluded.map((x) => [x.source, x.attestation, x.reason]),
      [
        ['assets/evidence/maintenance-log-2026-q3.csv', 'att-2026-ma-01', 'observed 2026-09-30, outside the window'],
        ['assets/evidence/physical-protection-inheritance.md', 'att-2026-pe-01', 'observed 2026-09-29 (attested_at: the entry records no observed_at), outside the window'],
        ['assets/evidence/risk-assessment-2026.md', 'att-2026-ra-01', 'observed 2026-09-15 (attested_at: the entry records no observed_at), outside the window'],
        ['assets/evidence/wireless-not-applicable-memo.md', 'att-2026-ac-02', 'observed 2026-09-22 (attested_at: the entry records no observed_at), outside the window'],
      ],
    );
    for (const x of excluded) assert.ok(!manifest.entries.some((e) => e.source === x.source), x.source);
  });

  it('cuts one excerpt per findings source, PASS and FAIL alike, redacted; the Trivy results are dated by the scan infracast.yaml declares', () => {
    const excerpts = manifest.entries.filter((e) => e.kind === 'findings-excerpt');
    assert.deepEqual(
      excerpts.map((e) => e.source),
      [
        'findings/native/acme-collector-2026-11-27.json',
        'findings/prowler/acme-agc-prod-2026-11-26.ocsf.json',
        'findings/prowler/acme-shared-services-2026-11-25.csv',
        'findings/securityhub/acme-securityhub-2026-11-26.asff.json',
        'findings/trivy/acme-agc-images-2026-11-26.sarif',
      ],
    );
    const trivy = JSON.parse(decode(files[excerpts.find((e) => e.source.startsWith('findings/trivy/'))!.path]!)) as { findings: Finding[] };
    assert.equal(trivy.findings.length, 57);
    assert.ok(trivy.findings.every((f) => f.observedAt === '2026-11-26T00:00:00.000Z' && f.observedAtSource === 'declared'));
    const results = new Set<string>();
    let redacted = 0;
    for (const entry of excerpts) {
      const text = decode(files[entry.path]!);
      const excerpt = JSON.parse(text) as { source: string; findings: Finding[] };
      assert.equal(excerpt.source, entry.source);
      for (const f of excerpt.findings) {
        results.add(f.result);
        assert.ok(f.observedAt! >= '2026-10-01' && f.observedAt! <= '2026-11-30T23:59:59Z');
        assert.ok(f.sources.every((s) => !s.file.startsWith('/')), 'source paths are workspace-relative');
      }
      assert.equal(entry.controls['fedramp-moderate']!.length > 0, true);
      assert.doesNotMatch(text, /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/);
      assert.doesNotMatch(text, /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+/);
      redacted += (text.match(/\[REDACTED:(?:email|aws-access-key-id)\]/g) ?? []).length;
    }
    assert.ok(results.has('PASS') && results.has('FAIL'), [...results].join(','));
    assert.ok(redacted >= 7, 'acme has one AWS key and e-mail addresses in its findings, redacted');
    assert.deepEqual(
      manifest.excluded.filter((x) => x.kind === 'findings' && /no observation time/.test(x.reason)).map((x) => [x.source, x.count]),
      [],
      'every finding of the example has a time: its record, or the date its source declares',
    );
  });

  it('a date-only end of the window includes that whole day (UTC); observations outside are counted', () => {
    const narrow = { ...definition, options: { ...definition.options, window: { from: '2026-11-26', to: '2026-11-26' } } };
    const m = JSON.parse(decode(unzipSync(buildEvidence(run, narrow).zip.bytes)['manifest.json']!)) as EvidenceManifest;
    const sources = m.entries.filter((e) => e.kind === 'findings-excerpt').map((e) => e.source);
    // Prowler OCSF at 05:14Z and Security Hub up to 16:55Z on the 26th are in; Prowler CSV (25th) is not.
    assert.ok(sources.includes('findings/prowler/acme-agc-prod-2026-11-26.ocsf.json'));
    assert.ok(sources.includes('findings/securityhub/acme-securityhub-2026-11-26.asff.json'));
    assert.ok(!sources.includes('findings/prowler/acme-shared-services-2026-11-25.csv'));
    assert.ok(m.excluded.some((x) => x.source === 'findings/prowler/acme-shared-services-2026-11-25.csv' && /observed outside the window/.test(x.reason)));
    assert.equal(m.entries.filter((e) => e.kind === 'attestation-evidence').length, 0);
  });

  it('gives every entry the same mtime (generated_at, UTC), fixed permissions and no extra fields', () => {
    for (const entry of centralDirectory(zip)) {
      assert.equal(dosInstant(entry.dosDate, entry.dosTime), '2026-11-29T00:00:00.000Z', entry.name);
      assert.equal(entry.mode, 0o100644, entry.name);
      assert.equal(entry.extra, 0, entry.name);
    }
  });

  it('is byte-identical on a second build and under other TZ values (also in an hour a DST change skips)', () => {
    const tz = process.env.TZ;
    assert.deepEqual(buildEvidence(run, definition).zip.bytes, zip);
    assert.equal(process.env.TZ, tz, 'the TZ pin is undone');
    const here = sha256(zip);
    assert.equal(zipDigestUnder('Asia/Kolkata', '2026-11-29T00:00:00Z'), `-330 ${here}`);
    // 02:30 on 8 March 2026 does not exist in New York: local-time shifting would write 03:30.
    const gapUtc = zipDigestUnder('UTC', '2026-03-08T02:30:00Z').split(' ')[1];
    assert.equal(zipDigestUnder('America/New_York', '2026-03-08T02:30:00Z'), `300 ${gapUtc}`);
  });

  it('index.md is the md format, pinned by a golden file; md and json are byte-identical from run to run', async () => {
    const ctx = { workspaceRoot: acme, templatesDir: join(acme, 'templates') };
    const { model } = buildEvidence(run, definition);
    const md = decode(await markdownRenderer.render(model, ctx));
    assert.equal(decode(files['index.md']!), md);
    assert.equal(decode(await jsonRenderer.render(buildEvidence(run, definition).model, ctx)), decode(await jsonRenderer.render(model, ctx)));
    assert.match(md, /^# AGC Evidence Bundle, October-November 2026/m);
    assert.match(md, /\| evidence\/assets\/evidence\/maintenance-log-2026-q3\\\.csv|maintenance-log-2026-q3\\\.csv \| att-2026-ma-01 \| 1 \| observed 2026-09-30, outside the window \|/);
    const golden = join(goldenDir, 'reports', 'acme-evidence.md');
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
      mkdirSync(join(goldenDir, 'reports'), { recursive: true });
      writeFileSync(golden, md);
    }
    assert.equal(md, readFileSync(golden, 'utf8'));
  });
});

describe('evidence report: an evidence file that changed after it was attested', () => {
  it('is refused with an error naming the attestation file and the evidence path', async () => {
    const root = copyWorkspace(acme);
    try {
      appendFileSync(join(root, 'assets', 'evidence', 'access-review-2026-q3.csv'), 'mallory,admin,approved\n');
      const { run, definition } = await runOn(root);
      assert.throws(
        () => buildEvidence(run, definition),
        (error: unknown) =>
          error instanceof InfracastError &&
          error.code === 'VALIDATION_FAILED' &&
          /^attestations\/access-control\.yaml: sha256 of evidence 'assets\/evidence\/access-review-2026-q3\.csv' is [0-9a-f]{64}, not the recorded 70de9cd8/.test(
            error.message,
          ),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
