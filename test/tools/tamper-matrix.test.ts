/**
 * The tamper matrix (issue: signed reports): for a signed PDF and the signed DOCX, XLSX, Markdown
 * and JSON of examples/acme, at least 200 single-byte flips spread over each file (the PDF's
 * signature hex, its zero padding and its metadata included), appended bytes, truncation, a
 * metadata edit, another report's bundle and a corrupted timestamp token each give `tampered`,
 * and none crashes verify; in the same test the untouched file is `valid`, and an intact file
 * signed by a key nobody trusts is `untrusted`, not `tampered`.
 *
 * `verifyFile` (what `infracast verify` runs) is called in-process: a thousand child processes
 * would take minutes and prove nothing more.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signArtifact, type SigningPlan } from '../../src/app/sign.js';
import { verifyFile } from '../../src/app/verify.js';
import { identityFromPem } from '../../src/signing/keys.js';
import { noBrowserReason } from '../support/pdf.js';
import { runCli } from '../support/cli.js';
import { SIGNED_AT, signedAcme, type SignedAcme } from '../support/signed-acme.js';
import { missingToolsReason } from '../support/tools.js';

// Why these tests cannot run here (the missing browser or tool, named), or false; in CI a missing one fails instead (test/support).
const skipReason = noBrowserReason() || missingToolsReason({ what: 'OpenSSL', candidates: ['openssl'] });
const FLIPS = 200;

interface Target {
  format: string;
  /** The signed file under out/. */
  path: string;
}

/** Flip positions: FLIPS spread evenly over the file, plus the given ones (inside the signature, its padding, the metadata). */
function positions(length: number, extra: number[]): number[] {
  const spread = Array.from({ length: FLIPS }, (_, i) => Math.min(length - 1, Math.floor(((i + 0.5) * length) / FLIPS)));
  return [...new Set([...spread, ...extra.filter((p) => p >= 0 && p < length)])].sort((a, b) => a - b);
}

/** Byte offsets worth flipping in a signed PDF: the CMS hex, its padding, the Info metadata, the ByteRange. */
function pdfLandmarks(pdf: Buffer): number[] {
  const text = pdf.toString('latin1');
  const contents = text.indexOf('/Contents <');
  const hexStart = contents + '/Contents <'.length;
  const hexEnd = text.indexOf('>', hexStart);
  const padding = text.slice(hexStart, hexEnd).search(/0+$/) + hexStart;
  const token = text.indexOf('060b2a864886f70d010910020e', hexStart); // OID id-aa-signatureTimeStampToken, DER, hex
  const tenant = text.indexOf('Acme Corp', text.indexOf('/InfracastTenant') >= 0 ? text.indexOf('/InfracastTenant') : 0);
  const byteRange = text.indexOf('/ByteRange');
  return [
    hexStart,
    hexStart + 1,
    hexStart + 400,
    padding - 1,
    padding,
    padding + 10,
    hexEnd - 1,
    hexEnd,
    token + 300,
    tenant,
    tenant + 5,
    byteRange + 12,
    byteRange + 14,
    contents - 1,
  ];
}

describe('tamper matrix: every change to a signed report is caught', { skip: skipReason }, () => {
  let acme: SignedAcme;
  let dir: string;
  let ca: string;
  const targets: Target[] = [];
  before(async () => {
    acme = await signedAcme();
    assert.equal(acme.first.status, 0, acme.first.stderr);
    dir = mkdtempSync(join(tmpdir(), 'infracast-tamper-'));
    ca = join(acme.pki.dir, 'root.crt');
    targets.push({ format: 'pdf', path: acme.out('soc-2-compliance-report', 'soc-2-compliance-report.pdf') });
    for (const format of ['docx', 'xlsx', 'md', 'json'])
      targets.push({ format, path: acme.out('nist-800-171-gap-analysis', `nist-800-171-gap-analysis.${format}`) });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The file with its sidecars copied into a case folder, with `bytes` as the file's content. */
  function caseOf(target: Target, name: string, bytes: Uint8Array, sidecar?: (ext: string, original: Buffer) => Buffer | undefined): string {
    const folder = join(dir, `${target.format}-${name}`);
    rmSync(folder, { recursive: true, force: true });
    const file = join(folder, basename(target.path));
    mkdirSync(folder, { recursive: true });
    writeFileSync(file, bytes);
    for (const ext of ['.sigstore.json', '.p7s']) {
      if (!existsSync(target.path + ext)) continue;
      const original = readFileSync(target.path + ext);
      const replaced = sidecar?.(ext, original);
      writeFileSync(file + ext, replaced ?? original);
    }
    return file;
  }

  for (const format of ['pdf', 'docx', 'xlsx', 'md', 'json']) {
    it(`${format}: untouched valid; ${FLIPS}+ single-byte flips, appended bytes, truncation, metadata edit, another report's bundle and a corrupted token all tampered`, async () => {
      const target = targets.find((t) => t.format === format)!;
      const original = readFileSync(target.path);
      const untouched = await verifyFile({ file: caseOf(target, 'untouched', original), ca: [ca] });
      assert.equal(untouched.status, 'valid', JSON.stringify(untouched.checks));

      const wrong: string[] = [];
      const expectTampered = async (name: string, bytes: Uint8Array, sidecar?: (ext: string, original: Buffer) => Buffer | undefined): Promise<void> => {
        const report = await verifyFile({ file: caseOf(target, 'case', bytes, sidecar), ca: [ca] });
        if (report.status !== 'tampered' || report.valid || !report.tampered) wrong.push(`${name}: ${report.status}`);
      };

      const flips = positions(original.length, format === 'pdf' ? pdfLandmarks(original) : []);
      assert.ok(flips.length >= FLIPS, `${flips.length} positions`);
      for (const at of flips) {
        const bytes = Buffer.from(original);
        bytes[at] = bytes[at]! ^ (at % 2 === 0 ? 0x01 : 0x20);
        await expectTampered(`flip at ${at}`, bytes);
      }
      await expectTampered('appended bytes', Buffer.concat([original, Buffer.from('\n%%EOF\n')]));
      await expectTampered(
        'appended incremental update',
        Buffer.concat([original, Buffer.from('\n1 0 obj\n<< /InfracastTenant (Evil Corp) >>\nendobj\n%%EOF\n')]),
      );
      await expectTampered('truncated by one byte', original.subarray(0, original.length - 1));
      await expectTampered('truncated to half', original.subarray(0, original.length >> 1));
      const edited = Buffer.from(original.toString('latin1').replace('Acme Corp', 'Acme Corq'), 'latin1');
      if (!edited.equals(original)) await expectTampered('metadata edit (tenant)', edited);
      // Another report's bundle (and .p7s) beside this file.
      const other = targets.find((t) => t.format !== format && t.format !== 'pdf')!;
      await expectTampered("another report's bundle", original, (ext) => (existsSync(other.path + ext) ? readFileSync(other.path + ext) : undefined));
      // The bundle's RFC 3161 token, one byte changed in its middle.
      await expectTampered('corrupted timestamp token (bundle)', original, (ext, sidecar) => {
        if (ext !== '.sigstore.json') return undefined;
        const bundle = JSON.parse(sidecar.toString('utf8')) as {
          verificationMaterial: { timestampVerificationData: { rfc3161Timestamps: { signedTimestamp: string }[] } };
        };
        const stamp = bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0]!;
        const token = Buffer.from(stamp.signedTimestamp, 'base64');
        token[token.length >> 1] = token[token.length >> 1]! ^ 0x01;
        stamp.signedTimestamp = token.toString('base64');
        return Buffer.from(JSON.stringify(bundle));
      });
      if (format === 'pdf') {
        // The embedded token, one hex digit changed well inside it.
        const text = original.toString('latin1');
        const token = text.indexOf('060b2a864886f70d010910020e', text.indexOf('/Contents <'));
        assert.ok(token > 0, 'the PDF signature carries a timestamp token');
        const bytes = Buffer.from(original);
        bytes[token + 600] = bytes[token + 600] === 0x61 ? 0x62 : 0x61;
        await expectTampered('corrupted timestamp token (PDF)', bytes);
      }
      assert.deepEqual(wrong, [], `${wrong.length} of ${flips.length + 8} cases not reported as tampered`);
    });
  }

  it('an intact file signed by a key under a root nobody trusts is untrusted, not tampered', async () => {
    // The same report rendered unsigned, then signed with the other PKI's key (embedded PDF signature, bundle, .p7s).
    const unsigned = runCli(['render', 'reports/nist-800-171-gap.yaml', '--out', 'unsigned-out', '--at', SIGNED_AT], { cwd: acme.root });
    assert.equal(unsigned.status, 0, unsigned.stderr);
    const identity = identityFromPem({ key: acme.pki.pem('other-leaf.key'), certificates: [{ pem: acme.pki.otherChain, source: 'other-leaf.crt' }] });
    const plan: SigningPlan = {
      identity,
      signer: 'compliance@acme.com',
      sigstore: { mode: 'key', tlog: false, fulcioURL: '', rekorURL: '' },
      p7s: true,
      warnings: [],
      fingerprint: 'other',
    };
    for (const format of ['pdf', 'docx', 'xlsx', 'md', 'json']) {
      const name = `nist-800-171-gap-analysis.${format}`;
      const bytes = readFileSync(join(acme.root, 'unsigned-out', 'nist-800-171-gap-analysis', name));
      const facts = { tenant: 'Acme Corp', framework: 'nist-800-171', report_type: 'gap', format, generated_at: SIGNED_AT, report_data_sha256: '0'.repeat(64) };
      const signed = await signArtifact(plan, name, bytes, facts, new Date());
      const folder = join(dir, `other-key-${format}`);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, name), signed.bytes);
      for (const sidecar of signed.sidecars) writeFileSync(join(folder, sidecar.fileName), sidecar.bytes);
      const report = await verifyFile({ file: join(folder, name), ca: [ca] });
      assert.equal(report.status, 'untrusted', `${format}: ${JSON.stringify(report.checks.performed.filter((c) => c.result === 'fail'))}`);
      assert.equal(report.tampered, false);
      assert.equal(report.valid, false);
    }
  });
});
