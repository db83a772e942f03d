/**
 * Secrets never appear in what delivery says: every warning, failure and log line goes through
 * `scrub`, which replaces each credential value (and its URL-encoded and base64 forms, the shapes a
 * library's error text could quote) with `***`.
 */
export type Scrub = (text: string) => string;

export function scrubber(secrets: readonly string[]): Scrub {
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(Buffer.from(secret).toString('base64'));
  }
  // Longest first, so that a secret containing another is replaced whole.
  const ordered = [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((out, form) => out.split(form).join('***'), text);
}
