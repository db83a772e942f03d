/**
 * XML to a small element tree (fast-xml-parser in preserve-order mode), and OSCAL's XML markup
 * (markup-line, markup-multiline) to the Markdown that OSCAL's JSON carries for the same content.
 */
import { XMLParser } from 'fast-xml-parser';
import { insertMarker, normalizeLine, normalizeProse } from './prose.js';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string>; '#text'?: string };

function convert(nodes: OrderedNode[]): (XmlElement | string)[] {
  const out: (XmlElement | string)[] = [];
  for (const node of nodes) {
    if ('#text' in node) {
      out.push(String(node['#text']));
      continue;
    }
    const name = Object.keys(node).find((k) => k !== ':@');
    if (!name || name.startsWith('?')) continue;
    out.push({ name, attrs: { ...(node[':@'] ?? {}) }, children: convert((node[name] as OrderedNode[]) ?? []) });
  }
  return out;
}

/** Parses an XML document; returns its root element. Throws on malformed XML. */
export function parseXml(text: string): XmlElement {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: true,
    htmlEntities: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    commentPropName: false,
  });
  const tree = convert(parser.parse(text, true) as OrderedNode[]);
  const root = tree.find((n): n is XmlElement => typeof n !== 'string');
  if (!root) throw new Error('no root element');
  return root;
}

export function elements(parent: XmlElement, name?: string): XmlElement[] {
  return parent.children.filter((c): c is XmlElement => typeof c !== 'string' && (name === undefined || c.name === name));
}

export function element(parent: XmlElement, name: string): XmlElement | undefined {
  return parent.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === name);
}

/** Plain text content (entities already decoded). */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

/**
 * Characters that the Markdown written for inline markup uses (em `*`, code `` ` ``, sub `~`,
 * sup `^`, q `"`), escaped in text as OSCAL's XML-to-JSON converter escapes them (the published
 * JSON renderings carry `\*` and `\"` where the XML has a literal `*` or `"`).
 */
const escapeText = (text: string): string => text.replace(/[*`~^"]/g, '\\$&');

/** Inline markup to Markdown, as OSCAL's XML-to-JSON converter writes it. */
function inline(nodes: (XmlElement | string)[]): string {
  let out = '';
  for (const node of nodes) {
    if (typeof node === 'string') {
      out += escapeText(node);
      continue;
    }
    const inner = (): string => inline(node.children);
    switch (node.name) {
      case 'insert':
        out += insertMarker(node.attrs.type ?? 'param', node.attrs['id-ref'] ?? '');
        break;
      case 'em':
      case 'i':
        out += `*${inner()}*`;
        break;
      case 'strong':
      case 'b':
        out += `**${inner()}**`;
        break;
      case 'code':
        out += `\`${textOf(node)}\``; // verbatim
        break;
      case 'q':
        out += `"${inner()}"`;
        break;
      case 'sub':
        out += `~${inner()}~`;
        break;
      case 'sup':
        out += `^${inner()}^`;
        break;
      case 'a':
        out += `[${inner()}](${node.attrs.href ?? ''})`;
        break;
      case 'img':
        out += `![${node.attrs.alt ?? ''}](${node.attrs.src ?? ''})`;
        break;
      case 'br':
        out += '\n';
        break;
      default:
        out += inner();
    }
  }
  return out;
}

/** markup-line content of an element (title, label, choice...). */
export function markupLine(el: XmlElement): string {
  return normalizeLine(inline(el.children));
}

const BLOCKS = new Set(['p', 'ul', 'ol', 'table', 'pre', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr']);

export function isBlock(node: XmlElement | string): node is XmlElement {
  return typeof node !== 'string' && BLOCKS.has(node.name);
}

function block(el: XmlElement): string {
  const line = (e: XmlElement): string => normalizeLine(inline(e.children));
  switch (el.name) {
    case 'p':
      return line(el);
    case 'ul':
    case 'ol':
      return elements(el, 'li')
        .map(
          (li, i) =>
            `${el.name === 'ol' ? `${i + 1}.` : '-'} ${normalizeLine(inline(li.children.filter((c) => typeof c === 'string' || (c.name !== 'ul' && c.name !== 'ol'))))}`,
        )
        .join('\n');
    case 'pre':
      return `\`\`\`\n${textOf(el)}\n\`\`\``; // verbatim: no escaping in a code block
    case 'blockquote':
      return elements(el)
        .map((b) => `> ${block(b)}`)
        .join('\n');
    case 'hr':
      return '---';
    case 'table':
      return elements(el, 'tr')
        .map((tr) => `| ${elements(tr).map(line).join(' | ')} |`)
        .join('\n');
    default:
      if (/^h[1-6]$/.test(el.name)) return `${'#'.repeat(Number(el.name.slice(1)))} ${line(el)}`;
      return line(el);
  }
}

/**
 * markup-multiline: the block children given (p, ul, ol...), in the Markdown OSCAL's JSON uses.
 * Loose text (outside any block) counts as a paragraph.
 */
export function markupMultiline(nodes: (XmlElement | string)[]): string | undefined {
  const blocks: string[] = [];
  let loose = '';
  for (const node of nodes) {
    if (isBlock(node)) {
      if (loose.trim()) blocks.push(normalizeLine(loose));
      loose = '';
      blocks.push(block(node));
    } else loose += typeof node === 'string' ? node : inline([node]);
  }
  if (loose.trim()) blocks.push(normalizeLine(loose));
  const prose = normalizeProse(blocks.join('\n\n'));
  return prose === '' ? undefined : prose;
}
