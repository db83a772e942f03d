/**
 * Redaction (evaluation.md section 9): runs on findings before the build stage, so that no report
 * format can leak what the workspace says to remove. Patterns replace matches in every text a
 * report prints; `fields` blank named fields (dotted paths, e.g. resource.tags.owner_email);
 * `emails` replaces e-mail addresses.
 */
import type { Finding } from './finding.js';

export interface RedactionRules {
  patterns?: { name: string; regex: string; replacement?: string }[];
  fields?: string[];
  emails?: boolean;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

export function redactor(rules: RedactionRules): (text: string) => string {
  const replacements: [RegExp, string][] = (rules.patterns ?? []).map((p) => [new RegExp(p.regex, 'g'), p.replacement ?? `[REDACTED:${p.name}]`]);
  if (rules.emails) replacements.push([EMAIL, '[REDACTED:email]']);
  return (text) => replacements.reduce((out, [regex, replacement]) => out.replace(regex, replacement), text);
}

function blank(target: Record<string, unknown>, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || !(head in target)) return;
  if (rest.length === 0) target[head] = '[REDACTED]';
  else if (target[head] !== null && typeof target[head] === 'object') blank(target[head] as Record<string, unknown>, rest);
}

/** The findings with every printed text redacted; the inputs are not modified. */
export function redactFindings(findings: readonly Finding[], rules: RedactionRules): Finding[] {
  if (!rules.patterns?.length && !rules.fields?.length && !rules.emails) return [...findings];
  const redact = redactor(rules);
  const texts = (record: Record<string, string> | undefined): Record<string, string> | undefined =>
    record ? Object.fromEntries(Object.entries(record).map(([k, v]) => [k, redact(v)])) : undefined;
  return findings.map((original) => {
    const f: Finding = structuredClone(original);
    f.title = redact(f.title);
    if (f.description !== undefined) f.description = redact(f.description);
    if (f.remediation !== undefined) f.remediation = redact(f.remediation);
    if (f.owner !== undefined) f.owner = redact(f.owner);
    if (f.tags) f.tags = texts(f.tags) as Record<string, string>;
    if (f.resource) {
      f.resource.id = redact(f.resource.id);
      if (f.resource.name !== undefined) f.resource.name = redact(f.resource.name);
      if (f.resource.tags) f.resource.tags = texts(f.resource.tags) as Record<string, string>;
    }
    if (f.location?.uri !== undefined) f.location.uri = redact(f.location.uri);
    for (const field of rules.fields ?? []) blank(f as unknown as Record<string, unknown>, field.split('.'));
    return f;
  });
}
