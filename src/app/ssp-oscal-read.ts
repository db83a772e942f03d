/**
 * Reading an OSCAL system security plan (JSON, OSCAL 1.0.x or 1.1.x) into control statements
 * (schemas/control.schema.json values) and the infracast.yaml `system:` facts. Pure: the parsed
 * JSON in, values and notes out; `ssp-import.ts` does the IO.
 *
 * What maps where (FedRAMP's rules, ../shared/notes/documents.md 1.3):
 * - implemented-requirement -> one statement; control-id -> control (canonical id of the framework).
 * - props in the FedRAMP namespace: implementation-status (value -> status, its remarks -> remarks),
 *   planned-completion-date, control-origination (several), leveraged-authorization-uuid ->
 *   inherited_from (the leveraged authorization's id in system:). Without the FedRAMP status, the
 *   core implementation-status of the "this-system" by-components (OSCAL 1.1) gives it.
 * - responsible-roles -> responsible_roles (role ids); set-parameters of the requirement, of its
 *   by-components and of control-implementation (routed by the parameter id's control) -> parameters.
 * - statements: statement-id `<control>_smt` is the whole control, `<control>_smt.a` part a (deeper
 *   ids are kept whole as part keys). Text of the "this-system" component is the system's
 *   (statement, parts); any other component's goes to by_component under its inventory id.
 * What has no place in a statement is counted in `notes` (export/inherited/satisfied, party uuids).
 */
import { lookupControl } from '../catalogs/index.js';
import { record } from '../model/control-implementation.js';
import { ExitCode, InfracastError } from '../errors.js';
import { canonicalControlId } from '../model/control-ids.js';
import { slugify } from '../schema/rules.js';
import type { ControlValue } from './ssp-control-files.js';
import { FEDRAMP_NS, oscalControlId } from '../model/oscal-ids.js';

type Json = Record<string, unknown>;
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.map(record) : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export interface OscalComponent {
  uuid: string;
  type: string;
  title: string;
}

export interface SspReadOptions {
  /** The file, for messages. */
  file: string;
  /** The framework statements are written against (nist-800-53 for FedRAMP and SP 800-53 SSPs). */
  framework: string;
  /** The workspace's inventory components: OSCAL components are matched to them by name or id. */
  inventory: { id: string; name?: string }[];
}

export interface SspRead {
  oscalVersion: string;
  title: string;
  controls: ControlValue[];
  /** infracast.yaml system: facts found in the SSP. */
  system: Json;
  /** OSCAL component (uuid) -> the by_component id used, and whether the inventory has it. */
  components: { uuid: string; title: string; type: string; id: string; inInventory: boolean }[];
  /** Counts of what was read and what has no place in a statement. */
  counts: SspCounts;
  notes: string[];
}

export interface SspCounts {
  implementedRequirements: number;
  statements: number;
  byComponents: number;
  setParameters: number;
}

function fail(file: string, path: string, message: string, hint: string): never {
  throw new InfracastError('SSP_INVALID', `${file}: ${path}: ${message}`, { hints: [hint], exitCode: ExitCode.Failed });
}

/** OSCAL's parameter id -> the control it belongs to (ac-06.01_odp.01, ac-2_prm_1 -> ac-6.1, ac-2). */
export function controlOfParameter(paramId: string): string | undefined {
  const m = /^([a-z]{2})-0*(\d+)(?:\.0*(\d+))?_/.exec(paramId);
  return m ? `${m[1]}-${m[2]}${m[3] ? `.${m[3]}` : ''}` : undefined;
}

export function readOscalSsp(document: unknown, options: SspReadOptions): SspRead {
  const { file } = options;
  const root = record(document);
  const ssp = record(root['system-security-plan']);
  if (!('system-security-plan' in root)) {
    const model = Object.keys(root).find((k) =>
      ['catalog', 'profile', 'component-definition', 'assessment-plan', 'assessment-results', 'plan-of-action-and-milestones'].includes(k),
    );
    fail(
      file,
      '$',
      model ? `an OSCAL ${model}, not a system security plan` : 'not an OSCAL system security plan (no "system-security-plan" object)',
      'Give an OSCAL SSP in JSON: {"system-security-plan": {...}}.',
    );
  }
  const metadata = record(ssp.metadata);
  const oscalVersion = text(metadata['oscal-version']) ?? '';
  if (!/^1\.[01]\.\d+$/.test(oscalVersion)) {
    fail(
      file,
      '$.system-security-plan.metadata.oscal-version',
      `OSCAL version ${JSON.stringify(metadata['oscal-version'] ?? null)} is not supported`,
      'ssp import reads OSCAL 1.0.x and 1.1.x SSPs (FedRAMP templates are 1.0.4, NIST content 1.1.2).',
    );
  }
  const implementation = record(ssp['system-implementation']);
  const components = new Map<string, OscalComponent>();
  for (const c of list(implementation.components)) {
    const uuid = text(c.uuid);
    if (uuid && !components.has(uuid)) components.set(uuid, { uuid, type: text(c.type) ?? '', title: text(c.title) ?? uuid });
  }
  const componentIds = componentIdMap([...components.values()], options.inventory);
  const leveraged = new Map(list(implementation['leveraged-authorizations']).map((l) => [text(l.uuid) ?? '', slugify(text(l.title) ?? '')]));
  const notes = new Map<string, number>();
  const note = (what: string): void => void notes.set(what, (notes.get(what) ?? 0) + 1);
  const counts: SspCounts = { implementedRequirements: 0, statements: 0, byComponents: 0, setParameters: 0 };

  const controlImplementation = record(ssp['control-implementation']);
  const requirements = list(controlImplementation['implemented-requirements']);
  const byOscalId = new Map<string, ControlValue>();
  const seen = new Map<string, number>();
  const controls = requirements.map((requirement, i) => {
    const at = `$.system-security-plan.control-implementation.implemented-requirements[${i}]`;
    counts.implementedRequirements++;
    const raw = text(requirement['control-id']) ?? '';
    const id = canonicalControlId(options.framework, raw);
    const facts = id === undefined ? undefined : lookupControl(options.framework, id);
    if (!id || !facts || facts.withdrawn) {
      fail(
        file,
        `${at}.control-id`,
        `'${raw}' is not ${facts?.withdrawn ? 'an active' : 'a'} ${options.framework} control`,
        `Import statements of another framework with --framework (default nist-800-53); \`infracast catalog show ${options.framework}\` lists its ids.`,
      );
    }
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      fail(
        file,
        `${at}.control-id`,
        `${id} is implemented twice (also implemented-requirements[${earlier}])`,
        'An SSP has one implemented-requirement per control: merge the two.',
      );
    }
    seen.set(id, i);
    const value: ControlValue = { framework: options.framework, control: id, title: facts.title };
    const parameters: Record<string, string> = {};
    const componentParameters = new Map<string, Record<string, string>>();
    const setParameters = (entries: unknown, into: Record<string, string> = parameters): void => {
      for (const sp of list(entries)) {
        const param = text(sp['param-id']);
        const values = (Array.isArray(sp.values) ? sp.values : []).filter((v): v is string => typeof v === 'string');
        if (!param) continue;
        counts.setParameters++;
        // Schema parameters hold one text: several values are joined (rare in SSPs; counted).
        if (values.length > 1) note('set-parameters with several values, joined with "; "');
        into[param] = values.join('; ');
      }
    };
    readProps(requirement, value, leveraged, note);
    const roles = list(requirement['responsible-roles'])
      .map((r) => text(r['role-id']))
      .filter((r): r is string => r !== undefined);
    if (roles.length > 0) value.responsible_roles = [...new Set(roles)];
    if (list(requirement['responsible-roles']).some((r) => Array.isArray(r['party-uuids'])))
      note('responsible-role party-uuids (the people are in system.roles/owner, not per control)');
    setParameters(requirement['set-parameters']);

    const prefix = `${oscalControlId(id)}_smt`;
    const system: { statement?: string; parts: Record<string, string> } = { parts: {} };
    const byComponent = new Map<string, { statement?: string; parts: Record<string, string> }>();
    let coreStatus: string | undefined;
    const place = (statementId: string | undefined, bc: Json, where: string): void => {
      counts.byComponents++;
      const uuid = text(bc['component-uuid']) ?? '';
      const component = components.get(uuid);
      const description = text(bc.description) ?? '';
      const componentId = componentIds.get(uuid) ?? `component-${uuid.slice(0, 8)}`;
      // The system's values are the control's; another component's are its own (they may differ).
      if (component?.type === 'this-system') setParameters(bc['set-parameters']);
      else if (list(bc['set-parameters']).length > 0) {
        const own = componentParameters.get(componentId) ?? {};
        setParameters(bc['set-parameters'], own);
        componentParameters.set(componentId, own);
      }
      for (const key of ['export', 'inherited', 'satisfied'] as const) if (key in bc) note(`by-component ${key} (leveraged-system responsibilities)`);
      if ('remarks' in bc) note('by-component remarks');
      if (component?.type !== 'this-system' && 'implementation-status' in bc) note('implementation-status of components other than this-system');
      const state = text(record(bc['implementation-status']).state);
      if (component?.type === 'this-system' && state) coreStatus ??= state;
      if (description.trim() === '') {
        note('by-components with an empty description');
        return;
      }
      // A bare `_smt` (FedRAMP's template writes it for MP-1 and PE-1) can only mean the whole control.
      const whole = statementId === undefined || statementId === prefix || statementId === '_smt';
      if (statementId === '_smt') note(`statement-ids '_smt' read as the whole control's statement`);
      const part = whole
        ? undefined
        : statementId.startsWith(`${prefix}.`) && !statementId.slice(prefix.length + 1).includes('.')
          ? statementId.slice(prefix.length + 1)
          : statementId;
      let target = component?.type === 'this-system' ? system : byComponent.get(componentId);
      if (!target) {
        target = { parts: {} };
        byComponent.set(componentId, target);
      }
      if (!component) note(`by-components naming no component of system-implementation (${where})`);
      if (part === undefined) target.statement = target.statement === undefined ? description : `${target.statement}\n\n${description}`;
      else target.parts[part] = target.parts[part] === undefined ? description : `${target.parts[part]}\n\n${description}`;
    };
    list(requirement.statements).forEach((statement, s) => {
      counts.statements++;
      if ('remarks' in statement) note('statement remarks');
      list(statement['by-components']).forEach((bc) => place(text(statement['statement-id']), bc, `${at}.statements[${s}]`));
    });
    list(requirement['by-components']).forEach((bc) => place(undefined, bc, `${at}.by-components`));
    if (value.status === undefined && coreStatus !== undefined) value.status = coreStatus;
    if (Object.keys(parameters).length > 0) value.parameters = parameters;
    if (system.statement !== undefined) value.statement = system.statement;
    if (Object.keys(system.parts).length > 0) value.parts = system.parts;
    for (const cid of componentParameters.keys()) if (!byComponent.has(cid)) byComponent.set(cid, { parts: {} });
    if (byComponent.size > 0) {
      value.by_component = Object.fromEntries(
        [...byComponent].map(([cid, t]) => [
          cid,
          {
            ...(t.statement !== undefined ? { statement: t.statement } : {}),
            ...(Object.keys(t.parts).length > 0 ? { parts: t.parts } : {}),
            ...(componentParameters.has(cid) ? { parameters: componentParameters.get(cid) } : {}),
          },
        ]),
      );
    }
    const remarks = text(requirement.remarks);
    if (remarks && value.remarks === undefined) value.remarks = remarks;
    else if (remarks) note('requirement remarks beside the implementation-status remarks (the latter kept)');
    byOscalId.set(oscalControlId(id), value);
    return value;
  });
  // control-implementation set-parameters: each to the control its id names.
  for (const sp of list(controlImplementation['set-parameters'])) {
    const param = text(sp['param-id']) ?? '';
    const target = byOscalId.get(controlOfParameter(param) ?? '');
    counts.setParameters++;
    if (!target) {
      note('control-implementation set-parameters of controls the SSP does not implement');
      continue;
    }
    const values = (Array.isArray(sp.values) ? sp.values : []).filter((v): v is string => typeof v === 'string');
    target.parameters = { ...record(target.parameters), [param]: values.join('; ') };
  }
  return {
    oscalVersion,
    title: text(metadata.title) ?? '',
    controls,
    system: systemOf(ssp),
    components: [...components.values()]
      .filter((c) => c.type !== 'this-system')
      .map((c) => ({ ...c, id: componentIds.get(c.uuid)!, inInventory: options.inventory.some((i) => i.id === componentIds.get(c.uuid)) })),
    counts,
    notes: [...notes].map(([what, n]) => `${n} ${what}`),
  };
}

function readProps(requirement: Json, value: ControlValue, leveraged: Map<string, string>, note: (what: string) => void): void {
  const origination: string[] = [];
  for (const prop of list(requirement.props)) {
    if (prop.ns !== FEDRAMP_NS) continue;
    const v = text(prop.value) ?? '';
    if (prop.name === 'implementation-status') {
      value.status = v;
      const remarks = text(prop.remarks);
      if (remarks) value.remarks = remarks;
    } else if (prop.name === 'planned-completion-date') {
      // OSCAL dates may carry a zone (2024-01-31Z); the statement holds the calendar date.
      value.planned_completion_date = v.slice(0, 10);
    } else if (prop.name === 'control-origination') {
      origination.push(v);
      if (prop.remarks !== undefined) note('control-origination remarks');
    } else if (prop.name === 'leveraged-authorization-uuid') {
      value.inherited_from = leveraged.get(v) || v;
    }
  }
  if (origination.length > 0) value.origination = [...new Set(origination)];
}

/**
 * OSCAL components -> inventory ids: the inventory component whose name is the title (or whose id
 * is the slugged title); otherwise the slugged title, which validate then reports as missing
 * from the inventory when it is listed. Two titles that slug alike get -2, -3.
 */
function componentIdMap(components: OscalComponent[], inventory: { id: string; name?: string }[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const c of components) {
    if (c.type === 'this-system') continue;
    const match = inventory.find((i) => i.name === c.title) ?? inventory.find((i) => i.id === slugify(c.title));
    let id = match?.id ?? (slugify(c.title) || `component-${c.uuid.slice(0, 8)}`);
    if (!match) for (let n = 2; used.has(id); n++) id = `${slugify(c.title)}-${n}`;
    used.add(id);
    ids.set(c.uuid, id);
  }
  return ids;
}

const LEVELS = ['low', 'moderate', 'high'];
const levelOf = (value: unknown): string | undefined => {
  const level = text(value)?.replace(/^fips-199-/, '');
  return level && LEVELS.includes(level) ? level : undefined;
};

/** The infracast.yaml system: facts an SSP states (the schema's names). */
function systemOf(ssp: Json): Json {
  const sc = record(ssp['system-characteristics']);
  const system: Json = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined && value !== '') system[key] = value;
  };
  set('name', text(sc['system-name']));
  set('id', text(list(sc['system-ids'])[0]?.id));
  set('abbreviation', text(sc['system-name-short']));
  set('description', text(sc.description));
  const impact = record(sc['security-impact-level']);
  const objectives = {
    confidentiality: levelOf(impact['security-objective-confidentiality']),
    integrity: levelOf(impact['security-objective-integrity']),
    availability: levelOf(impact['security-objective-availability']),
  };
  set('fips199', levelOf(sc['security-sensitivity-level']) ?? (Object.values(objectives).every(Boolean) ? objectives : undefined));
  const state = text(record(sc.status).state);
  if (state && ['operational', 'under-development', 'under-major-modification', 'disposition', 'other'].includes(state)) set('status', state);
  set('authorization_boundary', text(record(sc['authorization-boundary']).description));
  const types = list(record(sc['system-information'])['information-types']).flatMap((t) => {
    const levels = Object.fromEntries(
      (['confidentiality', 'integrity', 'availability'] as const).map((o) => {
        const impactOf = record(t[`${o}-impact`]);
        const base = levelOf(impactOf.base);
        const selected = levelOf(impactOf.selected) ?? base;
        const justification = text(impactOf['adjustment-justification']);
        return [
          o,
          base && selected && (base !== selected || justification) ? { recommended: base, selected, ...(justification ? { justification } : {}) } : selected,
        ];
      }),
    );
    if (!text(t.title) || Object.values(levels).some((l) => l === undefined)) return [];
    const id = text(list(t.categorizations)[0]?.['information-type-ids'] && (list(t.categorizations)[0]!['information-type-ids'] as unknown[])[0]);
    return [{ ...(id ? { id } : {}), title: text(t.title), ...(text(t.description) ? { description: text(t.description) } : {}), ...levels }];
  });
  if (types.length > 0) system.information_types = types;
  const leveraged = list(record(ssp['system-implementation'])['leveraged-authorizations']).flatMap((l) => {
    const fedramp = (name: string): string | undefined => text(list(l.props).find((p) => p.name === name && p.ns === FEDRAMP_NS)?.value);
    const type = { 'fedramp-jab': 'jab', 'fedramp-agency': 'agency' }[fedramp('authorization-type') ?? ''];
    const title = text(l.title);
    // authorization_type is required in system.leveraged_authorizations: one the SSP does not state is left for the user to add.
    if (!title || !slugify(title) || !type) return [];
    const impact = fedramp('impact-level');
    const date = text(l['date-authorized']);
    return [
      {
        id: slugify(title),
        name: title,
        authorization_type: type,
        ...(fedramp('leveraged-system-identifier') ? { package_id: fedramp('leveraged-system-identifier') } : {}),
        ...(date ? { date_authorized: date.slice(0, 10) } : {}),
        ...(impact && ['low', 'moderate', 'high', 'li-saas'].includes(impact) ? { impact_level: impact } : {}),
      },
    ];
  });
  if (leveraged.length > 0) system.leveraged_authorizations = leveraged;
  const roles = list(record(ssp.metadata).roles).flatMap((r) =>
    /^[a-z0-9][a-z0-9-]*$/.test(text(r.id) ?? '') && text(r.title)
      ? [{ id: text(r.id), title: text(r.title), ...(text(r.description) ? { description: text(r.description) } : {}) }]
      : [],
  );
  if (roles.length > 0) system.roles = roles;
  return system;
}
