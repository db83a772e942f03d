/**
 * The build stage of the evidence report: selects what the bundle holds (reports/evidence.ts),
 * reads and checks the attestation artifacts, serialises the findings excerpts, and writes a
 * deterministic zip (DESIGN.md "Rendering": sorted entries, fixed mtime) holding the evidence, the
 * excerpts, manifest.json and index.md. The render command writes the zip and renders the model
 * to the definition's other formats.
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { InfracastError } from '../errors.js';
import type { OutputDefinition } from '../model/definitions.js';
import type { ReportModel } from '../model/report-model.js';
import { isInside } from '../io/workspace.js';
import { deterministicZip } from '../io/deterministic-zip.js';
import { canonicalReportJson } from '../renderers/json.js';
import { renderMarkdown } from '../renderers/markdown.js';
import { buildEvidenceReport, evidenceManifest, excerptDocument, manifestEntry, selectEvidence } from '../reports/evidence.js';
import type { AttestationArtifact, EvidenceInput, ManifestEntry, PlannedEntry } from '../reports/evidence.js';
import { evaluationOf, findingsOf, provenanceOf, withUnmapped } from './build.js';
import type { RunContext } from './build.js';
import { crosswalkOf, mappingRules } from './evaluate.js';
import { evidenceRefOf } from './records.js';
import type { LoadedWorkspace } from './load-workspace.js';
import { formatInstant } from './instant.js';

/** Workspace-relative, with `/` on every platform: the manifest and the zip paths must not depend on the OS. */
const workspacePath = (root: string, file: string): string => relative(root, file).split(sep).join('/');

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** Every evidence entry of every attestation, with what its attestation says. */
function attestationArtifacts(workspace: LoadedWorkspace): AttestationArtifact[] {
  return workspace.records
    .filter((r) => r.kind === 'Attestation')
    .flatMap(({ value: v, source }) =>
      (Array.isArray(v.evidence) ? (v.evidence as Record<string, unknown>[]) : []).map((e) => ({
        attestation: {
          id: String(v.id),
          framework: String(v.framework),
          file: workspacePath(workspace.root, source.file),
          requirements: strings(v.requirements),
          objectives: strings(v.objectives),
          methods: strings(v.methods),
          attestedAt: String(v.attested_at),
        },
        ...evidenceRefOf(e),
      })),
    );
}

/**
 * The bytes of an attestation artifact, checked against the digest every attestation that cites
 * it records (validate checks this too, but the bundle must hold exactly the bytes attested, so
 * the bytes read here are the ones checked). A path that leaves the workspace is refused, as
 * validate refuses it.
 */
function artifactBytes(root: string, entry: PlannedEntry): Uint8Array {
  const full = resolve(root, entry.source);
  const first = entry.recorded?.[0]?.attestationFile ?? 'attestations/';
  let bytes: Buffer;
  try {
    if (!isInside(root, full) || !isInside(realpathSync(root), realpathSync(full))) throw new Error('outside');
    bytes = readFileSync(full);
  } catch (error) {
    const outside = (error as Error).message === 'outside';
    throw new InfracastError(
      outside ? 'VALIDATION_FAILED' : 'FILE_NOT_FOUND',
      `${first}: evidence '${entry.source}' ${outside ? 'resolves outside the workspace' : 'cannot be read'}: the evidence bundle cannot include it`,
      { location: { file: resolve(root, first) }, hints: ['Run `infracast validate` and fix the evidence path.'] },
    );
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  for (const recorded of entry.recorded ?? []) {
    if (recorded.sha256 !== actual) {
      throw new InfracastError(
        'VALIDATION_FAILED',
        `${recorded.attestationFile}: sha256 of evidence '${entry.source}' is ${actual}, not the recorded ${recorded.sha256}: the evidence changed after it was recorded`,
        {
          location: { file: resolve(root, recorded.attestationFile) },
          hints: ['Review the file; if the change is intended, record the new digest (sha256sum FILE) in the attestation.'],
        },
      );
    }
  }
  return bytes;
}

/**
 * The evidence report of a definition: the index (ReportModel, for the md/json formats and
 * index.md) and the zip `<outputName>.zip`. Same run and definition, same bytes.
 */
export function buildEvidence(run: RunContext, definition: OutputDefinition): { model: ReportModel; zip: { fileName: string; bytes: Uint8Array } } {
  const { workspace, at } = run;
  const [framework, ...others] = definition.frameworks;
  if (framework === undefined || others.length > 0) {
    throw new InfracastError('DEFINITION_INVALID', `${definition.outputName}: an evidence bundle is for one framework, not ${definition.frameworks.length}`, {
      location: { file: definition.source.file },
      hints: ['Write `framework: <id>`, one definition per framework.'],
    });
  }
  const findings = findingsOf(run);
  const { evaluation, catalog } = evaluationOf(run, framework, definition.baseline);
  const generatedAt = formatInstant(at);
  const input: EvidenceInput = {
    definition,
    tenant: workspace.config?.tenant ?? { id: 'unknown', name: 'unknown' },
    catalog: { ...catalog, controlIds: new Set(catalog.controls.map((c) => c.id)) },
    crosswalk: crosswalkOf(workspace, framework),
    artifacts: attestationArtifacts(workspace),
    findings,
    sources: run.ingested.files.map((f) => ({
      file: f.file,
      path: workspacePath(workspace.root, f.file),
      format: f.format,
      ...(f.tool ? { tool: f.tool } : {}),
    })),
    mappings: mappingRules(workspace),
    generatedAt,
    provenance: provenanceOf(run, generatedAt, [{ framework, release: catalog.release, baseline: catalog.baseline, evaluation }]),
  };
  const selection = selectEvidence(input);
  const digest = (bytes: Uint8Array) => ({ sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
  const files = new Map<string, Uint8Array>();
  const entries: ManifestEntry[] = selection.entries.map((entry) => {
    const bytes =
      entry.kind === 'attestation-evidence'
        ? artifactBytes(workspace.root, entry)
        : new TextEncoder().encode(canonicalReportJson(excerptDocument(entry, selection)));
    files.set(entry.path, bytes);
    return manifestEntry(entry, digest(bytes));
  });
  const model = withUnmapped(run, definition, buildEvidenceReport(input, selection, entries), [framework]);
  const index = new TextEncoder().encode(renderMarkdown(model, workspace.config?.templatesDir));
  files.set('index.md', index);
  const indexEntry = manifestEntry(
    {
      path: 'index.md',
      kind: 'index',
      source: workspacePath(workspace.root, definition.source.file),
      observedAt: generatedAt,
      collector: null,
      controls: {},
      objectives: [],
      methods: [],
      basis: 'generated',
      attestations: [],
      description: 'This index (the md format of the report)',
    },
    digest(index),
  );
  files.set('manifest.json', new TextEncoder().encode(canonicalReportJson(evidenceManifest(input, selection, [...entries, indexEntry], model.meta.title))));
  return { model, zip: { fileName: `${definition.outputName}.zip`, bytes: deterministicZip(files, generatedAt) } };
}
