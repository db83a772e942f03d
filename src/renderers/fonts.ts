/**
 * The fonts of the PDF (DESIGN.md "Tests": fonts ship with the project, so page counts and the
 * look do not depend on the machine): Source Sans 3 for text and JetBrains Mono for code, both
 * SIL Open Font License 1.1, from their @fontsource packages. They are inlined as data: URIs so
 * the page requests nothing; Latin and Latin Extended cover the reports' text (other scripts in
 * finding text fall back to the system's fonts, which Chromium embeds as well).
 */
import { readFileSync } from 'node:fs';
import { packageFile } from '../io/package-file.js';

export const SANS = 'Source Sans 3';
export const MONO = 'JetBrains Mono';

interface Face {
  family: string;
  pkg: string;
  weight: number;
  style: 'normal' | 'italic';
}

const FACES: Face[] = [
  { family: SANS, pkg: 'source-sans-3', weight: 400, style: 'normal' },
  { family: SANS, pkg: 'source-sans-3', weight: 400, style: 'italic' },
  { family: SANS, pkg: 'source-sans-3', weight: 600, style: 'normal' },
  { family: SANS, pkg: 'source-sans-3', weight: 700, style: 'normal' },
  { family: MONO, pkg: 'jetbrains-mono', weight: 400, style: 'normal' },
  { family: MONO, pkg: 'jetbrains-mono', weight: 700, style: 'normal' },
];

/** Fontsource's unicode ranges of the two subsets used (as in its latin.css and latin-ext.css). */
const SUBSETS: Record<string, string> = {
  latin:
    'U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD',
  'latin-ext':
    'U+0100-02BA,U+02BD-02C5,U+02C7-02CC,U+02CE-02D7,U+02DD-02FF,U+0304,U+0308,U+0329,U+1D00-1DBF,U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+20A0-20AB,U+20AD-20C4,U+2113,U+2C60-2C7F,U+A720-A7FF',
};

const cache = new Map<string, string>();

function faceCss(face: Face, subset: string): string {
  const key = `${face.pkg}-${subset}-${face.weight}-${face.style}`;
  let css = cache.get(key);
  if (css === undefined) {
    const data = readFileSync(packageFile(`@fontsource/${face.pkg}/files/${key}.woff2`, import.meta.url)).toString('base64');
    css = `@font-face{font-family:'${face.family}';font-style:${face.style};font-weight:${face.weight};font-display:block;src:url(data:font/woff2;base64,${data}) format('woff2');unicode-range:${SUBSETS[subset]}}`;
    cache.set(key, css);
  }
  return css;
}

/** The @font-face rules of the document, every font a data: URI (files read once per process). */
export function fontFaceCss(): string {
  return FACES.flatMap((face) => Object.keys(SUBSETS).map((subset) => faceCss(face, subset))).join('\n');
}

/**
 * The faces of the running header and footer: Chromium renders them as separate documents that
 * see none of the page's fonts, so without these they would fall back to a system font. Latin
 * only, regular and bold: they hold the banner, the title, the date and the page numbers.
 */
export function headerFontFaceCss(): string {
  return FACES.filter((f) => f.family === SANS && f.style === 'normal' && (f.weight === 400 || f.weight === 700))
    .map((face) => faceCss(face, 'latin'))
    .join('');
}
