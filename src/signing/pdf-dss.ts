/**
 * The PDF Document Security Store (ISO 32000-2 section 12.8.4.3, ETSI EN 319 142-1 section 5.4.2,
 * PAdES B-LT): validation data kept in the PDF so that a signature can be verified years later with
 * no network: the certificates of the signer's and the TSA's paths (/Certs), CRLs (/CRLs) and OCSP
 * responses (/OCSPs), each a stream holding the DER, and per signature a /VRI entry keyed by the
 * uppercase hex SHA-1 of the signature's /Contents bytes (the decoded string, padding included)
 * naming the data that applies to it.
 *
 * Writing is an incremental update appended after the signed bytes (the signature's byte ranges are
 * untouched): the new streams, the DSS and VRI dictionaries, a new revision of the catalog that adds
 * /DSS (every other catalog entry kept as it was), and a classic cross-reference section whose /Prev
 * is the previous one. A DSS already there is kept and extended. The writer is hand-made rather than
 * pdf-lib's incremental save so that the update holds exactly these objects and nothing else (a
 * verifier classifies updates by what they change).
 */
import { createHash } from 'node:crypto';
import type * as PdfLibModule from '@cantoo/pdf-lib';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { ExitCode, InfracastError } from '../errors.js';
import { exactArrayBuffer } from './bytes.js';
import { OID } from './cms.js';
import { collectValidationData, type RevocationFetcher } from './revocation.js';

type PdfLib = typeof PdfLibModule;
type PDFDict = PdfLib['PDFDict']['prototype'];

/** Validation data: DER blobs. */
export interface DssData {
  certs: Uint8Array[];
  crls: Uint8Array[];
  ocsps: Uint8Array[];
}

export interface DssContents extends DssData {
  /** The /VRI keys present (uppercase hex SHA-1 of a signature's /Contents). */
  vri: string[];
}

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
const sha1Hex = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex').toUpperCase();

/** The /VRI key of a signature: uppercase hex SHA-1 of its /Contents string's bytes (padding included). */
export const vriKey = (contents: Uint8Array): string => sha1Hex(contents);

/** Whether the file mentions a DSS at all (a cheap test before parsing). */
export const mentionsDss = (pdf: Uint8Array): boolean => /\/DSS\b/.test(latin1(pdf));

/**
 * The /Contents bytes of every signature dictionary, in file order, found by /ByteRange: the gap between
 * a signature's two ranges is its /Contents hex string.
 */
export function signatureContents(pdf: Uint8Array): Uint8Array[] {
  const source = latin1(pdf);
  const out: Uint8Array[] = [];
  for (const match of source.matchAll(/\/ByteRange\s*\[\s*(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s*\]/g)) {
    const [a, b] = [Number(match[2]), Number(match[3])];
    if (source[a] !== '<' || source[b - 1] !== '>') continue;
    const hex = source.slice(a + 1, b - 1);
    if (/^[0-9a-fA-F]*$/.test(hex) && hex.length % 2 === 0) out.push(Buffer.from(hex, 'hex'));
  }
  return out;
}

async function loadPdf(lib: PdfLib, pdf: Uint8Array): Promise<PdfLibModule.PDFDocument> {
  return lib.PDFDocument.load(pdf, { updateMetadata: false, parseSpeed: lib.ParseSpeeds.Fastest, throwOnInvalidObject: true });
}

function streamsOf(lib: PdfLib, dss: PDFDict, key: string): Uint8Array[] {
  const array = dss.lookup(lib.PDFName.of(key));
  if (!(array instanceof lib.PDFArray)) return [];
  const out: Uint8Array[] = [];
  for (let i = 0; i < array.size(); i++) {
    const stream = array.lookup(i);
    if (stream instanceof lib.PDFRawStream) out.push(lib.decodePDFRawStream(stream).decode());
  }
  return out;
}

/** The DSS of a PDF (the latest revision's catalog), or undefined when there is none or it cannot be read. */
export async function readDss(pdf: Uint8Array): Promise<DssContents | undefined> {
  if (!mentionsDss(pdf)) return undefined;
  const lib = await import('@cantoo/pdf-lib');
  try {
    const doc = await loadPdf(lib, pdf);
    const dss = doc.catalog.lookup(lib.PDFName.of('DSS'));
    if (!(dss instanceof lib.PDFDict)) return undefined;
    const vri = dss.lookup(lib.PDFName.of('VRI'));
    return {
      certs: streamsOf(lib, dss, 'Certs'),
      crls: streamsOf(lib, dss, 'CRLs'),
      ocsps: streamsOf(lib, dss, 'OCSPs'),
      vri: vri instanceof lib.PDFDict ? vri.keys().map((k) => k.decodeText()) : [],
    };
  } catch {
    // A DSS is outside every signature: an unreadable one is simply no data (revocation then says why).
    return undefined;
  }
}

const refText = (n: number): string => `${n} 0 R`;

/**
 * Appends a DSS incremental update holding `data` for the signature whose /Contents bytes are
 * `contents` (see the module comment). Identical blobs are stored once, and blobs already in an
 * existing DSS are referenced, not copied.
 */
export async function appendDss(pdf: Uint8Array, contents: Uint8Array, data: DssData): Promise<Uint8Array> {
  const lib = await import('@cantoo/pdf-lib');
  const { PDFName, PDFArray, PDFDict: Dict, PDFRef } = lib;
  const doc = await loadPdf(lib, pdf);
  const source = latin1(pdf);
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(source.slice(-1024));
  if (!startxref) throw new InfracastError('SIGNING_FAILED', 'The signed PDF does not end with startxref and %%EOF: no DSS can be appended.');
  const previous = Number(startxref[1]);
  if (!/^xref\b/.test(source.slice(previous, previous + 4)))
    throw new InfracastError('SIGNING_FAILED', 'The signed PDF uses a cross-reference stream; the DSS writer appends classic cross-reference sections only.');

  const rootRef = doc.context.trailerInfo.Root;
  if (!(rootRef instanceof PDFRef)) throw new InfracastError('SIGNING_FAILED', 'The signed PDF has no indirect /Root catalog.');
  const catalog = doc.catalog.clone(doc.context);
  const existing = doc.catalog.lookup(PDFName.of('DSS'));
  const old = existing instanceof Dict ? existing : undefined;

  let next = doc.context.largestObjectNumber + 1;
  const chunks: string[] = [];
  const offsets = new Map<number, number>();
  let position = pdf.length + (source.endsWith('\n') ? 0 : 1);
  const prefix = source.endsWith('\n') ? '' : '\n';
  const emit = (objectNumber: number, body: string): void => {
    const text = `${objectNumber} 0 obj\n${body}\nendobj\n`;
    offsets.set(objectNumber, position);
    chunks.push(text);
    position += Buffer.byteLength(text, 'latin1');
  };

  // Blobs already stored keep their object; new ones get a stream each.
  const known = new Map<string, string>();
  if (old)
    for (const key of ['Certs', 'CRLs', 'OCSPs']) {
      const array = old.lookup(PDFName.of(key));
      if (!(array instanceof PDFArray)) continue;
      for (let i = 0; i < array.size(); i++) {
        const ref = array.get(i);
        const stream = array.lookup(i);
        if (ref instanceof PDFRef && stream instanceof lib.PDFRawStream) known.set(sha1Hex(lib.decodePDFRawStream(stream).decode()), ref.toString());
      }
    }
  const store = (blobs: Uint8Array[]): string[] => {
    const refs: string[] = [];
    for (const blob of blobs) {
      const id = sha1Hex(blob);
      let ref = known.get(id);
      if (!ref) {
        const number = next++;
        emit(number, `<< /Length ${blob.length} >>\nstream\n${latin1(blob)}\nendstream`);
        ref = refText(number);
        known.set(id, ref);
      }
      if (!refs.includes(ref)) refs.push(ref);
    }
    return refs;
  };
  const certs = store(data.certs);
  const crls = store(data.crls);
  const ocsps = store(data.ocsps);

  const merged = (key: string, added: string[]): string => {
    const array = old?.lookup(PDFName.of(key));
    const all: string[] = [];
    if (array instanceof PDFArray) for (let i = 0; i < array.size(); i++) all.push(array.get(i).toString());
    for (const ref of added) if (!all.includes(ref)) all.push(ref);
    return `[${all.join(' ')}]`;
  };
  const vriEntries: string[] = [];
  const oldVri = old?.lookup(PDFName.of('VRI'));
  const key = vriKey(contents);
  if (oldVri instanceof Dict)
    for (const [name, value] of oldVri.entries()) if (name.decodeText() !== key) vriEntries.push(`${name.toString()} ${value.toString()}`);
  const vriNumber = next++;
  emit(vriNumber, `<< /Cert [${certs.join(' ')}] /CRL [${crls.join(' ')}] /OCSP [${ocsps.join(' ')}] >>`);
  vriEntries.push(`/${key} ${refText(vriNumber)}`);
  const dssNumber = next++;
  emit(
    dssNumber,
    `<< /Type /DSS /Certs ${merged('Certs', certs)} /CRLs ${merged('CRLs', crls)} /OCSPs ${merged('OCSPs', ocsps)} /VRI << ${vriEntries.join(' ')} >> >>`,
  );
  catalog.set(PDFName.of('DSS'), PDFRef.of(dssNumber));
  emit(rootRef.objectNumber, catalog.toString());
  if (rootRef.generationNumber !== 0)
    throw new InfracastError('SIGNING_FAILED', 'The PDF catalog has a non-zero generation number; the DSS writer does not handle it.');

  // The cross-reference section: one subsection per run of consecutive object numbers.
  const numbers = [...offsets.keys()].sort((a, b) => a - b);
  let xref = 'xref\n';
  for (let i = 0; i < numbers.length;) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    xref += `${numbers[i]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) xref += `${String(offsets.get(numbers[k]!)).padStart(10, '0')} 00000 n \n`;
    i = j + 1;
  }
  const trailer = doc.context.trailerInfo;
  const extra = [
    trailer.Info ? `/Info ${trailer.Info.toString()}` : '',
    trailer.ID ? `/ID ${trailer.ID.toString()}` : '',
    trailer.Encrypt ? `/Encrypt ${trailer.Encrypt.toString()}` : '',
  ].filter(Boolean);
  const update = `${prefix}${chunks.join('')}${xref}trailer\n<< /Size ${next} /Root ${rootRef.toString()} ${extra.join(' ')} /Prev ${previous} >>\nstartxref\n${position}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(update, 'latin1')]);
}

/** The certificates a signature's CMS carries, and those of its signature timestamp token. */
function certificatesOfSignature(contents: Uint8Array): pkijs.Certificate[] {
  const bagOf = (schema: asn1js.AsnType): { signedData: pkijs.SignedData; certs: pkijs.Certificate[] } => {
    const signedData = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema }).content });
    return { signedData, certs: (signedData.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate) };
  };
  const { signedData, certs } = bagOf(asn1js.fromBER(exactArrayBuffer(contents)).result);
  const token = signedData.signerInfos[0]?.unsignedAttrs?.attributes.find((a) => a.type === OID.signatureTimeStampToken)?.values[0] as
    asn1js.AsnType | undefined;
  return token ? [...certs, ...bagOf(token).certs] : certs;
}

/**
 * PAdES B-LT: fetches the revocation data of the newest signature's certificates (signer and TSA
 * paths) with `fetch` and appends it as a DSS. Fails with exit 3 when any certificate's data cannot
 * be had: a B-LT file without it would not verify later.
 */
export async function addValidationData(pdf: Uint8Array, fetch: RevocationFetcher): Promise<Uint8Array> {
  const contents = signatureContents(pdf).at(-1);
  if (!contents) throw new InfracastError('SIGNING_FAILED', 'The PDF has no signature to add validation data for.');
  const certificates = certificatesOfSignature(contents);
  const { crls, ocsps, problems } = await collectValidationData(certificates, fetch);
  if (problems.length > 0)
    throw new InfracastError(
      'SIGNING_VALIDATION_DATA_UNAVAILABLE',
      `PAdES B-LT needs current revocation data for every certificate, and ${problems.join('; ')}.`,
      {
        exitCode: ExitCode.Environment,
        hints: [
          'Allow the CRL and OCSP hosts the certificates name in network.allowed_hosts (see the error), check that they answer, or sign at signing.pades_level: B-T.',
        ],
      },
    );
  return appendDss(pdf, contents, { certs: certificates.map((c) => new Uint8Array(c.toSchema().toBER())), crls, ocsps });
}
