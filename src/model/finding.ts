/** A normalised finding (docs/evaluation.md section 1). Loaders produce these; nothing else does. */
import type { Severity } from './definitions.js';
import type { FrameworkId } from './control.js';

export type FindingResult = 'FAIL' | 'PASS' | 'MANUAL' | 'NOT_APPLICABLE' | 'ERROR' | 'INFO';
export type FindingState = 'open' | 'resolved' | 'suppressed';

export interface Resource {
  id: string;
  type?: string;
  name?: string;
  account?: string;
  region?: string;
  tags?: Record<string, string>;
}

/** Where a finding was read: file, format, and the record's position in it. */
export interface SourceRef {
  file: string;
  format: string;
  tool?: string;
  /** 1-based record number in the file. */
  record: number;
}

/** What distinguishes two findings with the same native id (evaluation.md section 1). */
export interface FindingLocation {
  /** SARIF artifact URI, file path. */
  uri?: string;
  startLine?: number;
  /** Vulnerabilities: package name and installed version. */
  package?: string;
  version?: string;
}

/**
 * The vulnerability a finding reports (evaluation.md section 1), wherever the format puts it (ASFF
 * `Vulnerabilities[]` or a scanner's `Resources[].Details.Other`, SARIF rule ids, OCSF
 * `vulnerabilities[]`, Trivy/Grype JSON). The finding's rule id is `id`; package and installed
 * version are also its `location` (they are part of its identity).
 */
export interface Vulnerability {
  /** CVE-..., GHSA-..., or the scanner's own advisory id when it has no other. */
  id: string;
  /** Other ids of the same vulnerability (a GHSA's CVE...), sorted. */
  aliases?: string[];
  package?: string;
  installedVersion?: string;
  /** The version that fixes it; absent when the source knows of none. */
  fixedVersion?: string;
  /** The CVSS base score the source gives (the highest when it gives several). */
  cvss?: number;
}

/**
 * Where a finding's `observedAt` comes from (evaluation.md section 1), in order of preference: the
 * record itself, the tool's run in the same file (SARIF `invocations[].endTimeUtc`), a date the
 * source declares in infracast.yaml, the commit time of the export file in git. Never the render time.
 */
export type ObservedAtSource = 'record' | 'run' | 'declared' | 'git-commit';

export interface Finding {
  /** Hash of source format and tool, native id, resource id and distinguishing location. */
  identity: string;
  nativeId: string;
  title: string;
  description?: string;
  /** The producing tool, e.g. prowler, trivy, aws-securityhub. */
  tool?: string;
  location?: FindingLocation;
  /** Finding and resource tags merged (team, owner...). */
  tags?: Record<string, string>;
  /** First time the source saw it, when it says. */
  firstObservedAt?: string;
  result: FindingResult;
  state: FindingState;
  severity: Severity;
  severitySource: { value: string | number; scale: string };
  /** Control ids the record itself names, canonical, per framework id (mappings are applied by evaluate). */
  controls: Record<FrameworkId, string[]>;
  /**
   * References the record makes to frameworks Infracast does not know (CIS, KISA, ENS...), by the
   * export's own key, as written. Kept for the record; they do not make a finding mapped.
   */
  otherControls?: Record<string, string[]>;
  ruleId?: string;
  /** Set for vulnerability findings: the rule id is its id. */
  vulnerability?: Vulnerability;
  resource?: Resource;
  owner?: string;
  remediation?: string;
  observedAt?: string;
  /** Where `observedAt` comes from; absent when there is no observation time at all. */
  observedAtSource?: ObservedAtSource;
  sources: SourceRef[];
}
