/**
 * The OSCAL SSP's system-implementation (documents.md 1.3; FedRAMP SSP OSCAL template): users, one
 * per role; leveraged authorizations; components: "this-system", the inventory's (with the protocols
 * and ports of the connections to them) and the cryptographic modules as validations.
 */
import type { OscalContext, OscalObject } from './ssp-oscal-context.js';
import { FEDRAMP_NS, gap, prop } from './ssp-oscal-context.js';
import type { InventoryComponentFacts, InventoryConnectionFacts, Role, SspSystemFacts } from './ssp-oscal-system.js';
import { AUTHORIZATION_TYPES } from './ssp-oscal-system.js';

/** OSCAL component types for the inventory's (FedRAMP's component-type values, and core `network`). */
const COMPONENT_TYPES: Readonly<Record<string, string>> = {
  external: 'interconnection',
  network: 'network',
  'load-balancer': 'network',
  compute: 'hardware',
};

/** The inventory components that are OSCAL components: users are people (OSCAL users), not components. */
export const isOscalComponent = (component: InventoryComponentFacts): boolean => component.type !== 'user';

/** The protocols a component serves: the connections to it, one per protocol and port (FedRAMP SSP 9.1). */
function protocolsOf(ctx: OscalContext, componentId: string, connections: readonly InventoryConnectionFacts[]): OscalObject[] {
  const served = new Map<string, InventoryConnectionFacts>();
  for (const c of connections) if (c.to === componentId && c.protocol) served.set(`${c.protocol}\u0000${c.port ?? ''}\u0000${c.transport ?? ''}`, c);
  return [...served.values()].map((c) => ({
    uuid: ctx.uuid(`protocol/${componentId}/${c.protocol!}/${c.port ?? ''}${c.transport ? `/${c.transport}` : ''}`),
    name: c.protocol!.trim(),
    ...(c.port !== undefined ? { 'port-ranges': [{ start: c.port, end: c.port, ...(c.transport ? { transport: c.transport.toUpperCase() } : {}) }] } : {}),
  }));
}

export function components(
  ctx: OscalContext,
  system: SspSystemFacts,
  inventory: readonly InventoryComponentFacts[],
  connections: readonly InventoryConnectionFacts[],
): OscalObject[] {
  const operational = { state: 'operational' };
  const thisSystem = {
    uuid: ctx.thisSystem,
    type: 'this-system',
    title: system.name,
    description: system.description ?? gap('the general system description', 'system.description'),
    status: operational,
  };
  const fromInventory = inventory.filter(isOscalComponent).map((c) => {
    const protocols = protocolsOf(ctx, c.id, connections);
    return {
      uuid: ctx.componentUuid(c.id),
      type: COMPONENT_TYPES[c.type] ?? 'service',
      title: c.name,
      description: c.description ?? `${c.name}: inventory component ${c.id} (${c.type}).`,
      status: operational,
      ...(protocols.length ? { protocols } : {}),
    };
  });
  const crypto = (system.cryptographic_modules ?? []).map((m) => {
    const validated = m.validation && m.validation !== 'none';
    if (!validated) ctx.warn(`cryptographic module "${m.name}" has no FIPS 140 validation stated (system.cryptographic_modules)`);
    return {
      uuid: ctx.uuid(`component/cryptographic-module/${m.name}`),
      type: 'validation',
      title: m.name,
      description: m.description ?? `Cryptographic module ${m.name}${m.vendor ? ` (${m.vendor})` : ''}, used for ${m.usage.join(' and ').replace(/-/g, ' ')}.`,
      ...nonEmpty('props', [
        ...fedrampProp(ctx, 'asset-type', 'cryptographic-module'),
        ...(m.vendor ? fedrampProp(ctx, 'vendor-name', m.vendor) : []),
        ...m.usage.flatMap((u) => fedrampProp(ctx, 'cryptographic-module-usage', u)),
        ...(validated ? [prop('validation-type', m.validation!)] : []),
        ...(validated && m.certificate ? [prop('validation-reference', m.certificate)] : []),
      ]),
      ...(validated && m.certificate
        ? {
            links: [{ href: `https://csrc.nist.gov/projects/cryptographic-module-validation-program/certificate/${m.certificate}`, rel: 'validation-details' }],
          }
        : {}),
      status: operational,
    };
  });
  return [thisSystem, ...fromInventory, ...crypto];
}

/** `{ [key]: items }` when there are items: OSCAL arrays have at least one item. */
const nonEmpty = (key: string, items: OscalObject[]): OscalObject => (items.length > 0 ? { [key]: items } : {});

/** A prop in FedRAMP's namespace, in FedRAMP documents only (a NIST SSP carries OSCAL's core props alone). */
function fedrampProp(ctx: OscalContext, name: string, value: string): OscalObject[] {
  return ctx.fedramp ? [prop(name, value, FEDRAMP_NS)] : [];
}

export function leveragedAuthorizations(ctx: OscalContext, system: SspSystemFacts): OscalObject[] {
  const out: OscalObject[] = [];
  for (const la of system.leveraged_authorizations ?? []) {
    if (!la.date_authorized) {
      ctx.warn(`leveraged authorization "${la.id}" has no date_authorized, which OSCAL requires: it is left out of the SSP; add it to infracast.yaml`);
      continue;
    }
    out.push({
      uuid: ctx.leveragedUuid(la.id),
      title: la.service ? `${la.name} (${la.service})` : la.name,
      ...nonEmpty('props', [
        ...(la.package_id ? fedrampProp(ctx, 'leveraged-system-identifier', la.package_id) : []),
        ...fedrampProp(ctx, 'authorization-type', AUTHORIZATION_TYPES[la.authorization_type]!),
        ...(la.impact_level ? fedrampProp(ctx, 'impact-level', la.impact_level) : []),
        ...(la.nature_of_agreement ? fedrampProp(ctx, 'nature-of-agreement', la.nature_of_agreement) : []),
      ]),
      'party-uuid': ctx.uuid(`party/leveraged/${la.id}`),
      'date-authorized': la.date_authorized,
      ...(la.data_types || la.authorized_users
        ? {
            remarks: [la.data_types && `Data types: ${la.data_types}`, la.authorized_users && `Authorized users: ${la.authorized_users}`]
              .filter(Boolean)
              .join('\n\n'),
          }
        : {}),
    });
  }
  return out;
}

/** One user per role: system.roles as written, then the roles statements name that system.roles lacks. */
export function users(ctx: OscalContext, system: SspSystemFacts, extraRoles: readonly Role[]): OscalObject[] {
  const declared = (system.roles ?? []).map((r) => {
    const functions = (r.functions ?? []).filter((f) => f.trim() !== '');
    const props = [
      ...(r.internal !== undefined ? [prop('type', r.internal ? 'internal' : 'external')] : []),
      ...(r.privilege ? [prop('privilege-level', r.privilege)] : []),
      ...(r.sensitivity ? fedrampProp(ctx, 'sensitivity', r.sensitivity) : []),
    ];
    return {
      uuid: ctx.uuid(`user/${r.id}`),
      title: r.title,
      ...(props.length ? { props } : {}),
      'role-ids': [r.id],
      ...(functions.length ? { 'authorized-privileges': [{ title: r.authorized_privileges ?? r.title, 'functions-performed': functions }] } : {}),
      ...(r.description ? { description: r.description } : {}),
    };
  });
  const added = extraRoles.map((r) => ({ uuid: ctx.uuid(`user/${r.id}`), title: r.title, 'role-ids': [r.id] }));
  if (declared.length + added.length > 0) return [...declared, ...added];
  // OSCAL needs at least one user.
  ctx.warn('system.roles is empty and no statement names a responsible role: the SSP lists no users; add system.roles to infracast.yaml');
  return [{ uuid: ctx.uuid('user/not-stated'), title: gap('the users and roles of the system', 'system.roles') }];
}
