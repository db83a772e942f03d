/**
 * OSCAL SSP test helpers: the NIST OSCAL JSON schemas of ../shared/fixtures compiled with ajv
 * (draft-07, as they declare), and a workspace whose controls/ states every control of a baseline
 * (test data: every statement, parameter value and role here is made up by the test).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseDocument } from 'yaml';
import type { CatalogControl } from '../../src/catalogs/index.js';
import { optionalParam } from '../../src/reports/ssp-oscal.js';
import type { OscalVersion } from '../../src/reports/ssp-oscal.js';
import { copyWorkspace } from './workspace.js';

type Plugin = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: Plugin }).default ?? addFormatsModule) as unknown as Plugin;

const SCHEMA_FILES: Readonly<Record<OscalVersion, string>> = {
  '1.1.2': 'oscal-schema/v1.1.2/oscal_ssp_schema.json',
  // NIST's 1.0.4 release has the complete (all models) schema only; its root accepts any model.
  '1.0.4': 'oscal-schema/v1.0.4/oscal_complete_schema.json',
};

const validators = new Map<OscalVersion, ValidateFunction>();
export function oscalValidator(fixtures: string, version: OscalVersion): ValidateFunction {
  let validate = validators.get(version);
  if (!validate) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(join(fixtures, SCHEMA_FILES[version]), 'utf8')) as object);
    validators.set(version, validate);
  }
  return validate;
}

export const errorsOf = (errors: ErrorObject[] | null | undefined): string =>
  (errors ?? [])
    .slice(0, 8)
    .map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
    .join('\n');

/** What the test sets in infracast.yaml's system: block (replacing what the example states). */
export const SYSTEM_FACTS: Record<string, unknown> = {
  status: 'operational',
  authorization_path: 'agency',
  digital_identity_level: 2,
  fully_operational_date: '2025-03-01',
  leveraged_authorizations: [
    {
      id: 'aws-govcloud',
      name: 'Amazon Web Services',
      service: 'AWS GovCloud (US)',
      authorization_type: 'jab',
      package_id: 'F1603047866',
      date_authorized: '2016-06-21',
      impact_level: 'high',
    },
  ],
  cryptographic_modules: [{ name: 'AWS Key Management Service HSM', vendor: 'Amazon', validation: 'fips-140-3', certificate: '4884', usage: ['data-at-rest'] }],
  information_types: [
    {
      id: 'C.3.5.1',
      title: 'System Development',
      description: 'Test information type.',
      confidentiality: 'moderate',
      integrity: 'moderate',
      availability: 'low',
    },
  ],
  roles: [
    {
      id: 'isso',
      title: 'Information System Security Officer',
      internal: true,
      privilege: 'privileged',
      sensitivity: 'moderate',
      authorized_privileges: 'Security tooling administration',
      functions: ['Reviews audit records'],
    },
  ],
};

/**
 * A copy of examples/acme whose controls/ has a statement for every control given: a part text for
 * each response point (or the statement for a control without one), a value for every parameter
 * FedRAMP requires (not optionalParam's), a responsible role; some planned, partial, inherited, not applicable.
 */
export function scaffoldedWorkspace(acme: string, controls: readonly CatalogControl[]): string {
  const root = copyWorkspace(acme);
  rmSync(join(root, 'controls'), { recursive: true, force: true });
  const config = parseDocument(readFileSync(join(root, 'infracast.yaml'), 'utf8'));
  for (const [key, value] of Object.entries(SYSTEM_FACTS)) config.setIn(['system', key], value);
  writeFileSync(join(root, 'infracast.yaml'), config.toString());
  const documents = controls.map((control, i) => {
    const points = control.response_points ?? [];
    const inherited = i % 13 === 4 && !/^[A-Z]{2}-1$/.test(control.id);
    const status = i === 3 ? 'not-applicable' : i % 11 === 5 ? 'partial' : i % 7 === 6 ? 'planned' : 'implemented';
    return {
      kind: 'ControlImplementation',
      framework: 'nist-800-53',
      control: control.id,
      status,
      ...(status === 'planned' ? { planned_completion_date: '2027-06-30' } : {}),
      ...(status !== 'implemented' ? { remarks: `Test remark for ${control.id}.` } : {}),
      origination: inherited ? ['inherited'] : ['service-provider-system-specific'],
      ...(inherited ? { inherited_from: 'aws-govcloud' } : {}),
      responsible_roles: i % 2 === 0 ? ['isso'] : ['Information System Security Officer'],
      parameters: Object.fromEntries((control.param_ids ?? []).filter((p) => !optionalParam(control, p)).map((p) => [p, `test value of ${p}`])),
      ...(points.length ? { parts: Object.fromEntries(points.map((p) => [p, `Test statement of ${p}.`])) } : { statement: `Test statement of ${control.id}.` }),
      ...(i % 5 === 0 ? { by_component: { eks: { statement: `Test statement of ${control.id} for the EKS cluster.` } } } : {}),
    };
  });
  mkdirSync(join(root, 'controls'));
  writeFileSync(join(root, 'controls', 'all.yaml'), documents.map((d) => JSON.stringify(d)).join('\n---\n'));
  return root;
}
