/**
 * A generated inventory shaped like a real cloud estate, for the architecture diagram's
 * readability test (150 components) and its bench (500, scripts/bench-diagram.js): an authorization
 * boundary with workload accounts (each with VPCs of public, application and data subnets) and a
 * shared-services account, a corporate zone, and external users, partners and SaaS. Connections
 * go from tier to tier (users -> load balancers -> services -> data stores), every service logs to
 * the shared account, and some flows carry CUI or FCI, some are not encrypted or do not say.
 * Deterministic: the same count gives the same inventory.
 */

export interface EstateInventory {
  kind: 'Inventory';
  name: string;
  boundaries: { id: string; name: string; type: string; parent?: string }[];
  components: { id: string; name: string; type: string; boundary: string; provider?: string; handles?: string[] }[];
  connections: { from: string; to: string; protocol: string; port?: number; encrypted?: boolean; data?: string[] }[];
}

const SERVICES = ['orders', 'billing', 'search', 'cases', 'documents', 'reports', 'notify', 'audit', 'identity', 'ingest', 'export', 'scheduler'];
const STORES: { type: string; name: string; protocol: string; port: number }[] = [
  { type: 'database', name: 'Aurora PostgreSQL', protocol: 'PostgreSQL over TLS', port: 5432 },
  { type: 'storage', name: 'S3 bucket', protocol: 'HTTPS (S3 endpoint)', port: 443 },
  { type: 'queue', name: 'SQS queue', protocol: 'HTTPS (SQS)', port: 443 },
  { type: 'database', name: 'ElastiCache Redis', protocol: 'Redis', port: 6379 },
];

export function estateInventory(count: number): EstateInventory {
  const inventory: EstateInventory = { kind: 'Inventory', name: `Generated estate (${count} components)`, boundaries: [], components: [], connections: [] };
  const { boundaries, components, connections } = inventory;
  boundaries.push(
    { id: 'ab', name: 'Estate authorization boundary (FedRAMP Moderate)', type: 'authorization-boundary' },
    { id: 'shared', name: 'AWS account 100000000001 (shared services)', type: 'account', parent: 'ab' },
    { id: 'corp', name: 'Corporate network (outside the boundary)', type: 'zone' },
    { id: 'internet', name: 'Internet, customers and external services', type: 'external' },
  );
  // Outside the boundary and shared services: a fixed dozen or so.
  components.push(
    { id: 'users', name: 'Agency users', type: 'user', boundary: 'internet', handles: ['cui'] },
    { id: 'partner', name: 'Logistics partner', type: 'external', boundary: 'internet', handles: ['fci'] },
    { id: 'okta', name: 'Okta Workforce Identity', type: 'saas', boundary: 'internet', provider: 'okta' },
    { id: 'github', name: 'GitHub Enterprise Cloud', type: 'saas', boundary: 'internet', provider: 'github' },
    { id: 'pagerduty', name: 'PagerDuty', type: 'saas', boundary: 'internet', provider: 'pagerduty' },
    { id: 'admins', name: 'Administrators on managed laptops', type: 'user', boundary: 'corp', handles: ['cui'] },
    { id: 'log-archive', name: 'CloudTrail log archive', type: 'logging', boundary: 'shared', provider: 'aws' },
    { id: 'siem', name: 'Security Hub and GuardDuty', type: 'security', boundary: 'shared', provider: 'aws' },
    { id: 'kms', name: 'KMS customer managed keys', type: 'security', boundary: 'shared', provider: 'aws' },
    { id: 'sso', name: 'IAM Identity Center', type: 'identity', boundary: 'shared', provider: 'aws' },
  );
  connections.push(
    { from: 'admins', to: 'okta', protocol: 'HTTPS', port: 443, encrypted: true, data: ['pii'] },
    { from: 'okta', to: 'sso', protocol: 'SAML 2.0', port: 443, encrypted: true },
    { from: 'log-archive', to: 'siem', protocol: 'AWS service integration', encrypted: true, data: ['telemetry'] },
    { from: 'siem', to: 'pagerduty', protocol: 'HTTPS (webhook)', port: 443, encrypted: true, data: ['telemetry'] },
  );
  // The rest in workload subnets: a quarter load balancers and data stores, half services.
  const workloads = Math.max(1, Math.round((count - components.length) / 28));
  const subnets: { id: string; tier: 'public' | 'app' | 'data'; vpc: number }[] = [];
  for (let w = 0; w < workloads; w++) {
    const account = `acct-${w}`;
    boundaries.push({ id: account, name: `AWS account 2000000000${String(w).padStart(2, '0')} (workload ${w})`, type: 'account', parent: 'ab' });
    const vpc = `vpc-${w}`;
    boundaries.push({ id: vpc, name: `VPC ${w}, ${w % 2 === 0 ? 'us-east-1' : 'us-west-2'}`, type: 'vpc', parent: account });
    for (const tier of ['public', 'app', 'data'] as const) {
      const id = `${vpc}-${tier}`;
      boundaries.push({
        id,
        name: `${tier === 'public' ? 'Public' : tier === 'app' ? 'Private application' : 'Private data'} subnets`,
        type: 'subnet',
        parent: vpc,
      });
      subnets.push({ id, tier, vpc: w });
    }
  }
  const left = count - components.length;
  const shares = { public: Math.max(1, Math.round(left * 0.14)), data: Math.max(1, Math.round(left * 0.3)) };
  const tierCounts = { public: shares.public, app: left - shares.public - shares.data, data: shares.data };
  const byTier = { public: [] as string[][], app: [] as string[][], data: [] as string[][] };
  for (const tier of ['public', 'app', 'data'] as const) {
    const inTier = subnets.filter((s) => s.tier === tier);
    inTier.forEach(() => byTier[tier].push([]));
    for (let i = 0; i < tierCounts[tier]; i++) {
      const s = i % inTier.length;
      const subnet = inTier[s]!;
      const n = byTier[tier][s]!.length;
      const id = `${tier}-${subnet.vpc}-${n}`;
      const cui = (subnet.vpc + n) % 3 !== 2;
      if (tier === 'public')
        components.push({
          id,
          name: `Application load balancer ${subnet.vpc}.${n}`,
          type: 'load-balancer',
          boundary: subnet.id,
          provider: 'aws',
          handles: [cui ? 'cui' : 'fci'],
        });
      else if (tier === 'app') {
        const service = SERVICES[(subnet.vpc * 5 + n) % SERVICES.length]!;
        components.push({
          id,
          name: `${service} service ${subnet.vpc}.${n} (EKS)`,
          type: n % 4 === 3 ? 'function' : 'container',
          boundary: subnet.id,
          provider: 'aws',
          handles: cui ? ['cui'] : [],
        });
      } else {
        const store = STORES[n % STORES.length]!;
        components.push({ id, name: `${store.name} ${subnet.vpc}.${n}`, type: store.type, boundary: subnet.id, provider: 'aws', handles: cui ? ['cui'] : [] });
      }
      byTier[tier][s]!.push(id);
    }
  }
  // Tier to tier within each VPC, round robin; the first balancer of each VPC faces the users.
  subnets
    .filter((s) => s.tier === 'app')
    .forEach((_, v) => {
      const balancers = byTier.public[v] ?? [];
      const services = byTier.app[v] ?? [];
      const stores = byTier.data[v] ?? [];
      balancers.forEach((lb, i) => {
        connections.push({
          from: i % 3 === 2 ? 'partner' : 'users',
          to: lb,
          protocol: 'HTTPS',
          port: 443,
          encrypted: true,
          data: [i % 3 === 2 ? 'fci' : 'cui'],
        });
      });
      services.forEach((service, i) => {
        if (balancers.length > 0)
          connections.push({ from: balancers[i % balancers.length]!, to: service, protocol: 'HTTPS', port: 8443, encrypted: true, data: ['cui'] });
        if (stores.length > 0) {
          const storeId = stores[i % stores.length]!;
          const store = STORES[(i % stores.length) % STORES.length]!;
          const encrypted = store.port === 6379 ? (i % 2 === 0 ? false : undefined) : true;
          connections.push({
            from: service,
            to: storeId,
            protocol: store.protocol,
            port: store.port,
            ...(encrypted !== undefined ? { encrypted } : {}),
            data: ['cui'],
          });
        }
        if (i % 4 === 0) connections.push({ from: service, to: 'log-archive', protocol: 'HTTPS (Firehose)', port: 443, encrypted: true, data: ['telemetry'] });
        if (i % 6 === 1) connections.push({ from: service, to: 'kms', protocol: 'HTTPS', port: 443, encrypted: true });
      });
      connections.push({ from: 'github', to: services[0] ?? 'log-archive', protocol: 'HTTPS (deploy)', port: 443, encrypted: true });
    });
  return inventory;
}
