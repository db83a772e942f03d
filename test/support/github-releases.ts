/**
 * A loopback stand-in for the release routes of GitHub's REST API (get a release by tag, create a
 * release, list, delete and download assets) and, on a second server (another port, as
 * uploads.github.com is another host), the upload route the API's upload_url names. It records
 * every request (method, URL, the headers that matter) and can fail the next matching request.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInAsset {
  id: number;
  name: string;
  size: number;
  digest?: string;
  url: string;
  bytes: Buffer;
  content_type: string;
}
export interface Seen {
  method: string;
  url: string;
  authorization?: string;
  accept?: string;
  version?: string;
  server: 'api' | 'uploads';
}

/** The stand-in: releases by tag, assets by release; `failNext` makes the next matching request answer with an error. `token`: the only one accepted. */
export async function githubStandIn(options: { token: string; digests?: boolean }) {
  const releases = new Map<string, { id: number; tag_name: string; assets: StandInAsset[] }>();
  const seen: Seen[] = [];
  let nextId = 1;
  let fail: { method: string; path: RegExp; status: number; body: string } | undefined;
  const listen = async (handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void): Promise<{ server: Server; url: string }> => {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handler(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };
  const json = (res: ServerResponse, status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  const record = (req: IncomingMessage, server: Seen['server']): void => {
    seen.push({
      method: req.method!,
      url: req.url!,
      server,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(req.headers.accept ? { accept: req.headers.accept } : {}),
      ...(req.headers['x-github-api-version'] ? { version: req.headers['x-github-api-version'] as string } : {}),
    });
  };
  const failed = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!fail || fail.method !== req.method || !fail.path.test(req.url!)) return false;
    res.writeHead(fail.status, { 'content-type': fail.body.startsWith('{') ? 'application/json' : 'text/html' });
    res.end(fail.body);
    fail = undefined;
    return true;
  };
  const releaseJson = (r: { id: number; tag_name: string }) => ({
    id: r.id,
    tag_name: r.tag_name,
    html_url: `https://github.invalid/o/r/releases/tag/${r.tag_name}`,
    upload_url: `${uploads.url}/upload/repos/o/r/releases/${r.id}/assets{?name,label}`,
  });
  const assetJson = (a: StandInAsset) => ({
    id: a.id,
    name: a.name,
    size: a.size,
    url: `${api.url}/repos/o/r/releases/assets/${a.id}`,
    content_type: a.content_type,
    ...(options.digests === false ? {} : { digest: a.digest }),
  });
  const byId = (id: number) => [...releases.values()].find((r) => r.id === id);
  const api = await listen((req, res, body) => {
    record(req, 'api');
    if (failed(req, res)) return;
    if (req.headers.authorization !== `Bearer ${options.token}`) return json(res, 401, { message: 'Bad credentials' });
    const url = new URL(req.url!, api.url);
    let m: RegExpMatchArray | null;
    if (req.method === 'GET' && (m = url.pathname.match(/^\/repos\/o\/r\/releases\/tags\/(.+)$/))) {
      const release = releases.get(decodeURIComponent(m[1]!));
      return release ? json(res, 200, releaseJson(release)) : json(res, 404, { message: 'Not Found' });
    }
    if (req.method === 'POST' && url.pathname === '/repos/o/r/releases') {
      const { tag_name } = JSON.parse(body.toString()) as { tag_name: string };
      const release = { id: nextId++, tag_name, assets: [] };
      releases.set(tag_name, release);
      return json(res, 201, releaseJson(release));
    }
    if (req.method === 'GET' && (m = url.pathname.match(/^\/repos\/o\/r\/releases\/(\d+)\/assets$/))) {
      const page = Number(url.searchParams.get('page') ?? 1);
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const assets = byId(Number(m[1]))?.assets ?? [];
      return json(res, 200, assets.slice((page - 1) * perPage, page * perPage).map(assetJson));
    }
    if ((m = url.pathname.match(/^\/repos\/o\/r\/releases\/assets\/(\d+)$/))) {
      const id = Number(m[1]);
      const release = [...releases.values()].find((r) => r.assets.some((a) => a.id === id));
      if (!release) return json(res, 404, { message: 'Not Found' });
      if (req.method === 'DELETE') {
        release.assets = release.assets.filter((a) => a.id !== id);
        res.writeHead(204).end();
        return;
      }
      if (req.method === 'GET' && req.headers.accept === 'application/octet-stream') {
        // As GitHub does: a redirect to storage (another host).
        res.writeHead(302, { location: `${uploads.url}/download/${id}` }).end();
        return;
      }
    }
    json(res, 404, { message: 'Not Found' });
  });
  const uploads = await listen((req, res, body) => {
    record(req, 'uploads');
    if (failed(req, res)) return;
    const url = new URL(req.url!, uploads.url);
    let m: RegExpMatchArray | null;
    if (req.method === 'GET' && (m = url.pathname.match(/^\/download\/(\d+)$/))) {
      const asset = [...releases.values()].flatMap((r) => r.assets).find((a) => a.id === Number(m![1]));
      res.writeHead(asset ? 200 : 404).end(asset?.bytes);
      return;
    }
    if (req.headers.authorization !== `Bearer ${options.token}`) return json(res, 401, { message: 'Bad credentials' });
    if (req.method === 'POST' && (m = url.pathname.match(/^\/upload\/repos\/o\/r\/releases\/(\d+)\/assets$/))) {
      const release = byId(Number(m[1]));
      const name = url.searchParams.get('name')!;
      if (!release) return json(res, 404, { message: 'Not Found' });
      if (release.assets.some((a) => a.name === name))
        return json(res, 422, { message: 'Validation Failed', errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }] });
      const asset: StandInAsset = {
        id: nextId++,
        name,
        size: body.length,
        bytes: body,
        digest: `sha256:${createHash('sha256').update(body).digest('hex')}`,
        url: '',
        content_type: String(req.headers['content-type']),
      };
      release.assets.push(asset);
      return json(res, 201, assetJson(asset));
    }
    json(res, 404, { message: 'Not Found' });
  });
  const close = async (): Promise<void> => {
    await Promise.all([api.server, uploads.server].map((s) => new Promise((resolve) => s.close(resolve))));
  };
  return {
    apiUrl: api.url,
    uploadsUrl: uploads.url,
    releases,
    seen,
    close,
    failNext: (f: NonNullable<typeof fail>) => (fail = f),
  };
}
