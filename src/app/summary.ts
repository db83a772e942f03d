/**
 * The compliance summary of one framework: the Reports API's `GET /compliance/summary` as a
 * command. For NIST SP 800-171 (and CMMC Level 2) it carries the SPRS score in the spec's shape,
 * fields in the spec's order, followed by the extra fields of evaluation.md section 5.
 */
import { ExitCode, InfracastError } from '../errors.js';
import type { EvaluatedControl } from '../model/evaluation.js';
import { cmmcPracticeIdOf } from '../model/cmmc.js';
import { remediationOf, SPRS_MAX, SPRS_MIN } from '../model/sprs.js';
import type { FailingPractice, SprsResult } from '../model/sprs.js';
import { evaluationOf, sprsOf } from './build.js';
import type { RunContext, SprsView } from './build.js';
import { SPRS_FRAMEWORKS } from './evaluate.js';
import { formatInstant, resolveInstant } from './instant.js';
import { inputDigests, toolVersion } from './provenance.js';
import { observationProvenance } from './observation-dates.js';
import { readPoam } from './state.js';
import { ingestWorkspace } from './workspace-findings.js';
import { validate } from './validate.js';
import type { WorkspaceConfig } from '../model/config.js';
import type { ObservationProvenance } from '../model/report-model.js';

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
  /** Per findings file, where its findings' observation times come from (evaluation.md section 1). */
  observed_at: ObservationProvenance[];
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
  /** The practices counted in practices_failing: assessed and not met (the same number of entries). */
  failing_practices: SummaryPractice[];
  /** The date of the assessment evidence (SPRS frameworks), else the run instant. */
  assessment_date: string;
  sprs_status?: SprsResult['sprs_status'];
  /** The practices counted in practices_not_assessed: no evidence decided them (the same number of entries). */
  not_assessed_practices: SummaryPractice[];
  practices_not_applicable: number;
  score: number | null;
  coverage: number;
  /** Findings that name no control of this framework, directly or through a mapping. */
  unmapped_findings: number;
  /** Findings that name only controls of this framework outside its scope (baseline). */
  findings_outside_scope: number;
  /** Every distinct finding imported. */
  findings_total: number;
  /** The run instant (the evaluation is as of it). */
  evaluated_at: string;
  practices_met_by_exception?: number;
  scoring?: SprsResult['scoring'];
  cmmc?: SprsResult['cmmc'];
  sprs_submission?: SprsSubmission;
  provenance: Provenance;
}

export type SummaryPractice = Omit<FailingPractice, 'point_value'> & { point_value?: number; requirement?: string; derived_from?: string };

export { formatInstant } from './instant.js';

/**
 * The failing and the not-assessed practices apart, so that each list has as many entries as its
 * count (practices_failing, practices_not_assessed) and means the same.
 */
function byStatus(practices: SummaryPractice[]): Pick<ComplianceSummary, 'failing_practices' | 'not_assessed_practices'> {
  return {
    failing_practices: practices.filter((p) => p.status === 'failing'),
    not_assessed_practices: practices.filter((p) => p.status === 'not-assessed'),
  };
}

/** Generic failing list for frameworks without points: failing and not-assessed controls, each with its reason. */
function failingControls(results: EvaluatedControl[]): SummaryPractice[] {
  return results
    .filter((r) => r.status === 'failing' || r.status === 'not-assessed')
    .map((r) => {
      const status = r.status === 'failing' ? 'failing' : 'not-assessed';
      return {
        practice_id: r.control.id,
        family: r.control.family,
        description: r.control.title,
        remediation: remediationOf(r, status),
        status,
        reason: r.notes.reason.text,
        ...(r.derivedFrom ? { derived_from: r.derivedFrom } : {}),
      };
    });
}

/** The CMMC view prints CMMC practice ids (AU.L2-3.3.8) and names the SP 800-171 requirement beside them. */
function asCmmcPractices(sprs: SprsResult): { failing: SummaryPractice[]; cmmc: SprsResult['cmmc'] } {
  const family = new Map(sprs.failing_practices.map((p) => [p.practice_id, p.family]));
  const practice = (id: string): string => (/^3\.\d+\.\d+$/.test(id) && family.has(id) ? cmmcPracticeIdOf(id, family.get(id)!) : id);
  const idOf = (id: string): string => (id === '*' ? id : /^3\.\d+\.\d+$/.test(id) ? cmmcPracticeIdOf(id, familyOf(id, family)) : id);
  const l2 = sprs.cmmc.level_2;
  return {
    failing: sprs.failing_practices.map((p) => ({ ...p, practice_id: practice(p.practice_id), requirement: p.practice_id })),
    cmmc: {
      level_1: { ...sprs.cmmc.level_1, not_met: sprs.cmmc.level_1.not_met.map(idOf) },
      level_2: {
        ...l2,
        met_by_exception: l2.met_by_exception.map(idOf),
        poam_eligible: l2.poam_eligible.map(idOf),
        on_poam: l2.on_poam.map(idOf),
        blocking: l2.blocking.map((b) => ({ ...b, practice_id: idOf(b.practice_id) })),
      },
    },
  };
}

/** The family of an SP 800-171 requirement id, from the failing list or the catalog's numbering (3.<n>: the n-th family). */
function familyOf(id: string, known: ReadonlyMap<string, string>): string {
  const FAMILIES = ['AC', 'AT', 'AU', 'CM', 'IA', 'IR', 'MA', 'MP', 'PS', 'PE', 'RA', 'CA', 'SC', 'SI'];
  return known.get(id) ?? FAMILIES[Number(id.split('.')[1]) - 1] ?? 'XX';
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
  // The same run context as render: the POA&M as this run would leave it (read, never written here).
  const run: RunContext = { workspace, ingested, at, previousPoam: await readPoam(workspace.config.stateDir) };
  const result = summaryOf(run, options.framework);
  const sprsScore = result.sprs_score;
  if (options.minSprs !== undefined && sprsScore !== undefined && (sprsScore === null || sprsScore < options.minSprs)) {
    throw new InfracastError('POLICY_FAILED', `SPRS score ${String(sprsScore)} is below the required ${options.minSprs}`, {
      exitCode: ExitCode.Policy,
      hints: ['See failing_practices and not_assessed_practices (infracast summary --framework nist-800-171) for what to close first.'],
      details: result,
    });
  }
  return result;
}

/**
 * The summary of one framework on a run already loaded and ingested: what `summary` prints, and
 * what `infracast diff` compares per framework on each side (one evaluation per run, shared).
 */
export function summaryOf(run: RunContext, framework: string): ComplianceSummary {
  const { workspace, ingested, at } = run;
  const { evaluation, catalog } = evaluationOf(run, framework);
  const inputs = inputDigests(workspace.root, [...workspace.files, ...ingested.files.map((f) => f.file)]);
  const assessed = evaluation.counts.total - evaluation.counts.notAssessed;
  const view = sprsOf(run, framework);
  const provenance: Provenance = {
    tool: toolVersion(),
    catalog: { framework: catalog.framework, name: catalog.name, release: catalog.release, verified: catalog.verified },
    ...(SPRS_FRAMEWORKS.has(framework)
      ? {
          methodology:
            framework === 'cmmc-l2'
              ? 'CMMC Scoring Methodology, 32 CFR 170.24 (enduring exceptions and temporary deficiencies MET), POA&M rules 170.21; points of the NIST SP 800-171 DoD Assessment Methodology v1.2.1'
              : 'NIST SP 800-171 DoD Assessment Methodology v1.2.1 (the DFARS 252.204-7019 score); CMMC status per 32 CFR 170.24 (scoring), 170.21 (POA&M)',
        }
      : {}),
    generated_at: formatInstant(at),
    inputs,
    coverage: { assessed, total: evaluation.counts.total },
    observed_at: observationProvenance(ingested.observation, workspace.root),
  };
  const common = {
    practices_not_applicable: evaluation.counts.notApplicable,
    score: evaluation.score,
    coverage: evaluation.coverage,
    unmapped_findings: evaluation.unmapped,
    findings_outside_scope: evaluation.outsideScope,
    findings_total: ingested.totals.findings,
    evaluated_at: formatInstant(at),
  };
  const assessmentDate = (date: string | undefined): string => (date ? `${date}T00:00:00Z` : formatInstant(at));
  if (!view) {
    const lists = byStatus(failingControls(evaluation.results));
    return {
      framework: framework,
      practices_passing: evaluation.counts.passing,
      practices_failing: evaluation.counts.failing,
      practices_attested: evaluation.counts.attested,
      practices_not_assessed: evaluation.counts.notAssessed,
      failing_practices: lists.failing_practices,
      assessment_date: formatInstant(at),
      not_assessed_practices: lists.not_assessed_practices,
      ...common,
      provenance,
    };
  }
  const { sprs } = view;
  const cmmcView = framework === 'cmmc-l2' ? asCmmcPractices(sprs) : undefined;
  // SP 800-171 requirements failing through the Appendix D crosswalk say so (the CMMC view's
  // practices derive from SP 800-171 as a whole and are not marked).
  const derived = new Map(evaluation.results.filter((r) => r.derivedFrom).map((r) => [r.control.id, r.derivedFrom!]));
  const marked = (practices: SummaryPractice[]): SummaryPractice[] =>
    framework === 'nist-800-171' ? practices.map((p) => (derived.has(p.practice_id) ? { ...p, derived_from: derived.get(p.practice_id)! } : p)) : practices;
  const lists = byStatus(marked(cmmcView?.failing ?? sprs.failing_practices));
  const result: ComplianceSummary = {
    framework: framework,
    sprs_score: sprs.sprs_score,
    sprs_max: SPRS_MAX,
    sprs_min_possible: SPRS_MIN,
    practices_passing: sprs.practices_passing,
    practices_failing: sprs.practices_failing,
    practices_attested: sprs.practices_attested,
    practices_not_assessed: sprs.practices_not_assessed,
    failing_practices: lists.failing_practices,
    assessment_date: assessmentDate(view.assessmentDate),
    sprs_status: sprs.sprs_status,
    not_assessed_practices: lists.not_assessed_practices,
    ...common,
    practices_not_applicable: sprs.practices_not_applicable,
    ...(sprs.practices_met_by_exception !== undefined ? { practices_met_by_exception: sprs.practices_met_by_exception } : {}),
    scoring: sprs.scoring,
    cmmc: cmmcView?.cmmc ?? sprs.cmmc,
    sprs_submission: sprsSubmission(workspace.config!.system, view),
    provenance,
  };
  return result;
}

/** What SPRS posting asks for (DFARS 252.204-7019/-7020, evaluation.md section 5): never for an incomplete assessment. */
export type SprsSubmission =
  | { status: 'not-ready'; reasons: string[] }
  | {
      status: 'ready' | 'not-ready';
      standard: string;
      assessment_type: string;
      ssp: { name: string; version: string | null; date: string | null };
      cage_codes: string[];
      scope: string;
      assessment_date: string;
      score: number;
      all_requirements_met_by: string | null;
      /** NOT MET requirements no POA&M item or plan of action covers: why all_requirements_met_by is null. */
      unplanned_requirements?: string[];
      valid_until: string;
      reasons?: string[];
    };

/** A UTC day plus whole years (29 February rolls to 1 March). */
function addYears(day: string, years: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date.toISOString().slice(0, 10);
}

function sprsSubmission(system: WorkspaceConfig['system'], view: SprsView): SprsSubmission {
  const { sprs } = view;
  const notAssessed = sprs.failing_practices.filter((p) => p.status === 'not-assessed').map((p) => p.practice_id);
  if (sprs.sprs_score === null)
    return { status: 'not-ready', reasons: ['no system security plan (3.12.4 NOT MET): the assessment cannot be completed; nothing can be posted'] };
  if (notAssessed.length > 0 || view.assessmentDate === undefined)
    return {
      status: 'not-ready',
      reasons: [
        `the assessment is incomplete: ${notAssessed.length} requirement${notAssessed.length === 1 ? ' has' : 's have'} no evidence (${notAssessed.join(', ')}); assess them before posting`,
      ],
    };
  const reasons: string[] = [];
  if (!system.cage_codes?.length) reasons.push('infracast.yaml system.cage_codes is not set: SPRS needs the CAGE codes in scope');
  if (!system.ssp) reasons.push('infracast.yaml system.ssp (version, date) is not set: SPRS needs the SSP the assessment is against');
  const unplanned = sprs.failing_practices.filter((p) => view.poam.get(p.practice_id) == null).map((p) => p.practice_id);
  const planned = sprs.failing_practices.map((p) => view.poam.get(p.practice_id)).filter((d): d is string => typeof d === 'string');
  const metBy = sprs.failing_practices.length === 0 ? view.assessmentDate : unplanned.length === 0 ? [...planned].sort().at(-1)! : null;
  if (metBy === null) reasons.push(`the POA&M gives no date for ${unplanned.join(', ')}: the date all requirements will be met cannot be posted`);
  const validUntil = addYears(view.assessmentDate, 3);
  return {
    status: reasons.length === 0 ? 'ready' : 'not-ready',
    standard: 'NIST SP 800-171 Rev. 2',
    assessment_type: 'Basic (self-assessment)',
    ssp: { name: system.ssp?.title ?? system.name, version: system.ssp?.version ?? null, date: system.ssp?.date ?? null },
    cage_codes: system.cage_codes ?? [],
    scope: system.name,
    assessment_date: view.assessmentDate,
    score: sprs.sprs_score,
    all_requirements_met_by: metBy,
    ...(unplanned.length > 0 ? { unplanned_requirements: unplanned } : {}),
    // A Basic assessment stays current for three years (DFARS 252.204-7019(b)).
    valid_until: validUntil,
    ...(reasons.length > 0 ? { reasons } : {}),
  };
}
