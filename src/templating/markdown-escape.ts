/**
 * Escaping of untrusted text (everything that comes from findings) for Markdown, which is what
 * `{{x}}` means in Infracast templates (DESIGN.md "Rendering"). Handlebars' own escaping is for
 * HTML and leaves Markdown live: `[click](javascript:...)` would become a link.
 *
 * Every character that can open or close a Markdown construct is backslash-escaped wherever it
 * stands (CommonMark: any ASCII punctuation may be escaped, and the backslash then disappears in
 * the rendered text); characters that only matter at the start of a line are escaped there; line
 * breaks become spaces so that a value can never start a new block (heading, list, table row).
 *
 * Bare URLs are made inert too: Markdown renderers turn some plain text into links (GFM's autolink
 * extension: `www.`, `http(s)://`, `ftp://`, e-mail addresses, `mailto:`/`xmpp:`; markdown-it with
 * linkify: also bare domains such as `golang.org/x/text` or `main.py`, and `//host`; pandoc's
 * autolink_bare_uris: any registered scheme, `javascript:` and `data:` included). A report must
 * not make a scanner's text a link, so:
 * - the colon after a scheme (`https\://`, `javascript\:`, `arn\:aws`) and the dot inside a host
 *   name (`example\.com`, `www\.`) are backslash-escaped: the same visible text, and the linkers
 *   never see a scheme or a host (markdown-it's escaped characters are tokens of their own; GFM and
 *   pandoc recognise links while parsing, where `\:` and `\.` are escapes);
 * - `//host` gets `\//` (markdown-it links protocol-relative URLs; `CUI//SP-CTI` is not one);
 * - after the `@` of an e-mail address a WORD JOINER (U+2060, invisible) is inserted: cmark-gfm
 *   (GitHub) finds e-mail addresses in the text after escapes are resolved, so no escape stops it.
 *   The address reads the same; copied from the rendered page it carries the invisible character.
 * Version numbers, IP addresses and rule ids (a digit after the dot), times and sentences are left alone.
 */

/**
 * Punctuation that opens or closes inline constructs or table cells anywhere in a line.
 * Parentheses need no escape: a link or image needs `[` or `![` first, which are escaped. An
 * underscore between two letters or digits never starts emphasis, so `iam_root_mfa` stays readable.
 */
const ANYWHERE = /[\\`*{}[\]<>|!~&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;
/** Block markers, which count only at the start of a line and before a space (the value may start a line). */
const LINE_START = /^(\s*)([#+\-=]|\d+[.)])(?=\s|$)/;

/** The colon after a URI scheme (RFC 3986: a letter, then letters, digits, `+ . -`) followed by more than a space. */
const SCHEME_COLON = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*):(?=\S)/g;
/**
 * A dot inside a host or file name, before a letter (a top-level domain starts with one: `.com`,
 * `.py`, `.рф`, `.xn--p1ai`); and the dot of `www.`, which GFM links whatever follows. Version
 * numbers, IP addresses and rule ids such as `IAM.2` (a digit after the dot) are no host.
 */
const NAME_DOT = /(?<=[\p{L}\p{N}\p{M}_-])\.(?=\p{L})|(?<=(?<![\p{L}\p{N}\p{M}_-])www)\.(?=\S)/giu;
/**
 * `//` starting a protocol-relative URL: at the start or after a space or punctuation, as linkify
 * wants it (not after a scheme's colon, nor inside a word: `CUI//SP-CTI` is no URL).
 */
const NETWORK_PATH = /(?<![\p{L}\p{N}\p{M}_:/.-])\/(?=\/[\p{L}\p{N}\\])/gu;
/** The `@` of an e-mail address: after a local-part character, before a domain. */
const EMAIL_AT = /(?<=[A-Za-z0-9._%+-])@(?=[\p{L}\p{N}])/gu;
const WORD_JOINER = '\u2060';

/** One line of text: line breaks as spaces, other control characters dropped. */
function oneLine(value: unknown): string {
  return (
    String(value)
      .replace(/\r\n?|\n|\u2028|\u2029/g, ' ')
      // Other control characters have no place in a report and can confuse terminals and parsers.
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
  );
}

export function escapeMarkdown(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = oneLine(value)
    .replace(ANYWHERE, '\\$&')
    // After ANYWHERE, whose escapes touch none of the characters these look at.
    .replace(SCHEME_COLON, '$1\\:')
    .replace(NAME_DOT, '\\.')
    .replace(NETWORK_PATH, '\\/')
    .replace(EMAIL_AT, `@${WORD_JOINER}`);
  return text.replace(LINE_START, (_m, space: string, marker: string) => `${space}${marker.replace(/([#+\-=.)])$/, '\\$1')}`);
}

/**
 * Untrusted text as a code span (`{{{code x}}}` in templates): inside a code span nothing is a
 * construct, an escape or a link (CommonMark, GFM, pandoc), so the text is shown as it is, where a
 * backslash escape would show its backslash. The fence is one backtick longer than the longest run
 * of backticks in the text. Not for table cells, where GFM splits cells at `|` even in code.
 */
export function codeSpan(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = oneLine(value);
  if (text === '') return '';
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // CommonMark strips one space from each end of a code span that has one at both ends.
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
