/**
 * The evidence report (spec "Report Types": timestamped evidence bundle for a framework and time
 * window, for 3PAOs and auditors): what goes into the bundle, what stays out and why, the
 * manifest, and the ReportModel of its index. Pure: app/build-evidence.ts reads the files, checks
 * their digests, serialises the excerpts and writes the zip.
 *
 * Decisions (stated in the index too):
 * - Window: both ends inclusive, in UTC (the schema's reading of a date, and the one expiry uses).
 *   A date-only `from` is 00:00:00Z of that day; a date-only `to` is the end of that day
 *   (23:59:59.999Z), so `to: 2026-11-30` includes the whole of 30 November. No window: no time
 *   limit, but items still need an observation time.
 * - Observation time: an attestation artifact's own `observed_at` (a date means 00:00:00Z of it);
 *   without one, its attestation's `attested_at`: the attester examined the evidence by then at the
 *   latest, and an artifact the attestation rests on belongs in the bundle (issue 14: the starter's
 *   attestation had none, and its bundle held no attestation evidence). The manifest says so
 *   (`observed_at_from: attested_at`) and the index marks the entry. A finding's `observedAt`;
 *   findings without one (Trivy SARIF has none) are excluded and counted per source file.
 * - "For the framework": an attestation counts when it attests the framework itself, a framework
 *   with the same control ids (nist-800-53 for fedramp-*, as evaluation reads them), or a framework
 *   the framework is built on: SP 800-171 rev2 requirements are derived from the SP 800-53
 *   moderate baseline (so nist-800-171 attestations are evidence for SP 800-53 frameworks), and
 *   CMMC and FAR 52.204-21 are evaluated as SP 800-171. A custom catalog's `maps_to` crosswalk adds
 *   the attestations of the requirements it names. The manifest gives every item's ids in its own
 *   framework (plus the crosswalk's ids where one exists): Infracast ships no table translating
 *   800-171 requirements into 800-53 controls and invents none. Being in the bundle says nothing
 *   about status (crosswalks never propagate success, evaluation.md section 3).
 * - Findings: the run's findings after redaction (evaluation.md section 9), those that map to a
 *   control of the framework's catalog (names or mapping rules, as evaluation reads them), PASS and
 *   FAIL alike, one excerpt per source file, in the source's record order. A merged finding is in
 *   the excerpt of each file it came from. The excerpt's observation time is its min..max.
 */
import type { OutputDefinition } from '../model/definitions.js';
import { controlsOfFinding } from '../model/evaluation.js';
import type { MappingRule } from '../model/evaluation.js';
import type { Finding } from '../model/finding.js';
import type { Provenance, ReportModel, Table } from '../model/report-model.js';
import { canonicalControlId, compareControlIds, idSchemeOf } from '../model/control-ids.js';
import { catalogSummary, reportMeta } from './meta.js';

/** An evidence entry of an attestation (schemas/common.schema.json#/$defs/evidenceRef), with its attestation. */
export interface AttestationArtifact {
  attestation: {
    id: string;
    framework: string;
    /** Workspace-relative path of the attestation's file. */
    file: string;
    requirements: string[];
    objectives: string[];
    methods: string[];
    /** When the attestation was signed: the observation time of its artifacts that record none. */
    attestedAt: string;
  };
  path: string;
  sha256: string;
  description?: string;
  observedAt?: string;
  collector?: string;
}

/** A findings file the run read. */
export interface FindingsSource {
  /** As findings' `sources[].file` name it. */
  file: string;
  /** Workspace-relative, for the manifest and the zip path. */
  path: string;
  format: string;
  tool?: string;
}

export interface EvidenceInput {
  definition: OutputDefinition;
  tenant: { id: string; name: string };
  catalog: { framework: string; name: string; release: string; verified: boolean; controlIds: ReadonlySet<string> };
  /** A custom catalog's crosswalk: its control id -> ids per other framework (maps_to). */
  crosswalk: ReadonlyMap<string, Record<string, string[]>>;
  artifacts: AttestationArtifact[];
  /** The run's findings after redaction. */
  findings: readonly Finding[];
  sources: FindingsSource[];
  mappings: MappingRule[];
  generatedAt: string;
  provenance: Provenance;
}

export interface EvidenceWindow {
  /** As written in the definition. */
  written?: { from: string; to: string };
  /** Inclusive bounds, RFC 3339 UTC. */
  from?: string;
  to?: string;
}

export type EntryKind = 'attestation-evidence' | 'findings-excerpt' | 'index';

/** One file of the bundle, before its bytes are known (app/build-evidence.ts fills sha256 and size). */
export interface PlannedEntry {
  /** Path inside the zip. */
  path: string;
  kind: EntryKind;
  /** Workspace-relative path of the original. */
  source: string;
  observedAt: string;
  /** The latest observation when it differs from the first (excerpts, files attested twice). */
  observedUntil?: string;
  /** Set when an artifact records no observed_at and its attestation's attested_at stands in. */
  observedAtFrom?: 'attested_at';
  collector: string | null;
  /** Control ids per framework, each in its framework's own form. */
  controls: Record<string, string[]>;
  objectives: string[];
  methods: string[];
  basis: 'attested' | 'automated' | 'generated';
  attestations: string[];
  description: string | null;
  /** Attestation artifacts: the digest each attestation records, checked against the bytes bundled. */
  recorded?: { attestationFile: string; sha256: string }[];
  /** Findings excerpts: the findings, in the source's record order. */
  findings?: Finding[];
}

export interface ExcludedItem {
  kind: 'attestation-evidence' | 'findings';
  source: string;
  attestation: string | null;
  /** Number of findings (1 for an artifact). */
  count: number;
  reason: string;
}

export interface EvidenceSelection {
  framework: string;
  window: EvidenceWindow;
  entries: PlannedEntry[];
  excluded: ExcludedItem[];
  findings: { included: number; byResult: Record<string, number> };
}

export interface ManifestEntry {
  path: string;
  kind: EntryKind;
  sha256: string;
  size: number;
  source: string;
  observed_at: string;
  observed_until?: string;
  /** Present when the artifact records no observed_at: the attestation's attested_at was used. */
  observed_at_from?: 'attested_at';
  collector: string | null;
  controls: Record<string, string[]>;
  objectives: string[];
  methods: string[];
  basis: string;
  attestations: string[];
  description: string | null;
}

export interface EvidenceManifest {
  manifest_format: 'infracast-evidence-manifest/1';
  report: string;
  title: string;
  tenant: { id: string; name: string };
  framework: string;
  generated_at: string;
  window: { from: string | null; to: string | null; written: { from: string; to: string } | null };
  entries: ManifestEntry[];
  excluded: ExcludedItem[];
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An observation time as an instant: a date is 00:00:00Z of that day (schemas: dateOrDateTime). */
export function observationInstant(value: string): string | undefined {
  const ms = Date.parse(DATE.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The definition's `window` as inclusive UTC bounds (see the module comment). */
export function resolveWindow(window: unknown): EvidenceWindow {
  if (window === null || typeof window !== 'object') return {};
  const { from, to } = window as { from?: unknown; to?: unknown };
  if (typeof from !== 'string' || typeof to !== 'string') return {};
  const end = DATE.test(to) ? `${to}T23:59:59.999Z` : to;
  return { written: { from, to }, from: observationInstant(from), to: observationInstant(end) };
}

const inWindow = (instant: string, window: EvidenceWindow): boolean =>
  (window.from === undefined || instant >= window.from) && (window.to === undefined || instant <= window.to);

/**
 * The frameworks whose attestations are evidence for `framework`, with the reason (module comment).
 * Crosswalk targets are handled apart: only the requirements the crosswalk names count.
 */
export function attestationFrameworks(framework: string): Map<string, string> {
  const scope = new Map([[framework, `attests ${framework}`]]);
  const scheme = idSchemeOf(framework);
  if (scheme === 'sp800-53') {
    scope.set('nist-800-53', `${framework} uses the SP 800-53 control ids`);
    scope.set('nist-800-171', 'SP 800-171 rev2 requirements are derived from the SP 800-53 moderate baseline');
  }
  if (scheme === 'cmmc' || scheme === 'far') scope.set('nist-800-171', `${framework} is evaluated as the SP 800-171 requirements it is made of`);
  return scope;
}

const unique = (values: Iterable<string>): string[] => [...new Set(values)];

/** The framework's control ids a crosswalk links to the attested requirements of another framework. */
function crosswalked(input: EvidenceInput, artifact: AttestationArtifact): string[] {
  const { framework } = artifact.attestation;
  const attested = new Set(artifact.attestation.requirements.map((r) => canonicalControlId(framework, r) ?? r));
  const linked: string[] = [];
  for (const [control, targets] of input.crosswalk) {
    if ((targets[framework] ?? []).some((id) => attested.has(canonicalControlId(framework, id) ?? id))) linked.push(control);
  }
  return linked;
}

function artifactEntries(input: EvidenceInput, window: EvidenceWindow, excluded: ExcludedItem[]): PlannedEntry[] {
  const framework = input.catalog.framework;
  const scope = attestationFrameworks(framework);
  const byPath = new Map<string, { artifact: AttestationArtifact; observed: string; controls: Record<string, string[]>; fromAttestation: boolean }[]>();
  const exclude = (artifact: AttestationArtifact, reason: string): void => {
    excluded.push({ kind: 'attestation-evidence', source: artifact.path, attestation: artifact.attestation.id, count: 1, reason });
  };
  for (const artifact of input.artifacts) {
    const own = artifact.attestation.framework;
    const linked = scope.has(own) ? [] : crosswalked(input, artifact);
    if (!scope.has(own) && linked.length === 0) {
      exclude(artifact, `attests ${own}, which is not evidence for ${framework}`);
      continue;
    }
    const fromAttestation = artifact.observedAt === undefined;
    const written = artifact.observedAt ?? artifact.attestation.attestedAt;
    const observed = observationInstant(written);
    if (observed === undefined || !inWindow(observed, window)) {
      exclude(artifact, `observed ${written}${fromAttestation ? ' (attested_at: the entry records no observed_at)' : ''}, outside the window`);
      continue;
    }
    const controls: Record<string, string[]> = { [own]: artifact.attestation.requirements };
    if (linked.length > 0) controls[framework] = linked;
    const list = byPath.get(artifact.path) ?? [];
    list.push({ artifact, observed, controls, fromAttestation });
    byPath.set(artifact.path, list);
  }
  return [...byPath].map(([path, refs]) => {
    // One file attested by several attestations is one entry: the union of what they say, in attestation-id order.
    refs.sort((a, b) => byCodeUnits(a.artifact.attestation.id, b.artifact.attestation.id));
    const observed = refs.map((r) => r.observed).sort(byCodeUnits);
    // The earliest time stands for the file: it came from attested_at only when that reference gave it.
    const earliestFromAttestation = refs.filter((r) => r.observed === observed[0]).every((r) => r.fromAttestation);
    const controls: Record<string, string[]> = {};
    for (const ref of refs) for (const [fw, ids] of Object.entries(ref.controls)) controls[fw] = unique([...(controls[fw] ?? []), ...ids]);
    const collectors = unique(refs.flatMap((r) => (r.artifact.collector ? [r.artifact.collector] : [])));
    const descriptions = unique(refs.flatMap((r) => (r.artifact.description ? [r.artifact.description] : [])));
    return {
      path: `evidence/${path}`,
      kind: 'attestation-evidence' as const,
      source: path,
      observedAt: observed[0]!,
      ...(observed.at(-1) !== observed[0] ? { observedUntil: observed.at(-1)! } : {}),
      ...(earliestFromAttestation ? { observedAtFrom: 'attested_at' as const } : {}),
      collector: collectors.length > 0 ? collectors.join('; ') : null,
      controls,
      objectives: unique(refs.flatMap((r) => r.artifact.attestation.objectives)),
      methods: unique(refs.flatMap((r) => r.artifact.attestation.methods)),
      basis: 'attested' as const,
      attestations: refs.map((r) => r.artifact.attestation.id),
      description: descriptions.length > 0 ? descriptions.join('; ') : null,
      recorded: refs.map((r) => ({ attestationFile: r.artifact.attestation.file, sha256: r.artifact.sha256 })),
    };
  });
}

/** Excerpt findings: sources rewritten to workspace-relative paths, so bytes do not depend on where the workspace is. */
function portable(finding: Finding, sources: ReadonlyMap<string, FindingsSource>): Finding {
  return { ...finding, sources: finding.sources.map((s) => ({ ...s, file: sources.get(s.file)?.path ?? s.file })) };
}

function excerptEntries(input: EvidenceInput, window: EvidenceWindow, excluded: ExcludedItem[]): { entries: PlannedEntry[]; findings: Finding[] } {
  const framework = input.catalog.framework;
  const sources = new Map(input.sources.map((s) => [s.file, s]));
  const perSource = new Map<string, { finding: Finding; record: number; controls: string[] }[]>();
  const reasons = new Map<string, number>();
  const count = (source: string, reason: string): void => {
    const key = `${source}\0${reason}`;
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  };
  const included: Finding[] = [];
  for (const finding of input.findings) {
    const controls = [...controlsOfFinding(finding, framework, input.mappings).ids].filter((id) => input.catalog.controlIds.has(id));
    const observed = finding.observedAt === undefined ? undefined : observationInstant(finding.observedAt);
    let taken = false;
    for (const ref of finding.sources) {
      const source = sources.get(ref.file)?.path ?? ref.file;
      if (controls.length === 0) count(source, `maps to no ${framework} control`);
      else if (observed === undefined) count(source, 'no observation time (observedAt)');
      else if (!inWindow(observed, window)) count(source, 'observed outside the window');
      else {
        const list = perSource.get(source) ?? [];
        list.push({ finding, record: ref.record, controls });
        perSource.set(source, list);
        taken = true;
      }
    }
    if (taken) included.push(finding);
  }
  for (const [key, n] of reasons) {
    const [source, reason] = key.split('\0') as [string, string];
    excluded.push({ kind: 'findings', source, attestation: null, count: n, reason: `${n} finding${n === 1 ? '' : 's'}: ${reason}` });
  }
  const entries = [...perSource].map(([source, list]): PlannedEntry => {
    list.sort((a, b) => a.record - b.record || byCodeUnits(a.finding.identity, b.finding.identity));
    const observed = list.map((i) => observationInstant(i.finding.observedAt!)!).sort(byCodeUnits);
    const meta = input.sources.find((s) => s.path === source);
    return {
      path: `excerpts/${source}.excerpt.json`,
      kind: 'findings-excerpt',
      source,
      observedAt: observed[0]!,
      ...(observed.at(-1) !== observed[0] ? { observedUntil: observed.at(-1)! } : {}),
      collector: unique(list.map((i) => i.finding.tool ?? meta?.tool ?? meta?.format ?? 'unknown')).join('; '),
      controls: { [framework]: unique(list.flatMap((i) => i.controls)).sort(compareControlIds) },
      objectives: [],
      methods: [],
      basis: 'automated',
      attestations: [],
      description: `${list.length} finding${list.length === 1 ? '' : 's'} (${resultCounts(list.map((i) => i.finding))})`,
      findings: list.map((i) => portable(i.finding, sources)),
    };
  });
  return { entries, findings: included };
}

function tally(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of findings) counts[f.result] = (counts[f.result] ?? 0) + 1;
  return counts;
}

const resultCounts = (findings: readonly Finding[]): string =>
  Object.entries(tally(findings))
    .sort(([a], [b]) => byCodeUnits(a, b))
    .map(([result, n]) => `${result} ${n}`)
    .join(', ');

/** What goes into the bundle and what stays out (module comment). */
export function selectEvidence(input: EvidenceInput): EvidenceSelection {
  const window = resolveWindow(input.definition.options.window);
  const excluded: ExcludedItem[] = [];
  const artifacts = artifactEntries(input, window, excluded);
  const excerpts = excerptEntries(input, window, excluded);
  excluded.sort((a, b) => byCodeUnits(a.source, b.source) || byCodeUnits(a.attestation ?? '', b.attestation ?? '') || byCodeUnits(a.reason, b.reason));
  return {
    framework: input.catalog.framework,
    window,
    entries: [...artifacts, ...excerpts.entries].sort((a, b) => byCodeUnits(a.path, b.path)),
    excluded,
    findings: { included: excerpts.findings.length, byResult: tally(excerpts.findings) },
  };
}

/** The excerpt file of a findings source: the header says what it is cut from and how. */
export function excerptDocument(entry: PlannedEntry, selection: EvidenceSelection): Record<string, unknown> {
  return {
    excerpt_format: 'infracast-findings-excerpt/1',
    source: entry.source,
    framework: selection.framework,
    window: { from: selection.window.from ?? null, to: selection.window.to ?? null },
    redaction: 'applied: the workspace redaction rules (infracast.yaml redaction) ran before this excerpt was cut',
    counts: tally(entry.findings ?? []),
    findings: entry.findings ?? [],
  };
}

export function manifestEntry(entry: PlannedEntry, bytes: { sha256: string; size: number }): ManifestEntry {
  return {
    path: entry.path,
    kind: entry.kind,
    sha256: bytes.sha256,
    size: bytes.size,
    source: entry.source,
    observed_at: entry.observedAt,
    ...(entry.observedUntil ? { observed_until: entry.observedUntil } : {}),
    ...(entry.observedAtFrom ? { observed_at_from: entry.observedAtFrom } : {}),
    collector: entry.collector,
    controls: entry.controls,
    objectives: entry.objectives,
    methods: entry.methods,
    basis: entry.basis,
    attestations: entry.attestations,
    description: entry.description,
  };
}

const controlsText = (controls: Record<string, string[]>): string =>
  Object.entries(controls)
    .sort(([a], [b]) => byCodeUnits(a, b))
    .map(([fw, ids]) => `${fw}: ${ids.join(', ')}`)
    .join('; ');

/** The index of the bundle: the ReportModel the md and json formats render, and index.md inside the zip. */
export function buildEvidenceReport(input: EvidenceInput, selection: EvidenceSelection, entries: ManifestEntry[]): ReportModel {
  const options = input.definition.options;
  const { window } = selection;
  const manifestTable: Table = {
    id: 'manifest',
    title: 'Manifest',
    columns: [
      { key: 'path', label: 'Path', type: 'string' },
      { key: 'kind', label: 'Kind', type: 'string' },
      { key: 'sha256', label: 'SHA-256', type: 'string' },
      { key: 'size', label: 'Size (bytes)', type: 'number' },
      { key: 'source', label: 'Source', type: 'string' },
      { key: 'observed_at', label: 'Observed', type: 'date' },
      { key: 'observed_until', label: 'Observed until', type: 'date' },
      { key: 'observed_at_from', label: 'Observation time from', type: 'string' },
      { key: 'collector', label: 'Collector', type: 'string' },
      { key: 'controls', label: 'Controls', type: 'string' },
      { key: 'objectives', label: 'Assessment objectives', type: 'string' },
      { key: 'methods', label: 'Methods', type: 'string' },
      { key: 'basis', label: 'Basis', type: 'string' },
      { key: 'attestations', label: 'Attestations', type: 'string' },
    ],
    rows: entries.map((e) => ({
      path: e.path,
      kind: e.kind,
      sha256: e.sha256,
      size: e.size,
      source: e.source,
      observed_at: e.observed_at,
      observed_until: e.observed_until ?? null,
      observed_at_from: e.observed_at_from ?? null,
      collector: e.collector,
      controls: controlsText(e.controls) || null,
      objectives: e.objectives.join(', ') || null,
      methods: e.methods.join(', ') || null,
      basis: e.basis,
      attestations: e.attestations.join(', ') || null,
    })),
  };
  const excludedTable: Table = {
    id: 'excluded',
    title: 'Excluded',
    columns: [
      { key: 'kind', label: 'Kind', type: 'string' },
      { key: 'source', label: 'Source', type: 'string' },
      { key: 'attestation', label: 'Attestation', type: 'string' },
      { key: 'count', label: 'Items', type: 'number' },
      { key: 'reason', label: 'Reason', type: 'string' },
    ],
    rows: selection.excluded.map((x) => ({ ...x })),
  };
  const scope = attestationFrameworks(input.catalog.framework);
  const sumExcluded = (kind: ExcludedItem['kind']): number => selection.excluded.filter((x) => x.kind === kind).reduce((n, x) => n + x.count, 0);
  return {
    kind: 'evidence',
    meta: reportMeta(options, {
      title: options.title ?? `${input.catalog.name} Evidence Bundle`,
      tenant: input.tenant,
      frameworks: [input.catalog.framework],
      generatedAt: input.generatedAt,
    }),
    provenance: input.provenance,
    sections: [
      {
        id: 'summary',
        heading: 'Summary',
        level: 2,
        data: {
          ...catalogSummary(input.catalog),
          window: { from: window.from ?? null, to: window.to ?? null, written: window.written ?? null },
          bundle: `${input.definition.outputName}.zip`,
          artifacts: entries.filter((e) => e.kind === 'attestation-evidence').length,
          excerpts: entries.filter((e) => e.kind === 'findings-excerpt').length,
          findings: selection.findings.included,
          findingsByResult: Object.entries(selection.findings.byResult)
            .sort(([a], [b]) => byCodeUnits(a, b))
            .map(([result, count]) => ({ result, count })),
          excludedArtifacts: sumExcluded('attestation-evidence'),
          excludedFindings: sumExcluded('findings'),
          scope: [...scope].map(([framework, reason]) => ({ framework, reason })),
          crosswalk: input.crosswalk.size > 0,
        },
      },
      { id: 'manifest', heading: 'Manifest', level: 2, data: { entries: manifestTable.rows } },
      { id: 'excluded', heading: 'Excluded', level: 2, data: { items: excludedTable.rows } },
    ],
    tables: [manifestTable, excludedTable],
  };
}

/** manifest.json: the entries (the index included) sorted by path, and what was left out. */
export function evidenceManifest(input: EvidenceInput, selection: EvidenceSelection, entries: ManifestEntry[], title: string): EvidenceManifest {
  return {
    manifest_format: 'infracast-evidence-manifest/1',
    report: input.definition.outputName,
    title,
    tenant: input.tenant,
    framework: selection.framework,
    generated_at: input.generatedAt,
    window: { from: selection.window.from ?? null, to: selection.window.to ?? null, written: selection.window.written ?? null },
    entries: [...entries].sort((a, b) => byCodeUnits(a.path, b.path)),
    excluded: selection.excluded,
  };
}
