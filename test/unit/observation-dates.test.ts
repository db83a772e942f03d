/**
 * Observation times of findings whose export carries none (spec/evaluation.md section 1): the date
 * the source declares in infracast.yaml, else the git commit time of the export file (a real `git
 * init` and commits at fixed dates), never the run's; and the `findings.sources` form that declares it.
 */
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ingest } from '../../src/app/ingest.js';
import type { IngestResult } from '../../src/app/ingest.js';
import { observationProvenance, observationWarnings } from '../../src/app/observation-dates.js';
import { validate } from '../../src/app/validate.js';
import { commitAll, initRepository } from '../support/git.js';
import { examplesDir } from '../support/paths.js';
import { makeWorkspace, MINIMAL_CONFIG } from '../support/workspace.js';

/** Trivy's SARIF of the example: 57 results, no time in any result or run. */
const TRIVY = join(examplesDir, 'acme', 'findings', 'trivy', 'acme-agc-images-2026-11-26.sarif');
const NATIVE = join(examplesDir, 'acme', 'findings', 'native', 'acme-collector-2026-11-27.json');
const COMMITTED = '2026-11-20T09:30:00+01:00';
/** A second SARIF without times, made up here (its findings must not merge with Trivy's): one result. */
const OTHER = JSON.stringify({
  version: '2.1.0',
  runs: [
    {
      tool: { driver: { name: 'Semgrep', rules: [{ id: 'rule-1', shortDescription: { text: 'a rule' } }] } },
      results: [{ ruleId: 'rule-1', level: 'error', message: { text: 'found' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'app.js' } } }] }],
    },
  ],
});

function workspace(config = MINIMAL_CONFIG): string {
  const root = makeWorkspace({ 'infracast.yaml': config });
  mkdirSync(join(root, 'findings', 'trivy'), { recursive: true });
  mkdirSync(join(root, 'findings', 'native'), { recursive: true });
  copyFileSync(TRIVY, join(root, 'findings', 'trivy', 'scan.sarif'));
  copyFileSync(NATIVE, join(root, 'findings', 'native', 'collector.json'));
  return root;
}

const run = (root: string, declared: { source: string; observedAt: string }[] = []): Promise<IngestResult> =>
  ingest({ paths: ['findings/**/*'], cwd: root, allowUnmatched: true, observation: { root, declared } });

const trivyOf = (result: IngestResult) => result.findings.filter((f) => f.tool === 'trivy');
const observationOf = (result: IngestResult, name: string) => result.observation?.find((o) => o.file.endsWith(name));

describe('observation times: declared in infracast.yaml, else the git commit of the file', () => {
  it('a SARIF without times, committed in git, gets the commit time (UTC); records with times keep theirs', async () => {
    const root = workspace();
    initRepository(root, COMMITTED);
    const result = await run(root);
    const trivy = trivyOf(result);
    assert.equal(trivy.length, 57);
    for (const f of trivy) {
      assert.equal(f.observedAt, '2026-11-20T08:30:00.000Z');
      assert.equal(f.observedAtSource, 'git-commit');
    }
    assert.deepEqual(observationOf(result, 'scan.sarif'), {
      file: join(root, 'findings', 'trivy', 'scan.sarif'),
      counts: { 'git-commit': 57 },
      committedAt: '2026-11-20T08:30:00.000Z',
    });
    const native = result.findings.filter((f) => f.sources[0]?.file.endsWith('collector.json'));
    assert.equal(native.length, 47);
    assert.ok(native.every((f) => f.observedAtSource === 'record' && f.observedAt?.startsWith('2026-11-')));
    assert.deepEqual(observationOf(result, 'collector.json')?.counts, { record: 47 });
  });

  it('a date declared in infracast.yaml wins over git; the first source that lists the file decides', async () => {
    const root = workspace();
    initRepository(root, COMMITTED);
    const result = await run(root, [
      { source: 'findings/trivy/*.sarif', observedAt: '2026-11-26T06:10:00Z' },
      { source: 'findings/**/*', observedAt: '2026-01-01' },
    ]);
    assert.ok(trivyOf(result).every((f) => f.observedAt === '2026-11-26T06:10:00.000Z' && f.observedAtSource === 'declared'));
    assert.deepEqual(observationOf(result, 'scan.sarif')?.counts, { declared: 57 });
    assert.equal(observationOf(result, 'scan.sarif')?.declaredAt, '2026-11-26T06:10:00.000Z');
    // The native records have their own times: a declared date is a fallback, never an override.
    assert.deepEqual(observationOf(result, 'collector.json')?.counts, { record: 47 });
  });

  it('a date (no time) declared means 00:00 UTC that day', async () => {
    const root = workspace();
    const result = await run(root, [{ source: 'findings/trivy/scan.sarif', observedAt: '2026-11-26' }]);
    assert.ok(trivyOf(result).every((f) => f.observedAt === '2026-11-26T00:00:00.000Z'));
  });

  it('a file with uncommitted changes, or not committed at all, has no commit time: none, and the reason and fix are given', async () => {
    const root = workspace();
    initRepository(root, COMMITTED);
    appendFileSync(join(root, 'findings', 'trivy', 'scan.sarif'), '\n');
    writeFileSync(join(root, 'findings', 'new.sarif'), OTHER);
    const result = await run(root);
    assert.ok(trivyOf(result).every((f) => f.observedAt === undefined && f.observedAtSource === undefined));
    assert.deepEqual(observationOf(result, 'scan.sarif'), {
      file: join(root, 'findings', 'trivy', 'scan.sarif'),
      counts: { none: 57 },
      noneReason: 'the file has uncommitted changes',
    });
    assert.deepEqual(observationOf(result, 'new.sarif')?.counts, { none: 1 });
    assert.equal(observationOf(result, 'new.sarif')?.noneReason, 'the file is not committed in git');
    const warnings = observationWarnings(result.observation ?? [], root);
    assert.equal(warnings.length, 2, 'one warning per file');
    assert.match(
      warnings[0]!,
      /^findings\/new\.sarif: 1 finding has no observation time \(.*the file is not committed in git\): .*declare the scan time in infracast\.yaml: findings\.sources: - \{ path: findings\/new\.sarif, observed_at: YYYY-MM-DDTHH:MM:SSZ \}$/,
    );
    assert.match(warnings[1]!, /^findings\/trivy\/scan\.sarif: 57 findings have no observation time \(.*the file has uncommitted changes\)/);
  });

  it('outside a git repository git is never run, and the findings have none', async () => {
    const root = workspace();
    // A `git` that records its calls, first on the PATH: it must not be called.
    const bin = mkdtempSync(join(tmpdir(), 'infracast-fake-git-'));
    const log = join(bin, 'calls.log');
    writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$@" >> ${log}\nexit 1\n`);
    chmodSync(join(bin, 'git'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path ?? ''}`;
    let result: IngestResult;
    try {
      result = await run(root);
    } finally {
      process.env.PATH = path;
    }
    assert.ok(!existsSync(log), `git was run: ${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
    assert.deepEqual(observationOf(result, 'scan.sarif')?.counts, { none: 57 });
    assert.equal(observationOf(result, 'scan.sarif')?.noneReason, 'not in a git repository');
  });

  it('git is asked once per file that needs it, not per finding, and not for files whose findings have times', async () => {
    const root = workspace();
    initRepository(root, COMMITTED);
    const bin = mkdtempSync(join(tmpdir(), 'infracast-counting-git-'));
    const log = join(bin, 'calls.log');
    const real = (await import('node:child_process')).execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$@" >> ${log}\nexec ${real} "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path ?? ''}`;
    try {
      await run(root);
    } finally {
      process.env.PATH = path;
    }
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    assert.equal(calls.filter((c) => c.startsWith('log ')).length, 1, calls.join('\n'));
    assert.ok(
      calls.every((c) => !c.includes('collector.json')),
      'the native file has times: git is not asked about it',
    );
  });

  it('the provenance lines: per file, sorted by path, with the time used and, for none, why and the fix', async () => {
    const root = workspace();
    initRepository(root, COMMITTED);
    writeFileSync(join(root, 'findings', 'late.sarif'), OTHER);
    const lines = observationProvenance((await run(root)).observation, root);
    assert.deepEqual(lines, [
      {
        path: 'findings/late.sarif',
        from: [{ source: 'none', findings: 1 }],
        note: 'the file is not committed in git: declare the scan time in infracast.yaml: findings.sources: - { path: findings/late.sarif, observed_at: YYYY-MM-DDTHH:MM:SSZ }',
      },
      { path: 'findings/native/collector.json', from: [{ source: 'record', findings: 47 }] },
      { path: 'findings/trivy/scan.sarif', from: [{ source: 'git-commit', findings: 57, at: '2026-11-20T08:30:00Z' }] },
    ]);
  });

  it('later commits of the file move its commit time (the POA&M keeps the first detection: see test/cli/observation-dates)', async () => {
    const root = workspace();
    initRepository(root, COMMITTED);
    appendFileSync(join(root, 'findings', 'trivy', 'scan.sarif'), '\n');
    commitAll(root, '2027-01-10T12:00:00Z', 'a new scan');
    assert.equal(observationOf(await run(root), 'scan.sarif')?.committedAt, '2027-01-10T12:00:00.000Z');
  });
});

describe('findings.sources: a glob, or {path, observed_at}', () => {
  const config = (sources: string): string => `${MINIMAL_CONFIG}findings:\n  sources:\n${sources}`;

  it('both forms side by side; the config keeps the paths in order and the declared dates', async () => {
    const root = makeWorkspace({
      'infracast.yaml': config(
        "    - findings/**/*.json\n    - path: findings/trivy/*.sarif\n      observed_at: 2026-11-26T06:10:00Z\n    - { path: 'findings/other/*.sarif' }\n",
      ),
    });
    const result = await validate({ paths: [root], at: '2026-11-29' });
    // No findings file exists: each configured source matching nothing is a warning, nothing else.
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.severity} ${d.code}`),
      ['warning findings-source-unmatched', 'warning findings-source-unmatched', 'warning findings-source-unmatched'],
    );
    const loaded = result.workspaces[0]?.config;
    assert.deepEqual(loaded?.findingsSources, ['findings/**/*.json', 'findings/trivy/*.sarif', 'findings/other/*.sarif']);
    assert.deepEqual(loaded?.findingsObservedAt, [{ source: 'findings/trivy/*.sarif', observedAt: '2026-11-26T06:10:00Z' }]);
  });

  it('a bad entry is reported where it is: an unparseable observed_at, a missing path, an unknown key, a number', async () => {
    const root = makeWorkspace({
      'infracast.yaml': config(
        '    - path: findings/a.sarif\n      observed_at: 26/11/2026\n    - observed_at: 2026-11-26\n    - path: findings/b.sarif\n      observedAt: 2026-11-26\n    - 42\n',
      ),
    });
    const result = await validate({ paths: [root], at: '2026-11-29' });
    const seen = result.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`);
    assert.deepEqual(seen, [
      '11:20 invalid-value observed_at must be a date YYYY-MM-DD or an instant such as 2026-04-24T10:00:00Z, not "26/11/2026"',
      "12:7 missing-key missing required key 'path' in findings.sources[1]",
      "14:7 unknown-key unknown key 'observedAt' in findings.sources[2] (did you mean 'observed_at'?)",
      '15:7 wrong-type findings.sources[3] must be a string or a mapping, not number 42',
    ]);
  });
});
