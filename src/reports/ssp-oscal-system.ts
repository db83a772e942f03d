/**
 * The OSCAL SSP's system facts (documents.md 1.3; FedRAMP SSP OSCAL template): metadata roles and
 * parties, and system-characteristics, from infracast.yaml's `system:` (system-implementation:
 * ssp-oscal-implementation.ts). A fact the workspace does
 * not state is written as a visible gap (the text says what to add where) and a warning, never left
 * out where OSCAL or FedRAMP require it, and never invented.
 */
import type { ImpactLevel } from '../model/definitions.js';
import type { OscalContext, OscalObject } from './ssp-oscal-context.js';
import { FEDRAMP_NS, gap, prop } from './ssp-oscal-context.js';

type Level = ImpactLevel;
export interface PersonFacts {
  name: string;
  email?: string;
  role?: string;
  organization?: string;
  phone?: string;
  /** Postal address, one string (written as one address line). */
  address?: string;
}
type ImpactFact = Level | { recommended?: Level; selected: Level; justification?: string };

/** infracast.yaml `system:` as written (schemas/config.schema.json), the facts the OSCAL SSP reads. */
export interface SspSystemFacts {
  name: string;
  id?: string;
  abbreviation?: string;
  description?: string;
  csp_name?: string;
  fips199: Level | { confidentiality: Level; integrity: Level; availability: Level };
  service_model?: string;
  deployment_model?: string;
  authorization_boundary?: string;
  status?: string;
  fully_operational_date?: string;
  authorization_path?: 'jab' | 'agency' | 'li-saas';
  digital_identity_level?: 1 | 2 | 3;
  owner?: PersonFacts;
  isso?: PersonFacts;
  authorizing_official?: PersonFacts;
  ssp?: { title?: string; version: string; date: string };
  leveraged_authorizations?: {
    id: string;
    name: string;
    service?: string;
    authorization_type: 'jab' | 'agency';
    package_id?: string;
    date_authorized?: string;
    impact_level?: string;
    nature_of_agreement?: string;
    data_types?: string;
    authorized_users?: string;
  }[];
  cryptographic_modules?: {
    name: string;
    vendor?: string;
    validation?: 'fips-140-2' | 'fips-140-3' | 'none';
    certificate?: string;
    usage: ('data-at-rest' | 'data-in-transit')[];
    components?: string[];
    description?: string;
  }[];
  information_types?: {
    id?: string;
    title: string;
    description?: string;
    confidentiality: ImpactFact;
    integrity: ImpactFact;
    availability: ImpactFact;
  }[];
  roles?: {
    id: string;
    title: string;
    description?: string;
    internal?: boolean;
    privilege?: string;
    sensitivity?: string;
    authorized_privileges?: string;
    functions?: string[];
    mfa?: boolean;
  }[];
}

/** An inventory component as written (schemas/inventory.schema.json). */
export interface InventoryComponentFacts {
  id: string;
  name: string;
  type: string;
  boundary?: string;
  description?: string;
}

/** An inventory connection as written: the SSP's ports and protocols (FedRAMP SSP 9.1). */
export interface InventoryConnectionFacts {
  from: string;
  to: string;
  protocol?: string;
  port?: number;
  transport?: 'tcp' | 'udp';
}

const LEVELS: readonly Level[] = ['low', 'moderate', 'high'];
const fips = (level: Level): string => `fips-199-${level}`;
const highest = (levels: Level[]): Level => LEVELS[Math.max(...levels.map((l) => LEVELS.indexOf(l)))] ?? 'high';

export const overallLevel = (system: SspSystemFacts): Level =>
  typeof system.fips199 === 'string' ? system.fips199 : highest([system.fips199.confidentiality, system.fips199.integrity, system.fips199.availability]);

/** Well-known responsibilities the SSP names by FedRAMP's role ids (the template's metadata roles). */
const PERSON_ROLES = [
  ['owner', 'system-owner', 'Information System Owner'],
  ['isso', 'information-system-security-officer', 'Information System Security Officer'],
  ['authorizing_official', 'authorizing-official', 'Authorizing Official'],
] as const;

/** Statement words for those roles: `responsible_roles: [System Owner, ISSO]` name them. */
export const ROLE_ALIASES: Readonly<Record<string, string>> = {
  'system owner': 'system-owner',
  'information system owner': 'system-owner',
  isso: 'information-system-security-officer',
  'information system security officer': 'information-system-security-officer',
  'authorizing official': 'authorizing-official',
};

export interface Role {
  id: string;
  title: string;
  description?: string;
}

/** metadata: roles, parties and responsible-parties (the CSP, system owner, ISSO, authorizing official). */
/** The party of each FedRAMP role the workspace names a person (or the CSP) for: responsible-roles cite them. */
export function rolePartyUuids(ctx: OscalContext, system: SspSystemFacts): Map<string, string> {
  const parties = new Map<string, string>();
  if (system.csp_name) parties.set('cloud-service-provider', ctx.uuid('party/csp'));
  for (const [key, roleId] of PERSON_ROLES) if (system[key]) parties.set(roleId, ctx.uuid(`party/${key}`));
  return parties;
}

export function metadataParties(ctx: OscalContext, system: SspSystemFacts, extraRoles: readonly Role[]): OscalObject {
  const roles = new Map<string, Role>();
  const parties: OscalObject[] = [];
  const responsible: OscalObject[] = [];
  const addRole = (role: Role): void => {
    if (!roles.has(role.id)) roles.set(role.id, role);
  };
  if (system.csp_name) {
    const uuid = ctx.uuid('party/csp');
    parties.push({ uuid, type: 'organization', name: system.csp_name });
    addRole({ id: 'cloud-service-provider', title: 'Cloud Service Provider' });
    addRole({ id: 'prepared-by', title: 'Prepared By' });
    responsible.push({ 'role-id': 'cloud-service-provider', 'party-uuids': [uuid] }, { 'role-id': 'prepared-by', 'party-uuids': [uuid] });
  } else {
    ctx.warn('system.csp_name is not stated: the SSP names no cloud service provider (prepared-by); add it to infracast.yaml');
  }
  for (const [key, roleId, title] of PERSON_ROLES) {
    const person = system[key];
    addRole({ id: roleId, title });
    if (!person) {
      ctx.warn(`system.${key} is not stated: the SSP's ${title} is a gap; add it to infracast.yaml`);
      continue;
    }
    const uuid = ctx.uuid(`party/${key}`);
    parties.push({
      uuid,
      type: 'person',
      name: person.name,
      ...(person.role ? { props: [prop('job-title', person.role)] } : {}),
      ...(person.email ? { 'email-addresses': [person.email] } : {}),
      ...(person.phone ? { 'telephone-numbers': [{ number: person.phone }] } : {}),
      ...(person.address ? { addresses: [{ 'addr-lines': [person.address] }] } : {}),
      ...(person.organization ? { remarks: person.organization } : {}),
    });
    responsible.push({ 'role-id': roleId, 'party-uuids': [uuid] });
  }
  for (const la of system.leveraged_authorizations ?? []) parties.push({ uuid: ctx.uuid(`party/leveraged/${la.id}`), type: 'organization', name: la.name });
  for (const role of system.roles ?? []) addRole({ id: role.id, title: role.title, ...(role.description ? { description: role.description } : {}) });
  for (const role of extraRoles) addRole(role);
  return {
    roles: [...roles.values()],
    ...(parties.length ? { parties } : {}),
    ...(responsible.length ? { 'responsible-parties': responsible } : {}),
  };
}

const SERVICE_MODELS: Readonly<Record<string, string>> = { IaaS: 'iaas', PaaS: 'paas', SaaS: 'saas' };
const DEPLOYMENT_MODELS: Readonly<Record<string, string>> = {
  public: 'public-cloud',
  private: 'private-cloud',
  government: 'government-only-cloud',
  hybrid: 'hybrid-cloud',
};
export const AUTHORIZATION_TYPES: Readonly<Record<string, string>> = { jab: 'fedramp-jab', agency: 'fedramp-agency', 'li-saas': 'fedramp-li-saas' };
const SYSTEM_STATES = ['operational', 'under-development', 'under-major-modification', 'disposition', 'other'];

function impact(ctx: OscalContext, fact: ImpactFact, what: string): OscalObject {
  if (typeof fact === 'string') return { base: fips(fact), selected: fips(fact) };
  const base = fact.recommended ?? fact.selected;
  if (base !== fact.selected && !fact.justification) ctx.warn(`${what}: the selected level differs from the recommended one without a justification`);
  return {
    base: fips(base),
    selected: fips(fact.selected),
    ...(fact.justification ? { 'adjustment-justification': fact.justification } : {}),
  };
}

export function systemCharacteristics(ctx: OscalContext, system: SspSystemFacts): OscalObject {
  const props: OscalObject[] = [];
  if (system.service_model) {
    const value = SERVICE_MODELS[system.service_model];
    props.push(value ? prop('cloud-service-model', value) : { ...prop('cloud-service-model', 'other'), remarks: system.service_model });
  } else ctx.warn('system.service_model is not stated (FedRAMP SSP Table 3.1); add it to infracast.yaml');
  if (system.deployment_model) {
    const value = DEPLOYMENT_MODELS[system.deployment_model];
    props.push(value ? prop('cloud-deployment-model', value) : { ...prop('cloud-deployment-model', 'other'), remarks: system.deployment_model });
  } else ctx.warn('system.deployment_model is not stated (FedRAMP SSP Table 3.1); add it to infracast.yaml');
  if (system.digital_identity_level !== undefined) {
    const level = String(system.digital_identity_level);
    props.push(prop('identity-assurance-level', level), prop('authenticator-assurance-level', level), prop('federation-assurance-level', level));
  } else if (ctx.fedramp) ctx.warn('system.digital_identity_level is not stated (FedRAMP SSP Table 3.1, Appendix E); add it to infracast.yaml');
  if (ctx.fedramp) {
    if (system.fully_operational_date) props.push(prop('fully-operational-date', system.fully_operational_date, FEDRAMP_NS));
    if (system.authorization_path) props.push(prop('authorization-type', AUTHORIZATION_TYPES[system.authorization_path]!, FEDRAMP_NS));
    else ctx.warn('system.authorization_path is not stated (FedRAMP SSP Table 3.1); add it to infracast.yaml');
  }
  const level = overallLevel(system);
  const objectives = typeof system.fips199 === 'string' ? { confidentiality: level, integrity: level, availability: level } : system.fips199;
  const types = system.information_types ?? [];
  if (types.length === 0)
    ctx.warn('system.information_types is empty: OSCAL needs at least one information type (FedRAMP SSP Appendix K); add them to infracast.yaml');
  const informationTypes = types.length
    ? types.map((t, i) => ({
        uuid: ctx.uuid(`information-type/${t.id ?? i}/${t.title}`),
        title: t.title,
        description: t.description ?? gap(`the description of information type "${t.title}"`, 'system.information_types'),
        ...(t.id ? { categorizations: [{ system: 'https://doi.org/10.6028/NIST.SP.800-60v2r1', 'information-type-ids': [t.id] }] } : {}),
        'confidentiality-impact': impact(ctx, t.confidentiality, `information type "${t.title}" confidentiality`),
        'integrity-impact': impact(ctx, t.integrity, `information type "${t.title}" integrity`),
        'availability-impact': impact(ctx, t.availability, `information type "${t.title}" availability`),
      }))
    : [
        {
          uuid: ctx.uuid('information-type/not-stated'),
          title: 'Not stated',
          description: gap('the information types the system processes', 'system.information_types'),
          'confidentiality-impact': { base: fips(objectives.confidentiality), selected: fips(objectives.confidentiality) },
          'integrity-impact': { base: fips(objectives.integrity), selected: fips(objectives.integrity) },
          'availability-impact': { base: fips(objectives.availability), selected: fips(objectives.availability) },
        },
      ];
  let status: OscalObject;
  if (system.status && SYSTEM_STATES.includes(system.status)) status = { state: system.status };
  else {
    ctx.warn('system.status is not stated: the SSP says "other"; add it to infracast.yaml (operational, under-development...)');
    status = { state: 'other', remarks: gap("the system's operational status", 'system.status') };
  }
  if (!system.description) ctx.warn('system.description is not stated (FedRAMP SSP Table 3.1 General System Description); add it to infracast.yaml');
  if (!system.authorization_boundary) ctx.warn('system.authorization_boundary is not stated; add it to infracast.yaml');
  const systemId = system.id
    ? { ...(ctx.fedramp ? { 'identifier-type': 'https://fedramp.gov' } : {}), id: system.id }
    : { 'identifier-type': 'https://ietf.org/rfc/rfc4122', id: ctx.uuid('system') };
  if (!system.id && ctx.fedramp)
    ctx.warn('system.id (the FedRAMP package id) is not stated: the SSP identifies the system by a UUID; add it to infracast.yaml');
  return {
    'system-ids': [systemId],
    'system-name': system.name,
    ...(system.abbreviation ? { 'system-name-short': system.abbreviation } : {}),
    description: system.description ?? gap('the general system description', 'system.description'),
    ...(props.length ? { props } : {}),
    'security-sensitivity-level': fips(level),
    'system-information': { 'information-types': informationTypes },
    'security-impact-level': {
      'security-objective-confidentiality': fips(objectives.confidentiality),
      'security-objective-integrity': fips(objectives.integrity),
      'security-objective-availability': fips(objectives.availability),
    },
    status,
    'authorization-boundary': { description: system.authorization_boundary ?? gap('the authorization boundary', 'system.authorization_boundary') },
  };
}
