/** A normalised finding (spec/evaluation.md section 1). Loaders produce these; nothing else does. */
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

export interface Finding {
  /** Hash of source format and tool, native id, resource id and distinguishing location. */
  identity: string;
  nativeId: string;
  title: string;
  result: FindingResult;
  state: FindingState;
  severity: Severity;
  severitySource: { value: string | number; scale: string };
  controls: Record<FrameworkId, string[]>;
  ruleId?: string;
  resource?: Resource;
  owner?: string;
  remediation?: string;
  observedAt?: string;
  sources: SourceRef[];
}
