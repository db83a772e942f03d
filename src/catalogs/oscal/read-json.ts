/** OSCAL JSON (1.0.x, 1.1.x) catalog or profile to the model. */
import type {
  OscalAdd,
  OscalAlter,
  OscalCatalog,
  OscalConstraint,
  OscalControl,
  OscalDocument,
  OscalGroup,
  OscalImport,
  OscalLink,
  OscalMerge,
  OscalMetadata,
  OscalParam,
  OscalParamFields,
  OscalPart,
  OscalProfile,
  OscalProp,
  OscalRemove,
  OscalResource,
  OscalSelect,
  OscalSelection,
  OscalSetParameter,
} from './model.js';
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

/** Drops undefined members, so that models compare deep-equal whatever the source format. */
export function defined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

const prop = (p: Json): OscalProp =>
  defined({ name: str(p.name) ?? '', value: str(p.value) ?? '', ns: str(p.ns), class: str(p.class), remarks: multi(p.remarks) });
const props = (v: unknown): OscalProp[] => arr(v).map(prop);
const link = (l: Json): OscalLink => defined({ href: str(l.href) ?? '', rel: str(l.rel), mediaType: str(l['media-type']), text: line(l.text) });
const links = (v: unknown): OscalLink[] => arr(v).map(link);

function part(p: Json): OscalPart {
  return defined({
    id: str(p.id),
    name: str(p.name) ?? '',
    ns: str(p.ns),
    class: str(p.class),
    title: line(p.title),
    props: props(p.props),
    prose: multi(p.prose),
    parts: arr(p.parts).map(part),
    links: links(p.links),
  });
}

function select(v: unknown): OscalSelect | undefined {
  if (v === undefined) return undefined;
  const s = obj(v);
  const howMany = str(s['how-many']);
  return defined<OscalSelect>({
    howMany: howMany === 'one' || howMany === 'one-or-more' ? howMany : undefined,
    choice: (Array.isArray(s.choice) ? s.choice : []).map((c) => normalizeLine(str(c) ?? '')),
  });
}

function constraint(c: Json): OscalConstraint {
  return defined({
    description: multi(c.description),
    tests: arr(c.tests).map((t) => defined({ expression: str(t.expression) ?? '', remarks: multi(t.remarks) })),
  });
}

function paramFields(p: Json): OscalParamFields {
  // OSCAL 1.0.0-rc had `value` (single); 1.0 final and 1.1 have `values`.
  const values = Array.isArray(p.values) ? p.values : p.value !== undefined ? [p.value] : [];
  return defined({
    class: str(p.class),
    props: props(p.props),
    links: links(p.links),
    label: line(p.label),
    usage: multi(p.usage),
    constraints: arr(p.constraints).map(constraint),
    guidelines: arr(p.guidelines)
      .map((g) => multi(g.prose))
      .filter((g): g is string => g !== undefined),
    values: values.map((v) => normalizeLine(str(v) ?? '')),
    select: select(p.select),
  });
}

function param(p: Json): OscalParam {
  const fields = paramFields(p);
  return defined({ id: str(p.id) ?? '', ...fields, dependsOn: str(p['depends-on']), remarks: multi(p.remarks) });
}

function control(c: Json): OscalControl {
  return defined({
    id: str(c.id) ?? '',
    class: str(c.class),
    title: line(c.title) ?? '',
    params: arr(c.params).map(param),
    props: props(c.props),
    links: links(c.links),
    parts: arr(c.parts).map(part),
    controls: arr(c.controls).map(control),
  });
}

function group(g: Json): OscalGroup {
  return defined({
    id: str(g.id),
    class: str(g.class),
    title: line(g.title) ?? '',
    params: arr(g.params).map(param),
    props: props(g.props),
    links: links(g.links),
    parts: arr(g.parts).map(part),
    groups: arr(g.groups).map(group),
    controls: arr(g.controls).map(control),
  });
}

function metadata(m: Json): OscalMetadata {
  return defined({
    title: line(m.title) ?? '',
    published: str(m.published),
    lastModified: str(m['last-modified']),
    version: str(m.version),
    oscalVersion: str(m['oscal-version']),
    props: props(m.props),
    links: links(m.links),
  });
}

function resource(r: Json): OscalResource {
  const b64 = r.base64 === undefined ? undefined : obj(r.base64);
  return defined({
    uuid: str(r.uuid) ?? '',
    title: line(r.title),
    description: multi(r.description),
    props: props(r.props),
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

function add(a: Json): OscalAdd {
  const position = str(a.position);
  return defined({
    position: position === 'before' || position === 'after' || position === 'starting' || position === 'ending' ? position : undefined,
    byId: str(a['by-id']),
    title: line(a.title),
    params: arr(a.params).map(param),
    props: props(a.props),
    links: links(a.links),
    parts: arr(a.parts).map(part),
  });
}

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
