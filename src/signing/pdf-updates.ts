/**
 * What an incremental update changes, sorted into what signing and long-term validation may add and
 * what alters the signed document (the rules are in pdf-revisions.ts's module comment).
 *
 * The comparison is by object: every object number the update's cross-reference sections define is
 * read as the update leaves it and as the revision before had it. An object that is new must be a
 * signature field or widget, a signature or document-timestamp dictionary, the DSS or a VRI entry,
 * or be reached from one of those through other new objects (a widget's appearance, the DSS's
 * certificate streams). An object that existed may change only as the signing workflow changes it:
 * the catalog gains /AcroForm, /DSS or /Extensions; the AcroForm gains fields; a page gains
 * signature widgets in /Annots; a signature field gets its value. Anything else is named, with the
 * object and what it is, so the report says which revision was altered and how. A signature widget
 * that draws on the page is allowed only in an update that a signature covers (the signer's own
 * visible signature): in an unsigned update it could hide what was signed.
 */
import { PdfDict, PdfRef, PdfStream, sameValue, show, type PdfValue } from './pdf-objects.js';
import type { PdfFile, Revision } from './pdf-revisions.js';

export interface UpdateFindings {
  /** What the update adds that signing allows, in words ("signature field Countersignature", "DSS"). */
  added: string[];
  /** Each change outside what signing allows, in words; empty when the update only signs. */
  disallowed: string[];
  /** Whether the update adds or changes the catalog's /DSS. */
  dss: boolean;
}

const CATALOG_KEYS = new Set(['AcroForm', 'DSS', 'Extensions']);
const ACROFORM_KEYS = new Set(['Fields', 'SigFlags', 'DR', 'DA']);
const SIGNATURE_FIELD_KEYS = new Set(['V', 'AP']);

/** Compares the revision `after` with `before` (the earlier revision whose chain it extends). */
export function classifyUpdate(file: PdfFile, before: Revision, after: Revision, signed: boolean): UpdateFindings {
  const findings: UpdateFindings = { added: [], disallowed: [], dss: false };
  const old = (num: number) => file.object(before.chain, num);
  const now = (num: number) => file.object(after.chain, num);
  const resolveNew = (value: PdfValue | undefined) => file.resolve(after.chain, value);
  const resolveOld = (value: PdfValue | undefined) => file.resolve(before.chain, value);
  const dictOf = (value: PdfValue | undefined): PdfDict | undefined => (value instanceof PdfDict ? value : value instanceof PdfStream ? value.dict : undefined);
  const name = (value: PdfValue | undefined, key: string): string | undefined => dictOf(value)?.name(key);
  const text = (dict: PdfDict | undefined, key: string): string | undefined => dict?.text(key);
  /** A signature field or widget: /FT /Sig on itself or its parent field. */
  const isSignatureField = (value: PdfValue | undefined, chainResolve = resolveNew): boolean => {
    const dict = dictOf(value);
    if (!dict) return false;
    if (name(dict, 'FT') === 'Sig') return true;
    const parent = chainResolve(dict.get('Parent'));
    return name(parent, 'FT') === 'Sig';
  };

  // The trailer: same catalog, same Info dictionary, no encryption added.
  const trailerKey = (revision: Revision, key: string): string => {
    const value = revision.chain[0]!.trailer.get(key);
    return value === undefined ? 'none' : show(value);
  };
  for (const key of ['Root', 'Info', 'Encrypt'])
    if (!sameValue(before.chain[0]!.trailer.get(key), after.chain[0]!.trailer.get(key)))
      findings.disallowed.push(`the trailer's /${key} changes (${trailerKey(before, key)} -> ${trailerKey(after, key)})`);
  const catalogNum = file.trailerRef(before.chain, 'Root')?.num;
  const infoNum = file.trailerRef(before.chain, 'Info')?.num;
  const oldCatalog = catalogNum === undefined ? undefined : dictOf(old(catalogNum));
  const refIn = (dict: PdfDict | undefined, key: string): number | undefined => {
    const value = dict?.get(key);
    return value instanceof PdfRef ? value.num : undefined;
  };
  const acroFormNum = refIn(oldCatalog, 'AcroForm');
  // The DSS's own arrays and VRI dictionaries may be extended by a later DSS update.
  const dssOwned = new Set<number>();
  const dssQueue: [PdfValue | undefined, number][] = [[oldCatalog?.get('DSS'), 0]];
  while (dssQueue.length > 0) {
    const [value, depth] = dssQueue.pop()!;
    if (value instanceof PdfRef) {
      if (dssOwned.has(value.num) || depth > 4) continue;
      dssOwned.add(value.num);
      const target = old(value.num);
      if (!(target instanceof PdfStream)) dssQueue.push([target, depth + 1]);
    } else if (Array.isArray(value)) for (const item of value) dssQueue.push([item, depth + 1]);
    else if (value instanceof PdfDict) for (const item of value.map.values()) dssQueue.push([item, depth + 1]);
  }

  // Objects the update may add, found from the allowed changes; checked against the new objects at the end.
  const roots: PdfValue[] = [];
  const newObjects: number[] = [];
  const refsOf = (value: PdfValue | undefined): number[] => {
    if (value instanceof PdfRef) return [value.num];
    if (Array.isArray(value)) return value.flatMap(refsOf);
    const dict = dictOf(value);
    return dict ? [...dict.map.values()].flatMap(refsOf) : [];
  };
  /** An array (direct or referenced) that only gains entries, each a signature field: the new ones become roots. */
  const onlyGainsSignatureFields = (was: PdfValue | undefined, is: PdfValue | undefined, what: string, annotations = false): boolean => {
    const [a, b] = [resolveOld(was), resolveNew(is)];
    const before = Array.isArray(a) ? a.map(show) : [];
    if (!Array.isArray(b)) {
      findings.disallowed.push(`${what} is no longer an array`);
      return false;
    }
    const after = b;
    const kept = new Set(after.map(show));
    const lost = before.filter((x) => !kept.has(x));
    if (lost.length > 0) {
      findings.disallowed.push(`${what} loses ${lost.join(', ')}`);
      return false;
    }
    const known = new Set(before);
    for (const item of after) {
      if (known.has(show(item))) continue;
      if (!isSignatureField(resolveNew(item)) || (annotations && name(resolveNew(item), 'Subtype') !== 'Widget')) {
        const target = dictOf(resolveNew(item));
        findings.disallowed.push(`${what} gains ${show(item)}, ${target ? describe(target) : 'not a dictionary'}, which is not a signature field`);
        return false;
      }
      const field = text(dictOf(resolveNew(item)), 'T') ?? show(item);
      if (annotations && visible(resolveNew(item)) && !signed) {
        findings.disallowed.push(`${what} gains ${field}, a signature widget with an appearance over the page, in an update no signature covers`);
        return false;
      }
      roots.push(item);
      findings.added.push(`signature field ${field}`);
    }
    return true;
  };
  /**
   * A widget that draws: an appearance (/AP), a rectangle of some area, not hidden (/F bits 2 Hidden,
   * 6 NoView). A signer's own visible signature is theirs to sign; in an update no signature covers,
   * the same widget is a way to draw over the signed page (a "hide" shadow attack).
   */
  const visible = (value: PdfValue | undefined): boolean => {
    const dict = dictOf(value);
    if (!dict || dict.get('AP') === undefined) return false;
    const flags = dict.get('F');
    if (typeof flags === 'number' && (flags & (2 | 32)) !== 0) return false;
    const rect = dict.get('Rect');
    if (!Array.isArray(rect) || rect.length !== 4 || rect.some((n) => typeof n !== 'number')) return true;
    const [x1, y1, x2, y2] = rect as number[];
    return Math.abs(x2! - x1!) > 0 && Math.abs(y2! - y1!) > 0;
  };
  const describe = (dict: PdfDict): string => {
    const type = name(dict, 'Type');
    const subtype = name(dict, 'Subtype');
    if (type === 'Annot' || (subtype && dict.get('Rect') !== undefined)) return `an annotation (/Subtype /${subtype ?? '?'})`;
    if (type) return `a /${type} dictionary${subtype ? ` (/Subtype /${subtype})` : ''}`;
    return subtype ? `a /Subtype /${subtype} object` : 'an object';
  };
  /** What a value is, in words: a dictionary by its type, a stream without type as a stream (page content or data). */
  const what = (value: PdfValue | undefined): string => {
    const dict = dictOf(value);
    if (value instanceof PdfStream && !dict!.name('Type') && !dict!.name('Subtype')) return 'a stream';
    if (dict) return describe(dict);
    return Array.isArray(value) ? 'an array' : 'an object';
  };
  const changedKeys = (a: PdfDict, b: PdfDict): string[] => {
    const keys = new Set([...a.map.keys(), ...b.map.keys()]);
    return [...keys].filter((k) => !sameValue(a.get(k), b.get(k))).sort();
  };

  for (const num of [...file.definedSince(after.chain, before.chain)].sort((x, y) => x - y)) {
    const [was, is] = [old(num), now(num)];
    if (is === undefined) {
      if (was !== undefined) findings.disallowed.push(`object ${num} (${what(was)}) is deleted`);
      continue;
    }
    if (was === undefined) {
      newObjects.push(num);
      continue;
    }
    if (sameValue(was, is)) continue;
    const [a, b] = [dictOf(was), dictOf(is)];
    const label = num === catalogNum ? 'the catalog' : num === infoNum ? 'the Info dictionary' : `object ${num} (${what(was)})`;
    if (num === infoNum) {
      findings.disallowed.push(
        `the Info dictionary changes (${
          a && b
            ? changedKeys(a, b)
                .map((k) => `/${k}`)
                .join(', ')
            : 'replaced'
        })`,
      );
      continue;
    }
    if (dssOwned.has(num)) {
      findings.dss = true;
      roots.push(is);
      continue;
    }
    if (Array.isArray(was)) {
      // An indirect /Fields or /Annots array: the owner's rule applies, checked here on the array itself.
      onlyGainsSignatureFields(was, is, label);
      continue;
    }
    if (!a || !b || was instanceof PdfStream || is instanceof PdfStream) {
      findings.disallowed.push(`${label} changes${was instanceof PdfStream ? ' (its stream data or dictionary)' : ''}`);
      continue;
    }
    const keys = changedKeys(a, b);
    if (num === catalogNum) {
      const other = keys.filter((k) => !CATALOG_KEYS.has(k));
      if (other.length > 0) findings.disallowed.push(`the catalog changes ${other.map((k) => `/${k}`).join(', ')}`);
      if (keys.includes('DSS')) {
        findings.dss = true;
        findings.added.push('DSS');
        roots.push(b.get('DSS')!);
      }
      if (keys.includes('AcroForm')) checkAcroForm(resolveOld(a.get('AcroForm')), resolveNew(b.get('AcroForm')), b.get('AcroForm'));
      continue;
    }
    if (name(a, 'Type') === 'Page') {
      const other = keys.filter((k) => k !== 'Annots');
      if (other.length > 0) findings.disallowed.push(`${label} changes ${other.map((k) => `/${k}`).join(', ')}`);
      else onlyGainsSignatureFields(a.get('Annots'), b.get('Annots'), `${label} /Annots`, true);
      continue;
    }
    if (isSignatureField(a, resolveOld)) {
      const other = keys.filter((k) => !SIGNATURE_FIELD_KEYS.has(k));
      if (other.length > 0) findings.disallowed.push(`${label}, a signature field, changes ${other.map((k) => `/${k}`).join(', ')}`);
      else if (keys.includes('AP') && visible(b) && !signed)
        findings.disallowed.push(`${label}, a signature widget, gets an appearance over the page in an update no signature covers`);
      else roots.push(b);
      continue;
    }
    if (num === acroFormNum) {
      checkAcroForm(a, b, undefined);
      continue;
    }
    findings.disallowed.push(`${label} changes ${keys.map((k) => `/${k}`).join(', ')}`);
  }

  function checkAcroForm(a: PdfValue | undefined, b: PdfValue | undefined, root: PdfValue | undefined): void {
    const [was, is] = [dictOf(a), dictOf(b)];
    if (!is) {
      findings.disallowed.push('the AcroForm is removed or not a dictionary');
      return;
    }
    if (root) roots.push(root);
    const keys = was ? changedKeys(was, is) : [...is.map.keys()];
    const other = keys.filter((k) => !ACROFORM_KEYS.has(k));
    if (other.length > 0) findings.disallowed.push(`the AcroForm changes ${other.map((k) => `/${k}`).join(', ')}`);
    if (keys.includes('Fields')) onlyGainsSignatureFields(was?.get('Fields'), is.get('Fields'), 'the AcroForm /Fields');
  }

  // New objects: each reached from an allowed root through new objects, or a structure-only object.
  const fresh = new Set(newObjects);
  const reached = new Set<number>();
  const queue = roots.flatMap(refsOf);
  for (const root of roots) if (dictOf(root) && !(root instanceof PdfRef)) queue.push(...refsOf(root));
  while (queue.length > 0) {
    const num = queue.pop()!;
    if (!fresh.has(num) || reached.has(num)) continue;
    reached.add(num);
    queue.push(...refsOf(now(num)));
  }
  for (const num of newObjects) {
    if (reached.has(num)) continue;
    const value = now(num);
    const type = name(value, 'Type');
    // Cross-reference and object streams are the update's own structure; their objects are checked one by one.
    if (value instanceof PdfStream && (type === 'XRef' || type === 'ObjStm')) continue;
    findings.disallowed.push(`object ${num} (${what(value)}) is new and not part of a signature, a document timestamp or the DSS`);
  }
  return findings;
}
