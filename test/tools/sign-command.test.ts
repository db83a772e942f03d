/**
 * `infracast sign` on files rendered unsigned and on a file Infracast did not make, and keyless
 * signing through `infracast render` as a GitHub Actions job does it: the runner's OIDC endpoint,
 * Fulcio, Rekor and a timestamp service are the loopback stand-ins of test/support/sigstore-mock.ts,
 * and `infracast verify --trusted-root --identity --issuer` checks the bundles. Needs OpenSSL (the
 * test PKI); no browser (Markdown and JSON only).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { runCliAsync } from '../support/cli.js';
import { startSigstoreMock, type SigstoreMock } from '../support/sigstore-mock.js';
import { SIGNED_AT, signingWorkspace } from '../support/signed-acme.js';
import { missingToolsReason } from '../support/tools.js';

// Why these tests cannot run here (the missing browser or tool, named), or false; in CI a missing one fails instead (test/support).
const skipReason = missingToolsReason({ what: 'OpenSSL', candidates: ['openssl'] });

interface Verified {
  status: string;
  valid: boolean;
  signed_by: string | null;
  signed_at_source: string | null;
  tenant: string | null;
  framework: string | null;
  report_type: string | null;
  generated_at: string | null;
  signatures: string[];
}

async function verify(cwd: string, ...args: string[]): Promise<{ status: number; json: Verified; stderr: string }> {
  const result = await runCliAsync(['verify', ...args], { cwd });
  assert.ok(result.stdout.trim().startsWith('{'), result.stdout + result.stderr);
  return { status: result.status, json: JSON.parse(result.stdout) as Verified, stderr: result.stderr };
}

describe('infracast sign', { skip: skipReason }, () => {
  it('signs rendered files with their index facts, and any other file as "file"; verify says valid', async () => {
    const { root, pki } = await signingWorkspace({ p7s: false });
    const rendered = await runCliAsync(['render', 'reports/nist-800-171-gap.yaml', '--format', 'md', '--format', 'json', '--at', SIGNED_AT], { cwd: root });
    assert.equal(rendered.status, 0, rendered.stderr);
    const md = join('out', 'nist-800-171-gap-analysis', 'nist-800-171-gap-analysis.md');
    writeFileSync(join(root, 'notes.txt'), 'Assessor notes, 2026-11-29.\n');
    const signed = await runCliAsync(['sign', md, 'notes.txt'], { cwd: root });
    assert.equal(signed.status, 0, signed.stderr);
    assert.match(signed.stdout, /nist-800-171-gap-analysis\.md: wrote nist-800-171-gap-analysis\.md\.sigstore\.json/);
    assert.ok(existsSync(join(root, 'notes.txt.sigstore.json')));

    const ca = join(pki.dir, 'root.crt');
    const report = await verify(root, md, '--ca', ca);
    assert.equal(report.status, 0, JSON.stringify(report.json));
    assert.equal(report.json.report_type, 'gap');
    assert.equal(report.json.framework, 'nist-800-171');
    assert.equal(report.json.generated_at, SIGNED_AT);
    assert.equal(report.json.signed_by, 'compliance@acme.com');
    assert.equal(report.json.signed_at_source, 'rfc3161');
    const notes = await verify(root, 'notes.txt', '--ca', ca);
    assert.equal(notes.json.status, 'valid');
    assert.equal(notes.json.report_type, 'file');
    assert.equal(notes.json.tenant, 'Acme Corp');

    writeFileSync(join(root, 'notes.txt'), 'Assessor notes, 2026-11-30.\n');
    const edited = await verify(root, 'notes.txt', '--ca', ca);
    assert.equal(edited.status, 1);
    assert.equal(edited.json.status, 'tampered');
  });

  it('a file that does not exist: exit 2 naming it; no key: exit 3 SIGNING_KEY_MISSING', async () => {
    const { root } = await signingWorkspace({ tsa: false, p7s: false });
    const missing = await runCliAsync(['sign', 'nope.md'], { cwd: root });
    assert.equal(missing.status, 2, missing.stderr);
    assert.match(missing.stderr, /nope\.md does not exist/);
    const configPath = join(root, 'infracast.yaml');
    const config = parseDocument(readFileSync(configPath, 'utf8'));
    config.deleteIn(['signing', 'key']);
    config.deleteIn(['signing', 'certificate']);
    writeFileSync(configPath, config.toString());
    writeFileSync(join(root, 'a.md'), '# a\n');
    const noKey = await runCliAsync(['sign', 'a.md', '--json'], { cwd: root });
    assert.equal(noKey.status, 3, noKey.stdout);
    assert.equal((JSON.parse(noKey.stdout) as { error: { code: string } }).error.code, 'SIGNING_KEY_MISSING');
  });
});

describe('keyless signing in a GitHub Actions job (loopback OIDC, Fulcio, Rekor, timestamp service)', { skip: skipReason }, () => {
  let mock: SigstoreMock | undefined;
  after(async () => mock?.close());

  it('render --sign with sigstore mode keyless: bundles with the workflow identity, one Rekor entry each, verified with the trusted root', async () => {
    mock = await startSigstoreMock();
    const { root } = await signingWorkspace({ tsa: false, p7s: false });
    const configPath = join(root, 'infracast.yaml');
    const config = parseDocument(readFileSync(configPath, 'utf8'));
    config.deleteIn(['signing', 'key']);
    config.deleteIn(['signing', 'certificate']);
    config.setIn(['signing', 'sigstore'], { mode: 'keyless', fulcio_url: mock.url, rekor_url: mock.url, tsa_url: mock.url });
    writeFileSync(configPath, config.toString());
    const rendered = await runCliAsync(['render', 'reports/nist-800-171-gap.yaml', '--format', 'md', '--format', 'json', '--sign', '--at', SIGNED_AT], {
      cwd: root,
      env: mock.env,
    });
    assert.equal(rendered.status, 0, rendered.stderr + rendered.stdout);
    assert.equal(mock.requests.rekor, 2, 'one transparency-log entry per artifact');
    const trustedRoot = join(root, 'trusted_root.json');
    writeFileSync(trustedRoot, JSON.stringify(mock.trustedRoot));
    const md = join('out', 'nist-800-171-gap-analysis', 'nist-800-171-gap-analysis.md');
    const ok = await verify(root, md, '--trusted-root', trustedRoot, '--identity', mock.identity, '--issuer', mock.issuer);
    assert.equal(ok.status, 0, JSON.stringify(ok.json));
    assert.equal(ok.json.signed_by, mock.identity);
    assert.equal(ok.json.tenant, 'Acme Corp');
    assert.equal(ok.json.report_type, 'gap');
    const wrong = await verify(
      root,
      md,
      '--trusted-root',
      trustedRoot,
      '--identity',
      'https://github.com/evil/repo/.github/workflows/x.yml@refs/heads/main',
      '--issuer',
      mock.issuer,
    );
    assert.equal(wrong.json.status, 'untrusted');
  });

  it('without the runner token (no id-token: write) the definition fails with exit 3 and says how to fix it', async () => {
    mock ??= await startSigstoreMock();
    const { root } = await signingWorkspace({ tsa: false, p7s: false });
    const configPath = join(root, 'infracast.yaml');
    const config = parseDocument(readFileSync(configPath, 'utf8'));
    config.deleteIn(['signing', 'key']);
    config.deleteIn(['signing', 'certificate']);
    config.setIn(['signing', 'sigstore'], { mode: 'keyless', fulcio_url: mock.url, rekor_url: mock.url });
    writeFileSync(configPath, config.toString());
    const rendered = await runCliAsync(['render', 'reports/nist-800-171-gap.yaml', '--format', 'md', '--sign', '--at', SIGNED_AT], {
      cwd: root,
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '', SIGSTORE_ID_TOKEN: '' },
    });
    assert.equal(rendered.status, 3, rendered.stderr + rendered.stdout);
    assert.match(rendered.stderr, /id-token: write/);
  });
});
