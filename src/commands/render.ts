import type { ExitCodeHelp } from '../errors.js';
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { render } from '../app/render.js';
import { parseShard } from '../app/shard/plan.js';
import type { RenderResult } from '../app/render.js';
import { InfracastCommand } from '../cli/base-command.js';
import { displayPath, formatAnnotation, formatDiagnostic } from '../cli/print-diagnostics.js';
import { humanSize, progressWriter } from '../cli/progress.js';
import { ExitCode } from '../errors.js';
import { OUTPUT_FORMATS, REPORT_TYPES, DOCUMENT_TYPES } from '../model/definitions.js';
import type { OutputFormat } from '../model/definitions.js';

/** How long Ctrl-C may take before the process exits regardless (the issue's bound is 2 s). */
const STOP_MS = 1_500;

export default class Render extends InfracastCommand {
  static override summary = 'Render report and document definitions: build each report, write its formats to out/, update out/index.json.';
  static override description = `The main job. Validates the workspace, imports its findings once, and for each definition builds the report and writes every requested format to out/<definition>/ (the workspace's output: folder, or --out). Each definition's files are staged and swapped in together: a failed definition keeps its previous files. out/index.json lists every artifact (infracast list prints it). History snapshots and the POA&M store are updated in the state folder (.infracast/); rendering again with the same instant changes nothing.

The run's instant (generated_at) is --at, else SOURCE_DATE_EPOCH, else now: set SOURCE_DATE_EPOCH for byte-identical Markdown and JSON.

Signing (options.signed: true in a definition, or --sign): each PDF gets an embedded PAdES signature, every artifact a Sigstore bundle <file>.sigstore.json (and <file>.p7s with signing.p7s: true), made just before publishing. An artifact whose bytes did not change since it was last signed keeps its published signature. infracast verify checks them.

One run writes a workspace at a time: a render holds the state folder's lock (.infracast/.lock, naming its owner) while it works; another one stops with exit 3 naming the holder, or waits with --wait. Everything a run writes (the definitions' folders, history, POA&M store, signature state, out/index.json) is committed together at the end: a run that is killed, or meets a full disk or a read-only folder, leaves the previous reports and state, or (killed after its commit began) the next run finishes it.

Formats succeed or fail one by one: only PDF needs a browser (Chrome or Chromium, found on the machine or named by CHROME_PATH); without one, each definition's other formats (md, json, xlsx, docx) are published and its PDF is reported FAILED with the fix (exit 3).

Ctrl-C stops the run within 2 seconds: the browser is killed and nothing of the run is written (the outputs, out/index.json and the state stay as they were); exit 130.`;

  static override exitCodes: ExitCodeHelp = {
    0: 'every report rendered',
    1: 'invalid workspace, or at least one report failed (the others are still rendered)',
    2: "the command line is wrong, or --format names no format that a selected definition's type has",
    3: 'no Chrome or Chromium for PDF (or one that cannot start or crashed), no signing key, a full disk, a read-only output folder, another run holding the workspace (the reports and formats that need none of these are still rendered)',
  };

  static override args = {
    paths: Args.string({
      description:
        'Definition files, quoted globs or folders to render (default: every definition of the workspace around the current directory). Each resolves to its workspace.',
      required: false,
    }),
  };
  static override strict = false; // any number of paths

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %>', description: 'Every definition of the current workspace.' },
    { command: '<%= config.bin %> <%= command.id %> reports/*.yaml', description: 'The given definitions.' },
    { command: '<%= config.bin %> <%= command.id %> examples/acme --only gap --format md', description: 'Only the gap reports, only as Markdown.' },
    { command: 'SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) <%= config.bin %> <%= command.id %>', description: 'Reproducible output.' },
  ];

  static override flags = {
    format: Flags.string({
      description:
        "Formats to render instead of each definition's own (repeatable). A format a type cannot have is skipped for it, with a warning naming the types that have it; a definition left with none is not rendered; when no selected definition can have any of them: exit 2.",
      options: [...OUTPUT_FORMATS],
      multiple: true,
      helpValue: 'FORMAT',
    }),
    out: Flags.string({ description: "Output folder (default: the workspace's output:, out/).", helpValue: 'DIR' }),
    only: Flags.string({
      description: 'Only definitions of this type (repeatable).',
      options: [...new Set([...REPORT_TYPES, ...DOCUMENT_TYPES])],
      multiple: true,
      helpValue: 'TYPE',
    }),
    at: Flags.string({ description: 'The run instant (YYYY-MM-DD or RFC 3339). Default: SOURCE_DATE_EPOCH, else now.', helpValue: 'DATE' }),
    sign: Flags.boolean({
      description: "Sign every artifact (as options.signed: true does for one definition) with the workspace's signing: set-up.",
    }),
    shard: Flags.string({
      description:
        "Render only shard i of N (numbered from 0) of the run's list, as infracast plan cuts it; then infracast merge the shards (docs/sharding.md). Give every shard the plan's --at.",
      helpValue: 'i/N',
    }),
    wait: Flags.integer({
      description:
        'When another run is writing the workspace (it holds .infracast/.lock), wait up to this many seconds for it instead of stopping with exit 3.',
      min: 0,
      helpValue: 'SECONDS',
    }),
  };

  async run(): Promise<RenderResult> {
    const { argv, flags } = await this.parse(Render);
    const progress = progressWriter(process.stderr, this.jsonEnabled());
    // Ctrl-C: the browser is killed and nothing of the run is written (all or none); twice, or
    // when stopping takes longer than STOP_MS: exit now (render's exit handler still kills the
    // browser, removes what was staged and releases the lock).
    const interrupt = new AbortController();
    const onSigint = (): void => {
      if (interrupt.signal.aborted) process.exit(130);
      process.stderr.write('\ninterrupted: stopping the browser; nothing of this run is written (Ctrl-C again to quit at once)\n');
      interrupt.abort();
      setTimeout(() => process.exit(130), STOP_MS).unref();
    };
    process.on('SIGINT', onSigint);
    let result: RenderResult;
    try {
      result = await render({
        paths: argv as string[],
        ...(flags.format ? { formats: flags.format as OutputFormat[] } : {}),
        ...(flags.out ? { out: flags.out } : {}),
        ...(flags.only ? { only: flags.only } : {}),
        ...(flags.at ? { at: flags.at } : {}),
        ...(flags.sign ? { sign: true } : {}),
        ...(flags.shard !== undefined ? { shard: parseShard(flags.shard) } : {}),
        ...(flags.wait !== undefined ? { waitSeconds: flags.wait } : {}),
        signal: interrupt.signal,
        onEvent: (event) => progress.event(event),
      });
    } finally {
      process.off('SIGINT', onSigint);
      progress.done();
    }
    if (!this.jsonEnabled()) this.printHuman(result);
    if (process.env.GITHUB_ACTIONS === 'true') {
      for (const d of result.diagnostics) this.log(formatAnnotation(d));
      for (const r of result.reports.filter((x) => x.status === 'failed'))
        this.log(`::error file=${displayPath(r.file)}::${r.definition}: ${r.error?.message ?? 'failed'}`);
    }
    // Interrupted: exit now. A browser killed while it started leaves puppeteer waiting on timers
    // of its own (30 s) that would keep the process alive; everything of the run is cleaned up.
    if (result.interrupted) {
      if (this.jsonEnabled()) this.logJson(result);
      process.exit(130);
    } else if (result.environmentError) {
      if (!this.jsonEnabled()) for (const hint of result.environmentError.hints) process.stderr.write(`  hint: ${hint}\n`);
      process.exitCode = ExitCode.Environment;
    } else if (!result.ok) process.exitCode = ExitCode.Failed;
    return result;
  }

  private printHuman(result: RenderResult): void {
    for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
    if (result.interrupted) {
      process.stderr.write('interrupted: nothing of this run was written (the outputs, out/index.json and the state are as they were)\n');
      return;
    }
    if (result.reports.length === 0) {
      if (!result.ok) process.stderr.write(`invalid workspace: nothing was rendered (run infracast validate for the details)\n`);
      // A shard whose share is empty (more shards than definitions) still leaves its record for the merge.
      else this.log(`this shard's share of the run is empty: nothing rendered, its record written for infracast merge`);
      return;
    }
    const rows = result.reports.flatMap((r) =>
      r.artifacts.map((a) => [
        r.definition,
        a.format,
        a.status === 'completed' ? humanSize(a.size_bytes) : '-',
        a.status === 'completed' && a.path && result.outDir ? displayPath(`${result.outDir}/${a.path}`) : `FAILED: ${a.error ?? ''}`,
      ]),
    );
    const header = ['definition', 'format', 'size', 'file'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (i < 3 ? row[i]!.length : 0))));
    const format = (row: string[]): string => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ');
    this.log(format(header));
    for (const row of rows) this.log(format(row));
    const files = result.reports.flatMap((r) => r.artifacts).filter((a) => a.status === 'completed').length;
    // A definition whose formats failed only in part (no browser: its PDF) is published without them.
    const partial = result.reports.filter((r) => r.status === 'failed' && r.artifacts.some((a) => a.status === 'completed' && !a.supporting)).length;
    const complete = result.reports.length - result.failed;
    this.log(
      `\n${complete} of ${result.reports.length} definitions rendered${partial > 0 ? `, ${partial} in part` : ''}, ${files} files, ${result.findings} findings, generated_at ${result.generatedAt}` +
        `; history: ${result.history.written} snapshot(s) written, ${result.history.unchanged} unchanged` +
        (result.signatures.signed + result.signatures.kept > 0
          ? `; signatures: ${result.signatures.signed} signed, ${result.signatures.kept} unchanged (kept)`
          : ''),
    );
    for (const u of result.unmapped ?? [])
      this.log(u.text + (u.unmapped > 0 ? ' (infracast findings inspect --rules shows which rules; add a mapping in mappings/)' : ''));
    if (partial > 0)
      process.stderr.write(`${partial} definition(s) published without the formats marked FAILED (their folders hold this run's other formats)\n`);
    if (result.failed - partial > 0) process.stderr.write(`${result.failed - partial} definition(s) failed; their previous files, if any, are unchanged\n`);
  }
}
