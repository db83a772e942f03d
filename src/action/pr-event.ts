/**
 * The pull request a `pr-diff` run is about, read from the event payload the runner writes
 * (GITHUB_EVENT_PATH) and GITHUB_EVENT_NAME, and what may be done with it:
 *
 * - `pull_request` from a fork: the token is read-only (GitHub's rule), so nothing is posted; the
 *   diff is still computed (the workflow runs the fork's code without secrets) for the job summary
 *   and fail-on.
 * - `pull_request_target` runs with the base repository's token and secrets: checking out or
 *   evaluating a fork's head there would hand both to code anyone can push. pr-diff refuses a fork
 *   head under that event; a head in the same repository was pushed by someone with write access.
 */
import { readFileSync } from 'node:fs';
import { InfracastError } from '../errors.js';

export const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'] as const;
export type PullRequestEventName = (typeof PULL_REQUEST_EVENTS)[number];

export interface PullRequestEvent {
  event: PullRequestEventName;
  number: number;
  /** The base branch's commit and name, as the event names them. */
  baseSha: string;
  baseRef: string;
  headSha: string;
  headRef: string;
  /** owner/name of the base repository (where the comment goes). */
  baseRepository: string;
  /** owner/name of the head repository; undefined when the fork was deleted. */
  headRepository?: string;
  /** The head is in another repository (or one deleted): a fork. */
  fromFork: boolean;
}

function usage(message: string, hint: string): InfracastError {
  return new InfracastError('USAGE', message, { hints: [hint] });
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(object: Json, path: string, field: string): string {
  const value = object[field];
  if (typeof value !== 'string' || value === '')
    throw usage(`the event payload has no ${path}.${field}`, 'Run pr-diff on a pull_request event (on: pull_request); the runner writes that payload.');
  return value;
}

/** The pull request of an event payload (already parsed) and its name. */
export function pullRequestOf(eventName: string | undefined, payload: unknown): PullRequestEvent {
  if (!PULL_REQUEST_EVENTS.includes(eventName as PullRequestEventName))
    throw usage(
      `command: pr-diff runs on a pull_request or pull_request_target event; this run's event is ${eventName ? JSON.stringify(eventName) : 'unknown (GITHUB_EVENT_NAME is unset)'}`,
      'Trigger the workflow with on: pull_request, or use command: validate or render on other events.',
    );
  const pr = isObject(payload) ? payload.pull_request : undefined;
  if (!isObject(pr) || !isObject(pr.base) || !isObject(pr.head))
    throw usage('the event payload has no pull_request with base and head', 'Check GITHUB_EVENT_PATH points at the runner-written event file.');
  const number = pr.number;
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0)
    throw usage('the event payload has no pull_request.number', 'Check GITHUB_EVENT_PATH points at the runner-written event file.');
  const baseRepo = isObject(pr.base.repo) ? pr.base.repo : undefined;
  if (!baseRepo) throw usage('the event payload has no pull_request.base.repo', 'Check GITHUB_EVENT_PATH points at the runner-written event file.');
  const baseRepository = text(baseRepo, 'pull_request.base.repo', 'full_name');
  // head.repo is null when the fork has been deleted: treated as a fork (nothing is known of it).
  const headRepository = isObject(pr.head.repo) && typeof pr.head.repo.full_name === 'string' ? pr.head.repo.full_name : undefined;
  return {
    event: eventName as PullRequestEventName,
    number,
    baseSha: text(pr.base, 'pull_request.base', 'sha'),
    baseRef: text(pr.base, 'pull_request.base', 'ref'),
    headSha: text(pr.head, 'pull_request.head', 'sha'),
    headRef: text(pr.head, 'pull_request.head', 'ref'),
    baseRepository,
    ...(headRepository ? { headRepository } : {}),
    // GitHub compares repository names case-insensitively.
    fromFork: headRepository === undefined || headRepository.toLowerCase() !== baseRepository.toLowerCase(),
  };
}

/** The pull request of this run: GITHUB_EVENT_NAME and the payload at GITHUB_EVENT_PATH. */
export function readPullRequestEvent(env: NodeJS.ProcessEnv): PullRequestEvent {
  const path = env.GITHUB_EVENT_PATH;
  if (!path)
    throw usage('GITHUB_EVENT_PATH is unset: command: pr-diff reads the pull request from the event', 'Run pr-diff in a GitHub Actions job on: pull_request.');
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw usage(`the event payload ${path} could not be read: ${(error as Error).message}`, 'Run pr-diff in a GitHub Actions job on: pull_request.');
  }
  return pullRequestOf(env.GITHUB_EVENT_NAME, payload);
}

/** Why pr-diff must not evaluate this pull request at all, or undefined when it may. */
export function refusal(pr: PullRequestEvent): string | undefined {
  if (pr.event === 'pull_request_target' && pr.fromFork)
    return (
      `command: pr-diff refuses pull request #${pr.number} under pull_request_target: its head is in ${pr.headRepository ?? 'a deleted fork'}, not ${pr.baseRepository}, ` +
      "and this event runs with the base repository's token and secrets, so the fork's files are never checked out or evaluated here. " +
      'Use on: pull_request (forks then get the job summary and no comment).'
    );
  return undefined;
}

/** Why no comment is posted although the diff is computed, or undefined when one is. */
export function commentSkipped(pr: PullRequestEvent): string | undefined {
  if (pr.event === 'pull_request' && pr.fromFork)
    return `pull request #${pr.number} comes from a fork (${pr.headRepository ?? 'deleted'}): its pull_request token is read-only, so no comment is posted; the job summary has the diff`;
  return undefined;
}
