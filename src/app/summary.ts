/**
 * The compliance summary of one framework: the Reports API's `GET /compliance/summary` as a
 * command. For NIST SP 800-171 (and CMMC Level 2) it carries the SPRS score in the spec's shape,
 * fields in the spec's order, followed by the extra fields of evaluation.md section 5.
 */
import { cmmcLevel1, sprsFacts } from '../catalogs/index.js';
import { ExitCode, InfracastError } from '../errors.js';
import type { EvaluatedControl, FrameworkEvaluation } from '../model/evaluation.js';
import { computeSprs, SPRS_MAX, SPRS_MIN } from '../model/sprs.js';
import type { FailingPractice, SprsResult } from '../model/sprs.js';
import { evaluateWorkspace, SPRS_FRAMEWORKS } from './evaluate.js';
import { inputDigests, toolVersion } from './provenance.js';
import { ingestWorkspace } from './workspace-findings.js';
import { resolveInstant } from './instant.js';
import { validate } from './validate.js';

export interface SummaryOptions {
  framework: string;
  /** A path inside the workspace; default the current directory. */
  workspace?: string;
  cwd?: string;
  /** The assessment instant (date or RFC 3339); default SOURCE_DATE_EPOCH, else now. */
  at?: string;
  env?: NodeJS.ProcessEnv;
  /** Policy gate: fail (exit 4) when the SPRS score is below this. */
  minSprs?: number;
}

export interface Provenance {
  tool: string;
  catalog: { framework: string; name: string; release: string; verified: boolean };
  methodology?: string;
  generated_at: string;
  inputs: { path: string; sha256: string }[];
  coverage: { assessed: number; total: number };
}

/** The spec's summary fields first, in its order; ours after (evaluation.md section 5). */
export interface ComplianceSummary {
  framework: string;
  sprs_score?: number | null;
  sprs_max?: number;
  sprs_min_possible?: number;
  practices_passing: number;
  practices_failing: number;
  practices_attested: number;
  practices_not_assessed: number;
  failing_practices: (Omit<FailingPractice, 'point_value'> & { point_value?: number })[];
  assessment_date: string;
  sprs_status?: SprsResult['sprs_status'];
  practices_not_applicable: number;
  score: number | null;
  coverage: number;
  unmapped_findings: number;
  cmmc?: SprsResult['cmmc'];
  sprs_submission?: Record<string, unknown>;
  provenance: Provenance;
}

/** Formats an instant as the spec prints it: 2026-04-24T00:00:00Z (no milliseconds). */
export function formatInstant(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

/** Generic failing list for frameworks without points: failing and not-assessed controls. */
function failingControls(results: EvaluatedControl[]): ComplianceSummary['failing_practices'] {
  return results
    .filter((r) => r.status === 'failing' || r.status === 'not-assessed')
    .map((r) => ({
      practice_id: r.control.id,
      family: r.control.family,
      description: r.control.title,
      remediation:
        r.findings.find((f) => f.result === 'FAIL' && f.state === 'open' && f.remediation)?.remediation?.replace(/\s+/g, ' ') ??
        (r.status === 'not-assessed' ? 'No evidence: attest it or add a scan that covers it.' : 'Close the failing findings.'),
      status: r.status === 'failing' ? 'failing' : 'not-assessed',
      ...(r.derivedFrom ? { derived_from: r.derivedFrom } : {}),
    }));
}

export async function summary(options: SummaryOptions): Promise<ComplianceSummary> {
  const env = options.env ?? process.env;
  const at = resolveInstant(options.at, env);
  const checked = await validate({ paths: [options.workspace ?? '.'], ...(options.cwd ? { cwd: options.cwd } : {}), at: at.toISOString(), env });
  const workspace = checked.workspaces[0];
  if (!workspace || !checked.ok || !workspace.config) {
    throw new InfracastError('CONFIG_INVALID', `the workspace has ${checked.errorCount} validation error(s)`, {
      hints: ['Run `infracast validate` and fix them first: a summary is only as good as its inputs.'],
    });
  }
  const ingested = await ingestWorkspace(workspace);
  const { evaluation, catalog, base } = evaluateWorkspace(workspace, ingested.findings, options.framework, at);
  const inputs = inputDigests(workspace.root, [...workspace.files, ...ingested.files.map((f) => f.file)]);
  const assessed = evaluation.counts.total - evaluation.counts.notAssessed;
  const provenance: Provenance = {
    tool: toolVersion(),
    catalog: { framework: catalog.framework, name: catalog.name, release: catalog.release, verified: catalog.verified },
    ...(SPRS_FRAMEWORKS.has(options.framework)
      ? { methodology: 'NIST SP 800-171 DoD Assessment Methodology v1.2.1; 32 CFR 170.24 (scoring), 170.21 (POA&M)' }
      : {}),
    generated_at: formatInstant(at),
    inputs,
    coverage: { assessed, total: evaluation.counts.total },
  };
  const common = {
    practices_not_applicable: evaluation.counts.notApplicable,
    score: evaluation.score,
    coverage: evaluation.coverage,
    unmapped_findings: evaluation.unmapped,
  };
  if (!SPRS_FRAMEWORKS.has(options.framework)) {
    return {
      framework: options.framework,
      practices_passing: evaluation.counts.passing,
      practices_failing: evaluation.counts.failing,
      practices_attested: evaluation.counts.attested,
      practices_not_assessed: evaluation.counts.notAssessed,
      failing_practices: failingControls(evaluation.results),
      assessment_date: formatInstant(at),
      ...common,
      provenance,
    };
  }
  const sprsBase: FrameworkEvaluation = base ?? evaluation;
  const sprs = computeSprs(sprsBase, sprsFacts(), cmmcLevel1(), at);
  const result: ComplianceSummary = {
    framework: options.framework,
    sprs_score: sprs.sprs_score,
    sprs_max: SPRS_MAX,
    sprs_min_possible: SPRS_MIN,
    practices_passing: sprs.practices_passing,
    practices_failing: sprs.practices_failing,
    practices_attested: sprs.practices_attested,
    practices_not_assessed: sprs.practices_not_assessed,
    failing_practices: sprs.failing_practices,
    assessment_date: formatInstant(at),
    sprs_status: sprs.sprs_status,
    ...common,
    practices_not_applicable: sprs.practices_not_applicable,
    cmmc: sprs.cmmc,
    sprs_submission: sprsSubmission(workspace.config.system, sprs, at),
    provenance,
  };
  if (options.minSprs !== undefined && (sprs.sprs_score === null || sprs.sprs_score < options.minSprs)) {
    throw new InfracastError('POLICY_FAILED', `SPRS score ${String(sprs.sprs_score)} is below the required ${options.minSprs}`, {
      exitCode: ExitCode.Policy,
      hints: ['See failing_practices (infracast summary --framework nist-800-171) for what to close first.'],
      details: result,
    });
  }
  return result;
}

/** What SPRS posting asks for (DFARS 252.204-7019/-7020; evaluation.md section 5): the parts a workspace knows. */
function sprsSubmission(system: { name: string; id?: string }, sprs: SprsResult, at: Date): Record<string, unknown> {
  const validUntil = new Date(at);
  validUntil.setUTCFullYear(validUntil.getUTCFullYear() + 3);
  return {
    standard: 'NIST SP 800-171 Rev. 2',
    assessment_type: 'Basic (self-assessment)',
    ssp: { name: system.name, ...(system.id ? { id: system.id } : {}) },
    scope: system.name,
    assessment_date: formatInstant(at).slice(0, 10),
    score: sprs.sprs_score,
    // From the POA&M store once it exists (issue: render); null means not yet planned.
    all_requirements_met_by: sprs.failing_practices.length === 0 ? formatInstant(at).slice(0, 10) : null,
    valid_until: formatInstant(validUntil).slice(0, 10),
  };
}
