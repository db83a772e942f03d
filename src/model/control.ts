/** Controls and per-control results (docs/evaluation.md sections 2 and 4). */
import type { Finding } from './finding.js';

export type FrameworkId = string;

export interface ControlStatement {
  /** Statement parts by id (a, b, c...), from an imported OSCAL catalog. */
  parts?: Record<string, string>;
  parameters?: Record<string, string>;
}

export interface Control {
  /** Canonical id of its framework, e.g. AC-2(4), 3.1.1, AC.L2-3.1.1. */
  id: string;
  title: string;
  family: string;
  framework: FrameworkId;
  /** SPRS points (NIST SP 800-171 rev2). */
  points?: number;
  /** Withdrawn controls are kept for lookup and excluded from evaluation. */
  withdrawn?: boolean;
  statement?: ControlStatement;
}

export type ControlStatus = 'passing' | 'failing' | 'not-assessed' | 'not-applicable';

/** Attestation and exception records as the evaluate stage uses them (schemas/attestation, exception). */
export interface Attestation {
  id: string;
  framework: FrameworkId;
  requirements: string[];
  result: 'met' | 'not-met' | 'partial' | 'not-applicable';
  partialCondition?: string;
  justification?: string;
  attestedAt: string;
  expires?: string;
  /** Who attested (schemas/attestation.schema.json attester). */
  attester?: { name: string; email?: string; role?: string };
  /** How it was assessed (SP 800-171A: examine, interview, test). */
  methods?: string[];
  /** The artifacts it rests on, each pinned by its sha256 (schemas/common.schema.json evidenceRef). */
  evidence?: EvidenceRef[];
}

/** An evidence artifact of an attestation, kept in the workspace. */
export interface EvidenceRef {
  path: string;
  sha256: string;
  description?: string;
  /** When the evidence was observed or collected (a date or an instant), as written. */
  observedAt?: string;
  collector?: string;
}

export interface Exception {
  id: string;
  type: 'false-positive' | 'risk-accepted' | 'operational-requirement' | 'enduring-exception' | 'temporary-deficiency';
  approval: 'approved' | 'pending' | 'rejected';
  expires?: string;
}

export interface ControlResult {
  control: Control;
  status: ControlStatus;
  findings: Finding[];
  attestations: Attestation[];
  exceptions: Exception[];
  /** Set when the status comes through a crosswalk: the mapping that produced it. */
  derivedFrom?: string;
}

/** An evidence entry as validated by the schema (common.schema.json evidenceRef: path and sha256 required). */
export function evidenceRefOf(e: Record<string, unknown>): EvidenceRef {
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  return {
    path: String(e.path),
    sha256: String(e.sha256),
    ...(text(e.description) ? { description: text(e.description) } : {}),
    ...(text(e.observed_at) ? { observedAt: text(e.observed_at) } : {}),
    ...(text(e.collector) ? { collector: text(e.collector) } : {}),
  };
}
