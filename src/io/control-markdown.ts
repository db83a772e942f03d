/**
 * The Markdown form of a control implementation statement (controls/*.md): YAML front matter with
 * the schema's fields, then the narrative as Markdown, one heading per part:
 *
 *     ---
 *     framework: nist-800-53
 *     control: AC-2
 *     status: implemented
 *     ---
 *     Text before the first heading: `statement` (the control as a whole).
 *
 *     ## Part a
 *     The system's text for part a: `parts.a`.
 *
 *     ### Component okta
 *     Okta's text for part a: `by_component.okta.parts.a`.
 *
 *     ## Component okta
 *     Okta's text for the control as a whole: `by_component.okta.statement`.
 *
 * The value is exactly what the YAML form would give, so the same schema and rules check it; every
 * place points into the .md file (front matter at its YAML position, body values at their heading).
 * Headings are found line by line (ATX headings only), outside fenced code blocks and HTML
 * comments; any other heading of level 3 or deeper is text. Text is kept as written, normalised
 * only in line endings (LF) and trailing whitespace, with blank lines around it dropped.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { ContentCache } from './cache.js';
import { fileDiagnostic, parseYamlText, readDefinitionTextSync } from './yaml-source.js';
import type { PathSegment, YamlDocument, YamlFile } from './yaml-source.js';

export const MARKDOWN_FILE = /\.md$/i;
/** Documentation beside the statements (controls/README.md) is not a statement. */
export const isMarkdownReadme = (name: string): boolean => /^readme\.md$/i.test(name);

/** The keys the body writes; the front matter holds the others. */
export const BODY_KEYS = ['statement', 'parts', 'by_component'] as const;

const FRONT_MATTER_HINT = 'A Markdown control statement starts with front matter: a line ---, the YAML fields (framework, control, status...), a line ---.';
const HEADING_HINT =
  'Sections are `## Part <id>` (the system as a whole), `### Component <id>` under a part (one component), and `## Component <id>` (a component, for the whole control).';

export function readControlMarkdownSync(file: string, cache?: ContentCache): YamlFile {
  const read = readDefinitionTextSync(file);
  return 'text' in read ? parseControlMarkdown(file, read.text, cache) : { file, documents: [], diagnostics: [read.diagnostic] };
}

/** Where a body value starts: its heading (or the statement's first line). */
interface Place {
  line: number;
  col: number;
}

interface Section {
  /** Path of the value in the record: ['statement'], ['parts', a], ['by_component', c, 'statement'], ['by_component', c, 'parts', a]. */
  path: string[];
  at: Place;
  lines: string[];
  /** `## Part` sections: whether component sections follow (then an empty own text is no error). */
  hasComponents?: boolean;
}

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const STRUCTURAL = /^(part|component)[ \t]+(\S+)$/i;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;

export function parseControlMarkdown(file: string, source: string, cache?: ContentCache): YamlFile {
  const text = (source.charCodeAt(0) === 0xfeff ? source.slice(1) : source).replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  const fail = (message: string, line = 1): YamlFile => ({
    file,
    documents: [],
    diagnostics: [fileDiagnostic(file, 'markdown-front-matter', message, FRONT_MATTER_HINT, line)],
  });
  if (lines[0]?.trimEnd() !== '---') return fail('no front matter: the first line of a Markdown control statement is ---');
  const close = lines.findIndex((line, i) => i > 0 && (line.trimEnd() === '---' || line.trimEnd() === '...'));
  if (close < 0) return fail('the front matter opened on line 1 is never closed by a line ---');

  // The front matter is parsed in place (the lines after it cut off), so YAML positions are file positions.
  const yaml = parseYamlText(file, `${lines.slice(0, close).join('\n')}\n`, cache);
  const diagnostics: Diagnostic[] = yaml.diagnostics.filter((d) => d.code !== 'empty-file');
  const [front, ...more] = yaml.documents;
  if (more.length > 0) diagnostics.push(fileDiagnostic(file, 'multiple-documents', 'the front matter holds one YAML document', 'Remove the --- inside it.', 2));
  if (!front) {
    if (diagnostics.length === 0) diagnostics.push(fileDiagnostic(file, 'markdown-front-matter', 'the front matter is empty', FRONT_MATTER_HINT, 2));
    return { file, documents: [], diagnostics };
  }

  const body = parseBody(file, lines, close + 1, diagnostics);
  if (typeof front.value !== 'object' || front.value === null || Array.isArray(front.value)) {
    // Not a mapping: the loader reports it, at the front matter.
    return { file, documents: [front], diagnostics };
  }
  const frontValue = front.value as Record<string, unknown>;
  // by_component may hold a component's parameters in the front matter; the body adds its text.
  const value: Record<string, unknown> = structuredClone(frontValue);
  const places = new Map<string, Place>();
  const conflicting = new Set<string>();
  for (const section of body) {
    const textOf = normaliseText(section.lines);
    if (textOf === '' && (section.hasComponents || section.path[0] === 'statement')) continue;
    const [key] = section.path as [string, ...string[]];
    // The front matter's own value at this place: the key itself, or for a component its statement or parts.
    const clash = key === 'by_component' ? [key, section.path[1]!, section.path[2]!] : [key];
    const clashKey = JSON.stringify(clash);
    if (conflicting.has(clashKey)) continue;
    if (valueAt(frontValue, clash) !== undefined) {
      conflicting.add(clashKey);
      const { line, col } = front.locate(clash, 'key');
      diagnostics.push({
        file,
        line: section.at.line,
        col: section.at.col,
        severity: 'error',
        code: 'markdown-duplicate',
        message: `${clash.join('.')} is written both in the front matter (line ${line}:${col}) and in the body`,
        hint: `Keep one: the body is where ${key} goes in the Markdown form.`,
      });
      continue;
    }
    setPath(value, section.path, textOf);
    for (let length = 1; length <= section.path.length; length++) {
      const key = JSON.stringify(section.path.slice(0, length));
      if (!places.has(key)) places.set(key, section.at);
    }
  }

  const document: YamlDocument = {
    file,
    index: 0,
    count: 1,
    value,
    locate(path: readonly PathSegment[], target?: 'key' | 'value') {
      if (valueAt(frontValue, path) !== undefined) return front.locate(path, target);
      for (let length = path.length; length >= 1; length--) {
        const found = places.get(JSON.stringify(path.slice(0, length)));
        if (found) return found;
      }
      return front.locate(path, target);
    },
  };
  return { file, documents: [document], diagnostics };
}

/** The value at a path of plain data (own properties only), or undefined. */
function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let node = value;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = Object.getOwnPropertyDescriptor(node, key)?.value as unknown;
  }
  return node;
}

/** Sets a value by path; keys are defined, not assigned (a part or component named __proto__ is a key like any other). */
function setPath(target: Record<string, unknown>, path: string[], text: string): void {
  const define = (node: Record<string, unknown>, key: string, value: unknown): void =>
    void Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = Object.getOwnPropertyDescriptor(node, key)?.value as unknown;
    if (typeof next !== 'object' || next === null) define(node, key, {});
    node = Object.getOwnPropertyDescriptor(node, key)?.value as Record<string, unknown>;
  }
  define(node, path[path.length - 1]!, text);
}

/** Lines as written, trailing whitespace dropped, blank lines around the text dropped. */
export function normaliseText(lines: readonly string[]): string {
  const trimmed = lines.map((line) => line.trimEnd());
  let start = 0;
  let end = trimmed.length;
  while (start < end && trimmed[start] === '') start++;
  while (end > start && trimmed[end - 1] === '') end--;
  return trimmed.slice(start, end).join('\n');
}

/** The body's sections, in order; heading mistakes become diagnostics at their line. */
function parseBody(file: string, lines: string[], first: number, diagnostics: Diagnostic[]): Section[] {
  const sections: Section[] = [{ path: ['statement'], at: { line: first + 1, col: 1 }, lines: [] }];
  const seen = new Map<string, number>();
  let part: Section | undefined;
  let current = sections[0]!;
  let fence: { char: string; length: number } | undefined;
  let inComment = false;
  const error = (line: number, code: string, message: string, hint = HEADING_HINT): void =>
    void diagnostics.push({ file, line, col: 1, severity: 'error', code, message, hint });

  for (let i = first; i < lines.length; i++) {
    const line = lines[i]!;
    const lineNo = i + 1;
    if (fence) {
      const closing = new RegExp(`^ {0,3}${fence.char === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
      if (closing.test(line)) fence = undefined;
      current.lines.push(line);
      continue;
    }
    if (inComment) {
      if (line.includes('-->')) inComment = false;
      current.lines.push(line);
      continue;
    }
    const opening = FENCE_OPEN.exec(line);
    if (opening && !(opening[1]![0] === '`' && opening[2]!.includes('`'))) {
      fence = { char: opening[1]![0]!, length: opening[1]!.length };
      current.lines.push(line);
      continue;
    }
    const comment = /^ {0,3}<!--/.exec(line);
    if (comment && !line.slice(comment[0].length).includes('-->')) inComment = true;
    const heading = comment ? null : HEADING.exec(line);
    const level = heading ? heading[1]!.length : 0;
    const words = heading ? STRUCTURAL.exec((heading[2] ?? '').trim()) : null;
    if (!heading || (level >= 3 && !words)) {
      current.lines.push(line);
      continue;
    }
    const kind = words?.[1]?.toLowerCase();
    const id = words?.[2] ?? '';
    let path: string[] | undefined;
    if (level === 2 && kind === 'part') path = ['parts', id];
    else if (level === 2 && kind === 'component') path = ['by_component', id, 'statement'];
    else if (level === 3 && kind === 'component') {
      if (part) path = ['by_component', id, 'parts', part.path[1]!];
      else error(lineNo, 'markdown-heading', `\`${line.trim()}\` is not under a \`## Part\` heading`, HEADING_HINT);
    } else if (level === 3) {
      error(lineNo, 'markdown-heading', `a part is a level-2 heading: write \`## Part ${id}\``);
    } else {
      error(
        lineNo,
        'markdown-heading',
        `\`${line.trim()}\` is not a section of a control statement`,
        `${HEADING_HINT} Other headings are text only from level 3 (###) on; the control's title is the title: field.`,
      );
    }
    if (!path) {
      current.lines.push(line);
      continue;
    }
    const key = JSON.stringify(path);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      error(lineNo, 'markdown-duplicate', `\`${line.trim()}\` appears twice (also on line ${earlier})`, 'Merge the two sections.');
      current = { path: ['ignored'], at: { line: lineNo, col: 1 }, lines: [] };
      continue;
    }
    seen.set(key, lineNo);
    current = { path, at: { line: lineNo, col: 1 }, lines: [] };
    if (path[0] === 'parts') part = current;
    else if (level === 2) part = undefined;
    else if (part) part.hasComponents = true;
    sections.push(current);
  }
  const kept = sections.filter((s) => s.path[0] !== 'ignored');
  for (const section of kept) {
    if (section.path[0] === 'statement' || section.hasComponents || normaliseText(section.lines) !== '') continue;
    const [, id, what] = section.path;
    const name = section.path[0] === 'parts' ? `Part ${id}` : `Component ${id}`;
    error(
      section.at.line,
      'markdown-empty-section',
      `${name} has no text${what === 'parts' ? ` for part ${section.path[3]}` : ''}`,
      'Write the implementation (or TODO while it is being written), or remove the heading.',
    );
  }
  return kept.filter((s) => normaliseText(s.lines) !== '' || s.hasComponents || s.path[0] === 'statement');
}
