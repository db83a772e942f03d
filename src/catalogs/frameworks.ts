/**
 * The built-in control frameworks, by the ids the Reports API uses. Catalog content (controls,
 * baselines, points, mappings) is generated from ../shared/fixtures by scripts/ (issue: engine);
 * this list is what definitions may name.
 */
import { typesOf } from '../model/output-types.js';

export interface FrameworkInfo {
  id: string;
  name: string;
  /** Requirement lists the team compiled without an official machine-readable source are marked unverified in outputs. */
  verified: boolean;
}

export const BUILT_IN_FRAMEWORKS: readonly FrameworkInfo[] = [
  { id: 'nist-800-53', name: 'NIST SP 800-53 Rev. 5', verified: true },
  { id: 'fedramp-low', name: 'FedRAMP Rev. 5 Low', verified: true },
  { id: 'fedramp-moderate', name: 'FedRAMP Rev. 5 Moderate', verified: true },
  { id: 'fedramp-high', name: 'FedRAMP Rev. 5 High', verified: true },
  { id: 'fedramp-li-saas', name: 'FedRAMP Rev. 5 LI-SaaS', verified: true },
  { id: 'nist-800-171', name: 'NIST SP 800-171 Rev. 2', verified: true },
  { id: 'far-52204-21', name: 'FAR 52.204-21 Basic Safeguarding', verified: true },
  { id: 'cmmc-l1', name: 'CMMC 2.0 Level 1', verified: true },
  { id: 'cmmc-l2', name: 'CMMC 2.0 Level 2', verified: true },
  { id: 'pci-dss', name: 'PCI DSS v4.0.1', verified: false },
  { id: 'soc2', name: 'SOC 2 Trust Services Criteria', verified: false },
];

export const BUILT_IN_FRAMEWORK_IDS: readonly string[] = BUILT_IN_FRAMEWORKS.map((f) => f.id);

/** The framework a far-dfars-compliance document evaluates, by its report_subtype (a view of the type table). */
export const FRAMEWORK_OF_SUBTYPE: Readonly<Record<string, string>> = Object.fromEntries(
  typesOf('far-dfars').flatMap((row) => (Array.isArray(row.frameworks) && row.frameworks.length === 1 ? [[row.id, row.frameworks[0]]] : [])),
);
