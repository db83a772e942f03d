/**
 * A logo SVG made inert before it is copied beside a report or embedded in its PDF or DOCX (issue
 * 12): an SVG is a document that can run script, load other files and expand entities, and the
 * copy beside the report opens in a browser. What is removed:
 * - elements: `script`, `foreignObject` (HTML inside), `iframe`, `embed`, `object`, `audio`,
 *   `video`, `handler`, the animation elements (`set`, `animate*`: they can set an href), `image`
 *   and `use` and `feImage` whose reference is not in the document (or, for images, a PNG, JPEG,
 *   GIF or WebP data: URL), processing instructions (`<?xml-stylesheet href=...?>`);
 * - attributes: event handlers (`on*`), `xml:base`, references (`href`, `xlink:href`, `src`...)
 *   that are not `#fragment`, and any attribute whose value has a `url(...)` to elsewhere;
 * - in `style` elements and attributes: `@import` rules, and `url(...)` to elsewhere (as `none`);
 * - the DOCTYPE. A DOCTYPE with an internal subset (entity declarations: XXE, "billion laughs")
 *   refuses the logo, before any parser sees it, as does a reference to an entity that is not one
 *   of XML's five or a character reference.
 * An SVG from which nothing is removed is kept byte for byte; otherwise it is written from the
 * parsed tree (deterministic: the same input gives the same bytes).
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

export type SanitisedSvg = { svg: string; removed: string[] } | { refused: string };

type Attributes = Record<string, string>;
type XmlNode = Record<string, unknown> & { ':@'?: Attributes };

const OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Text and attribute values stay as written (entity references undecoded) and are written back so.
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: false,
  ignorePiTags: false,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
} as const;

/** Elements removed with everything inside them. */
const DROPPED = new Set([
  'script',
  'foreignobject',
  'iframe',
  'embed',
  'object',
  'audio',
  'video',
  'handler',
  'set',
  'animate',
  'animatemotion',
  'animatetransform',
  'animatecolor',
  'discard',
]);
/** Elements whose reference must stay inside the document, else they go. */
const REFERRING = new Set(['use', 'image', 'feimage']);
/** Attributes that reference a resource. */
const REFERENCES = new Set(['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'base']);
const RASTER_DATA_URL = /^data:image\/(?:png|jpeg|gif|webp)[;,]/i;
const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/** Character and the five predefined entity references decoded; undefined when another entity is referenced. */
function decode(raw: string): string | undefined {
  let unknown = false;
  const text = raw.replace(/&(#x[0-9a-f]+|#\d+|[A-Za-z_][\w.-]*);/gi, (match, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    if (XML_ENTITIES.has(ref)) return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[ref]!;
    unknown = true;
    return match;
  });
  return unknown ? undefined : text;
}

/** A reference kept: a fragment of this document. */
const isLocal = (value: string): boolean => value.trim().startsWith('#');

/** Whether an element may keep this (decoded) reference: a fragment, or a raster data: URL for an image. */
const allowedReference = (element: string, target: string): boolean =>
  isLocal(target) || ((element === 'image' || element === 'feimage') && RASTER_DATA_URL.test(target.trim()));

/** A value of the SVG in a warning: cut, quoted, control characters escaped. */
const shown = (value: string): string => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);

/** CSS (a style element or attribute) without @import and with url(...) to elsewhere as `none`. */
function cleanCss(css: string, removed: string[], where: string): string {
  let out = css.replace(/@import\b[^;]*;?/gi, () => {
    removed.push(`@import in ${where}`);
    return '';
  });
  out = out.replace(/url\(\s*(['"]?)(.*?)\1\s*\)/gi, (match, _quote: string, target: string) => {
    if (isLocal(target)) return match;
    removed.push(`url(${shown(target)}) in ${where}`);
    return 'none';
  });
  return out;
}

/** The local name of an element or attribute, lower case (`svg:script` -> `script`). */
const localName = (name: string): string => name.slice(name.indexOf(':') + 1).toLowerCase();

class Sanitiser {
  readonly removed: string[] = [];
  unknownEntity = false;

  nodes(list: XmlNode[], parent: string): XmlNode[] {
    const out: XmlNode[] = [];
    for (const node of list) {
      const name = Object.keys(node).find((k) => k !== ':@')!;
      if (name === '#text' || name === '#comment' || name === '#cdata') {
        const text = name === '#text' ? String(node[name]) : '';
        if (name === '#text' && decode(text) === undefined) this.unknownEntity = true;
        if (name === '#cdata' && parent === 'style') {
          const inner = (node[name] as XmlNode[])[0]?.['#text'];
          out.push({ '#cdata': [{ '#text': cleanCss(String(inner ?? ''), this.removed, '<style>') }] });
          continue;
        }
        if (name === '#text' && parent === 'style') {
          out.push({ '#text': cleanCss(text, this.removed, '<style>') });
          continue;
        }
        out.push(node);
        continue;
      }
      if (name.startsWith('?')) {
        if (name === '?xml') out.push(node);
        else this.removed.push(`<${name}> processing instruction`);
        continue;
      }
      const local = localName(name);
      if (DROPPED.has(local)) {
        this.removed.push(`<${name}>`);
        continue;
      }
      const reference = REFERRING.has(local) ? Object.entries(node[':@'] ?? {}).find(([key]) => REFERENCES.has(key.toLowerCase())) : undefined;
      if (reference && !allowedReference(local, decode(reference[1]) ?? '')) {
        this.removed.push(`<${name}> of ${shown(reference[1])}`);
        continue;
      }
      const attributes = this.attributes(node[':@'] ?? {}, name);
      const kept: XmlNode = { [name]: this.nodes((node[name] as XmlNode[]) ?? [], local) };
      if (Object.keys(attributes).length > 0) kept[':@'] = attributes;
      out.push(kept);
    }
    return out;
  }

  private attributes(attributes: Attributes, element: string): Attributes {
    const out: Attributes = {};
    for (const [key, raw] of Object.entries(attributes)) {
      const local = localName(key);
      const value = decode(raw);
      if (value === undefined) this.unknownEntity = true;
      if (local.startsWith('on')) {
        this.removed.push(`${key} on <${element}>`);
        continue;
      }
      if (key.toLowerCase() === 'xml:base' || REFERENCES.has(key.toLowerCase())) {
        // An element of REFERRING whose reference is not allowed is removed whole (nodes()).
        if (key.toLowerCase() !== 'xml:base' && allowedReference(localName(element), value ?? '')) out[key] = escapeQuotes(raw);
        else this.removed.push(`${key}=${shown(raw)} on <${element}>`);
        continue;
      }
      if (local === 'style') {
        out[key] = escapeQuotes(cleanCss(raw, this.removed, `the style of <${element}>`));
        continue;
      }
      if (/url\(/i.test(value ?? raw) && cleanCss(value ?? raw, [], '') !== (value ?? raw)) {
        this.removed.push(`${key} on <${element}> (a url() to elsewhere)`);
        continue;
      }
      out[key] = escapeQuotes(raw);
    }
    return out;
  }
}

/** Attribute values are written in double quotes: one written in single quotes may hold a `"`. */
const escapeQuotes = (raw: string): string => raw.replace(/"/g, '&quot;');

/**
 * The DOCTYPE taken out before parsing: one without an internal subset is dropped; one with a
 * subset (entity declarations) refuses the SVG. Undefined means refused.
 */
function withoutDoctype(text: string): { text: string; doctype: boolean } | undefined {
  const at = text.search(/<!DOCTYPE/i);
  if (at < 0) return /<!ENTITY/i.test(text) ? undefined : { text, doctype: false };
  const end = text.indexOf('>', at);
  const bracket = text.indexOf('[', at);
  if (end < 0 || (bracket >= 0 && bracket < end) || /<!ENTITY/i.test(text)) return undefined;
  return { text: text.slice(0, at) + text.slice(end + 1), doctype: true };
}

export function sanitiseSvg(text: string): SanitisedSvg {
  const stripped = withoutDoctype(text);
  if (!stripped) return { refused: 'it declares a DTD with entities (entity expansion and external entities are refused)' };
  let tree: XmlNode[];
  try {
    tree = new XMLParser(OPTIONS).parse(stripped.text, true) as XmlNode[];
  } catch (error) {
    return {
      refused: `it is not well-formed XML (${((error as { err?: { msg?: string } }).err?.msg ?? (error as Error).message ?? String(error)).split('\n')[0]})`,
    };
  }
  const roots = tree.filter((node) => {
    const name = Object.keys(node).find((k) => k !== ':@')!;
    return !name.startsWith('?') && !name.startsWith('#');
  });
  const rootName = roots.length === 1 ? Object.keys(roots[0]!).find((k) => k !== ':@')! : '';
  if (localName(rootName) !== 'svg') return { refused: 'its root element is not <svg>' };
  const sanitiser = new Sanitiser();
  const cleaned = sanitiser.nodes(tree, '');
  if (sanitiser.unknownEntity) return { refused: 'it references entities that are not XML\u2019s own (declared in a DTD)' };
  if (sanitiser.removed.length === 0) return { svg: stripped.doctype ? stripped.text : text, removed: [] };
  return { svg: new XMLBuilder({ ...OPTIONS, suppressEmptyNode: true }).build(cleaned) as string, removed: sanitiser.removed };
}
