/**
 * The SSP's system facts (FedRAMP SSP template sections 3 to 11 and Appendix K, documents.md 1.1)
 * from infracast.yaml `system:`, the document's options and the inventory. Pure.
 *
 * A fact the template requires and the workspace does not give is never left out: its cell says
 * `gap` (the key to add, shown as "Not provided: add system.x to infracast.yaml") and the gap is
 * listed once, so the caller can warn about it.
 */

/** A table cell: the text, or the key that would give it. */
export interface Fact {
  value?: string;
  /** The key that is missing, e.g. `system.owner.phone`. */
  gap?: string;
  /** Where to add it (default infracast.yaml). */
  to?: string;
}

export interface FactRow {
  label: string;
  fact: Fact;
}

/** One row of a list table (6.1, 7.1, 9.1, 10, 11, K.1): cells by column key. */
export type ListRow = Record<string, Fact>;

export interface ListTable {
  columns: { key: string; label: string }[];
  rows: ListRow[];
  /** The whole list is missing (the key is absent, not an empty list). */
  gap?: string;
  to?: string;
  /** What an empty list means, stated instead of an empty table. */
  empty: string;
}

export interface InventoryView {
  components: { id: string; name: string; type?: string; boundary?: string }[];
  connections: {
    from: string;
    to: string;
    protocol?: string;
    transport?: string;
    port?: number | string;
    encrypted?: boolean;
    data?: string[];
    description?: string;
  }[];
}

export interface SystemFactsInput {
  system: Record<string, unknown>;
  /** Document options that override `system:` (csp_name, system_name, system_id, impact_level). */
  options: { csp_name?: string; system_name?: string; system_id?: string; impact_level?: string };
  tenantName: string;
  /** Undefined: the workspace has no inventory. */
  inventory: InventoryView | undefined;
}

export interface SystemFacts {
  /** Table 3.1. */
  information: FactRow[];
  owner: FactRow[];
  isso: FactRow[];
  leveraged: ListTable;
  external: ListTable;
  narrative: { description: Fact; boundary: Fact };
  ports: ListTable;
  crypto: ListTable;
  roles: ListTable;
  informationTypes: ListTable;
  /** Every gap, in document order, with where it shows. */
  gaps: { key: string; where: string; to?: string }[];
  /** Names the document uses: the system, its CSP, its id. */
  names: { system: string; csp: string; systemId?: string; impactLevel?: string };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim().length > 0 ? v.trim() : typeof v === 'number' ? String(v) : undefined);
const record = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const SERVICE_MODELS: Record<string, string> = { other: 'Other' };
const DEPLOYMENT_MODELS: Record<string, string> = {
  public: 'Public Cloud',
  private: 'Private Cloud',
  government: 'Government-Only Cloud',
  hybrid: 'Hybrid Cloud',
  community: 'Community Cloud',
};
const AUTHORIZATION_PATHS: Record<string, string> = {
  jab: 'Joint Authorization Board Provisional Authorization',
  agency: 'Agency Authorization',
  'li-saas': 'FedRAMP Tailored LI-SaaS',
};
const EXTERNAL_CATEGORIES: Record<string, string> = {
  'non-fedramp-cloud': '1 Non-FedRAMP Authorized Cloud Service',
  'corporate-shared': '2 Corporate Shared Service',
  'update-service': '3 Update Service for In-Boundary Software/Services',
};
const PRIVILEGES: Record<string, string> = { privileged: 'Privileged', 'non-privileged': 'Non-Privileged', 'no-logical-access': 'No Logical Access' };
const VALIDATIONS: Record<string, string> = { 'fips-140-2': 'FIPS 140-2', 'fips-140-3': 'FIPS 140-3', none: 'Not validated' };

/** The FIPS 199 level of `system.fips199` (a level, or the highest of the three objectives). */
function overallLevel(fips: unknown): string | undefined {
  if (typeof fips === 'string') return fips;
  const levels = ['low', 'moderate', 'high'];
  const objectives = record(fips);
  if (!objectives) return undefined;
  return levels[Math.max(...['confidentiality', 'integrity', 'availability'].map((k) => levels.indexOf(String(objectives[k]))))];
}

class Gaps {
  readonly list: { key: string; where: string; to?: string }[] = [];
  fact(value: string | undefined, key: string, where: string, to?: string): Fact {
    if (value !== undefined) return { value };
    this.list.push({ key, where, ...(to ? { to } : {}) });
    return { gap: key, ...(to ? { to } : {}) };
  }
}

/** Table 4.1 / 5.1: Name, Title, Company / Organization, Address, Phone Number, Email Address. */
function personRows(gaps: Gaps, person: unknown, key: string, where: string, organization: string | undefined): FactRow[] {
  const p = record(person);
  if (!p) return [{ label: 'Name', fact: gaps.fact(undefined, key, where) }];
  return [
    { label: 'Name', fact: gaps.fact(text(p.name), `${key}.name`, where) },
    { label: 'Title', fact: gaps.fact(text(p.role), `${key}.role`, where) },
    { label: 'Company / Organization', fact: gaps.fact(text(p.organization) ?? organization, `${key}.organization`, where) },
    { label: 'Address', fact: gaps.fact(text(p.address), `${key}.address`, where) },
    { label: 'Phone Number', fact: gaps.fact(text(p.phone), `${key}.phone`, where) },
    { label: 'Email Address', fact: gaps.fact(text(p.email), `${key}.email`, where) },
  ];
}

/** A list of `system:` as table rows; an absent key is one gap (an empty list says there are none). */
function listTable(
  gaps: Gaps,
  value: unknown,
  key: string,
  where: string,
  columns: ListTable['columns'],
  row: (item: Record<string, unknown>, index: number) => ListRow,
  empty: string,
): ListTable {
  if (!Array.isArray(value)) {
    gaps.list.push({ key, where });
    return { columns, rows: [], gap: key, empty };
  }
  return { columns, rows: value.map((item, i) => row(record(item) ?? {}, i)), empty };
}

const cell = (value: string | undefined): Fact => (value === undefined ? { value: '' } : { value });

/** A C/I/A level of an information type: recommended and selected, and why they differ. */
function levelOf(value: unknown): { recommended?: string; selected: string; justification?: string } {
  if (typeof value === 'string') return { selected: capital(value) };
  const v = record(value) ?? {};
  return {
    ...(text(v.recommended) ? { recommended: capital(text(v.recommended)!) } : {}),
    selected: capital(text(v.selected) ?? ''),
    ...(text(v.justification) ? { justification: text(v.justification)! } : {}),
  };
}

export function systemFacts(input: SystemFactsInput): SystemFacts {
  const { system, options } = input;
  const gaps = new Gaps();
  const csp = text(options.csp_name) ?? text(system.csp_name);
  const systemName = text(options.system_name) ?? text(system.name);
  const systemId = text(options.system_id) ?? text(system.id);
  const impact = text(options.impact_level) ?? overallLevel(system.fips199);
  const identity = typeof system.digital_identity_level === 'number' ? system.digital_identity_level : undefined;
  const t31 = 'Table 3.1';
  const information: FactRow[] = [
    { label: 'CSP Name', fact: gaps.fact(csp, 'system.csp_name', t31) },
    { label: 'CSO Name', fact: gaps.fact(systemName, 'system.name', t31) },
    { label: 'FedRAMP Package ID', fact: gaps.fact(systemId, 'system.id', t31) },
    {
      label: 'Service Model',
      fact: gaps.fact(
        text(system.service_model) && (SERVICE_MODELS[String(system.service_model)] ?? String(system.service_model)),
        'system.service_model',
        t31,
      ),
    },
    {
      label: 'Digital Identity Level (DIL) Determination',
      fact: gaps.fact(identity ? `IAL${identity}/FAL${identity}/AAL${identity}` : undefined, 'system.digital_identity_level', t31),
    },
    { label: 'FIPS PUB 199 Level', fact: gaps.fact(impact && capital(impact), 'system.fips199', t31) },
    { label: 'Fully Operational as of', fact: gaps.fact(text(system.fully_operational_date), 'system.fully_operational_date', t31) },
    {
      label: 'Deployment Model',
      fact: gaps.fact(text(system.deployment_model) && DEPLOYMENT_MODELS[String(system.deployment_model)], 'system.deployment_model', t31),
    },
    {
      label: 'Authorization Path',
      fact: gaps.fact(text(system.authorization_path) && AUTHORIZATION_PATHS[String(system.authorization_path)], 'system.authorization_path', t31),
    },
    { label: 'General System Description', fact: gaps.fact(text(system.description), 'system.description', t31) },
  ];
  const organization = csp ?? input.tenantName;
  const owner = personRows(gaps, system.owner, 'system.owner', 'Table 4.1', organization);
  const isso = personRows(gaps, system.isso, 'system.isso', 'Table 5.1', organization);

  const leveraged = listTable(
    gaps,
    system.leveraged_authorizations,
    'system.leveraged_authorizations',
    'Table 6.1',
    [
      { key: 'n', label: '#' },
      { key: 'name', label: 'CSP/CSO Name (Name on FedRAMP Marketplace)' },
      { key: 'service', label: 'CSO Service' },
      { key: 'authorization', label: 'Authorization Type (JAB or Agency) and FedRAMP Package ID #' },
      { key: 'agreement', label: 'Nature of Agreement' },
      { key: 'impact', label: 'Impact Level' },
      { key: 'data', label: 'Data Types' },
      { key: 'users', label: 'Authorized Users/Authentication' },
    ],
    (a, i) => {
      const at = `system.leveraged_authorizations[${i}]`;
      const type = text(a.authorization_type) === 'jab' ? 'JAB' : 'Agency';
      return {
        n: cell(String(i + 1)),
        name: cell(text(a.name)),
        service: gaps.fact(text(a.service), `${at}.service`, 'Table 6.1'),
        authorization: cell(
          `${type}${text(a.package_id) ? `, ${text(a.package_id)!}` : ''}${text(a.date_authorized) ? ` (authorized ${text(a.date_authorized)!})` : ''}`,
        ),
        agreement: gaps.fact(text(a.nature_of_agreement), `${at}.nature_of_agreement`, 'Table 6.1'),
        impact: gaps.fact(
          text(a.impact_level) && (a.impact_level === 'li-saas' ? 'LI-SaaS' : capital(String(a.impact_level))),
          `${at}.impact_level`,
          'Table 6.1',
        ),
        data: gaps.fact(text(a.data_types), `${at}.data_types`, 'Table 6.1'),
        users: gaps.fact(text(a.authorized_users), `${at}.authorized_users`, 'Table 6.1'),
      };
    },
    'None: the system leverages no FedRAMP-authorized service.',
  );

  const external = listTable(
    gaps,
    system.external_services,
    'system.external_services',
    'Table 7.1',
    [
      { key: 'category', label: '#' },
      { key: 'name', label: 'System/Service/API/CLI Name' },
      { key: 'connection', label: 'Connection Details' },
      { key: 'agreement', label: 'Nature of Agreement' },
      { key: 'supported', label: 'Still Supported? Y or N' },
      { key: 'data', label: 'Data Types' },
      { key: 'categorization', label: 'Data Categorization' },
      { key: 'users', label: 'Authorized Users/Authentication' },
      { key: 'compliance', label: 'Other Compliance Programs' },
      { key: 'description', label: 'Description' },
      { key: 'hosting', label: 'Hosting Environment' },
      { key: 'risk', label: 'Risk/Impact/Mitigation' },
    ],
    (s, i) => {
      const at = `system.external_services[${i}]`;
      return {
        category: cell(EXTERNAL_CATEGORIES[String(s.category)]),
        name: cell(text(s.name)),
        connection: gaps.fact(text(s.connection), `${at}.connection`, 'Table 7.1'),
        agreement: gaps.fact(text(s.nature_of_agreement), `${at}.nature_of_agreement`, 'Table 7.1'),
        supported: gaps.fact(typeof s.still_supported === 'boolean' ? (s.still_supported ? 'Y' : 'N') : undefined, `${at}.still_supported`, 'Table 7.1'),
        data: gaps.fact(text(s.data_types), `${at}.data_types`, 'Table 7.1'),
        categorization: gaps.fact(text(s.data_categorization) && capital(String(s.data_categorization)), `${at}.data_categorization`, 'Table 7.1'),
        users: gaps.fact(text(s.authorized_users), `${at}.authorized_users`, 'Table 7.1'),
        compliance: cell(text(s.other_compliance) ?? 'None stated'),
        description: gaps.fact(text(s.description), `${at}.description`, 'Table 7.1'),
        hosting: gaps.fact(text(s.hosting), `${at}.hosting`, 'Table 7.1'),
        risk: gaps.fact(text(s.risk), `${at}.risk`, 'Table 7.1'),
      };
    },
    'None: the system uses no external system or service without FedRAMP authorization.',
  );

  const names = new Map((input.inventory?.components ?? []).map((c) => [c.id, c.name]));
  const nameOf = (id: string): string => names.get(id) ?? id;
  const portColumns = [
    { key: 'service', label: 'Service Name' },
    { key: 'port', label: 'Port #' },
    { key: 'protocol', label: 'Transport Protocol' },
    { key: 'reference', label: 'Reference #' },
    { key: 'purpose', label: 'Purpose' },
    { key: 'usedBy', label: 'Used By' },
  ];
  let ports: ListTable;
  if (!input.inventory) {
    gaps.list.push({ key: 'kind: Inventory', where: 'Table 9.1', to: 'inventory/ (components and connections)' });
    ports = { columns: portColumns, rows: [], gap: 'kind: Inventory', to: 'inventory/ (components and connections)', empty: '' };
  } else {
    // The inventory's connections as written: the protocol it names is the service; the transport
    // (TCP/UDP) is the connection's `transport`, never guessed from the port.
    ports = {
      columns: portColumns,
      rows: input.inventory.connections.map((c, i) => ({
        service: cell(c.protocol),
        port: cell(c.port === undefined ? 'n/a' : String(c.port)),
        protocol: c.transport
          ? cell(c.transport.toUpperCase())
          : c.port === undefined
            ? cell('n/a')
            : gaps.fact(undefined, `connections[${i}].transport`, 'Table 9.1', 'the inventory'),
        reference: cell(String(i + 1)),
        purpose: cell(
          `${nameOf(c.from)} to ${nameOf(c.to)}${c.description ? `: ${c.description}` : ''}${c.encrypted === true ? ' Encrypted.' : c.encrypted === false ? ' Not encrypted.' : ''}${c.data?.length ? ` Data: ${c.data.join(', ')}.` : ''}`,
        ),
        usedBy: cell(nameOf(c.from)),
      })),
      empty: 'None: the inventory has no connections.',
    };
  }

  const crypto = listTable(
    gaps,
    system.cryptographic_modules,
    'system.cryptographic_modules',
    'Section 10',
    [
      { key: 'name', label: 'Module' },
      { key: 'vendor', label: 'Vendor' },
      { key: 'validation', label: 'Validation' },
      { key: 'certificate', label: 'CMVP Certificate #' },
      { key: 'usage', label: 'Usage' },
      { key: 'components', label: 'Where Used' },
    ],
    (m, i) => {
      const at = `system.cryptographic_modules[${i}]`;
      const usage = Array.isArray(m.usage) ? m.usage.map((u) => (u === 'data-at-rest' ? 'Data at rest (DAR)' : 'Data in transit (DIT)')).join(', ') : undefined;
      const validation = text(m.validation);
      return {
        name: cell(text(m.name)),
        vendor: gaps.fact(text(m.vendor), `${at}.vendor`, 'Section 10'),
        validation: gaps.fact(validation && VALIDATIONS[validation], `${at}.validation`, 'Section 10'),
        certificate: validation === 'none' ? cell('n/a') : gaps.fact(text(m.certificate), `${at}.certificate`, 'Section 10'),
        usage: cell(usage),
        components: cell(Array.isArray(m.components) ? m.components.map((c) => nameOf(String(c))).join(', ') : text(m.description)),
      };
    },
    'None stated.',
  );

  const roles = listTable(
    gaps,
    system.roles,
    'system.roles',
    'Section 11',
    [
      { key: 'title', label: 'Role' },
      { key: 'internal', label: 'Internal or External' },
      { key: 'privilege', label: 'Privileged, Non-Privileged, or No Logical Access' },
      { key: 'sensitivity', label: 'Sensitivity Level' },
      { key: 'privileges', label: 'Authorized Privileges' },
      { key: 'functions', label: 'Functions Performed' },
      { key: 'mfa', label: 'MFA' },
    ],
    (r, i) => {
      const at = `system.roles[${i}]`;
      return {
        title: cell(text(r.title)),
        internal: gaps.fact(typeof r.internal === 'boolean' ? (r.internal ? 'Internal' : 'External') : undefined, `${at}.internal`, 'Section 11'),
        privilege: gaps.fact(text(r.privilege) && PRIVILEGES[String(r.privilege)], `${at}.privilege`, 'Section 11'),
        sensitivity: gaps.fact(text(r.sensitivity), `${at}.sensitivity`, 'Section 11'),
        privileges: gaps.fact(text(r.authorized_privileges), `${at}.authorized_privileges`, 'Section 11'),
        functions: gaps.fact(Array.isArray(r.functions) && r.functions.length > 0 ? r.functions.join('; ') : undefined, `${at}.functions`, 'Section 11'),
        mfa: gaps.fact(typeof r.mfa === 'boolean' ? (r.mfa ? 'Yes' : 'No') : undefined, `${at}.mfa`, 'Section 11'),
      };
    },
    'None stated.',
  );

  const informationTypes = listTable(
    gaps,
    system.information_types,
    'system.information_types',
    'Table K.1',
    [
      { key: 'title', label: 'Information Type' },
      { key: 'recommended', label: 'NIST SP 800-60 Recommended C/I/A' },
      { key: 'selected', label: 'CSP Selected C/I/A' },
      { key: 'justification', label: 'Statement for Impact Adjustment Justification' },
    ],
    (t) => {
      const levels = (['confidentiality', 'integrity', 'availability'] as const).map((k) => levelOf(t[k]));
      const adjusted = levels.some((l) => l.recommended !== undefined && l.recommended !== l.selected);
      const justifications = levels.flatMap((l, i) => (l.justification ? [`${['C', 'I', 'A'][i]!}: ${l.justification}`] : []));
      return {
        title: cell(`${text(t.id) ? `${text(t.id)!} ` : ''}${text(t.title) ?? ''}`),
        recommended: cell(levels.map((l) => l.recommended ?? l.selected).join(' / ')),
        selected: cell(levels.map((l) => l.selected).join(' / ')),
        justification: cell(justifications.join('; ') || (adjusted ? 'Adjusted (no justification stated)' : 'No adjustment')),
      };
    },
    'None stated.',
  );

  const narrative = {
    description: gaps.fact(text(system.description), 'system.description', 'Section 8.2'),
    boundary: gaps.fact(text(system.authorization_boundary), 'system.authorization_boundary', 'Section 8.2'),
  };
  // One gap per key: the description is asked for in Table 3.1 and 8.2 alike.
  const seen = new Set<string>();
  const unique = gaps.list.filter((g) => (seen.has(g.key) ? false : (seen.add(g.key), true)));
  return {
    information,
    owner,
    isso,
    leveraged,
    external,
    narrative,
    ports,
    crypto,
    roles,
    informationTypes,
    gaps: unique,
    names: {
      system: systemName ?? input.tenantName,
      csp: csp ?? input.tenantName,
      ...(systemId ? { systemId } : {}),
      ...(impact ? { impactLevel: impact } : {}),
    },
  };
}
