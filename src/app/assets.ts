/**
 * The organisation logo of a report (spec option `organization_logo`, alias `logo_url`): a
 * workspace asset, or a URL fetched only when the workspace's network policy allows that host.
 * Anything else renders the report without the logo and says why (a warning, never a failure):
 * a missing logo must not cost a scheduled run its report. An SVG is made inert first
 * (renderers/svg-sanitise.ts): what was removed is named in a warning; one that cannot be made
 * safe (a DTD with entities, not well-formed) is not used.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { networkRefusal } from '../model/config.js';
import type { WorkspaceConfig } from '../model/config.js';
import { resolveReference } from '../io/workspace.js';
import { sanitiseSvg } from '../renderers/svg-sanitise.js';

export interface Logo {
  /** File name written next to the report (the Markdown links to it). */
  fileName: string;
  format: 'png' | 'jpg' | 'svg';
  bytes: Uint8Array;
}

export type LogoResult = { logo: Logo } | { logo: Logo; warning: string } | { warning: string } | Record<string, never>;

/** Image types a report may embed, by extension and by Content-Type. */
const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.svg': 'image/svg+xml' };
const MAX_LOGO_BYTES = 2 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

/** Removals named in a warning; all are counted. */
const MAX_REMOVALS_NAMED = 10;

/** The logo of `reference` from its bytes: an SVG sanitised (or refused), other images as they are. */
function logoFile(reference: string, extension: string, bytes: Uint8Array): LogoResult {
  const format = extension === '.jpeg' || extension === '.jpg' ? 'jpg' : extension === '.png' ? 'png' : 'svg';
  if (format !== 'svg') return { logo: { fileName: `logo.${format}`, format, bytes } };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { warning: `organization_logo ${reference}: the SVG is not UTF-8 text; the report is rendered without a logo` };
  }
  const sanitised = sanitiseSvg(text);
  if ('refused' in sanitised) return { warning: `organization_logo ${reference}: not used: ${sanitised.refused}; the report is rendered without a logo` };
  const logo: Logo = { fileName: 'logo.svg', format, bytes: sanitised.svg === text ? bytes : new TextEncoder().encode(sanitised.svg) };
  const { removed } = sanitised;
  if (removed.length === 0) return { logo };
  const named = removed.slice(0, MAX_REMOVALS_NAMED).join(', ');
  const more = removed.length > MAX_REMOVALS_NAMED ? ` and ${removed.length - MAX_REMOVALS_NAMED} more` : '';
  return { logo, warning: `organization_logo ${reference}: removed from the SVG before it is copied or embedded: ${named}${more}` };
}

const isUrl = (value: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(value);

/** The logo of `reference` for a report, or a warning saying why there is none. */
export async function resolveLogo(reference: string | undefined, config: WorkspaceConfig): Promise<LogoResult> {
  if (!reference) return {};
  return isUrl(reference) ? fetchLogo(reference, config) : readLogo(reference, config);
}

async function readLogo(reference: string, config: WorkspaceConfig): Promise<LogoResult> {
  const extension = extname(reference).toLowerCase();
  if (!IMAGE_TYPES[extension]) {
    return { warning: `organization_logo ${reference}: not a PNG, JPEG or SVG file; the report is rendered without a logo` };
  }
  const resolved = await resolveReference(config.root, reference);
  // validate reports these as errors; a render of a single file may not have run it.
  if (resolved.escapes || !resolved.exists) {
    return { warning: `organization_logo ${reference}: not a file inside the workspace; the report is rendered without a logo` };
  }
  const bytes = await readFile(resolved.path);
  if (bytes.byteLength > MAX_LOGO_BYTES) return { warning: `organization_logo ${reference}: larger than 2 MB; the report is rendered without a logo` };
  return logoFile(reference, extension, bytes);
}

async function fetchLogo(url: string, config: WorkspaceConfig): Promise<LogoResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { warning: `organization_logo ${url}: not a valid URL; the report is rendered without a logo` };
  }
  const host = parsed.hostname.toLowerCase();
  const refusal = networkRefusal(config.network, host);
  if (parsed.protocol !== 'https:' || refusal) {
    return {
      warning:
        `organization_logo ${url}: not fetched (${parsed.protocol !== 'https:' ? 'only https URLs are fetched' : refusal}); ` +
        'the report is rendered without a logo. Fix: put the image in the workspace (e.g. assets/logo.png) and point organization_logo at it, or allow the host in infracast.yaml (network.allow: true, network.allowed_hosts).',
    };
  }
  try {
    const response = await fetch(parsed, { redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const extension = Object.entries(IMAGE_TYPES).find(([, t]) => t === type)?.[0];
    if (!response.ok || !extension) {
      return { warning: `organization_logo ${url}: HTTP ${response.status} ${type || 'without a Content-Type'}; the report is rendered without a logo` };
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > MAX_LOGO_BYTES) return { warning: `organization_logo ${url}: larger than 2 MB; the report is rendered without a logo` };
    return logoFile(url, extension, bytes);
  } catch (error) {
    return { warning: `organization_logo ${url}: ${(error as Error).message}; the report is rendered without a logo` };
  }
}
