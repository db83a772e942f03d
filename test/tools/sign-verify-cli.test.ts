/**
 * `infracast sign` and `infracast verify` as processes (issue 13): a renamed download verifies (the
 * digest decides, the name is a note), the README's `verify --key` example works with a .p7s beside
 * the file, injected /Infracast* Info keys never come out signed, an expired signer certificate is
 * refused without a TSA and warned about with one, and a corrupt key is a coded error with a hint.
 * Needs OpenSSL (the test PKI and TSA) and Chromium for the signed acme render; skips without them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { parseDocument } from 'yaml';
import { validityProblem, identityFromPem } from '../../src/signing/keys.js';
import { runCli, runCliAsync, type CliResult } from '../support/cli.js';
import { noBrowserReason } from '../support/pdf.js';
import { signedAcme, signingWorkspace } from '../support/signed-acme.js';
import { reissueSigner, testPki } from '../support/pki.js';
import { requireTool } from '../support/tools.js';

const json = (r: CliResult): Record<string, unknown> => JSON.parse(r.stdout) as Record<string, unknown>;
const performed = (r: CliResult): { name: string; result: string; signature: string; detail?: string }[] =>
  (json(r).checks as { performed: { name: string; result: string; signature: string; detail?: string }[] }).performed;

function needOpenssl(t: TestContext): boolean {
  return Boolean(requireTool(t, 'OpenSSL', 'openssl'));
}

/** The rendered out/ file with the extension (named like its folder), and its folder. */
function outFile(root: string, extension: string): { dir: string; name: string } {
  for (const folder of readdirSync(join(root, 'out'), { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    // The rendered file, not a copy a test made beside it ("... (1).xlsx", "gap.xlsx").
    const name = readdirSync(join(root, 'out', folder.name)).find((f) => f === `${folder.name}${extension}`);
    if (name) return { dir: join(root, 'out', folder.name), name };
  }
  throw new Error(`no ${extension} in out/`);
}

describe('verify of a signed acme render (CLI)', { skip: noBrowserReason() }, () => {
  it('a renamed download, its bundle and .p7s renamed alike or given with --bundle: valid, the name a note', async (t) => {
    if (!needOpenssl(t)) return;
    const acme = await signedAcme();
    assert.equal(acme.first.status, 0, acme.first.stderr);
    const { dir, name } = outFile(acme.root, '.xlsx');
    const renamed = name.replace(/\.xlsx$/, ' (1).xlsx');
    copyFileSync(join(dir, name), join(dir, renamed));
    copyFileSync(join(dir, `${name}.sigstore.json`), join(dir, `${renamed}.sigstore.json`));
    copyFileSync(join(dir, `${name}.p7s`), join(dir, `${renamed}.p7s`));
    const root = join(acme.pki.dir, 'root.crt');

    const alike = runCli(['verify', renamed, '--ca', root, '--verbose'], { cwd: dir });
    assert.equal(alike.status, 0, alike.stdout + alike.stderr);
    assert.equal(json(alike).status, 'valid');
    assert.deepEqual(json(alike).signatures, ['bundle', 'p7s']);
    const note = performed(alike).find((c) => c.name === 'subject-name');
    assert.equal(note?.result, 'pass');
    assert.match(note?.detail ?? '', / \(1\)\.xlsx; it was signed as /);

    const given = runCli(['verify', renamed, '--bundle', `${name}.sigstore.json`, '--ca', root], { cwd: dir });
    assert.equal(given.status, 0, given.stdout + given.stderr);
    assert.equal(json(given).status, 'valid');

    // The same renamed file with one byte changed is still tampered.
    const bytes = readFileSync(join(dir, renamed));
    bytes[bytes.length - 30] = bytes[bytes.length - 30]! ^ 0x01;
    writeFileSync(join(dir, renamed), bytes);
    const edited = runCli(['verify', renamed, '--ca', root], { cwd: dir });
    assert.notEqual(edited.status, 0);
    assert.equal(json(edited).status, 'tampered');
  });

  it('the README example `infracast verify gap.xlsx --key signing.pub.pem` works with a .p7s beside the file', async (t) => {
    if (!needOpenssl(t)) return;
    const acme = await signedAcme();
    const { dir, name } = outFile(acme.root, '.xlsx');
    copyFileSync(join(dir, name), join(dir, 'gap.xlsx'));
    copyFileSync(join(dir, `${name}.sigstore.json`), join(dir, 'gap.xlsx.sigstore.json'));
    copyFileSync(join(dir, `${name}.p7s`), join(dir, 'gap.xlsx.p7s'));
    const pub = spawnSync('openssl', ['pkey', '-in', join(acme.root, '.dev-keys', 'signing-key.pem'), '-pubout', '-out', join(dir, 'signing.pub.pem')]);
    assert.equal(pub.status, 0);
    const result = runCli(['verify', 'gap.xlsx', '--key', 'signing.pub.pem', '--verbose'], { cwd: dir });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal(json(result).status, 'valid');
    assert.deepEqual(json(result).signatures, ['bundle', 'p7s']);
    assert.match(performed(result).find((c) => c.signature === 'p7s' && c.name === 'chain')?.detail ?? '', /holds the given public key/);
    // Another key pins nothing: the .p7s is then untrusted, and so is the file.
    const other = spawnSync('openssl', ['pkey', '-in', join(acme.pki.dir, 'other-leaf.key'), '-pubout', '-out', join(dir, 'other.pub.pem')]);
    assert.equal(other.status, 0);
    const wrong = runCli(['verify', 'gap.xlsx', '--key', 'other.pub.pem'], { cwd: dir });
    assert.equal(json(wrong).status, 'untrusted');
  });
});

describe('sign (CLI): injected metadata, expired certificates, corrupt keys', () => {
  it('a PDF carrying /Infracast* Info keys is signed without them; verify reports only what the signature covers', async (t) => {
    if (!needOpenssl(t)) return;
    const { root, pki } = await signingWorkspace({ tsa: false, p7s: false });
    const lib = await import('@cantoo/pdf-lib');
    const doc = await lib.PDFDocument.create();
    doc.addPage();
    const info = doc.context.obj({});
    info.set(lib.PDFName.of('InfracastTenant'), lib.PDFHexString.fromText('evil-corp'));
    info.set(lib.PDFName.of('InfracastFramework'), lib.PDFHexString.fromText('FedRAMP High'));
    info.set(lib.PDFName.of('InfracastSignedBy'), lib.PDFHexString.fromText('ceo@acme.com'));
    info.set(lib.PDFName.of('Title'), lib.PDFHexString.fromText('Kept'));
    doc.context.trailerInfo.Info = doc.context.register(info);
    writeFileSync(join(root, 'injected.pdf'), await doc.save());

    const signed = await runCliAsync(['sign', 'injected.pdf'], { cwd: root });
    assert.equal(signed.status, 0, signed.stderr);
    const text = readFileSync(join(root, 'injected.pdf')).toString('latin1');
    assert.ok(!text.includes('InfracastSignedBy'), 'a foreign /Infracast* key is removed');
    const reread = await lib.PDFDocument.load(readFileSync(join(root, 'injected.pdf')), { updateMetadata: false });
    const signedInfo = reread.context.lookup(reread.context.trailerInfo.Info);
    assert.ok(signedInfo instanceof lib.PDFDict);
    const value = (key: string): string | undefined => {
      const found = signedInfo.lookup(lib.PDFName.of(key));
      return found instanceof lib.PDFHexString || found instanceof lib.PDFString ? found.decodeText() : undefined;
    };
    assert.equal(value('InfracastFramework'), undefined, 'no framework: the file is not a framework report');
    assert.equal(value('Title'), 'Kept', 'other Info keys stay');

    const verified = runCli(['verify', 'injected.pdf', '--ca', join(pki.dir, 'root.crt')], { cwd: root });
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    const report = json(verified);
    assert.equal(report.status, 'valid');
    assert.notEqual(report.tenant, 'evil-corp');
    assert.equal(report.framework, null);
  });

  it('an expired signer certificate: refused without a TSA (coded, exit 3), a warning with one', async (t) => {
    if (!needOpenssl(t)) return;
    const pki = testPki();
    reissueSigner(pki, 'expired.crt', { days: -1 });
    const expiredChain = pki.pem('expired.crt') + pki.pem('chain.pem');

    const bare = await signingWorkspace({ tsa: false, p7s: false });
    writeFileSync(join(bare.root, '.dev-keys', 'signing-cert.pem'), expiredChain);
    writeFileSync(join(bare.root, 'notes.md'), '# Notes\n');
    const refused = runCli(['sign', 'notes.md'], { cwd: bare.root });
    assert.equal(refused.status, 3, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /SIGNING_CERTIFICATE_INVALID/);
    assert.match(refused.stderr, /expired on \d{4}-\d\d-\d\dT/);
    assert.match(refused.stderr, /Renew the signing certificate/);
    assert.doesNotMatch(refused.stderr, /^\s+at /m, 'no stack trace');

    const stamped = await signingWorkspace({ p7s: false });
    writeFileSync(join(stamped.root, '.dev-keys', 'signing-cert.pem'), expiredChain);
    writeFileSync(join(stamped.root, 'notes.md'), '# Notes\n');
    const warned = await runCliAsync(['sign', 'notes.md'], { cwd: stamped.root });
    assert.equal(warned.status, 0, warned.stderr);
    assert.match(warned.stderr, /warning: the signing certificate expired on .*untrusted/);
  });

  it('validityProblem: expired after notAfter, not yet valid before notBefore, nothing inside', () => {
    const pki = testPki();
    const identity = identityFromPem({ key: pki.pem('leaf-rsa.key'), certificates: [{ pem: pki.rsaChain, source: 'chain' }] });
    assert.equal(validityProblem(identity, new Date()), undefined);
    assert.match(validityProblem(identity, new Date('2100-01-01T00:00:00Z')) ?? '', /^expired on /);
    assert.match(validityProblem(identity, new Date('2000-01-01T00:00:00Z')) ?? '', /^is not valid before /);
  });

  it('a corrupt key, a wrong passphrase, PKCS#12 garbage: SIGNING_KEY_INVALID with a hint, no stack, no key material', async (t) => {
    if (!needOpenssl(t)) return;
    const pki = testPki();
    const cases: { label: string; set: (root: string) => NodeJS.ProcessEnv; expect: RegExp; secret?: string }[] = [
      {
        label: 'bad PEM',
        set: (root) => {
          const key = pki.pem('leaf-rsa.key');
          writeFileSync(join(root, '.dev-keys', 'signing-key.pem'), key.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!'));
          return {};
        },
        expect: /not a readable PEM private key/,
      },
      {
        label: 'wrong passphrase',
        set: (root) => {
          const out = spawnSync('openssl', [
            'pkey',
            '-in',
            join(pki.dir, 'leaf-rsa.key'),
            '-aes256',
            '-passout',
            'pass:right-one',
            '-out',
            join(root, '.dev-keys', 'signing-key.pem'),
          ]);
          assert.equal(out.status, 0);
          setSigning(root, { passphrase_env: 'INFRACAST_KEY_PASSPHRASE' });
          return { INFRACAST_KEY_PASSPHRASE: 'wrong-one' };
        },
        expect: /passphrase does not open it/,
        secret: 'wrong-one',
      },
      {
        label: 'PKCS#12 garbage',
        set: (root) => {
          writeFileSync(join(root, '.dev-keys', 'signer.p12'), Buffer.from('MIIJ garbage, not a PFX at all'.repeat(8)));
          setSigning(root, { pkcs12: '.dev-keys/signer.p12', passphrase_env: 'INFRACAST_P12_PASSPHRASE', key: undefined, certificate: undefined });
          return { INFRACAST_P12_PASSPHRASE: 'secret-p12' };
        },
        expect: /not a readable PKCS#12 file/,
        secret: 'secret-p12',
      },
    ];
    for (const c of cases) {
      const { root } = await signingWorkspace({ tsa: false, p7s: false });
      writeFileSync(join(root, 'notes.md'), '# Notes\n');
      const env = c.set(root);
      const result = runCli(['sign', 'notes.md'], { cwd: root, env });
      assert.notEqual(result.status, 0, c.label);
      assert.match(result.stderr, /SIGNING_KEY_INVALID/, `${c.label}: ${result.stderr}`);
      assert.match(result.stderr, c.expect, c.label);
      assert.match(result.stderr, /hint|Use |Check |Set /i, `${c.label}: a hint`);
      assert.doesNotMatch(result.stderr, /^\s+at /m, `${c.label}: no stack trace`);
      // No key material: no base64 of a DER structure, no line of the key file.
      assert.doesNotMatch(result.stderr, /MII[A-Za-z0-9+/]{8}/, `${c.label}: no key material`);
      for (const line of pki
        .pem('leaf-rsa.key')
        .split('\n')
        .filter((l) => /^[A-Za-z0-9+/]{40,}$/.test(l)))
        assert.ok(!result.stderr.includes(line.slice(0, 24)), `${c.label}: no line of the key`);
      if (c.secret) assert.ok(!result.stderr.includes(c.secret), `${c.label}: the passphrase is not echoed`);
    }
  });
});

/** Sets (or, with undefined, removes) signing: keys of the workspace's infracast.yaml. */
function setSigning(root: string, values: Record<string, string | undefined>): void {
  const path = join(root, 'infracast.yaml');
  const config = parseDocument(readFileSync(path, 'utf8'));
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) config.deleteIn(['signing', key]);
    else config.setIn(['signing', key], value);
  }
  writeFileSync(path, config.toString());
}
