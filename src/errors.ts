/**
 * The one error type of Infracast (DESIGN.md "Errors").
 *
 * Expected failures (bad input, missing browser, invalid signature...) are InfracastErrors:
 * the CLI prints their message and hints without a stack trace and exits with `exitCode`.
 * Anything else is a bug and is printed with its stack.
 */

/** Process exit codes, documented in the README and in every command's help. */
export const ExitCode = {
  /** Everything worked. */
  Ok: 0,
  /** Invalid input, a failed report, an invalid signature. */
  Failed: 1,
  /** The command line itself is wrong. */
  Usage: 2,
  /** The environment lacks something: no browser, no key, no network where one is needed. */
  Environment: 3,
  /** A policy gate failed (e.g. the SPRS score is below a threshold). */
  Policy: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The one table of exit codes: every command's help prints it (src/cli/help.ts), with the command's
 * own words beside a code where it says more (a command's static `exitCodes`).
 */
export const EXIT_CODES: readonly { code: ExitCode; name: string; meaning: string }[] = [
  { code: ExitCode.Ok, name: 'ok', meaning: 'everything worked' },
  { code: ExitCode.Failed, name: 'failed', meaning: 'invalid input, a failed report, an invalid signature' },
  { code: ExitCode.Usage, name: 'usage', meaning: 'the command line is wrong: unknown command or flag, missing or extra argument' },
  {
    code: ExitCode.Environment,
    name: 'environment',
    meaning:
      'something outside the input is missing: no browser, no signing key, no network where one is needed, a full or read-only disk, another run holding the workspace',
  },
  { code: ExitCode.Policy, name: 'policy', meaning: 'a policy gate failed (e.g. the SPRS score is below --min-sprs)' },
];

/** A command's own words for the exit codes it returns (codes it never returns are left out). */
export type ExitCodeHelp = Partial<Record<ExitCode, string>>;

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'DEFINITION_INVALID'
  | 'WORKSPACE_NOT_FOUND'
  | 'FILE_NOT_FOUND'
  | 'FILE_UNREADABLE'
  | 'USAGE'
  /** `infracast diff`: a git ref is not in the clone (a shallow checkout, a branch not fetched). */
  | 'GIT_REF_NOT_FOUND'
  /** `infracast diff`: git is not installed, the workspace is not inside a git repository, or a checkout failed. */
  | 'GIT_FAILED'
  | 'FRAMEWORK_UNKNOWN'
  | 'SCHEMA_UNKNOWN'
  | 'VALIDATION_FAILED'
  | 'TARGET_EXISTS'
  | 'POLICY_FAILED'
  | 'TEMPLATE_INVALID'
  /** A template's render ran past its time or output budget (a loop nested too deep: a template bomb). */
  | 'TEMPLATE_BUDGET_EXCEEDED'
  /** Partials include each other (or themselves) deeper than the recursion limit. */
  | 'TEMPLATE_RECURSION'
  | 'CATALOG_INVALID'
  | 'CATALOG_HREF_UNRESOLVED'
  /** A document drawn from the inventory (the architecture diagram) in a workspace that has none. */
  | 'INVENTORY_MISSING'
  /** The workspace's inventory files contradict each other or themselves (an id in two files, boundaries in a cycle). */
  | 'INVENTORY_INVALID'
  /** A file given to `ssp import` is not an OSCAL SSP it reads (not an SSP, an unsupported version, a control not in the framework). */
  | 'SSP_INVALID'
  /** A findings file matches no known format (the message names each format tried and why it failed). */
  | 'FINDINGS_UNRECOGNISED'
  /** A findings file of a known format is malformed: a bad record, a truncated or corrupt file. */
  | 'FINDINGS_INVALID'
  /**
   * A findings file is larger than `findings.max_file_size_mb` (on disk, or once gunzipped), or a
   * document read whole (SARIF, OSCAL, Grype, Checkov) is larger than the limit for those.
   */
  | 'FINDINGS_TOO_LARGE'
  /** A gzip findings file inflates far beyond what real exports compress to (a decompression bomb). */
  | 'FINDINGS_DECOMPRESSION_BOMB'
  /** One record (JSON record, CSV row, JSON Lines line) of a findings file is larger than `findings.max_record_size_mb`. */
  | 'FINDINGS_RECORD_TOO_LARGE'
  /** A findings file is not valid UTF-8 (the message gives the byte offset), or is in an encoding Infracast does not read (UTF-32). */
  | 'FINDINGS_ENCODING'
  /** A file of the state folder (.infracast/) is malformed, conflicted, or needs migrating. */
  | 'STATE_INVALID'
  /** The state folder was written by a newer Infracast. */
  | 'STATE_VERSION_UNSUPPORTED'
  /** `infracast merge`: the folders are not the shards of one run (missing, repeated, another instant), or two shards wrote a state file differently. */
  | 'SHARD_MERGE'
  /** Another run holds the workspace's lock (exit 3; --wait queues). */
  | 'WORKSPACE_LOCKED'
  /** No space left (or the quota is exceeded) where Infracast writes (exit 3). */
  | 'DISK_FULL'
  /** The output or state folder is on a read-only file system (exit 3). */
  | 'READ_ONLY'
  /** Infracast may not write (or read) a file or folder it needs (exit 3). */
  | 'PERMISSION_DENIED'
  /** The process or the system ran out of file descriptors (exit 3). */
  | 'TOO_MANY_FILES'
  /** An output folder holds something Infracast did not publish: it is never replaced or deleted. */
  | 'OUTPUT_NOT_OURS'
  /** Committing or pushing a run's outputs failed (a rebase conflict, a push still rejected after the retries). */
  | 'PUBLISH_FAILED'
  /** The release API refused a request (the message has GitHub's status and words, never the token). */
  | 'RELEASE_FAILED'
  /** The pull-request comment API refused a request (GitHub's status and words, never the token). */
  | 'COMMENT_FAILED'
  /** A report or document type this version of Infracast does not build yet. */
  | 'TYPE_UNAVAILABLE'
  /** A format this version of Infracast does not render yet. */
  | 'FORMAT_UNAVAILABLE'
  /** `render --format` asked only for formats that no selected definition's type has (exit 2). */
  | 'FORMAT_NOT_APPLICABLE'
  /** Signing was asked for (signed: true, --sign, infracast sign) and no signing key is configured (exit 3). */
  | 'SIGNING_KEY_MISSING'
  /** The configured signer e-mail is not the signing certificate's (subject or SAN). */
  | 'SIGNER_MISMATCH'
  /** Signing needs a service (TSA, Fulcio, Rekor) the workspace's network policy does not allow (exit 3). */
  | 'SIGNING_NETWORK_BLOCKED'
  /** No Chrome or Chromium found for PDF (exit 3). */
  | 'BROWSER_NOT_FOUND'
  /** Chrome or Chromium was found but could not start (missing shared libraries, no usable sandbox...) (exit 3). */
  | 'BROWSER_LAUNCH_FAILED'
  /** The browser exited (crashed, was killed, ran out of memory) while it printed a PDF (exit 3). */
  | 'BROWSER_CRASHED'
  /** The browser did not start, or did not finish a print, in time (exit 3). */
  | 'BROWSER_TIMEOUT'
  /** Ctrl-C (SIGINT) or SIGTERM stopped the work in progress (exit 130). */
  | 'INTERRUPTED'
  /** One or more reports of a render failed (the others were rendered). */
  | 'RENDER_FAILED'
  /** No Chrome or Chromium to print PDF with (CHROME_PATH unset or wrong, none in the usual places). */
  | 'BROWSER_NOT_FOUND'
  /** The signing key cannot be read, is of an unsupported type, or does not belong to the signer certificate. */
  | 'SIGNING_KEY_INVALID'
  /** The signing certificate chain is empty or holds something that is not an X.509 certificate. */
  | 'SIGNING_CHAIN_INVALID'
  /** The signer certificate is expired or not yet valid, and no time-stamp authority is configured (exit 3). */
  | 'SIGNING_CERTIFICATE_INVALID'
  /** The cryptographic signing operation itself failed. */
  | 'SIGNING_FAILED'
  /** A signature or a signed file is malformed, tampered with, or not trusted. */
  | 'SIGNATURE_INVALID'
  /** The RFC 3161 time-stamp authority did not answer: network, timeout, HTTP error (exit 3). */
  | 'TSA_UNREACHABLE'
  /** The time-stamp authority answered, but not with a granted token for this request. */
  | 'TSA_RESPONSE_INVALID'
  /** PAdES B-LT/B-LTA needs CRL or OCSP data for every certificate and some could not be fetched or is unusable (exit 3). */
  | 'SIGNING_VALIDATION_DATA_UNAVAILABLE'
  /** Keyless signing needs an OIDC token and none is available (CI without `id-token: write`; exit 3). */
  | 'OIDC_TOKEN_UNAVAILABLE'
  /** A Sigstore service (Fulcio, Rekor, TSA) failed or could not be reached during keyless signing (exit 3). */
  | 'SIGSTORE_FAILED'
  | 'INTERNAL';

/** Where in a file something is, 1-based like editors and compilers print it. */
export interface SourceLocation {
  file: string;
  line?: number;
  col?: number;
}

export interface InfracastErrorOptions {
  hints?: string[];
  exitCode?: ExitCode;
  location?: SourceLocation;
  cause?: unknown;
  /** The result that failed a policy gate, printed with --json. */
  details?: unknown;
}

export class InfracastError extends Error {
  readonly code: ErrorCode;
  readonly hints: string[];
  readonly exitCode: ExitCode;
  readonly location?: SourceLocation;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options: InfracastErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'InfracastError';
    this.code = code;
    this.hints = options.hints ?? [];
    this.exitCode = options.exitCode ?? ExitCode.Failed;
    if (options.location) this.location = options.location;
    if (options.details !== undefined) this.details = options.details;
  }

  /** The fields `--json` prints: the same as the human output, never a stack. */
  toJSON(): { code: ErrorCode; message: string; hints: string[]; exitCode: ExitCode; location?: SourceLocation; details?: unknown } {
    return {
      code: this.code,
      message: this.message,
      hints: this.hints,
      exitCode: this.exitCode,
      ...(this.location ? { location: this.location } : {}),
      ...(this.details !== undefined ? { details: this.details } : {}),
    };
  }
}

export function isInfracastError(value: unknown): value is InfracastError {
  return value instanceof InfracastError;
}
