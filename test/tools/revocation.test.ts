/**
 * Revocation checking and PAdES B-LT against real services on 127.0.0.1 (issue 13): CRLs made by
 * `openssl ca -gencrl` and served over HTTP, two `openssl ocsp` responders, a loopback RFC 3161 TSA
 * (test/support/revocation-pki.ts). Oracles: `openssl ocsp` against the same responder, `openssl
 * verify -crl_check` with the same CRL, `pdfsig` and `qpdf --check` on the B-LT PDF.
 *
 * The rule under test (src/signing/revocation.ts): revoked at or before the trusted (RFC 3161) signing
 * time is untrusted; revoked after it is untrusted for keyCompromise, and leaves the status as it was
 * for other reasons (superseded); with no trusted time any revocation is untrusted; no data at hand and
 * no service reachable leaves the status as it was with `not-checked` and the reason.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it, type TestContext } from 'node:test';
import { signArtifact, type SigningPlan } from '../../src/app/sign.js';
import { revocationFetcher } from '../../src/app/revocation-fetch.js';
import { verifyFile } from '../../src/app/verify.js';
import { isInfracastError } from '../../src/errors.js';
import { identityFromPem } from '../../src/signing/keys.js';
import { addTimestampToken, signatureValue, signDetached } from '../../src/signing/cms.js';
import { verifyDetachedCms } from '../../src/signing/cms-verify.js';
import { readDss, signatureContents, vriKey } from '../../src/signing/pdf-dss.js';
import { verifyPdf } from '../../src/signing/pdf-verify.js';
import type { RevocationSources } from '../../src/signing/revocation.js';
import { requestTimestamp } from '../../src/signing/tsa.js';
import type { Verification } from '../../src/signing/verification.js';
import { firstBerValue } from '../support/foreign-signature.js';
import { binPath } from '../support/paths.js';
import { loopbackTsa, type LoopbackTsa } from '../support/pki.js';
import { revocationPki, type RevocationPki } from '../support/revocation-pki.js';
import { findTool, requireTool } from '../support/tools.js';

const openssl = (pki: RevocationPki, args: string[]): string => {
  const result = spawnSync('openssl', args, { cwd: pki.dir, encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`;
};

interface Signed {
  cms: Uint8Array;
  data: Uint8Array;
}

/** A detached CMS by `name`'s key over fresh bytes, with an RFC 3161 token unless `timestamped` is false. */
async function signWith(pki: RevocationPki, tsa: LoopbackTsa, name: string, timestamped = true): Promise<Signed> {
  const data = randomBytes(256);
  let cms = await signDetached({ data, key: pki.pem(`${name}.key`), chain: pki.pem(`${name}.crt`) + pki.pem('chain.pem') });
  if (timestamped) cms = addTimestampToken(cms, (await requestTimestamp(signatureValue(cms), { url: tsa.url })).token);
  return { cms, data };
}

/** The CLI as a child process, without blocking this process (it serves the CRLs). */
function cli(args: string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const online = (): RevocationSources => ({ fetch: revocationFetcher() });
const verify = (pki: RevocationPki, signed: Signed, sources: RevocationSources): Promise<Verification> =>
  verifyDetachedCms(signed.cms, signed.data, { caPem: pki.pem('root.crt'), revocation: sources });
const failures = (v: Verification) => JSON.stringify(v.checks.filter((c) => c.result !== 'pass'));
const leafOf = (v: Verification) => v.revocation?.[0];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An unsigned one-page PDF, saved as the renderer saves (no object streams). */
async function blankPdf(): Promise<Uint8Array> {
  const lib = await import('@cantoo/pdf-lib');
  const doc = await lib.PDFDocument.create();
  const page = doc.addPage([612, 792]);
  page.drawText('Long-term validation test report', { x: 54, y: 720, size: 14, font: await doc.embedFont(lib.StandardFonts.Helvetica) });
  return doc.save({ useObjectStreams: false });
}

function ltvPlan(pki: RevocationPki, tsa: LoopbackTsa, name: string, allowedHosts = ['127.0.0.1']): SigningPlan {
  return {
    identity: identityFromPem({ key: pki.pem(`${name}.key`), certificates: [{ pem: pki.pem(`${name}.crt`) + pki.pem('chain.pem'), source: `${name}.crt` }] }),
    signer: 'compliance@acme.com',
    tsa: { url: tsa.url, timeoutMs: 15_000 },
    padesLevel: 'B-LT',
    network: { allow: true, allowedHosts },
    sigstore: { mode: 'off', tlog: false, fulcioURL: '', rekorURL: '' },
    p7s: false,
    warnings: [],
    fingerprint: 'ltv-test',
  };
}

const FACTS = {
  tenant: 'Acme Corp',
  framework: null,
  report_type: 'file',
  format: 'pdf',
  generated_at: '2026-12-06T00:00:00Z',
  report_data_sha256: '0'.repeat(64),
};

/** The first revision's signature: its CMS and the bytes its ranges cover (what verifyPdf hands to cms-verify). */
function firstSignature(pdf: Uint8Array): Signed {
  const text = Buffer.from(pdf).toString('latin1');
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text)!;
  const [, a, b, tail] = m.slice(1).map(Number) as [number, number, number, number];
  return { cms: firstBerValue(Buffer.from(text.slice(a + 1, b - 1), 'hex')), data: Buffer.concat([pdf.subarray(0, a), pdf.subarray(b, b + tail)]) };
}

describe('revocation: CRL and OCSP from real responders on 127.0.0.1', { concurrency: false }, () => {
  let pki: RevocationPki;
  let tsa: LoopbackTsa;
  let skip: string | undefined;
  /** The B-LT PDF whose signer has expired by the time the last test runs (servers stopped). */
  let expiredPdf: string | undefined;
  before(async () => {
    if (!findTool('openssl')) {
      skip = 'openssl is not installed';
      return;
    }
    pki = await revocationPki();
    tsa = await loopbackTsa(pki);
  });
  const ready = (t: TestContext): boolean => {
    if (skip) requireTool(t, 'OpenSSL', 'openssl');
    return !skip;
  };

  it('a good signer, by OCSP: valid, each certificate good; openssl ocsp agrees', async (t) => {
    if (!ready(t)) return;
    await pki.issue('good-ocsp', { names: 'ocsp' });
    const v = await verify(pki, await signWith(pki, tsa, 'good-ocsp'), online());
    assert.equal(v.status, 'valid', failures(v));
    assert.deepEqual(
      v.revocation?.map((c) => [c.status, c.source, c.from]),
      [
        ['good', 'ocsp', 'network'],
        ['good', 'ocsp', 'network'],
      ],
    );
    const oracle = openssl(pki, ['ocsp', '-issuer', 'inter.crt', '-cert', 'good-ocsp.crt', '-url', pki.urls.interOcsp, '-CAfile', 'root.crt']);
    assert.match(oracle, /Response verify OK/);
    assert.match(oracle, /good-ocsp\.crt: good/);

    // The same answers saved by openssl (-respout) and given to `verify --ocsp`, offline, for a .p7s.
    openssl(pki, ['ocsp', '-issuer', 'inter.crt', '-cert', 'good-ocsp.crt', '-url', pki.urls.interOcsp, '-respout', 'good-ocsp.ocsp']);
    openssl(pki, ['ocsp', '-issuer', 'root.crt', '-cert', 'inter.crt', '-url', pki.urls.rootOcsp, '-respout', 'inter.ocsp']);
    const signed = await signWith(pki, tsa, 'good-ocsp');
    writeFileSync(join(pki.dir, 'good.txt'), signed.data);
    writeFileSync(join(pki.dir, 'good.txt.p7s'), signed.cms);
    const report = await verifyFile({ file: 'good.txt', cwd: pki.dir, ca: ['root.crt'], ocsp: ['good-ocsp.ocsp', 'inter.ocsp'] });
    assert.equal(report.status, 'valid', report.checks.revocation_detail);
    assert.equal(report.checks.revocation, 'good');
    assert.deepEqual(
      report.checks.revocation_certificates.map((c) => [c.signature, c.status, c.source, c.from]),
      [
        ['p7s', 'good', 'ocsp', 'file'],
        ['p7s', 'good', 'ocsp', 'file'],
      ],
    );

    // The command: offline by default (not-checked, and why), --online asks the responders.
    const offline = await cli(['verify', 'good.txt', '--ca', 'root.crt'], pki.dir);
    assert.equal(offline.status, 0, offline.stderr);
    assert.deepEqual(Object.keys(JSON.parse(offline.stdout).checks), ['revocation', 'revocation_detail']);
    assert.equal(JSON.parse(offline.stdout).checks.revocation, 'not-checked');
    const fetched = await cli(['verify', 'good.txt', '--ca', 'root.crt', '--online'], pki.dir);
    assert.equal(fetched.status, 0, fetched.stderr);
    assert.equal(JSON.parse(fetched.stdout).checks.revocation, 'good', fetched.stdout);
  });

  it('a good signer, by CRL: valid, the leaf good from the CRL; openssl verify -crl_check agrees', async (t) => {
    if (!ready(t)) return;
    await pki.issue('good-crl', { names: 'crl' });
    const v = await verify(pki, await signWith(pki, tsa, 'good-crl'), online());
    assert.equal(v.status, 'valid', failures(v));
    assert.deepEqual([leafOf(v)?.status, leafOf(v)?.source], ['good', 'crl']);
    const crl = await revocationFetcher()(pki.urls.interCrl);
    writeFileSync(join(pki.dir, 'inter-now.crl'), crl);
    openssl(pki, ['crl', '-inform', 'DER', '-in', 'inter-now.crl', '-out', 'inter-now.crl.pem']);
    const oracle = openssl(pki, ['verify', '-crl_check', '-CRLfile', 'inter-now.crl.pem', '-CAfile', 'root.crt', '-untrusted', 'inter.crt', 'good-crl.crt']);
    assert.match(oracle, /good-crl\.crt: OK/);
  });

  it('revoked before the signing time (even superseded): untrusted, by OCSP and by CRL; the oracles say revoked', async (t) => {
    if (!ready(t)) return;
    await pki.issue('early', { names: 'both' });
    await pki.revoke('early', 'superseded');
    await sleep(1100);
    const signed = await signWith(pki, tsa, 'early');
    const v = await verify(pki, signed, online());
    assert.equal(v.status, 'untrusted');
    assert.equal(leafOf(v)?.status, 'revoked');
    assert.equal(leafOf(v)?.reason, 'superseded');
    assert.match(v.checks.at(-1)!.detail!, /before the trusted signing time/);
    // CRL alone gives the same answer.
    const crl = await revocationFetcher()(pki.urls.interCrl);
    const byCrl = await verify(pki, signed, { crls: [{ der: crl, from: 'file' }] });
    assert.equal(byCrl.status, 'untrusted');
    assert.equal(leafOf(byCrl)?.source, 'crl');
    assert.match(
      openssl(pki, ['ocsp', '-issuer', 'inter.crt', '-cert', 'early.crt', '-url', pki.urls.interOcsp, '-CAfile', 'root.crt']),
      /early\.crt: revoked/,
    );
    writeFileSync(join(pki.dir, 'early.crl'), crl);
    openssl(pki, ['crl', '-inform', 'DER', '-in', 'early.crl', '-out', 'early.crl.pem']);
    assert.match(
      openssl(pki, ['verify', '-crl_check', '-CRLfile', 'early.crl.pem', '-CAfile', 'root.crt', '-untrusted', 'inter.crt', 'early.crt']),
      /certificate revoked/,
    );
    // `verify --crl` with the PEM CRL openssl wrote, offline, for a .p7s: revoked, untrusted.
    writeFileSync(join(pki.dir, 'early.txt'), signed.data);
    writeFileSync(join(pki.dir, 'early.txt.p7s'), signed.cms);
    const report = await verifyFile({ file: 'early.txt', cwd: pki.dir, ca: ['root.crt'], crl: ['early.crl.pem'] });
    assert.equal(report.status, 'untrusted');
    assert.equal(report.checks.revocation, 'revoked');
    assert.deepEqual(
      report.checks.revocation_certificates.map((c) => [c.status, c.source, c.from, c.reason]),
      [
        ['revoked', 'crl', 'file', 'superseded'],
        // The issuing CA: no data for it was given, and verify is offline.
        ['not-checked', undefined, undefined, undefined],
      ],
    );
  });

  it('revoked after the signing time for keyCompromise: untrusted; for superseded: valid, reported revoked', async (t) => {
    if (!ready(t)) return;
    await pki.issue('compromised');
    await pki.issue('superseded');
    const compromised = await signWith(pki, tsa, 'compromised');
    const superseded = await signWith(pki, tsa, 'superseded');
    await sleep(1100);
    await pki.revoke('compromised', 'keyCompromise');
    await pki.revoke('superseded', 'superseded');
    const a = await verify(pki, compromised, online());
    assert.equal(a.status, 'untrusted');
    assert.match(a.checks.at(-1)!.detail!, /after the trusted signing time .* compromised key/);
    const b = await verify(pki, superseded, online());
    assert.equal(b.status, 'valid', failures(b));
    assert.deepEqual([leafOf(b)?.status, leafOf(b)?.reason], ['revoked', 'superseded']);
    assert.ok(Date.parse(leafOf(b)!.revoked_at!) > Date.parse(b.signed_at!), 'revoked after the RFC 3161 time');
    // Without a trusted time, the same revocation counts.
    await pki.issue('untimed');
    const untimed = await signWith(pki, tsa, 'untimed', false);
    await pki.revoke('untimed', 'superseded');
    const c = await verify(pki, untimed, online());
    assert.equal(c.status, 'untrusted');
    assert.match(c.checks.at(-1)!.detail!, /without a trusted signing time/);
  });

  it('no responder reachable: the status stays valid and revocation is not-checked, saying why', async (t) => {
    if (!ready(t)) return;
    await pki.issue('lonely', { names: 'unreachable' });
    const signed = await signWith(pki, tsa, 'lonely');
    const v = await verify(pki, signed, online());
    assert.equal(v.status, 'valid', failures(v));
    assert.equal(leafOf(v)?.status, 'not-checked');
    assert.match(leafOf(v)!.detail, /OCSP http:\/\/127\.0\.0\.1:\d+\/: unreachable .*CRL http:\/\/127\.0\.0\.1:\d+\/inter\.crl: unreachable/);
    // Offline (the default of verify) says so too.
    const offline = await verify(pki, signed, {});
    assert.equal(offline.status, 'valid');
    assert.match(leafOf(offline)!.detail, /network is not allowed/);
  });

  it('B-LT signing fails with exit 3 when the data cannot be had (host not allowed, responder unreachable); B-B has no timestamp', async (t) => {
    if (!ready(t)) return;
    const pdf = await blankPdf();
    await assert.rejects(signArtifact(ltvPlan(pki, tsa, 'good-ocsp', ['tsa.example.com']), 'r.pdf', pdf, FACTS, new Date()), (error: unknown) => {
      assert.ok(isInfracastError(error));
      assert.equal(error.code, 'SIGNING_VALIDATION_DATA_UNAVAILABLE');
      assert.equal(error.exitCode, 3);
      assert.match(error.message, /127\.0\.0\.1 is not in network\.allowed_hosts/);
      return true;
    });
    await assert.rejects(signArtifact(ltvPlan(pki, tsa, 'lonely'), 'r.pdf', pdf, FACTS, new Date()), /Acme Compliance lonely .*no usable revocation data/);
    // B-B with a TSA configured: the PDF signature carries no timestamp (the TSA still serves bundles and .p7s).
    const plain = (await signArtifact({ ...ltvPlan(pki, tsa, 'good-ocsp'), padesLevel: 'B-B' }, 'b.pdf', pdf, FACTS, new Date())).bytes;
    const v = await verify(pki, firstSignature(plain), {});
    assert.equal(v.status, 'valid', failures(v));
    assert.equal(v.checks.find((c) => c.name === 'timestamp')?.result, 'skipped');
    assert.equal(await readDss(plain), undefined);
  });

  it('pades_level B-LTA: signature, DSS, then a document timestamp over all of it; valid at PAdES-B-LTA, pdfsig lists both', async (t) => {
    if (!ready(t)) return;
    await pki.issue('lta');
    const plan: SigningPlan = { ...ltvPlan(pki, tsa, 'lta'), padesLevel: 'B-LTA' };
    const lta = (await signArtifact(plan, 'lta.pdf', await blankPdf(), FACTS, new Date())).bytes;
    assert.ok(await readDss(lta), 'the B-LT step ran first');
    const v = await verifyPdf(lta, { caPem: pki.pem('root.crt') });
    assert.equal(v.status, 'valid', failures(v));
    assert.equal(v.profile?.baseline, 'PAdES-B-LTA', JSON.stringify(v.profile));
    assert.deepEqual(
      v.signatures?.map((s) => [s.kind, s.status]),
      [
        ['signature', 'valid'],
        ['document-timestamp', 'valid'],
      ],
    );
    if (findTool('pdfsig')) {
      const file = join(pki.dir, 'lta.pdf');
      writeFileSync(file, lta);
      const out = spawnSync('pdfsig', [file], { encoding: 'utf8' }).stdout;
      assert.match(out, /Signature #1:/);
      assert.match(out, /Signature #2:/);
      // poppler 22.12 lists a document timestamp ("Signature Type: unknown") but cannot validate one.
      assert.match(out, /Signature #2:\n {2}- Signature Field Name: InfracastDocumentTimestamp\n[\s\S]*Total document signed/);
    } else requireTool(t, 'poppler pdfsig', 'pdfsig');
  });

  it('a B-LT PDF: DSS with chains, CRLs, OCSPs and VRI; pdfsig and qpdf accept it; verified offline later, also after the signer expired', async (t) => {
    if (!ready(t)) return;
    await pki.issue('ltv');
    // A signer whose certificate expires a few seconds from now.
    const end = new Date(Date.now() + 8_000);
    await pki.issue('short', { endDate: end.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z' });
    const pdf = await blankPdf();
    const ltv = (await signArtifact(ltvPlan(pki, tsa, 'ltv'), 'ltv.pdf', pdf, FACTS, new Date())).bytes;
    const short = (await signArtifact(ltvPlan(pki, tsa, 'short'), 'short.pdf', pdf, FACTS, new Date())).bytes;
    const dir = join(pki.dir, 'pdfs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ltv.pdf'), ltv);
    writeFileSync(join(dir, 'short.pdf'), short);
    expiredPdf = join(dir, 'short.pdf');

    const dss = await readDss(ltv);
    assert.ok(dss, 'a DSS');
    // leaf, issuing CA, root, TSA (the CMS and the token carry the chain); OCSP and CRL for leaf, CA and TSA.
    assert.equal(dss.certs.length, 4);
    assert.ok(dss.ocsps.length >= 3 && dss.crls.length >= 2, `${dss.ocsps.length} OCSPs, ${dss.crls.length} CRLs`);
    const contents = signatureContents(ltv)[0]!;
    assert.deepEqual(dss.vri, [createHash('sha1').update(contents).digest('hex').toUpperCase()]);
    assert.equal(vriKey(contents), dss.vri[0]);

    if (findTool('qpdf')) {
      const check = spawnSync('qpdf', ['--check', join(dir, 'ltv.pdf')], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /No syntax or stream encoding errors found/);
    } else requireTool(t, 'qpdf', 'qpdf');
    if (findTool('pdfsig') && findTool('certutil')) {
      const nss = join(pki.dir, 'nssdb');
      mkdirSync(nss, { recursive: true });
      spawnSync('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
      spawnSync('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'ltv-root', '-t', 'CT,C,C', '-i', join(pki.dir, 'root.crt')]);
      const out = spawnSync('pdfsig', ['-nssdir', nss, join(dir, 'ltv.pdf')], { encoding: 'utf8' }).stdout;
      assert.match(out, /Signature Validation: Signature is Valid\./);
      assert.match(out, /Certificate Validation: Certificate is Trusted\./);
    } else requireTool(t, 'poppler pdfsig and NSS certutil', 'pdfsig');

    // Years later: no service answers any more.
    await pki.stop();
    const fetched: string[] = [];
    await sleep(Math.max(0, end.getTime() - Date.now() + 1_500));
    assert.match(openssl(pki, ['verify', '-CAfile', 'root.crt', '-untrusted', 'inter.crt', 'short.crt']), /certificate has expired/);
    for (const [name, file] of [
      ['ltv', ltv],
      ['short', short],
    ] as const) {
      const fromDss = await readDss(file);
      const sources: RevocationSources = {
        crls: fromDss!.crls.map((der) => ({ der, from: 'dss' as const })),
        ocsps: fromDss!.ocsps.map((der) => ({ der, from: 'dss' as const })),
        certs: fromDss!.certs,
        // Allowed, and recorded: the DSS must make it unnecessary.
        fetch: (url, request) => {
          fetched.push(url);
          return revocationFetcher()(url, request);
        },
      };
      const v = await verify(pki, firstSignature(file), sources);
      assert.equal(v.status, 'valid', `${name}: ${failures(v)}`);
      assert.deepEqual(
        v.revocation?.map((c) => [c.status, c.from]),
        [
          ['good', 'dss'],
          ['good', 'dss'],
        ],
        name,
      );
    }
    assert.deepEqual(fetched, [], 'nothing was fetched: the DSS sufficed');
  });

  it("the whole verify of the expired signer's B-LT file, offline: valid, revocation good from the DSS", async (t) => {
    if (!ready(t)) return;
    assert.ok(expiredPdf, 'the B-LT test above made the file');
    const report = await verifyFile({ file: expiredPdf, ca: [join(pki.dir, 'root.crt')] });
    assert.equal(report.status, 'valid', JSON.stringify(report.checks));
    assert.equal(report.signed_at_source, 'rfc3161');
    assert.equal(report.checks.revocation, 'good', report.checks.revocation_detail);
    assert.deepEqual(
      report.checks.revocation_certificates.map((c) => [c.signature, c.status, c.from]),
      [
        ['pdf', 'good', 'dss'],
        ['pdf', 'good', 'dss'],
      ],
    );
  });
});
