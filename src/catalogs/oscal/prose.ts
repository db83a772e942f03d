/**
 * Prose normalisation shared by the JSON and XML readers, so that the same text gives the same
 * string: `{{ insert: param, ID }}` spelt one way, whitespace collapsed within each line, lines
 * trimmed, blocks separated by one blank line.
 */

const INSERT = /\{\{\s*insert\s*:\s*([a-z-]+)\s*,\s*([^\s}]+)\s*\}\}/g;

export function insertMarker(type: string, idRef: string): string {
  return `{{ insert: ${type}, ${idRef} }}`;
}

/** Markdown prose (OSCAL JSON markup-multiline) in its normal form. */
export function normalizeProse(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(INSERT, (_m, type: string, id: string) => insertMarker(type, id))
    .split(/\n[ \t]*\n/)
    .map((block) =>
      block
        .split('\n')
        .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
        .filter((line) => line !== '')
        .join('\n'),
    )
    .filter((block) => block !== '')
    .join('\n\n');
}

/** A single-line value (markup-line, titles, labels): whitespace collapsed to single spaces. */
export function normalizeLine(text: string): string {
  return text
    .replace(INSERT, (_m, type: string, id: string) => insertMarker(type, id))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The parameter ids a prose string inserts, in order. */
export function insertedParams(prose: string): string[] {
  return [...prose.matchAll(INSERT)].filter((m) => m[1] === 'param').map((m) => m[2]!);
}
