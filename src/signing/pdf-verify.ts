/**
 * Verifying the embedded signatures of a PDF (pure JS, never throws): every signature and document
 * timestamp, and every incremental update after the first signed revision.
 *
 * 1. Each /ByteRange is [0 a b c]: the gap [a, b) is exactly its /Contents hex string, holding one
 *    CMS (or RFC 3161 token) then '0' padding, in one case (the hex of a signature is written in one
 *    go, lowercase or uppercase; both are ISO 32000 hexadecimal strings), and the ranges end at the end
 *    of a revision (`startxref N %%EOF`). The last signed revision ends at the end of the file, or what
 *    follows it is itself a complete incremental update. Every byte is thus signed, pinned by these
 *    rules, or part of an update that step 3 reads.
 * 2. Each signature's CMS is checked over its ranges by cms-verify.ts (SubFilter ETSI.CAdES.detached or
 *    adbe.pkcs7.detached); a document timestamp's token (ETSI.RFC3161) by its imprint, signature and
 *    TSA chain at its genTime.
 * 3. Each update after the first signed revision may only add signatures, document timestamps and
 *    DSS data (pdf-updates.ts); one that changes anything else makes every signature of the revisions
 *    before it `tampered`, and the check names the revision and the objects.
 * 4. The report metadata is read from the Info dictionary of the first signed revision, never from a
 *    later update; the claimed time from each signature's /M.
 *
 * Only the objects these steps need are parsed (pdf-revisions.ts), not the whole document.
 */
import { createHash } from 'node:crypto';
import { checkTimestamp, isoSeconds, verifyDetachedCms } from './cms-verify.js';
import { classifyUpdate } from './pdf-updates.js';
import { PdfDict, PdfName, PdfString, pdfDate } from './pdf-objects.js';
import { PdfFile, PdfStructureError, type Revision } from './pdf-revisions.js';
import { berLength, byteRangePositions, valueReferences } from './pdf-search.js';
import { parseCertificate, certificateBytes } from './x509-certificate.js';
import {
  worstStatus,
  type PdfSignatureReport,
  type SignatureProfile,
  type TrustAnchors,
  type Verification,
  type VerificationCheck,
  type VerificationStatus,
} from './verification.js';

/** Traces that a file had a signature, even when its structure no longer parses. */
export const SIGNATURE_TRACE = /\/ByteRange|\/Type\s*\/Sig\b|\/Type\s*\/DocTimeStamp\b|\/ETSI\.CAdES|\/adbe\.pkcs7|\/ETSI\.RFC3161/;

const BYTE_RANGE = /\/ByteRange\s*\[\s*(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s*\]/y;
const REVISION_END = /startxref[ \t\r\n\f\0]+\d{1,10}[ \t\r\n\f\0]+%%EOF[ \t\r\n\f\0]*$/;
const CMS_SUBFILTERS = new Set(['ETSI.CAdES.detached', 'adbe.pkcs7.detached']);
const TIMESTAMP_SUBFILTER = 'ETSI.RFC3161';

/** The Info dictionary keys of the report metadata (pdf.ts writes them, the verifier reads them). */
export const INFO_KEYS = {
  tenant: 'InfracastTenant',
  framework: 'InfracastFramework',
  report_type: 'InfracastReportType',
  generated_at: 'InfracastGeneratedAt',
  signer: 'InfracastSigner',
} as const;

/** One /ByteRange as found in the file. */
interface Found {
  at: number;
  a: number;
  b: number;
  end: number;
  /** /Contents decoded, padding included; `der` is the CMS or token at its start. */
  raw: Buffer;
  der: Buffer;
}

/**
 * Verifies every embedded signature of a PDF against `trust`. Never throws: any input bytes give a
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
    // The file is read by byte searches and small slices (pdf-revisions.ts), never copied whole into a string.
    const file = new PdfFile(bytes);
    const positions = byteRangePositions(file);
    // /ByteRange is itself a trace: the other traces are looked for only when there is none.
    if (positions.length === 0 && !SIGNATURE_TRACE.test(file.text)) {
      const isPdf = file.slice(0, 1024).includes('%PDF-');
      checks.push({ name: 'signature-count', result: 'fail', detail: isPdf ? 'the PDF has no signature' : 'not a PDF, and no signature' });
      return { status: isPdf ? 'unsigned' : 'malformed', format: 'pdf', checks };
    }
    if (positions.length === 0) return tampered('signature-count', 'signature traces but no /ByteRange: a signature was removed or damaged');
    checks.push({ name: 'signature-count', result: 'pass', detail: `${positions.length} signature${positions.length > 1 ? 's' : ''}` });

    // 1. The ranges and the /Contents encoding.
    const found: Found[] = [];
    const len = bytes.length;
    for (const at of positions) {
      const match = file.execAt(BYTE_RANGE, at);
      if (!match) return tampered('byte-range', `the /ByteRange at byte ${at} is not an array of four numbers`);
      const [start, a, b, tail] = match.slice(1).map(Number) as [number, number, number, number];
      if (start !== 0) return tampered('byte-range', `the first range starts at ${start}, not 0`);
      if (!(a > 0 && b > a + 1 && b + tail <= len)) return tampered('byte-range', `the ranges [0, ${a}) and [${b}, ${b + tail}) are out of bounds or overlap`);
      if (bytes[a] !== 0x3c || bytes[b - 1] !== 0x3e) return tampered('byte-range', 'the gap between the ranges is not exactly the /Contents hex string');
      const hex = file.slice(a + 1, b - 1);
      const digits = /^[0-9a-f]*$/.test(hex) || /^[0-9A-F]*$/.test(hex);
      if (!digits)
        return tampered(
          'contents-encoding',
          '/Contents is not hexadecimal digits in one case: a space, another character or a case change where no signature covers the bytes (a reader may decode some of these to the same value, but signers write the hex in one go: it was edited)',
        );
      const raw = Buffer.from(hex.length % 2 === 0 ? hex : `${hex}0`, 'hex');
      const length = berLength(raw);
      if (length === undefined || length > raw.length) return tampered('contents-encoding', '/Contents does not start with an ASN.1 SEQUENCE that fits it');
      if (!/^0*$/.test(hex.slice(2 * length))) return tampered('contents-encoding', '/Contents has something other than 0 after the CMS');
      found.push({ at, a, b, end: b + tail, raw, der: raw.subarray(0, length) });
    }
    found.sort((x, y) => x.end - y.end);
    for (const [i, sig] of found.entries()) {
      const previous = found[i - 1];
      if (previous && (sig.end === previous.end || sig.a < previous.end))
        return tampered('byte-range', `two signatures cover the same revision, or one's /Contents lies inside an earlier revision (ending at ${previous.end})`);
      if (sig.end < len && !REVISION_END.test(file.slice(Math.max(0, sig.end - 64), sig.end)))
        return tampered(
          'byte-range',
          `the signed ranges end at ${sig.end}, which is not the end of a revision ("startxref … %%EOF"), and the file goes on to ${len}`,
        );
    }
    const last = found[found.length - 1]!;
    if (last.end < len && !REVISION_END.test(file.slice(Math.max(last.end, len - 64), len)))
      return tampered('byte-range', `the signed ranges end at ${last.end}, the file at ${len}: bytes were added that are not an incremental update`);
    checks.push({
      name: 'byte-range',
      result: 'pass',
      detail:
        found.length === 1 && last.end === len
          ? `[0 ${last.a} ${last.b} ${len - last.b}] covers the whole file but /Contents`
          : `${found.length} signed revisions, ending at ${found.map((f) => f.end).join(', ')} of ${len} bytes`,
    });
    checks.push({
      name: 'contents-encoding',
      result: 'pass',
      detail: found.map((f) => `${f.der.length}-byte CMS, ${(f.b - f.a - 2) / 2 - f.der.length} bytes of padding`).join('; '),
    });

    // 2. The signature dictionaries and each signature's cryptography.
    const reports: (PdfSignatureReport & { found: Found; verification: Verification; m?: string })[] = [];
    for (const sig of found) {
      const dict = signatureDictionary(file, sig);
      if (typeof dict === 'string') return tampered('signature-dictionary', dict);
      // Views, not a copy: the digest is updated over both parts (a 10 MB report is not copied per signature).
      const ranges = [bytes.subarray(0, sig.a), bytes.subarray(sig.b, sig.end)];
      const verification =
        dict.subFilter === TIMESTAMP_SUBFILTER
          ? await verifyDocumentTimestamp(sig.der, ranges, trust)
          : CMS_SUBFILTERS.has(dict.subFilter)
            ? await verifyDetachedCms(sig.der, ranges, trust, { profile: 'PAdES' })
            : {
                status: 'malformed' as const,
                checks: [
                  {
                    name: 'subfilter',
                    result: 'fail' as const,
                    detail: `/SubFilter /${dict.subFilter} is not supported (ETSI.CAdES.detached, adbe.pkcs7.detached, ETSI.RFC3161)`,
                  },
                ],
              };
      // An unreadable CMS in a file that carries a signature is an altered signature.
      const supported = dict.subFilter === TIMESTAMP_SUBFILTER || CMS_SUBFILTERS.has(dict.subFilter);
      const status: VerificationStatus = verification.status === 'malformed' && supported ? 'tampered' : verification.status;
      reports.push({
        field: dict.field ?? null,
        kind: dict.subFilter === TIMESTAMP_SUBFILTER ? 'document-timestamp' : 'signature',
        subfilter: dict.subFilter,
        status,
        revision: 0,
        signed_bytes: sig.end,
        ...(verification.signed_by !== undefined ? { signed_by: verification.signed_by } : {}),
        ...(verification.signed_at !== undefined ? { signed_at: verification.signed_at } : {}),
        ...(verification.signed_at_source !== undefined ? { signed_at_source: verification.signed_at_source } : {}),
        checks: verification.checks,
        found: sig,
        verification: { ...verification, status },
        ...(dict.m !== undefined ? { m: dict.m } : {}),
      });
    }
    const label = (r: (typeof reports)[number]): string =>
      `${r.kind === 'document-timestamp' ? 'document timestamp' : 'signature'} ${r.field ?? `at byte ${r.found.at}`}`;
    const many = reports.length > 1;
    for (const r of reports)
      checks.push(
        ...r.checks.map((c) => (many && c.detail !== undefined ? { ...c, detail: `${label(r)}: ${c.detail}` } : many ? { ...c, detail: label(r) } : c)),
      );
    const first = reports.find((r) => r.kind === 'signature') ?? reports[0]!;
    if (reports.some((r) => r.status === 'tampered') && !many) return { ...first.verification, status: 'tampered', format: 'pdf', checks };

    // 3. The revisions and what each update after the first signed one changes, one update at a time.
    const signedRevisions: Revision[] = found.map((f) => file.revision(f.end));
    const final = last.end < len ? file.revision(len) : signedRevisions[signedRevisions.length - 1]!;
    for (const [i, r] of reports.entries()) {
      const own = signedRevisions[i]!;
      r.revision = own.chain.length;
      const tail = final.chain.slice(final.chain.length - own.chain.length);
      if (own.chain.length > final.chain.length || tail.some((section, k) => section.offset !== own.chain[k]!.offset))
        return tampered('revisions', `the file's cross-reference chain does not go through the revision ${label(r)} signed (ending at ${r.found.end})`);
    }
    const updates = file.updates(final, signedRevisions[0]!);
    let dssAfter = Infinity;
    for (let k = 1; k < updates.length; k++) {
      const [before, after] = [updates[k - 1]!, updates[k]!];
      const where = `revision ${after.chain.length} (bytes ${before.end} to ${after.end})`;
      const findings =
        after.chain[0]!.offset >= before.end
          ? classifyUpdate(
              file,
              before,
              after,
              found.some((f) => f.end > before.end && f.end <= after.end),
            )
          : { added: [], disallowed: [`its cross-reference section lies before byte ${before.end}`], dss: false };
      if (findings.dss) dssAfter = Math.min(dssAfter, after.end);
      if (findings.disallowed.length === 0) {
        checks.push({
          name: 'incremental-update',
          result: 'pass',
          detail: `${where} adds ${findings.added.join(', ') || 'nothing that changes the document'}`,
        });
        continue;
      }
      const altered = reports.filter((r) => r.found.end <= before.end);
      checks.push({
        name: 'incremental-update',
        result: 'fail',
        detail: `${where} changes what ${altered.map(label).join(', ')} signed: ${findings.disallowed.join('; ')}`,
      });
      for (const r of altered) {
        r.status = 'tampered';
        r.checks = [
          ...r.checks,
          {
            name: 'incremental-update',
            result: 'fail',
            detail: `revision ${after.chain.length} alters revision ${r.revision}: ${findings.disallowed.join('; ')}`,
          },
        ];
      }
    }

    // 4. Time, profile and metadata.
    const stamps = reports.filter((r) => r.kind === 'document-timestamp' && r.status === 'valid');
    for (const r of reports) {
      if (r.kind === 'signature' && r.signed_at_source !== 'rfc3161' && r.m !== undefined) {
        r.signed_at = r.m;
        r.signed_at_source = 'claimed-by-signer';
      }
      r.profile = profileOf(r, stamps, dssAfter);
    }
    const status = worstStatus(reports.map((r) => r.status));
    const signatures: PdfSignatureReport[] = reports.map(({ found: _found, verification: _verification, m: _m, ...entry }) => entry);
    const result: Verification = {
      ...first.verification,
      status,
      format: 'pdf',
      checks,
      signatures,
      ...(first.signed_at !== undefined ? { signed_at: first.signed_at } : {}),
      ...(first.signed_at_source !== undefined ? { signed_at_source: first.signed_at_source } : {}),
      ...(first.profile ? { profile: first.profile } : {}),
    };
    if (status === 'tampered') return result;
    return withMetadata(file, signedRevisions[reports.indexOf(first)]!, result);
  } catch (cause) {
    if (cause instanceof PdfStructureError) return tampered('revisions', cause.message);
    return tampered('internal', `verification stopped: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

interface SignatureDictionary {
  subFilter: string;
  field?: string;
  m?: string;
}

/** The dictionary holding the /ByteRange at `sig.at` (its object starts before both the range and /Contents). */
function signatureDictionary(file: PdfFile, sig: Found): SignatureDictionary | string {
  const from = Math.min(sig.at, sig.a);
  const located = enclosingObject(file, from);
  if (!located) return `no object holds the /ByteRange at byte ${sig.at}`;
  const [num, offset] = located;
  let dict;
  try {
    dict = file.indirectAt(offset, num);
  } catch (cause) {
    return `the signature dictionary (object ${num}) does not parse: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
  if (!(dict instanceof PdfDict)) return `object ${num}, which holds a /ByteRange, is not a dictionary`;
  const range = dict.get('ByteRange');
  // The dictionary read must be the one whose range and value were checked (not an earlier object's).
  if (!Array.isArray(range) || range.join(' ') !== `0 ${sig.a} ${sig.b} ${sig.end - sig.b}`)
    return `object ${num}'s /ByteRange is not the one at byte ${sig.at}`;
  const contents = dict.get('Contents');
  // And its /Contents the string in the gap (not another one elsewhere).
  if (!(contents instanceof PdfString) || !contents.hex || !Buffer.from(contents.bytes).equals(sig.raw))
    return `object ${num}'s /Contents is not the hexadecimal string between its byte ranges`;
  const subFilter = dict.name('SubFilter');
  if (subFilter === undefined) return `object ${num} has no /SubFilter`;
  const type = dict.get('Type');
  const typeName = type instanceof PdfName ? type.name : undefined;
  if (subFilter === TIMESTAMP_SUBFILTER ? typeName !== 'DocTimeStamp' : type !== undefined && typeName !== 'Sig')
    return `object ${num} is a ${typeName ? `/${typeName}` : 'dictionary without /Type'} with /SubFilter /${subFilter}`;
  const out: SignatureDictionary = { subFilter };
  const m = dict.text('M');
  const date = m === undefined ? undefined : pdfDate(m);
  // An unreadable /M claims nothing.
  if (date) out.m = isoSeconds(date);
  const field = fieldName(file, num);
  if (field !== undefined) out.field = field;
  return out;
}

/** The number and offset of the last `N G obj` that starts within 64 KB before `position` (a signature dictionary's entries before /ByteRange and /Contents). */
function enclosingObject(file: PdfFile, position: number): [number, number] | undefined {
  const start = Math.max(0, position - 65_536);
  const headers = [...file.slice(start, position).matchAll(/(\d{1,10})[ \t\r\n\f\0]+(\d{1,5})[ \t\r\n\f\0]+obj\b/g)];
  const header = headers[headers.length - 1];
  return header ? [Number(header[1]), start + header.index] : undefined;
}

/** The /T of the field whose /V is object `num` (found by its reference, then read as an object). */
function fieldName(file: PdfFile, num: number): string | undefined {
  for (const at of valueReferences(file, num)) {
    const located = enclosingObject(file, at);
    if (!located) continue;
    try {
      const field = file.indirectAt(located[1], located[0]);
      const t = field instanceof PdfDict ? field.text('T') : undefined;
      if (t !== undefined) return t;
    } catch {
      // Not a field after all; keep looking.
    }
  }
  return undefined;
}

/**
 * A document timestamp (ETSI.RFC3161): the token's imprint is sha256 of the byte ranges, its signature
 * and certificates hold, and the TSA (critical timeStamping EKU) chains to a trust anchor at genTime.
 */
async function verifyDocumentTimestamp(token: Uint8Array, parts: Uint8Array[], trust: TrustAnchors): Promise<Verification> {
  const checks: VerificationCheck[] = [];
  // pkijs checks the token's imprint over one buffer, so a document timestamp's ranges are joined here.
  const ranges = Buffer.concat(parts);
  const base: Verification = { status: 'valid', signed_content_sha256: createHash('sha256').update(ranges).digest('hex'), checks };
  let anchors: Uint8Array[] = certificateBytes(trust.caPem ?? '');
  try {
    for (const anchor of anchors) parseCertificate(anchor);
  } catch {
    // An unreadable anchor: the anchors given trust nothing.
    anchors = [];
  }
  const outcome = await checkTimestamp(token, ranges, anchors);
  if (outcome.broken) {
    checks.push({ name: 'document-timestamp', result: 'fail', detail: outcome.broken });
    return { ...base, status: 'tampered' };
  }
  const at = isoSeconds(outcome.genTime!);
  if (outcome.untrustedReason) {
    checks.push({ name: 'document-timestamp', result: 'fail', detail: outcome.untrustedReason });
    return { ...base, status: 'untrusted', signed_at: at, signed_at_source: 'rfc3161', ...(outcome.tsa ? { signed_by: outcome.tsa } : {}) };
  }
  checks.push({ name: 'document-timestamp', result: 'pass', detail: `RFC 3161 time ${at} from ${outcome.tsa}, over sha256 of the byte ranges` });
  return { ...base, signed_at: at, signed_at_source: 'rfc3161', ...(outcome.tsa ? { signed_by: outcome.tsa } : {}) };
}

/**
 * The PAdES baseline level a signature meets (ETSI EN 319 142-1): B-B needs SubFilter
 * ETSI.CAdES.detached, an ESS signingCertificateV2 and no CMS signingTime (the claimed time is /M);
 * B-T a verified signature timestamp or a later verified document timestamp; B-LT a later DSS; B-LTA
 * a verified document timestamp after that DSS.
 */
function profileOf(
  r: PdfSignatureReport & { found: Found; verification: Verification },
  stamps: (PdfSignatureReport & { found: Found })[],
  dssAfter: number,
): SignatureProfile {
  if (r.kind === 'document-timestamp') return { baseline: 'PAdES document time-stamp', deviations: [] };
  // The CMS-level rules (ESS signing-certificate-v2, no signing-time, DER) are cms-profile.ts's; a
  // B-B or B-T there only says what the CMS meets, the levels are decided here.
  const cms = r.verification.profile;
  const deviations: string[] = cms?.baseline === null ? [...cms.deviations] : [];
  const add = (d: string): void => void (deviations.includes(d) || deviations.push(d));
  if (!cms) add('the CMS could not be read for its profile');
  if (r.subfilter !== 'ETSI.CAdES.detached') add(`SubFilter ${r.subfilter} (PAdES baseline requires ETSI.CAdES.detached)`);
  if (deviations.length > 0) return { baseline: null, deviations };
  const laterStamp = (after: number) => stamps.some((s) => s.found.end > after);
  const timed = r.checks.some((c) => c.name === 'timestamp' && c.result === 'pass') || laterStamp(r.found.end);
  if (!timed) return { baseline: 'PAdES-B-B', deviations: ['no verified signature or document timestamp (B-T)'] };
  if (dssAfter === Infinity || dssAfter <= r.found.end) return { baseline: 'PAdES-B-T', deviations: ['no DSS after the signature (B-LT)'] };
  if (!laterStamp(dssAfter - 1)) return { baseline: 'PAdES-B-LT', deviations: ['no document timestamp over the DSS (B-LTA)'] };
  return { baseline: 'PAdES-B-LTA', deviations: [] };
}

/**
 * Reads the report metadata from the Info dictionary of the first signed revision (never from a later,
 * unsigned update).
 */
function withMetadata(file: PdfFile, revision: Revision, result: Verification): Verification {
  const info = file.resolve(revision.chain, revision.chain[0]!.trailer.get('Info'));
  const metadata: Partial<Record<'tenant' | 'framework' | 'report_type' | 'generated_at', string>> = {};
  if (info instanceof PdfDict)
    for (const field of ['tenant', 'framework', 'report_type', 'generated_at'] as const) {
      const value = info.text(INFO_KEYS[field]);
      if (value !== undefined) metadata[field] = value;
    }
  result.checks.push({
    name: 'metadata',
    result: metadata.tenant ? 'pass' : 'skipped',
    detail: metadata.tenant ? 'read from the signed Info dictionary' : 'no Infracast metadata in the Info dictionary',
  });
  return { ...result, ...metadata };
}
