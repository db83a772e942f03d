/**
 * The rules of a workspace that span files (the load stage runs them after every document is read
 * and checked on its own): names and ids unique across files, schedules that name definitions that
 * exist, control ids that exist in their framework, and contradictory attestations.
 */
import { relative } from 'node:path';
import { BUILT_IN_FRAMEWORK_IDS } from '../catalogs/frameworks.js';
import { lookupControl } from '../catalogs/index.js';
import type { Diagnostic } from '../diagnostics.js';
import type { YamlDocument } from '../io/yaml-source.js';
import { attestationConflicts } from '../model/attestations.js';
import { canonicalControlId } from '../model/control-ids.js';
import type { OutputDefinition, ScheduleDefinition } from '../model/definitions.js';
import { didYouMean } from '../schema/suggest.js';
import type { SupportingRecord } from './load-workspace.js';

export function diagnosticAt(
  doc: YamlDocument,
  path: (string | number)[],
  code: string,
  message: string,
  hint?: string,
  target: 'key' | 'value' = 'value',
): Diagnostic {
  const { line, col } = doc.locate(path, target);
  return { file: doc.file, line, col, severity: 'error', code, message, ...(hint ? { hint } : {}) };
}

/** file:line of a document, for messages that point at another place. */
export function place(doc: YamlDocument | undefined, root?: string): string {
  if (!doc) return '?';
  const { line } = doc.locate([]);
  return `${root ? relative(root, doc.file) : doc.file}:${line}`;
}

/** Names and ids unique across files; schedules refer to definitions that exist. */
export function crossFileRules(
  root: string,
  outputs: OutputDefinition[],
  outputDocs: Map<OutputDefinition, YamlDocument>,
  schedules: ScheduleDefinition[],
  scheduleDocs: Map<ScheduleDefinition, YamlDocument>,
  records: SupportingRecord[],
  recordDocs: Map<SupportingRecord, YamlDocument>,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const unique = <T>(
    items: T[],
    keyOf: (item: T) => string | undefined,
    docOf: (item: T) => YamlDocument | undefined,
    what: string,
    path: string[],
    hint: string,
  ): void => {
    const first = new Map<string, T>();
    for (const item of items) {
      const key = keyOf(item);
      if (key === undefined) continue;
      const earlier = first.get(key);
      const doc = docOf(item);
      if (earlier === undefined) {
        first.set(key, item);
        continue;
      }
      // Reported on both files, so that validating either one shows the collision.
      const earlierDoc = docOf(earlier);
      if (doc) diagnostics.push(diagnosticAt(doc, path, 'duplicate-name', `${what} '${key}' is also used at ${place(earlierDoc, root)}`, hint));
      if (earlierDoc) diagnostics.push(diagnosticAt(earlierDoc, path, 'duplicate-name', `${what} '${key}' is also used at ${place(doc, root)}`, hint));
    }
  };
  // Inline schedule definitions share the output namespace: both write to the output folder.
  unique(
    outputs,
    (o) => o.outputName,
    (o) => outputDocs.get(o),
    'output name',
    ['name'],
    'Give one of them a different name: (the output name is the name slugged, or the file name).',
  );
  unique(
    schedules,
    (s) => s.name,
    (s) => scheduleDocs.get(s),
    'schedule name',
    ['name'],
    'Schedule names are unique in a workspace.',
  );
  unique(
    records.filter((r) => r.kind === 'Catalog'),
    (r) => String(r.value.id),
    (r) => recordDocs.get(r),
    'catalog id',
    ['id'],
    'Each custom catalog declares its own framework id.',
  );
  for (const kind of ['Attestation', 'Exception'] as const) {
    unique(
      records.filter((r) => r.kind === kind),
      (r) => String(r.value.id),
      (r) => recordDocs.get(r),
      `${kind.toLowerCase()} id`,
      ['id'],
      'Ids are unique: they are how reports and POA&M items refer to them.',
    );
  }
  unique(
    records.filter((r) => r.kind === 'ControlImplementation'),
    (r) => `${String(r.value.framework)} ${String(r.value.control)}`,
    (r) => recordDocs.get(r),
    'implementation statement for',
    ['control'],
    'Keep one statement per control: merge the two.',
  );
  // Control statements name inventory components that exist.
  const components = new Set(
    records
      .filter((r) => r.kind === 'Inventory')
      .flatMap((r) => (Array.isArray(r.value.components) ? (r.value.components as { id?: unknown }[]) : []))
      .map((c) => String(c.id)),
  );
  for (const record of records.filter((r) => r.kind === 'ControlImplementation' && Array.isArray(r.value.components))) {
    const doc = recordDocs.get(record);
    (record.value.components as unknown[]).forEach((id, i) => {
      if (doc && typeof id === 'string' && !components.has(id)) {
        diagnostics.push(
          diagnosticAt(
            doc,
            ['components', i],
            'unknown-reference',
            `component '${id}' is not in the inventory${didYouMean(id, components)}`,
            components.size > 0 ? `Inventory components: ${[...components].sort().join(', ')}.` : 'Declare it in inventory/ (components: [{id, name, type}]).',
          ),
        );
      }
    });
  }
  const names = new Set(outputs.map((o) => o.outputName));
  for (const schedule of schedules) {
    if (schedule.inline) continue;
    const doc = scheduleDocs.get(schedule);
    if (!doc) continue;
    schedule.reports.forEach((name, i) => {
      if (!names.has(name)) {
        diagnostics.push(
          diagnosticAt(
            doc,
            ['reports', i],
            'unknown-reference',
            `schedule '${schedule.name}' refers to '${name}', which no definition defines${didYouMean(name, names)}`,
            `Definitions: ${[...names].sort().join(', ') || '(none)'}. A definition's name is its name: (slugged) or its file name.`,
          ),
        );
      }
    });
  }
  return diagnostics;
}

/**
 * Control ids written in attestations, exceptions, implementation statements and mappings exist
 * in their framework (evaluation.md section 2): any accepted id form, not withdrawn.
 */
export function controlIdRules(records: SupportingRecord[], recordDocs: Map<SupportingRecord, YamlDocument>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const custom = new Map(
    records.filter((r) => r.kind === 'Catalog').map((r) => [String(r.value.id), new Set(((r.value.controls ?? []) as { id: string }[]).map((c) => c.id))]),
  );
  const check = (doc: YamlDocument | undefined, path: (string | number)[], framework: unknown, raw: unknown): void => {
    if (!doc || typeof framework !== 'string' || typeof raw !== 'string') return;
    const at = (message: string, hint: string): void => void diagnostics.push(diagnosticAt(doc, path, 'unknown-control', message, hint));
    const ids = custom.get(framework);
    if (ids) {
      if (!ids.has(raw.trim()))
        at(
          `control '${raw}' is not in catalog ${framework}${didYouMean(raw, ids)}`,
          `Controls of ${framework} are declared in catalogs/; \`infracast catalog show ${framework}\` lists them.`,
        );
      return;
    }
    if (!BUILT_IN_FRAMEWORK_IDS.includes(framework)) return; // unknown frameworks are reported elsewhere
    // FedRAMP baselines are SP 800-53 controls: their ids are looked up in the catalog.
    const catalog = framework.startsWith('fedramp-') ? 'nist-800-53' : framework;
    const canonical = canonicalControlId(catalog, raw);
    const control = lookupControl(catalog, raw);
    if (!canonical)
      at(
        `'${raw}' is not a ${framework} control id`,
        `Write it in a form such as ${catalog === 'nist-800-53' ? 'AC-2(4)' : catalog === 'nist-800-171' ? '3.1.1' : catalog.startsWith('cmmc') ? 'AC.L2-3.1.1' : catalog === 'far-52204-21' ? 'b.1.i' : 'the catalog lists'}; \`infracast catalog show ${framework}\` lists every id.`,
      );
    else if (!control) at(`control ${canonical} does not exist in ${framework}`, `\`infracast catalog show ${framework}\` lists its control ids.`);
    else if (control.withdrawn)
      at(
        `control ${canonical} is withdrawn${control.withdrawn_into?.length ? ` (incorporated into ${control.withdrawn_into.join(', ')})` : ''}`,
        'Refer to the control it was incorporated into.',
      );
  };
  for (const record of records) {
    const doc = recordDocs.get(record);
    const v = record.value;
    if (record.kind === 'Attestation') (v.requirements as unknown[]).forEach((id, i) => check(doc, ['requirements', i], v.framework, id));
    else if (record.kind === 'Exception' && Array.isArray(v.controls))
      v.controls.forEach((id, i) => check(doc, ['controls', i], v.framework ?? 'nist-800-53', id));
    else if (record.kind === 'ControlImplementation') check(doc, ['control'], v.framework, v.control);
    else if (record.kind === 'Mapping') {
      (v.rules as { controls?: Record<string, unknown[]> }[]).forEach((rule, i) => {
        for (const [framework, ids] of Object.entries(rule.controls ?? {}))
          ids.forEach((id, j) => check(doc, ['rules', i, 'controls', framework, j], framework, id));
      });
    }
  }
  return diagnostics;
}

/**
 * Contradictory evidence (evaluation.md 4.3): two attestations of one requirement on one date with
 * different results. The evaluation lets the more conservative result decide, whatever the files
 * are called; validate reports the conflict at both places so that someone settles it. Ids that
 * name one requirement under two schemes (AC.L2-3.1.1, 3.1.1) are folded together.
 */
export function attestationConflictRules(
  root: string,
  records: SupportingRecord[],
  recordDocs: Map<SupportingRecord, YamlDocument>,
  strict: boolean,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const attestations = records.filter((r) => r.kind === 'Attestation');
  const asAttestation = new Map(
    attestations.map((r) => [
      {
        id: String(r.value.id),
        framework: String(r.value.framework),
        requirements: (r.value.requirements as unknown[]).map(String),
        result: r.value.result as 'met' | 'not-met' | 'partial' | 'not-applicable',
        attestedAt: String(r.value.attested_at),
      },
      r,
    ]),
  );
  const conflicts = attestationConflicts([...asAttestation.keys()], (a) =>
    a.requirements.map((raw) => requirementKey(a.framework, raw)).filter((k): k is string => k !== undefined),
  );
  for (const conflict of conflicts) {
    const [deciding] = conflict.attestations;
    for (const a of conflict.attestations) {
      const record = asAttestation.get(a)!;
      const doc = recordDocs.get(record);
      if (!doc) continue;
      const others = conflict.attestations.filter((o) => o !== a);
      const index = a.requirements.findIndex((raw) => requirementKey(a.framework, raw) === conflict.requirement);
      // A warning (an error with --strict): the evaluation resolves it, but someone must settle it.
      diagnostics.push({
        ...diagnosticAt(
          doc,
          ['requirements', Math.max(0, index)],
          'conflicting-evidence',
          `${conflict.requirement} is attested ${a.result} here and ${others.map((o) => `${o.result} at ${place(recordDocs.get(asAttestation.get(o)!), root)} (${o.id})`).join(', ')} on the same date (${conflict.date}): the more conservative result, ${deciding!.result} (${deciding!.id}), decides`,
          'Settle it: correct or withdraw one of them, or date the newer assessment; the latest date decides.',
        ),
        severity: strict ? 'error' : 'warning',
      });
    }
  }
  return diagnostics;
}

/** One requirement under every id scheme that names it: CMMC Level 2 practices are SP 800-171 requirements, FedRAMP controls SP 800-53 controls. */
function requirementKey(framework: string, raw: string): string | undefined {
  if (framework === 'cmmc-l2') {
    const id = canonicalControlId('cmmc-l2', raw);
    return id === undefined ? undefined : `nist-800-171 ${id.replace(/^[A-Z]{2}\.L2-/, '')}`;
  }
  const scheme = framework.startsWith('fedramp-') ? 'nist-800-53' : framework;
  const id = BUILT_IN_FRAMEWORK_IDS.includes(scheme) ? canonicalControlId(scheme, raw) : raw.trim();
  return id === undefined ? undefined : `${scheme} ${id}`;
}
