/** OSCAL XML (1.0.x, 1.1.x) catalog or profile to the same model the JSON reader builds. */
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
import { defined } from './read-json.js';
import { element, elements, isBlock, markupLine, markupMultiline, parseXml, textOf } from './xml-tree.js';
import type { XmlElement } from './xml-tree.js';

const childLine = (el: XmlElement, name: string): string | undefined => {
  const child = element(el, name);
  return child ? markupLine(child) : undefined;
};
const childMulti = (el: XmlElement, name: string): string | undefined => {
  const child = element(el, name);
  return child ? markupMultiline(child.children) : undefined;
};
const childText = (el: XmlElement, name: string): string | undefined => {
  const child = element(el, name);
  return child ? textOf(child).trim() : undefined;
};

const prop = (p: XmlElement): OscalProp =>
  defined({ name: p.attrs.name ?? '', value: p.attrs.value ?? '', ns: p.attrs.ns, class: p.attrs.class, remarks: childMulti(p, 'remarks') });
const props = (el: XmlElement): OscalProp[] => elements(el, 'prop').map(prop);
function link(l: XmlElement): OscalLink {
  const text = markupLine(l);
  return defined({ href: l.attrs.href ?? '', rel: l.attrs.rel, mediaType: l.attrs['media-type'], text: text === '' ? undefined : text });
}
const links = (el: XmlElement): OscalLink[] => elements(el, 'link').map(link);

function part(p: XmlElement): OscalPart {
  return defined({
    id: p.attrs.id,
    name: p.attrs.name ?? '',
    ns: p.attrs.ns,
    class: p.attrs.class,
    title: childLine(p, 'title'),
    props: props(p),
    prose: markupMultiline(p.children.filter(isBlock)),
    parts: elements(p, 'part').map(part),
    links: links(p),
  });
}

function select(el: XmlElement | undefined): OscalSelect | undefined {
  if (!el) return undefined;
  const howMany = el.attrs['how-many'];
  return defined<OscalSelect>({
    howMany: howMany === 'one' || howMany === 'one-or-more' ? howMany : undefined,
    choice: elements(el, 'choice').map(markupLine),
  });
}

const constraint = (c: XmlElement): OscalConstraint =>
  defined({
    description: childMulti(c, 'description'),
    tests: elements(c, 'test').map((t) => defined({ expression: childText(t, 'expression') ?? '', remarks: childMulti(t, 'remarks') })),
  });

function paramFields(p: XmlElement): OscalParamFields {
  return defined({
    class: p.attrs.class,
    props: props(p),
    links: links(p),
    label: childLine(p, 'label'),
    usage: childMulti(p, 'usage'),
    constraints: elements(p, 'constraint').map(constraint),
    guidelines: elements(p, 'guideline')
      .map((g) => markupMultiline(g.children))
      .filter((g): g is string => g !== undefined),
    values: elements(p, 'value').map(markupLine),
    select: select(element(p, 'select')),
  });
}

const param = (p: XmlElement): OscalParam =>
  defined({ id: p.attrs.id ?? '', ...paramFields(p), dependsOn: p.attrs['depends-on'], remarks: childMulti(p, 'remarks') });

function control(c: XmlElement): OscalControl {
  return defined({
    id: c.attrs.id ?? '',
    class: c.attrs.class,
    title: childLine(c, 'title') ?? '',
    params: elements(c, 'param').map(param),
    props: props(c),
    links: links(c),
    parts: elements(c, 'part').map(part),
    controls: elements(c, 'control').map(control),
  });
}

function group(g: XmlElement): OscalGroup {
  return defined({
    id: g.attrs.id,
    class: g.attrs.class,
    title: childLine(g, 'title') ?? '',
    params: elements(g, 'param').map(param),
    props: props(g),
    links: links(g),
    parts: elements(g, 'part').map(part),
    groups: elements(g, 'group').map(group),
    controls: elements(g, 'control').map(control),
  });
}

function metadata(m: XmlElement | undefined): OscalMetadata {
  if (!m) return { title: '', props: [], links: [] };
  return defined({
    title: childLine(m, 'title') ?? '',
    published: childText(m, 'published'),
    lastModified: childText(m, 'last-modified'),
    version: childText(m, 'version'),
    oscalVersion: childText(m, 'oscal-version'),
    props: props(m),
    links: links(m),
  });
}

function resource(r: XmlElement): OscalResource {
  const b64 = element(r, 'base64');
  const citation = element(r, 'citation');
  return defined({
    uuid: r.attrs.uuid ?? '',
    title: childLine(r, 'title'),
    description: childMulti(r, 'description'),
    props: props(r),
    citation: citation ? childLine(citation, 'text') : undefined,
    rlinks: elements(r, 'rlink').map((l) =>
      defined({
        href: l.attrs.href ?? '',
        mediaType: l.attrs['media-type'],
        hashes: elements(l, 'hash').map((h) => ({ algorithm: h.attrs.algorithm ?? '', value: textOf(h).trim() })),
      }),
    ),
    base64: b64 ? defined({ filename: b64.attrs.filename, mediaType: b64.attrs['media-type'], value: textOf(b64).replace(/\s+/g, '') }) : undefined,
    remarks: childMulti(r, 'remarks'),
  });
}

const backMatter = (root: XmlElement): OscalResource[] => {
  const bm = element(root, 'back-matter');
  return bm ? elements(bm, 'resource').map(resource) : [];
};

function selection(s: XmlElement): OscalSelection {
  const wcc = s.attrs['with-child-controls'];
  return defined({
    withChildControls: wcc === 'yes' || wcc === 'no' ? wcc : undefined,
    withIds: elements(s, 'with-id').map((w) => textOf(w).trim()),
    matching: elements(s, 'matching').map((m) => m.attrs.pattern ?? ''),
  });
}

const profileImport = (i: XmlElement): OscalImport => ({
  href: i.attrs.href ?? '',
  includeAll: element(i, 'include-all') !== undefined,
  includeControls: elements(i, 'include-controls').map(selection),
  excludeControls: elements(i, 'exclude-controls').map(selection),
});

function merge(m: XmlElement | undefined): OscalMerge | undefined {
  if (!m) return undefined;
  const asIs = element(m, 'as-is');
  const structure: OscalMerge['structure'] =
    asIs && textOf(asIs).trim() !== 'false' ? 'as-is' : element(m, 'flat') ? 'flat' : element(m, 'custom') ? 'custom' : undefined;
  return defined<OscalMerge>({ combine: element(m, 'combine')?.attrs.method, structure });
}

const remove = (r: XmlElement): OscalRemove =>
  defined({ byName: r.attrs['by-name'], byClass: r.attrs['by-class'], byId: r.attrs['by-id'], byItemName: r.attrs['by-item-name'], byNs: r.attrs['by-ns'] });

function add(a: XmlElement): OscalAdd {
  const position = a.attrs.position;
  return defined({
    position: position === 'before' || position === 'after' || position === 'starting' || position === 'ending' ? position : undefined,
    byId: a.attrs['by-id'],
    title: childLine(a, 'title'),
    params: elements(a, 'param').map(param),
    props: props(a),
    links: links(a),
    parts: elements(a, 'part').map(part),
  });
}

const alter = (a: XmlElement): OscalAlter => ({
  controlId: a.attrs['control-id'] ?? '',
  removes: elements(a, 'remove').map(remove),
  adds: elements(a, 'add').map(add),
});
const setParameter = (s: XmlElement): OscalSetParameter => ({ paramId: s.attrs['param-id'] ?? '', ...paramFields(s) });

function catalogFromXml(c: XmlElement): OscalCatalog {
  return {
    kind: 'catalog',
    uuid: c.attrs.uuid ?? '',
    metadata: metadata(element(c, 'metadata')),
    params: elements(c, 'param').map(param),
    controls: elements(c, 'control').map(control),
    groups: elements(c, 'group').map(group),
    backMatter: backMatter(c),
  };
}

function profileFromXml(p: XmlElement): OscalProfile {
  const modify = element(p, 'modify');
  return defined({
    kind: 'profile' as const,
    uuid: p.attrs.uuid ?? '',
    metadata: metadata(element(p, 'metadata')),
    imports: elements(p, 'import').map(profileImport),
    merge: merge(element(p, 'merge')),
    modify: { setParameters: modify ? elements(modify, 'set-parameter').map(setParameter) : [], alters: modify ? elements(modify, 'alter').map(alter) : [] },
    backMatter: backMatter(p),
  });
}

/** The catalog or profile in an OSCAL XML document, or undefined when the root is neither. */
export function oscalFromXml(text: string): OscalDocument | undefined {
  const root = parseXml(text);
  if (root.name === 'catalog') return catalogFromXml(root);
  if (root.name === 'profile') return profileFromXml(root);
  return undefined;
}
