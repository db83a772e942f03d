/**
 * Control ids (docs/evaluation.md section 2): one canonical form per framework, and a parser
 * that accepts the variants seen in real data.
 *
 *   SP 800-53 (and FedRAMP):  AC-2(4)     from ac-2.4 (OSCAL), AC-02 (04) (FedRAMP templates),
 *                                          ac_2_4 (Prowler), NIST.800-53.r5 AC-2(4) (Security Hub)
 *   SP 800-171 rev2:          3.1.1       from 3_1_1 (Prowler), 03.01.01, NIST SP 800-171r2 3.1.1
 *   SP 800-171 rev3:          03.01.01    from 3.1.1 is NOT accepted (that is rev2)
 *   CMMC 2.0:                 AC.L2-3.1.1, AC.L1-b.1.i
 *   FAR 52.204-21(b)(1):      b.1.i       from 52.204-21(b)(1)(i), (b)(1)(i), b.1.i
 * Other frameworks (pci-dss, soc2, custom) keep the id as written, trimmed.
 */

export type IdScheme = 'sp800-53' | 'sp800-171r2' | 'sp800-171r3' | 'cmmc' | 'far' | 'verbatim';

/** Which id scheme a framework id uses. */
export function idSchemeOf(framework: string): IdScheme {
  if (framework === 'nist-800-53' || framework.startsWith('fedramp-')) return 'sp800-53';
  if (framework === 'nist-800-171') return 'sp800-171r2';
  if (framework === 'nist-800-171-r3') return 'sp800-171r3';
  if (framework === 'cmmc-l1' || framework === 'cmmc-l2') return 'cmmc';
  if (framework === 'far-52204-21') return 'far';
  return 'verbatim';
}

const ROMAN = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x', 'xi', 'xii', 'xiii', 'xiv', 'xv'];

function sp80053(raw: string): string | undefined {
  // Drop prefixes such as "NIST.800-53.r5 " or "NIST SP 800-53 Rev. 5 ".
  const text = raw.trim().replace(/^.*?800-53\S*\s+/i, '');
  const match = /^([A-Za-z]{2})[-_ ]?0*(\d{1,2})(?:\s*(?:\(\s*0*(\d{1,2})\s*\)|[._]0*(\d{1,2})))?$/.exec(text);
  if (!match) return undefined;
  const [, family, base, enhParen, enhDot] = match;
  const enhancement = enhParen ?? enhDot;
  return `${family!.toUpperCase()}-${Number(base)}${enhancement ? `(${Number(enhancement)})` : ''}`;
}

function sp800171r2(raw: string): string | undefined {
  const text = raw.trim().replace(/^.*?800-171\S*\s+/i, '');
  const match = /^0?3[._]0*(\d{1,2})[._]0*(\d{1,2})$/.exec(text);
  return match ? `3.${Number(match[1])}.${Number(match[2])}` : undefined;
}

function sp800171r3(raw: string): string | undefined {
  const match = /^0?3[._](\d{2})[._](\d{2})$/.exec(raw.trim());
  return match && raw.trim().startsWith('03') ? `03.${match[1]}.${match[2]}` : undefined;
}

function far(raw: string): string | undefined {
  const text = raw.trim().replace(/^(?:FAR\s+)?52\.204-21/i, '');
  const match = /^\(?b\)?[.(]?\(?1\)?[.(]?\(?([ivx]+)\)?$/i.exec(text);
  if (!match) return undefined;
  const numeral = match[1]!.toLowerCase();
  return ROMAN.includes(numeral) ? `b.1.${numeral}` : undefined;
}

function cmmc(raw: string): string | undefined {
  const match = /^([A-Za-z]{2})\.[Ll]([12])-(.+)$/.exec(raw.trim());
  if (!match) return undefined;
  const [, domain, level, rest] = match;
  const requirement = level === '1' ? far(rest!) : sp800171r2(rest!);
  return requirement ? `${domain!.toUpperCase()}.L${level}-${requirement}` : undefined;
}

/**
 * Canonical ids already computed, per id scheme and raw text: every finding of a rule names the same
 * few ids, and a run asks for each once per framework and per finding. Bounded: cleared when full,
 * so records naming endless distinct strings cannot grow it without limit.
 */
const canonicalIds = new Map<string, string | null>();
const CANONICAL_IDS_MAX = 10_000;

/** The canonical form of a control id in a framework, or undefined when it is not a valid id form. */
export function canonicalControlId(framework: string, raw: string): string | undefined {
  const scheme = idSchemeOf(framework);
  const key = `${scheme}\0${raw}`;
  const known = canonicalIds.get(key);
  if (known !== undefined) return known ?? undefined;
  const id = canonicalIdIn(scheme, raw);
  if (canonicalIds.size >= CANONICAL_IDS_MAX) canonicalIds.clear();
  canonicalIds.set(key, id ?? null);
  return id;
}

function canonicalIdIn(scheme: IdScheme, raw: string): string | undefined {
  switch (scheme) {
    case 'sp800-53':
      return sp80053(raw);
    case 'sp800-171r2':
      return sp800171r2(raw);
    case 'sp800-171r3':
      return sp800171r3(raw);
    case 'cmmc':
      return cmmc(raw);
    case 'far':
      return far(raw);
    default: {
      const trimmed = raw.trim();
      return trimmed === '' ? undefined : trimmed;
    }
  }
}

/** Sort key that orders ids the way catalogs print them: AC-2 < AC-2(1) < AC-2(10) < AC-3; 3.1.2 < 3.1.10. */
export function controlSortKey(id: string): string {
  return id.replace(/\d+/g, (digits) => digits.padStart(4, '0'));
}

/**
 * Control ids in the order catalogs print them (controlSortKey), by code units, never ICU: 3.1.2 <
 * 3.1.10 < 3.2.1, AC-2 < AC-2(1) < AC-10. Ids with the same key (3.1.01, 3.1.1) fall back to the id itself.
 */
export function compareControlIds(a: string, b: string): number {
  const ka = controlSortKey(a);
  const kb = controlSortKey(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
