/**
 * One in-memory model of OSCAL catalogs and profiles (OSCAL 1.0.x and 1.1.x), whichever the
 * source format: the JSON and XML readers build exactly these objects, so the same content gives
 * deep-equal models. Names follow OSCAL's JSON names in camelCase.
 *
 * Normalisation shared by both readers: prose is Markdown as OSCAL's JSON carries it (XML markup
 * is converted), with whitespace collapsed in each line and blank-line-separated blocks;
 * parameter insertions are written `{{ insert: param, ID }}`. Optional scalars are absent rather
 * than undefined; collections are always present (possibly empty).
 */

export interface OscalProp {
  name: string;
  value: string;
  ns?: string;
  class?: string;
  remarks?: string;
}

export interface OscalLink {
  href: string;
  rel?: string;
  mediaType?: string;
  text?: string;
}

export interface OscalPart {
  id?: string;
  name: string;
  ns?: string;
  class?: string;
  title?: string;
  props: OscalProp[];
  prose?: string;
  parts: OscalPart[];
  links: OscalLink[];
}

export interface OscalConstraint {
  description?: string;
  tests: { expression: string; remarks?: string }[];
}

export interface OscalSelect {
  howMany?: 'one' | 'one-or-more';
  choice: string[];
}

/** What a parameter and a profile's set-parameter share. */
export interface OscalParamFields {
  class?: string;
  props: OscalProp[];
  links: OscalLink[];
  label?: string;
  usage?: string;
  constraints: OscalConstraint[];
  guidelines: string[];
  values: string[];
  select?: OscalSelect;
}

export interface OscalParam extends OscalParamFields {
  id: string;
  dependsOn?: string;
  remarks?: string;
}

/** What controls, groups and a profile's adds all carry. */
export interface OscalContent {
  params: OscalParam[];
  props: OscalProp[];
  links: OscalLink[];
  parts: OscalPart[];
}

export interface OscalControl extends OscalContent {
  id: string;
  class?: string;
  title: string;
  controls: OscalControl[];
}

export interface OscalGroup extends OscalContent {
  id?: string;
  class?: string;
  title: string;
  groups: OscalGroup[];
  controls: OscalControl[];
}

export interface OscalResource {
  uuid: string;
  title?: string;
  description?: string;
  props: OscalProp[];
  citation?: string;
  rlinks: { href: string; mediaType?: string; hashes: { algorithm: string; value: string }[] }[];
  base64?: { filename?: string; mediaType?: string; value: string };
  remarks?: string;
}

export interface OscalMetadata {
  title: string;
  published?: string;
  lastModified?: string;
  version?: string;
  oscalVersion?: string;
  props: OscalProp[];
  links: OscalLink[];
}

export interface OscalCatalog {
  kind: 'catalog';
  uuid: string;
  metadata: OscalMetadata;
  params: OscalParam[];
  controls: OscalControl[];
  groups: OscalGroup[];
  backMatter: OscalResource[];
}

export interface OscalSelection {
  withChildControls?: 'yes' | 'no';
  withIds: string[];
  /** Glob patterns (`*`, `?`) over control ids. */
  matching: string[];
}

export interface OscalImport {
  href: string;
  includeAll: boolean;
  includeControls: OscalSelection[];
  excludeControls: OscalSelection[];
}

export interface OscalSetParameter extends OscalParamFields {
  paramId: string;
}

export interface OscalRemove {
  byName?: string;
  byClass?: string;
  byId?: string;
  byItemName?: string;
  byNs?: string;
}

export interface OscalAdd extends OscalContent {
  position?: 'before' | 'after' | 'starting' | 'ending';
  byId?: string;
  title?: string;
}

export interface OscalAlter {
  controlId: string;
  removes: OscalRemove[];
  adds: OscalAdd[];
}

export interface OscalMerge {
  combine?: string;
  /** as-is keeps the catalog's group structure; flat drops it; custom is read and treated as as-is. */
  structure?: 'as-is' | 'flat' | 'custom';
}

export interface OscalProfile {
  kind: 'profile';
  uuid: string;
  metadata: OscalMetadata;
  imports: OscalImport[];
  merge?: OscalMerge;
  modify: { setParameters: OscalSetParameter[]; alters: OscalAlter[] };
  backMatter: OscalResource[];
}

export type OscalDocument = OscalCatalog | OscalProfile;

/** Every control of a catalog, depth first in document order, with the top-level group it is in. */
export function* walkControls(catalog: {
  controls: OscalControl[];
  groups: OscalGroup[];
}): Generator<{ control: OscalControl; group?: OscalGroup; parent?: OscalControl }> {
  function* inControls(
    controls: OscalControl[],
    group: OscalGroup | undefined,
    parent: OscalControl | undefined,
  ): Generator<{ control: OscalControl; group?: OscalGroup; parent?: OscalControl }> {
    for (const control of controls) {
      yield { control, ...(group ? { group } : {}), ...(parent ? { parent } : {}) };
      yield* inControls(control.controls, group, control);
    }
  }
  function* inGroups(groups: OscalGroup[], top: OscalGroup | undefined): Generator<{ control: OscalControl; group?: OscalGroup; parent?: OscalControl }> {
    for (const group of groups) {
      yield* inControls(group.controls, top ?? group, undefined);
      yield* inGroups(group.groups, top ?? group);
    }
  }
  yield* inControls(catalog.controls, undefined, undefined);
  yield* inGroups(catalog.groups, undefined);
}

/** `status: withdrawn` (OSCAL 1.0 and 1.1), also the 1.0 spelling `Withdrawn`. */
export function isWithdrawn(control: OscalControl): boolean {
  return control.props.some(
    (p) => p.name === 'status' && p.value.toLowerCase() === 'withdrawn' && (p.ns === undefined || p.ns === 'http://csrc.nist.gov/ns/oscal'),
  );
}
