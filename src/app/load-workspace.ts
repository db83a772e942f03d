/**
 * The load stage: workspace YAML -> validated definitions (DESIGN.md). Reads infracast.yaml and
 * every definition file, infers each document's kind, validates it against its schema and the
 * rules, then applies the cross-file rules. It collects every problem instead of stopping.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { BUILT_IN_FRAMEWORK_IDS } from '../catalogs/frameworks.js';
import { compareDiagnostics } from '../diagnostics.js';
import type { Diagnostic } from '../diagnostics.js';
import type { YamlDocument } from '../io/yaml-source.js';
import { readYamlFile } from '../io/yaml-source.js';
import { MARKDOWN_FILE, readControlMarkdownSync } from '../io/control-markdown.js';
import { CONFIG_FILE, escapeRoute, fileStem, folderOf, listWorkspaceFiles, resolveReference } from '../io/workspace.js';
import type { WorkspaceConfig } from '../model/config.js';
import { KINDS } from '../model/definitions.js';
import type { DefinitionOptions, DefinitionSource, ImpactLevel, Kind, OutputDefinition, OutputFormat, ScheduleDefinition } from '../model/definitions.js';
import { DEFINITION_FOLDERS, inferKind, KIND_OF_FOLDER, MARKDOWN_FOLDERS, SCHEMA_OF_KIND } from '../schema/kinds.js';
import { checkConfig, checkOutputDefinition, checkSchedule, checkSupportingDocument, inlineBody, slugify } from '../schema/rules.js';
import type { Reference, RuleContext, RuleResult } from '../schema/rules.js';
import { didYouMean } from '../schema/suggest.js';
import { checkAgainstSchema } from '../schema/validate-schema.js';
import { ContentCache } from '../io/cache.js';
import { sspReferenceRules } from './ssp-rules.js';
import { attestationConflictRules, controlIdRules, crossFileRules, diagnosticAt } from './workspace-rules.js';
import { checkFindingsSources } from './findings-check.js';
import { outputFolderDiagnostics } from './output-folder.js';
import { outputNameRules } from './output-names.js';
import { controlStatementRules } from './ssp-statement-rules.js';

export interface LoadOptions {
  /** The instant expiry is judged at. */
  at: Date;
  /** Expired attestations and exceptions are errors. */
  strict?: boolean;
  /** Files to read besides the workspace folders (e.g. given on the command line). */
  extraFiles?: string[];
  /** Parse and schema-validity cache; default from the environment (see io/cache.ts). */
  cache?: ContentCache;
}

/** A document as loaded: its kind and why (validate --verbose prints these). */
export interface LoadedDocument {
  source: DefinitionSource;
  kind: Kind;
  kindReason: string;
}

/** Attestations, exceptions, control statements, mappings and inventories, as written and validated. */
export interface SupportingRecord {
  kind: Exclude<Kind, 'Config' | 'Report' | 'Document' | 'Schedule'>;
  value: Record<string, unknown>;
  source: DefinitionSource;
  /** 1-based line where the document starts (reasons and conflicts cite file:line). */
  line?: number;
}

export interface LoadedWorkspace {
  root: string;
  /** Undefined when infracast.yaml itself is invalid. */
  config?: WorkspaceConfig;
  files: string[];
  /** The findings files of the configured sources (sniffed: unrecognised ones are diagnostics). */
  findingsFiles: string[];
  documents: LoadedDocument[];
  outputs: OutputDefinition[];
  schedules: ScheduleDefinition[];
  records: SupportingRecord[];
  diagnostics: Diagnostic[];
}

type Body = Record<string, unknown>;
const isRecord = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

const LEVELS: ImpactLevel[] = ['low', 'moderate', 'high'];

function buildConfig(root: string, body: Body): WorkspaceConfig {
  const system = body.system as Body;
  const fips = system.fips199 as WorkspaceConfig['system']['fips199'];
  const impactLevel = typeof fips === 'string' ? fips : (LEVELS[Math.max(...Object.values(fips).map((l) => LEVELS.indexOf(l)))] ?? 'high');
  const defaults = isRecord(body.defaults) ? body.defaults : {};
  const network = isRecord(body.network) ? body.network : {};
  const findings = isRecord(body.findings) ? body.findings : {};
  // A source is a glob, or {path, observed_at} (the schema has checked which).
  const sources = Array.isArray(findings.sources) ? (findings.sources as (string | { path: string; observed_at?: string })[]) : undefined;
  const defaultOptions = isRecord(defaults.options) ? { ...defaults.options } : {};
  if ('logo_url' in defaultOptions && !('organization_logo' in defaultOptions)) defaultOptions.organization_logo = defaultOptions.logo_url;
  delete defaultOptions.logo_url;
  return {
    root,
    tenant: body.tenant as WorkspaceConfig['tenant'],
    system: { ...(system as unknown as WorkspaceConfig['system']), fips199: fips, impactLevel },
    frameworks: Array.isArray(body.frameworks) ? (body.frameworks as string[]) : [],
    ...(Array.isArray(body.crosswalks) ? { crosswalks: body.crosswalks as string[] } : {}),
    findingsSources: sources ? sources.map((s) => (typeof s === 'string' ? s : s.path)) : ['findings/**/*'],
    findingsObservedAt: (sources ?? []).flatMap((s) =>
      typeof s === 'string' || s.observed_at === undefined ? [] : [{ source: s.path, observedAt: s.observed_at }],
    ),
    ...(isRecord(findings.csv) ? { findingsCsv: csvOptions(findings.csv) } : {}),
    outputDir: join(root, typeof body.output === 'string' ? body.output : 'out'),
    templatesDir: join(root, typeof body.templates === 'string' ? body.templates : 'templates'),
    stateDir: join(root, typeof body.state === 'string' ? body.state : '.infracast'),
    timezone: typeof body.timezone === 'string' ? body.timezone : 'UTC',
    defaultFormats: Array.isArray(defaults.formats) ? (defaults.formats as OutputFormat[]) : ['md'],
    defaultOptions: defaultOptions as DefinitionOptions,
    network: { allow: network.allow === true, allowedHosts: Array.isArray(network.allowed_hosts) ? (network.allowed_hosts as string[]) : [] },
    raw: body,
  };
}

/** findings.csv as the loaders take it: column keys in camelCase (rule_id -> ruleId). */
function csvOptions(csv: Body): NonNullable<WorkspaceConfig['findingsCsv']> {
  const columns = isRecord(csv.columns)
    ? Object.fromEntries(Object.entries(csv.columns).map(([k, v]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), String(v)]))
    : undefined;
  return {
    ...(typeof csv.delimiter === 'string' ? { delimiter: csv.delimiter } : {}),
    ...(typeof csv.tool === 'string' ? { tool: csv.tool } : {}),
    ...(columns ? { columns } : {}),
  };
}

/** A Markdown file that is a definition: a control statement in its Markdown form, in controls/. */
export function isMarkdownDefinition(root: string, path: string): boolean {
  return MARKDOWN_FILE.test(path) && (MARKDOWN_FOLDERS as readonly string[]).includes(folderOf(root, path));
}

export async function loadWorkspace(root: string, options: LoadOptions): Promise<LoadedWorkspace> {
  const diagnostics: Diagnostic[] = [];
  const references: Reference[] = [];
  const collect = (result: RuleResult): void => {
    diagnostics.push(...result.diagnostics);
    references.push(...result.references);
  };
  const frameworks = new Set(BUILT_IN_FRAMEWORK_IDS);
  const ctx: RuleContext = { frameworks, config: undefined, at: options.at, strict: options.strict ?? false };
  const cache = options.cache ?? ContentCache.fromEnvironment();

  const { files: listed, dotFiles } = await listWorkspaceFiles(root, DEFINITION_FOLDERS, MARKDOWN_FOLDERS);
  const known = new Set(listed.map((f) => f.path));
  // A file named on the command line is read even when it is a dot-file; the others are reported, not read.
  for (const extra of options.extraFiles ?? []) if (!known.has(extra)) listed.push({ path: extra, folder: folderOf(root, extra) });
  for (const file of dotFiles.filter((f) => !options.extraFiles?.includes(f))) {
    diagnostics.push({
      file,
      line: 1,
      col: 1,
      severity: 'warning',
      code: 'ignored-file',
      message: 'ignored: dot-files are not read',
      hint: `Rename it without the leading '.' (${basename(file).replace(/^\.+/, '')}) to have it read, or move it out of the workspace's definition folders.`,
    });
  }
  // Custom catalogs declare frameworks that every other file (infracast.yaml included) may name:
  // collect their ids first; the files themselves are validated with the rest below.
  // Catalogs imported from OSCAL (`infracast catalog import`) are catalogs/<id>.json.
  try {
    for (const name of readdirSync(join(root, 'catalogs'))) if (name.endsWith('.json')) frameworks.add(name.slice(0, -'.json'.length));
  } catch {
    // no catalogs/ folder
  }
  for (const entry of listed.filter((f) => f.folder === 'catalogs' && !f.escapesTo)) {
    for (const doc of (await readYamlFile(entry.path, cache)).documents) {
      if (isRecord(doc.value) && typeof doc.value.id === 'string' && !BUILT_IN_FRAMEWORK_IDS.includes(doc.value.id)) frameworks.add(doc.value.id);
    }
  }

  // infracast.yaml first: its defaults feed every definition.
  const configPath = join(root, CONFIG_FILE);
  const configFile = await readYamlFile(configPath, cache);
  diagnostics.push(...configFile.diagnostics);
  const [configDoc, ...extraDocs] = configFile.documents;
  for (const extra of extraDocs)
    diagnostics.push(
      diagnosticAt(extra, [], 'multiple-documents', `${CONFIG_FILE} holds one YAML document, not ${configFile.documents.length}`, 'Remove the --- separators.'),
    );
  if (configDoc) {
    if (!isRecord(configDoc.value)) {
      diagnostics.push(
        diagnosticAt(
          configDoc,
          [],
          'not-a-mapping',
          `${CONFIG_FILE} must be a mapping of keys (tenant, system, frameworks...)`,
          'Run `infracast init` in an empty folder to see a complete example.',
        ),
      );
    } else {
      const schemaErrors = await checkAgainstSchema(configDoc, 'config', cache);
      diagnostics.push(...schemaErrors);
      if (schemaErrors.length === 0) {
        ctx.config = buildConfig(root, configDoc.value);
        const result = checkConfig(configDoc, configDoc.value, ctx);
        collect(result);
        // An unsafe output folder fails validation (so render never starts) but leaves the rest checkable.
        diagnostics.push(...(await outputFolderDiagnostics(root, configDoc, ctx.config)));
        if (result.diagnostics.some((d) => d.severity === 'error')) ctx.config = undefined;
      }
    }
  }

  const documents: LoadedDocument[] = [];
  const outputs: OutputDefinition[] = [];
  const schedules: ScheduleDefinition[] = [];
  const records: SupportingRecord[] = [];
  const outputDocs = new Map<OutputDefinition, YamlDocument>();
  const scheduleDocs = new Map<ScheduleDefinition, YamlDocument>();
  const recordDocs = new Map<SupportingRecord, YamlDocument>();

  for (const entry of listed) {
    if (entry.path === configPath) continue;
    if (entry.escapesTo) {
      diagnostics.push({
        file: entry.path,
        line: 1,
        col: 1,
        severity: 'error',
        code: 'outside-workspace',
        message: `symlink resolves outside the workspace (to ${entry.escapesTo})`,
        hint: 'Definitions must live inside the workspace: copy the file in instead of linking to it.',
      });
      continue;
    }
    const file = MARKDOWN_FILE.test(entry.path) ? readControlMarkdownSync(entry.path, cache) : await readYamlFile(entry.path, cache);
    diagnostics.push(...file.diagnostics);
    for (const doc of file.documents) {
      const source: DefinitionSource = { file: doc.file, index: doc.index, count: doc.count };
      if (!isRecord(doc.value)) {
        diagnostics.push(
          diagnosticAt(
            doc,
            [],
            'not-a-mapping',
            `a definition must be a mapping of keys, not ${Array.isArray(doc.value) ? 'a list' : typeof doc.value}`,
            'For example:\n  type: framework\n  framework: nist-800-53\n  format: pdf',
          ),
        );
        continue;
      }
      const decision = inferKind(doc.value, KIND_OF_FOLDER[entry.folder]);
      if (!decision) {
        const kinds = KINDS.filter((k) => k !== 'Config');
        diagnostics.push(
          diagnosticAt(
            doc,
            ['kind'],
            'invalid-value',
            `kind ${JSON.stringify(doc.value.kind)} is not a kind of definition${didYouMean(String(doc.value.kind), kinds)}`,
            `Use one of: ${kinds.join(', ')}; or leave kind out and let Infracast infer it.`,
          ),
        );
        continue;
      }
      documents.push({ source, kind: decision.kind, kindReason: decision.reason });
      // The rules run even when the schema fails (they check types themselves), so that one
      // pass reports every problem; a definition is kept only when both pass.
      const schemaErrors = await checkAgainstSchema(doc, SCHEMA_OF_KIND[decision.kind], cache);
      diagnostics.push(...schemaErrors);
      const schemaOk = schemaErrors.length === 0;
      const stemName = `${fileStem(doc.file)}${doc.count > 1 ? `-${doc.index + 1}` : ''}`;
      const outputName = (body: Body): string => (typeof body.name === 'string' && slugify(body.name)) || stemName;

      if (decision.kind === 'Report' || decision.kind === 'Document') {
        const { result, definition } = checkOutputDefinition(doc, decision.kind, decision.reason, doc.value, ctx, outputName(doc.value));
        collect(result);
        if (definition && schemaOk) {
          outputs.push(definition);
          outputDocs.set(definition, doc);
        }
      } else if (decision.kind === 'Schedule') {
        let inline: OutputDefinition | undefined;
        const body = inlineBody(doc.value);
        if (body) {
          const inlineDecision = inferKind(body);
          const inlineKind = inlineDecision?.kind === 'Document' ? 'Document' : 'Report';
          const inlineErrors = await checkAgainstSchema(doc, SCHEMA_OF_KIND[inlineKind], cache, body);
          diagnostics.push(...inlineErrors);
          const checked = checkOutputDefinition(doc, inlineKind, `inline in schedule: ${inlineDecision?.reason ?? ''}`, body, ctx, outputName(doc.value));
          collect(checked.result);
          inline = inlineErrors.length === 0 ? checked.definition : undefined;
          if (!inline) continue;
        }
        const { result, definition } = checkSchedule(doc, decision.reason, doc.value, ctx, inline);
        collect(result);
        if (definition && schemaOk) {
          schedules.push(definition);
          scheduleDocs.set(definition, doc);
          if (inline) {
            outputs.push(inline);
            outputDocs.set(inline, doc);
          }
        }
      } else if (decision.kind !== 'Config') {
        const result = checkSupportingDocument(doc, decision.kind, doc.value, ctx);
        collect(result);
        if (schemaOk && !result.diagnostics.some((d) => d.severity === 'error')) {
          const record: SupportingRecord = { kind: decision.kind, value: doc.value, source, line: doc.locate([]).line };
          records.push(record);
          recordDocs.set(record, doc);
        }
      }
    }
  }

  const findings = ctx.config && configDoc ? await checkFindingsSources(ctx.config, configDoc, cache) : { files: [], diagnostics: [] };
  diagnostics.push(...findings.diagnostics);
  diagnostics.push(...crossFileRules(root, outputs, outputDocs, schedules, scheduleDocs, records, recordDocs));
  diagnostics.push(...outputNameRules(root, outputs, outputDocs));
  diagnostics.push(...controlIdRules(records, recordDocs));
  diagnostics.push(...sspReferenceRules(ctx.config?.raw.system, records, recordDocs));
  diagnostics.push(...controlStatementRules(records, recordDocs));
  diagnostics.push(...attestationConflictRules(root, records, recordDocs, ctx.strict));
  diagnostics.push(...(await checkReferences(root, references)));

  return {
    root,
    ...(ctx.config ? { config: ctx.config } : {}),
    files: listed.map((f) => f.path),
    findingsFiles: findings.files,
    documents,
    outputs,
    schedules,
    records,
    diagnostics: dedupe(diagnostics).sort(compareDiagnostics),
  };
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}:${d.line}:${d.col}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Paths written in documents: inside the workspace (no `..`, absolute path or symlink out), present, digest right. */
async function checkReferences(root: string, references: Reference[]): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const ref of references) {
    const fixed = ref.isGlob ? (ref.value.split(/[*?[{]/)[0] ?? '') : ref.value;
    const resolved = await resolveReference(root, fixed === '' ? '.' : fixed);
    const at = (code: string, message: string, hint: string): void => {
      diagnostics.push(diagnosticAt(ref.doc, ref.path, code, message, hint));
    };
    if (resolved.escapes) {
      at(
        'outside-workspace',
        `'${ref.value}' resolves outside the workspace ${escapeRoute(resolved)}`,
        'Keep referenced files inside the workspace (e.g. under assets/), and refer to them by a relative path.',
      );
      continue;
    }
    if (ref.mustExist && !resolved.exists) {
      at(
        'missing-file',
        `'${ref.value}' does not exist in the workspace`,
        `Add the file at ${relative(process.cwd(), resolved.path) || '.'} or correct the path.`,
      );
      continue;
    }
    if (ref.sha256 && resolved.exists) {
      const actual = await sha256File(resolved.path);
      if (actual !== ref.sha256) {
        diagnostics.push(
          diagnosticAt(
            ref.doc,
            [...ref.path.slice(0, -1), 'sha256'],
            'digest-mismatch',
            `sha256 of '${ref.value}' is ${actual}, not the recorded ${ref.sha256}: the evidence changed after it was recorded`,
            'Review the file; if the change is intended, record the new digest (sha256sum FILE).',
          ),
        );
      }
    }
  }
  return diagnostics;
}
