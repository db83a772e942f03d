/**
 * The references of implementation statements (controls/) into infracast.yaml's `system:` block:
 * `inherited_from` names a leveraged authorization, `responsible_roles` name roles. An SSP prints
 * both (FedRAMP SSP 6.1 and the users table; OSCAL leveraged-authorization-uuid and role ids, which
 * FedRAMP requires to exist as users), so a typo here is a broken document, caught at validate.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { YamlDocument } from '../io/yaml-source.js';
import { didYouMean } from '../schema/suggest.js';
import type { SupportingRecord } from './load-workspace.js';
import { diagnosticAt } from './workspace-rules.js';

type Body = Record<string, unknown>;
const list = (value: unknown): Body[] => (Array.isArray(value) ? value.filter((v): v is Body => typeof v === 'object' && v !== null) : []);

export function sspReferenceRules(system: unknown, records: SupportingRecord[], recordDocs: Map<SupportingRecord, YamlDocument>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const facts = (typeof system === 'object' && system !== null ? system : {}) as Body;
  const authorizations = Array.isArray(facts.leveraged_authorizations) ? new Set(list(facts.leveraged_authorizations).map((a) => String(a.id))) : undefined;
  const roles = Array.isArray(facts.roles) ? list(facts.roles) : undefined;
  const roleNames = roles ? new Set(roles.flatMap((r) => [String(r.id), String(r.title)])) : undefined;
  for (const record of records) {
    if (record.kind !== 'ControlImplementation') continue;
    const doc = recordDocs.get(record);
    if (!doc) continue;
    const { inherited_from: inherited, responsible_roles: responsible } = record.value;
    if (typeof inherited === 'string') {
      if (!authorizations)
        diagnostics.push({
          ...diagnosticAt(
            doc,
            ['inherited_from'],
            'unknown-reference',
            `leveraged authorization '${inherited}' is not declared: infracast.yaml has no system.leveraged_authorizations`,
            `Declare it: system.leveraged_authorizations: [{id: ${inherited}, name: ..., authorization_type: jab|agency, package_id: ...}] (FedRAMP SSP 6.1).`,
          ),
          severity: 'warning',
        });
      else if (!authorizations.has(inherited))
        diagnostics.push(
          diagnosticAt(
            doc,
            ['inherited_from'],
            'unknown-reference',
            `leveraged authorization '${inherited}' is not in infracast.yaml system.leveraged_authorizations${didYouMean(inherited, authorizations)}`,
            `Declared: ${[...authorizations].sort().join(', ') || '(none)'}.`,
          ),
        );
    }
    if (!roleNames || !Array.isArray(responsible)) continue;
    responsible.forEach((role, i) => {
      if (typeof role !== 'string' || roleNames.has(role)) return;
      diagnostics.push({
        ...diagnosticAt(
          doc,
          ['responsible_roles', i],
          'unknown-reference',
          `role '${role}' is not in infracast.yaml system.roles${didYouMean(role, roleNames)}`,
          'Name a role by its id or title, or add it to system.roles (an OSCAL SSP needs every responsible role as a user).',
        ),
        severity: 'warning',
      });
    });
  }
  return diagnostics;
}
