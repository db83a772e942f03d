import type { ExitCodeHelp } from '../errors.js';
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { validate } from '../app/validate.js';
import type { ValidateResult } from '../app/validate.js';
import { InfracastCommand } from '../cli/base-command.js';
import { displayPath, formatAnnotation, formatDiagnostic } from '../cli/print-diagnostics.js';
import { ExitCode } from '../errors.js';

/** What `--json` prints: the diagnostics with paths relative to the current directory. */
export interface ValidateJson {
  ok: boolean;
  errors: number;
  warnings: number;
  at: string;
  workspaces: {
    root: string;
    files: number;
    definitions: { file: string; document: number; documents: number; kind: string; reason: string; output?: string }[];
  }[];
  diagnostics: { file: string; line: number; col: number; severity: string; code: string; message: string; hint?: string }[];
}

export default class Validate extends InfracastCommand {
  static override summary = 'Check a workspace: every file against its schema, plus the cross-file rules.';
  static override description = `Validates infracast.yaml and every definition (reports/, schedules/, controls/, attestations/, exceptions/, mappings/, inventory/) against its JSON Schema and the rules a schema cannot express: known frameworks and formats, schedules that refer to existing definitions, unique names and ids, references that stay inside the workspace, evidence digests, expiry.

Every findings file of findings.sources is sniffed (its decoded head only, gzip too, not parsed): a file that is no format Infracast reads is an error at the file, in the words render uses; a configured source that matches no file is a warning. A findings file may be given as a path too. \`infracast findings inspect\` reads exports in full.

Every problem is reported as file:line:col at the offending YAML node, with a hint and a "did you mean" for misspelt keys and values. Expired attestations and exceptions are warnings (errors with --strict), judged at --at, else SOURCE_DATE_EPOCH, else now. Inside GitHub Actions (GITHUB_ACTIONS=true) problems are also printed as ::error annotations.

The workspace is found by walking up from each path to the nearest infracast.yaml. With no path, the current directory's workspace is validated.`;

  static override exitCodes: ExitCodeHelp = { 0: 'valid (warnings allowed)', 1: 'invalid', 2: '' };

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %>', description: 'Validate the workspace around the current directory.' },
    { command: '<%= config.bin %> <%= command.id %> examples/acme', description: 'Validate a whole workspace.' },
    {
      command: '<%= config.bin %> <%= command.id %> examples/acme/reports/*.yaml --verbose',
      description: 'Validate some definitions and show the kind inferred for each.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --strict --at 2026-12-31',
      description: 'Fail on attestations or exceptions expired by the end of the year.',
    },
    { command: '<%= config.bin %> <%= command.id %> --json', description: 'Machine-readable result.' },
  ];

  static override args = {
    paths: Args.string({
      description: "YAML files, findings files of the workspace's sources, or folders (default: the current directory). Each resolves to its workspace.",
      required: false,
    }),
  };
  static override strict = false; // any number of paths

  static override flags = {
    strict: Flags.boolean({ description: 'Treat expired attestations and exceptions as errors.', default: false }),
    at: Flags.string({
      description: 'Judge expiry at this date or instant (YYYY-MM-DD or RFC 3339). Default: SOURCE_DATE_EPOCH, else now.',
      helpValue: 'DATE',
    }),
    verbose: Flags.boolean({ char: 'v', description: 'List every document with the kind inferred for it and why.', default: false }),
  };

  async run(): Promise<ValidateJson> {
    const { argv, flags } = await this.parse(Validate);
    const result = await validate({ paths: argv as string[], strict: flags.strict, ...(flags.at ? { at: flags.at } : {}) });
    const json = toJson(result);
    if (!this.jsonEnabled()) this.printHuman(result, json, flags.verbose);
    if (process.env.GITHUB_ACTIONS === 'true') for (const d of result.diagnostics) this.log(formatAnnotation(d));
    if (!result.ok) process.exitCode = ExitCode.Failed;
    return json;
  }

  private printHuman(result: ValidateResult, json: ValidateJson, verbose: boolean): void {
    if (verbose) {
      for (const workspace of json.workspaces) {
        this.log(`workspace ${workspace.root}`);
        for (const d of workspace.definitions)
          this.log(`  ${d.file}${d.documents > 1 ? `#${d.document + 1}` : ''}: ${d.kind}${d.output ? ` -> ${d.output}` : ''} (${d.reason})`);
      }
    }
    for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    const files = result.checkedFiles.length;
    const where = json.workspaces.map((w) => w.root).join(', ');
    const warnings = result.warningCount > 0 ? `, ${result.warningCount} warning${result.warningCount === 1 ? '' : 's'}` : '';
    if (result.ok) this.log(`${where}: valid (${files} file${files === 1 ? '' : 's'} checked${warnings})`);
    else
      process.stderr.write(
        `${where}: ${result.errorCount} error${result.errorCount === 1 ? '' : 's'}${warnings} (${files} file${files === 1 ? '' : 's'} checked)\n`,
      );
  }
}

function toJson(result: ValidateResult): ValidateJson {
  return {
    ok: result.ok,
    errors: result.errorCount,
    warnings: result.warningCount,
    at: result.at,
    workspaces: result.workspaces.map((w) => {
      const outputNames = new Map(w.outputs.map((o) => [`${o.source.file}#${o.source.index}`, o.outputName]));
      return {
        root: displayPath(w.root),
        files: w.files.length,
        definitions: w.documents.map((d) => {
          const output = outputNames.get(`${d.source.file}#${d.source.index}`);
          return {
            file: displayPath(d.source.file),
            document: d.source.index,
            documents: d.source.count,
            kind: d.kind,
            reason: d.kindReason,
            ...(output ? { output } : {}),
          };
        }),
      };
    }),
    diagnostics: result.diagnostics.map((d) => ({ ...d, file: displayPath(d.file) })),
  };
}
