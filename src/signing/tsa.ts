/**
 * RFC 3161 time-stamp client: asks a TSA to time-stamp the sha256 of a CMS signature value
 * (notes/signing.md §2) and returns the TimeStampToken to store as id-aa-signatureTimeStampToken.
 *
 * It checks what the response must echo (status granted, the imprint, the nonce), so a TSA that
 * answers for another request is an error here. Trusting the TSA's signature and chain is the
 * verifier's job (it has the trust anchors), not the client's.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { ExitCode, InfracastError } from '../errors.js';
import { exactArrayBuffer } from './bytes.js';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const TST_INFO_OID = '1.2.840.113549.1.9.16.1.4';

export interface TimestampOptions {
  /** The TSA's RFC 3161 HTTP endpoint. */
  url: string;
  /** Give up after this long (default 30 s): a hung TSA must not hang a CI run. */
  timeoutMs?: number;
}

export interface TimestampResult {
  /** The TimeStampToken, DER (a ContentInfo with SignedData over TSTInfo), exactly as the TSA sent it. */
  token: Uint8Array;
  /** TSTInfo.genTime: when the TSA says it saw the imprint. */
  genTime: Date;
  /** The whole DER TimeStampResp as received: what a Sigstore bundle stores (`rfc3161Timestamps[].signedTimestamp`). */
  response: Uint8Array;
}

/** DER integers drop leading zero bytes, so nonces compare as numbers, not as byte strings (notes §2). */
const asBigInt = (bytes: Uint8Array): bigint => (bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`));

/**
 * 8 random bytes as a DER INTEGER's content: asn1js writes the bytes as given, so a leading 0x00 (not
 * minimal DER when the next byte is below 0x80: OpenSSL refuses such a request as "bad request format")
 * or a high first bit (a negative nonce) must not occur.
 */
function positiveNonce(): Uint8Array {
  const nonce = randomBytes(8);
  nonce[0] = nonce[0]! & 0x7f || 0x01;
  return nonce;
}

/** The DER TimeStampReq for sha256(`signature`) with a fresh 8-byte nonce, asking for the TSA certificate. */
export function timestampRequest(signature: Uint8Array, nonce: Uint8Array = positiveNonce()): Uint8Array {
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: createHash('sha256').update(signature).digest() }),
    }),
    nonce: new asn1js.Integer({ valueHex: exactArrayBuffer(nonce) }),
    // The token then carries the TSA certificate, so a verifier needs only the trust anchor.
    certReq: true,
  });
  return new Uint8Array(request.toSchema().toBER());
}

/** TSTInfo of a TimeStampToken (throws a plain Error for the caller to wrap with its context). */
export function tstInfoOf(token: Uint8Array): pkijs.TSTInfo {
  const contentInfo = pkijs.ContentInfo.fromBER(exactArrayBuffer(token));
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  if (signedData.encapContentInfo.eContentType !== TST_INFO_OID)
    throw new Error(`the token content is ${signedData.encapContentInfo.eContentType}, not TSTInfo`);
  const eContent = signedData.encapContentInfo.eContent;
  if (!eContent) throw new Error('the token has no TSTInfo');
  return pkijs.TSTInfo.fromBER(eContent.getValue());
}

export { tokenCovers } from './tsa-token.js';

/**
 * Parses a DER TimeStampResp and returns the token if it answers `request`: status granted (0) or
 * grantedWithMods (1), the same imprint and nonce. `fail` turns a reason into the caller's error.
 */
export function readTimestampResponse(response: Uint8Array, request: Uint8Array, fail: (reason: string, cause?: unknown) => never): TimestampResult {
  let parsed: pkijs.TimeStampResp;
  let outer: asn1js.Sequence;
  try {
    const ber = asn1js.fromBER(exactArrayBuffer(response));
    if (ber.offset === -1 || !(ber.result instanceof asn1js.Sequence)) throw new Error(ber.result.error || 'not a DER SEQUENCE');
    outer = ber.result;
    parsed = new pkijs.TimeStampResp({ schema: outer });
  } catch (cause) {
    return fail(`the response is not an RFC 3161 TimeStampResp (${cause instanceof Error ? cause.message : String(cause)})`, cause);
  }
  const status = parsed.status.status;
  if (status !== 0 && status !== 1) {
    const text = parsed.status.statusStrings?.map((s) => s.valueBlock.value).join('; ');
    return fail(`the TSA refused the request (PKIStatus ${status}${text ? `: ${text}` : ''})`);
  }
  const tokenBlock = outer.valueBlock.value[1];
  if (!tokenBlock) return fail('the response is granted but carries no TimeStampToken');
  // The bytes as received, not a re-encoding: the TSA's signature covers them.
  const token = new Uint8Array(tokenBlock.valueBeforeDecodeView);
  let info: pkijs.TSTInfo;
  try {
    info = tstInfoOf(token);
  } catch (cause) {
    return fail(`the TimeStampToken is malformed (${cause instanceof Error ? cause.message : String(cause)})`, cause);
  }
  const asked = pkijs.TimeStampReq.fromBER(exactArrayBuffer(request));
  const imprintDer = (m: pkijs.MessageImprint): Buffer => Buffer.from(m.toSchema().toBER());
  if (!imprintDer(info.messageImprint).equals(imprintDer(asked.messageImprint))) return fail('the token time-stamps a different hash than the one sent');
  if (!asked.nonce || !info.nonce || asBigInt(info.nonce.valueBlock.valueHexView) !== asBigInt(asked.nonce.valueBlock.valueHexView))
    return fail('the token does not carry the nonce of this request (a replayed or foreign answer)');
  return { token, genTime: info.genTime, response: new Uint8Array(response) };
}

/** POSTs a TimeStampReq for sha256(`signature`) to the TSA and returns the checked token. */
export async function requestTimestamp(signature: Uint8Array, options: TimestampOptions): Promise<TimestampResult> {
  const { url } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const request = timestampRequest(signature);
  const unreachable = (reason: string, cause?: unknown): never => {
    throw new InfracastError('TSA_UNREACHABLE', `The time-stamp authority ${url} could not be reached: ${reason}.`, {
      exitCode: ExitCode.Environment,
      hints: ['Check the TSA URL and the network (an RFC 3161 endpoint accepting application/timestamp-query).'],
      cause,
    });
  };
  let body: Uint8Array;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: request,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return unreachable(`HTTP ${response.status} ${response.statusText}`.trim());
    body = new Uint8Array(await response.arrayBuffer());
  } catch (cause) {
    if (cause instanceof InfracastError) throw cause;
    const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
    return unreachable(
      timedOut
        ? `no answer within ${timeoutMs} ms`
        : cause instanceof Error
          ? cause.cause instanceof Error
            ? cause.cause.message
            : cause.message
          : String(cause),
      cause,
    );
  }
  return readTimestampResponse(body, request, (reason, cause) => {
    throw new InfracastError('TSA_RESPONSE_INVALID', `The time-stamp authority ${url} gave an unusable answer: ${reason}.`, { cause });
  });
}
