/** The workspace configuration (infracast.yaml), with defaults applied by the load stage. */
import type { Classification, DefinitionOptions, ImpactLevel, OutputFormat } from './definitions.js';

export interface Person {
  name: string;
  email?: string;
  role?: string;
  organization?: string;
}

export interface WorkspaceConfig {
  /** Absolute path of the workspace root (the folder holding infracast.yaml). */
  root: string;
  tenant: { id: string; name: string };
  system: {
    name: string;
    id?: string;
    abbreviation?: string;
    description?: string;
    csp_name?: string;
    /** Overall FIPS 199 level: the highest of the objectives when given per objective. */
    impactLevel: ImpactLevel;
    fips199: ImpactLevel | { confidentiality: ImpactLevel; integrity: ImpactLevel; availability: ImpactLevel };
    owner?: Person;
    authorizing_official?: Person;
    isso?: Person;
    /** CAGE codes in the assessment's scope (SPRS posting, DFARS 252.204-7019). */
    cage_codes?: string[];
    uei?: string;
    /** The SSP the assessment is against (SPRS posting). */
    ssp?: { title?: string; version: string; date: string };
  };
  /** Default frameworks for definitions that name none (may be empty). */
  frameworks: string[];
  /** The built-in crosswalks in force (infracast.yaml `crosswalks`); undefined: all of them. */
  crosswalks?: string[];
  /** findings.sources: files and globs relative to the root (the path of each {path, observed_at} entry). */
  findingsSources: string[];
  /** The sources that declare when their exports were observed, in the order written (the first that lists a file decides). */
  findingsObservedAt: { source: string; observedAt: string }[];
  /** How CSV exports are read (column names by field, in the loaders' camelCase). */
  findingsCsv?: { delimiter?: string; tool?: string; columns?: Record<string, string> };
  /** Absolute folders. */
  outputDir: string;
  templatesDir: string;
  stateDir: string;
  timezone: string;
  defaultFormats: OutputFormat[];
  defaultOptions: DefinitionOptions;
  network: { allow: boolean; allowedHosts: string[] };
  /** The rest, as written (signing, redaction, poam, cui, mail): read by the stages that use them. */
  raw: Record<string, unknown>;
  classification?: string | Classification;
}

/**
 * Why the network policy forbids contacting `host` (the words of infracast.yaml), or undefined when it
 * allows it: `network.allow: true` and the host in `network.allowed_hosts`, compared case-insensitively.
 */
export function networkRefusal(network: WorkspaceConfig['network'], host: string): string | undefined {
  const listed = network.allowedHosts.some((h) => h.toLowerCase() === host.toLowerCase());
  if (network.allow && listed) return undefined;
  return `network.allow is ${String(network.allow)} and ${host} is ${listed ? '' : 'not '}in network.allowed_hosts`;
}
