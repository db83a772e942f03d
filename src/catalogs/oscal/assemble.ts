/**
 * The model assembly both readers share: props, links, parts, params, controls, groups and a
 * profile's adds are built here once, from an OscalSource that reads one node in its format.
 * What really differs between OSCAL JSON and XML (prose, link text, values, choices) stays in
 * each source, so that the same content gives deep-equal models by construction.
 */
import type {
  OscalAdd,
  OscalConstraint,
  OscalContent,
  OscalControl,
  OscalGroup,
  OscalLink,
  OscalParam,
  OscalParamFields,
  OscalPart,
  OscalProp,
  OscalSelect,
} from './model.js';

/** Drops undefined members, so that models compare deep-equal whatever the source format. */
export function defined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/** How one reader gets at a node (a JSON object, an XML element). */
export interface OscalSource<N> {
  /** A token: the JSON member or XML attribute of that name (id, name, class, depends-on...). */
  flag(node: N, name: string): string | undefined;
  /** A markup-line field (title, label). */
  line(node: N, name: string): string | undefined;
  /** A markup-multiline field (remarks, usage, description). */
  multi(node: N, name: string): string | undefined;
  /** A plain-text field (a constraint test's expression). */
  text(node: N, name: string): string | undefined;
  /** The one child of that name (JSON member, XML element), if any. */
  child(node: N, name: string): N | undefined;
  /** Child nodes: the JSON array `plural`, the XML elements `singular`. */
  list(node: N, plural: string, singular: string): N[];
  /** A part's prose. */
  prose(part: N): string | undefined;
  /** A guideline's prose. */
  guideline(guideline: N): string | undefined;
  linkText(link: N): string | undefined;
  /** A parameter's (or set-parameter's) values. */
  values(param: N): string[];
  /** A select's choices. */
  choices(select: N): string[];
}

export interface OscalAssembler<N> {
  props(node: N): OscalProp[];
  links(node: N): OscalLink[];
  part(node: N): OscalPart;
  paramFields(node: N): OscalParamFields;
  param(node: N): OscalParam;
  control(node: N): OscalControl;
  group(node: N): OscalGroup;
  add(node: N): OscalAdd;
}

export function assembler<N>(src: OscalSource<N>): OscalAssembler<N> {
  const prop = (p: N): OscalProp =>
    defined({
      name: src.flag(p, 'name') ?? '',
      value: src.flag(p, 'value') ?? '',
      ns: src.flag(p, 'ns'),
      class: src.flag(p, 'class'),
      remarks: src.multi(p, 'remarks'),
    });
  const props = (node: N): OscalProp[] => src.list(node, 'props', 'prop').map(prop);
  const link = (l: N): OscalLink =>
    defined({ href: src.flag(l, 'href') ?? '', rel: src.flag(l, 'rel'), mediaType: src.flag(l, 'media-type'), text: src.linkText(l) });
  const links = (node: N): OscalLink[] => src.list(node, 'links', 'link').map(link);

  const part = (p: N): OscalPart =>
    defined({
      id: src.flag(p, 'id'),
      name: src.flag(p, 'name') ?? '',
      ns: src.flag(p, 'ns'),
      class: src.flag(p, 'class'),
      title: src.line(p, 'title'),
      props: props(p),
      prose: src.prose(p),
      parts: parts(p),
      links: links(p),
    });

  function select(s: N | undefined): OscalSelect | undefined {
    if (s === undefined) return undefined;
    const howMany = src.flag(s, 'how-many');
    return defined<OscalSelect>({ howMany: howMany === 'one' || howMany === 'one-or-more' ? howMany : undefined, choice: src.choices(s) });
  }

  const constraint = (c: N): OscalConstraint =>
    defined({
      description: src.multi(c, 'description'),
      tests: src.list(c, 'tests', 'test').map((t) => defined({ expression: src.text(t, 'expression') ?? '', remarks: src.multi(t, 'remarks') })),
    });

  const paramFields = (p: N): OscalParamFields =>
    defined({
      class: src.flag(p, 'class'),
      props: props(p),
      links: links(p),
      label: src.line(p, 'label'),
      usage: src.multi(p, 'usage'),
      constraints: src.list(p, 'constraints', 'constraint').map(constraint),
      guidelines: src
        .list(p, 'guidelines', 'guideline')
        .map((g) => src.guideline(g))
        .filter((g): g is string => g !== undefined),
      values: src.values(p),
      select: select(src.child(p, 'select')),
    });

  const param = (p: N): OscalParam =>
    defined({ id: src.flag(p, 'id') ?? '', ...paramFields(p), dependsOn: src.flag(p, 'depends-on'), remarks: src.multi(p, 'remarks') });
  const parts = (node: N): OscalPart[] => src.list(node, 'parts', 'part').map(part);
  // Spread between the members before and after it: key order is the order of written catalogs.
  const content = (node: N): OscalContent => ({
    params: src.list(node, 'params', 'param').map(param),
    props: props(node),
    links: links(node),
    parts: parts(node),
  });

  const control = (c: N): OscalControl =>
    defined({
      id: src.flag(c, 'id') ?? '',
      class: src.flag(c, 'class'),
      title: src.line(c, 'title') ?? '',
      ...content(c),
      controls: src.list(c, 'controls', 'control').map(control),
    });

  const group = (g: N): OscalGroup =>
    defined({
      id: src.flag(g, 'id'),
      class: src.flag(g, 'class'),
      title: src.line(g, 'title') ?? '',
      ...content(g),
      groups: src.list(g, 'groups', 'group').map(group),
      controls: src.list(g, 'controls', 'control').map(control),
    });

  function add(a: N): OscalAdd {
    const position = src.flag(a, 'position');
    return defined({
      position: position === 'before' || position === 'after' || position === 'starting' || position === 'ending' ? position : undefined,
      byId: src.flag(a, 'by-id'),
      title: src.line(a, 'title'),
      ...content(a),
    });
  }

  return { props, links, part, paramFields, param, control, group, add };
}
