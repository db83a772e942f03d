/**
 * Reading YAML definition files safely: size, binary and empty-file checks before parsing,
 * a YAML 1.2 core-schema parse that keeps source positions, duplicate keys refused, and an
 * alias budget against "billion laughs" documents. Every problem becomes a Diagnostic with
 * the file, line and column, never an exception.
 *
 * Two parsers, one semantics (YAML 1.2 core schema): js-yaml reads well-formed files quickly,
 * keeping each node's offset from its event stream (the `yaml` package is several times slower
 * on a cold start, which dominates a CLI run); the `yaml` package, with its source ranges and
 * error descriptions, reads every file js-yaml rejects, so that one parser describes every
 * syntax error and applies the alias budget. A test checks both give the same values.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constructFromEvents, parseEvents } from 'js-yaml';
import type { Event as YamlEvent } from 'js-yaml';
import type * as Yaml from 'yaml';
import type { Document, Node as YamlNode, ParsedNode } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { digest } from './cache.js';
import { decodeUtf16, invalidUtf8In, sniffEncoding } from './text-encoding.js';
import type { ContentCache } from './cache.js';

type YamlModule = typeof Yaml;
let yamlModule: YamlModule | undefined;
/** The `yaml` package, loaded on first need (it is not on the start-up path of a valid workspace). */
function yamlLib(): YamlModule {
  yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return yamlModule;
}

/** Definition files are small; findings exports (which can be large) are not read here. */
export const MAX_YAML_BYTES = 1024 * 1024;
/** Alias expansions allowed per document before it is refused as a resource-exhaustion attack. */
export const MAX_ALIAS_COUNT = 50;

export type PathSegment = string | number;

/** One YAML document of a file, with what is needed to point at any of its nodes. */
export interface YamlDocument {
  file: string;
  /** 0-based position of the document in a multi-document stream. */
  index: number;
  /** Number of non-empty documents in the file (more than 1: a multi-document stream). */
  count: number;
  value: unknown;
  /** Line and column (1-based) of the node at `path`; `key` points at the key of a mapping entry. */
  locate(path: readonly PathSegment[], target?: 'key' | 'value'): { line: number; col: number };
}

export interface YamlFile {
  file: string;
  documents: YamlDocument[];
  diagnostics: Diagnostic[];
}

export function fileDiagnostic(file: string, code: string, message: string, hint?: string, line = 1, col = 1): Diagnostic {
  return { file, line, col, severity: 'error', code, message, ...(hint ? { hint } : {}) };
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Reads and parses a YAML file; never throws for bad content (IO errors on a listed file do become
 * diagnostics). Definition files are small: synchronous reads avoid a thread-pool round trip per
 * file, which dominates a CLI run.
 */
export async function readYamlFile(file: string, cache?: ContentCache): Promise<YamlFile> {
  return readYamlFileSync(file, cache);
}

export function readYamlFileSync(file: string, cache?: ContentCache): YamlFile {
  const read = readDefinitionTextSync(file);
  return 'text' in read ? parseYamlText(file, read.text, cache) : { file, documents: [], diagnostics: [read.diagnostic] };
}

/**
 * The text of a definition file (YAML, or a Markdown control statement) with the checks every
 * definition gets: a regular file, within the size limit, UTF-8 (or UTF-16) text.
 */
export function readDefinitionTextSync(file: string): { text: string } | { diagnostic: Diagnostic } {
  const fail = (code: string, message: string, hint?: string): { diagnostic: Diagnostic } => ({ diagnostic: fileDiagnostic(file, code, message, hint) });
  let size: number;
  try {
    const info = statSync(file);
    if (!info.isFile()) return fail('not-a-file', 'not a regular file', 'Give a YAML file or a workspace folder.');
    size = info.size;
  } catch (error) {
    return fail('unreadable', `cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (size > MAX_YAML_BYTES) {
    return fail(
      'file-too-large',
      `file is ${formatMegabytes(size)}; definition files are limited to ${formatMegabytes(MAX_YAML_BYTES)}`,
      'Keep definitions small; findings exports belong in findings/ (JSON, SARIF, CSV), which has no such limit.',
    );
  }
  return decodeYamlBytes(file, readFileSync(file));
}

/**
 * The text of a definition file, decoded as findings files are (io/text-encoding.ts): UTF-8 checked
 * (an invalid sequence is located, never replaced), UTF-16 decoded (YAML 1.2 allows it; Windows
 * editors write it), UTF-32 named; a NUL byte in UTF-8 means a binary file.
 */
function decodeYamlBytes(file: string, bytes: Buffer): { text: string } | { diagnostic: Diagnostic } {
  const hint = 'Definition files are UTF-8 YAML text (UTF-16 is read too); save the file as UTF-8.';
  const sniffed = sniffEncoding(bytes);
  if ('unsupported' in sniffed) return { diagnostic: fileDiagnostic(file, 'not-utf8', `${sniffed.unsupported}, not UTF-8 text`, hint) };
  if (sniffed.encoding !== 'utf-8') {
    try {
      return { text: decodeUtf16(bytes, sniffed.encoding) };
    } catch (error) {
      return { diagnostic: fileDiagnostic(file, 'not-utf8', (error as Error).message, hint) };
    }
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return {
      diagnostic: fileDiagnostic(file, 'binary-file', `binary file (NUL byte at offset ${nul}), not YAML text`, 'Definition files are UTF-8 YAML text.'),
    };
  }
  const invalid = invalidUtf8In(bytes, true);
  if (invalid) {
    // Pointed at in the editor's terms: the line, and the column in characters.
    const lineStart = bytes.lastIndexOf(0x0a, invalid.offset - 1) + 1;
    const line = bytes.subarray(0, lineStart).reduce((n, b) => (b === 0x0a ? n + 1 : n), 1);
    const col = bytes.subarray(lineStart, invalid.offset).toString('utf8').length + 1;
    return { diagnostic: fileDiagnostic(file, 'not-utf8', invalid.message, hint, line, col) };
  }
  return { text: bytes.toString('utf8') };
}

/** What the fast path learns from a well-formed file; cached by the file's digest. */
interface FastParse {
  /** Non-empty documents with their index in the stream. */
  documents: { index: number; value: unknown }[];
  /** Node positions by path, per document of the stream. */
  positions: [string, NodePosition][][];
}

/** Parses YAML text already in memory (also used for definitions embedded in tests). */
export function parseYamlText(file: string, text: string, cache?: ContentCache): YamlFile {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const key = cache ? digest('yaml', text) : '';
  const cached = cache?.get('yaml', key);
  let parsed = cached === undefined ? undefined : readCached(cached);
  if (!parsed) {
    parsed = fastParse(file, text);
    if (!parsed) return parseWithSourceRanges(file, text);
    // Only what JSON holds exactly is cached (not e.g. .inf or .nan).
    if (cache && isJsonExact(parsed.documents)) cache.set('yaml', key, JSON.stringify(parsed));
  }
  if (parsed.documents.length === 0) return parseWithSourceRanges(file, text);
  const positions = parsed.positions.map((entries) => new Map(entries));
  const lineStarts = lineStartOffsets(text);
  const count = parsed.documents.length;
  const documents = parsed.documents.map(({ value, index }, keptIndex): YamlDocument => ({
    file,
    index: keptIndex,
    count,
    value,
    locate(path, target = 'value') {
      const byPath = positions[index] ?? new Map<string, NodePosition>();
      for (let length = path.length; length >= 0; length--) {
        const found = byPath.get(pathKey(path.slice(0, length)));
        if (found === undefined) continue;
        const offset = length === path.length && target === 'key' && found.key !== undefined ? found.key : found.value;
        return offsetToPosition(lineStarts, offset);
      }
      return { line: 1, col: 1 };
    },
  }));
  return { file, documents, diagnostics: [] };
}

/** A cache entry, or undefined when it cannot be read (a truncated file is a miss, not an error). */
function readCached(text: string): FastParse | undefined {
  try {
    const parsed = JSON.parse(text) as FastParse;
    return Array.isArray(parsed.documents) && Array.isArray(parsed.positions) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** js-yaml's parse with node positions, or undefined when js-yaml rejects the text. */
function fastParse(file: string, text: string): FastParse | undefined {
  let events: YamlEvent[];
  let values: unknown[];
  try {
    events = parseEvents(text, { filename: file });
    // Aliases are refused here (maxAliases 0): the source-range parser applies the alias budget.
    values = constructFromEvents(events, { source: text, filename: file, maxAliases: 0 });
  } catch {
    return undefined;
  }
  return {
    documents: values.map((value, index) => ({ value, index })).filter(({ value }) => value !== null && value !== undefined),
    positions: indexPositions(events, text).map((byPath) => [...byPath]),
  };
}

/** Whether a JSON round trip gives the same values (no Infinity, NaN or -0). */
function isJsonExact(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(isJsonExact);
  if (value !== null && typeof value === 'object') return Object.values(value).every(isJsonExact);
  return true;
}

interface NodePosition {
  /** Offset of the mapping key, for nodes that are mapping values. */
  key?: number;
  value: number;
}

const pathKey = (path: readonly PathSegment[]): string => JSON.stringify(path);

type Frame =
  | { kind: 'doc' }
  | { kind: 'skip' }
  | { kind: 'seq'; path: PathSegment[]; next: number }
  | { kind: 'map'; path: PathSegment[]; key?: string; keyOffset?: number };

/** From js-yaml's events: the offset of every node (and of its key), by path, per document. */
function indexPositions(events: YamlEvent[], source: string): Map<string, NodePosition>[] {
  const documents: Map<string, NodePosition>[] = [];
  let current = new Map<string, NodePosition>();
  const stack: Frame[] = [];
  for (const event of events) {
    if (event.type === 1) {
      current = new Map();
      documents.push(current);
      stack.push({ kind: 'doc' });
      continue;
    }
    if (event.type === 6) {
      stack.pop();
      continue;
    }
    let offset = event.type === 4 ? event.valueStart : event.type === 5 ? event.anchorStart : event.start;
    // A block scalar's value starts on the next line; point at its | or > indicator, as editors do.
    if (event.type === 4 && (event.style === 4 || event.style === 5)) offset = source.lastIndexOf(event.style === 4 ? '|' : '>', event.valueStart);
    // A quoted scalar's value starts after its opening quote; point at the quote.
    if (event.type === 4 && (event.style === 2 || event.style === 3)) offset = event.valueStart - 1;
    const parent = stack[stack.length - 1];
    const opens = event.type === 2 || event.type === 3;
    if (!parent || parent.kind === 'skip') {
      if (opens) stack.push({ kind: 'skip' });
      continue;
    }
    if (parent.kind === 'map' && parent.key === undefined) {
      // A key: plain and simple quoted scalars are their source text; others are decoded.
      if (event.type === 4) {
        parent.key = event.fast
          ? source.slice(event.valueStart, event.valueEnd)
          : String(constructFromEvents([events[0] as YamlEvent, event, { type: 6 }], { source })[0]);
      } else {
        parent.key = '';
        if (opens) stack.push({ kind: 'skip' }); // a collection as a key: nothing to point into
      }
      parent.keyOffset = offset;
      continue;
    }
    let path: PathSegment[];
    let keyOffset: number | undefined;
    if (parent.kind === 'map') {
      path = [...parent.path, parent.key as string];
      keyOffset = parent.keyOffset;
      parent.key = undefined;
    } else if (parent.kind === 'seq') {
      path = [...parent.path, parent.next++];
    } else {
      path = [];
    }
    current.set(pathKey(path), keyOffset === undefined ? { value: offset } : { key: keyOffset, value: offset });
    if (event.type === 3) stack.push({ kind: 'map', path });
    else if (event.type === 2) stack.push({ kind: 'seq', path, next: 0 });
  }
  return documents;
}

function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function offsetToPosition(lineStarts: number[], offset: number): { line: number; col: number } {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((lineStarts[mid] as number) <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, col: offset - (lineStarts[low] as number) + 1 };
}

/** The full-fidelity parse: every node with its source range, every error with its place. */
export function parseWithSourceRanges(file: string, text: string): YamlFile {
  const { LineCounter, parseAllDocuments } = yamlLib();
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  const position = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);
  const diagnostics: Diagnostic[] = [];
  const kept: { doc: Document.Parsed; value: unknown }[] = [];

  for (const doc of docs) {
    if (doc.errors.length > 0) {
      // An unterminated string makes the parser complain about whatever it swallowed, at the same
      // place (e.g. an unclosed flow sequence): the string is the one mistake to report there.
      const isUnterminated = (e: { code: string; message: string }): boolean => e.code === 'MISSING_CHAR' && MISSING_QUOTE.test(e.message);
      const unterminatedAt = new Set(doc.errors.filter(isUnterminated).map((e) => e.pos[0]));
      for (const error of doc.errors) {
        if (!isUnterminated(error) && unterminatedAt.has(error.pos[0])) continue;
        diagnostics.push(describeYamlError(file, error.code, error.message, text, error.pos[0], position));
      }
      continue;
    }
    if (doc.contents === null) continue; // an empty document in a stream (e.g. a trailing ---)
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const at = firstAliasOffset(doc);
      const { line, col } = position(at);
      const isBomb = error instanceof ReferenceError && /alias/i.test(error.message);
      diagnostics.push(
        fileDiagnostic(
          file,
          isBomb ? 'alias-budget' : 'yaml-invalid',
          isBomb
            ? `YAML aliases expand beyond the budget of ${MAX_ALIAS_COUNT}; refused as a resource-exhaustion ("billion laughs") document`
            : `cannot read YAML: ${(error as Error).message}`,
          isBomb ? 'Write the values out instead of nesting aliases.' : undefined,
          line,
          col,
        ),
      );
      continue;
    }
    if (value === null || value === undefined) continue; // only comments, or a bare ---
    kept.push({ doc, value });
  }

  if (diagnostics.length === 0 && kept.length === 0) {
    diagnostics.push(
      fileDiagnostic(
        file,
        'empty-file',
        'file is empty: no YAML document in it',
        'A definition is a YAML mapping, e.g. `type: framework`; delete the file if it is not needed.',
      ),
    );
  }

  const documents = kept.map(({ doc, value }, index): YamlDocument => ({
    file,
    index,
    count: kept.length,
    value,
    locate(path, target = 'value') {
      return position(nodeOffset(doc, path, target));
    },
  }));
  return { file, documents, diagnostics };
}

/** The `yaml` package's words for a quoted scalar that runs to the end of the text. */
const MISSING_QUOTE = /Missing closing (["'])quote/;

function describeYamlError(
  file: string,
  code: string,
  message: string,
  text: string,
  offset: number,
  position: (offset: number) => { line: number; col: number },
): Diagnostic {
  const { line, col } = position(offset);
  switch (code) {
    case 'TAB_AS_INDENT':
      return fileDiagnostic(
        file,
        'yaml-tab-indent',
        'tab character used for indentation',
        'YAML indents with spaces only: replace the tabs with spaces.',
        line,
        col,
      );
    case 'DUPLICATE_KEY': {
      const key = /^[^:\n]*/.exec(text.slice(offset))?.[0].trim() ?? '';
      return fileDiagnostic(
        file,
        'yaml-duplicate-key',
        `duplicate key${key ? ` '${key}'` : ''} in the same mapping`,
        'Each key may appear once: remove or merge the repeated one.',
        line,
        col,
      );
    }
    case 'MISSING_CHAR': {
      // The parser notices a missing closing quote at the end of the text; the mistake is where
      // the string opens.
      const quote = MISSING_QUOTE.exec(message)?.[1];
      const opening = quote === undefined ? undefined : unterminatedQuoteOffset(text, offset);
      if (quote === undefined || opening === undefined) break;
      const at = position(opening);
      const escape = quote === '"' ? 'escape a " inside it as \\"' : "write a ' inside it as ''";
      return fileDiagnostic(
        file,
        'yaml-unterminated-string',
        `quoted string is never closed: the ${quote} here has no closing ${quote}`,
        `Close the string with ${quote} before the end of its value, or ${escape}.`,
        at.line,
        at.col,
      );
    }
  }
  return fileDiagnostic(
    file,
    'yaml-syntax',
    `YAML syntax error: ${message.replace(/\s+/g, ' ').trim()}`,
    'Check indentation, quotes and brackets around this place.',
    line,
    col,
  );
}

/**
 * Where the quoted scalar that runs to `errorOffset` (the end of the text, for a missing closing
 * quote) opens: the last quoted scalar of the concrete syntax tree whose source reaches that far.
 */
function unterminatedQuoteOffset(text: string, errorOffset: number): number | undefined {
  const { CST, Parser } = yamlLib();
  let found: number | undefined;
  const consider = (token: unknown): void => {
    const t = token as { type?: string; offset?: number; source?: string } | undefined;
    if (!t || (t.type !== 'double-quoted-scalar' && t.type !== 'single-quoted-scalar') || t.offset === undefined || t.source === undefined) return;
    if (t.offset <= errorOffset && errorOffset <= t.offset + t.source.length && (found === undefined || t.offset > found)) found = t.offset;
  };
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    consider(token.value);
    CST.visit(token, (item) => {
      consider(item.key);
      consider(item.value);
    });
  }
  return found;
}

function firstAliasOffset(doc: Document.Parsed): number {
  let offset = 0;
  yamlLib().visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return yamlLib().visit.BREAK;
    },
  });
  return offset;
}

/**
 * Offset of the node at `path`, or of the deepest existing ancestor when the path does not
 * exist (e.g. a missing required key is reported at the mapping that lacks it).
 */
function nodeOffset(doc: Document.Parsed, path: readonly PathSegment[], target: 'key' | 'value'): number {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yamlLib();
  let node: YamlNode | ParsedNode | null | undefined = doc.contents;
  let offset = node?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (isAlias(node)) break;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      const isLast = i === path.length - 1;
      const keyNode = pair.key as YamlNode | null;
      if (isLast && target === 'key') return keyNode?.range?.[0] ?? offset;
      node = pair.value as YamlNode | null;
      offset = node?.range?.[0] ?? keyNode?.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as YamlNode | undefined;
      if (!item) break;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset;
}
