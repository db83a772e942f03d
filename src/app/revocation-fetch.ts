/**
 * Fetching revocation data (CRLs over GET, OCSP over POST, RFC 5280 section 4.2.1.13 and RFC 6960
 * appendix A) for signing at PAdES B-LT and for `verify --online`. With a workspace network policy,
 * every host must be allowed by it (README "Network"), like the TSA; without one (`verify --online`,
 * an auditor's explicit choice), any host the certificates name may be asked.
 */
import { ExitCode, InfracastError } from '../errors.js';
import { networkRefusal, type WorkspaceConfig } from '../model/config.js';
import type { RevocationFetcher } from '../signing/revocation.js';

/** A CRL of a large CA can be tens of MB; more than this is refused rather than held in memory. */
const MAX_BYTES = 32 * 1024 * 1024;

export function revocationFetcher(network?: WorkspaceConfig['network'], timeoutMs = 15_000): RevocationFetcher {
  return async (url, request) => {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`${parsed.protocol} URLs are not fetched`);
    const refusal = network && networkRefusal(network, parsed.hostname.toLowerCase());
    if (refusal)
      throw new InfracastError('SIGNING_NETWORK_BLOCKED', `${url} cannot be reached: ${refusal}`, {
        exitCode: ExitCode.Environment,
        hints: [`Allow it in infracast.yaml: network.allow: true and network.allowed_hosts: [${parsed.hostname}], or sign at signing.pades_level: B-T.`],
      });
    let response: Response;
    try {
      response = await fetch(url, {
        ...(request ? { method: 'POST', body: request.body, headers: { 'content-type': request.contentType } } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
      throw new Error(`unreachable (${reason})`, { cause });
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = new Uint8Array(await response.arrayBuffer());
    if (body.length > MAX_BYTES) throw new Error(`the answer is larger than ${MAX_BYTES} bytes`);
    return body;
  };
}
