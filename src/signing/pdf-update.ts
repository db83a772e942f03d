/**
 * Signatures added to an already signed PDF as incremental updates (ISO 32000-2 section 7.5.6): the
 * signed bytes stay exactly as they are and an update is appended holding a new signature field
 * (invisible widget on page 1), its signature dictionary, the page and AcroForm changed only by the
 * new field, a cross-reference table and a trailer pointing back with /Prev. That is what the
 * verifier (pdf-verify.ts) accepts after a signed revision, and what Acrobat treats as signing.
 *
 * Two kinds: a countersignature (CAdES, like signPdf's, over the whole file so far) and a document
 * timestamp (PAdES B-LTA: /Type /DocTimeStamp, /SubFilter /ETSI.RFC3161, /Contents = the RFC 3161
 * token over sha256 of the byte ranges).
 *
 * The objects are written by hand rather than by pdf-lib's incremental save, which also writes objects
 * nobody changed (normalised pages, empty streams) that a verifier must then classify.
 */
import type * as PdfLibModule from '@cantoo/pdf-lib';
import { InfracastError } from '../errors.js';
import { addTimestampToken, certificateEmail, commonName, parseCertificates, signatureValue, signDetached } from './cms.js';
import { signatureWidget } from './pdf.js';
import { requestTimestamp, type TimestampOptions } from './tsa.js';

type PdfLib = typeof PdfLibModule;
type PDFObject = PdfLibModule.PDFObject;
type PDFDict = PdfLibModule.PDFDict;

const PLACEHOLDER = '**********';
const TAIL = /startxref[ \t\r\n\f\0]+(\d{1,10})[ \t\r\n\f\0]+%%EOF[ \t\r\n\f\0]*$/;

function failed(message: string, cause?: unknown): InfracastError {
  return new InfracastError('SIGNING_FAILED', message, cause === undefined ? {} : { cause });
}

interface UpdateRequest {
  /** The signature (or timestamp) dictionary's entries but /ByteRange and /Contents. */
  dictionary: (lib: PdfLib, context: PdfLibModule.PDFContext) => PDFDict;
  fieldName: string;
  /** Hex characters reserved in /Contents. */
  contentsHex: number;
  /** The DER to put in /Contents, given the bytes the ranges cover. */
  sign: (ranges: Uint8Array) => Promise<Uint8Array>;
}

/** Appends one signed revision to `pdf` (see the module comment). */
async function appendSigned(pdf: Uint8Array, request: UpdateRequest): Promise<Uint8Array> {
  const lib = await import('@cantoo/pdf-lib');
  const { PDFName, PDFNumber, PDFArray, PDFHexString, PDFRef, PDFDict } = lib;
  const source = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const tail = TAIL.exec(source.slice(-64));
  if (!tail) throw failed('The PDF does not end with "startxref … %%EOF", so no revision can be appended to it.');
  const prev = Number(tail[1]);
  let doc: PdfLibModule.PDFDocument;
  try {
    doc = await lib.PDFDocument.load(pdf, { updateMetadata: false });
  } catch (cause) {
    throw failed(`The PDF cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
  const { context } = doc;
  const rootRef = context.trailerInfo.Root;
  if (!(rootRef instanceof PDFRef)) throw failed('The PDF trailer has no catalog reference.');
  const catalog = context.lookup(rootRef, PDFDict);

  // Page 1, found through the page tree without pdf-lib's page normalisation (which would change the page).
  let node: PDFObject | undefined = catalog.get(PDFName.of('Pages'));
  let pageRef: PdfLibModule.PDFRef | undefined;
  for (let depth = 0; depth < 64 && node instanceof PDFRef; depth++) {
    const dict = context.lookup(node, PDFDict);
    if (dict.get(PDFName.of('Type'))?.toString() === '/Page') {
      pageRef = node;
      break;
    }
    node = dict.lookup(PDFName.of('Kids'), PDFArray).get(0);
  }
  if (!pageRef) throw failed('The PDF has no page to carry the signature field.');

  const changed = new Map<number, [PdfLibModule.PDFRef, PDFObject]>();
  const change = (ref: PdfLibModule.PDFRef, value: PDFObject): void => void changed.set(ref.objectNumber, [ref, value]);
  /** Appends `item` to the array `owner[key]`, changing the array object when indirect, else the owner. */
  const appendTo = (ownerRef: PdfLibModule.PDFRef, owner: PDFDict, key: string, item: PdfLibModule.PDFRef): void => {
    const value = owner.get(PDFName.of(key));
    if (value instanceof PDFRef) {
      const array = context.lookup(value, PDFArray);
      array.push(item);
      change(value, array);
      return;
    }
    const array = value instanceof PDFArray ? value : PDFArray.withContext(context);
    if (!(value instanceof PDFArray)) owner.set(PDFName.of(key), array);
    array.push(item);
    change(ownerRef, owner);
  };

  const signature = request.dictionary(lib, context);
  const byteRange = PDFArray.withContext(context);
  byteRange.push(PDFNumber.of(0));
  for (let i = 0; i < 3; i++) byteRange.push(PDFName.of(PLACEHOLDER));
  signature.set(PDFName.of('ByteRange'), byteRange);
  signature.set(PDFName.of('Contents'), PDFHexString.of('0'.repeat(request.contentsHex)));
  const signatureRef = context.register(signature);
  const widget = signatureWidget(lib, context, signatureRef, request.fieldName, pageRef);
  const widgetRef = context.register(widget);
  appendTo(pageRef, context.lookup(pageRef, PDFDict), 'Annots', widgetRef);

  const acroFormValue = catalog.get(PDFName.of('AcroForm'));
  if (acroFormValue instanceof PDFRef) {
    const acroForm = context.lookup(acroFormValue, PDFDict);
    appendTo(acroFormValue, acroForm, 'Fields', widgetRef);
    if (acroForm.get(PDFName.of('SigFlags'))?.toString() !== '3') {
      acroForm.set(PDFName.of('SigFlags'), PDFNumber.of(3));
      change(acroFormValue, acroForm);
    }
  } else {
    const acroForm = acroFormValue instanceof PDFDict ? acroFormValue : context.obj({});
    const fields = acroForm.get(PDFName.of('Fields'));
    if (fields instanceof PDFRef) appendTo(rootRef, acroForm, 'Fields', widgetRef);
    else {
      const array = fields instanceof PDFArray ? fields : PDFArray.withContext(context);
      array.push(widgetRef);
      acroForm.set(PDFName.of('Fields'), array);
    }
    acroForm.set(PDFName.of('SigFlags'), PDFNumber.of(3));
    catalog.set(PDFName.of('AcroForm'), acroForm);
    change(rootRef, catalog);
  }

  // The update: new objects, changed objects, a cross-reference table and the trailer.
  const objects = [...changed.values(), [signatureRef, signature] as const, [widgetRef, widget] as const].sort((x, y) => x[0].objectNumber - y[0].objectNumber);
  let text = /[\r\n]$/.test(source) ? '' : '\n';
  const offsets: [number, number, number][] = [];
  for (const [ref, value] of objects) {
    offsets.push([ref.objectNumber, ref.generationNumber, pdf.length + Buffer.byteLength(text, 'latin1')]);
    text += `${ref.objectNumber} ${ref.generationNumber} obj\n${value.toString()}\nendobj\n`;
  }
  const xrefAt = pdf.length + Buffer.byteLength(text, 'latin1');
  text += 'xref\n0 1\n0000000000 65535 f \n';
  for (const [num, gen, offset] of offsets) text += `${num} 1\n${String(offset).padStart(10, '0')} ${String(gen).padStart(5, '0')} n \n`;
  const trailer = context.obj({});
  trailer.set(PDFName.of('Size'), PDFNumber.of(context.largestObjectNumber + 1));
  for (const key of ['Root', 'Info', 'ID'] as const) {
    const value = context.trailerInfo[key];
    if (value) trailer.set(PDFName.of(key), value as PDFObject);
  }
  trailer.set(PDFName.of('Prev'), PDFNumber.of(prev));
  text += `trailer\n${trailer.toString()}\nstartxref\n${xrefAt}\n%%EOF\n`;
  const out = Buffer.concat([pdf, Buffer.from(text, 'latin1')]);

  // The ranges and the value, as signPdf does, in the appended part only.
  const update = out.toString('latin1', pdf.length);
  const rangeText = `[ 0 /${PLACEHOLDER} /${PLACEHOLDER} /${PLACEHOLDER} ]`;
  const contentsText = `<${'0'.repeat(request.contentsHex)}>`;
  const rangeAt = pdf.length + update.indexOf(rangeText);
  const contentsAt = pdf.length + update.indexOf(contentsText);
  if (rangeAt < pdf.length || contentsAt < pdf.length) throw failed('The signature placeholders were not found in the update.');
  const gapEnd = contentsAt + contentsText.length;
  const ranges = `[0 ${contentsAt} ${gapEnd} ${out.length - gapEnd}`;
  if (ranges.length + 1 > rangeText.length) throw failed('The PDF is too large for the ByteRange placeholder.');
  out.write(ranges.padEnd(rangeText.length - 1, ' ') + ']', rangeAt, 'latin1');
  const der = await request.sign(Buffer.concat([out.subarray(0, contentsAt), out.subarray(gapEnd)]));
  const hex = Buffer.from(der).toString('hex');
  if (hex.length > request.contentsHex)
    throw failed(`The signature (${der.length} bytes) does not fit the ${request.contentsHex / 2} bytes reserved in /Contents.`);
  out.write(hex, contentsAt + 1, 'latin1');
  return new Uint8Array(out);
}

export interface CountersignInput {
  pdf: Uint8Array;
  key: string;
  chain: string;
  claimedAt: Date;
  fieldName?: string;
  reason?: string;
  timestamp?: TimestampOptions;
}

/** Adds a CAdES signature (ETSI.CAdES.detached) over the whole signed PDF, as an incremental update. */
export async function countersignPdf(input: CountersignInput): Promise<Uint8Array> {
  const leaf = parseCertificates(input.chain)[0]!;
  return appendSigned(input.pdf, {
    fieldName: input.fieldName ?? 'InfracastCountersignature',
    contentsHex: input.timestamp ? 32_768 : 16_384,
    dictionary: (lib, context) => {
      const dict = context.obj({ Type: 'Sig', Filter: 'Adobe.PPKLite', SubFilter: 'ETSI.CAdES.detached' });
      dict.set(lib.PDFName.of('M'), lib.PDFString.fromDate(input.claimedAt));
      const name = commonName(leaf);
      const email = certificateEmail(leaf);
      if (name) dict.set(lib.PDFName.of('Name'), lib.PDFHexString.fromText(name));
      if (email) dict.set(lib.PDFName.of('ContactInfo'), lib.PDFHexString.fromText(email));
      if (input.reason) dict.set(lib.PDFName.of('Reason'), lib.PDFHexString.fromText(input.reason));
      return dict;
    },
    sign: async (ranges) => {
      let cms = await signDetached({ data: ranges, key: input.key, chain: input.chain });
      if (input.timestamp) cms = addTimestampToken(cms, (await requestTimestamp(signatureValue(cms), input.timestamp)).token);
      return cms;
    },
  });
}

export interface ExternalSignatureInput {
  pdf: Uint8Array;
  subFilter: 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached';
  fieldName: string;
  /** Hex characters to reserve in /Contents (twice the largest CMS expected). */
  contentsHex: number;
  claimedAt: Date;
  /** Any CMS signer (an HSM, OpenSSL): returns the detached CMS over the bytes of the ranges. */
  sign: (ranges: Uint8Array) => Promise<Uint8Array> | Uint8Array;
}

/** Adds a signature made by another signer, as an incremental update (also the first signature of an unsigned PDF). */
export async function appendExternalSignature(input: ExternalSignatureInput): Promise<Uint8Array> {
  return appendSigned(input.pdf, {
    fieldName: input.fieldName,
    contentsHex: input.contentsHex,
    dictionary: (lib, context) => {
      const dict = context.obj({ Type: 'Sig', Filter: 'Adobe.PPKLite', SubFilter: input.subFilter });
      dict.set(lib.PDFName.of('M'), lib.PDFString.fromDate(input.claimedAt));
      return dict;
    },
    sign: async (ranges) => input.sign(ranges),
  });
}

/**
 * Adds a document timestamp (PAdES B-LTA): an RFC 3161 token over sha256 of the byte ranges of the
 * whole file so far, DSS included, so the validation data is itself time-stamped.
 */
export async function addDocumentTimestamp(pdf: Uint8Array, timestamp: TimestampOptions, fieldName = 'InfracastDocumentTimestamp'): Promise<Uint8Array> {
  return appendSigned(pdf, {
    fieldName,
    // A token with the TSA's chain is 4 to 8 KB.
    contentsHex: 24_576,
    dictionary: (_lib, context) => context.obj({ Type: 'DocTimeStamp', Filter: 'Adobe.PPKLite', SubFilter: 'ETSI.RFC3161' }),
    sign: async (ranges) => (await requestTimestamp(ranges, timestamp)).token,
  });
}
