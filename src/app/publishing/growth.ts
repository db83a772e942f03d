/**
 * The repository's growth policy (issue 16): a scheduled run commits its Markdown and JSON every
 * time, but a binary (pdf, docx, xlsx, zip) only when what it says changed. Every run stamps its
 * instant into every format, so "what it says" is the report's content digest: the ReportModel
 * without its run-specific fields (meta.generatedAt, provenance.generatedAt), plus everything else
 * a renderer reads that is not in the model (the files it embeds, the workspace's template
 * overrides) and the signing set-up. The digest of each report is kept in its folder's published
 * marker; a later run whose digest is the same keeps the published binary byte for byte, with its
 * signature and its out/index.json item, instead of rendering it again (render.ts, option
 * keepUnchangedBinaries). The files, the index and the signatures therefore always agree, and the
 * kept item's dates say when the kept file was made.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { canonicalJson, compareCodeUnits } from '../../model/order.js';
import type { ReportModel } from '../../model/report-model.js';
import type { IndexItem, PublishedMarker } from '../publish.js';
import type { SignatureState } from '../state.js';
import { readMarker } from '../transaction.js';

/** The formats kept when their content is unchanged: the binaries (text formats are cheap to diff and always written). */
export const KEPT_FORMATS: ReadonlySet<string> = new Set(['pdf', 'docx', 'xlsx', 'zip']);

export interface ContentInputs {
  /** Files the renderers embed, by name (logo, charts, diagrams). */
  attachments: ReadonlyMap<string, Uint8Array>;
  /** templatesDigest() of the workspace's template overrides. */
  templates: string;
  /** The signing set-up's fingerprint, or null when the definition is not signed. */
  signing: string | null;
}

/** sha256 of what a report says, leaving out the instant the run stamps on it. */
export function contentDigest(model: ReportModel, inputs: ContentInputs): string {
  const { generatedAt: _meta, ...meta } = model.meta;
  const { generatedAt: _provenance, ...provenance } = model.provenance;
  const attachments = Object.fromEntries([...inputs.attachments].map(([name, bytes]) => [name, sha256(bytes)]));
  return sha256(canonicalJson({ model: { ...model, meta, provenance }, attachments, templates: inputs.templates, signing: inputs.signing }));
}

/** sha256 over every file of the template overrides folder (path and bytes), or of nothing when it is absent. */
export function templatesDigest(dir: string): string {
  const files: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) walk(join(d, entry.name));
      else if (entry.isFile()) files.push(join(d, entry.name));
    }
  };
  walk(dir);
  const hash = createHash('sha256');
  for (const file of files.map((f) => relative(dir, f).split(sep).join('/')).sort(compareCodeUnits))
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(dir, file)))
      .update('\0');
  return hash.digest('hex');
}

/** A published binary kept as it is: its bytes, its index item, and (signed) its signature record and sidecars. */
export interface KeptBinary {
  bytes: Uint8Array;
  item: IndexItem;
  signature?: { record: SignatureState[string]; sidecars: { fileName: string; bytes: Uint8Array }[] };
}

/**
 * The published file `fileName` of `folder`, when it may stand for this run's rendering: the
 * marker recorded the same content digest for its report, the file is the one the marker lists
 * (same sha256), and its signature state matches what this run would do (unsigned then and now;
 * or signed, with the state's record naming exactly these bytes and intact sidecars).
 */
export function keptBinary(
  folder: string,
  fileName: string,
  stem: string,
  digest: string,
  signing: { key: string; state: SignatureState } | undefined,
): KeptBinary | undefined {
  const marker = readMarker<PublishedMarker>(folder);
  if (marker?.content_sha256?.[stem] !== digest) return undefined;
  const item = marker.items.find((i) => i.status === 'completed' && i.path !== null && i.path.endsWith(`/${fileName}`) && !i.supporting);
  const bytes = item ? readIfPresent(join(folder, fileName)) : undefined;
  if (!item || !bytes || sha256(bytes) !== item.sha256) return undefined;
  if (!signing) return item.signature ? undefined : { bytes, item };
  const record = signing.state[signing.key];
  if (!item.signature || !record || record.signed_sha256 !== item.sha256) return undefined;
  const sidecars: { fileName: string; bytes: Uint8Array }[] = [];
  for (const [name, sha] of Object.entries(record.sidecars)) {
    const sidecar = readIfPresent(join(folder, name));
    if (!sidecar || sha256(sidecar) !== sha) return undefined;
    sidecars.push({ fileName: name, bytes: sidecar });
  }
  return { bytes, item, signature: { record, sidecars } };
}

function readIfPresent(path: string): Uint8Array | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
