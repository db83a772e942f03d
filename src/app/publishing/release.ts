/**
 * Attaches a run's files to a GitHub release (the Action's `publish: release`) through the REST API
 * with plain fetch: the release is found by its tag, created when there is none, and each file is
 * uploaded to the `upload_url` the API returned (GitHub Enterprise Server and a loopback test
 * stand-in have their own upload hosts; a fixed uploads.github.com would miss both). Re-running is
 * safe: an asset of the same name and the same bytes is left alone, one with other bytes is
 * deleted and uploaded again. The token is sent only as the Authorization header of API requests
 * and never appears in a message.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import { ExitCode, InfracastError } from '../../errors.js';
import { gitHubApi } from './github-api.js';
import type { GitHubApi } from './github-api.js';

export interface AttachToReleaseOptions {
  /** The REST API root, e.g. https://api.github.com or GITHUB_API_URL (https://host/api/v3 on GHES). */
  apiUrl: string;
  token: string;
  /** owner/name. */
  repository: string;
  tag: string;
  /** The release's title when it is created (default the tag). */
  name?: string;
  /** The commit or branch a new tag points at (default: the repository's default branch). */
  target?: string;
  /** Files to attach: a path (absolute or relative to `cwd`) and the asset name (default its file name). */
  files: readonly (string | { path: string; name?: string })[];
  cwd?: string;
  /** Injected for tests; default the global fetch. */
  fetch?: typeof fetch;
  onLog?: (line: string) => void;
}

export interface AttachToReleaseResult {
  release: { id: number; tag: string; html_url?: string; created: boolean };
  /** Asset names, by what happened to each. */
  uploaded: string[];
  replaced: string[];
  unchanged: string[];
}

interface Asset {
  id: number;
  name: string;
  size: number;
  /** "sha256:<hex>", computed by GitHub at upload (June 2025 on); older assets have none. */
  digest?: string | null;
  url: string;
}

interface Release {
  id: number;
  tag_name: string;
  html_url?: string;
  upload_url: string;
}

export async function attachToRelease(options: AttachToReleaseOptions): Promise<AttachToReleaseResult> {
  const log = options.onLog ?? (() => undefined);
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(options.repository)) throw failure(`repository ${JSON.stringify(options.repository)} is not owner/name`);
  if (options.tag.trim() === '') throw failure('the release tag is empty');
  const api = gitHubApi({ ...options, failure });
  const files = await Promise.all(
    options.files.map(async (file) => {
      const path = typeof file === 'string' ? file : file.path;
      const absolute = isAbsolute(path) ? path : resolve(options.cwd ?? process.cwd(), path);
      const name = (typeof file === 'string' ? undefined : file.name) ?? basename(absolute);
      const bytes = await readFile(absolute).catch((error: NodeJS.ErrnoException) => {
        throw failure(`cannot read ${path} to attach it: ${error.code ?? error.message}`);
      });
      return { name, bytes };
    }),
  );
  const names = files.map((f) => f.name);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) throw failure(`two files would be the same release asset (${[...new Set(twice)].join(', ')}): give them distinct names`);

  const repo = `/repos/${options.repository}`;
  let release = await api.json<Release>('GET', `${repo}/releases/tags/${encodeURIComponent(options.tag)}`, { allow404: true });
  const created = release === undefined;
  if (!release) {
    release = await api.json<Release>('POST', `${repo}/releases`, {
      body: { tag_name: options.tag, name: options.name ?? options.tag, ...(options.target ? { target_commitish: options.target } : {}) },
    });
    log(`created release ${options.tag}`);
  }
  if (!release || typeof release.upload_url !== 'string') throw failure(`the release ${options.tag} came back without an upload_url`);
  const existing = new Map((await listAssets(api, `${repo}/releases/${release.id}/assets`)).map((a) => [a.name, a]));
  const result: AttachToReleaseResult = {
    release: { id: release.id, tag: release.tag_name ?? options.tag, ...(release.html_url ? { html_url: release.html_url } : {}), created },
    uploaded: [],
    replaced: [],
    unchanged: [],
  };
  for (const file of files) {
    const asset = existing.get(file.name);
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    if (asset && asset.size === file.bytes.byteLength && (await assetSha256(api, asset)) === sha256) {
      result.unchanged.push(file.name);
      continue;
    }
    if (asset) {
      await api.request('DELETE', `${repo}/releases/assets/${asset.id}`);
      result.replaced.push(file.name);
    } else result.uploaded.push(file.name);
    await api.request('POST', uploadUrl(release.upload_url, file.name), { raw: file.bytes, contentType: contentTypeOf(file.name) });
    log(`${asset ? 'replaced' : 'uploaded'} ${file.name} on release ${options.tag}`);
  }
  return result;
}

/** The upload_url template ("...assets{?name,label}") with its query expanded for this asset name. */
export function uploadUrl(template: string, name: string): string {
  return `${template.replace(/\{[^}]*\}$/, '')}?name=${encodeURIComponent(name)}`;
}

/** Every asset of the release, page by page. */
async function listAssets(api: GitHubApi, path: string): Promise<Asset[]> {
  const assets: Asset[] = [];
  for (let page = 1; ; page++) {
    const batch = (await api.json<Asset[]>('GET', `${path}?per_page=100&page=${page}`)) ?? [];
    assets.push(...batch);
    if (batch.length < 100) return assets;
  }
}

/** The asset's sha256: GitHub's digest, else (an asset older than digests) its bytes downloaded. */
async function assetSha256(api: GitHubApi, asset: Asset): Promise<string> {
  if (typeof asset.digest === 'string' && asset.digest.startsWith('sha256:')) return asset.digest.slice('sha256:'.length);
  const bytes = await api.download(asset.url);
  return createHash('sha256').update(bytes).digest('hex');
}

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
  json: 'application/json',
  md: 'text/markdown; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  p7s: 'application/pkcs7-signature',
};

function contentTypeOf(name: string): string {
  return CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';
}

function failure(message: string, exitCode: ExitCode = ExitCode.Failed): InfracastError {
  return new InfracastError('RELEASE_FAILED', message, {
    exitCode,
    hints:
      exitCode === ExitCode.Failed ? ['Check the token has contents: write on the repository (workflow permissions), and the tag and repository names.'] : [],
  });
}
