/**
 * The "Done when", end to end through the real CLI: `infracast render --sign` on
 * examples/acme (test PKI, loopback TSA) gives a PDF that poppler's pdfsig accepts (NSS trusting
 * only the test root) and qpdf checks, that `infracast verify` reports valid with the RFC 3161 time,
 * tenant and framework; every other format verifies through its Sigstore bundle and its .p7s
 * (also with `openssl cms -verify`); and a second render with no change re-signs nothing.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { runCli } from '../support/cli.js';
import { noBrowserReason, tool } from '../support/pdf.js';
import { nssDb, opensslCmsVerify } from '../support/pki.js';
import { SIGNED_AT, SIGNED_DEFINITIONS, signedAcme, signingWorkspace, type SignedAcme } from '../support/signed-acme.js';
import { missingToolsReason } from '../support/tools.js';

// Why these tests cannot run here (the missing browser or tool, named), or false; in CI a missing one fails instead (test/support).
const skipReason =
  noBrowserReason() ||
  missingToolsReason(
    { what: 'OpenSSL', candidates: ['openssl'] },
    { what: 'poppler pdfsig', candidates: ['pdfsig'] },
    { what: 'NSS certutil (libnss3-tools)', candidates: ['certutil'] },
    { what: 'qpdf', candidates: ['qpdf'] },
  );

interface VerifyJson {
  valid: boolean;
  status: string;
  tampered: boolean;
  signed_by: string | null;
  signed_at: string | null;
  signed_at_source: string | null;
  tenant: string | null;
  framework: string | null;
  generated_at: string | null;
  report_type: string | null;
  signatures: string[];
  checks: { revocation: string; revocation_detail?: string; performed?: { name: string; result: string; signature: string }[] };
}

function verify(file: string, ...args: string[]): { status: number; json: VerifyJson; stderr: string } {
  const result = runCli(['verify', file, ...args]);
  assert.ok(result.stdout.trim().startsWith('{'), `verify printed no JSON: ${result.stdout}${result.stderr}`);
  return { status: result.status, json: JSON.parse(result.stdout) as VerifyJson, stderr: result.stderr };
}

const hashes = (dir: string): Map<string, string> =>
  new Map(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [
        join(e.parentPath, e.name),
        createHash('sha256')
          .update(readFileSync(join(e.parentPath, e.name)))
          .digest('hex'),
      ]),
  );

describe('render --sign on examples/acme', { skip: skipReason }, () => {
  let acme: SignedAcme;
  before(async () => {
    acme = await signedAcme();
  });

  it('renders and signs every artifact, and says how many it signed', () => {
    assert.equal(acme.first.status, 0, acme.first.stderr + acme.first.stdout);
    assert.match(acme.first.stdout, /signatures: 6 signed, 0 unchanged/);
    for (const file of ['soc-2-compliance-report.pdf', 'soc-2-compliance-report.pdf.sigstore.json', 'soc-2-compliance-report.pdf.p7s'])
      assert.ok(readFileSync(acme.out('soc-2-compliance-report', file)).length > 0, file);
    const index = JSON.parse(readFileSync(acme.out('index.json'), 'utf8')) as {
      items: { path: string; format: string; signature?: { embedded: boolean; bundle?: string; p7s?: string } }[];
    };
    const pdf = index.items.find((i) => i.path === 'soc-2-compliance-report/soc-2-compliance-report.pdf')!;
    assert.deepEqual(pdf.signature, {
      embedded: true,
      bundle: 'soc-2-compliance-report/soc-2-compliance-report.pdf.sigstore.json',
      p7s: 'soc-2-compliance-report/soc-2-compliance-report.pdf.p7s',
    });
    assert.equal(index.items.filter((i) => i.signature).length, 6, 'one index item per signed artifact, sidecars not listed as reports');
  });

  it("poppler's pdfsig says the signature is valid, trusted (NSS trusting only the test root), ETSI.CAdES.detached, and covers the whole file", () => {
    const out = tool('pdfsig', ['-nssdir', nssDb(acme.pki), acme.out('soc-2-compliance-report', 'soc-2-compliance-report.pdf')]);
    assert.match(out, /Signature Validation: Signature is Valid\./);
    assert.match(out, /Certificate Validation: Certificate is Trusted\./);
    assert.match(out, /Signature Type: ETSI\.CAdES\.detached/);
    assert.match(out, /Total document signed/);
    assert.match(out, /Signer Certificate Common Name: Acme Compliance/);
  });

  it('qpdf --check finds no damage', () => {
    assert.match(tool('qpdf', ['--check', acme.out('soc-2-compliance-report', 'soc-2-compliance-report.pdf')]), /No syntax or stream encoding errors found/);
  });

  it('infracast verify: valid, with the RFC 3161 time, the signer, tenant, framework and generated_at', () => {
    const { status, json } = verify(acme.out('soc-2-compliance-report', 'soc-2-compliance-report.pdf'), '--ca', join(acme.pki.dir, 'root.crt'));
    assert.equal(status, 0, JSON.stringify(json));
    assert.equal(json.valid, true);
    assert.equal(json.tampered, false);
    assert.equal(json.status, 'valid');
    assert.equal(json.signed_by, 'compliance@acme.com');
    assert.equal(json.signed_at_source, 'rfc3161');
    assert.match(json.signed_at ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.ok(Math.abs(Date.parse(json.signed_at!) - Date.now()) < 10 * 60_000, 'the TSA time is the time of signing');
    assert.equal(json.tenant, 'Acme Corp');
    assert.equal(json.framework, 'soc2');
    assert.equal(json.generated_at, SIGNED_AT);
    assert.equal(json.report_type, 'framework');
    assert.deepEqual(json.signatures, ['pdf', 'bundle', 'p7s']);
    // The test PKI's certificates name no CRL or OCSP service, and verify is offline by default.
    assert.equal(json.checks.revocation, 'not-checked');
    assert.match(String(json.checks.revocation_detail), /no revocation data at hand .* the network is not allowed \(--online\)/);
    assert.deepEqual(Object.keys(json.checks), ['revocation', 'revocation_detail']);
  });

  it('--verbose lists every check, in order, all passing', () => {
    const { json } = verify(acme.out('soc-2-compliance-report', 'soc-2-compliance-report.pdf'), '--ca', join(acme.pki.dir, 'root.crt'), '--verbose');
    const names = json.checks.performed!.filter((c) => c.signature === 'pdf').map((c) => c.name);
    for (const name of ['byte-range', 'contents-encoding', 'cms-integrity', 'chain', 'timestamp'])
      assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    assert.deepEqual(
      json.checks.performed!.filter((c) => c.result === 'fail'),
      [],
    );
  });

  for (const format of ['pdf', 'docx', 'xlsx', 'md', 'json']) {
    it(`the gap report's ${format} verifies through its bundle and .p7s (valid, tenant, framework, report type)`, () => {
      const file = acme.out('nist-800-171-gap-analysis', `nist-800-171-gap-analysis.${format}`);
      const { status, json } = verify(file, '--ca', join(acme.pki.dir, 'root.crt'));
      assert.equal(status, 0, JSON.stringify(json));
      assert.equal(json.status, 'valid');
      assert.deepEqual(json.signatures, format === 'pdf' ? ['pdf', 'bundle', 'p7s'] : ['bundle', 'p7s']);
      assert.equal(json.tenant, 'Acme Corp');
      assert.equal(json.framework, 'nist-800-171');
      assert.equal(json.report_type, 'gap');
      assert.equal(json.signed_at_source, 'rfc3161');
    });
  }

  it('openssl cms -verify accepts the .p7s of the Markdown report', () => {
    const md = acme.out('nist-800-171-gap-analysis', 'nist-800-171-gap-analysis.md');
    const { ok, output } = opensslCmsVerify(acme.pki, `${md}.p7s`, md);
    assert.ok(ok, output);
    assert.match(output, /CMS Verification successful/);
  });

  it('the bundle also verifies with the signing public key (--key), and is untrusted with another root or no trust anchor', () => {
    // The Markdown and its bundle alone (no .p7s beside it, which --key cannot check).
    const dir = mkdtempSync(join(tmpdir(), 'infracast-verify-key-'));
    const md = join(dir, 'nist-800-171-gap-analysis.md');
    copyFileSync(acme.out('nist-800-171-gap-analysis', 'nist-800-171-gap-analysis.md'), md);
    copyFileSync(acme.out('nist-800-171-gap-analysis', 'nist-800-171-gap-analysis.md.sigstore.json'), `${md}.sigstore.json`);
    const pub = join(dir, 'signing.pub.pem');
    writeFileSync(pub, tool('openssl', ['pkey', '-in', join(acme.pki.dir, 'leaf-rsa.key'), '-pubout']));
    const withKey = verify(md, '--key', pub);
    assert.equal(withKey.status, 0, JSON.stringify(withKey.json));
    assert.deepEqual(withKey.json.signatures, ['bundle']);
    assert.equal(withKey.json.tenant, 'Acme Corp');
    const noTrust = verify(md);
    assert.equal(noTrust.json.status, 'untrusted');
    const other = verify(acme.out('soc-2-compliance-report', 'soc-2-compliance-report.pdf'), '--ca', join(acme.pki.dir, 'other-root.crt'));
    assert.equal(other.status, 1);
    assert.equal(other.json.status, 'untrusted');
    assert.equal(other.json.tampered, false);
    const none = verify(acme.out('soc-2-compliance-report', 'soc-2-compliance-report.pdf'));
    assert.equal(none.json.status, 'untrusted');
    assert.match(none.stderr, /--ca/);
  });

  it('a second render with no change re-signs nothing: same bytes, no TSA request, "0 signed"', async () => {
    const before = hashes(join(acme.root, 'out'));
    const requests = acme.tsa.requests();
    const second = await acme.render();
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /signatures: 0 signed, 6 unchanged \(kept\)/);
    assert.equal(acme.tsa.requests(), requests, 'no timestamp requested');
    const after = hashes(join(acme.root, 'out'));
    for (const [file, sha] of before) if (!file.endsWith('index.json')) assert.equal(after.get(file), sha, file);
  });
});

describe('render with signing asked for and no key', { skip: missingToolsReason({ what: 'OpenSSL', candidates: ['openssl'] }) }, () => {
  it('exits 3 with SIGNING_KEY_MISSING and the fix, and the other definitions still render', async () => {
    const { root } = await signingWorkspace({ tsa: false, p7s: false });
    const configPath = join(root, 'infracast.yaml');
    const config = parseDocument(readFileSync(configPath, 'utf8'));
    config.setIn(['signing', 'key'], '.dev-keys/absent.pem');
    writeFileSync(configPath, config.toString());
    const result = runCli(['render', ...SIGNED_DEFINITIONS, '--format', 'md', '--at', SIGNED_AT], { cwd: root });
    assert.equal(result.status, 3, result.stderr);
    assert.match(result.stdout + result.stderr, /signing\.key \.dev-keys\/absent\.pem does not exist/);
    assert.match(result.stderr, /hint: For a throwaway development key to try signing with: infracast keys dev/);
    assert.ok(readFileSync(join(root, 'out', 'nist-800-171-gap-analysis', 'nist-800-171-gap-analysis.md')).length > 0, 'the unsigned definition rendered');
  });

  it('a signer the certificate does not name fails the report with SIGNER_MISMATCH', async () => {
    const { root } = await signingWorkspace({ tsa: false, p7s: false });
    writeFileSync(
      join(root, 'reports', 'soc2-signed.yaml'),
      readFileSync(join(root, 'reports', 'soc2-signed.yaml'), 'utf8').replace('signer: compliance@acme.com', 'signer: ceo@acme.com'),
    );
    const result = runCli(['render', 'reports/soc2-signed.yaml', '--format', 'md', '--at', SIGNED_AT], { cwd: root });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout + result.stderr, /ceo@acme\.com is not named by the signing certificate/);
  });
});
