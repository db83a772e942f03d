/**
 * The SSP as an OSCAL `system-security-plan` (JSON), version 1.1.2 or 1.0.4 (FedRAMP's templates),
 * following FedRAMP's rules (documents.md 1.3; automate.fedramp.gov "Security Controls"): one
 * implemented-requirement per baseline control, FedRAMP implementation-status and control-origination
 * props, a set-parameter per baseline parameter that has a value, a statement per part, responsible
 * roles that are users. Pure: the same input gives byte-identical JSON (UUIDs are version 5 names).
 *
 * Decisions where FedRAMP and the workspace leave room:
 * - A baseline control without a statement in controls/ still gets its implemented-requirement
 *   (FedRAMP tools count one per baseline control) with no implementation-status prop and a remark
 *   that says so: the gap is visible in the OSCAL, never filled with an invented status or text.
 * - A parameter's value is the statement's, else the value FedRAMP's baseline sets (its constraint,
 *   as the FedRAMP template writes it); a parameter with neither is left out and counted in a warning.
 * - A responsible role that names no system.roles entry (by id or title, or a FedRAMP role such as
 *   "System Owner") becomes a role and a user with an id made from its words, with a warning.
 */
import type { Catalog, CatalogControl } from '../catalogs/index.js';
import type { ControlImplementation, StatementText } from '../model/control-implementation.js';
import { IMPLEMENTATION_STATUS_LABELS } from '../model/control-implementation.js';
import type { OscalContext, OscalObject } from './ssp-oscal-context.js';
import { FEDRAMP_NS, oscalContext, prop } from './ssp-oscal-context.js';
import { oscalControlId } from '../model/oscal-ids.js';
import type { InventoryComponentFacts, InventoryConnectionFacts, Role, SspSystemFacts } from './ssp-oscal-system.js';
import { metadataParties, ROLE_ALIASES, rolePartyUuids, systemCharacteristics } from './ssp-oscal-system.js';
import { components, isOscalComponent, leveragedAuthorizations, users } from './ssp-oscal-implementation.js';

export type { InventoryComponentFacts, InventoryConnectionFacts, SspSystemFacts } from './ssp-oscal-system.js';

export type OscalVersion = '1.1.2' | '1.0.4';
export const OSCAL_VERSIONS: readonly OscalVersion[] = ['1.1.2', '1.0.4'];

export interface SspOscalInput {
  /** fedramp-low|-moderate|-high|-li-saas, or nist-800-53 with catalog.baseline low|moderate|high. */
  framework: string;
  /** The baseline's controls, with their parameter and part ids (getCatalog). */
  catalog: Catalog;
  /** Statements by canonical control id (controlImplementationsOf); `location` is cited in warnings. */
  implementations: ReadonlyMap<string, ControlImplementation & { location?: string }>;
  system: SspSystemFacts;
  /** The inventory's components, in the order written. */
  inventory: readonly InventoryComponentFacts[];
  /** The inventory's connections: the protocols and ports of the components they reach. */
  connections?: readonly InventoryConnectionFacts[];
  /** e.g. "infracast 0.1.0" (provenance.ts toolVersion). */
  tool: string;
  /** The run's instant (ISO 8601 with zone): metadata last-modified. */
  generatedAt: string;
  /** The definition's classification is CUI: metadata marking "Controlled Unclassified Information". */
  cui: boolean;
}

export interface SspOscalResult {
  document: { 'system-security-plan': OscalObject };
  /** The document as written: JSON, two-space indented, one final newline. */
  json: string;
  warnings: string[];
}

const PROFILE_FILES: Readonly<Record<string, string>> = {
  'fedramp-low': 'FedRAMP_rev5_LOW-baseline_profile.json',
  'fedramp-moderate': 'FedRAMP_rev5_MODERATE-baseline_profile.json',
  'fedramp-high': 'FedRAMP_rev5_HIGH-baseline_profile.json',
  'fedramp-li-saas': 'FedRAMP_rev5_LI-SaaS-baseline_profile.json',
};

/** The published profile the SSP implements (import-profile href): FedRAMP's or NIST's, where they publish them. */
export function baselineProfileHref(framework: string, baseline: string): string | undefined {
  const fedramp = PROFILE_FILES[framework];
  if (fedramp) return `https://raw.githubusercontent.com/GSA/fedramp-automation/master/dist/content/rev5/baselines/json/${fedramp}`;
  if (framework === 'nist-800-53' && ['low', 'moderate', 'high'].includes(baseline))
    return `https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_${baseline.toUpperCase()}-baseline_profile.json`;
  return undefined;
}

/** AC-2(4) -> ac-2.4 (OSCAL SP 800-53 control ids). */
export { oscalControlId };

/**
 * A parameter FedRAMP does not require a value for: one nested in a selection (only the selected
 * value counts) or a release 5.0 parameter that aggregates 5.1's ("FedRAMP does not use aggregated
 * parameters"). A value given for one is still written.
 */
export const optionalParam = (control: CatalogControl, id: string): boolean =>
  (control.choice_params ?? []).includes(id) || (control.aggregate_params ?? []).includes(id);

/** A part key as written (`a`, `d.1`, or the catalog's id `ac-2_smt.a`) -> the statement part id. */
export const statementPartId = (oscalId: string, key: string): string => (key.includes('_') ? key : `${oscalId}_smt.${key}`);

const roleSlug = (words: string): string =>
  words
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'role';

/** Responsible roles as written -> role ids; roles that system.roles lacks are returned to be added. */
function roleResolver(ctx: OscalContext, system: SspSystemFacts) {
  const byWords = new Map<string, string>();
  for (const role of system.roles ?? []) {
    byWords.set(role.id, role.id);
    byWords.set(role.title.toLowerCase(), role.id);
  }
  const extra = new Map<string, Role>();
  return {
    extra,
    resolve(written: string, where: string): string {
      const key = written.trim().toLowerCase();
      const known = byWords.get(written) ?? byWords.get(key) ?? ROLE_ALIASES[key];
      if (known) {
        // A FedRAMP role (system owner, ISSO, AO) is in metadata; FedRAMP wants every responsible role to be a user too.
        if (!(system.roles ?? []).some((r) => r.id === known) && !extra.has(known)) extra.set(known, { id: known, title: written });
        return known;
      }
      const id = roleSlug(written);
      if (!extra.has(id)) {
        extra.set(id, { id, title: written });
        ctx.warn(
          `responsible role "${written}" (${where}) is not in system.roles: the SSP adds role and user "${id}"; declare it in infracast.yaml system.roles`,
        );
      }
      return id;
    },
  };
}

interface Tally {
  noStatement: string[];
  noValue: string[];
  noResponse: string[];
  noRole: string[];
}

function byComponent(ctx: OscalContext, impl: ControlImplementation, componentUuid: string, name: string, description: string): OscalObject {
  return {
    'component-uuid': componentUuid,
    uuid: ctx.uuid(`by-component/${impl.control}/${name}`),
    description,
    ...(impl.status ? { 'implementation-status': { state: impl.status } } : {}),
  };
}

function implementedRequirement(
  ctx: OscalContext,
  control: CatalogControl,
  impl: (ControlImplementation & { location?: string }) | undefined,
  known: {
    components: ReadonlyMap<string, InventoryComponentFacts>;
    leveraged: ReadonlySet<string>;
    /** Leveraged authorizations without the date OSCAL requires -> the controls inheriting from them. */
    undated: ReadonlyMap<string, string[]>;
    parties: ReadonlyMap<string, string>;
  },
  roles: ReturnType<typeof roleResolver>,
  tally: Tally,
): OscalObject {
  const oscalId = oscalControlId(control.id);
  const base = { uuid: ctx.uuid(`implemented-requirement/${control.id}`), 'control-id': oscalId };
  if (!impl) {
    tally.noStatement.push(control.id);
    return { ...base, remarks: `No implementation statement: controls/ has none for ${control.id} (infracast ssp scaffold writes a stub).` };
  }
  const where = impl.location ?? `controls/ ${control.id}`;
  const props: OscalObject[] = [];
  if (ctx.fedramp) {
    if (impl.plannedCompletionDate) props.push(prop('planned-completion-date', impl.plannedCompletionDate, FEDRAMP_NS));
    if (impl.status) {
      const remarks = impl.status === 'implemented' ? undefined : (impl.remarks ?? IMPLEMENTATION_STATUS_LABELS[impl.status]);
      props.push({ ...prop('implementation-status', impl.status, FEDRAMP_NS), ...(remarks ? { remarks } : {}) });
    }
    for (const origination of impl.origination) props.push(prop('control-origination', origination, FEDRAMP_NS));
    if (/^[a-z]{2}-1$/.test(oscalId) && impl.origination.some((o) => o !== 'sp-corporate' && o !== 'sp-system'))
      ctx.warn(`${where}: ${control.id} is a "-1" control (policy and procedures): FedRAMP allows only sp-corporate and sp-system as its origination`);
    if (impl.inheritedFrom) {
      if (known.leveraged.has(impl.inheritedFrom)) props.push(prop('leveraged-authorization-uuid', ctx.leveragedUuid(impl.inheritedFrom), FEDRAMP_NS));
      else if (known.undated.has(impl.inheritedFrom)) known.undated.get(impl.inheritedFrom)!.push(control.id);
      else ctx.warn(`${where}: inherited_from "${impl.inheritedFrom}" is not a leveraged authorization of system.leveraged_authorizations`);
    }
  }
  if (!impl.status) ctx.warn(`${where}: ${control.id} states no status`);

  // Parameters: the statement's value, else FedRAMP's; in catalog order.
  const params = control.param_ids ?? [];
  for (const id of Object.keys(impl.parameters))
    if (!params.includes(id))
      ctx.warn(`${where}: ${control.id} has no parameter ${id} in ${ctx.fedramp ? 'the FedRAMP baseline' : 'the baseline'}; its value is left out`);
  const setParameters = params.flatMap((id) => {
    const value = impl.parameters[id] ?? control.parameters?.[id];
    if (value !== undefined && value.trim() !== '') return [{ 'param-id': id, values: [value] }];
    if (!optionalParam(control, id)) tally.noValue.push(`${control.id} ${id}`);
    return [];
  });

  const responsible = [...new Set(impl.responsibleRoles.map((r) => roles.resolve(r, where)))];
  if (responsible.length === 0 && impl.status !== 'not-applicable') tally.noRole.push(control.id);

  // Statements: the system's text on this-system, each component's on its component; in part order.
  const parts = control.part_ids ?? [];
  const statements = new Map<string, OscalObject[]>();
  const add = (partId: string, entry: OscalObject): void => {
    if (!statements.has(partId)) statements.set(partId, []);
    statements.get(partId)!.push(entry);
  };
  const addText = (text: StatementText, componentUuid: string, name: string): void => {
    if (text.statement !== undefined) {
      const partId = `${oscalId}_smt`;
      add(partId, byComponent(ctx, impl, componentUuid, `${name}/${partId}`, text.statement));
    }
    for (const [key, description] of Object.entries(text.parts)) {
      const partId = statementPartId(oscalId, key);
      if (!parts.includes(partId)) {
        ctx.warn(`${where}: ${control.id} has no part ${key} (${partId}); its text is left out (parts: ${parts.join(', ')})`);
        continue;
      }
      add(partId, byComponent(ctx, impl, componentUuid, `${name}/${partId}`, description));
    }
  };
  addText(impl, ctx.thisSystem, 'this-system');
  const unattributed: string[] = [];
  for (const [componentId, text] of Object.entries(impl.byComponent)) {
    const component = known.components.get(componentId);
    if (!component || !isOscalComponent(component)) {
      ctx.warn(`${where}: ${control.id} by_component names "${componentId}", which is not a component of the inventory; its text is left out`);
      continue;
    }
    addText(text, ctx.componentUuid(componentId), `component/${componentId}`);
  }
  // Components named without text of their own: attached to the control as a whole.
  const controlComponents: OscalObject[] = [];
  for (const componentId of impl.components) {
    if (componentId in impl.byComponent) continue;
    const component = known.components.get(componentId);
    if (!component || !isOscalComponent(component)) {
      unattributed.push(componentId);
      continue;
    }
    controlComponents.push(byComponent(ctx, impl, ctx.componentUuid(componentId), `control/${componentId}`, componentListing(component.name, control.id)));
  }
  if (unattributed.length)
    ctx.warn(`${where}: ${control.id} components ${unattributed.join(', ')} are not components of the inventory (users are not components)`);

  const points = control.response_points ?? [];
  if (impl.status !== 'not-applicable') for (const point of points) if (!statements.has(point)) tally.noResponse.push(point);

  const ordered = [...statements.keys()].sort((a, b) => parts.indexOf(a) - parts.indexOf(b));
  return {
    ...base,
    ...(props.length ? { props } : {}),
    ...(setParameters.length ? { 'set-parameters': setParameters } : {}),
    ...(responsible.length
      ? { 'responsible-roles': responsible.map((id) => ({ 'role-id': id, ...(known.parties.has(id) ? { 'party-uuids': [known.parties.get(id)!] } : {}) })) }
      : {}),
    ...(ordered.length
      ? {
          statements: ordered.map((partId) => ({
            'statement-id': partId,
            uuid: ctx.uuid(`statement/${control.id}/${partId}`),
            'by-components': statements.get(partId)!,
          })),
        }
      : {}),
    ...(controlComponents.length ? { 'by-components': controlComponents } : {}),
    // FedRAMP: the remarks of a status other than implemented are the status prop's (above).
    ...(impl.remarks && (!ctx.fedramp || !impl.status || impl.status === 'implemented') ? { remarks: impl.remarks } : {}),
  };
}

/**
 * The description of a component a statement lists (`components:`) without text of its own (OSCAL
 * requires one): a reader that meets exactly this text reads the component back as listed only.
 */
export const componentListing = (componentName: string, controlId: string): string =>
  `${componentName} is one of the components that implement ${controlId}; the statement is given for the system as a whole.`;

const listed = (items: string[], limit = 12): string => `${items.slice(0, limit).join(', ')}${items.length > limit ? ` and ${items.length - limit} more` : ''}`;

/** The OSCAL SSP of a baseline. Throws nothing for missing facts: they are gaps and warnings. */
export function sspToOscal(input: SspOscalInput, options: { oscalVersion: OscalVersion }): SspOscalResult {
  const { catalog, system } = input;
  const href = baselineProfileHref(input.framework, catalog.baseline);
  if (!href) throw new Error(`sspToOscal: no published OSCAL baseline profile for ${input.framework} (${catalog.baseline})`);
  const ctx = oscalContext(input.framework, system.id ?? system.name);
  const roles = roleResolver(ctx, system);
  const tally: Tally = { noStatement: [], noValue: [], noResponse: [], noRole: [] };
  const known = {
    components: new Map(input.inventory.map((c) => [c.id, c])),
    leveraged: new Set((system.leveraged_authorizations ?? []).filter((la) => la.date_authorized).map((la) => la.id)),
    undated: new Map((system.leveraged_authorizations ?? []).filter((la) => !la.date_authorized).map((la) => [la.id, [] as string[]])),
    parties: rolePartyUuids(ctx, system),
  };
  for (const [id] of input.implementations)
    if (!catalog.controls.some((c) => c.id === id))
      ctx.warn(`controls/ has a statement for ${id}, which is not in the ${catalog.name} baseline: it is not in the OSCAL SSP`);

  // Control implementation first: it finds the roles that system-implementation must list as users.
  const requirements = catalog.controls.map((control) => implementedRequirement(ctx, control, input.implementations.get(control.id), known, roles, tally));
  const total = catalog.controls.length;
  if (tally.noStatement.length)
    ctx.warn(
      `${tally.noStatement.length} of ${total} baseline controls have no statement in controls/ (no implementation status in the OSCAL SSP): ${listed(tally.noStatement)}`,
    );
  if (tally.noValue.length)
    ctx.warn(`${tally.noValue.length} baseline parameters of stated controls have no value (no set-parameter): ${listed(tally.noValue)}`);
  if (ctx.fedramp && tally.noResponse.length)
    ctx.warn(`${tally.noResponse.length} FedRAMP response points of stated controls have no statement: ${listed(tally.noResponse)}`);
  for (const [id, inheriting] of known.undated)
    if (inheriting.length)
      ctx.warn(
        `${inheriting.length} inherited controls name leveraged authorization "${id}", which has no date_authorized: they have no leveraged-authorization-uuid (${listed(inheriting)})`,
      );
  if (tally.noRole.length) ctx.warn(`${tally.noRole.length} stated controls name no responsible role: ${listed(tally.noRole)}`);

  const extraRoles = [...roles.extra.values()];
  const metadata = {
    title: system.ssp?.title ?? `${system.name} System Security Plan`,
    'last-modified': input.generatedAt,
    version: system.ssp?.version ?? 'draft',
    'oscal-version': options.oscalVersion,
    ...(input.cui ? { props: [prop('marking', 'Controlled Unclassified Information')] } : {}),
    ...metadataParties(ctx, system, extraRoles),
    remarks: `Generated by ${input.tool} from the workspace's infracast.yaml, inventory and controls/.`,
  };
  if (!system.ssp?.version) ctx.warn('system.ssp.version is not stated: the SSP version is "draft"; add it to infracast.yaml');
  const leveraged = leveragedAuthorizations(ctx, system);
  const ssp = {
    uuid: ctx.uuid(`document/${metadata.version}/${input.generatedAt}`),
    metadata,
    'import-profile': { href },
    'system-characteristics': systemCharacteristics(ctx, system),
    'system-implementation': {
      ...(leveraged.length ? { 'leveraged-authorizations': leveraged } : {}),
      users: users(ctx, system, extraRoles),
      components: components(ctx, system, input.inventory, input.connections ?? []),
    },
    'control-implementation': {
      description: `How ${system.name} implements the ${catalog.name} baseline${catalog.baseline !== 'none' ? ` (${catalog.baseline})` : ''}: one implemented requirement per baseline control, from the statements in controls/.`,
      'implemented-requirements': requirements,
    },
  };
  const document = { 'system-security-plan': ssp };
  return { document, json: `${JSON.stringify(document, null, 2)}\n`, warnings: ctx.warnings };
}
