/**
 * The ingest stage (DESIGN.md "One pipeline"): findings exports -> normalised findings. This is
 * the only place that opens findings files: each file is read as a stream (gunzipped when its
 * first bytes are the gzip magic, UTF-16 decoded, UTF-8 checked) within the limits of
 * findings-limits.ts, its format detected from its content, and its records normalised one at a
 * time by the format's loader (src/loaders/).
 *
 * Identity and merging follow docs/evaluation.md section 1: records inside one file are never
 * merged (the records of a repeated identity inside a file get identities of their own, from
 * their content: repeats.ts); equal identities across files are merged, keeping every source
 * reference; records read per file are always reported. Nothing depends on record order.
 */
import { BUILT_IN_FRAMEWORK_IDS } from '../catalogs/frameworks.js';
import { lookupControl } from '../catalogs/index.js';
import { ExitCode, InfracastError } from '../errors.js';
import { expandPaths } from '../io/glob.js';
import { isGzipDataError, openDecoded, readDecodedHead } from '../io/decoded-file.js';
import type { DecodedHead } from '../io/decoded-file.js';
import { HEAD_BYTES, RecordError, SplitError, detectFormat, unrecognisedExplanation } from '../loaders/registry.js';
import type { CsvColumnMapping, LoaderInput, RecordProblem } from '../loaders/registry.js';
import { SEVERITIES } from '../model/definitions.js';
import type { Severity } from '../model/definitions.js';
import type { Finding, FindingResult, FindingState } from '../model/finding.js';
import { DEFAULT_FINDINGS_LIMITS, limitError } from './findings-limits.js';
import type { FindingsLimits } from './findings-limits.js';
import { completeObservationDates } from './observation-dates.js';
import type { FileObservation, ObservationOptions } from './observation-dates.js';
import { DuplicateIdCollector, NativeIdCounts, RepeatedIdentities, duplicateIdsOf, noDuplicateIds, settleIdentities } from './repeats.js';
import type { DuplicateIds } from './repeats.js';

export interface IngestOptions {
  /** Files, folders and globs. */
  paths: string[];
  cwd?: string;
  /** Skip (and count) malformed records instead of failing the import. */
  skipInvalid?: boolean;
  /** Aggregate counts only; findings are not kept (large exports). */
  summary?: boolean;
  /** CSV column mapping and delimiter (Prowler's CSV needs none). */
  csv?: { columns?: CsvColumnMapping; delimiter?: string; tool?: string };
  /**
   * Patterns that match nothing are fine (a workspace's configured sources: a scanner may not have
   * exported yet); by default each given path must match something.
   */
  allowUnmatched?: boolean;
  /** File and record size limits (a workspace's infracast.yaml: findings-limits.ts); the defaults otherwise. */
  limits?: FindingsLimits;
  /** Called as the import advances (render draws its progress bar from this). */
  onProgress?: (progress: IngestProgress) => void;
  /**
   * A workspace's import: findings without an observation time take the date their source declares,
   * else their file's git commit time (app/observation-dates.ts). Not in summary mode.
   */
  observation?: ObservationOptions;
}

/** Where an import stands: files by index, records read so far in the current one. */
export interface IngestProgress {
  file: string;
  /** 0-based index of the current file. */
  fileIndex: number;
  files: number;
  /** Records read from the current file so far. */
  records: number;
  /** True once the current file is read to its end. */
  fileDone: boolean;
}

/** Records between two progress calls: often enough to move a bar, rarely enough to cost nothing. */
const PROGRESS_EVERY = 5000;

export const RESULTS: readonly FindingResult[] = ['FAIL', 'PASS', 'MANUAL', 'NOT_APPLICABLE', 'ERROR', 'INFO'];
export const STATES: readonly FindingState[] = ['open', 'resolved', 'suppressed'];

export interface FindingCounts {
  result: Record<FindingResult, number>;
  state: Record<FindingState, number>;
  severity: Record<Severity, number>;
  /** Distinct control ids referenced, per framework. */
  controls: Record<string, number>;
  /** Findings that name no control of any framework Infracast knows. */
  unmapped: number;
  /**
   * Control ids a record names that are not in their (built-in) framework, once per id with the
   * number of findings naming it (evaluation.md section 2). Reported, never fatal.
   */
  unknownControls: { framework: string; id: string; findings: number }[];
}

export interface IngestedFile {
  file: string;
  format: string;
  tool?: string;
  gzip: boolean;
  /** Records read from the file (valid and invalid). */
  records: number;
  /** Records whose identity equals a finding of an earlier file: merged into it. */
  merged: number;
  /** Malformed records skipped (only with skipInvalid). */
  invalid: number;
  problems: RecordProblem[];
  counts: FindingCounts;
  /** Native ids several records of the file carry: with differing content (listed), and exact repeats. */
  duplicateIds: DuplicateIds;
}

export interface IngestResult {
  /** Distinct findings (empty in summary mode). */
  findings: Finding[];
  files: IngestedFile[];
  /** Per file, where its findings' observation times come from (with `observation`, outside summary mode). */
  observation?: FileObservation[];
  totals: { files: number; records: number; findings: number; merged: number; invalid: number; counts: FindingCounts };
}

/** Problems kept per file for the report (all are counted). */
const MAX_PROBLEMS_KEPT = 100;

class Tally {
  readonly result = Object.fromEntries(RESULTS.map((r) => [r, 0])) as Record<FindingResult, number>;
  readonly state = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<FindingState, number>;
  readonly severity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  readonly controls = new Map<string, Set<string>>();
  /** Findings per framework + id (for the unknown-id report). */
  readonly namings = new Map<string, number>();
  unmapped = 0;

  add(finding: Finding): void {
    this.result[finding.result]++;
    this.state[finding.state]++;
    this.severity[finding.severity]++;
    let mapped = false;
    for (const [framework, ids] of Object.entries(finding.controls)) {
      if (ids.length === 0) continue;
      mapped = true;
      const set = this.controls.get(framework) ?? this.controls.set(framework, new Set()).get(framework)!;
      for (const id of ids) {
        set.add(id);
        const key = `${framework}\u0000${id}`;
        this.namings.set(key, (this.namings.get(key) ?? 0) + 1);
      }
    }
    if (!mapped) this.unmapped++;
  }

  /** Adds another tally's findings (one file's, once its identities are settled). */
  addAll(other: Tally): void {
    for (const r of RESULTS) this.result[r] += other.result[r];
    for (const s of STATES) this.state[s] += other.state[s];
    for (const s of SEVERITIES) this.severity[s] += other.severity[s];
    for (const [framework, ids] of other.controls) {
      const set = this.controls.get(framework) ?? this.controls.set(framework, new Set()).get(framework)!;
      for (const id of ids) set.add(id);
    }
    for (const [key, n] of other.namings) this.namings.set(key, (this.namings.get(key) ?? 0) + n);
    this.unmapped += other.unmapped;
  }

  counts(): FindingCounts {
    const controls: Record<string, number> = {};
    for (const framework of [...this.controls.keys()].sort()) controls[framework] = this.controls.get(framework)!.size;
    const unknownControls = [...this.namings]
      .map(([key, findings]) => {
        const [framework = '', id = ''] = key.split('\u0000');
        return { framework, id, findings };
      })
      .filter(({ framework, id }) => !isKnownControl(framework, id))
      .sort((a, b) => (a.framework < b.framework ? -1 : a.framework > b.framework ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { result: { ...this.result }, state: { ...this.state }, severity: { ...this.severity }, controls, unmapped: this.unmapped, unknownControls };
  }
}

/** Whether a built-in framework has this (canonical) id; ids of other frameworks are not judged. */
function isKnownControl(framework: string, id: string): boolean {
  if (!BUILT_IN_FRAMEWORK_IDS.includes(framework)) return true;
  const control = lookupControl(framework.startsWith('fedramp-') ? 'nist-800-53' : framework, id);
  return control !== undefined && !control.withdrawn;
}

/** A clear error for whatever went wrong reading a file as a whole (never a stack trace). */
function fileError(file: string, format: string, error: unknown, gzip: boolean): InfracastError {
  // The message names the file (and record); no separate location, so it is printed once.
  const where = {};
  if (error instanceof InfracastError) return error;
  if (error instanceof SplitError) {
    return new InfracastError('FINDINGS_INVALID', `${file}: not a valid ${format} export: ${error.message}`, {
      ...where,
      hints: ['The file may be truncated (an interrupted download or export); export it again.'],
      cause: error,
    });
  }
  const limit = limitError(file, format, error);
  if (limit) return limit;
  const code = (error as { code?: string }).code;
  if (gzip && isGzipDataError(error)) {
    return new InfracastError('FINDINGS_INVALID', `${file}: the gzip data is corrupt or truncated (${(error as Error).message})`, {
      ...where,
      hints: ['Check the file with `gzip -t`; download or compress it again.'],
      cause: error,
    });
  }
  if (error instanceof SyntaxError) {
    return new InfracastError('FINDINGS_INVALID', `${file}: not valid ${format} JSON: ${error.message}`, {
      ...where,
      hints: ['The file may be truncated or hand-edited; export it again.'],
      cause: error,
    });
  }
  if (error instanceof RecordError) {
    return new InfracastError('FINDINGS_INVALID', `${file}: not a valid ${format} document: ${error.message}`, { ...where, cause: error });
  }
  if (code === 'EACCES' || code === 'EISDIR' || code === 'ENOENT') {
    return new InfracastError('FILE_UNREADABLE', `${file}: cannot be read (${code})`, { ...where, cause: error });
  }
  return new InfracastError('FINDINGS_INVALID', `${file}: cannot be read as ${format}: ${(error as Error).message ?? String(error)}`, {
    ...where,
    cause: error,
  });
}

function describeProblem(problem: RecordProblem): string {
  const at = problem.line !== undefined ? `record ${problem.record} (line ${problem.line})` : `record ${problem.record}`;
  return `${at}${problem.field ? `, field ${problem.field}` : ''}: ${problem.message}`;
}

export async function ingest(options: IngestOptions): Promise<IngestResult> {
  const cwd = options.cwd ?? process.cwd();
  if (options.paths.length === 0 && !options.allowUnmatched)
    throw new InfracastError('USAGE', 'no findings files given', { exitCode: ExitCode.Usage, hints: ['Give files, folders or globs.'] });
  const { files, unmatched } = await expandPaths(options.paths, cwd);
  if (unmatched.length > 0 && !options.allowUnmatched) {
    throw new InfracastError('FILE_NOT_FOUND', `${unmatched.join(', ')}: no such file, or nothing matched`, {
      exitCode: ExitCode.Usage,
      hints: ["Check the path; quote globs ('findings/**/*.json') or let your shell expand them."],
    });
  }
  const summary = options.summary ?? false;
  const limits = options.limits ?? DEFAULT_FINDINGS_LIMITS;
  const findings: Finding[] = [];
  const byIdentity = new Map<string, Finding>();
  // Summary mode keeps identities only while a later file could merge into them.
  const seen = new Set<string>();
  const totals = new Tally();
  const reports: IngestedFile[] = [];
  let totalRecords = 0;
  let totalMerged = 0;
  let totalInvalid = 0;

  for (const [fileIndex, file] of files.entries()) {
    const isLast = fileIndex === files.length - 1;
    let format = 'findings';
    let sniffed: DecodedHead;
    try {
      // Its size on disk is checked before anything is read.
      sniffed = await readDecodedHead(file, HEAD_BYTES, limits.maxFileBytes);
    } catch (error) {
      throw fileError(file, format, error, isGzipDataError(error));
    }
    const { gzip, encoding, head } = sniffed;
    const loaderOptions = options.csv ? { csv: options.csv } : {};
    const detected = detectFormat(head, loaderOptions);
    if (!detected.loader) {
      const { message, hints } = unrecognisedExplanation(detected.attempts, detected.otherExport);
      throw new InfracastError('FINDINGS_UNRECOGNISED', `${file}: ${message}`, { hints });
    }
    const loader = detected.loader;
    format = loader.format;
    const input: LoaderInput = {
      file,
      head,
      maxRecordBytes: limits.maxRecordBytes,
      open: () => openDecoded(file, { gzip, encoding, maxBytes: limits.maxFileBytes }),
    };
    /** One pass over the file's records, `each` called with every finding; a pass reports afresh (summary mode may read a file twice). */
    const pass = async (each: (finding: Finding, report: IngestedFile) => void): Promise<IngestedFile> => {
      const report: IngestedFile = {
        file,
        format,
        ...(detected.tool ? { tool: detected.tool } : {}),
        gzip,
        records: 0,
        merged: 0,
        invalid: 0,
        problems: [],
        counts: new Tally().counts(),
        duplicateIds: noDuplicateIds(),
      };
      try {
        options.onProgress?.({ file, fileIndex, files: files.length, records: 0, fileDone: false });
        for await (const outcome of loader.read(input, loaderOptions)) {
          report.records++;
          if (options.onProgress && report.records % PROGRESS_EVERY === 0)
            options.onProgress({ file, fileIndex, files: files.length, records: report.records, fileDone: false });
          if ('problem' in outcome) {
            if (!options.skipInvalid) {
              throw new InfracastError('FINDINGS_INVALID', `${file}: ${loader.label}: ${describeProblem(outcome.problem)}`, {
                hints: ['Fix or remove the record, or pass --skip-invalid to skip malformed records (they are counted).'],
              });
            }
            report.invalid++;
            if (report.problems.length < MAX_PROBLEMS_KEPT) report.problems.push(outcome.problem);
            continue;
          }
          if (!report.tool && outcome.finding.tool) report.tool = outcome.finding.tool;
          each(outcome.finding, report);
        }
      } catch (error) {
        throw fileError(file, format, error, gzip);
      }
      return report;
    };

    let report: IngestedFile;
    let tally = new Tally();
    if (!summary) {
      // The file's findings join the index only once it is read (records inside one file never
      // merge), under identities settled on the whole file.
      const fileFindings: Finding[] = [];
      report = await pass((finding) => {
        tally.add(finding);
        fileFindings.push(finding);
      });
      report.duplicateIds = duplicateIdsOf(fileFindings);
      settleIdentities(fileFindings);
      for (const finding of fileFindings) {
        const existing = byIdentity.get(finding.identity);
        if (existing) {
          existing.sources.push(...finding.sources);
          report.merged++;
          continue;
        }
        byIdentity.set(finding.identity, finding);
        findings.push(finding);
        totals.add(finding);
      }
    } else {
      // Summary mode keeps no findings. Identities are kept while a later file could merge into
      // them (not when one file is read: nothing can merge), and native ids are counted for the
      // duplicate-id report. The first pass counts both; a file whose records repeat an identity or
      // a native id is read once more, knowing which repeat (repeats.ts).
      const merging = files.length > 1;
      const identityCounts = new Map<string, number>();
      const nativeIds = new NativeIdCounts();
      let fileTotals = new Tally();
      let identities: string[] = [];
      const summarise =
        (identityOf: (finding: Finding) => string, each: (finding: Finding) => void) =>
        (finding: Finding, fileReport: IngestedFile): void => {
          each(finding);
          tally.add(finding);
          const identity = merging ? identityOf(finding) : '';
          if (merging && seen.has(identity)) fileReport.merged++;
          else {
            fileTotals.add(finding);
            if (merging && !isLast) identities.push(identity);
          }
        };
      report = await pass(
        summarise(
          (finding) => finding.identity,
          (finding) => {
            nativeIds.add(finding);
            if (merging) identityCounts.set(finding.identity, (identityCounts.get(finding.identity) ?? 0) + 1);
          },
        ),
      );
      if (nativeIds.anyRepeated || [...identityCounts.values()].some((n) => n > 1)) {
        const repeats = new RepeatedIdentities((identity) => (identityCounts.get(identity) ?? 0) > 1);
        const duplicates = new DuplicateIdCollector(nativeIds);
        tally = new Tally();
        fileTotals = new Tally();
        identities = [];
        report = await pass(
          summarise(
            (finding) => repeats.identityOf(finding),
            (finding) => duplicates.add(finding),
          ),
        );
        report.duplicateIds = duplicates.result();
      }
      totals.addAll(fileTotals);
      for (const identity of identities) seen.add(identity);
    }
    report.counts = tally.counts();
    options.onProgress?.({ file, fileIndex, files: files.length, records: report.records, fileDone: true });
    totalRecords += report.records;
    totalMerged += report.merged;
    totalInvalid += report.invalid;
    reports.push(report);
  }
  const distinct = summary ? totalRecords - totalMerged - totalInvalid : findings.length;
  const observation = options.observation && !summary ? await completeObservationDates(findings, files, options.observation) : undefined;
  return {
    findings,
    files: reports,
    ...(observation ? { observation } : {}),
    totals: { files: reports.length, records: totalRecords, findings: distinct, merged: totalMerged, invalid: totalInvalid, counts: totals.counts() },
  };
}
