/**
 * The seams of the GitHub Action (DESIGN.md "Layout": src/action is a thin shell over app/, like a
 * command). `run()` talks to the runner only through ActionCore, reads the environment and the
 * clock it is given, and hands publishing and delivery to the Publisher and Deliverer: unit tests
 * drive it without a process, and main.ts wires the real @actions/core.
 */
import type { GitRun } from '../app/ensure-commit.js';
import type { RunArtifact, ScheduleRunResult } from '../app/schedule/run.js';
import type { WorkspaceConfig } from '../model/config.js';
import type { Differ } from './differ.js';

/** Where an annotation points (GitHub shows it on that line of the file). */
export interface AnnotationPlace {
  /** Relative to GITHUB_WORKSPACE, forward slashes. */
  file: string;
  startLine: number;
  startColumn: number;
}

/** What run() needs of @actions/core. */
export interface ActionCore {
  /** The input's value, trimmed; '' when unset (the runner fills action.yml defaults). */
  getInput(name: string): string;
  info(message: string): void;
  warning(message: string, place?: AnnotationPlace): void;
  error(message: string, place?: AnnotationPlace): void;
  setOutput(name: string, value: string): void;
  /** Marks the step failed (exit code 1) with this message. */
  setFailed(message: string): void;
  /** Appends Markdown to the job summary (GITHUB_STEP_SUMMARY). */
  appendSummary(markdown: string): Promise<void>;
}

export type PublishMode = 'commit' | 'release' | 'artifact' | 'none';

/** What a run asks a publisher to do: put the recorded artifacts (and the state) somewhere. */
export interface PublishRequest {
  mode: PublishMode;
  /** The workspace root (absolute). */
  workspace: string;
  /** GITHUB_WORKSPACE (the repository checkout), absolute. */
  checkout: string;
  /** The run's instant (RFC 3339). */
  at: string;
  /** Everything rendered, workspace-relative (not yet gated: the publisher asks gateArtifacts). */
  artifacts: RunArtifact[];
  /** Scheduled runs: the schedules whose slot was recorded (commit trailers name them). */
  recorded: ScheduleRunResult['recorded'];
  /** Scheduled runs: what runSchedules() returned. */
  run?: ScheduleRunResult;
  /** The workspace's config (the CUI gate, the state folder), read once per run. */
  config: () => Promise<WorkspaceConfig | undefined>;
  branch?: string;
  commitMessage?: string;
  releaseTag?: string;
  token?: string;
  /** owner/name (GITHUB_REPOSITORY). */
  repository?: string;
  /** GITHUB_API_URL. */
  apiUrl?: string;
  /** GITHUB_SERVER_URL (links to committed files and release assets); default https://github.com. */
  serverUrl?: string;
}

export interface PublishOutcome {
  /** Whether the destination changed (a commit made, assets uploaded, artifacts to upload). */
  changed: boolean;
  /** The artifacts published (or named for upload), workspace-relative. */
  published: RunArtifact[];
  /** Withheld, each with the sentence the run prints (the CUI gate). */
  withheld: string[];
  /** Lines for the log and the summary (the commit made, the release URL...). */
  notes: string[];
  /** Where a published file can be fetched (the committed file, the release asset): delivery links large files. */
  linkOf?: (artifact: RunArtifact) => string | undefined;
}

export interface Publisher {
  publish(request: PublishRequest): Promise<PublishOutcome>;
}

/** What a scheduled run asks the deliverer: mail and webhooks for the schedules it recorded. */
export interface DeliveryRequest {
  workspace: string;
  at: string;
  recorded: ScheduleRunResult['recorded'];
  /** The schedules' recipients, by schedule name. */
  recipients: Record<string, string[]>;
  /** What publishing did (links to committed or attached files). */
  published: PublishOutcome;
  /** What runSchedules() returned. */
  run: ScheduleRunResult;
  config: () => Promise<WorkspaceConfig | undefined>;
  env: NodeJS.ProcessEnv;
}

export interface DeliveryOutcome {
  /** Warnings (a rejected recipient is one, not a failure). */
  warnings: string[];
  notes: string[];
  withheld: string[];
}

export interface Deliverer {
  deliver(request: DeliveryRequest): Promise<DeliveryOutcome>;
}

export interface ActionDeps {
  core: ActionCore;
  env: NodeJS.ProcessEnv;
  /** The instant when no `now` input (nor SOURCE_DATE_EPOCH) pins one. */
  clock: () => Date;
  /** Default: the app's publishing (src/app/publishing) behind publishers.ts. */
  publisher?: Publisher;
  deliverer?: Deliverer;
  /** command: pr-diff. Default: the app's comparison (src/app/diff) behind compliance-differ.ts. */
  differ?: Differ;
  /** The GitHub REST API client's fetch (pr-diff's comment); default the global fetch. */
  fetch?: typeof fetch;
  /** git in the clone (pr-diff's base commit); default the git on PATH. */
  git?: GitRun;
}
