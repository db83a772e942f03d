/**
 * Embedded PDF signatures, PAdES baseline B-B (B-T with a timestamp): notes/signing.md §1 and §4.
 *
 * Signing: the report metadata is written into the document Info dictionary as custom keys, inside
 * the signed bytes, so a recipient with only the PDF still sees what the signature covers:
 *   /InfracastTenant /InfracastFramework (only when the report has one) /InfracastReportType
 *   /InfracastGeneratedAt /InfracastSigner
 * (text strings, UTF-16BE hex). An invisible signature field (Widget /Rect [0 0 0 0] on page 1,
 * /F 132 = print + locked, AcroForm /SigFlags 3) holds a /Sig dictionary with /Filter /Adobe.PPKLite,
 * /SubFilter /ETSI.CAdES.detached, /M = the claimed signing time (PAdES keeps it out of the CMS) and
 * /Name, /ContactInfo from the signer certificate. The file is saved without object streams (so the
 * placeholders are plain text), the /ByteRange is written into its fixed-width placeholder, the two
 * ranges are signed with cms.ts, an RFC 3161 token over the signature value is added when asked for,
 * and the DER goes into /Contents as lowercase hex padded with '0'.
 *
 * Verifying (pure JS, never throws): exactly one /ByteRange, starting at 0 and ending at the end of the
 * file, the gap exactly the /Contents hex string holding one DER CMS and '0' padding only; then
 * cms-verify.ts over the ranges. Every byte of the file is thus either signed or pinned by those
 * rules, which is what makes any edit show as `tampered`.
 */
import type * as PdfLibModule from '@cantoo/pdf-lib';
import { InfracastError } from '../errors.js';
import { parseCertificates, signatureValue, addTimestampToken, signDetached } from './cms.js';
import { certificateEmail, commonName, isoSeconds, verifyDetachedCms } from './cms-verify.js';
import { requestTimestamp } from './tsa.js';
import type { TrustAnchors, Verification, VerificationCheck } from './verification.js';

type PdfLib = typeof PdfLibModule;
type PDFDocument = Awaited<ReturnType<PdfLib['PDFDocument']['load']>>;
type PDFDict = PdfLib['PDFDict']['prototype'];

/** The report facts written into the signed Info dictionary. */
export interface PdfReportMetadata {
  tenant: string;
  framework?: string;
  report_type: string;
  generated_at: string;
  signer: string;
}

export interface SignPdfInput {
  pdf: Uint8Array;
  /** PEM private key (RSA or EC P-256); never echoed in errors. */
  key: string;
  /** PEM certificates, signer first, then its issuers. */
  chain: string;
  metadata: PdfReportMetadata;
  /** The time the signer claims (/M); only an RFC 3161 timestamp makes a time verifiable. */
  claimedAt: Date;
  reason?: string;
  location?: string;
  timestamp?: { url: string; timeoutMs?: number };
}

/** The Info dictionary keys, in the order written. */
export const INFO_KEYS = {
  tenant: 'InfracastTenant',
  framework: 'InfracastFramework',
  report_type: 'InfracastReportType',
  generated_at: 'InfracastGeneratedAt',
  signer: 'InfracastSigner',
} as const;

/** What every Infracast Info key starts with: signPdf removes any it finds before writing its own. */
export const INFO_KEY_PREFIX = 'Infracast';

/** Ten characters: the widest a ByteRange number of a file under 10 GB needs. */
const BYTE_RANGE_PLACEHOLDER = '**********';
const MIN_CONTENTS_HEX = 16_384;
const MIN_CONTENTS_HEX_TIMESTAMPED = 24_576;
/** Traces that a file had a signature, even when its structure no longer parses. */
const SIGNATURE_TRACE = /\/ByteRange|\/Type\s*\/Sig\b|\/ETSI\.CAdES|\/adbe\.pkcs7/;

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

function pdfInvalid(message: string, cause?: unknown): InfracastError {
  return new InfracastError('SIGNING_FAILED', message, cause === undefined ? {} : { cause });
}

/**
 * Hex characters reserved for the CMS: the certificates, about 2 KB of signer info (signed attributes,
 * a signature of up to 4096 bits) and, when time-stamping, room for the token and the TSA's chain.
 */
function contentsLength(chain: string, timestamped: boolean): number {
  const certBytes = parseCertificates(chain).reduce((sum, cert) => sum + cert.toSchema().toBER().byteLength, 0);
  const estimate = 2 * (certBytes + 2048 + (timestamped ? 10_240 : 0));
  const floor = timestamped ? MIN_CONTENTS_HEX_TIMESTAMPED : MIN_CONTENTS_HEX;
  return Math.ceil(Math.max(estimate, floor) / 1024) * 1024;
}

function infoDict(lib: PdfLib, doc: PDFDocument): PDFDict {
  const existing = doc.context.lookup(doc.context.trailerInfo.Info);
  if (existing instanceof lib.PDFDict) return existing;
  const created = doc.context.obj({});
  doc.context.trailerInfo.Info = doc.context.register(created);
  return created;
}

/** Signs a PDF with an embedded PAdES signature (see the module comment). */
/** Whether the PDF carries any trace of a signature (what signPdf refuses and verifyPdf checks). */
export const hasSignature = (pdf: Uint8Array): boolean => SIGNATURE_TRACE.test(latin1(pdf));

export async function signPdf(input: SignPdfInput): Promise<Uint8Array> {
  const lib = await import('@cantoo/pdf-lib');
  const { PDFName, PDFHexString, PDFString, PDFNumber, PDFArray } = lib;
  // Saving rewrites the whole file, which would break an existing signature, and verifyPdf accepts one
  // signature per file: a signed PDF is refused rather than silently re-signed.
  if (hasSignature(input.pdf)) throw pdfInvalid('The PDF already carries a signature; sign the unsigned report instead.', undefined);
  const leaf = parseCertificates(input.chain)[0]!;
  const placeholderLength = contentsLength(input.chain, input.timestamp !== undefined);

  let doc: PDFDocument;
  try {
    doc = await lib.PDFDocument.load(input.pdf, { updateMetadata: false });
  } catch (cause) {
    throw pdfInvalid(`The PDF to sign cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
  if (doc.getPageCount() === 0) throw pdfInvalid('The PDF to sign has no page to carry the signature field.');
  const { context } = doc;
  const text = (value: string) => PDFHexString.fromText(value);

  const info = infoDict(lib, doc);
  // Every /Infracast* key already there goes, whether or not we write it again: an unsigned PDF with
  // an injected /InfracastFramework would otherwise come out signed with it, and verify would report it.
  for (const key of info.keys()) if (key.decodeText().startsWith(INFO_KEY_PREFIX)) info.delete(key);
  for (const [field, key] of Object.entries(INFO_KEYS) as [keyof PdfReportMetadata, string][]) {
    const value = input.metadata[field];
    if (value !== undefined) info.set(PDFName.of(key), text(value));
  }

  const byteRange = PDFArray.withContext(context);
  byteRange.push(PDFNumber.of(0));
  for (let i = 0; i < 3; i++) byteRange.push(PDFName.of(BYTE_RANGE_PLACEHOLDER));
  const signature = context.obj({ Type: 'Sig', Filter: 'Adobe.PPKLite', SubFilter: 'ETSI.CAdES.detached' });
  signature.set(PDFName.of('ByteRange'), byteRange);
  signature.set(PDFName.of('Contents'), PDFHexString.of('0'.repeat(placeholderLength)));
  signature.set(PDFName.of('M'), PDFString.fromDate(input.claimedAt));
  const name = commonName(leaf);
  const email = certificateEmail(leaf);
  if (name) signature.set(PDFName.of('Name'), text(name));
  if (email) signature.set(PDFName.of('ContactInfo'), text(email));
  if (input.reason) signature.set(PDFName.of('Reason'), text(input.reason));
  if (input.location) signature.set(PDFName.of('Location'), text(input.location));
  const signatureRef = context.register(signature);

  const page = doc.getPage(0);
  const widget = context.obj({ Type: 'Annot', Subtype: 'Widget', FT: 'Sig', Rect: [0, 0, 0, 0], F: 132 });
  widget.set(PDFName.of('T'), text('InfracastSignature'));
  widget.set(PDFName.of('V'), signatureRef);
  widget.set(PDFName.of('P'), page.ref);
  const widgetRef = context.register(widget);
  page.node.addAnnot(widgetRef);
  const acroForm = doc.catalog.getOrCreateAcroForm();
  acroForm.addField(widgetRef);
  acroForm.dict.set(PDFName.of('SigFlags'), PDFNumber.of(3));

  const pdf = await doc.save({ useObjectStreams: false, updateFieldAppearances: false });
  const source = latin1(pdf);
  const rangeText = `[ 0 /${BYTE_RANGE_PLACEHOLDER} /${BYTE_RANGE_PLACEHOLDER} /${BYTE_RANGE_PLACEHOLDER} ]`;
  const contentsText = `<${'0'.repeat(placeholderLength)}>`;
  const rangeAt = source.indexOf(rangeText);
  const contentsAt = source.indexOf(contentsText);
  // The placeholders must be unique, or the wrong bytes would be patched.
  if (rangeAt < 0 || contentsAt < 0 || source.lastIndexOf(rangeText) !== rangeAt || source.lastIndexOf(contentsText) !== contentsAt)
    throw pdfInvalid('The signature placeholders were not found exactly once in the saved PDF.');
  const gapEnd = contentsAt + contentsText.length;
  const ranges = `[0 ${contentsAt} ${gapEnd} ${pdf.length - gapEnd}`;
  if (ranges.length + 1 > rangeText.length) throw pdfInvalid('The PDF is too large for the ByteRange placeholder.');
  pdf.set(Buffer.from(ranges.padEnd(rangeText.length - 1, ' ') + ']', 'latin1'), rangeAt);

  const signed = Buffer.concat([pdf.subarray(0, contentsAt), pdf.subarray(gapEnd)]);
  let cms = await signDetached({ data: signed, key: input.key, chain: input.chain });
  if (input.timestamp) {
    const { token } = await requestTimestamp(signatureValue(cms), input.timestamp);
    cms = addTimestampToken(cms, token);
  }
  const hex = Buffer.from(cms).toString('hex');
  if (hex.length > placeholderLength)
    throw pdfInvalid(`The signature (${cms.length} bytes) does not fit the ${placeholderLength / 2} bytes reserved in /Contents.`, undefined);
  pdf.set(Buffer.from(hex, 'latin1'), contentsAt + 1);
  return pdf;
}

const BYTE_RANGE = /\/ByteRange\s*\[\s*(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s*\]/;

/** The DER length of the value starting at `hex` (definite lengths only), or undefined. */
function derLength(hex: string): number | undefined {
  if (!/^30[0-9a-f]{2}/.test(hex)) return undefined;
  const first = parseInt(hex.slice(2, 4), 16);
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 4) return undefined;
  const lengthHex = hex.slice(4, 4 + 2 * count);
  if (!/^[0-9a-f]+$/.test(lengthHex) || lengthHex.length !== 2 * count) return undefined;
  return 2 + count + parseInt(lengthHex, 16);
}

/**
 * Verifies the one embedded signature of a PDF against `trust`. Never throws: any input bytes give a
 * status (`unsigned` for a PDF without signature, `malformed` for something that is not a PDF and has no
 * signature, `tampered` as soon as a signed file does not check out).
 */
export async function verifyPdf(bytes: Uint8Array, trust: TrustAnchors): Promise<Verification> {
  const checks: VerificationCheck[] = [];
  const tampered = (name: string, detail: string): Verification => {
    checks.push({ name, result: 'fail', detail });
    return { status: 'tampered', format: 'pdf', checks };
  };
  try {
    const source = latin1(bytes);
    if (!SIGNATURE_TRACE.test(source)) {
      const isPdf = source.slice(0, 1024).includes('%PDF-');
      checks.push({ name: 'signature-count', result: 'fail', detail: isPdf ? 'the PDF has no signature' : 'not a PDF, and no signature' });
      return { status: isPdf ? 'unsigned' : 'malformed', format: 'pdf', checks };
    }
    const count = source.split('/ByteRange').length - 1;
    if (count !== 1) return tampered('signature-count', `${count} /ByteRange entries; exactly one signature is expected`);
    checks.push({ name: 'signature-count', result: 'pass' });

    const match = BYTE_RANGE.exec(source);
    if (!match) return tampered('byte-range', 'the /ByteRange is not an array of four numbers');
    const [start, a, b, tail] = match.slice(1).map(Number) as [number, number, number, number];
    const len = bytes.length;
    if (start !== 0) return tampered('byte-range', `the first range starts at ${start}, not 0`);
    if (!(a > 0 && b > a + 1 && b <= len)) return tampered('byte-range', `the ranges [0, ${a}) and [${b}, …) are out of bounds or overlap`);
    if (b + tail !== len) return tampered('byte-range', `the signed ranges end at ${b + tail}, the file at ${len}: bytes were added or removed`);
    if (source[a] !== '<' || source[b - 1] !== '>') return tampered('byte-range', 'the gap between the ranges is not exactly the /Contents hex string');
    checks.push({ name: 'byte-range', result: 'pass', detail: `[0 ${a} ${b} ${tail}] covers the whole file but /Contents` });

    const hex = source.slice(a + 1, b - 1);
    const length = derLength(hex);
    if (length === undefined || 2 * length > hex.length) return tampered('contents-encoding', '/Contents does not start with a DER SEQUENCE that fits it');
    const body = hex.slice(0, 2 * length);
    if (!/^[0-9a-f]*$/.test(body)) return tampered('contents-encoding', '/Contents is not lowercase hexadecimal');
    if (!/^0*$/.test(hex.slice(2 * length))) return tampered('contents-encoding', '/Contents has something other than 0 after the CMS');
    checks.push({ name: 'contents-encoding', result: 'pass', detail: `${length}-byte CMS, ${hex.length / 2 - length} bytes of padding` });

    const signed = Buffer.concat([bytes.subarray(0, a), bytes.subarray(b)]);
    const cms = await verifyDetachedCms(Buffer.from(body, 'hex'), signed, trust, { profile: 'PAdES' });
    checks.push(...cms.checks);
    // An unreadable CMS in a file that carries a signature is an altered signature.
    const result: Verification = { ...cms, status: cms.status === 'malformed' ? 'tampered' : cms.status, format: 'pdf', checks };
    if (result.status === 'tampered') return result;
    return await withMetadata(bytes, result);
  } catch (cause) {
    return tampered('internal', `verification stopped: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** What a signed revision states: the Infracast Info keys and the signature's /M. */
export interface SignedRevision {
  metadata: Partial<Record<'tenant' | 'framework' | 'report_type' | 'generated_at', string>>;
  /** The /M of the signature dictionary whose /ByteRange is the one given. */
  claimedAt?: Date;
}

/**
 * The report metadata and the claimed time of the revision a signature covers: pdf-lib reads the file
 * only up to the end of the signature's second range (`byteRange[2] + byteRange[3]`), so Info keys a
 * later incremental update writes are never reported as signed. Throws when that revision does not
 * parse. For the multisig verifier: call it once per signature with that signature's /ByteRange.
 */
export async function readSignedRevision(bytes: Uint8Array, byteRange: readonly [number, number, number, number]): Promise<SignedRevision> {
  const lib = await import('@cantoo/pdf-lib');
  const revision = bytes.subarray(0, byteRange[2] + byteRange[3]);
  const doc = await lib.PDFDocument.load(revision, { updateMetadata: false, parseSpeed: lib.ParseSpeeds.Fastest, throwOnInvalidObject: true });
  const read = (dict: PDFDict, key: string): string | undefined => {
    const value = dict.lookup(lib.PDFName.of(key));
    return value instanceof lib.PDFString || value instanceof lib.PDFHexString ? value.decodeText() : undefined;
  };
  const info = doc.context.lookup(doc.context.trailerInfo.Info);
  const out: SignedRevision = { metadata: {} };
  if (info instanceof lib.PDFDict)
    for (const field of ['tenant', 'framework', 'report_type', 'generated_at'] as const) {
      const value = read(info, INFO_KEYS[field]);
      if (value !== undefined) out.metadata[field] = value;
    }
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof lib.PDFDict)) continue;
    const range = object.lookup(lib.PDFName.of('ByteRange'));
    if (!(range instanceof lib.PDFArray) || range.size() !== 4) continue;
    if (!range.asArray().every((n, i) => n instanceof lib.PDFNumber && n.asNumber() === byteRange[i])) continue;
    const m = object.lookup(lib.PDFName.of('M'));
    if (m instanceof lib.PDFString || m instanceof lib.PDFHexString) {
      try {
        out.claimedAt = m.decodeDate();
      } catch {
        // An unreadable /M claims nothing.
      }
    }
    break;
  }
  return out;
}

/**
 * Reads the report metadata and the claimed time (/M) from the signed revision (readSignedRevision;
 * default: the whole file, the one-signature case), only once the signature holds (pdf-lib parsing is
 * the slow part, and unsigned bytes are never reported as signed facts).
 */
async function withMetadata(
  bytes: Uint8Array,
  result: Verification,
  byteRange: readonly [number, number, number, number] = signatureByteRange(bytes),
): Promise<Verification> {
  let revision: SignedRevision;
  try {
    revision = await readSignedRevision(bytes, byteRange);
  } catch (cause) {
    result.checks.push({
      name: 'metadata',
      result: 'fail',
      detail: `the signed PDF does not parse: ${cause instanceof Error ? cause.message : String(cause)}`,
    });
    return { ...result, status: 'tampered' };
  }
  const { metadata } = revision;
  result.checks.push({
    name: 'metadata',
    result: metadata.tenant ? 'pass' : 'skipped',
    detail: metadata.tenant ? 'read from the signed Info dictionary' : 'no Infracast metadata in the Info dictionary',
  });
  const out: Verification = { ...result, ...metadata };
  if (out.signed_at_source !== 'rfc3161' && revision.claimedAt) {
    out.signed_at = isoSeconds(revision.claimedAt);
    out.signed_at_source = 'claimed-by-signer';
  }
  return out;
}

/** The one /ByteRange of a file verifyPdf has checked (its ranges end at the end of the file). */
function signatureByteRange(bytes: Uint8Array): [number, number, number, number] {
  const match = BYTE_RANGE.exec(latin1(bytes));
  return match ? (match.slice(1).map(Number) as [number, number, number, number]) : [0, 0, 0, bytes.length];
}
