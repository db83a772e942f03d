/**
 * The CUI banner marking of a report (32 CFR 2002.20(b); CUI Marking Handbook; the marking notes of
 * the CUI Registry): the control marking, then `//` and the category markings, then `//` and the
 * limited dissemination controls; several categories or several controls are separated by a
 * single `/`, categories alphabetically with Specified ones (written `SP-`) first.
 *
 * Category markings are mandatory in the banner for CUI Specified and optional for CUI Basic
 * (agency policy). Infracast's rule: Specified categories always appear; Basic ones only when the
 * workspace asks with `banner_categories: true`. Every category is always listed in the CUI
 * designation indicator block of the cover, whatever the banner shows. Whether a category is
 * Specified depends on its authority, not on the category, so the workspace says it by writing
 * the `SP-` prefix. A classification written as a string is printed as written. Pure.
 */
import type { Classification } from './definitions.js';

/** The control markings the banner may start with (the CUI Registry allows either, by agency policy). */
const CUI_CONTROL_MARKINGS = ['CUI', 'CONTROLLED'];

/**
 * The limited dissemination controls of the CUI Registry (32 CFR 2002.16(b)); REL TO and DISPLAY
 * ONLY take a list of country codes, USA first.
 */
export const LIMITED_DISSEMINATION_CONTROLS = ['NOFORN', 'FED ONLY', 'FEDCON', 'NOCON', 'DL ONLY', 'REL TO', 'DISPLAY ONLY'] as const;

/** `REL TO [USA, GBR]`, `DISPLAY ONLY [USA, AUS]`: trigraph (or tetragraph) codes, USA first. */
const WITH_COUNTRIES = /^(REL TO|DISPLAY ONLY) \[USA(, [A-Z]{3,4})*\]$/;

/** Why a limited dissemination control cannot be printed, or undefined when it is one of the Registry's. */
export function disseminationProblem(value: string): string | undefined {
  if ((LIMITED_DISSEMINATION_CONTROLS as readonly string[]).includes(value) && value !== 'REL TO') return undefined;
  if (WITH_COUNTRIES.test(value)) return undefined;
  if (/^(REL TO|DISPLAY ONLY)\b/.test(value)) return `'${value}' must list country codes after it, USA first: e.g. 'REL TO [USA, GBR]'`;
  return `'${value}' is not a limited dissemination control of the CUI Registry`;
}

export const isSpecified = (category: string): boolean => category.startsWith('SP-');

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Is this classification a CUI marking that Infracast composes (banner CUI or CONTROLLED alone)? */
export function isComposedCui(classification: Classification): boolean {
  return CUI_CONTROL_MARKINGS.includes(classification.banner.trim());
}

/** A written classification that is CUI: banner CUI or CONTROLLED (composed), or a string that starts with it. */
export function isCui(classification: string | Classification | undefined): boolean {
  if (classification === undefined) return false;
  if (typeof classification === 'string') return /^(CUI|CONTROLLED)\b/.test(classification.trim());
  return isComposedCui(classification);
}

/**
 * The banner line printed at the top and bottom of every page: e.g. {banner: CUI, categories:
 * [ISVI], dissemination: [FEDCON]} -> `CUI//FEDCON` (ISVI is Basic), with `banner_categories: true`
 * -> `CUI//ISVI//FEDCON`; {categories: [SP-CTI, PRVCY], dissemination: [NOFORN]} -> `CUI//SP-CTI//NOFORN`.
 * A banner other than the control marking alone (UNCLASSIFIED, or written out in full) is kept as written.
 */
export function composeBanner(classification: Classification): string {
  if (!isComposedCui(classification)) return classification.banner;
  const categories = [...new Set(classification.categories ?? [])];
  const shown = [
    ...categories.filter(isSpecified).sort(byCodeUnits),
    ...(classification.banner_categories === true ? categories.filter((c) => !isSpecified(c)).sort(byCodeUnits) : []),
  ];
  const controls = [...new Set(classification.dissemination ?? [])];
  return [classification.banner.trim(), shown.join('/'), controls.join('/')].filter((part) => part !== '').join('//');
}
