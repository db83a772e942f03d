/**
 * Rules beyond what JSON Schema can say, per document: known frameworks, format for the type,
 * mutually exclusive keys, classification markings, time zones, expiry. Pure: file checks that
 * need IO are returned as `references` for the load stage to resolve.
 */
import type { Diagnostic, Severity } from '../diagnostics.js';
import type { PathSegment, YamlDocument } from '../io/yaml-source.js';
import type { WorkspaceConfig } from '../model/config.js';
import { FORMATS_OF_TYPE } from '../model/definitions.js';
import { ANY_FRAMEWORK, typeRow } from '../model/output-types.js';
import type {
  Baseline,
  DefinitionOptions,
  DocumentSubtype,
  Kind,
  OutputDefinition,
  OutputFormat,
  ReportType,
  DocumentType,
  ScheduleDefinition,
} from '../model/definitions.js';
import { BUILT_IN_FRAMEWORK_IDS, FRAMEWORK_OF_SUBTYPE } from '../catalogs/frameworks.js';
import { timeZones as buildTimeZones } from '../generated/build-info.js';
import { Cron } from 'croner';
import { parseDuration } from '../model/duration.js';
import { didYouMean } from './suggest.js';
import { disseminationProblem, isComposedCui, LIMITED_DISSEMINATION_CONTROLS } from '../model/cui-marking.js';

/** A path written in a document that must resolve inside the workspace (and maybe exist, with a digest). */
export interface Reference {
  doc: YamlDocument;
  path: PathSegment[];
  value: string;
  mustExist: boolean;
  sha256?: string;
  /** Globs may name files that do not exist yet; only their fixed prefix is checked. */
  isGlob?: boolean;
}

export interface RuleContext {
  /** Framework ids a definition may name. */
  frameworks: ReadonlySet<string>;
  config: WorkspaceConfig | undefined;
  /** The instant expiry is judged at. */
  at: Date;
  /** Expired attestations and exceptions are errors instead of warnings. */
  strict: boolean;
}

export interface RuleResult {
  diagnostics: Diagnostic[];
  references: Reference[];
}

type Body = Record<string, unknown>;

function isRecord(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Findings implements RuleResult {
  diagnostics: Diagnostic[] = [];
  references: Reference[] = [];
  constructor(private readonly doc: YamlDocument) {}

  add(path: PathSegment[], code: string, message: string, hint?: string, severity: Severity = 'error', target: 'key' | 'value' = 'value'): void {
    const { line, col } = this.doc.locate(path, target);
    this.diagnostics.push({ file: this.doc.file, line, col, severity, code, message, ...(hint ? { hint } : {}) });
  }

  reference(path: PathSegment[], value: unknown, mustExist: boolean, extra: Partial<Reference> = {}): void {
    if (typeof value === 'string' && value.length > 0) this.references.push({ doc: this.doc, path, value, mustExist, ...extra });
  }
}

/** Lower-case slug used for output names: "Weekly Security Summary" -> weekly-security-summary. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const isUrl = (value: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(value);

function checkFramework(out: Findings, ctx: RuleContext, path: PathSegment[], id: unknown): void {
  if (typeof id !== 'string' || ctx.frameworks.has(id)) return;
  out.add(path, 'unknown-framework', `unknown framework '${id}'${didYouMean(id, ctx.frameworks)}`, `Known frameworks: ${[...ctx.frameworks].join(', ')}.`);
}

/** A known framework that the definition's type does not take (the type table, model/output-types.ts). */
function checkAccepted(out: Findings, path: PathSegment[], what: string, accepted: readonly string[], id: string): void {
  if (accepted.includes(id)) return;
  if (accepted.length === 0) out.add(path, 'framework-not-accepted', `${what} takes no framework, not '${id}'`, `Remove ${String(path[0])}.`);
  else
    out.add(
      path,
      'framework-not-accepted',
      `${what} does not take framework '${id}': it takes ${accepted.join(', ')}`,
      `Use one of them (\`infracast types\` lists every type's frameworks and formats).`,
    );
}

const OBSOLETE_MARKINGS = /^(FOUO|FOR OFFICIAL USE ONLY|SBU|SENSITIVE BUT UNCLASSIFIED|LES)\b/i;

function checkClassification(out: Findings, path: PathSegment[], value: unknown): void {
  const banner = typeof value === 'string' ? value : isRecord(value) && typeof value.banner === 'string' ? value.banner : undefined;
  if (banner === undefined) return;
  if (OBSOLETE_MARKINGS.test(banner.trim())) {
    out.add(
      typeof value === 'string' ? path : [...path, 'banner'],
      'obsolete-marking',
      `classification '${banner}' is an obsolete marking: FOUO and other legacy markings were replaced by CUI (32 CFR 2002)`,
      "Use 'CUI' (or the structured form with banner, categories, dissemination and designation).",
    );
  }
  if (!isRecord(value)) return;
  const dissemination = Array.isArray(value.dissemination) ? value.dissemination : [];
  dissemination.forEach((control, index) => {
    if (typeof control !== 'string') return;
    const problem = disseminationProblem(control);
    if (problem === undefined) return;
    out.add(
      [...path, 'dissemination', index],
      'unknown-dissemination-control',
      `${problem}${didYouMean(control, LIMITED_DISSEMINATION_CONTROLS)}`,
      `Limited dissemination controls (CUI Registry): ${LIMITED_DISSEMINATION_CONTROLS.map((c) => (c === 'REL TO' ? 'REL TO [USA, ...]' : c)).join(', ')}.`,
    );
  });
  const categories = Array.isArray(value.categories) ? value.categories : [];
  if ((categories.length > 0 || dissemination.length > 0) && !isComposedCui({ banner })) {
    out.add(
      [...path, 'banner'],
      'banner-not-composed',
      `banner '${banner}' is printed as written: categories and dissemination are composed into the banner only when banner is CUI`,
      'Write banner: CUI; Infracast composes the banner line (e.g. CUI//SP-CTI//NOFORN) from categories and dissemination.',
      'warning',
    );
  }
}

/** Checks the options shared by every type; returns them with logo_url folded into organization_logo. */
function checkOptions(out: Findings, ctx: RuleContext, base: PathSegment[], options: Body): DefinitionOptions {
  const merged: Body = { ...(ctx.config?.defaultOptions ?? {}), ...options };
  if ('logo_url' in options && 'organization_logo' in options) {
    out.add(
      [...base, 'logo_url'],
      'conflicting-keys',
      'logo_url and organization_logo both set: logo_url is an alias of organization_logo',
      'Keep one of them.',
      'error',
      'key',
    );
  }
  if ('logo_url' in merged) {
    if (!('organization_logo' in options)) merged.organization_logo = merged.logo_url;
    delete merged.logo_url;
  }
  const logoKey = 'logo_url' in options ? 'logo_url' : 'organization_logo';
  const logo = options[logoKey];
  if (typeof logo === 'string' && !isUrl(logo)) out.reference([...base, logoKey], logo, true);
  if (typeof logo === 'string' && isUrl(logo) && !/^https:\/\//i.test(logo)) {
    out.add([...base, logoKey], 'insecure-url', `logo URL '${logo}' is not https`, 'Use an https URL or a workspace asset such as assets/logo.png.');
  }
  checkClassification(out, [...base, 'classification'], options.classification);
  const window = options.window;
  if (isRecord(window) && typeof window.from === 'string' && typeof window.to === 'string' && Date.parse(window.from) > Date.parse(window.to)) {
    out.add([...base, 'window', 'to'], 'invalid-window', `window ends (${window.to}) before it starts (${window.from})`, 'Swap from and to.');
  }
  return merged as DefinitionOptions;
}

/** Checks a Report or Document body (also a schedule's inline body) and builds its definition. */
export function checkOutputDefinition(
  doc: YamlDocument,
  kind: 'Report' | 'Document',
  kindReason: string,
  body: Body,
  ctx: RuleContext,
  outputName: string,
): { result: RuleResult; definition?: OutputDefinition } {
  const out = new Findings(doc);
  const type = body.type as ReportType | DocumentType | undefined;
  const allowedFormats = type ? FORMATS_OF_TYPE[kind][type] : undefined;
  if ('format' in body && 'formats' in body) {
    out.add(['formats'], 'conflicting-keys', 'format and formats both set', 'Use format for one format or formats for a list, not both.', 'error', 'key');
  }
  if ('framework' in body && 'frameworks' in body) {
    out.add(
      ['frameworks'],
      'conflicting-keys',
      'framework and frameworks both set',
      'Use framework for one framework or frameworks for a list, not both.',
      'error',
      'key',
    );
  }
  const row = type ? typeRow(kind, type) : undefined;
  // The frameworks this type takes (undefined: any known one); an unknown id is reported once, as unknown.
  // far-dfars-compliance evaluates what its report_subtype implies: a framework that differs is a conflict (below).
  const accepted = row && row.frameworks !== ANY_FRAMEWORK && type !== 'far-dfars-compliance' ? row.frameworks : undefined;
  const checkNamed = (path: PathSegment[], id: unknown): void => {
    checkFramework(out, ctx, path, id);
    if (typeof id === 'string' && ctx.frameworks.has(id) && accepted) checkAccepted(out, path, `${kind.toLowerCase()} type ${String(type)}`, accepted, id);
  };
  checkNamed(['framework'], body.framework);
  if (Array.isArray(body.frameworks)) body.frameworks.forEach((f, i) => checkNamed(['frameworks', i], f));
  if ('report_subtype' in body && type !== 'far-dfars-compliance') {
    out.add(
      ['report_subtype'],
      'not-applicable-key',
      `report_subtype applies only to type far-dfars-compliance, not ${String(type)}`,
      'Remove report_subtype, or set type: far-dfars-compliance.',
      'error',
      'key',
    );
  }

  const subtype = body.report_subtype as DocumentSubtype | undefined;
  let frameworks: string[] = typeof body.framework === 'string' ? [body.framework] : Array.isArray(body.frameworks) ? (body.frameworks as string[]) : [];
  if (type === 'far-dfars-compliance' && subtype) {
    const implied = FRAMEWORK_OF_SUBTYPE[subtype];
    if (implied && frameworks.length > 0 && !(frameworks.length === 1 && frameworks[0] === implied)) {
      out.add(
        ['framework'],
        'conflicting-keys',
        `report_subtype ${subtype} evaluates ${implied}; framework says ${frameworks.join(', ')}`,
        `Remove framework (it is implied by report_subtype) or set it to ${implied}.`,
      );
    }
    if (implied) frameworks = [implied];
  }
  const needsFramework = accepted?.length !== 0 && type !== 'far-dfars-compliance';
  if (frameworks.length === 0 && needsFramework) {
    const defaults = ctx.config?.frameworks ?? [];
    frameworks = defaults.filter((f) => !accepted || accepted.includes(f));
    if (frameworks.length === 0 && ctx.config && defaults.length === 0) {
      out.add(
        [],
        'missing-framework',
        'no framework: the definition names none and infracast.yaml has no default frameworks',
        `Add framework: ${accepted?.[0] ?? 'nist-800-53'} (or another id) here, or frameworks: [...] to infracast.yaml.`,
      );
    } else if (frameworks.length === 0 && ctx.config && accepted) {
      out.add(
        [],
        'missing-framework',
        `no framework: the definition names none, and none of infracast.yaml's default frameworks (${defaults.join(', ')}) is one ${String(type)} takes (${accepted.join(', ')})`,
        `Add framework: ${accepted[0]} (or another of them) here.`,
      );
    }
  }
  const baseline = body.baseline as Baseline | undefined;
  if (baseline !== undefined && baseline !== 'none' && !frameworks.includes('nist-800-53')) {
    out.add(
      ['baseline'],
      'not-applicable-key',
      `baseline selects an SP 800-53B baseline; it applies only to framework nist-800-53 (this definition evaluates ${frameworks.join(', ') || 'no framework'})`,
      'Remove baseline, or use a FedRAMP framework id (fedramp-low/moderate/high) for FedRAMP baselines.',
      'error',
      'key',
    );
  }

  let formats: OutputFormat[] =
    typeof body.format === 'string' ? [body.format as OutputFormat] : Array.isArray(body.formats) ? (body.formats as OutputFormat[]) : [];
  if (formats.length === 0 && allowedFormats) {
    const defaults = (ctx.config?.defaultFormats ?? ['md']).filter((f) => allowedFormats.includes(f));
    formats = defaults.length > 0 ? defaults : [allowedFormats[0] as OutputFormat];
  }

  const options = checkOptions(out, ctx, ['options'], isRecord(body.options) ? body.options : {});
  const errors = out.diagnostics.some((d) => d.severity === 'error');
  if (errors || !type) return { result: out };
  return {
    result: out,
    definition: {
      kind,
      kindReason,
      outputName,
      ...(typeof body.name === 'string' ? { name: body.name } : {}),
      type,
      ...(subtype ? { reportSubtype: subtype } : {}),
      frameworks,
      ...(baseline ? { baseline } : {}),
      formats,
      options,
      source: { file: doc.file, index: doc.index, count: doc.count },
    },
  };
}

let timeZones: Set<string> | undefined;
// The zones known at build time answer without touching Intl, whose first use costs tens of
// milliseconds of ICU start-up; zones not in that list are checked with Intl.
const zoneValidity = new Map<string, boolean>(buildTimeZones.map((zone) => [zone, true]));
function isTimeZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    try {
      // Validation only (never used to format artifacts): Intl knows the IANA zones. Creating a
      // formatter is slow (ICU), so each zone is checked once per process.
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      valid = true;
    } catch {
      valid = false;
    }
    zoneValidity.set(zone, valid);
  }
  return valid;
}
function knownTimeZones(): Set<string> {
  timeZones ??= new Set([...buildTimeZones, ...Intl.supportedValuesOf('timeZone')]);
  return timeZones;
}

export function checkTimeZone(out: Findings, path: PathSegment[], zone: unknown): void {
  if (typeof zone !== 'string' || isTimeZone(zone)) return;
  out.add(
    path,
    'invalid-timezone',
    `unknown time zone '${zone}'${didYouMean(zone, knownTimeZones())}`,
    'Use an IANA time zone name such as America/New_York, Europe/London or UTC.',
  );
}

/** The keys of a schedule body that form its inline definition (the spec's schedule body). */
const INLINE_KEYS = ['type', 'report_subtype', 'framework', 'frameworks', 'baseline', 'format', 'formats', 'options'] as const;

export function inlineBody(body: Body): Body | undefined {
  if (!('type' in body)) return undefined;
  const inline: Body = {};
  for (const key of INLINE_KEYS) if (key in body) inline[key] = body[key];
  return inline;
}

export function checkSchedule(
  doc: YamlDocument,
  kindReason: string,
  body: Body,
  ctx: RuleContext,
  inline: OutputDefinition | undefined,
): { result: RuleResult; definition?: ScheduleDefinition } {
  const out = new Findings(doc);
  const hasReports = 'reports' in body;
  const hasInline = 'type' in body;
  if (hasReports && hasInline) {
    out.add(
      ['reports'],
      'conflicting-keys',
      'a schedule either lists reports or carries an inline definition (type, format, options), not both',
      'Move the inline definition to reports/ and list its name, or remove reports.',
      'error',
      'key',
    );
  } else if (!hasReports && !hasInline) {
    out.add(
      [],
      'missing-key',
      'a schedule needs reports: [names of definitions] or an inline definition (type, format, options)',
      'Add reports: [name] naming definitions in reports/, or type: executive (the spec form).',
    );
  } else if (!hasReports && 'options' in body === false && !('format' in body) && !('formats' in body)) {
    // fine: inline definitions may rely on defaults
  }
  for (const key of ['framework', 'frameworks', 'baseline', 'format', 'formats', 'options', 'report_subtype'] as const) {
    if (key in body && !hasInline)
      out.add(
        [key],
        'not-applicable-key',
        `${key} belongs to an inline definition, which needs a type`,
        'Add type, or set this on the definitions in reports/.',
        'error',
        'key',
      );
  }
  const frequency = body.frequency as ScheduleDefinition['frequency'] | undefined;
  const cron = typeof body.cron === 'string' ? body.cron.trim().split(/\s+/).join(' ') : undefined;
  checkWhen(out, body, frequency, cron);
  checkTimeZone(out, ['timezone'], body.timezone);
  const catchUpText = typeof body.catch_up === 'string' ? body.catch_up : undefined;
  const catchUpMs = catchUpText === undefined ? undefined : parseDuration(catchUpText);
  if (catchUpText !== undefined && catchUpMs === undefined)
    out.add(
      ['catch_up'],
      'invalid-duration',
      `catch_up '${catchUpText}' is not a duration of more than zero`,
      'Write a number and a unit (30m, 6h, 2d, 1w) or ISO 8601 (PT6H, P1D).',
    );
  const errors = out.diagnostics.some((d) => d.severity === 'error');
  if (errors || typeof body.name !== 'string' || (!frequency && !cron)) return { result: out };
  return {
    result: out,
    definition: {
      kind: 'Schedule',
      kindReason,
      name: body.name,
      ...(frequency ? { frequency, time: typeof body.time === 'string' ? body.time : '00:00' } : {}),
      ...(body.day !== undefined ? { day: body.day as string | number } : {}),
      ...(cron ? { cron } : {}),
      timezone: typeof body.timezone === 'string' ? body.timezone : (ctx.config?.timezone ?? 'UTC'),
      enabled: body.enabled !== false,
      ...(catchUpText !== undefined && catchUpMs !== undefined ? { catchUp: { text: catchUpText, ms: catchUpMs } } : {}),
      recipients: Array.isArray(body.recipients) ? (body.recipients as string[]) : [],
      reports: inline ? [inline.outputName] : Array.isArray(body.reports) ? (body.reports as string[]) : [],
      ...(inline ? { inline } : {}),
      source: { file: doc.file, index: doc.index, count: doc.count },
    },
  };
}

/** When a schedule is due: frequency (with its day) or a raw cron, never both. */
function checkWhen(out: Findings, body: Body, frequency: ScheduleDefinition['frequency'] | undefined, cron: string | undefined): void {
  if (cron !== undefined) {
    for (const key of ['frequency', 'day', 'time'] as const) {
      if (key in body)
        out.add(
          [key],
          'conflicting-keys',
          `cron and ${key} cannot be used together: cron says on its own when the schedule is due`,
          `Remove ${key}, or remove cron and use frequency${key === 'frequency' ? '' : `, day and time`}.`,
          'error',
          'key',
        );
    }
    const problem = cronProblem(cron);
    if (problem)
      out.add(
        ['cron'],
        'invalid-cron',
        `cron '${cron}' ${problem}`,
        'Write 5 fields: minute hour day-of-month month day-of-week, e.g. "0 7 * * 1" (Mondays at 07:00).',
      );
    return;
  }
  if (!frequency) {
    out.add(
      [],
      'missing-key',
      'a schedule needs frequency (daily, weekly, monthly, quarterly) or cron',
      'Add frequency: weekly with day: monday and time: "07:00", or cron: "0 7 * * 1".',
    );
    return;
  }
  if ((frequency === 'weekly' || frequency === 'monthly' || frequency === 'quarterly') && !('day' in body)) {
    out.add(
      [],
      'missing-key',
      `a ${frequency} schedule needs a day`,
      frequency === 'weekly' ? 'Add day: monday (or another weekday).' : "Add day: 1 (a day of the month 1-31; past a month's end, its last day) or day: last.",
    );
  }
  if (frequency === 'daily' && 'day' in body) {
    out.add(['day'], 'not-applicable-key', 'a daily schedule has no day', 'Remove day, or use frequency: weekly or monthly.', 'error', 'key');
  }
}

/** Why croner refuses a 5-field expression, or undefined when it accepts it. */
function cronProblem(cron: string): string | undefined {
  if (cron.split(' ').length !== 5) return 'does not have 5 fields';
  try {
    new Cron(cron, { mode: '5-part', paused: true });
    return undefined;
  } catch (error) {
    return `is not a valid cron expression: ${(error as Error).message}`;
  }
}

/** `expires` dates are the first day on which the record no longer applies (00:00 UTC). */
export function isExpired(expires: unknown, at: Date): boolean {
  return typeof expires === 'string' && Date.parse(`${expires}T00:00:00Z`) <= at.getTime();
}

function checkExpiry(out: Findings, ctx: RuleContext, what: string, body: Body, startKey: string): void {
  const { expires } = body;
  const start = body[startKey];
  if (typeof expires === 'string' && typeof start === 'string' && expires <= start) {
    out.add(['expires'], 'invalid-window', `expires (${expires}) is not after ${startKey} (${start})`, `Set expires to a date after ${start}.`);
  } else if (isExpired(expires, ctx.at)) {
    out.add(
      ['expires'],
      'expired',
      `${what} expired on ${String(expires)} (judged at ${ctx.at.toISOString()}): it no longer applies and is flagged in reports`,
      `Renew it (new evidence, a new date and expires) or remove it. The instant comes from --at, SOURCE_DATE_EPOCH or the clock.`,
      ctx.strict ? 'error' : 'warning',
    );
  }
}

function checkEvidence(out: Findings, body: Body): void {
  const evidence = body.evidence;
  if (!Array.isArray(evidence)) return;
  evidence.forEach((item, i) => {
    if (isRecord(item)) out.reference(['evidence', i, 'path'], item.path, true, typeof item.sha256 === 'string' ? { sha256: item.sha256 } : {});
  });
}

/** Attestations, exceptions, control statements, mappings and inventories. */
export function checkSupportingDocument(doc: YamlDocument, kind: Kind, body: Body, ctx: RuleContext): RuleResult {
  const out = new Findings(doc);
  switch (kind) {
    case 'Attestation':
      checkFramework(out, ctx, ['framework'], body.framework);
      checkExpiry(out, ctx, `attestation ${String(body.id)}`, body, 'attested_at');
      if (body.result !== 'partial' && 'partial_condition' in body) {
        out.add(
          ['partial_condition'],
          'not-applicable-key',
          `partial_condition applies only to result partial, not ${String(body.result)}`,
          'Remove partial_condition, or set result: partial.',
          'error',
          'key',
        );
      }
      if ('plan_of_action' in body && body.result !== 'not-met' && body.result !== 'partial') {
        out.add(
          ['plan_of_action'],
          'not-applicable-key',
          `plan_of_action plans how a gap closes; it applies to result not-met or partial, not ${String(body.result)}`,
          'Remove plan_of_action, or set result: not-met (or partial).',
          'error',
          'key',
        );
      }
      checkEvidence(out, body);
      break;
    case 'Exception':
      checkFramework(out, ctx, ['framework'], body.framework);
      if (!('controls' in body) && !('findings' in body)) {
        out.add([], 'missing-key', 'an exception needs controls or findings to say what it covers', 'Add controls: [AC-2] or findings: [{rule: ...}].');
      }
      checkExpiry(out, ctx, `exception ${String(body.id)}`, body, 'created');
      break;
    case 'ControlImplementation':
      checkFramework(out, ctx, ['framework'], body.framework);
      if (!('statement' in body) && !('parts' in body) && !('by_component' in body) && body.status !== 'not-applicable') {
        out.add(
          [],
          'missing-key',
          `control ${String(body.control)} has no implementation statement`,
          'Add statement: (or parts: per statement part, or by_component:), or status: not-applicable with remarks: (the justification).',
        );
      }
      checkEvidence(out, body);
      break;
    case 'Mapping':
      if (Array.isArray(body.rules)) {
        body.rules.forEach((rule, i) => {
          if (isRecord(rule) && isRecord(rule.controls))
            for (const id of Object.keys(rule.controls)) checkFramework(out, ctx, ['rules', i, 'controls', id], id);
        });
      }
      break;
    case 'Inventory':
      checkInventory(out, body);
      break;
    case 'Catalog':
      checkCatalog(out, body);
      break;
    default:
      break;
  }
  return out;
}

function checkCatalog(out: Findings, body: Body): void {
  if (typeof body.id === 'string' && BUILT_IN_FRAMEWORK_IDS.includes(body.id)) {
    out.add(['id'], 'duplicate-name', `catalog id '${body.id}' is a built-in framework`, 'Choose another id, e.g. acme-' + body.id + '.');
  }
  const seen = new Map<string, number>();
  (Array.isArray(body.controls) ? body.controls : []).forEach((c, i) => {
    if (!isRecord(c) || typeof c.id !== 'string') return;
    const earlier = seen.get(c.id);
    if (earlier !== undefined)
      out.add(
        ['controls', i, 'id'],
        'duplicate-id',
        `control id '${c.id}' is used twice (also item ${earlier + 1})`,
        'Control ids are unique within a catalog.',
      );
    else seen.set(c.id, i);
  });
}

function checkInventory(out: Findings, body: Body): void {
  const components = Array.isArray(body.components) ? body.components.filter(isRecord) : [];
  const boundaries = Array.isArray(body.boundaries) ? body.boundaries.filter(isRecord) : [];
  const ids = new Map<string, number>();
  components.forEach((c, i) => {
    const id = String(c.id);
    if (ids.has(id))
      out.add(
        ['components', i, 'id'],
        'duplicate-id',
        `component id '${id}' is used twice (also item ${(ids.get(id) ?? 0) + 1})`,
        'Component ids are unique within the inventory.',
      );
    else ids.set(id, i);
  });
  const boundaryIds = new Set(boundaries.map((b) => String(b.id)));
  components.forEach((c, i) => {
    if (typeof c.boundary === 'string' && !boundaryIds.has(c.boundary)) {
      out.add(
        ['components', i, 'boundary'],
        'unknown-reference',
        `unknown boundary '${c.boundary}'${didYouMean(c.boundary, boundaryIds)}`,
        `Declare it under boundaries, or use one of: ${[...boundaryIds].join(', ') || '(none declared)'}.`,
      );
    }
  });
  boundaries.forEach((b, i) => {
    if (typeof b.parent === 'string' && !boundaryIds.has(b.parent))
      out.add(['boundaries', i, 'parent'], 'unknown-reference', `unknown parent boundary '${b.parent}'${didYouMean(b.parent, boundaryIds)}`);
  });
  const connections = Array.isArray(body.connections) ? body.connections : [];
  connections.forEach((c, i) => {
    if (!isRecord(c)) return;
    for (const end of ['from', 'to'] as const) {
      const id = c[end];
      if (typeof id === 'string' && !ids.has(id))
        out.add(
          ['connections', i, end],
          'unknown-reference',
          `connection ${end} unknown component '${id}'${didYouMean(id, ids.keys())}`,
          'Connections join components declared under components.',
        );
    }
  });
}

/** infracast.yaml: frameworks, time zone, redaction patterns, folders inside the workspace. */
export function checkConfig(doc: YamlDocument, body: Body, ctx: RuleContext): RuleResult {
  const out = new Findings(doc);
  if (Array.isArray(body.frameworks)) body.frameworks.forEach((f, i) => checkFramework(out, ctx, ['frameworks', i], f));
  checkTimeZone(out, ['timezone'], body.timezone);
  // output: has rules of its own (app/output-folder.ts): it must also keep clear of the workspace's folders.
  for (const key of ['templates', 'state'] as const) out.reference([key], body[key], false);
  const findings = isRecord(body.findings) ? body.findings : {};
  if (Array.isArray(findings.sources))
    findings.sources.forEach((s, i) =>
      isRecord(s)
        ? out.reference(['findings', 'sources', i, 'path'], s.path, false, { isGlob: true })
        : out.reference(['findings', 'sources', i], s, false, { isGlob: true }),
    );
  const defaults = isRecord(body.defaults) ? body.defaults : {};
  if (isRecord(defaults.options)) {
    checkClassification(out, ['defaults', 'options', 'classification'], defaults.options.classification);
    const logo = defaults.options.organization_logo ?? defaults.options.logo_url;
    if (typeof logo === 'string' && !isUrl(logo))
      out.reference(['defaults', 'options', 'organization_logo' in defaults.options ? 'organization_logo' : 'logo_url'], logo, true);
  }
  // Network-bound signing settings under a closed network policy cannot work: say so now.
  const signing = isRecord(body.signing) ? body.signing : {};
  const network = isRecord(body.network) ? body.network : {};
  const sigstore = isRecord(signing.sigstore) ? signing.sigstore : {};
  const needsNetwork = [typeof signing.tsa_url === 'string' ? 'tsa_url' : '', sigstore.mode === 'keyless' ? 'sigstore keyless' : ''].filter(Boolean);
  if (needsNetwork.length > 0 && network.allow !== true) {
    out.add(
      ['signing', typeof signing.tsa_url === 'string' ? 'tsa_url' : 'sigstore'],
      'network-disabled',
      `signing needs the network (${needsNetwork.join(', ')}) but network.allow is not true: signing will stop with exit 3`,
      'Set network.allow: true and list the TSA and Sigstore hosts in network.allowed_hosts, or remove tsa_url and use sigstore mode key.',
      'warning',
    );
  }
  // Every PAdES level above B-B adds at least the RFC 3161 signature timestamp (ETSI EN 319 142-1 section 6).
  if (typeof signing.pades_level === 'string' && signing.pades_level !== 'B-B' && typeof signing.tsa_url !== 'string')
    out.add(
      ['signing', 'pades_level'],
      'pades-level-needs-tsa',
      `signing.pades_level ${signing.pades_level} needs a signature timestamp, but signing.tsa_url is not set: signing would stop`,
      `Add signing.tsa_url (an RFC 3161 time-stamping authority, its host in network.allowed_hosts), or set signing.pades_level: B-B.`,
    );
  const redaction = isRecord(body.redaction) ? body.redaction : {};
  if (Array.isArray(redaction.patterns)) {
    redaction.patterns.forEach((p, i) => {
      if (!isRecord(p) || typeof p.regex !== 'string') return;
      try {
        new RegExp(p.regex, 'g');
      } catch (error) {
        out.add(
          ['redaction', 'patterns', i, 'regex'],
          'invalid-regex',
          `invalid regular expression: ${(error as Error).message}`,
          'Write a JavaScript regular expression; escape backslashes inside double quotes or use single quotes.',
        );
      }
    });
  }
  return out;
}
