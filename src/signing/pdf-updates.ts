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
 * object and what it is, so the report says which revision was altered and how.
 */
import type * as PdfLibModule from '@cantoo/pdf-lib';
import type { PdfFile, Revision } from './pdf-revisions.js';

type PDFObject = PdfLibModule.PDFObject;
type PDFDict = PdfLibModule.PDFDict;

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
export function classifyUpdate(file: PdfFile, before: Revision, after: Revision): UpdateFindings {
  const { lib } = file;
  const { PDFDict, PDFArray, PDFRef, PDFName, PDFRawStream } = lib;
  const findings: UpdateFindings = { added: [], disallowed: [], dss: false };
  const old = (num: number) => file.object(before.chain, num);
  const now = (num: number) => file.object(after.chain, num);
  const resolveNew = (value: PDFObject | undefined) => file.resolve(after.chain, value);
  const resolveOld = (value: PDFObject | undefined) => file.resolve(before.chain, value);
  const name = (dict: PDFObject | undefined, key: string): string | undefined => {
    const value = dict instanceof PDFDict ? dict.get(PDFName.of(key)) : dict instanceof PDFRawStream ? dict.dict.get(PDFName.of(key)) : undefined;
    return value instanceof PDFName ? value.decodeText() : undefined;
  };
  const dictOf = (value: PDFObject | undefined): PDFDict | undefined =>
    value instanceof PDFDict ? value : value instanceof PDFRawStream ? value.dict : undefined;
  const text = (dict: PDFDict | undefined, key: string): string | undefined => {
    const value = dict?.get(PDFName.of(key));
    return value instanceof lib.PDFString || value instanceof lib.PDFHexString ? value.decodeText() : undefined;
  };
  /** A signature field or widget: /FT /Sig on itself or its parent field. */
  const isSignatureField = (value: PDFObject | undefined, chainResolve = resolveNew): boolean => {
    const dict = dictOf(value);
    if (!dict) return false;
    if (name(dict, 'FT') === 'Sig') return true;
    const parent = chainResolve(dict.get(PDFName.of('Parent')));
    return name(parent, 'FT') === 'Sig';
  };

  // The trailer: same catalog, same Info dictionary, no encryption added.
  const trailerKey = (revision: Revision, key: string) => revision.chain[0]!.trailer.get(PDFName.of(key))?.toString();
  for (const key of ['Root', 'Info', 'Encrypt'])
    if (trailerKey(before, key) !== trailerKey(after, key))
      findings.disallowed.push(`the trailer's /${key} changes (${trailerKey(before, key) ?? 'none'} -> ${trailerKey(after, key) ?? 'none'})`);
  const catalogNum = file.trailerRef(before.chain, 'Root')?.objectNumber;
  const infoNum = file.trailerRef(before.chain, 'Info')?.objectNumber;
  const oldCatalog = catalogNum === undefined ? undefined : dictOf(old(catalogNum));
  const refIn = (dict: PDFDict | undefined, key: string): number | undefined => {
    const value = dict?.get(PDFName.of(key));
    return value instanceof PDFRef ? value.objectNumber : undefined;
  };
  const acroFormNum = refIn(oldCatalog, 'AcroForm');
  // The DSS's own arrays and VRI dictionaries may be extended by a later DSS update.
  const dssOwned = new Set<number>();
  const dssQueue: [PDFObject | undefined, number][] = [[oldCatalog?.get(PDFName.of('DSS')), 0]];
  while (dssQueue.length > 0) {
    const [value, depth] = dssQueue.pop()!;
    if (value instanceof PDFRef) {
      if (dssOwned.has(value.objectNumber) || depth > 4) continue;
      dssOwned.add(value.objectNumber);
      const target = old(value.objectNumber);
      if (!(target instanceof PDFRawStream)) dssQueue.push([target, depth + 1]);
    } else if (value instanceof PDFArray) for (const item of value.asArray()) dssQueue.push([item, depth + 1]);
    else if (value instanceof PDFDict) for (const item of value.values()) dssQueue.push([item, depth + 1]);
  }

  // Objects the update may add, found from the allowed changes; checked against the new objects at the end.
  const roots: PDFObject[] = [];
  const newObjects: number[] = [];
  const refsOf = (value: PDFObject | undefined): number[] => {
    if (value instanceof PDFRef) return [value.objectNumber];
    if (value instanceof PDFArray) return value.asArray().flatMap(refsOf);
    const dict = dictOf(value);
    return dict ? dict.values().flatMap(refsOf) : [];
  };
  /** An array (direct or referenced) that only gains entries, each a signature field: the new ones become roots. */
  const onlyGainsSignatureFields = (was: PDFObject | undefined, is: PDFObject | undefined, what: string, annotations = false): boolean => {
    const [a, b] = [resolveOld(was), resolveNew(is)];
    const before = a instanceof PDFArray ? a.asArray().map((x) => x.toString()) : [];
    if (!(b instanceof PDFArray)) {
      findings.disallowed.push(`${what} is no longer an array`);
      return false;
    }
    const after = b.asArray();
    const kept = new Set(after.map((x) => x.toString()));
    const lost = before.filter((x) => !kept.has(x));
    if (lost.length > 0) {
      findings.disallowed.push(`${what} loses ${lost.join(', ')}`);
      return false;
    }
    const known = new Set(before);
    for (const item of after) {
      if (known.has(item.toString())) continue;
      if (!isSignatureField(resolveNew(item)) || (annotations && name(resolveNew(item), 'Subtype') !== 'Widget')) {
        const target = dictOf(resolveNew(item));
        findings.disallowed.push(`${what} gains ${item.toString()}, ${target ? describe(target) : 'not a dictionary'}, which is not a signature field`);
        return false;
      }
      roots.push(item);
      findings.added.push(`signature field ${text(dictOf(resolveNew(item)), 'T') ?? item.toString()}`);
    }
    return true;
  };
  const describe = (dict: PDFDict): string => {
    const type = name(dict, 'Type');
    const subtype = name(dict, 'Subtype');
    if (type === 'Annot' || (subtype && dict.has(PDFName.of('Rect')))) return `an annotation (/Subtype /${subtype ?? '?'})`;
    if (type) return `a /${type} dictionary${subtype ? ` (/Subtype /${subtype})` : ''}`;
    return subtype ? `a /Subtype /${subtype} object` : 'an object';
  };
  const changedKeys = (a: PDFDict, b: PDFDict): string[] => {
    const keys = new Set([...a.keys(), ...b.keys()].map((k) => k.decodeText()));
    return [...keys].filter((k) => !file.same(a.get(PDFName.of(k)), b.get(PDFName.of(k)))).sort();
  };

  for (const num of [...file.definedSince(after.chain, before.chain)].sort((x, y) => x - y)) {
    const [was, is] = [old(num), now(num)];
    if (is === undefined) {
      if (was !== undefined) findings.disallowed.push(`object ${num} (${dictOf(was) ? describe(dictOf(was)!) : 'an object'}) is deleted`);
      continue;
    }
    if (was === undefined) {
      newObjects.push(num);
      continue;
    }
    if (file.same(was, is)) continue;
    const [a, b] = [dictOf(was), dictOf(is)];
    const label = num === catalogNum ? 'the catalog' : num === infoNum ? 'the Info dictionary' : a ? `object ${num} (${describe(a)})` : `object ${num}`;
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
    if (was instanceof PDFArray) {
      // An indirect /Fields or /Annots array: the owner's rule applies, checked here on the array itself.
      onlyGainsSignatureFields(was, is, label);
      continue;
    }
    if (!a || !b || was instanceof PDFRawStream || is instanceof PDFRawStream) {
      findings.disallowed.push(`${label} changes${was instanceof PDFRawStream ? ' (its stream data or dictionary)' : ''}`);
      continue;
    }
    const keys = changedKeys(a, b);
    if (num === catalogNum) {
      const other = keys.filter((k) => !CATALOG_KEYS.has(k));
      if (other.length > 0) findings.disallowed.push(`the catalog changes ${other.map((k) => `/${k}`).join(', ')}`);
      if (keys.includes('DSS')) {
        findings.dss = true;
        findings.added.push('DSS');
        roots.push(b.get(PDFName.of('DSS'))!);
      }
      if (keys.includes('AcroForm'))
        checkAcroForm(resolveOld(a.get(PDFName.of('AcroForm'))), resolveNew(b.get(PDFName.of('AcroForm'))), b.get(PDFName.of('AcroForm')));
      continue;
    }
    if (name(a, 'Type') === 'Page') {
      const other = keys.filter((k) => k !== 'Annots');
      if (other.length > 0) findings.disallowed.push(`${label} changes ${other.map((k) => `/${k}`).join(', ')}`);
      else onlyGainsSignatureFields(a.get(PDFName.of('Annots')), b.get(PDFName.of('Annots')), `${label} /Annots`, true);
      continue;
    }
    if (isSignatureField(a, resolveOld)) {
      const other = keys.filter((k) => !SIGNATURE_FIELD_KEYS.has(k));
      if (other.length > 0) findings.disallowed.push(`${label}, a signature field, changes ${other.map((k) => `/${k}`).join(', ')}`);
      else roots.push(b);
      continue;
    }
    if (num === acroFormNum) {
      checkAcroForm(a, b, undefined);
      continue;
    }
    findings.disallowed.push(`${label} changes ${keys.map((k) => `/${k}`).join(', ')}`);
  }

  function checkAcroForm(a: PDFObject | undefined, b: PDFObject | undefined, root: PDFObject | undefined): void {
    const [was, is] = [dictOf(a), dictOf(b)];
    if (!is) {
      findings.disallowed.push('the AcroForm is removed or not a dictionary');
      return;
    }
    if (root) roots.push(root);
    const keys = was ? changedKeys(was, is) : is.keys().map((k) => k.decodeText());
    const other = keys.filter((k) => !ACROFORM_KEYS.has(k));
    if (other.length > 0) findings.disallowed.push(`the AcroForm changes ${other.map((k) => `/${k}`).join(', ')}`);
    if (keys.includes('Fields')) onlyGainsSignatureFields(was?.get(PDFName.of('Fields')), is.get(PDFName.of('Fields')), 'the AcroForm /Fields');
  }

  // New objects: each reached from an allowed root through new objects, or a structure-only object.
  const fresh = new Set(newObjects);
  const reached = new Set<number>();
  const queue = roots.flatMap(refsOf);
  for (const root of roots) if (dictOf(root) && !(root instanceof PDFRef)) queue.push(...refsOf(root));
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
    if (value instanceof PDFRawStream && (type === 'XRef' || type === 'ObjStm')) continue;
    const dict = dictOf(value);
    findings.disallowed.push(`object ${num} (${dict ? describe(dict) : 'an object'}) is new and not part of a signature, a document timestamp or the DSS`);
  }
  return findings;
}
