/**
 * The built-in catalogs: generated data (src/catalogs/data/*.json, written by
 * scripts/build-catalogs.js from ../shared/fixtures and committed), read lazily, one file per
 * framework, so that start-up reads none of them.
 *
 * Data file shape (CatalogData): facts only (ids, titles, families, baseline membership, part
 * labels, parameter ids and labels, parameter values, points, mappings), never statement prose.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Control } from '../model/control.js';

export interface CatalogData {
  framework: string;
  name: string;
  /** e.g. "SP 800-53 Rev. 5 release 5.0.1 (catalog), 5.1.1 (baselines)". */
  release: string;
  /** Where the facts come from (files of ../shared/fixtures and official citations). */
  sources: string[];
  /** False for lists the team compiled without an official machine-readable source. */
  verified: boolean;
  /** Family (or domain, requirement, category) id -> its title, e.g. AC -> Access Control. */
  families?: Record<string, string>;
  /** fedramp-li-saas: the tailoring actions the workbook uses. */
  designations?: string[];
  /** cmmc-l1/-l2: practices whose name the source CSV split across two columns, repaired by the script. */
  repaired_names?: string[];
  controls: CatalogControl[];
}

export type CatalogControl = Control & {
  /** SP 800-53B baselines the control is in (nist-800-53). */
  baselines?: ('low' | 'moderate' | 'high')[];
  /** Official citation, e.g. "NIST SP 800-171r2 3.1.1", "FAR 52.204-21(b)(1)(i)". */
  citation?: string;
  /** The team's own one-line summary (never the official prose). */
  summary?: string;
  /** What the control maps to: SP 800-171 rev2 ids (FAR, CMMC Level 2) or the FAR id (CMMC Level 1). */
  maps_to?: string[];
  /** SPRS: points when partially met (3.5.3, 3.13.11). */
  partial_points?: number;
  /** SPRS designation (DoD Assessment Methodology). */
  designation?: 'basic' | 'derived';
  /** SP 800-53: the labels of the statement's top-level items (a, b, c...), the parts an SSP answers. */
  parts?: string[];
  /** SP 800-53 baseline controls: the organisation-defined parameters (5.1.1 ids), with the catalog's short label or the selection's cardinality. */
  params?: CatalogParam[];
  /** FedRAMP parameter values, by parameter id. */
  parameters?: Record<string, string>;
  /**
   * SP 800-53 and FedRAMP baseline controls (from the resolved baseline catalogs): every parameter id,
   * in catalog order. What an OSCAL SSP's set-parameters may name.
   */
  param_ids?: string[];
  /** The parameters inserted inside another parameter's choice: FedRAMP needs only the selection's value. */
  choice_params?: string[];
  /** Release 5.0 parameters (ac-1_prm_1) that aggregate release 5.1's (ac-01_odp.01...): FedRAMP sets those instead. */
  aggregate_params?: string[];
  /** The statement part ids (the statement, then its items at any depth): what an OSCAL statement-id may name. */
  part_ids?: string[];
  /** FedRAMP: the statement parts tagged response-point, each needing its own OSCAL statement. */
  response_points?: string[];
  /** FedRAMP LI-SaaS designation. */
  li_saas?: string;
  /** SPRS: the requirement has no point value (3.12.4: without an SSP no assessment). */
  points_na?: boolean;
  /** Withdrawn SP 800-53 controls: where the control went (control ids, or a family id such as SR). */
  withdrawn_into?: string[];
};

export interface CatalogParam {
  id: string;
  label?: string;
  select?: 'one' | 'one-or-more';
}

const cache = new Map<string, CatalogData>();

/** Reads src/catalogs/data/<framework>.json (shipped with the package). */
export function loadCatalogData(dataDir: string, framework: string): CatalogData | undefined {
  const key = join(dataDir, framework);
  let data = cache.get(key);
  if (data) return data;
  try {
    data = JSON.parse(readFileSync(join(dataDir, `${framework}.json`), 'utf8')) as CatalogData;
  } catch {
    return undefined;
  }
  cache.set(key, data);
  return data;
}
