/**
 * A loopback Sigstore for keyless tests (notes/signing.md §3b "Offline test path"): one real HTTP
 * server on 127.0.0.1 (so a CLI under test in a child process can use it too, which nock could not
 * reach) serving
 * - a fake GitHub Actions OIDC endpoint (`GET /oidc?...&audience=sigstore` with the request bearer
 *   token) answering an unsigned JWT with GitHub's claims;
 * - @sigstore/mock's Fulcio (`POST /api/v2/signingCert`), Rekor (`POST /api/v1/log/entries`) and
 *   TSA (`POST /api/v1/timestamp`) handlers;
 * and the matching trusted_root.json and environment. Requests are counted per service.
 *
 * Rekor shim: the mock stores the *proposed* `dsse` entry verbatim, while a real Rekor stores its
 * canonical form (hashes and signatures), which is what @sigstore/verify compares; without the shim
 * verification fails with TLOG_BODY_ERROR "signature count mismatch" (notes §3b, known gap).
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, initializeTSA, rekorHandler, tsaHandler, type HandlerFn } from '@sigstore/mock';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export interface SigstoreMock {
  /** http://127.0.0.1:<port>: Fulcio, Rekor and the TSA all live at this base URL. */
  url: string;
  /** trusted_root.json for this mock: its CA root, CT log key, Rekor key (logId = sha256(SPKI)) and TSA chain. */
  trustedRoot: Record<string, unknown>;
  /** The environment a GitHub Actions job with `id-token: write` has, pointing at the fake OIDC endpoint. */
  env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  /** The certificate identity (SAN) Fulcio issues for the token: what `--identity` must say. */
  identity: string;
  issuer: string;
  /** Requests served per endpoint (failed ones included). */
  requests: { oidc: number; fulcio: number; rekor: number; tsa: number };
  close: () => Promise<void>;
}

export interface SigstoreMockOptions {
  /** GitHub claims of the token; the defaults describe acme/compliance's report workflow on main. */
  repository?: string;
  workflowRef?: string;
}

const b64 = (bytes: ArrayBufferView | Buffer): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Rekor's canonical `dsse` 0.0.1 body for a proposed entry (what a real Rekor logs). */
function canonicalDsse(proposed: { apiVersion?: string; kind?: string; spec?: { proposedContent?: { envelope?: string; verifiers?: string[] } } }): object {
  const content = proposed.spec?.proposedContent;
  if (proposed.kind !== 'dsse' || !content?.envelope) return proposed;
  const envelope = JSON.parse(content.envelope) as { payload: string; signatures: { sig: string }[] };
  const verifier = content.verifiers?.[0] ?? '';
  const hex = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: hex(content.envelope) },
      payloadHash: { algorithm: 'sha256', value: hex(Buffer.from(envelope.payload, 'base64')) },
      signatures: envelope.signatures.map((s) => ({ signature: s.sig, verifier })),
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the mock on 127.0.0.1:0. Close it when done (an `after` hook). */
export async function startSigstoreMock(options: SigstoreMockOptions = {}): Promise<SigstoreMock> {
  const repository = options.repository ?? 'acme/compliance';
  const workflowRef = options.workflowRef ?? `${repository}/.github/workflows/report.yml@refs/heads/main`;
  // Real Fulcio makes the SAN https://github.com/<job_workflow_ref>; the mock copies one claim verbatim,
  // so the token carries that URL in a claim of its own (`fulcio_san`) for the mock to copy.
  const identity = `https://github.com/${workflowRef}`;
  const requestToken = randomBytes(16).toString('hex');
  const requests = { oidc: 0, fulcio: 0, rekor: 0, tsa: 0 };

  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ctlog = await initializeCTLog(keyPair());
  const ca = await initializeCA(keyPair(), ctlog);
  const tlogKeys = keyPair();
  const tlog = await initializeTLog(url, tlogKeys);
  // The mock TSA stamps its clock's milliseconds, and DER drops a fraction's trailing zeros
  // (".12Z"), which @sigstore/core 3.2 (and 4.0) refuses as "invalid time": one token in ten. Real
  // Sigstore TSAs stamp whole seconds, so the mock does too (its clock is read at each request).
  const tsaClock = new Date();
  const tsa = await initializeTSA(keyPair(), tsaClock);
  const fulcio = fulcioHandler(ca, { subjectClaim: 'fulcio_san' });
  const rekor = rekorHandler(tlog);
  const timestamp = tsaHandler(tsa);

  const post: Record<string, { count: keyof typeof requests; fn: HandlerFn; shim?: (body: string) => string }> = {
    [fulcio.path]: { count: 'fulcio', fn: fulcio.fn },
    [rekor.path]: { count: 'rekor', fn: rekor.fn, shim: (body) => JSON.stringify(canonicalDsse(JSON.parse(body) as object)) },
    [timestamp.path]: {
      count: 'tsa',
      fn: (body) => {
        tsaClock.setTime(Math.floor(Date.now() / 1000) * 1000);
        return timestamp.fn(body);
      },
    },
  };

  const oidc = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void => {
    requests.oidc++;
    if (req.headers.authorization !== `Bearer ${requestToken}`) return void res.writeHead(401).end('bad request token');
    const audience = query.get('audience');
    if (audience !== 'sigstore') return void res.writeHead(400).end(`unexpected audience ${audience}`);
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: GITHUB_ISSUER,
      aud: audience,
      sub: `repo:${repository}:ref:refs/heads/main`,
      iat: now,
      nbf: now,
      exp: now + 300,
      repository,
      repository_owner: repository.split('/')[0],
      ref: 'refs/heads/main',
      sha: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
      workflow: 'report',
      event_name: 'push',
      job_workflow_ref: workflowRef,
      runner_environment: 'github-hosted',
      fulcio_san: identity,
    };
    // Unsigned (alg none): neither sigstore-js nor the mock checks the token's signature.
    const jwt = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value: jwt }));
  };

  server.on('request', (req, res) => {
    const target = new URL(req.url ?? '/', url);
    if (req.method === 'GET' && target.pathname === '/oidc') return oidc(req, res, target.searchParams);
    const route = req.method === 'POST' ? post[target.pathname] : undefined;
    if (!route) return void res.writeHead(404).end('not found');
    requests[route.count]++;
    readBody(req)
      .then((body) => route.fn(route.shim ? route.shim(body) : body))
      .then(({ statusCode, response, contentType }) => {
        const bytes = typeof response === 'string' ? Buffer.from(response) : Buffer.from(response.buffer, response.byteOffset, response.byteLength);
        res.writeHead(statusCode, { 'content-type': contentType ?? 'text/plain' }).end(bytes);
      })
      .catch((error: unknown) => res.writeHead(500).end(String(error)));
  });

  const tlogSpki = Buffer.from(tlogKeys.publicKey.export({ type: 'spki', format: 'der' }));
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: url,
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: b64(tlogSpki), keyDetails: 'PKIX_ECDSA_P256_SHA_256' },
        logId: { keyId: createHash('sha256').update(tlogSpki).digest('base64') },
      },
    ],
    certificateAuthorities: [
      { subject: { organization: 'sigstore.mock', commonName: 'sigstore' }, uri: url, certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] } },
    ],
    ctlogs: [
      {
        baseUrl: url,
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: b64(ctlog.publicKey), keyDetails: 'PKIX_ECDSA_P256_SHA_256' },
        logId: { keyId: b64(ctlog.logID) },
      },
    ],
    // The TSA's signing certificate first: @sigstore/verify matches tokens to it by issuer and serial.
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: url,
        certChain: { certificates: [{ rawBytes: b64(tsa.intCertificate) }, { rawBytes: b64(tsa.rootCertificate) }] },
      },
    ],
  };

  return {
    url,
    trustedRoot,
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/oidc?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken },
    identity,
    issuer: GITHUB_ISSUER,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
