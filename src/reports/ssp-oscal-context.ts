/**
 * What the parts of the OSCAL SSP writer share: deterministic UUIDs (version 5 names under one
 * namespace per system and framework, so the same inputs give the same document and an edit keeps
 * every other UUID), the warnings, and the small OSCAL value helpers.
 */
import { URL_NAMESPACE, uuidV5 } from '../model/uuid-v5.js';

export type OscalObject = Record<string, unknown>;

export { FEDRAMP_NS } from '../model/oscal-ids.js';

export interface OscalContext {
  /** FedRAMP baselines: FedRAMP props (namespace FEDRAMP_NS) and FedRAMP's rules apply. */
  fedramp: boolean;
  uuid(name: string): string;
  thisSystem: string;
  componentUuid(inventoryId: string): string;
  leveragedUuid(leveragedId: string): string;
  warn(message: string): void;
  warnings: string[];
}

export function oscalContext(framework: string, systemKey: string): OscalContext {
  const namespace = uuidV5(URL_NAMESPACE, `urn:infracast:ssp:${framework}:${systemKey}`);
  const uuid = (name: string): string => uuidV5(namespace, name);
  const warnings: string[] = [];
  return {
    fedramp: framework.startsWith('fedramp-'),
    uuid,
    thisSystem: uuid('component/this-system'),
    componentUuid: (id) => uuid(`component/inventory/${id}`),
    leveragedUuid: (id) => uuid(`leveraged-authorization/${id}`),
    warn: (message) => {
      if (!warnings.includes(message)) warnings.push(message);
    },
    warnings,
  };
}

/** A prop; OSCAL prop values are tokens of non-blank text without leading or trailing space. */
export function prop(name: string, value: string, ns?: string): OscalObject {
  return { name, ...(ns ? { ns } : {}), value: value.replace(/\s+/g, ' ').trim() };
}

/** The text of a fact the workspace does not state: says what is missing and where to add it. */
export const gap = (what: string, field: string): string => `[Not stated: ${what}. Add ${field} to infracast.yaml.]`;
