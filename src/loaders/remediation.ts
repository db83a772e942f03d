/**
 * Remediation text as reports show it (evaluation.md section 1): what closes the finding first (for
 * a vulnerability, the upgrade), then what the source adds. A failing requirement's remediation is
 * never a bare URL: a URL alone becomes "See <url>".
 */
import type { Vulnerability } from '../model/finding.js';
import { vulnerabilityRemediation } from './vulnerability.js';

/**
 * Texts scanners write in the remediation field that advise nothing beyond the upgrade sentence:
 * Trivy's ASFF template ("... provided in the hyperlink": its URL is kept), Amazon Inspector's
 * pointer to the fixed version and its "None Provided".
 */
const BOILERPLATE: readonly RegExp[] = [
  /^More information on this vulnerability is provided in the hyperlink\.?$/i,
  /^Remediation is available\. Please refer to the Fixed version in the vulnerability details section above\./i,
  /^None Provided\.?$/i,
];

export function isBoilerplateRemediation(text: string): boolean {
  const trimmed = text.trim();
  return BOILERPLATE.some((pattern) => pattern.test(trimmed));
}

/** A URL as a sentence a reader can follow. */
export function seeUrl(url: string | undefined): string | undefined {
  return url === undefined || url.trim() === '' ? undefined : `See ${url.trim()}`;
}

/**
 * The parts of a remediation in order, without empty ones, repeats, or a URL already written in an
 * earlier part; undefined when nothing is left.
 */
export function joinRemediation(parts: readonly (string | undefined)[]): string | undefined {
  const kept: string[] = [];
  for (const part of parts) {
    const text = part?.trim();
    if (!text || kept.includes(text)) continue;
    const url = /^See (\S+)$/.exec(text)?.[1];
    if (url !== undefined && kept.some((k) => k.includes(url))) continue;
    kept.push(text);
  }
  // Parts are sentences: one that ends without punctuation gets a full stop before the next.
  return kept.length > 0 ? kept.map((t, i) => (i < kept.length - 1 && !/[.!?:;)]$/.test(t) ? `${t}.` : t)).join(' ') : undefined;
}

/** A remediation as sources write it: a string (ASFF), or an object with `desc` (OCSF); else undefined. */
export function remediationTextOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { desc?: unknown }).desc === 'string') return (value as { desc: string }).desc;
  return undefined;
}

/** The source's own remediation text when it advises something (see BOILERPLATE), else undefined. */
export function sourceAdvice(text: string | undefined): string | undefined {
  return text === undefined || isBoilerplateRemediation(text) ? undefined : text;
}

/**
 * A vulnerability that several packages (or several installed versions of one package) carry:
 * one upgrade sentence per distinct package, installed and fixed version, in sorted order (the
 * source's order of packages is not part of the advice).
 */
export function packagesRemediation(vulnerabilityId: string, packages: readonly Omit<Vulnerability, 'id'>[]): string | undefined {
  const sentences = packages.map((p) => vulnerabilityRemediation({ id: vulnerabilityId, ...p })).filter((s): s is string => s !== undefined);
  return joinRemediation([...new Set(sentences)].sort());
}
