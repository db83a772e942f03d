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
 * Verifying is pdf-verify.ts (every signature and revision); countersignatures and document
 * timestamps are added as incremental updates by pdf-update.ts.
 */
import type * as PdfLibModule from '@cantoo/pdf-lib';
import { InfracastError } from '../errors.js';
import { certificateEmail, commonName, parseCertificates, signatureValue, addTimestampToken, signDetached } from './cms.js';
import { INFO_KEYS, SIGNATURE_TRACE } from './pdf-verify.js';
import { requestTimestamp } from './tsa.js';

export { verifyPdf } from './pdf-verify.js';

type PdfLib = typeof PdfLibModule;
type PDFDocument = Awaited<ReturnType<PdfLib['PDFDocument']['load']>>;
type PDFDict = PdfLib['PDFDict']['prototype'];
type PDFRef = PdfLib['PDFRef']['prototype'];

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
export { INFO_KEYS };

/** What every Infracast Info key starts with: signPdf removes any it finds before writing its own. */
export const INFO_KEY_PREFIX = 'Infracast';

/** Ten characters: the widest a ByteRange number of a file under 10 GB needs. */
const BYTE_RANGE_PLACEHOLDER = '**********';
const MIN_CONTENTS_HEX = 16_384;
const MIN_CONTENTS_HEX_TIMESTAMPED = 24_576;

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

/** An invisible signature field's widget (zero-size, printable, locked) whose value is `signature`, on `page`. */
export function signatureWidget(lib: PdfLib, context: PDFDocument['context'], signature: PDFRef, fieldName: string, page: PDFRef): PDFDict {
  const widget = context.obj({ Type: 'Annot', Subtype: 'Widget', FT: 'Sig', Rect: [0, 0, 0, 0], F: 132 });
  widget.set(lib.PDFName.of('T'), lib.PDFHexString.fromText(fieldName));
  widget.set(lib.PDFName.of('V'), signature);
  widget.set(lib.PDFName.of('P'), page);
  return widget;
}

/**
 * Adds `signature` as the value of a new invisible signature field (a zero-size, printable, locked
 * widget on the first page) and sets the AcroForm's SigFlags 3 (signatures exist; append only).
 */
export function addSignatureField(lib: PdfLib, doc: PDFDocument, signature: PDFDict, fieldName: string): void {
  const { context } = doc;
  const page = doc.getPage(0);
  const widgetRef = context.register(signatureWidget(lib, context, context.register(signature), fieldName, page.ref));
  page.node.addAnnot(widgetRef);
  const acroForm = doc.catalog.getOrCreateAcroForm();
  acroForm.addField(widgetRef);
  acroForm.dict.set(lib.PDFName.of('SigFlags'), lib.PDFNumber.of(3));
}

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
  addSignatureField(lib, doc, signature, 'InfracastSignature');

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
