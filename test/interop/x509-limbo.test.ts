/**
 * x509-limbo (C2SP/x509-limbo, the path-validation suite pyca/cryptography and Go run): every
 * `rfc5280::` and `pathlen::` case of ../shared/fixtures/x509-limbo through our RFC 5280 validator,
 * compared with the case's expected_result.
 *
 * How the case fields are used:
 * - trusted_certs, untrusted_intermediates, peer_certificate, validation_time (absent: now): as given.
 * - max_chain_depth: the most intermediates that are not self-issued (`maxIntermediates`), as the
 *   cases describe it ("one logical intermediate"; a self-issued repeat does not count).
 * - expected_peer_name: ignored. Document signing has no peer name: the signer's identity is pinned
 *   separately (signer-policy.ts). Cases whose outcome is the TLS server-name match are skipped.
 * - extended_key_usage / key_usage: the path validator is purpose-neutral (the signer policy checks
 *   the leaf's usages for document signing). A case whose outcome is the serverAuth EKU is skipped;
 *   the CLIENT cases ask for clientAuth but test e-mail name constraints, so they run.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { validateCertificatePath } from '../../src/index.js';
import { validatePath } from '../../src/signing/path-validation.js';
import { requireShared } from '../support/shared.js';

interface LimboCase {
  id: string;
  description: string;
  validation_kind: 'SERVER' | 'CLIENT';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  expected_result: 'SUCCESS' | 'FAILURE';
  expected_peer_name: { kind: string; value: string } | null;
  extended_key_usage: string[];
  max_chain_depth: number | null;
}

/** The cases that test what document signing does not do, each with the reason. */
const SKIPPED: Record<string, string> = {
  'rfc5280::eku::ee-wrong-eku': 'serverAuth EKU: the case fails only because the validator is asked for id-kp-serverAuth (TLS server purpose)',
  'rfc5280::ca-as-leaf-wrong-san': 'TLS server name: the path is valid; the case fails only because the SAN is not the expected DNS peer name',
  'rfc5280::san::ip-in-dns':
    'TLS server name: "8.8.8.8" is a well-formed dNSName; the case fails only because the IP peer name is matched against iPAddress SANs',
};

/**
 * The rule each FAILURE case must break, so a case cannot pass for an unrelated reason. Two cases
 * (intermediate-ca-missing-basic-constraints, ica-ku-keycertsign) carry no untrusted intermediate in
 * this compiled fixture, so they end without a path; their rules are covered by the OpenSSL matrix
 * (test/tools/path-validation-oracle.test.ts: CA:FALSE intermediate, missing keyCertSign).
 */
const EXPECTED_RULE: Record<string, string> = {
  'pathlen::intermediate-violates-pathlen-0': 'path-length',
  'pathlen::intermediate-pathlen-too-long': 'path-length',
  'pathlen::max-chain-depth-0-exhausted': 'max-depth',
  'pathlen::max-chain-depth-1-exhausted': 'max-depth',
  'rfc5280::aki::critical-aki': 'extension-criticality',
  'rfc5280::aki::leaf-missing-aki': 'key-identifier',
  'rfc5280::aki::intermediate-missing-aki': 'key-identifier',
  'rfc5280::aki::cross-signed-root-missing-aki': 'key-identifier',
  'rfc5280::eku::ee-eku-empty': 'malformed',
  'rfc5280::nc::permitted-dns-mismatch': 'name-constraints',
  'rfc5280::nc::excluded-dns-match': 'name-constraints',
  'rfc5280::nc::permitted-dns-match-noncritical': 'extension-criticality',
  'rfc5280::nc::excluded-dns-match-second': 'name-constraints',
  'rfc5280::nc::permitted-ip-mismatch': 'name-constraints',
  'rfc5280::nc::excluded-ipv4-match': 'name-constraints',
  'rfc5280::nc::excluded-ipv6-match': 'name-constraints',
  'rfc5280::nc::permitted-dn-mismatch': 'name-constraints',
  'rfc5280::nc::excluded-dn-match': 'name-constraints',
  'rfc5280::nc::permitted-dn-match-subject-san-mismatch': 'name-constraints',
  'rfc5280::nc::excluded-dn-match-sub-mismatch': 'name-constraints',
  'rfc5280::nc::excluded-self-issued-leaf': 'name-constraints',
  'rfc5280::nc::excluded-match-permitted-and-excluded': 'name-constraints',
  'rfc5280::nc::invalid-dnsname-wildcard': 'name-constraints',
  'rfc5280::nc::invalid-dnsname-leading-period': 'name-constraints',
  'rfc5280::nc::invalid-ipv4-address': 'name-constraints',
  'rfc5280::nc::invalid-ipv6-address': 'name-constraints',
  'rfc5280::nc::invalid-email-address': 'name-constraints',
  'rfc5280::nc::not-allowed-in-ee-noncritical': 'extension-criticality',
  'rfc5280::nc::not-allowed-in-ee-critical': 'name-constraints',
  'rfc5280::nc::intermediate-with-san-rejected-by-intermediate-nc': 'name-constraints',
  'rfc5280::nc::intermediate-with-san-rejected-by-root-nc': 'name-constraints',
  'rfc5280::nc::restrictive-permits-in-intermediates-narrows': 'name-constraints',
  'rfc5280::nc::restrictive-permits-in-intermediates-widens': 'name-constraints',
  'rfc5280::nc::nc-permits-invalid-dns-san': 'subject-alt-name',
  'rfc5280::nc::nc-permits-invalid-ip-san': 'subject-alt-name',
  'rfc5280::nc::nc-permits-invalid-email-san': 'subject-alt-name',
  'rfc5280::nc::nc-permits-email-literal-asterisk-rejects-user': 'name-constraints',
  'rfc5280::nc::nc-permits-email-literal-asterisk-rejects-subdomain': 'name-constraints',
  'rfc5280::nc::nc-permits-email-literal-double-asterisk-rejects-single': 'name-constraints',
  'rfc5280::nc::nc-forbids-othername': 'name-constraints',
  'rfc5280::nc::nc-forbids-dnsname-wildcard-san': 'name-constraints',
  'rfc5280::pc::ica-noncritical-pc': 'extension-criticality',
  'rfc5280::san::malformed': 'malformed',
  'rfc5280::san::noncritical-with-empty-subject': 'subject-alt-name',
  'rfc5280::san::underscore-dns': 'subject-alt-name',
  'rfc5280::serial::too-long': 'serial-number',
  'rfc5280::serial::zero': 'serial-number',
  'rfc5280::serial::negative': 'serial-number',
  'rfc5280::ski::critical-ski': 'extension-criticality',
  'rfc5280::ski::root-missing-ski': 'key-identifier',
  'rfc5280::ski::intermediate-missing-ski': 'key-identifier',
  'rfc5280::validity::expired-root': 'validity',
  'rfc5280::validity::expired-intermediate': 'validity',
  'rfc5280::validity::expired-leaf': 'validity',
  'rfc5280::validity::notbefore-fractional': 'validity',
  'rfc5280::validity::expired-1-second': 'validity',
  'rfc5280::validity::expired-5-seconds': 'validity',
  'rfc5280::validity::not-yet-valid-1-second': 'validity',
  'rfc5280::validity::not-yet-valid-5-seconds': 'validity',
  'rfc5280::ee-empty-issuer': 'empty-name',
  'rfc5280::ca-empty-subject': 'empty-name',
  'rfc5280::unknown-critical-extension-ee': 'unknown-critical-extension',
  'rfc5280::unknown-critical-extension-root': 'unknown-critical-extension',
  'rfc5280::unknown-critical-extension-intermediate': 'unknown-critical-extension',
  'rfc5280::chain-untrusted-root': 'no-path',
  'rfc5280::intermediate-ca-without-ca-bit': 'key-cert-sign',
  'rfc5280::intermediate-ca-missing-basic-constraints': 'no-path',
  'rfc5280::root-missing-basic-constraints': 'key-cert-sign',
  'rfc5280::root-non-critical-basic-constraints': 'basic-constraints',
  'rfc5280::root-inconsistent-ca-extensions': 'key-cert-sign',
  'rfc5280::ica-ku-keycertsign': 'no-path',
  'rfc5280::leaf-ku-keycertsign': 'key-cert-sign',
  'rfc5280::ee-critical-aia-invalid': 'extension-criticality',
  'rfc5280::duplicate-extensions': 'malformed',
  'rfc5280::mismatching-signature-algorithm': 'signature',
};

const FIXTURE = 'fixtures/x509-limbo/limbo-rfc5280-pathlen.json';

test('x509-limbo: rfc5280 and pathlen cases through the path validator', async (t) => {
  const path = requireShared(t, FIXTURE);
  if (!path) return;
  const cases = (JSON.parse(readFileSync(path, 'utf8')) as { testcases: LimboCase[] }).testcases;
  assert.equal(cases.length, 115, 'the fixture holds the 115 cases PROVENANCE.md describes');
  const counts = { run: 0, pass: 0, skipped: 0 };
  const mismatches: string[] = [];
  for (const c of cases) {
    await t.test(c.id, async (st) => {
      const reason = SKIPPED[c.id];
      if (reason) {
        counts.skipped++;
        st.skip(reason);
        return;
      }
      counts.run++;
      const result = await validatePath({
        leaf: c.peer_certificate,
        intermediates: c.untrusted_intermediates,
        roots: c.trusted_certs,
        time: c.validation_time ? new Date(c.validation_time) : new Date(),
        ...(c.max_chain_depth !== null ? { maxIntermediates: c.max_chain_depth } : {}),
      });
      const got = result.valid ? 'SUCCESS' : 'FAILURE';
      if (got === c.expected_result && (result.valid || result.rule === EXPECTED_RULE[c.id])) counts.pass++;
      else mismatches.push(`${c.id}: expected ${c.expected_result}, got ${got}${result.valid ? '' : ` (${result.rule}: ${result.detail})`}`);
      assert.equal(got, c.expected_result, result.valid ? 'valid' : `${result.rule}: ${result.detail} [${result.certificate}]`);
      if (!result.valid) assert.equal(result.rule, EXPECTED_RULE[c.id], `${c.id}: ${result.detail}`);
    });
  }
  const byReason = new Map<string, number>();
  for (const reason of Object.values(SKIPPED)) byReason.set(reason.split(':')[0]!, (byReason.get(reason.split(':')[0]!) ?? 0) + 1);
  const reasons = [...byReason].map(([reason, n]) => `${n} ${reason}`).join(', ');
  t.diagnostic(`x509-limbo: ${counts.run} run, ${counts.pass} pass, ${counts.skipped} skipped (${reasons})`);
  assert.deepEqual(mismatches, []);
  assert.equal(counts.run + counts.skipped, cases.length);
});

test('x509-limbo: the library API (validateCertificatePath) gives the validator’s answer', async (t) => {
  const path = requireShared(t, FIXTURE);
  if (!path) return;
  const cases = (JSON.parse(readFileSync(path, 'utf8')) as { testcases: LimboCase[] }).testcases;
  for (const id of ['pathlen::ee-with-intermediate-pathlen-0', 'pathlen::intermediate-violates-pathlen-0']) {
    const c = cases.find((x) => x.id === id)!;
    const input = { leaf: c.peer_certificate, intermediates: c.untrusted_intermediates, roots: c.trusted_certs, time: new Date() };
    const result = await validateCertificatePath(input);
    assert.deepEqual(result, await validatePath(input));
    assert.equal(result.valid, c.expected_result === 'SUCCESS', id);
  }
});
