/**
 * Foreign signatures for the verifier tests (issue 13): CMS made by OpenSSL, not by our signer, so
 * that "standards-conforming but not ours" is tested with an independent implementation.
 *
 * - {@link opensslDetachedCms}: `openssl cms -sign -binary -outform DER` over bytes. OpenSSL writes the
 *   signed attributes contentType, signingTime, messageDigest and S/MIME capabilities, and no ESS
 *   signing-certificate attribute unless `cades` (`-cades`: signingCertificateV2). `indefinite`
 *   (`-stream`) gives indefinite-length BER; OpenSSL 3.0 then embeds the content whatever the other
 *   options, so the helper removes the eContent element from encapContentInfo (every enclosing length
 *   is indefinite, so nothing else changes: the rest is OpenSSL's encoding byte for byte).
 * - {@link placeholderPdf}: a one-page PDF with an unsigned signature field whose /Sig dictionary has a
 *   `/ByteRange [0 /********** /********** /**********]` and a `/Contents <00...>` placeholder
 *   (default `/SubFilter /adbe.pkcs7.detached`, as Acrobat-era signers write), optional Info keys.
 * - {@link fillPlaceholder}: writes the byte ranges into a placeholder PDF, signs the two ranges with
 *   the given function and puts the CMS into /Contents (lowercase or uppercase hex).
 * - {@link opensslSignedPdf}: the two together with OpenSSL as the signer.
 *
 * Shared by the "foreign" and "multisig" helpers' tests; needs `openssl` (callers check with requireTool).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { addSignatureField } from '../../src/signing/pdf.js';
import type { Pki } from './pki.js';

export interface ForeignCmsOptions {
  /** The test PKI signer: `rsa` (leaf-rsa), `ec` (leaf-ec), `other` (other-leaf under the unrelated root). Default `rsa`. */
  signer?: 'rsa' | 'ec' | 'other';
  /** Other signer files, relative to the PKI folder (instead of `signer`): certificate, key, and the certificates to carry. */
  signerFiles?: { cert: string; key: string; chain?: string };
  /** `-cades`: add ESS signingCertificateV2 (CAdES-BES). */
  cades?: boolean;
  /** `-stream`: indefinite-length BER (OpenSSL's streaming encoder). */
  indefinite?: boolean;
  /** Carry the issuing CA and root (`-certfile`); default true. */
  chain?: boolean;
  /** Further `openssl cms -sign` arguments, e.g. `['-nosmimecap']` or `['-md', 'sha384']`. */
  extraArgs?: string[];
}

const SIGNERS = {
  rsa: { cert: 'leaf-rsa.crt', key: 'leaf-rsa.key', chain: 'chain.pem' },
  ec: { cert: 'leaf-ec.crt', key: 'leaf-ec.key', chain: 'chain.pem' },
  other: { cert: 'other-leaf.crt', key: 'other-leaf.key', chain: 'other-root.crt' },
} as const;

/** A detached CMS SignedData over `data`, made by `openssl cms -sign -binary -outform DER` with the test PKI. */
export function opensslDetachedCms(p: Pki, data: Uint8Array, options: ForeignCmsOptions = {}): Buffer {
  const signer = options.signerFiles ?? SIGNERS[options.signer ?? 'rsa'];
  const work = mkdtempSync(join(p.dir, 'foreign-'));
  try {
    writeFileSync(join(work, 'data'), data);
    const args = [
      'cms',
      '-sign',
      '-binary',
      '-in',
      join(work, 'data'),
      '-signer',
      signer.cert,
      '-inkey',
      signer.key,
      '-outform',
      'DER',
      '-out',
      join(work, 'cms'),
    ];
    if (options.chain !== false && signer.chain) args.push('-certfile', signer.chain);
    if (options.cades) args.push('-cades');
    if (options.indefinite) args.push('-stream');
    args.push(...(options.extraArgs ?? []));
    const result = spawnSync('openssl', args, { cwd: p.dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
    const cms = readFileSync(join(work, 'cms'));
    return options.indefinite ? detachStreamed(cms) : cms;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface Tlv {
  start: number;
  contentStart: number;
  /** Offset after the value (after its end-of-contents marker when indefinite). */
  end: number;
}

/** The value starting at `start` (definite or indefinite length). */
function tlvAt(bytes: Uint8Array, start: number): Tlv {
  let i = start + 1;
  let length = bytes[i++]!;
  if (length === 0x80) {
    let at = i;
    while (bytes[at] !== 0 || bytes[at + 1] !== 0) at = tlvAt(bytes, at).end;
    return { start, contentStart: i, end: at + 2 };
  }
  if (length > 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let k = 0; k < count; k++) length = length * 256 + bytes[i++]!;
  }
  return { start, contentStart: i, end: i + length };
}

/** The elements of a constructed value. */
function childrenOf(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let at = parent.contentStart;
  const stop = bytes[parent.start + 1] === 0x80 ? parent.end - 2 : parent.end;
  while (at < stop) {
    const child = tlvAt(bytes, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

/** An OpenSSL streamed (indefinite-length, content embedded) CMS without its eContent: detached. */
function detachStreamed(cms: Buffer): Buffer {
  const contentInfo = tlvAt(cms, 0);
  const explicit = childrenOf(cms, contentInfo)[1]!;
  const signedData = childrenOf(cms, explicit)[0]!;
  const encap = childrenOf(cms, signedData)[2]!;
  if (cms[encap.start + 1] !== 0x80) throw new Error('the streamed CMS has a definite-length encapContentInfo');
  const eContent = childrenOf(cms, encap)[1];
  if (!eContent) return cms;
  return Buffer.concat([cms.subarray(0, eContent.start), cms.subarray(eContent.end)]);
}

export interface PlaceholderOptions {
  subFilter?: 'adbe.pkcs7.detached' | 'ETSI.CAdES.detached';
  /** Hex characters reserved in /Contents; default 16384 (8 KB of CMS). */
  contentsHex?: number;
  /** Info dictionary entries (text strings), e.g. `{ InfracastTenant: 'acme' }`. */
  info?: Record<string, string>;
  /** /M of the signature dictionary. */
  claimedAt?: Date;
}

const BYTE_RANGE_PLACEHOLDER = '**********';

/** A one-page PDF with an unsigned signature placeholder (see the module comment), made with pdf-lib. */
export async function placeholderPdf(options: PlaceholderOptions = {}): Promise<Uint8Array> {
  const lib = await import('@cantoo/pdf-lib');
  const { PDFName, PDFHexString, PDFString, PDFNumber, PDFArray } = lib;
  const doc = await lib.PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(lib.StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  for (let line = 0; line < 20; line++) page.drawText(`Foreign signer test, line ${line}: evidence reviewed.`, { x: 54, y: 740 - line * 18, size: 11, font });
  const { context } = doc;
  const info = context.obj({});
  for (const [key, value] of Object.entries(options.info ?? {})) info.set(PDFName.of(key), PDFHexString.fromText(value));
  context.trailerInfo.Info = context.register(info);

  const byteRange = PDFArray.withContext(context);
  byteRange.push(PDFNumber.of(0));
  for (let i = 0; i < 3; i++) byteRange.push(PDFName.of(BYTE_RANGE_PLACEHOLDER));
  const signature = context.obj({ Type: 'Sig', Filter: 'Adobe.PPKLite', SubFilter: options.subFilter ?? 'adbe.pkcs7.detached' });
  signature.set(PDFName.of('ByteRange'), byteRange);
  signature.set(PDFName.of('Contents'), PDFHexString.of('0'.repeat(options.contentsHex ?? 16_384)));
  signature.set(PDFName.of('M'), PDFString.fromDate(options.claimedAt ?? new Date('2026-11-29T12:00:00Z')));
  addSignatureField(lib, doc, signature, 'ForeignSignature');
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}

/**
 * Fills the placeholder of `pdf`: the /ByteRange numbers, then `sign(the two ranges)` as hex in
 * /Contents, zero-padded. Throws when the placeholders are not there exactly once or the CMS does not fit.
 */
export function fillPlaceholder(pdf: Uint8Array, sign: (signed: Buffer) => Uint8Array, options: { uppercase?: boolean } = {}): Buffer {
  const out = Buffer.from(pdf);
  const text = out.toString('latin1');
  const range = /\/ByteRange\s*\[\s*0\s+\/\*{10}\s+\/\*{10}\s+\/\*{10}\s*\]/.exec(text);
  const contents = /\/Contents\s*<(0+)>/.exec(text);
  if (!range || !contents || text.indexOf('/ByteRange', range.index + 1) !== -1) throw new Error('the PDF has no single signature placeholder');
  const gapStart = contents.index + contents[0].indexOf('<');
  const gapEnd = gapStart + contents[1]!.length + 2;
  const numbers = `/ByteRange [0 ${gapStart} ${gapEnd} ${out.length - gapEnd}`;
  if (numbers.length + 1 > range[0].length) throw new Error('the ByteRange placeholder is too short');
  out.write(numbers.padEnd(range[0].length - 1, ' ') + ']', range.index, 'latin1');
  const cms = sign(Buffer.concat([out.subarray(0, gapStart), out.subarray(gapEnd)]));
  let hex = Buffer.from(cms).toString('hex');
  if (options.uppercase) hex = hex.toUpperCase();
  if (hex.length > contents[1]!.length) throw new Error(`the CMS (${cms.length} bytes) does not fit /Contents`);
  out.write(hex, gapStart + 1, 'latin1');
  return out;
}

/** A placeholder PDF signed by `openssl cms -sign` (see {@link opensslDetachedCms} for what OpenSSL puts in the CMS). */
export async function opensslSignedPdf(p: Pki, options: PlaceholderOptions & ForeignCmsOptions & { uppercase?: boolean } = {}): Promise<Buffer> {
  const pdf = await placeholderPdf(options);
  return fillPlaceholder(pdf, (signed) => opensslDetachedCms(p, signed, options), options.uppercase ? { uppercase: true } : {});
}

/** The byte ranges and the CMS of a PDF made by {@link fillPlaceholder} (for `openssl cms -verify` of the same bytes). */
export function signedParts(pdf: Uint8Array): { signed: Buffer; cms: Buffer } {
  const buffer = Buffer.from(pdf);
  const m = /\/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(buffer.toString('latin1'));
  if (!m) throw new Error('no /ByteRange');
  const [a, b] = [Number(m[1]), Number(m[2])];
  const cms = firstBerValue(Buffer.from(buffer.subarray(a + 1, b - 1).toString('latin1'), 'hex'));
  return { signed: Buffer.concat([buffer.subarray(0, a), buffer.subarray(b)]), cms };
}

/**
 * The ASN.1 value at the start of a signature's decoded /Contents, without the zero padding. Its own
 * length decides (definite, or indefinite ending in 00 00 like the padding): stripping trailing zero
 * bytes would also strip a signature or token whose last byte is 00 (one in 256).
 */
export function firstBerValue(contents: Buffer): Buffer {
  const parsed = asn1js.fromBER(contents.buffer.slice(contents.byteOffset, contents.byteOffset + contents.byteLength));
  if (parsed.offset === -1) throw new Error('/Contents does not start with an ASN.1 value');
  return contents.subarray(0, parsed.offset);
}
