/** OSCAL XML (1.0.x, 1.1.x) catalog or profile to the same model the JSON reader builds. */
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

/** OSCAL XML: tokens are attributes, children are elements, prose is markup made Markdown. */
const source: OscalSource<XmlElement> = {
  flag: (node, name) => node.attrs[name],
  line: childLine,
  multi: childMulti,
  text: childText,
  child: element,
  list: (node, _plural, singular) => elements(node, singular),
  // A part's prose is its block children; its title, props, parts and links are not prose.
  prose: (part) => markupMultiline(part.children.filter(isBlock)),
  guideline: (guideline) => markupMultiline(guideline.children),
  linkText(link) {
    const text = markupLine(link);
    return text === '' ? undefined : text;
  },
  values: (param) => elements(param, 'value').map(markupLine),
  choices: (select) => elements(select, 'choice').map(markupLine),
};

const { props, links, paramFields, param, control, group, add } = assembler(source);

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
