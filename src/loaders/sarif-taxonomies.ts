/**
 * SARIF taxonomies (SARIF 2.1.0 sections 3.19.3, 3.49.15, 3.52): a rule's `relationships[]` and a
 * result's `taxa[]` point at taxa of a taxonomy, a toolComponent named by `name`, `guid` or
 * `index`. Tools describe the taxonomy inline (`run.taxonomies[]`), in the driver's
 * `supportedTaxonomies[]`, or as an external file (`run.externalPropertyFileReferences.taxonomies[]`,
 * the sarif-standard/taxonomies files). What real exports write:
 *
 * - Flawfinder: `{ id: "CWE-120", toolComponent: { name: "CWE", guid: "FFC64C90-..." } }`, the CWE
 *   taxonomy as an external file.
 * - Microsoft's SARIF SDK HDF converter (Heimdall Tools results, e.g. OWASP ZAP): `{ id: "RA-5",
 *   toolComponent: { name: "NIST", guid: "AAFBAB93-5201-419E-8443-D4925C542398" } }`, the driver
 *   declaring `supportedTaxonomies: [{ name: "NIST SP800-53 v5", guid }]` and the external file
 *   NIST_SP800-53_v5.sarif. HDF's NIST tags also carry the revision as a tag ("Rev_4").
 *
 * A taxonomy that is NIST SP 800-53 revision 5 (by the sarif-standard guid, or a name or URI that
 * says 800-53 with revision 5 or no revision) gives canonical `nist-800-53` control ids; a taxon of
 * it that is not a control id, and every other taxonomy (CWE, OWASP...), is kept in
 * `otherControls` under the taxonomy's name as the export writes it.
 */
import { canonicalOrParent, isObject } from './normalise.js';
import type { ControlSet, Json } from './normalise.js';

/** The sarif-standard/taxonomies guids of NIST SP 800-53 revision 5 and revision 4. */
const NIST_800_53_R5_GUID = 'aafbab93-5201-419e-8443-d4925c542398';
const NIST_800_53_R4_GUID = 'ee4e6942-6346-45ee-bba2-9998a214d80e';

interface Descriptor {
  name?: string;
  guid?: string;
  version?: string;
  uris: string[];
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const objects = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);

function descriptorOf(component: Json, uris: (string | undefined)[] = []): Descriptor {
  const descriptor: Descriptor = { uris: [str(component.informationUri), str(component.downloadUri), ...uris].filter((u): u is string => u !== undefined) };
  const name = str(component.name);
  const guid = str(component.guid)?.toLowerCase();
  const version = str(component.version);
  if (name) descriptor.name = name;
  if (guid) descriptor.guid = guid;
  if (version) descriptor.version = version;
  return descriptor;
}

/** Whether what is known of a taxonomy says NIST SP 800-53 revision 5 (or 800-53 without a revision). */
function isNist80053r5(descriptors: readonly Descriptor[]): boolean {
  if (descriptors.some((d) => d.guid === NIST_800_53_R5_GUID)) return true;
  if (descriptors.some((d) => d.guid === NIST_800_53_R4_GUID)) return false;
  const texts = descriptors.flatMap((d) => [d.name, ...d.uris]).filter((t): t is string => t !== undefined);
  if (!texts.some((t) => /800[-_. ]?53/i.test(t))) return false;
  const revisions = new Set<string>();
  for (const text of texts) {
    // "NIST SP800-53 v5", "NIST_SP800-53_v5.sarif", ".../sp/800-53/rev-5/final", "NIST.SP.800-53r5.pdf"
    const revision = /800[-_. ]?53(?:[-_. /]?(?:rev(?:ision)?|r|v)[-_. ]?(\d))?/i.exec(text)?.[1];
    if (revision) revisions.add(revision);
  }
  for (const d of descriptors) if (d.version && /^\d/.test(d.version) && texts.some((t) => /800[-_. ]?53/i.test(t))) revisions.add(d.version[0]!);
  return revisions.size === 0 || (revisions.size === 1 && revisions.has('5'));
}

/** The taxonomies a run declares, and what a reference to one of them resolves to. */
export class RunTaxonomies {
  private readonly inline: Descriptor[];
  private readonly all: Descriptor[];

  constructor(run: Json, driver: Json) {
    this.inline = objects(run.taxonomies).map((t) => descriptorOf(t));
    const external = isObject(run.externalPropertyFileReferences) ? objects(run.externalPropertyFileReferences.taxonomies) : [];
    this.all = [
      ...this.inline,
      ...objects(driver.supportedTaxonomies).map((t) => descriptorOf(t)),
      ...external.map((t) => descriptorOf(t, [isObject(t.location) ? str(t.location.uri) : undefined])),
    ];
  }

  /**
   * The framework (`nist-800-53`) or the key for `otherControls` of a toolComponent reference;
   * undefined when the reference names no taxonomy (a relationship to another rule).
   */
  resolve(reference: unknown): { framework?: 'nist-800-53'; key: string } | undefined {
    if (!isObject(reference)) return undefined;
    const name = str(reference.name);
    const guid = str(reference.guid)?.toLowerCase();
    const index = typeof reference.index === 'number' ? reference.index : undefined;
    if (name === undefined && guid === undefined && index === undefined) return undefined;
    const matches = this.all.filter((d) => (guid !== undefined && d.guid === guid) || (name !== undefined && d.name === name));
    const indexed = index !== undefined ? this.inline[index] : undefined;
    if (indexed) matches.push(indexed);
    const described = [{ ...(name ? { name } : {}), ...(guid ? { guid } : {}), uris: [] }, ...matches];
    const key = name ?? matches.find((d) => d.name)?.name ?? guid ?? `taxonomy ${index}`;
    return isNist80053r5(described) ? { framework: 'nist-800-53', key } : { key };
  }

  /** Adds the taxa that references (`relationships[].target`, `taxa[]`) name to `controls`. */
  addTaxa(references: readonly unknown[], controls: ControlSet): void {
    for (const reference of references) {
      if (!isObject(reference)) continue;
      const id = str(reference.id);
      const taxonomy = this.resolve(reference.toolComponent);
      if (!id || !taxonomy) continue;
      if (taxonomy.framework && canonicalOrParent(taxonomy.framework, id)) controls.add(taxonomy.framework, id);
      else controls.addOther(taxonomy.key, id);
    }
  }
}

/** The taxa a rule relates to and a result names: the targets of `rule.relationships[]` and `result.taxa[]`. */
export function taxonReferences(rule: Json | undefined, result: Json): unknown[] {
  const relationships = rule ? objects(rule.relationships).map((r) => r.target) : [];
  return [...relationships, ...(Array.isArray(result.taxa) ? result.taxa : [])];
}
