/**
 * `infracast catalog import FILE`: reads an OSCAL catalog or profile (JSON or XML), resolves a
 * profile's imports offline, and writes the result into the workspace as catalogs/<id>.json in
 * the compact Infracast form.
 *
 * Import hrefs never reach the network. `#uuid` hrefs go through the profile's back-matter
 * (rlinks, or an embedded base64 document); then, in order: an `--href URL=FILE` mapping of the
 * href or of any rlink; `--catalog FILE` for any catalog import (a local file that is a profile
 * is still followed); a relative href resolved against the importing file's folder. Anything
 * else is CATALOG_HREF_UNRESOLVED (exit 3), naming the href and the fix.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseOscal, toCatalog, toCompactCatalog } from '../catalogs/oscal/index.js';
import type { CompactCatalog, CompactSource, ImportLoader, LoadedDocument, OscalDocument, ResolutionReport } from '../catalogs/oscal/index.js';
import { ExitCode, InfracastError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { requireWorkspaceRoot } from './workspace-root.js';
import { slugify } from '../schema/rules.js';

export interface CatalogImportOptions {
  /** The OSCAL catalog or profile to import. */
  file: string;
  /** The workspace, or a folder inside it (default: walk up from cwd). */
  workspace?: string;
  cwd?: string;
  /** Name of the written catalog (catalogs/<id>.json); default: the slugged metadata title. */
  id?: string;
  /** A local catalog used for every catalog import of a profile. */
  catalog?: string;
  /** `URL=FILE` pairs: where an import href is found offline. */
  hrefs?: string[];
}

export interface CatalogImportResult {
  id: string;
  /** The file written. */
  path: string;
  kind: 'catalog' | 'profile';
  title: string;
  version?: string;
  oscalVersion?: string;
  controls: number;
  withdrawn: number;
  parameters: number;
  /** Parameters with a value or constraint after resolution. */
  parametersWithValues: number;
  /** set-parameters of the profile(s) applied, and those naming no parameter of the imported catalog. */
  parametersSet: number;
  parametersUnmatched: string[];
  missingIds: string[];
  altersUnmatched: string[];
  addsApplied: number;
  addsUnmatched: number;
  removesApplied: number;
  sources: CompactSource[];
  catalog: CompactCatalog;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,79}$/;
const isRemote = (href: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(href) && !/^[a-z]:[\\/]/i.test(href);

/** Default catalog id: the title slugged, cut at a word boundary to 60 characters. */
export function defaultCatalogId(title: string): string {
  const slug = slugify(title) || 'catalog';
  if (slug.length <= 60) return slug;
  const cut = slug.slice(0, 61);
  return cut.slice(0, cut.lastIndexOf('-') > 0 ? cut.lastIndexOf('-') : 60);
}

function parseHrefMap(pairs: string[], cwd: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    if (at <= 0 || at === pair.length - 1)
      throw new InfracastError('USAGE', `--href ${pair}: expected URL=FILE`, {
        exitCode: ExitCode.Usage,
        hints: ['e.g. --href https://example.org/catalog.json=./catalog.json'],
      });
    map.set(pair.slice(0, at), resolve(cwd, pair.slice(at + 1)));
  }
  return map;
}

function safeDecode(href: string): string {
  try {
    return decodeURI(href);
  } catch {
    return href; // a stray % is a literal character in a file name
  }
}

async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

interface ReadDocument {
  document: OscalDocument;
  sha256: string;
}

export async function catalogImport(options: CatalogImportOptions): Promise<CatalogImportResult> {
  const cwd = options.cwd ?? process.cwd();
  const root = await requireWorkspaceRoot(options.workspace, cwd, 'Run `infracast init` to create a workspace, or give --workspace DIR.');
  if (options.id !== undefined && !ID_PATTERN.test(options.id))
    throw new InfracastError('USAGE', `--id ${options.id}: use lower-case letters, digits and hyphens (at most 80)`, {
      exitCode: ExitCode.Usage,
      hints: ['e.g. --id fedramp-low'],
    });
  const hrefMap = parseHrefMap(options.hrefs ?? [], cwd);
  const catalogOverride = options.catalog === undefined ? undefined : resolve(cwd, options.catalog);

  const cache = new Map<string, ReadDocument>();
  const read = async (path: string): Promise<ReadDocument> => {
    const cached = cache.get(path);
    if (cached) return cached;
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InfracastError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', `${path}: ${code === 'ENOENT' ? 'no such file' : 'cannot be read'}`, {
        location: { file: path },
        cause: error,
      });
    }
    const result = { document: parseOscal(bytes.toString('utf8'), path), sha256: createHash('sha256').update(bytes).digest('hex') };
    cache.set(path, result);
    return result;
  };

  const loader: ImportLoader = async (request): Promise<LoadedDocument> => {
    const candidates = request.href.startsWith('#') ? request.rlinks : [{ href: request.href }];
    for (const c of [{ href: request.href }, ...candidates]) {
      const mapped = hrefMap.get(c.href);
      if (mapped) return { document: (await read(mapped)).document, location: mapped };
    }
    const tried: string[] = [];
    for (const c of candidates) {
      if (isRemote(c.href)) {
        tried.push(c.href);
        continue;
      }
      const path = isAbsolute(c.href) ? c.href : resolve(dirname(request.from), safeDecode(c.href.split('#')[0]!));
      if (!(await fileExists(path))) {
        tried.push(`${c.href} (${path}: no such file)`);
        continue;
      }
      const { document } = await read(path);
      if (document.kind === 'catalog' && catalogOverride) return { document: (await read(catalogOverride)).document, location: catalogOverride };
      return { document, location: path };
    }
    const namesProfile = candidates.some((c) => /profile/i.test(('mediaType' in c ? c.mediaType : undefined) ?? ''));
    if (catalogOverride && !namesProfile) return { document: (await read(catalogOverride)).document, location: catalogOverride };
    if (request.base64) {
      const location = `${request.from}${request.href}`;
      return { document: parseOscal(Buffer.from(request.base64, 'base64').toString('utf8'), location), location };
    }
    const shown = request.href.startsWith('#') ? `${request.href} (${tried.join(', ') || 'a resource without rlinks'})` : tried.join(', ') || request.href;
    const remote = candidates.find((c) => isRemote(c.href))?.href ?? candidates[0]?.href ?? request.href;
    throw new InfracastError('CATALOG_HREF_UNRESOLVED', `import ${shown} cannot be resolved offline; Infracast never fetches imports from the network`, {
      exitCode: ExitCode.Environment,
      location: { file: request.from },
      hints: [
        `Download the catalog once and give it: --catalog FILE (used for every catalog import),`,
        `or map this href to a local file: --href '${remote}=FILE' (repeatable).`,
      ],
    });
  };

  const file = resolve(cwd, options.file);
  const top = await read(file);
  const { catalog, report } = await toCatalog(top.document, file, loader);
  const sources: CompactSource[] = report.sources
    .filter((s) => cache.has(s.location))
    .map((s) => ({ file: s.location, sha256: cache.get(s.location)!.sha256, kind: s.kind }));
  const id = options.id ?? defaultCatalogId(catalog.metadata.title);
  const compact = toCompactCatalog(catalog, {
    id,
    source: { file: sourceName(file, root), sha256: top.sha256, kind: top.document.kind },
    imports: sources.slice(1).map((s) => ({ ...s, file: sourceName(s.file, root) })),
  });
  const path = join(root, 'catalogs', `${id}.json`);
  await writeFileAtomic(path, `${JSON.stringify(compact, null, 2)}\n`);
  return summarise(id, path, top.document.kind, compact, report, sources);
}

/** Paths inside the workspace are recorded relative to it; others by their file name only (no machine paths in committed files). */
function sourceName(file: string, root: string): string {
  const rel = file.startsWith(`${root}/`) ? file.slice(root.length + 1) : undefined;
  return rel ?? file.split(/[\\/]/).pop()!;
}

function summarise(
  id: string,
  path: string,
  kind: 'catalog' | 'profile',
  compact: CompactCatalog,
  report: ResolutionReport,
  sources: CompactSource[],
): CatalogImportResult {
  return {
    id,
    path,
    kind,
    title: compact.metadata.title,
    ...(compact.metadata.version !== undefined ? { version: compact.metadata.version } : {}),
    ...(compact.metadata.oscal_version !== undefined ? { oscalVersion: compact.metadata.oscal_version } : {}),
    controls: compact.counts.controls,
    withdrawn: compact.counts.withdrawn,
    parameters: compact.counts.parameters,
    parametersWithValues: compact.counts.parameters_with_values,
    parametersSet: report.parametersSet.length,
    parametersUnmatched: report.parametersUnmatched,
    missingIds: report.missingIds,
    altersUnmatched: report.altersUnmatched,
    addsApplied: report.addsApplied,
    addsUnmatched: report.addsUnmatched.length,
    removesApplied: report.removesApplied,
    sources,
    catalog: compact,
  };
}
