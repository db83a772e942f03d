/**
 * The workspace's implementation statements (controls/) for one framework, normalised
 * (model/control-implementation.ts) and keyed by the framework's canonical control id. FedRAMP
 * baselines are NIST SP 800-53 controls: a fedramp-* document reads the nist-800-53 statements too.
 */
import { relative } from 'node:path';
import { canonicalControlId } from '../model/control-ids.js';
import { controlImplementationOf } from '../model/control-implementation.js';
import type { ControlImplementation } from '../model/control-implementation.js';
import type { LoadedWorkspace } from './load-workspace.js';

export interface LocatedImplementation extends ControlImplementation {
  /** Where it is written: `controls/access-control.yaml:12` (workspace-relative). */
  location: string;
}

/** Whether statements written against `written` serve a document of `framework`. */
export const servesFramework = (framework: string, written: unknown): boolean =>
  written === framework || (framework.startsWith('fedramp-') && written === 'nist-800-53');

export function controlImplementationsOf(workspace: LoadedWorkspace, framework: string): Map<string, LocatedImplementation> {
  const statements = new Map<string, LocatedImplementation>();
  for (const record of workspace.records) {
    if (record.kind !== 'ControlImplementation' || !servesFramework(framework, record.value.framework)) continue;
    const id = canonicalControlId(framework, String(record.value.control));
    if (!id) continue;
    const location = `${relative(workspace.root, record.source.file)}${record.line !== undefined ? `:${record.line}` : ''}`;
    statements.set(id, { ...controlImplementationOf(record.value), location });
  }
  return statements;
}
