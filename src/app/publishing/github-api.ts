/**
 * A small client of GitHub's REST API over plain fetch, shared by the release upload and the
 * pull-request comment: the token goes only in the Authorization header of API requests and is
 * cut out of every message (a server may echo it), failures carry GitHub's status and own words,
 * and `GITHUB_API_URL` (GitHub Enterprise Server, a loopback test stand-in) is the root.
 */
import { ExitCode } from '../../errors.js';
import type { InfracastError } from '../../errors.js';

export const GITHUB_API_VERSION = '2022-11-28';

export interface GitHubApiOptions {
  /** The REST API root, e.g. https://api.github.com or GITHUB_API_URL (https://host/api/v3 on GHES). */
  apiUrl: string;
  token: string;
  /** Injected for tests; default the global fetch. */
  fetch?: typeof fetch;
  /** The error a failed request raises (each caller names its own code and hints). */
  failure: (message: string, exitCode?: ExitCode) => InfracastError;
}

export interface GitHubApi {
  json<T>(method: string, pathOrUrl: string, options?: { body?: unknown; allow404?: boolean }): Promise<T | undefined>;
  request(method: string, pathOrUrl: string, options?: { raw?: Uint8Array; contentType?: string }): Promise<Response>;
  download(url: string): Promise<Uint8Array>;
}

export function gitHubApi(options: GitHubApiOptions): GitHubApi {
  const doFetch = options.fetch ?? fetch;
  const root = options.apiUrl.replace(/\/+$/, '');
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    Authorization: `Bearer ${options.token}`,
    Accept: 'application/vnd.github+json',
    'X-GitHub-Api-Version': GITHUB_API_VERSION,
    'User-Agent': 'infracast',
    ...extra,
  });
  const clean = (text: string): string => redact(text, options.token);
  const send = async (method: string, pathOrUrl: string, init: { body?: string | Uint8Array; headers: Record<string, string>; allow404?: boolean }) => {
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${root}${pathOrUrl}`;
    let response: Response;
    try {
      response = await doFetch(url, { method, headers: init.headers, ...(init.body === undefined ? {} : { body: init.body }) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw options.failure(
        clean(`${method} ${withoutQuery(url)}: no answer (${cause?.code ?? cause?.message ?? (error as Error).message})`),
        ExitCode.Environment,
      );
    }
    if (response.status === 404 && init.allow404) return response;
    if (!response.ok) throw options.failure(clean(`${method} ${withoutQuery(url)}: ${await describe(response)}`));
    return response;
  };
  return {
    async json<T>(method: string, pathOrUrl: string, opts: { body?: unknown; allow404?: boolean } = {}): Promise<T | undefined> {
      const response = await send(method, pathOrUrl, {
        headers: headers(opts.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
        ...(opts.allow404 ? { allow404: true } : {}),
      });
      if (response.status === 404) return undefined;
      try {
        return (await response.json()) as T;
      } catch {
        throw options.failure(`${method} ${withoutQuery(response.url || pathOrUrl)}: the answer is not JSON`);
      }
    },
    request: (method, pathOrUrl, opts = {}) =>
      send(method, pathOrUrl, { headers: headers(opts.contentType ? { 'Content-Type': opts.contentType } : {}), ...(opts.raw ? { body: opts.raw } : {}) }),
    async download(url: string): Promise<Uint8Array> {
      // The API answers with a redirect to storage: followed without the token (it is for the API only).
      const first = await doFetch(url, { headers: headers({ Accept: 'application/octet-stream' }), redirect: 'manual' });
      const location = first.headers.get('location');
      const response = first.status >= 300 && first.status < 400 && location ? await doFetch(new URL(location, url)) : first;
      if (!response.ok) throw options.failure(clean(`GET ${withoutQuery(url)}: ${await describe(response)}`));
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** "422 Unprocessable Entity: Validation Failed (already_exists: tag_name)": the status and GitHub's own words. */
async function describe(response: Response): Promise<string> {
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  let text = '';
  try {
    text = await response.text();
  } catch {
    return status;
  }
  try {
    const body = JSON.parse(text) as { message?: unknown; errors?: { code?: unknown; field?: unknown; message?: unknown }[] };
    const details = (Array.isArray(body.errors) ? body.errors : [])
      .map((e) => [e.code, e.field, e.message].filter((x) => typeof x === 'string').join(': '))
      .filter(Boolean);
    if (typeof body.message === 'string') return `${status}: ${body.message}${details.length ? ` (${details.join('; ')})` : ''}`;
  } catch {
    // not JSON: a proxy's page
  }
  const line = text.split('\n')[0]?.trim().slice(0, 200);
  return line ? `${status}: ${line}` : status;
}

export function withoutQuery(url: string): string {
  return url.split('?')[0]!;
}

/** The token, wherever a server echoed it, never reaches a message. */
export function redact(text: string, token: string): string {
  return token.length >= 4 ? text.split(token).join('***') : text;
}
