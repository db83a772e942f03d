/**
 * PDFs with several signatures and revisions (issue 13): a countersignature and a document timestamp
 * added as incremental updates verify, each reported with its field, signer, revision and profile;
 * updates that change what was signed (a page's content, an added annotation, the Info dictionary)
 * make the signatures of the revisions before them `tampered`, naming the revision; a DSS-only update
 * is accepted. Oracles: poppler's `pdfsig` (NSS trusting only the test root), `qpdf --check`, and
 * `openssl ts -verify` for the document timestamp's token over the byte ranges.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type * as PdfLibModule from '@cantoo/pdf-lib';
import { addDocumentTimestamp, appendExternalSignature, countersignPdf } from '../../src/signing/pdf-update.js';
import { signPdf, verifyPdf } from '../../src/signing/pdf.js';
import type { Verification } from '../../src/signing/verification.js';
import { firstBerValue } from '../support/foreign-signature.js';
import { CLAIMED, METADATA, setUpSigning } from '../support/pdf-signing.js';
import { runCli } from '../support/cli.js';
import { loopbackTsa, nssDb, type Pki } from '../support/pki.js';

const setUp = (t: TestContext, ...tools: ('pdfsig' | 'qpdf')[]): Pki | undefined =>
  setUpSigning(t, ...tools, ...(tools.includes('pdfsig') ? (['certutil'] as const) : []));

async function samplePdf(): Promise<Uint8Array> {
  const lib = await import('@cantoo/pdf-lib');
  const doc = await lib.PDFDocument.create();
  const font = await doc.embedFont(lib.StandardFonts.Helvetica);
  for (let page = 1; page <= 2; page++) doc.addPage([612, 792]).drawText(`Page ${page}: finding recorded, owner assigned.`, { x: 54, y: 700, size: 11, font });
  return doc.save();
}

/** The sample signed with the RSA test signer, time-stamped by `tsaUrl` when given. */
async function signSample(p: Pki, tsaUrl?: string): Promise<Uint8Array> {
  const timestamp = tsaUrl ? { timestamp: { url: tsaUrl } } : {};
  return signPdf({ pdf: await samplePdf(), key: p.pem('leaf-rsa.key'), chain: p.rsaChain, metadata: METADATA, claimedAt: CLAIMED, ...timestamp });
}

const run = (p: Pki, command: string, args: string[]) => {
  const result = spawnSync(command, args, { cwd: p.dir, encoding: 'utf8' });
  return { status: result.status, out: result.stdout + result.stderr };
};
function pdfsig(p: Pki, name: string, pdf: Uint8Array): string {
  writeFileSync(join(p.dir, name), pdf);
  // pdfsig exits 0 for "Digest Mismatch" and "Invalid" too: only the text says what it found.
  return run(p, 'pdfsig', ['-nssdir', nssDb(p), name]).out;
}
/** pdfsig's blocks, one per signature. */
const blocks = (out: string): string[] => out.split(/^Signature #\d+:$/m).slice(1);

const failed = (v: Verification): string[] => v.checks.filter((c) => c.result === 'fail').map((c) => c.name);

/** An incremental update made by pdf-lib itself (an independent writer): `edit` changes the loaded document. */
async function pdfLibUpdate(pdf: Uint8Array, edit: (lib: typeof PdfLibModule, doc: PdfLibModule.PDFDocument) => void | Promise<void>): Promise<Uint8Array> {
  const lib = await import('@cantoo/pdf-lib');
  const doc = await lib.PDFDocument.load(pdf, { forIncrementalUpdate: true, updateMetadata: false });
  await edit(lib, doc);
  return doc.commit({ useObjectStreams: false });
}

/**
 * An incremental update written by hand: `objects` (number -> body) appended with a cross-reference
 * table and a trailer continuing the last one (/Root, /Info, /Size, /Prev). pdf-lib's own incremental
 * save also rewrites page 1's content on the way (it wraps it in q/Q streams), so a pure annotation
 * or a pure object edit needs this.
 */
function rawUpdate(pdf: Uint8Array, objects: Record<number, string | null>, trailerExtra = ''): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const prev = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1];
  const trailer = text.slice(text.lastIndexOf('trailer'));
  const entry = (key: string) => new RegExp(`/${key} (\\d+ \\d+ R|\\d+)`).exec(trailer)![1];
  let update = '\n';
  const offsets: [number, number][] = [];
  for (const [num, body] of Object.entries(objects)) {
    // null: a free entry (the object deleted).
    offsets.push([Number(num), body === null ? -1 : pdf.length + update.length]);
    if (body !== null) update += `${num} 0 obj\n${body}\nendobj\n`;
  }
  const xref = pdf.length + update.length;
  update +=
    'xref\n0 1\n0000000000 65535 f \n' +
    offsets.map(([n, o]) => (o < 0 ? `${n} 1\n0000000000 00001 f \n` : `${n} 1\n${String(o).padStart(10, '0')} 00000 n \n`)).join('');
  const size = Math.max(Number(entry('Size')), ...offsets.map(([n]) => n + 1));
  update += `trailer\n<< /Size ${size} /Root ${entry('Root')} /Info ${entry('Info')} /Prev ${prev} ${trailerExtra}>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(update, 'latin1')]);
}

/** Object `num`'s text as the file last defines it (plain objects only). */
function objectText(pdf: Uint8Array, num: number): string {
  const text = Buffer.from(pdf).toString('latin1');
  const start = text.lastIndexOf(`\n${num} 0 obj`);
  return text.slice(text.indexOf('obj', start) + 3, text.indexOf('endobj', start)).trim();
}

describe('PDF revisions: countersignatures, document timestamps and incremental updates', () => {
  it('a countersignature added as an incremental update: pdfsig shows both valid, qpdf clean, verifyPdf reports both', async (t) => {
    const p = setUp(t, 'pdfsig', 'qpdf');
    if (!p) return;
    const tsa = await loopbackTsa(p);
    const signed = await signSample(p, tsa.url);
    const both = await countersignPdf({
      pdf: signed,
      key: p.pem('leaf-ec.key'),
      chain: p.ecChain,
      claimedAt: new Date('2026-01-16T09:00:00Z'),
      fieldName: 'Approval',
      timestamp: { url: tsa.url },
    });
    assert.ok(Buffer.from(both.subarray(0, signed.length)).equals(Buffer.from(signed)), 'the first revision is unchanged');

    const sig = pdfsig(p, 'countersigned.pdf', both);
    const [first, second] = blocks(sig);
    assert.equal(blocks(sig).length, 2, sig);
    assert.match(first!, /Signature Validation: Signature is Valid\./, sig);
    assert.match(first!, /Certificate Validation: Certificate is Trusted\./, sig);
    assert.match(first!, /Not total document signed/, 'the first signature covers its revision only');
    assert.match(second!, /Signer Certificate Common Name: Acme Compliance EC/, sig);
    assert.match(second!, /Signature Validation: Signature is Valid\./, sig);
    assert.match(second!, /Total document signed/, sig);
    const qpdf = run(p, 'qpdf', ['--check', 'countersigned.pdf']);
    assert.equal(qpdf.status, 0, qpdf.out);

    const v = await verifyPdf(both, { caPem: p.pem('root.crt') });
    assert.equal(v.status, 'valid', JSON.stringify(v.checks));
    assert.deepEqual(failed(v), []);
    assert.equal(v.tenant, 'acme', 'metadata from the first signed revision');
    assert.equal(v.signed_by, 'compliance@acme.com');
    assert.deepEqual(
      v.signatures!.map((s) => [s.field, s.kind, s.subfilter, s.status, s.revision, s.profile?.baseline]),
      [
        ['InfracastSignature', 'signature', 'ETSI.CAdES.detached', 'valid', 1, 'PAdES-B-T'],
        ['Approval', 'signature', 'ETSI.CAdES.detached', 'valid', 2, 'PAdES-B-T'],
      ],
    );
    assert.equal(v.signatures![0]!.signed_bytes, signed.length);
    assert.match(v.checks.find((c) => c.name === 'incremental-update')!.detail!, /adds signature field Approval/);

    // Under a root that trusts nobody here, both are intact but untrusted: not tampered.
    assert.equal((await verifyPdf(both, { caPem: p.pem('other-root.crt') })).status, 'untrusted');
    // A flip inside the first revision breaks both signatures; inside the second, only the second.
    const flip = (at: number) => {
      const copy = Uint8Array.from(both);
      copy[at]! ^= 0x01;
      return copy;
    };
    const early = await verifyPdf(flip(200), { caPem: p.pem('root.crt') });
    assert.equal(early.status, 'tampered');
    assert.deepEqual(
      early.signatures?.map((s) => s.status),
      ['tampered', 'tampered'],
    );
    const late = await verifyPdf(flip(signed.length + 40), { caPem: p.pem('root.crt') });
    assert.equal(late.status, 'tampered');
  });

  it('later updates that change the signed document are tampered for the revision they alter; a signature after them is valid', async (t) => {
    const p = setUp(t, 'pdfsig');
    if (!p) return;
    const trust = { caPem: p.pem('root.crt') };
    const signed = await signSample(p);

    // Page content: "PAID" drawn over page 1 (pdf-lib adds a content stream and changes the page's /Contents).
    const content = await pdfLibUpdate(signed, async (lib, doc) => {
      const font = await doc.embedFont(lib.StandardFonts.Helvetica);
      doc.getPage(0).drawText('ALL CONTROLS PASSED', { x: 54, y: 720, size: 14, font });
    });
    const sigContent = pdfsig(p, 'content-edit.pdf', content);
    assert.match(sigContent, /Signature is Valid\./, 'pdfsig: the first revision itself is intact');
    assert.match(sigContent, /Not total document signed/, sigContent);
    const edited = await verifyPdf(content, trust);
    assert.equal(edited.status, 'tampered', JSON.stringify(edited.checks));
    const update = edited.checks.find((c) => c.name === 'incremental-update')!;
    assert.equal(update.result, 'fail');
    assert.match(update.detail!, /revision 2\b/);
    assert.match(update.detail!, /\/Page dictionary\) changes .*\/Contents/);
    assert.equal(edited.signatures![0]!.status, 'tampered');
    assert.equal(edited.tenant, undefined, 'no metadata from a tampered file');

    // Only an annotation (a white square over the findings): tampered too (see pdf-revisions.ts).
    const lib = await import('@cantoo/pdf-lib');
    const loaded = await lib.PDFDocument.load(signed, { updateMetadata: false });
    const pageNum = loaded.getPage(0).ref.objectNumber;
    const square = loaded.context.largestObjectNumber + 1;
    const page = objectText(signed, pageNum).replace(/\/Annots \[/, `/Annots [ ${square} 0 R`);
    assert.match(page, new RegExp(`/Annots \\[ ${square} 0 R`), 'page 1 already has /Annots (the signature widget)');
    const annotated = rawUpdate(signed, { [pageNum]: page, [square]: '<< /Type /Annot /Subtype /Square /Rect [40 650 580 760] /IC [1 1 1] /C [1 1 1] >>' });
    const annotation = await verifyPdf(annotated, trust);
    assert.equal(annotation.status, 'tampered', JSON.stringify(annotation.checks));
    assert.match(
      annotation.checks.find((c) => c.name === 'incremental-update')!.detail!,
      /an annotation \(\/Subtype \/Square\), which is not a signature field/,
    );

    // The Info dictionary (the report metadata) rewritten in an update.
    const retitled = await pdfLibUpdate(signed, (lib, doc) => {
      const info = doc.context.lookup(doc.context.trailerInfo.Info, lib.PDFDict);
      info.set(lib.PDFName.of('InfracastTenant'), lib.PDFHexString.fromText('Evil Corp'));
      doc.context.snapshot!.markRefForSave(doc.context.trailerInfo.Info as PdfLibModule.PDFRef);
    });
    const info = await verifyPdf(retitled, trust);
    assert.equal(info.status, 'tampered', JSON.stringify(info.checks));
    assert.match(info.checks.find((c) => c.name === 'incremental-update')!.detail!, /the Info dictionary changes \(\/InfracastTenant\)/);

    // Countersigned after the content edit: the countersigner signed the edited document (valid), the first signer did not.
    const after = await countersignPdf({ pdf: content, key: p.pem('leaf-ec.key'), chain: p.ecChain, claimedAt: CLAIMED, fieldName: 'Approval' });
    const mixed = await verifyPdf(after, trust);
    assert.equal(mixed.status, 'tampered');
    assert.deepEqual(
      mixed.signatures!.map((s) => [s.field, s.status, s.revision]),
      [
        ['InfracastSignature', 'tampered', 1],
        ['Approval', 'valid', 3],
      ],
    );
    assert.match(mixed.signatures![0]!.checks.find((c) => c.name === 'incremental-update')!.detail!, /revision 2 alters revision 1/);

    // The CLI: pdf_signatures lists both, the exit code is 1 and stderr names the altering revision.
    writeFileSync(join(p.dir, 'edited-then-countersigned.pdf'), after);
    const cli = runCli(['verify', 'edited-then-countersigned.pdf', '--ca', 'root.crt'], { cwd: p.dir });
    assert.equal(cli.status, 1, cli.stderr);
    const report = JSON.parse(cli.stdout) as { status: string; pdf_signatures: { field: string; status: string; revision: number; checks?: unknown }[] };
    assert.equal(report.status, 'tampered');
    assert.deepEqual(
      report.pdf_signatures.map((s) => [s.field, s.status, s.revision, s.checks]),
      [
        ['InfracastSignature', 'tampered', 1, undefined],
        ['Approval', 'valid', 3, undefined],
      ],
    );
    assert.match(
      cli.stderr,
      /tampered \(revision 2 \(bytes \d+ to \d+\) changes what signature InfracastSignature signed: object \d+ \(a \/Page dictionary\) changes \/Contents/,
    );
  });

  it('a DSS-only update is accepted; a document timestamp after it makes the signature B-LTA (pdfsig lists it, openssl ts verifies its token)', async (t) => {
    const p = setUp(t, 'pdfsig');
    if (!p) return;
    const tsa = await loopbackTsa(p);
    const trust = { caPem: p.pem('root.crt') };
    const signed = await signSample(p, tsa.url);

    // A DSS update as long-term validation writes it: catalog /DSS with the chain's certificates as streams.
    const withDss = await pdfLibUpdate(signed, (lib, doc) => {
      const certs = ['inter.crt', 'root.crt'].map((name) => {
        const der = Buffer.from(p.pem(name).replace(/-----[^-]+-----|\s/g, ''), 'base64');
        return doc.context.register(doc.context.flateStream(der));
      });
      const dss = doc.context.register(doc.context.obj({ Type: 'DSS', Certs: certs }));
      doc.catalog.set(lib.PDFName.of('DSS'), dss);
    });
    const dssOnly = await verifyPdf(withDss, trust);
    assert.equal(dssOnly.status, 'valid', JSON.stringify(dssOnly.checks));
    assert.equal(dssOnly.profile?.baseline, 'PAdES-B-LT');

    const stamped = await addDocumentTimestamp(withDss, { url: tsa.url });
    const v = await verifyPdf(stamped, trust);
    assert.equal(v.status, 'valid', JSON.stringify(v.checks));
    assert.deepEqual(
      v.signatures!.map((s) => [s.field, s.kind, s.subfilter, s.status, s.revision, s.signed_at_source, s.profile?.baseline]),
      [
        ['InfracastSignature', 'signature', 'ETSI.CAdES.detached', 'valid', 1, 'rfc3161', 'PAdES-B-LTA'],
        ['InfracastDocumentTimestamp', 'document-timestamp', 'ETSI.RFC3161', 'valid', 3, 'rfc3161', 'PAdES document time-stamp'],
      ],
    );
    assert.equal(v.signatures![1]!.signed_by, 'Infracast Test TSA');
    assert.equal(v.profile?.baseline, 'PAdES-B-LTA');

    // poppler 22.12 lists the document timestamp but cannot validate one ("Signature Type: unknown",
    // "Unable to validate this type of signature"): openssl ts below is the oracle for its token.
    const sig = pdfsig(p, 'stamped.pdf', stamped);
    assert.equal(blocks(sig).length, 2, sig);
    assert.match(blocks(sig)[0]!, /Signature is Valid\./, sig);
    assert.match(blocks(sig)[1]!, /Signature Field Name: InfracastDocumentTimestamp/, sig);
    assert.match(blocks(sig)[1]!, /Signer Certificate Common Name: Infracast Test TSA/, sig);
    assert.match(blocks(sig)[1]!, /Total document signed/, sig);

    // openssl ts -verify: the token in /Contents over the bytes of its ranges.
    const text = Buffer.from(stamped).toString('latin1');
    const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].pop()!;
    const [a, b, c] = [Number(ranges[1]), Number(ranges[2]), Number(ranges[3])];
    writeFileSync(join(p.dir, 'dts-ranges.bin'), Buffer.concat([stamped.subarray(0, a), stamped.subarray(b, b + c)]));
    writeFileSync(join(p.dir, 'dts.tst'), firstBerValue(Buffer.from(text.slice(a + 1, b - 1), 'hex')));
    const ts = run(p, 'openssl', ['ts', '-verify', '-token_in', '-in', 'dts.tst', '-data', 'dts-ranges.bin', '-CAfile', 'root.crt', '-untrusted', 'inter.crt']);
    assert.match(ts.out, /Verification: OK/, ts.out);

    // The token altered: tampered; a TSA nobody trusts: untrusted.
    const copy = Uint8Array.from(stamped);
    const tokenMiddle = a + 1 + 2 * 1500;
    copy[tokenMiddle] = copy[tokenMiddle] === 0x61 ? 0x62 : 0x61;
    const broken = await verifyPdf(copy, trust);
    assert.equal(broken.status, 'tampered', JSON.stringify(broken.checks));
    assert.ok(failed(broken).includes('document-timestamp') || failed(broken).includes('contents-encoding'), failed(broken).join(', '));
    // A document timestamp alone, on an unsigned PDF: valid, the time from the token, the TSA as signer.
    const stampOnly = await verifyPdf(await addDocumentTimestamp(await samplePdf(), { url: tsa.url }), trust);
    assert.equal(stampOnly.status, 'valid', JSON.stringify(stampOnly.checks));
    assert.deepEqual([stampOnly.signed_by, stampOnly.signed_at_source, stampOnly.signatures!.length], ['Infracast Test TSA', 'rfc3161', 1]);
    const otherTrust = await verifyPdf(stamped, { caPem: p.pem('other-root.crt') });
    assert.equal(otherTrust.status, 'untrusted');
    assert.equal(otherTrust.signatures![1]!.status, 'untrusted');
  });

  it('hand-written updates: a replaced content stream, a redirected or deleted object, a new catalog, another /Prev, junk after a countersignature: all tampered', async (t) => {
    const p = setUp(t);
    if (!p) return;
    const trust = { caPem: p.pem('root.crt') };
    const signed = await signSample(p);
    const lib = await import('@cantoo/pdf-lib');
    const doc = await lib.PDFDocument.load(signed, { updateMetadata: false });
    const page = doc.getPage(0);
    const contents = page.node.get(lib.PDFName.of('Contents'));
    const contentNum = (contents instanceof lib.PDFRef ? contents : (page.node.lookup(lib.PDFName.of('Contents'), lib.PDFArray).get(0) as PdfLibModule.PDFRef))
      .objectNumber;
    const next = doc.context.largestObjectNumber + 1;
    const text = Buffer.from(signed).toString('latin1');
    const expectTampered = async (name: string, bytes: Uint8Array, detail: RegExp): Promise<void> => {
      const v = await verifyPdf(bytes, trust);
      assert.equal(v.status, 'tampered', `${name}: ${JSON.stringify(v.checks)}`);
      const reason = v.checks
        .filter((c) => c.result === 'fail')
        .map((c) => `${c.name}: ${c.detail}`)
        .join(' | ');
      assert.match(reason, detail, name);
    };

    const shadow = 'BT /F1 14 Tf 54 720 Td (ALL CONTROLS PASSED) Tj ET';
    await expectTampered(
      'replaced content stream (shadow "replace")',
      rawUpdate(signed, { [contentNum]: `<< /Length ${shadow.length} >>\nstream\n${shadow}\nendstream` }),
      new RegExp(`incremental-update: .*object ${contentNum} \\(a stream\\) changes \\(its stream data or dictionary\\)`),
    );
    // The update's entry for the content stream points at another object of the signed revision.
    const redirected = Buffer.from(rawUpdate(signed, { [contentNum]: '<< /Length 0 >>\nstream\n\nendstream' }));
    const otherAt = text.indexOf('\n1 0 obj') + 1;
    const redirectedText = redirected.toString('latin1');
    const entryAt = redirectedText.lastIndexOf(`${contentNum} 1\n`) + `${contentNum} 1\n`.length;
    redirected.write(String(otherAt).padStart(10, '0'), entryAt, 'latin1');
    await expectTampered(
      'xref entry redirected to another object',
      redirected,
      new RegExp(`revisions: the cross-reference entry of object ${contentNum} points at object 1`),
    );
    await expectTampered('content stream deleted', rawUpdate(signed, { [contentNum]: null }), new RegExp(`object ${contentNum} .* is deleted`));
    const catalog = doc.context.trailerInfo.Root as PdfLibModule.PDFRef;
    const newCatalog = rawUpdate(signed, { [next]: objectText(signed, catalog.objectNumber) });
    const swapped = Buffer.from(
      Buffer.from(newCatalog)
        .toString('latin1')
        .replace(/\/Root \d+ 0 R \/Info (\d+ 0 R) \/Prev/, `/Root ${next} 0 R /Info $1 /Prev`),
      'latin1',
    );
    await expectTampered('a new catalog in the trailer', swapped, /the trailer's \/Root changes/);
    const otherPrev = Buffer.from(
      Buffer.from(rawUpdate(signed, { [next]: '<< >>' }))
        .toString('latin1')
        .replace(/\/Prev \d+/, '/Prev 9'),
      'latin1',
    );
    await expectTampered('an update whose /Prev is not the signed revision', otherPrev, /revisions: /);
    const countersigned = await countersignPdf({ pdf: signed, key: p.pem('leaf-ec.key'), chain: p.ecChain, claimedAt: CLAIMED });
    assert.equal((await verifyPdf(countersigned, trust)).status, 'valid');
    await expectTampered(
      'junk after the countersignature',
      Buffer.concat([countersigned, Buffer.from('\n% appended\n')]),
      /byte-range: .*not an incremental update/,
    );
    // A "signature field" whose widget draws a white box over the page, in an update nobody signs (a hide shadow).
    const box = '1 1 1 rg 0 0 540 110 re f';
    const pageDict = objectText(signed, page.ref.objectNumber).replace(/\/Annots \[/, `/Annots [ ${next} 0 R`);
    await expectTampered(
      'a visible signature widget in an unsigned update',
      rawUpdate(signed, {
        [page.ref.objectNumber]: pageDict,
        [next]: `<< /Type /Annot /Subtype /Widget /FT /Sig /T (Cover) /Rect [40 650 580 760] /P ${page.ref.objectNumber} 0 R /AP << /N ${next + 1} 0 R >> >>`,
        [next + 1]: `<< /Type /XObject /Subtype /Form /BBox [0 0 540 110] /Length ${box.length} >>\nstream\n${box}\nendstream`,
      }),
      /gains Cover, a signature widget with an appearance over the page, in an update no signature covers/,
    );
    await expectTampered(
      'a second page added',
      rawUpdate(signed, {
        [next]: '<< /Type /Page /MediaBox [0 0 612 792] >>',
        [doc.catalog.get(lib.PDFName.of('Pages'))!.toString().split(' ')[0]!]: '<< /Type /Pages /Kids [] /Count 0 >>',
      }),
      /\/Pages dictionary\) changes \/Count, \/Kids/,
    );
  });

  it('adbe.pkcs7.detached by OpenSSL as the first signature of an unsigned PDF, uppercase hex: valid, not PAdES baseline; pdfsig agrees', async (t) => {
    const p = setUp(t, 'pdfsig');
    if (!p) return;
    const unsigned = await samplePdf();
    const opensslCms = (ranges: Uint8Array): Uint8Array => {
      writeFileSync(join(p.dir, 'adbe-ranges.bin'), ranges);
      // -cades adds signingCertificateV2; OpenSSL also writes signingTime and S/MIME capabilities.
      const signed = [...['-signer', 'leaf-rsa.crt', '-inkey', 'leaf-rsa.key', '-certfile', 'chain.pem'], ...['-outform', 'DER', '-out', 'adbe.p7s', '-cades']];
      const result = run(p, 'openssl', ['cms', '-sign', '-binary', '-in', 'adbe-ranges.bin', ...signed]);
      assert.equal(result.status, 0, result.out);
      return readFileSync(join(p.dir, 'adbe.p7s'));
    };
    const signed = await appendExternalSignature({
      pdf: unsigned,
      subFilter: 'adbe.pkcs7.detached',
      fieldName: 'Acrobat',
      contentsHex: 16_384,
      claimedAt: CLAIMED,
      sign: opensslCms,
    });
    const text = Buffer.from(signed).toString('latin1');
    const m = [...text.matchAll(/\/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)/g)].pop()!;
    const [a, b] = [Number(m[1]), Number(m[2])];
    const upper = Buffer.from(text.slice(0, a + 1) + text.slice(a + 1, b - 1).toUpperCase() + text.slice(b - 1), 'latin1');
    for (const [name, pdf] of [
      ['adbe-lower.pdf', signed],
      ['adbe-upper.pdf', upper],
    ] as const) {
      const sig = pdfsig(p, name, pdf);
      assert.match(sig, /Signature Type: adbe\.pkcs7\.detached/, sig);
      assert.match(sig, /Signature is Valid\./, sig);
      const v = await verifyPdf(pdf, { caPem: p.pem('root.crt') });
      assert.equal(v.status, 'valid', `${name}: ${JSON.stringify(v.checks)}`);
      assert.deepEqual(
        v.signatures!.map((s) => [s.field, s.subfilter, s.revision]),
        [['Acrobat', 'adbe.pkcs7.detached', 2]],
      );
      assert.equal(v.profile?.baseline, null);
      assert.ok(
        v.profile!.deviations.some((d) => d.startsWith('SubFilter adbe.pkcs7.detached')),
        JSON.stringify(v.profile),
      );
      assert.ok(
        v.profile!.deviations.some((d) => d.startsWith('a signingTime attribute')),
        JSON.stringify(v.profile),
      );
      assert.equal((await verifyPdf(pdf, { caPem: p.pem('other-root.crt') })).status, 'untrusted');
    }
  });

  it('a PDF with object streams and a cross-reference stream (qpdf) signed and countersigned as updates: valid; pdfsig agrees; a content edit is still caught', async (t) => {
    const p = setUp(t, 'pdfsig', 'qpdf');
    if (!p) return;
    const trust = { caPem: p.pem('root.crt') };
    writeFileSync(join(p.dir, 'plain.pdf'), await samplePdf());
    const qpdf = run(p, 'qpdf', ['--object-streams=generate', '--compress-streams=y', 'plain.pdf', 'objstm.pdf']);
    assert.equal(qpdf.status, 0, qpdf.out);
    const compressed = readFileSync(join(p.dir, 'objstm.pdf'));
    assert.match(compressed.toString('latin1'), /\/Type\s*\/XRef/, 'a cross-reference stream');
    assert.match(compressed.toString('latin1'), /\/Type\s*\/ObjStm/, 'object streams');
    const first = await countersignPdf({ pdf: compressed, key: p.pem('leaf-rsa.key'), chain: p.rsaChain, claimedAt: CLAIMED, fieldName: 'Author' });
    const both = await countersignPdf({ pdf: first, key: p.pem('leaf-ec.key'), chain: p.ecChain, claimedAt: CLAIMED, fieldName: 'Approval' });
    const sig = pdfsig(p, 'objstm-signed.pdf', both);
    assert.equal(blocks(sig).length, 2, sig);
    for (const block of blocks(sig)) assert.match(block, /Signature is Valid\./, sig);
    const v = await verifyPdf(both, trust);
    assert.equal(v.status, 'valid', JSON.stringify(v.checks));
    assert.deepEqual(
      v.signatures!.map((s) => [s.field, s.status, s.revision]),
      [
        ['Author', 'valid', 2],
        ['Approval', 'valid', 3],
      ],
    );
    const edited = await pdfLibUpdate(first, async (lib, doc) => {
      doc.getPage(0).drawText('ALL CONTROLS PASSED', { x: 54, y: 720, size: 14, font: await doc.embedFont(lib.StandardFonts.Helvetica) });
    });
    const tampered = await verifyPdf(edited, trust);
    assert.equal(tampered.status, 'tampered', JSON.stringify(tampered.checks));
    assert.match(tampered.checks.find((c) => c.name === 'incremental-update')!.detail!, /revision 3 .*\/Page dictionary\) changes .*\/Contents/);
  });

  it('uppercase hex in /Contents is valid (pdfsig agrees); a mixed-case edit of the hex is tampered', async (t) => {
    const p = setUp(t, 'pdfsig');
    if (!p) return;
    const signed = await signSample(p);
    const text = Buffer.from(signed).toString('latin1');
    const m = /\/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)/.exec(text)!;
    const [a, b] = [Number(m[1]), Number(m[2])];
    const upper = Buffer.from(text.slice(0, a + 1) + text.slice(a + 1, b - 1).toUpperCase() + text.slice(b - 1), 'latin1');
    assert.match(pdfsig(p, 'upper.pdf', upper), /Signature is Valid\./);
    const v = await verifyPdf(upper, { caPem: p.pem('root.crt') });
    assert.equal(v.status, 'valid', JSON.stringify(v.checks));
    assert.equal(v.profile?.baseline, 'PAdES-B-B');
    const letter = text.slice(a + 1, b - 1).search(/[a-f]/) + a + 1;
    const mixed = Buffer.from(signed);
    mixed[letter] = mixed[letter]! ^ 0x20;
    const edited = await verifyPdf(mixed, { caPem: p.pem('root.crt') });
    assert.equal(edited.status, 'tampered');
    assert.deepEqual(failed(edited), ['contents-encoding']);
  });
});
