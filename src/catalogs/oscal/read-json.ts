/** OSCAL JSON (1.0.x, 1.1.x) catalog or profile to the model. */
import type {
  OscalAlter,
  OscalCatalog,
  OscalDocument,
  OscalImport,
  OscalMerge,
  OscalMetadata,
  OscalProfile,
  OscalRemove,
  OscalResource,
  OscalSelection,
  OscalSetParameter,
} from './model.js';
import { assembler, defined } from './assemble.js';
import type { OscalSource } from './assemble.js';
import { normalizeLine, normalizeProse } from './prose.js';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
const line = (v: unknown): string | undefined => {
  const s = str(v);
  return s === undefined ? undefined : normalizeLine(s);
};
const multi = (v: unknown): string | undefined => {
  const s = str(v);
  if (s === undefined) return undefined;
  const p = normalizeProse(s);
  return p === '' ? undefined : p;
};

/** OSCAL JSON: tokens and children are members, prose is already Markdown. */
const source: OscalSource<Json> = {
  flag: (node, name) => str(node[name]),
  line: (node, name) => line(node[name]),
  multi: (node, name) => multi(node[name]),
  text: (node, name) => str(node[name]),
  child: (node, name) => (node[name] === undefined ? undefined : obj(node[name])),
  list: (node, plural) => arr(node[plural]),
  prose: (part) => multi(part.prose),
  guideline: (guideline) => multi(guideline.prose),
  linkText: (link) => line(link.text),
  values(param) {
    // OSCAL 1.0.0-rc had `value` (single); 1.0 final and 1.1 have `values`.
    const values = Array.isArray(param.values) ? param.values : param.value !== undefined ? [param.value] : [];
    return values.map((v) => normalizeLine(str(v) ?? ''));
  },
  choices: (select) => (Array.isArray(select.choice) ? select.choice : []).map((c) => normalizeLine(str(c) ?? '')),
};

const { props, links, paramFields, param, control, group, add } = assembler(source);

function metadata(m: Json): OscalMetadata {
  return defined({
    title: line(m.title) ?? '',
    published: str(m.published),
    lastModified: str(m['last-modified']),
    version: str(m.version),
    oscalVersion: str(m['oscal-version']),
    props: props(m),
    links: links(m),
  });
}

function resource(r: Json): OscalResource {
  const b64 = r.base64 === undefined ? undefined : obj(r.base64);
  return defined({
    uuid: str(r.uuid) ?? '',
    title: line(r.title),
    description: multi(r.description),
    props: props(r),
    citation: r.citation === undefined ? undefined : line(obj(r.citation).text),
    rlinks: arr(r.rlinks).map((l) =>
      defined({
        href: str(l.href) ?? '',
        mediaType: str(l['media-type']),
        hashes: arr(l.hashes).map((h) => ({ algorithm: str(h.algorithm) ?? '', value: str(h.value) ?? '' })),
      }),
    ),
    base64: b64 ? defined({ filename: str(b64.filename), mediaType: str(b64['media-type']), value: (str(b64.value) ?? '').replace(/\s+/g, '') }) : undefined,
    remarks: multi(r.remarks),
  });
}

const backMatter = (v: unknown): OscalResource[] => arr(obj(v).resources).map(resource);

function selection(s: Json): OscalSelection {
  const wcc = str(s['with-child-controls']);
  return defined({
    withChildControls: wcc === 'yes' || wcc === 'no' ? wcc : undefined,
    withIds: (Array.isArray(s['with-ids']) ? s['with-ids'] : []).map((id) => str(id) ?? ''),
    matching: arr(s.matching).map((m) => str(m.pattern) ?? ''),
  });
}

function profileImport(i: Json): OscalImport {
  return {
    href: str(i.href) ?? '',
    includeAll: i['include-all'] !== undefined,
    includeControls: arr(i['include-controls']).map(selection),
    excludeControls: arr(i['exclude-controls']).map(selection),
  };
}

function merge(v: unknown): OscalMerge | undefined {
  if (v === undefined) return undefined;
  const m = obj(v);
  const combine = str(obj(m.combine).method);
  const structure: OscalMerge['structure'] =
    m['as-is'] === true || m['as-is'] === 'true' ? 'as-is' : m.flat !== undefined ? 'flat' : m.custom !== undefined ? 'custom' : undefined;
  return defined<OscalMerge>({ combine, structure });
}

const remove = (r: Json): OscalRemove =>
  defined({ byName: str(r['by-name']), byClass: str(r['by-class']), byId: str(r['by-id']), byItemName: str(r['by-item-name']), byNs: str(r['by-ns']) });

const alter = (a: Json): OscalAlter => ({ controlId: str(a['control-id']) ?? '', removes: arr(a.removes).map(remove), adds: arr(a.adds).map(add) });

const setParameter = (s: Json): OscalSetParameter => ({ paramId: str(s['param-id']) ?? '', ...paramFields(s) });

export function catalogFromJson(c: Json): OscalCatalog {
  return {
    kind: 'catalog',
    uuid: str(c.uuid) ?? '',
    metadata: metadata(obj(c.metadata)),
    params: arr(c.params).map(param),
    controls: arr(c.controls).map(control),
    groups: arr(c.groups).map(group),
    backMatter: backMatter(c['back-matter']),
  };
}

export function profileFromJson(p: Json): OscalProfile {
  const modify = obj(p.modify);
  return defined({
    kind: 'profile' as const,
    uuid: str(p.uuid) ?? '',
    metadata: metadata(obj(p.metadata)),
    imports: arr(p.imports).map(profileImport),
    merge: merge(p.merge),
    modify: { setParameters: arr(modify['set-parameters']).map(setParameter), alters: arr(modify.alters).map(alter) },
    backMatter: backMatter(p['back-matter']),
  });
}

/** The document inside a parsed OSCAL JSON file ({"catalog": ...} or {"profile": ...}), or undefined. */
export function oscalFromJson(value: unknown): OscalDocument | undefined {
  const root = obj(value);
  if (root.catalog !== undefined) return catalogFromJson(obj(root.catalog));
  if (root.profile !== undefined) return profileFromJson(obj(root.profile));
  return undefined;
}
