/**
 * The seam between `command: pr-diff` and the comparison itself (src/app/diff, `infracast diff`):
 * the action needs the numbers (for fail-on and for a CUI workspace's numbers-only comment), the
 * CUI flag and the Markdown, capped. Tests give run() a stand-in Differ; the real one adapts the
 * app's compareWorkspaces()/diffMarkdown() (compliance-differ.ts).
 */

/** A framework's scores at the base and at the head (null: nothing assessed). */
export interface FrameworkDelta {
  framework: string;
  /** The score in percent. */
  before: number | null;
  after: number | null;
  /** The SPRS score where the framework has one (nist-800-171, cmmc-l2). */
  sprs_before?: number | null;
  sprs_after?: number | null;
  coverage_before?: number | null;
  coverage_after?: number | null;
}

/** A POA&M item the pull request would open. */
export interface PoamOpening {
  control: string;
  /** Low, Moderate, High or Critical. */
  risk: string;
  /** YYYY-MM-DD. */
  deadline?: string;
}

export interface CmmcChange {
  /** e.g. "Conditional Level 2", "Final Level 2", "Not eligible". */
  before: string;
  after: string;
  eligible_before: boolean;
  eligible_after: boolean;
}

export interface CappedMarkdown {
  /** At most maxChars characters, with the marker line. */
  body: string;
  /** true: `body` is the summary, `full` the whole diff. */
  truncated: boolean;
  full: string;
}

/** What the action reads of a comparison (the app's ComplianceDiff, adapted). */
export interface PrComparison {
  frameworks: FrameworkDelta[];
  cmmc?: CmmcChange;
  controls_changed: number;
  poam_opening: PoamOpening[];
  poam_closing: number;
  statements_changed: number;
  new_warnings: number;
  /** Content of a CUI-classified definition (or workspace) is compared, on either side: see cuiWorkspace() too. */
  cui: boolean;
  /**
   * infracast.yaml cui.authorised_destinations lists `comment` on both sides (on the base too, so
   * that a pull request cannot authorise its own comment). When `cui` and not this, the Markdown
   * already leaves out statement text, evidence and weakness details.
   */
  comment_authorised: boolean;
  /** The comment's Markdown (redaction applied), cut to maxChars. */
  markdown(options: { maxChars: number; marker: string }): CappedMarkdown;
}

export interface DiffRequest {
  /** A folder of the clone (the checkout). */
  repoDir: string;
  /** The workspace folder (absolute). */
  workspace: string;
  /** Commit ids, both in the clone. */
  base: string;
  head: string;
  /** The instant both sides are evaluated at (RFC 3339); absent: SOURCE_DATE_EPOCH, else now. */
  at?: string;
  env: NodeJS.ProcessEnv;
}

export interface Differ {
  compare(request: DiffRequest): Promise<PrComparison>;
}
