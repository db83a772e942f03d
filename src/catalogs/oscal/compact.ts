/**
 * The compact Infracast catalog form written to a workspace's catalogs/<id>.json by
 * `infracast catalog import`: per control its canonical id, title, family, parameters with their
 * resolved values, statement parts with prose, and the withdrawn flag; plus where it came from.
 */
import { canonicalControlId } from '../../model/control-ids.js';
import type { OscalCatalog, OscalControl, OscalParam, OscalPart } from './model.js';
import { isWithdrawn, walkControls } from './model.js';

export const COMPACT_CATALOG_FORMAT = 'infracast-catalog/1';

export interface CompactParam {
  id: string;
  label?: string;
  /** Values set by the catalog or the profile. */
  values?: string[];
  select?: { how_many: 'one' | 'one-or-more'; choice: string[] };
  /** Constraint descriptions (FedRAMP states its required values as constraints). */
  constraints?: string[];
  guidelines?: string[];
  /** What a report prints for the parameter: its values, else its constraints, else an assignment or selection placeholder. */
  display: string;
}

export interface CompactControl {
  id: string;
  oscal_id: string;
  title: string;
  family: string;
  parent?: string;
  withdrawn?: true;
  params?: CompactParam[];
  /** Statement parts by id below the statement ("a", "a.1", ...; "" for the statement's own prose). */
  statement?: Record<string, string>;
  /** Parts the profile added inside the statement or beside it with a title (e.g. FedRAMP requirements), by part id. */
  additions?: Record<string, { title?: string; prose: string }>;
}

export interface CompactSource {
  file: string;
  sha256: string;
  kind: 'catalog' | 'profile';
}

export interface CompactCatalog {
  format: typeof COMPACT_CATALOG_FORMAT;
  id: string;
  /** Id scheme of the controls (the framework whose canonical form `id` uses). */
  id_scheme: 'nist-800-53' | 'nist-800-171-r3' | 'verbatim';
  metadata: {
    title: string;
    version?: string;
    oscal_version?: string;
    published?: string;
    last_modified?: string;
    source: CompactSource;
    /** Documents the profile imported (transitively), in order. */
    imports: CompactSource[];
  };
  families: { id: string; title: string }[];
  counts: { controls: number; withdrawn: number; parameters: number; parameters_with_values: number };
  controls: CompactControl[];
}

type Scheme = CompactCatalog['id_scheme'];

function canonical(scheme: Scheme, oscalId: string): string {
  if (scheme === 'nist-800-53') return canonicalControlId('nist-800-53', oscalId) ?? oscalId;
  if (scheme === 'nist-800-171-r3') return canonicalControlId('nist-800-171-r3', oscalId.replace(/^SP_800_171_/, '')) ?? oscalId;
  return oscalId;
}

/** The id scheme most of the catalog's controls follow. */
export function detectScheme(ids: string[]): Scheme {
  if (ids.length === 0) return 'verbatim';
  const share = (ok: (id: string) => boolean): number => ids.filter(ok).length / ids.length;
  if (share((id) => /^[a-z]{2}-\d+(\.\d+)?$/.test(id) && canonicalControlId('nist-800-53', id) !== undefined) >= 0.9) return 'nist-800-53';
  if (share((id) => canonicalControlId('nist-800-171-r3', id.replace(/^SP_800_171_/, '')) !== undefined) >= 0.5) return 'nist-800-171-r3';
  return 'verbatim';
}

function paramDisplay(p: OscalParam, label: string | undefined): string {
  if (p.values.length > 0) return p.values.join(', ');
  if (p.constraints.length > 0) return p.constraints.map((c) => c.description ?? '').join('; ');
  if (p.select) return `[Selection${p.select.howMany === 'one-or-more' ? ' (one or more)' : ''}: ${p.select.choice.join('; ')}]`;
  return `[Assignment: ${label ?? p.id}]`;
}

function compactParam(p: OscalParam): CompactParam {
  return {
    id: p.id,
    ...(p.label !== undefined ? { label: p.label } : {}),
    ...(p.values.length > 0 ? { values: p.values } : {}),
    ...(p.select ? { select: { how_many: p.select.howMany ?? 'one', choice: p.select.choice } } : {}),
    ...(p.constraints.some((c) => c.description) ? { constraints: p.constraints.map((c) => c.description ?? '').filter((d) => d !== '') } : {}),
    ...(p.guidelines.length > 0 ? { guidelines: p.guidelines } : {}),
    display: paramDisplay(p, p.label),
  };
}

function statementParts(control: OscalControl): { statement?: Record<string, string>; additions?: Record<string, { title?: string; prose: string }> } {
  const statement: Record<string, string> = {};
  const additions: Record<string, { title?: string; prose: string }> = {};
  const smt = control.parts.find((p) => p.name === 'statement');
  const prefix = `${control.id}_smt`;
  const proseOf = (part: OscalPart): string =>
    [part.prose ?? '', ...part.parts.filter((c) => c.id === undefined || !c.id.startsWith(prefix)).map(proseOf)].filter((s) => s !== '').join('\n\n');
  const walk = (part: OscalPart): void => {
    if (part.id !== undefined && part.id.startsWith(prefix)) {
      if (part.prose !== undefined) statement[part.id.slice(prefix.length).replace(/^\./, '')] = part.prose;
      part.parts.forEach(walk);
    } else if (part.id !== undefined) {
      // Parts a profile added (their ids are not the catalog's statement ids), kept whole.
      additions[part.id] = { ...(part.title !== undefined ? { title: part.title } : {}), prose: proseOf(part) };
    }
  };
  if (smt) walk(smt);
  return {
    ...(Object.keys(statement).length > 0 ? { statement } : {}),
    ...(Object.keys(additions).length > 0 ? { additions } : {}),
  };
}

export function toCompactCatalog(catalog: OscalCatalog, options: { id: string; source: CompactSource; imports: CompactSource[] }): CompactCatalog {
  const entries = [...walkControls(catalog)];
  const scheme = detectScheme(entries.map((e) => e.control.id).filter((id) => !/^SP_800_171_SR-/.test(id)));
  const families: { id: string; title: string }[] = [];
  let withdrawn = 0;
  let parameters = 0;
  let withValues = 0;
  const controls = entries.map(({ control, group, parent }): CompactControl => {
    const id = canonical(scheme, control.id);
    const familyId = group?.id !== undefined ? canonical(scheme, group.id).toUpperCase() : (/^[A-Za-z]+/.exec(id)?.[0] ?? '').toUpperCase();
    if (group && !families.some((f) => f.id === familyId)) families.push({ id: familyId, title: group.title });
    const out: CompactControl = { id, oscal_id: control.id, title: control.title, family: familyId };
    if (parent) out.parent = canonical(scheme, parent.id);
    if (isWithdrawn(control)) {
      out.withdrawn = true;
      withdrawn += 1;
    }
    if (control.params.length > 0) {
      out.params = control.params.map(compactParam);
      parameters += control.params.length;
      withValues += control.params.filter((p) => p.values.length > 0 || p.constraints.some((c) => c.description)).length;
    }
    Object.assign(out, statementParts(control));
    return out;
  });
  return {
    format: COMPACT_CATALOG_FORMAT,
    id: options.id,
    id_scheme: scheme,
    metadata: {
      title: catalog.metadata.title,
      ...(catalog.metadata.version !== undefined ? { version: catalog.metadata.version } : {}),
      ...(catalog.metadata.oscalVersion !== undefined ? { oscal_version: catalog.metadata.oscalVersion } : {}),
      ...(catalog.metadata.published !== undefined ? { published: catalog.metadata.published } : {}),
      ...(catalog.metadata.lastModified !== undefined ? { last_modified: catalog.metadata.lastModified } : {}),
      source: options.source,
      imports: options.imports,
    },
    families,
    counts: { controls: controls.length, withdrawn, parameters, parameters_with_values: withValues },
    controls,
  };
}
