/**
 * OSCAL profile resolution (the parts of the NIST profile resolution specification real profiles
 * use): imports with include-all / include-controls (with-ids, matching, with-child-controls) /
 * exclude-controls; merge as-is or flat, keeping catalog order, first occurrence wins; modify
 * with set-parameters and alters (adds at starting/ending/before/after, by id; removes by id,
 * name, class, item name, namespace).
 *
 * Pure apart from the loader it is given: how an import's href becomes a document (files, an
 * href map, a catalog given on the command line) is the caller's policy.
 */
import { InfracastError } from '../../errors.js';
import type {
  OscalAdd,
  OscalCatalog,
  OscalControl,
  OscalDocument,
  OscalGroup,
  OscalImport,
  OscalParam,
  OscalPart,
  OscalProfile,
  OscalRemove,
  OscalResource,
  OscalSelection,
  OscalSetParameter,
} from './model.js';
import { walkControls } from './model.js';

export interface ImportRequest {
  /** The import's href as written. */
  href: string;
  /** When the href is `#uuid`: that back-matter resource's rlinks, in document order. */
  rlinks: { href: string; mediaType?: string }[];
  /** When the href is `#uuid` and that resource embeds the document: its base64 content. */
  base64?: string;
  /** Where the importing profile is (relative hrefs resolve against its folder). */
  from: string;
}

export interface LoadedDocument {
  document: OscalDocument;
  /** Where it was read from (a path), for messages, relative hrefs and cycle detection. */
  location: string;
}

export type ImportLoader = (request: ImportRequest) => Promise<LoadedDocument>;

export interface ResolutionReport {
  /** Every document read, in the order imports were followed. */
  sources: { href: string; location: string; kind: 'catalog' | 'profile'; depth: number }[];
  /** with-ids that named no control of the imported catalog. */
  missingIds: string[];
  /** set-parameters applied, by parameter id, and those naming no parameter of the selected controls. */
  parametersSet: string[];
  parametersUnmatched: string[];
  /** Alters naming a control that is not in the resolved catalog. */
  altersUnmatched: string[];
  /** Adds whose by-id target, and removes whose criteria, matched nothing. */
  addsApplied: number;
  addsUnmatched: { controlId: string; byId: string }[];
  removesApplied: number;
  removesUnmatched: { controlId: string; remove: OscalRemove }[];
}

const emptyReport = (): ResolutionReport => ({
  sources: [],
  missingIds: [],
  parametersSet: [],
  parametersUnmatched: [],
  altersUnmatched: [],
  addsApplied: 0,
  addsUnmatched: [],
  removesApplied: 0,
  removesUnmatched: [],
});

/** OSCAL `matching` patterns are globs: `*` any run of characters, `?` one character. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function selectionMatches(selection: OscalSelection, id: string): boolean {
  return selection.withIds.includes(id) || selection.matching.some((p) => globToRegExp(p).test(id));
}

function descendants(control: OscalControl): string[] {
  return control.controls.flatMap((c) => [c.id, ...descendants(c)]);
}

/** The ids an import selects from a catalog (spec: include, then exclude). */
export function selectControls(catalog: OscalCatalog, imp: OscalImport, report?: ResolutionReport): Set<string> {
  const all = [...walkControls(catalog)].map((e) => e.control);
  const known = new Set(all.map((c) => c.id));
  const selected = new Set<string>();
  const apply = (selections: OscalSelection[], act: (id: string) => void): void => {
    for (const selection of selections) {
      for (const control of all) {
        if (!selectionMatches(selection, control.id)) continue;
        act(control.id);
        if (selection.withChildControls === 'yes') for (const id of descendants(control)) act(id);
      }
      if (report) for (const id of selection.withIds) if (!known.has(id)) report.missingIds.push(id);
    }
  };
  // No include directive at all means include-all (OSCAL 1.0 profiles may omit it).
  if (imp.includeAll || imp.includeControls.length === 0) for (const c of all) selected.add(c.id);
  else apply(imp.includeControls, (id) => selected.add(id));
  apply(imp.excludeControls, (id) => selected.delete(id));
  return selected;
}

/** Keeps the selected controls in place; a selected control under an unselected one moves up to where its parent was. */
function pruneControls(controls: OscalControl[], selected: Set<string>): OscalControl[] {
  const out: OscalControl[] = [];
  for (const control of controls) {
    const children = pruneControls(control.controls, selected);
    if (selected.has(control.id)) out.push({ ...structuredClone({ ...control, controls: [] }), controls: children });
    else out.push(...children);
  }
  return out;
}

function pruneGroups(groups: OscalGroup[], selected: Set<string>): OscalGroup[] {
  const out: OscalGroup[] = [];
  for (const group of groups) {
    const controls = pruneControls(group.controls, selected);
    const subgroups = pruneGroups(group.groups, selected);
    if (controls.length === 0 && subgroups.length === 0) continue;
    out.push({ ...structuredClone({ ...group, controls: [], groups: [] }), controls, groups: subgroups });
  }
  return out;
}

/** Merges groups with the same id (as-is across several imports); first occurrence of a control id wins. */
function mergeInto(
  target: { controls: OscalControl[]; groups: OscalGroup[] },
  source: { controls: OscalControl[]; groups: OscalGroup[] },
  seen: Set<string>,
): void {
  const fresh = (controls: OscalControl[]): OscalControl[] =>
    controls
      .filter((c) => !seen.has(c.id))
      .map((c) => {
        seen.add(c.id);
        return { ...c, controls: fresh(c.controls) };
      });
  target.controls.push(...fresh(source.controls));
  for (const group of source.groups) {
    const existing = group.id === undefined ? undefined : target.groups.find((g) => g.id === group.id);
    if (existing) mergeInto(existing, group, seen);
    else {
      const copy: OscalGroup = { ...group, controls: [], groups: [] };
      mergeInto(copy, group, seen);
      if (copy.controls.length > 0 || copy.groups.length > 0) target.groups.push(copy);
    }
  }
}

function flatten(catalog: { controls: OscalControl[]; groups: OscalGroup[] }): OscalControl[] {
  return [...walkControls(catalog)].map((e) => ({ ...e.control, controls: [] }));
}

function setParameter(param: OscalParam, set: OscalSetParameter): void {
  if (set.class !== undefined) param.class = set.class;
  if (set.label !== undefined) param.label = set.label;
  if (set.usage !== undefined) param.usage = set.usage;
  if (set.values.length > 0) param.values = [...set.values];
  if (set.select !== undefined) param.select = structuredClone(set.select);
  param.props.push(...structuredClone(set.props));
  param.links.push(...structuredClone(set.links));
  param.constraints.push(...structuredClone(set.constraints));
  param.guidelines.push(...set.guidelines);
}

function removeMatches(remove: OscalRemove, item: { id?: string; name?: string; class?: string; ns?: string }, itemName: string): boolean {
  if (remove.byId !== undefined && item.id !== remove.byId) return false;
  if (remove.byName !== undefined && item.name !== remove.byName) return false;
  if (remove.byClass !== undefined && item.class !== remove.byClass) return false;
  if (remove.byNs !== undefined && item.ns !== remove.byNs) return false;
  if (remove.byItemName !== undefined && itemName !== remove.byItemName) return false;
  return (
    remove.byId !== undefined || remove.byName !== undefined || remove.byClass !== undefined || remove.byNs !== undefined || remove.byItemName !== undefined
  );
}

/** Removes what a remove directive names from a control (its params, props, links and parts, at any depth); returns how many. */
function applyRemove(control: OscalControl, remove: OscalRemove): number {
  let count = 0;
  const filter = <T extends { id?: string; name?: string; class?: string; ns?: string }>(items: T[], itemName: string): T[] =>
    items.filter((item) => {
      const hit = removeMatches(remove, item, itemName);
      if (hit) count += 1;
      return !hit;
    });
  const inPart = (part: OscalPart): void => {
    part.props = filter(part.props, 'prop');
    part.links = filter(part.links as { name?: string }[], 'link') as OscalPart['links'];
    part.parts = filter(part.parts, 'part');
    part.parts.forEach(inPart);
  };
  control.params = filter(control.params, 'param');
  control.props = filter(control.props, 'prop');
  control.links = filter(control.links as { name?: string }[], 'link') as OscalControl['links'];
  control.parts = filter(control.parts, 'part');
  control.parts.forEach(inPart);
  return count;
}

interface PartLocation {
  part: OscalPart;
  siblings: OscalPart[];
}

function findPart(parts: OscalPart[], id: string): PartLocation | undefined {
  for (const part of parts) {
    if (part.id === id) return { part, siblings: parts };
    const inner = findPart(part.parts, id);
    if (inner) return inner;
  }
  return undefined;
}

function place<T>(list: T[], items: T[], where: 'start' | 'end'): void {
  if (where === 'start') list.unshift(...items);
  else list.push(...items);
}

/** Applies one add to a control; false when its by-id target is not there. */
function applyAdd(control: OscalControl, add: OscalAdd): boolean {
  const position = add.position ?? 'ending';
  const items = structuredClone({ params: add.params, props: add.props, links: add.links, parts: add.parts });
  if (add.byId === undefined || add.byId === control.id) {
    // Adds to the control itself: before/after have no meaning there and act as starting/ending.
    const where = position === 'starting' || position === 'before' ? 'start' : 'end';
    place(control.params, items.params, where);
    place(control.props, items.props, where);
    place(control.links, items.links, where);
    place(control.parts, items.parts, where);
    return true;
  }
  const located = findPart(control.parts, add.byId);
  if (located) {
    const { part, siblings } = located;
    if (position === 'starting' || position === 'ending') {
      const where = position === 'starting' ? 'start' : 'end';
      place(part.props, items.props, where);
      place(part.links, items.links, where);
      place(part.parts, items.parts, where);
      place(control.params, items.params, 'end');
    } else {
      const index = siblings.indexOf(part);
      siblings.splice(position === 'before' ? index : index + 1, 0, ...items.parts);
      place(control.params, items.params, 'end');
      place(control.props, items.props, 'end');
      place(control.links, items.links, 'end');
    }
    return true;
  }
  const param = control.params.find((p) => p.id === add.byId);
  if (param) {
    if (position === 'starting' || position === 'ending') {
      const where = position === 'starting' ? 'start' : 'end';
      place(param.props, items.props, where);
      place(param.links, items.links, where);
      place(control.params, items.params, 'end');
    } else {
      const index = control.params.indexOf(param);
      control.params.splice(position === 'before' ? index : index + 1, 0, ...items.params);
      place(control.props, items.props, 'end');
      place(control.links, items.links, 'end');
    }
    place(control.parts, items.parts, 'end');
    return true;
  }
  return false;
}

function resourceOf(resources: OscalResource[], href: string): OscalResource | undefined {
  return href.startsWith('#') ? resources.find((r) => r.uuid === href.slice(1)) : undefined;
}

/** Resolves a profile (and the profiles it imports) into a catalog. */
export async function resolveProfile(
  profile: OscalProfile,
  location: string,
  load: ImportLoader,
  options: { report?: ResolutionReport; depth?: number; stack?: string[] } = {},
): Promise<{ catalog: OscalCatalog; report: ResolutionReport }> {
  const report = options.report ?? emptyReport();
  const depth = options.depth ?? 0;
  const stack = [...(options.stack ?? []), location];
  if (depth === 0) report.sources.push({ href: location, location, kind: 'profile', depth: 0 });
  const merged: { controls: OscalControl[]; groups: OscalGroup[] } = { controls: [], groups: [] };
  const params: OscalParam[] = [];
  const backMatter: OscalResource[] = [...structuredClone(profile.backMatter)];
  const seen = new Set<string>();
  const flat = profile.merge?.structure !== 'as-is' && profile.merge?.structure !== 'custom';

  for (const imp of profile.imports) {
    const resource = resourceOf(profile.backMatter, imp.href);
    if (imp.href.startsWith('#') && !resource)
      throw new InfracastError('CATALOG_INVALID', `import href ${imp.href} names no back-matter resource`, {
        location: { file: location },
        hints: ['Each "#uuid" import must match the uuid of a resource in the profile\'s back-matter.'],
      });
    const loaded = await load({
      href: imp.href,
      rlinks: resource ? resource.rlinks.map((r) => ({ href: r.href, ...(r.mediaType ? { mediaType: r.mediaType } : {}) })) : [],
      ...(resource?.base64 ? { base64: resource.base64.value } : {}),
      from: location,
    });
    if (stack.includes(loaded.location))
      throw new InfracastError('CATALOG_INVALID', `import ${imp.href} leads back to ${loaded.location} (an import cycle)`, {
        location: { file: location },
        hints: ['A profile may not import itself, directly or through other profiles.'],
      });
    report.sources.push({ href: imp.href, location: loaded.location, kind: loaded.document.kind, depth: depth + 1 });
    const catalog =
      loaded.document.kind === 'catalog'
        ? loaded.document
        : (await resolveProfile(loaded.document, loaded.location, load, { report, depth: depth + 1, stack })).catalog;
    const selected = selectControls(catalog, imp, report);
    const pruned = { controls: pruneControls(catalog.controls, selected), groups: pruneGroups(catalog.groups, selected) };
    mergeInto(merged, pruned, seen);
    for (const p of catalog.params) if (!params.some((q) => q.id === p.id)) params.push(structuredClone(p));
    for (const r of catalog.backMatter) if (!backMatter.some((q) => q.uuid === r.uuid)) backMatter.push(structuredClone(r));
  }

  const result: OscalCatalog = {
    kind: 'catalog',
    uuid: profile.uuid,
    metadata: { ...structuredClone(profile.metadata), links: [...structuredClone(profile.metadata.links), { href: location, rel: 'resolution-source' }] },
    params,
    controls: flat ? flatten(merged) : merged.controls,
    groups: flat ? [] : merged.groups,
    backMatter,
  };

  // modify: set-parameters, then alters (spec order).
  const controls = new Map<string, OscalControl>();
  const allParams = new Map<string, OscalParam>();
  for (const p of result.params) allParams.set(p.id, p);
  const groupParams = (groups: OscalGroup[]): void => {
    for (const g of groups) {
      for (const p of g.params) allParams.set(p.id, p);
      groupParams(g.groups);
    }
  };
  groupParams(result.groups);
  for (const { control } of walkControls(result)) {
    controls.set(control.id, control);
    for (const p of control.params) allParams.set(p.id, p);
  }
  for (const set of profile.modify.setParameters) {
    const param = allParams.get(set.paramId);
    if (!param) {
      report.parametersUnmatched.push(set.paramId);
      continue;
    }
    setParameter(param, set);
    report.parametersSet.push(set.paramId);
  }
  for (const alter of profile.modify.alters) {
    const control = controls.get(alter.controlId);
    if (!control) {
      report.altersUnmatched.push(alter.controlId);
      continue;
    }
    for (const remove of alter.removes) {
      const removed = applyRemove(control, remove);
      if (removed === 0) report.removesUnmatched.push({ controlId: alter.controlId, remove });
      report.removesApplied += removed;
    }
    for (const add of alter.adds) {
      if (applyAdd(control, add)) report.addsApplied += 1;
      else report.addsUnmatched.push({ controlId: alter.controlId, byId: add.byId ?? '' });
    }
  }
  return { catalog: result, report };
}

/** A catalog as is, or a profile resolved into one. */
export async function toCatalog(document: OscalDocument, location: string, load: ImportLoader): Promise<{ catalog: OscalCatalog; report: ResolutionReport }> {
  if (document.kind === 'profile') return resolveProfile(document, location, load);
  const report = emptyReport();
  report.sources.push({ href: location, location, kind: 'catalog', depth: 0 });
  return { catalog: document, report };
}
