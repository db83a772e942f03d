/**
 * The workspace's attestations, exceptions and mappings as the evaluate stage reads them: the
 * validated YAML (snake_case, as written) turned into the model's records.
 */
import { relative } from 'node:path';
import { evidenceRefOf } from '../model/control.js';
import type { AttestationRecord, ExceptionRecord, MappingRule } from '../model/evaluation.js';
import type { LoadedWorkspace } from './load-workspace.js';

export { evidenceRefOf };

type Body = Record<string, unknown>;
const strings = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.map(String) : undefined);
const string = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function attestationsOf(workspace: LoadedWorkspace): AttestationRecord[] {
  return workspace.records
    .filter((r) => r.kind === 'Attestation')
    .map(({ value: v, source, line }) => ({
      id: String(v.id),
      framework: String(v.framework),
      requirements: strings(v.requirements) ?? [],
      result: v.result as AttestationRecord['result'],
      attestedAt: String(v.attested_at),
      ...(string(v.partial_condition) ? { partialCondition: string(v.partial_condition) } : {}),
      ...(string(v.justification) ? { justification: string(v.justification) } : {}),
      ...(string(v.expires) ? { expires: string(v.expires) } : {}),
      ...(strings(v.objectives) ? { objectives: strings(v.objectives) } : {}),
      ...(strings(v.methods) ? { methods: strings(v.methods) } : {}),
      ...attesterOf(v.attester),
      ...(Array.isArray(v.evidence) ? { evidence: (v.evidence as Body[]).map(evidenceRefOf) } : {}),
      ...planOfActionOf(v.plan_of_action),
      source: `${relative(workspace.root, source.file)}${line !== undefined ? `:${line}` : ''}`,
    }));
}

function attesterOf(value: unknown): Pick<AttestationRecord, 'attester'> {
  if (typeof value !== 'object' || value === null) return {};
  const a = value as Body;
  const name = string(a.name);
  if (!name) return {};
  return { attester: { name, ...(string(a.email) ? { email: string(a.email) } : {}), ...(string(a.role) ? { role: string(a.role) } : {}) } };
}

function planOfActionOf(value: unknown): Pick<AttestationRecord, 'planOfAction'> {
  if (typeof value !== 'object' || value === null) return {};
  const plan = value as Body;
  const scheduledCompletion = string(plan.scheduled_completion);
  if (!scheduledCompletion) return {};
  return { planOfAction: { scheduledCompletion, ...(string(plan.description) ? { description: string(plan.description) } : {}) } };
}

export function exceptionsOf(workspace: LoadedWorkspace): ExceptionRecord[] {
  return workspace.records
    .filter((r) => r.kind === 'Exception')
    .map(({ value: v }) => {
      const approval = (v.approval ?? {}) as Body;
      const selectors = Array.isArray(v.findings) ? (v.findings as Body[]) : undefined;
      const vendor = typeof v.vendor_dependency === 'object' && v.vendor_dependency !== null ? (v.vendor_dependency as Body) : undefined;
      return {
        id: String(v.id),
        type: v.type as ExceptionRecord['type'],
        approval: (approval.state ?? 'pending') as ExceptionRecord['approval'],
        ...(string(v.expires) ? { expires: string(v.expires) } : {}),
        ...(string(v.framework) ? { framework: string(v.framework) } : {}),
        ...(strings(v.controls) ? { controls: strings(v.controls) } : {}),
        ...(string(v.justification) ? { justification: string(v.justification) } : {}),
        ...(vendor
          ? {
              vendorDependency: {
                ...(string(vendor.vendor) ? { vendor: string(vendor.vendor) } : {}),
                ...(string(vendor.product) ? { product: string(vendor.product) } : {}),
                ...(string(vendor.last_check_in) ? { lastCheckIn: string(vendor.last_check_in) } : {}),
              },
            }
          : {}),
        ...(selectors
          ? {
              findings: selectors.map((s) => ({
                ...(string(s.identity) ? { identity: string(s.identity) } : {}),
                ...(string(s.rule) ? { rule: string(s.rule) } : {}),
                ...(string(s.resource) ? { resource: string(s.resource) } : {}),
                ...(string(s.native_id) ? { nativeId: string(s.native_id) } : {}),
              })),
            }
          : {}),
      };
    });
}

/** The workspace's mapping rules, in file order; they come before the built-in rules. */
export function mappingsOf(workspace: LoadedWorkspace): MappingRule[] {
  return workspace.records
    .filter((r) => r.kind === 'Mapping')
    .flatMap(({ value: v, source }) =>
      ((v.rules ?? []) as Body[]).map((rule) => ({
        rule: String(rule.rule),
        ...(string(rule.tool) ? { tool: string(rule.tool) } : {}),
        controls: rule.controls as Record<string, string[]>,
        sufficient: rule.sufficient === true,
        source: relative(workspace.root, source.file),
      })),
    );
}
