import type { ExitCodeHelp } from '../../errors.js';
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import type { FindingCounts, IngestedFile, IngestResult } from '../../app/ingest.js';
import { inspectFindings } from '../../app/inspect.js';
import type { MappingsApplied, RuleMapping } from '../../app/inspect.js';
import type { DuplicateIds } from '../../app/repeats.js';
import { InfracastCommand } from '../../cli/base-command.js';
import { displayPath } from '../../cli/print-diagnostics.js';
import type { Finding } from '../../model/finding.js';

/** What `--json` prints: per-file reports, totals and (without --summary) the normalised findings. */
export interface InspectJson {
  /** The workspace whose import and mappings apply (the files', or -w). */
  workspace?: string;
  mappings?: MappingsApplied;
  note?: string;
  files: (Omit<IngestedFile, 'file'> & {
    file: string;
    /** Findings of the file that map to no control of each framework, mappings applied. */
    unmappedByFramework?: Record<string, number>;
    /** Where the file's findings' observation times come from (inside a workspace). */
    observationTimes?: Record<string, number>;
  })[];
  totals: IngestResult['totals'] & { unmappedByFramework?: Record<string, number> };
  /** With --rules: per tool and rule, the controls its findings count for per framework, and what says so. */
  rules?: RuleMapping[];
  findings?: Finding[];
}

export default class FindingsInspect extends InfracastCommand {
  static override summary = 'Read findings exports and show what Infracast makes of them.';
  static override description = `Imports findings files the way a report run does and prints, per file: the format detected from the content (never from the file name), the records read, the records merged with an earlier file's findings, counts by result, state and severity, the controls referenced per framework (distinct ids), the findings that name no control (unmapped), and any problems.

Formats: the native Infracast export (JSON array, {"findings": [...]}, or JSON Lines), AWS Security Hub ASFF (also Amazon Inspector and Trivy's ASFF template), OCSF Detection and Vulnerability Findings, SARIF 2.1.0 (vulnerabilities, NIST SP 800-53 taxonomies, the run's time), Trivy JSON (--format json: vulnerabilities, misconfigurations, secrets), Grype JSON (-o json), Checkov JSON (-o json: passed, failed and skipped checks), Semgrep JSON (--json), OSCAL assessment-results and POA&M (JSON or XML), and CSV with a header row (comma, semicolon or tab; Prowler's CSV as is). A known tool's export in another output mode (a Trivy or Grype table, a Checkov or Semgrep text report, an SBOM...) is named, with the export to make instead. Gzip-compressed files are read as they are. Large exports are streamed record by record.

Inside a workspace (the one holding every file, or -w PATH) the import is the workspace's: findings without a time take the observation date its sources declare, else their file's git commit time (shown per file), and the findings are mapped as summary and render map them, with the workspace's mappings/ and the built-in ones: "unmapped after mappings" per framework (-f, default the workspace's frameworks) is summary -f's unmapped_findings. Outside a workspace the counts are what the records name (-f then applies the built-in mappings).

Identity (docs/evaluation.md section 1): records inside one file are never merged; findings with the same identity in several files are merged, keeping every source. A native id alone is never trusted: the ids that several records of a file carry are reported, those on records with differing content (a scanner reusing an id for two packages, a sample export's <finding_uid> placeholder) listed with their record numbers (the first 20), and the records that repeat another exactly counted. A malformed record fails the import, naming the file, record and field, unless --skip-invalid is given (then it is skipped and counted).`;

  static override exitCodes: ExitCodeHelp = { 0: 'read', 1: 'unrecognised or invalid input', 2: '' };

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %> examples/acme/findings', description: 'Every file below a folder.' },
    { command: "<%= config.bin %> <%= command.id %> 'findings/**/*.json' scan.sarif.gz", description: 'Globs and gzip-compressed files.' },
    {
      command: '<%= config.bin %> <%= command.id %> huge-export.asff.json --summary',
      description: 'Counts only, without keeping the findings (large exports).',
    },
    { command: '<%= config.bin %> <%= command.id %> export.csv --skip-invalid', description: 'Skip and count malformed records instead of failing.' },
    { command: '<%= config.bin %> <%= command.id %> export.json --json', description: 'The normalised findings as JSON.' },
    {
      command: '<%= config.bin %> <%= command.id %> findings --rules -f nist-800-53',
      description: 'Check a mapping: every rule, the controls its findings count for, and which mapping rule says so.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> findings -f nist-800-171',
      description: "Inside a workspace: findings no control of SP 800-171 covers, after the workspace's mappings (as summary counts them).",
    },
  ];

  static override args = {
    files: Args.string({ description: 'Findings files, folders or globs.', required: true }),
  };
  static override strict = false; // any number of files

  static override flags = {
    summary: Flags.boolean({ description: 'Aggregate counts without keeping findings (for large exports); --json then omits the findings.', default: false }),
    'skip-invalid': Flags.boolean({ description: 'Skip malformed records (counted and listed) instead of failing the import.', default: false }),
    framework: Flags.string({
      char: 'f',
      description:
        "Count the findings that map to no control of this framework (repeatable), with the workspace's mappings/ and the built-in ones: the unmapped_findings of `summary -f`. Default inside a workspace: its frameworks.",
      multiple: true,
      helpValue: 'FRAMEWORK',
    }),
    rules: Flags.boolean({
      description:
        "List every rule (per tool) with the controls its findings count for per framework (-f, default the workspace's frameworks) and what says so: the records themselves, or which mapping rule (workspace mappings/ first, then the built-in Prowler and AWS Security Hub mappings). The way to check a mapping.",
      default: false,
    }),
    workspace: Flags.string({
      char: 'w',
      description: 'The workspace whose mappings and findings sources apply (default: the one holding every file, if any).',
      helpValue: 'PATH',
    }),
  };

  async run(): Promise<InspectJson> {
    const { argv, flags } = await this.parse(FindingsInspect);
    const result = await inspectFindings({
      paths: argv as string[],
      summary: flags.summary,
      skipInvalid: flags['skip-invalid'],
      ...(flags.framework ? { frameworks: flags.framework } : {}),
      ...(flags.workspace ? { workspace: flags.workspace } : {}),
      rules: flags.rules,
    });
    const observed = new Map((result.observation ?? []).map((o) => [o.file, o.counts as Record<string, number>]));
    const json: InspectJson = {
      ...(result.workspace ? { workspace: displayPath(result.workspace) } : {}),
      ...(result.mappings ? { mappings: result.mappings } : {}),
      ...(result.note ? { note: result.note } : {}),
      files: result.files.map((f) => ({
        ...f,
        file: displayPath(f.file),
        problems: f.problems.map((p) => ({ ...p, file: displayPath(p.file) })),
        ...(result.unmappedByFile?.has(f.file) ? { unmappedByFramework: result.unmappedByFile.get(f.file)! } : {}),
        ...(observed.has(f.file) ? { observationTimes: observed.get(f.file)! } : {}),
      })),
      totals: { ...result.totals, ...(result.unmappedByFramework ? { unmappedByFramework: result.unmappedByFramework } : {}) },
      ...(result.rules ? { rules: result.rules } : {}),
      ...(flags.summary ? {} : { findings: result.findings.map((f) => ({ ...f, sources: f.sources.map((s) => ({ ...s, file: displayPath(s.file) })) })) }),
    };
    if (!this.jsonEnabled()) this.printHuman(json);
    return json;
  }

  private printHuman(json: InspectJson): void {
    if (json.workspace) this.log(`workspace: ${json.workspace}${json.mappings ? ` (mappings: ${json.mappings})` : ''}`);
    else if (json.mappings) this.log(`mappings: ${json.mappings}`);
    if (json.note) this.log(`note: ${json.note}`);
    for (const file of json.files) {
      const tool = file.tool ? ` (${file.tool})` : '';
      this.log(`${file.file}: ${file.format}${tool}${file.gzip ? ', gzip' : ''}`);
      this.log(`  records read: ${file.records}, merged: ${file.merged}${file.invalid > 0 ? `, invalid (skipped): ${file.invalid}` : ''}`);
      this.printDuplicateIds(file.duplicateIds);
      this.printCounts(file.counts, '  ', file.unmappedByFramework);
      if (file.observationTimes) this.log(`  observation times: ${line(file.observationTimes)}`);
      for (const p of file.problems)
        this.log(`  problem: record ${p.record}${p.line !== undefined ? ` (line ${p.line})` : ''}${p.field ? `, field ${p.field}` : ''}: ${p.message}`);
      if (file.invalid > file.problems.length) this.log(`  ... and ${file.invalid - file.problems.length} more problems`);
    }
    const t = json.totals;
    this.log(
      `total: ${t.findings} finding${t.findings === 1 ? '' : 's'} from ${t.records} record${t.records === 1 ? '' : 's'} in ${t.files} file${t.files === 1 ? '' : 's'} (${t.merged} merged${t.invalid > 0 ? `, ${t.invalid} invalid skipped` : ''})`,
    );
    if (json.files.length > 1) this.printCounts(t.counts, '  ', t.unmappedByFramework);
    if (json.rules) this.printRules(json.rules);
  }

  private printRules(rules: RuleMapping[]): void {
    this.log(`rules: ${rules.length}, with the controls their findings count for`);
    for (const r of rules) {
      this.log(`  ${r.tool ?? '(no tool)'} ${r.rule ?? '(no rule id)'}: ${r.findings} finding${r.findings === 1 ? '' : 's'}`);
      for (const [framework, { controls, by }] of Object.entries(r.frameworks))
        this.log(
          controls.length > 0
            ? `    ${framework}: ${Object.entries(by)
                .map(([reason, ids]) => `${ids.join(', ')} (${reason})`)
                .join('; ')}`
            : `    ${framework}: no control (the records name none and no mapping rule matches)`,
        );
    }
  }

  private printDuplicateIds(duplicates: DuplicateIds): void {
    const { differing, identicalRecords, ids } = duplicates;
    if (differing === 0 && identicalRecords === 0) return;
    this.log(
      `  repeated native ids: ${differing} on records with differing content (kept apart by identity)` +
        `, ${identicalRecords} record${identicalRecords === 1 ? '' : 's'} repeating another exactly`,
    );
    for (const id of ids) {
      const more = id.records - id.first.length;
      // Quoted: an id is the export's text, control characters and all.
      this.log(`    ${JSON.stringify(id.nativeId)}: ${id.records} records (${id.first.join(', ')}${more > 0 ? `, and ${more} more` : ''})`);
    }
    if (differing > ids.length) this.log(`    ... and ${differing - ids.length} more`);
  }

  private printCounts(counts: FindingCounts, indent: string, unmappedByFramework?: Record<string, number>): void {
    this.log(`${indent}result: ${line(counts.result)}`);
    this.log(`${indent}state: ${line(counts.state)}`);
    this.log(`${indent}severity: ${line(counts.severity)}`);
    const controls = Object.entries(counts.controls).map(([framework, n]) => `${framework} ${n} id${n === 1 ? '' : 's'}`);
    this.log(`${indent}controls: ${controls.length > 0 ? controls.join(', ') : 'none'}`);
    this.log(`${indent}unmapped: ${counts.unmapped}`);
    if (unmappedByFramework)
      this.log(
        `${indent}unmapped after mappings: ${Object.entries(unmappedByFramework)
          .map(([framework, n]) => `${framework} ${n}`)
          .join(', ')}`,
      );
    for (const u of counts.unknownControls)
      this.log(`${indent}unknown control id: ${u.framework} ${u.id} (${u.findings} finding${u.findings === 1 ? '' : 's'})`);
  }
}

/** `key n, key n` of the non-zero counts, or none. */
function line(record: Record<string, number>): string {
  return (
    Object.entries(record)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none'
  );
}
