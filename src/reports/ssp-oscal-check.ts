/**
 * FedRAMP's rules for an OSCAL SSP (documents.md 1.3; automate.fedramp.gov "Security Controls")
 * that a JSON schema cannot check, over any OSCAL SSP (ours, or one read from elsewhere) and the
 * baseline's catalog. Pure; each problem is one sentence naming the control and the id.
 */
import type { CatalogControl } from '../catalogs/index.js';
import { IMPLEMENTATION_STATUSES, ORIGINATIONS } from '../model/control-implementation.js';
import { FEDRAMP_NS } from './ssp-oscal-context.js';
import { optionalParam, oscalControlId } from './ssp-oscal.js';

type Json = Record<string, unknown>;
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const obj = (value: unknown): Json => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const fedrampProps = (node: Json, name: string): string[] =>
  list(node.props)
    .filter((p) => p.name === name && p.ns === FEDRAMP_NS)
    .map((p) => String(p.value));

export interface SspCheckOptions {
  /** Also require a set-parameter for every baseline parameter (but optionalParam's) and a statement per response point. */
  complete?: boolean;
}

/** Every rule broken, in document order; empty when the SSP keeps them all. */
export function oscalSspProblems(document: Json, controls: readonly CatalogControl[], options: SspCheckOptions = {}): string[] {
  const problems: string[] = [];
  const ssp = obj(document['system-security-plan']);
  const implementation = obj(ssp['system-implementation']);
  const userRoles = new Set(list(implementation.users).flatMap((u) => list(u['role-ids']).map(String)));
  const metadataRoles = new Set(list(obj(ssp.metadata).roles).map((r) => String(r.id)));
  const componentUuids = new Set(list(implementation.components).map((c) => String(c.uuid)));
  const leveraged = new Set(list(implementation['leveraged-authorizations']).map((l) => String(l.uuid)));
  const byOscalId = new Map(controls.map((c) => [oscalControlId(c.id), c]));

  // Every UUID is unique in the document.
  const seen = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const uuid = (node as Json).uuid;
      if (typeof uuid === 'string') {
        if (seen.has(uuid)) problems.push(`uuid ${uuid} is used twice`);
        seen.add(uuid);
      }
      Object.values(node).forEach(walk);
    }
  };
  walk(ssp);

  const checkRoles = (node: Json, where: string): void => {
    for (const role of list(node['responsible-roles']).map((r) => String(r['role-id']))) {
      if (!userRoles.has(role)) problems.push(`${where}: responsible role ${role} is no user's role (system-implementation users)`);
      if (!metadataRoles.has(role)) problems.push(`${where}: responsible role ${role} is not a metadata role`);
    }
  };

  const requirements = list(obj(ssp['control-implementation'])['implemented-requirements']);
  const counted = new Map<string, number>();
  for (const requirement of requirements) {
    const id = String(requirement['control-id']);
    counted.set(id, (counted.get(id) ?? 0) + 1);
    const control = byOscalId.get(id);
    if (!control) {
      problems.push(`${id}: an implemented-requirement for a control that is not in the baseline`);
      continue;
    }
    checkRoles(requirement, id);
    const params = control.param_ids ?? [];
    const set = list(requirement['set-parameters']).map((p) => String(p['param-id']));
    for (const param of set) if (!params.includes(param)) problems.push(`${id}: set-parameter ${param} is not a parameter of ${control.id}`);
    const parts = control.part_ids ?? [];
    const statements = list(requirement.statements);
    for (const statement of statements) {
      const statementId = String(statement['statement-id']);
      if (!parts.includes(statementId)) problems.push(`${id}: statement ${statementId} is not a part of ${control.id}`);
      for (const by of list(statement['by-components'])) {
        if (!componentUuids.has(String(by['component-uuid'])))
          problems.push(`${id} ${statementId}: by-component names no component (${String(by['component-uuid'])})`);
        checkRoles(by, `${id} ${statementId}`);
        for (const param of list(by['set-parameters']).map((p) => String(p['param-id'])))
          if (!params.includes(param)) problems.push(`${id} ${statementId}: set-parameter ${param} is not a parameter of ${control.id}`);
      }
    }
    for (const by of list(requirement['by-components']))
      if (!componentUuids.has(String(by['component-uuid']))) problems.push(`${id}: by-component names no component (${String(by['component-uuid'])})`);

    const statuses = fedrampProps(requirement, 'implementation-status');
    for (const status of statuses)
      if (!(IMPLEMENTATION_STATUSES as readonly string[]).includes(status)) problems.push(`${id}: implementation-status ${status} is not a FedRAMP value`);
    const exclusive = statuses.filter((s) => s !== 'partial' && s !== 'planned');
    if (statuses.length > 1 && exclusive.length > 0)
      problems.push(`${id}: implementation-status ${statuses.join(' and ')}: only partial and planned may go together`);
    if (statuses.includes('planned') && fedrampProps(requirement, 'planned-completion-date').length === 0)
      problems.push(`${id}: planned without a planned-completion-date`);
    const originations = fedrampProps(requirement, 'control-origination');
    for (const origination of originations)
      if (!(ORIGINATIONS as readonly string[]).includes(origination)) problems.push(`${id}: control-origination ${origination} is not a FedRAMP value`);
    // The "-1" controls (policy and procedures) offer only the service provider's originations (Appendix A).
    if (/^[a-z]{2}-1$/.test(id))
      for (const origination of originations)
        if (origination !== 'sp-corporate' && origination !== 'sp-system')
          problems.push(`${id}: control-origination ${origination}: a "-1" control is sp-corporate or sp-system`);
    if (originations.includes('inherited')) {
      const refs = fedrampProps(requirement, 'leveraged-authorization-uuid');
      if (refs.length === 0) problems.push(`${id}: inherited without a leveraged-authorization-uuid`);
      for (const ref of refs) if (!leveraged.has(ref)) problems.push(`${id}: leveraged-authorization-uuid ${ref} names no leveraged authorization`);
    }
    const applicable = !statuses.includes('not-applicable');
    if (statuses.length > 0 && applicable && list(requirement['responsible-roles']).length === 0) problems.push(`${id}: no responsible role`);

    if (options.complete) {
      if (statuses.length === 0) problems.push(`${id}: no implementation-status`);
      for (const param of params) if (!set.includes(param) && !optionalParam(control, param)) problems.push(`${id}: no set-parameter for ${param}`);
      const answered = new Set(statements.map((s) => String(s['statement-id'])));
      if (applicable)
        for (const point of control.response_points ?? []) if (!answered.has(point)) problems.push(`${id}: no statement for response point ${point}`);
    }
  }
  for (const control of controls) {
    const n = counted.get(oscalControlId(control.id)) ?? 0;
    if (n !== 1) problems.push(`${control.id}: ${n} implemented-requirements (FedRAMP wants exactly one per baseline control)`);
  }
  return problems;
}
