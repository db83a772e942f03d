/**
 * `infracast keys dev`: the throwaway development key works end to end (sign a file with the
 * workspace's signing: set-up, verify it against the development root), is kept while valid, is
 * never committed, and says what is missing when it cannot be made.
 */
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { MINIMAL_CONFIG, makeWorkspace } from '../support/workspace.js';

const SIGNING = 'signing:\n  key: .dev-keys/signing-key.pem\n  certificate: .dev-keys/signing-cert.pem\n  signer: dev@example.com\n';

/** The PEM certificates of a file, in order. */
const certificates = (file: string): X509Certificate[] =>
  [...readFileSync(file, 'utf8').matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]));

describe('infracast keys dev', () => {
  const root = makeWorkspace({ 'infracast.yaml': `${MINIMAL_CONFIG}${SIGNING}` });
  const keys = join(root, '.dev-keys');
  const made = runCli(['keys', 'dev', '--json'], { cwd: root });

  it("makes a root, a signer chain and its key for the workspace's signing.signer", () => {
    assert.equal(made.status, 0, made.stderr);
    const result = JSON.parse(made.stdout) as { made: boolean; signer: string; configured: boolean; valid_until: string };
    assert.deepEqual([result.made, result.signer, result.configured], [true, 'dev@example.com', true]);
    const [signer, issuing] = certificates(join(keys, 'signing-cert.pem'));
    const [rootCa] = certificates(join(keys, 'dev-root-ca.pem'));
    assert.ok(signer && issuing && rootCa);
    assert.ok(signer.verify(issuing.publicKey) && issuing.verify(rootCa.publicKey) && rootCa.verify(rootCa.publicKey), 'signer <- issuing CA <- root');
    assert.ok(signer.checkIssued(issuing) && issuing.checkIssued(rootCa));
    assert.equal(signer.ca, false);
    assert.equal(issuing.ca, true);
    assert.match(signer.subjectAltName ?? '', /email:dev@example\.com/);
    assert.deepEqual(signer.keyUsage, ['1.3.6.1.5.5.7.3.4', '1.3.6.1.5.5.7.3.36'], 'emailProtection and documentSigning');
    assert.ok(signer.checkPrivateKey(createPrivateKey(readFileSync(join(keys, 'signing-key.pem')))), 'the key is the certificate’s');
    assert.equal(new Date(result.valid_until).getTime(), new Date(signer.validTo).getTime());
  });
  it('the key is readable by its owner only, and the folder ignores itself in git', () => {
    assert.equal(statSync(join(keys, 'signing-key.pem')).mode & 0o777, 0o600);
    assert.equal(statSync(keys).mode & 0o777, 0o700);
    assert.match(readFileSync(join(keys, '.gitignore'), 'utf8'), /^\*$/m);
  });
  it('signs: infracast sign with it, then infracast verify against the development root says valid', () => {
    writeFileSync(join(root, 'note.md'), '# A note\n');
    const signed = runCli(['sign', 'note.md'], { cwd: root });
    assert.equal(signed.status, 0, signed.stderr);
    const verified = runCli(['verify', 'note.md', '--ca', '.dev-keys/dev-root-ca.pem', '--json'], { cwd: root });
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    const result = JSON.parse(verified.stdout) as { valid: boolean; status: string; signed_by: string };
    assert.deepEqual([result.valid, result.status, result.signed_by], [true, 'valid', 'dev@example.com']);
    // And it means something: against another root the same file is untrusted.
    const other = makeWorkspace({ 'infracast.yaml': `${MINIMAL_CONFIG}${SIGNING}` });
    assert.equal(runCli(['keys', 'dev'], { cwd: other }).status, 0);
    const untrusted = runCli(['verify', join(root, 'note.md'), '--ca', join(other, '.dev-keys', 'dev-root-ca.pem'), '--json'], { cwd: root });
    assert.equal(untrusted.status, 1);
    assert.equal((JSON.parse(untrusted.stdout) as { status: string }).status, 'untrusted');
  });
  it('keeps a valid key; --force replaces it', () => {
    const before = readFileSync(join(keys, 'signing-key.pem'), 'utf8');
    const again = runCli(['keys', 'dev'], { cwd: root });
    assert.equal(again.status, 0);
    assert.match(again.stdout, /already holds a development key for dev@example\.com, valid until \d{4}-\d{2}-\d{2} \(--force replaces it\)/);
    assert.equal(readFileSync(join(keys, 'signing-key.pem'), 'utf8'), before);
    assert.equal(runCli(['keys', 'dev', '--force'], { cwd: root }).status, 0);
    assert.notEqual(readFileSync(join(keys, 'signing-key.pem'), 'utf8'), before);
  });
  it('without signing.signer or --email: exit 2 saying what to give; then --email works and prints the signing: block', () => {
    const bare = makeWorkspace({});
    const r = runCli(['keys', 'dev', bare]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no signer e-mail: .*infracast\.yaml has no signing\.signer \[USAGE\]/);
    assert.match(r.stderr, /hint: Give the e-mail the certificate names: infracast keys dev --email/);
    const withEmail = runCli(['keys', 'dev', bare, '--email', 'me@example.org']);
    assert.equal(withEmail.status, 0, withEmail.stderr);
    assert.match(
      withEmail.stdout,
      /signing:\n {6}key: \.dev-keys\/signing-key\.pem\n {6}certificate: \.dev-keys\/signing-cert\.pem\n {6}signer: me@example\.org/,
    );
  });
  it('outside a workspace: exit 1 with the fix', () => {
    const r = runCli(['keys', 'dev', '/']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no infracast\.yaml in this folder or any folder above it \[WORKSPACE_NOT_FOUND\]\n {2}hint: Run `infracast init`/);
  });
});
