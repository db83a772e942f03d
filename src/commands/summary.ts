import type { ExitCodeHelp } from '../errors.js';
import * as Flags from '@oclif/core/flags';
import { summary } from '../app/summary.js';
import type { ComplianceSummary } from '../app/summary.js';
import { InfracastCommand } from '../cli/base-command.js';
import { chosenOutput, outputFlag } from '../cli/output-choice.js';

export default class Summary extends InfracastCommand {
  static override summary = "A framework's compliance summary: counts, score with coverage, failing controls; the SPRS score for NIST SP 800-171.";
  static override description = `Evaluates the workspace's findings, attestations and exceptions against one framework (docs/evaluation.md sections 4 and 5) and prints the Reports API's compliance summary: a table on a terminal, JSON when piped (or with --json or -o json), fields in the spec's order, then Infracast's. failing_practices lists exactly the practices counted in practices_failing, not_assessed_practices those counted in practices_not_assessed, each with the reason that decided it and a remediation that fits it; unmapped_findings counts the findings that map to no control of the framework (the table says "N of M findings map to no control of ..."; \`infracast findings inspect --rules\` shows which rules map where).

nist-800-171: sprs_score is the DoD Assessment Methodology score that DFARS 252.204-7019 posts to SPRS (CMMC exceptions never count), with CMMC Level 1 and 2 status beside it (the CMMC score, POA&M eligibility, what blocks Conditional status, the 180-day closeout date; 32 CFR 170.21, 170.24) and the SPRS posting data (only when the assessment is complete). cmmc-l2: the CMMC score (enduring exceptions and temporary deficiencies MET), in CMMC practice ids. Other frameworks get the same shape without the SPRS fields.

assessment_date is the date of the assessment evidence; the workspace is validated first; the evaluation instant is --at, else SOURCE_DATE_EPOCH, else now.`;

  static override exitCodes: ExitCodeHelp = { 0: '', 1: 'invalid workspace or findings', 2: '', 4: 'the SPRS score is below --min-sprs' };

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %> --framework nist-800-171', description: 'The SPRS summary of the current workspace.' },
    { command: '<%= config.bin %> <%= command.id %> -f fedramp-moderate -w examples/acme --output table', description: 'A table for people.' },
    { command: '<%= config.bin %> <%= command.id %> -f nist-800-171 --min-sprs 88', description: 'Fail the build (exit 4) below CMMC Level 2 Conditional.' },
  ];

  static override flags = {
    framework: Flags.string({
      char: 'f',
      description: 'Framework id, e.g. nist-800-171, nist-800-53, fedramp-moderate, cmmc-l2.',
      required: true,
      helpValue: 'ID',
    }),
    workspace: Flags.string({ char: 'w', description: 'A path inside the workspace (default: the current directory).', helpValue: 'PATH' }),
    at: Flags.string({ description: 'Assessment instant (YYYY-MM-DD or RFC 3339). Default: SOURCE_DATE_EPOCH, else now.', helpValue: 'DATE' }),
    output: outputFlag,
    'min-sprs': Flags.integer({ description: 'Policy gate: exit 4 when the SPRS score is below this (or cannot be computed).', min: -203, max: 110 }),
  };

  async run(): Promise<ComplianceSummary> {
    const { flags } = await this.parse(Summary);
    const result = await summary({
      framework: flags.framework,
      ...(flags.workspace ? { workspace: flags.workspace } : {}),
      ...(flags.at ? { at: flags.at } : {}),
      ...(flags['min-sprs'] !== undefined ? { minSprs: flags['min-sprs'] } : {}),
    });
    if (!this.jsonEnabled()) {
      this.log(chosenOutput(flags.output) === 'table' ? toTable(result) : JSON.stringify(result, null, 2));
    }
    return result;
  }
}

const NOT_ASSESSED_SHOWN = 20;

function percent(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

function toTable(s: ComplianceSummary): string {
  const lines = [
    s.sprs_score === undefined
      ? `${s.framework} at ${s.evaluated_at}`
      : `${s.framework}, assessment evidence of ${s.assessment_date.slice(0, 10)} (evaluated ${s.evaluated_at})`,
  ];
  if (s.sprs_score !== undefined)
    lines.push(
      `${s.scoring === 'cmmc' ? 'CMMC score' : 'SPRS score'}        ${s.sprs_score === null ? 'cannot be computed (no SSP: 3.12.4 not met)' : `${s.sprs_score} of ${s.sprs_max}`}  (${s.sprs_status})`,
    );
  lines.push(`score             ${percent(s.score)} of assessed, coverage ${percent(s.coverage)}`);
  lines.push(
    `passing ${s.practices_passing} (attested ${s.practices_attested})   failing ${s.practices_failing}   not assessed ${s.practices_not_assessed}   not applicable ${s.practices_not_applicable}${s.practices_met_by_exception ? `   met by CMMC exception ${s.practices_met_by_exception}` : ''}`,
  );
  lines.push(
    `unmapped          ${s.unmapped_findings} of ${s.findings_total} findings map to no control of ${s.framework}${s.findings_outside_scope > 0 ? `; ${s.findings_outside_scope} name only controls outside its scope` : ''}`,
  );
  const crosswalked = s.failing_practices.filter((p) => p.derived_from?.startsWith('crosswalk ')).length;
  if (crosswalked > 0)
    lines.push(`crosswalk         ${crosswalked} of the failing fail through a crosswalk from failing controls of another framework (derived_from)`);
  if (s.cmmc) {
    const l2 = s.cmmc.level_2;
    lines.push(
      `CMMC Level 2      ${l2.status}${l2.score !== null ? ` (CMMC score ${l2.score})` : ''}${l2.poam_closeout_by ? `, POA&M closeout by ${l2.poam_closeout_by}` : ''}   Level 1 ${s.cmmc.level_1.status}`,
    );
  }
  if (s.sprs_submission)
    lines.push(
      `SPRS posting      ${s.sprs_submission.status}${'reasons' in s.sprs_submission && s.sprs_submission.reasons ? `: ${s.sprs_submission.reasons.join('; ')}` : ''}`,
    );
  const width = Math.max(12, ...[...s.failing_practices, ...s.not_assessed_practices].map((p) => p.practice_id.length + 2));
  const row = (p: ComplianceSummary['failing_practices'][number]): string =>
    `${p.practice_id.padEnd(width)}${String(p.point_value ?? '').padStart(6)}  ${p.description}${p.short_name ? ` (${p.short_name})` : ''}`;
  if (s.failing_practices.length > 0) {
    lines.push('', `FAILING (${s.failing_practices.length}) `.padEnd(width) + 'points  description');
    for (const p of s.failing_practices) lines.push(row(p));
  }
  if (s.not_assessed_practices.length > 0) {
    // For people: at most NOT_ASSESSED_SHOWN (the JSON lists every one).
    lines.push('', `NOT ASSESSED (${s.not_assessed_practices.length}) `.padEnd(width) + 'points  description');
    for (const p of s.not_assessed_practices.slice(0, NOT_ASSESSED_SHOWN)) lines.push(row(p));
    if (s.not_assessed_practices.length > NOT_ASSESSED_SHOWN)
      lines.push(`... and ${s.not_assessed_practices.length - NOT_ASSESSED_SHOWN} more not assessed (--output json lists every one)`);
  }
  lines.push('', `catalog: ${s.provenance.catalog.name} (${s.provenance.catalog.release})${s.provenance.catalog.verified ? '' : ' UNVERIFIED list'}`);
  return lines.join('\n');
}
