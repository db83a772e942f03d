/**
 * Findings that map to no control of a framework, after mappings (evaluation.md section 1: kept
 * and counted, never dropped): the same test as evaluation (controlsOfFinding), so that every
 * count agrees with `summary`'s unmapped_findings.
 */
import { controlsOfFinding } from '../model/evaluation.js';
import type { MappingRule } from '../model/evaluation.js';
import type { Finding } from '../model/finding.js';
import { evidenceFrameworkOf } from './evaluate.js';

/** Whether a finding names, or is mapped to, no control of `framework` (CMMC and FAR count through their SP 800-171 ids). */
export function isUnmapped(finding: Finding, framework: string, rules: MappingRule[]): boolean {
  return controlsOfFinding(finding, evidenceFrameworkOf(framework), rules).ids.size === 0;
}

/** Per framework, in the order given: how many of `findings` map to none of its controls. */
export function unmappedCounts(findings: readonly Finding[], frameworks: readonly string[], rules: MappingRule[]): { framework: string; unmapped: number }[] {
  return frameworks.map((framework) => ({ framework, unmapped: findings.filter((f) => isUnmapped(f, framework, rules)).length }));
}
