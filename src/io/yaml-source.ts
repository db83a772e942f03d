/**
 * Reading YAML definition files safely: size, binary and empty-file checks before parsing,
 * a YAML 1.2 core-schema parse that keeps source positions, duplicate keys refused, and an
 * alias budget against "billion laughs" documents. Every problem becomes a Diagnostic with
 * the file, line and column, never an exception.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit } from 'yaml';
import type { Document, Node as YamlNode, ParsedNode } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';

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

function fileDiagnostic(file: string, code: string, message: string, hint?: string, line = 1, col = 1): Diagnostic {
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
export async function readYamlFile(file: string): Promise<YamlFile> {
  return readYamlFileSync(file);
}

export function readYamlFileSync(file: string): YamlFile {
  const fail = (code: string, message: string, hint?: string): YamlFile => ({
    file,
    documents: [],
    diagnostics: [fileDiagnostic(file, code, message, hint)],
  });
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
  const bytes = readFileSync(file);
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return fail('binary-file', `binary file (NUL byte at offset ${nul}), not YAML text`, 'Definition files are UTF-8 YAML text.');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('not-utf8', 'file is not valid UTF-8 text', 'Save the file as UTF-8.');
  }
  return parseYamlText(file, text);
}

/** Parses YAML text already in memory (also used for definitions embedded in tests). */
export function parseYamlText(file: string, text: string): YamlFile {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  const position = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);
  const diagnostics: Diagnostic[] = [];
  const kept: { doc: Document.Parsed; value: unknown }[] = [];

  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const { line, col } = position(error.pos[0]);
        diagnostics.push(describeYamlError(file, error.code, error.message, text, error.pos[0], line, col));
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

function describeYamlError(file: string, code: string, message: string, text: string, offset: number, line: number, col: number): Diagnostic {
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
    default:
      return fileDiagnostic(
        file,
        'yaml-syntax',
        `YAML syntax error: ${message.replace(/\s+/g, ' ').trim()}`,
        'Check indentation, quotes and brackets around this place.',
        line,
        col,
      );
  }
}

function firstAliasOffset(doc: Document.Parsed): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

/**
 * Offset of the node at `path`, or of the deepest existing ancestor when the path does not
 * exist (e.g. a missing required key is reported at the mapping that lacks it).
 */
function nodeOffset(doc: Document.Parsed, path: readonly PathSegment[], target: 'key' | 'value'): number {
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
