/**
 * Escaping of untrusted text (everything that comes from findings) for Markdown, which is what
 * `{{x}}` means in Infracast templates (DESIGN.md "Rendering"). Handlebars' own escaping is for
 * HTML and leaves Markdown live: `[click](javascript:...)` would become a link.
 *
 * Every character that can open or close a Markdown construct is backslash-escaped wherever it
 * stands (CommonMark: any ASCII punctuation may be escaped, and the backslash then disappears in
 * the rendered text); characters that only matter at the start of a line are escaped there; line
 * breaks become spaces so that a value can never start a new block (heading, list, table row).
 */

/**
 * Punctuation that opens or closes inline constructs or table cells anywhere in a line.
 * Parentheses need no escape: a link or image needs `[` or `![` first, which are escaped. An
 * underscore between two letters or digits never starts emphasis, so `iam_root_mfa` stays readable.
 */
const ANYWHERE = /[\\`*{}[\]<>|!~&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;
/** Block markers, which count only at the start of a line and before a space (the value may start a line). */
const LINE_START = /^(\s*)([#+\-=]|\d+[.)])(?=\s|$)/;

export function escapeMarkdown(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value)
    .replace(/\r\n?|\n|\u2028|\u2029/g, ' ')
    // Other control characters have no place in a report and can confuse terminals and parsers.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(ANYWHERE, '\\$&');
  return text.replace(LINE_START, (_m, space: string, marker: string) => `${space}${marker.replace(/([#+\-=.)])$/, '\\$1')}`);
}
