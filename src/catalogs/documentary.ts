/**
 * Documentary controls (docs/evaluation.md section 5): those whose object is a document (a policy,
 * plan or strategy) rather than a property of the system. They are decided by attestation only:
 * a scanner finding mapped to them (Prowler maps nine AWS checks to SP 800-171 3.12.4, and checks
 * to SI-1, CP-1, RA-1 and SA-1) is shown as supporting evidence and never decides them, so one
 * failing CloudWatch alarm check cannot void the SPRS score by "failing" the SSP.
 *
 * The rule, applied to the built-in catalogs' titles (facts, not prose):
 * - SP 800-53 (and the FedRAMP baselines): the policy-and-procedures controls (the "-1" of every
 *   family) and the base controls whose title names a plan, a plan of action or a strategy
 *   (PL-2 System Security and Privacy Plans, CA-5 Plan of Action and Milestones, CP-2, IR-8, CM-9,
 *   PM-1, PM-4, PM-8, PM-9, PM-18, PM-30, PM-31, SR-2);
 * - SP 800-171 rev2 (and CMMC, FAR as views over it): 3.12.4 System Security Plan and 3.12.2 Plans of Action.
 */
import { idSchemeOf } from '../model/control-ids.js';

const DOCUMENT_TITLE = /(?:Policy and Procedures|\bPlans?|Strategy|Plan of Action and Milestones(?: Process)?)$/;

/** The documentary controls among a catalog's controls. */
export function documentaryControls(framework: string, controls: readonly { id: string; title: string }[]): Set<string> {
  const scheme = idSchemeOf(framework);
  if (scheme === 'sp800-53') return new Set(controls.filter((c) => !c.id.includes('(') && DOCUMENT_TITLE.test(c.title)).map((c) => c.id));
  if (framework === 'nist-800-171') return new Set(controls.filter((c) => c.id === '3.12.4' || c.id === '3.12.2').map((c) => c.id));
  return new Set();
}
