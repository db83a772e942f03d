import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { ingest } from '../../app/ingest.js';
import type { FindingCounts, IngestedFile, IngestResult } from '../../app/ingest.js';
import { InfracastCommand } from '../../cli/base-command.js';
import { displayPath } from '../../cli/print-diagnostics.js';
import type { Finding } from '../../model/finding.js';

/** What `--json` prints: per-file reports, totals and (without --summary) the normalised findings. */
export interface InspectJson {
  files: (Omit<IngestedFile, 'file'> & { file: string })[];
  totals: IngestResult['totals'];
  findings?: Finding[];
}

export default class FindingsInspect extends InfracastCommand {
  static override summary = 'Read findings exports and show what Infracast makes of them.';
  static override description = `Imports findings files the way a report run does and prints, per file: the format detected from the content (never from the file name), the records read, the records merged with an earlier file's findings, counts by result, state and severity, the controls referenced per framework (distinct ids), the findings that name no control (unmapped), and any problems.

Formats: the native Infracast export (JSON array, {"findings": [...]}, or JSON Lines), AWS Security Hub ASFF (also Amazon Inspector and Trivy's ASFF template), OCSF Detection and Vulnerability Findings, SARIF 2.1.0, OSCAL assessment-results and POA&M (JSON or XML), and CSV with a header row (comma, semicolon or tab; Prowler's CSV as is). Gzip-compressed files are read as they are. Large exports are streamed record by record.

Identity (spec/evaluation.md section 1): records inside one file are never merged; findings with the same identity in several files are merged, keeping every source. A malformed record fails the import, naming the file, record and field, unless --skip-invalid is given (then it is skipped and counted).

Exit codes: 0 read, 1 unrecognised or invalid input, 2 usage.`;

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %> examples/acme/findings', description: 'Every file below a folder.' },
    { command: "<%= config.bin %> <%= command.id %> 'findings/**/*.json' scan.sarif.gz", description: 'Globs and gzip-compressed files.' },
    {
      command: '<%= config.bin %> <%= command.id %> huge-export.asff.json --summary',
      description: 'Counts only, without keeping the findings (large exports).',
    },
    { command: '<%= config.bin %> <%= command.id %> export.csv --skip-invalid', description: 'Skip and count malformed records instead of failing.' },
    { command: '<%= config.bin %> <%= command.id %> export.json --json', description: 'The normalised findings as JSON.' },
  ];

  static override args = {
    files: Args.string({ description: 'Findings files, folders or globs.', required: true }),
  };
  static override strict = false; // any number of files

  static override flags = {
    summary: Flags.boolean({ description: 'Aggregate counts without keeping findings (for large exports); --json then omits the findings.', default: false }),
    'skip-invalid': Flags.boolean({ description: 'Skip malformed records (counted and listed) instead of failing the import.', default: false }),
  };

  async run(): Promise<InspectJson> {
    const { argv, flags } = await this.parse(FindingsInspect);
    const result = await ingest({ paths: argv as string[], summary: flags.summary, skipInvalid: flags['skip-invalid'] });
    const json: InspectJson = {
      files: result.files.map((f) => ({ ...f, file: displayPath(f.file), problems: f.problems.map((p) => ({ ...p, file: displayPath(p.file) })) })),
      totals: result.totals,
      ...(flags.summary ? {} : { findings: result.findings.map((f) => ({ ...f, sources: f.sources.map((s) => ({ ...s, file: displayPath(s.file) })) })) }),
    };
    if (!this.jsonEnabled()) this.printHuman(json);
    return json;
  }

  private printHuman(json: InspectJson): void {
    for (const file of json.files) {
      const tool = file.tool ? ` (${file.tool})` : '';
      this.log(`${file.file}: ${file.format}${tool}${file.gzip ? ', gzip' : ''}`);
      this.log(`  records read: ${file.records}, merged: ${file.merged}${file.invalid > 0 ? `, invalid (skipped): ${file.invalid}` : ''}`);
      this.printCounts(file.counts, '  ');
      for (const p of file.problems)
        this.log(`  problem: record ${p.record}${p.line !== undefined ? ` (line ${p.line})` : ''}${p.field ? `, field ${p.field}` : ''}: ${p.message}`);
      if (file.invalid > file.problems.length) this.log(`  ... and ${file.invalid - file.problems.length} more problems`);
    }
    const t = json.totals;
    this.log(
      `total: ${t.findings} finding${t.findings === 1 ? '' : 's'} from ${t.records} record${t.records === 1 ? '' : 's'} in ${t.files} file${t.files === 1 ? '' : 's'} (${t.merged} merged${t.invalid > 0 ? `, ${t.invalid} invalid skipped` : ''})`,
    );
    if (json.files.length > 1) this.printCounts(t.counts, '  ');
  }

  private printCounts(counts: FindingCounts, indent: string): void {
    const line = (record: Record<string, number>): string =>
      Object.entries(record)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none';
    this.log(`${indent}result: ${line(counts.result)}`);
    this.log(`${indent}state: ${line(counts.state)}`);
    this.log(`${indent}severity: ${line(counts.severity)}`);
    const controls = Object.entries(counts.controls).map(([framework, n]) => `${framework} ${n} id${n === 1 ? '' : 's'}`);
    this.log(`${indent}controls: ${controls.length > 0 ? controls.join(', ') : 'none'}`);
    this.log(`${indent}unmapped: ${counts.unmapped}`);
    for (const u of counts.unknownControls)
      this.log(`${indent}unknown control id: ${u.framework} ${u.id} (${u.findings} finding${u.findings === 1 ? '' : 's'})`);
  }
}
