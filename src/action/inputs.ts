/**
 * The action's inputs (action.yml), read and checked before anything runs: a wrong value stops the
 * step with a sentence naming the input and what it may be, never a stack trace.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InfracastError } from '../errors.js';
import { parseFailOn } from './fail-on.js';
import type { FailOn } from './fail-on.js';
import { MAX_SHARDS, parseShard } from '../app/shard/plan.js';
import type { ShardSpec } from '../app/shard/plan.js';
import type { ActionCore, PublishMode } from './types.js';

export const COMMANDS = ['scheduled', 'render', 'validate', 'plan', 'merge', 'pr-diff'] as const;
export const PLAN_FOR = ['scheduled', 'render'] as const;
export const PUBLISH_MODES = ['commit', 'release', 'artifact', 'none'] as const;
export const SIGN_MODES = ['keyless', 'key', 'none'] as const;

export type ActionCommand = (typeof COMMANDS)[number];
export type SignInput = (typeof SIGN_MODES)[number];

/** A `fail-under` entry: for nist-800-171 (and cmmc-l2) the SPRS score, else the score in percent. */
export interface Threshold {
  framework: string;
  threshold: number;
}

export interface ActionInputs {
  command: ActionCommand;
  /** GITHUB_WORKSPACE (the checkout), absolute. */
  checkout: string;
  /** The workspace folder (working-directory, resolved against the checkout). */
  workingDirectory: string;
  /** The `definitions` glob (render), relative to the working directory; absent: every definition. */
  definitions?: string;
  /** The pinned instant; absent: SOURCE_DATE_EPOCH, else the clock. */
  now?: string;
  publish: PublishMode;
  branch?: string;
  commitMessage?: string;
  releaseTag?: string;
  sign: SignInput;
  failUnder: Threshold[];
  /** command: pr-diff. What in the diff fails the check. */
  failOn: FailOn[];
  token?: string;
  /** render, scheduled: render only this shard of the run (`i/N`, numbered from 0); publish must be none. */
  shard?: ShardSpec;
  /** plan: which run is planned (what is due, or the definitions glob). */
  planFor: (typeof PLAN_FOR)[number];
  /** plan: exactly this many shards; absent: sized to the work, at most maxShards. */
  shards?: number;
  maxShards?: number;
  /** merge: the folder holding one sub-folder per shard artifact (actions/download-artifact without merge-multiple). */
  shardArtifacts?: string;
}

function usage(message: string, hint: string): InfracastError {
  return new InfracastError('USAGE', message, { hints: [hint] });
}

function oneOf<T extends string>(core: ActionCore, name: string, allowed: readonly T[], fallback: T): T {
  const value = core.getInput(name) || fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw usage(`input ${name}: "${value}" is not one of ${allowed.join(', ')}`, `Set ${name} to one of: ${allowed.join(', ')}.`);
  return value as T;
}

const optional = (value: string): string | undefined => (value === '' ? undefined : value);

/** `nist-800-171:88, nist-800-53:75.5` -> thresholds; anything else is refused with the entry quoted. */
export function parseFailUnder(text: string): Threshold[] {
  if (text.trim() === '') return [];
  return text.split(',').map((entry) => {
    const match = /^\s*([a-z0-9][a-z0-9.-]*)\s*:\s*(-?\d+(?:\.\d+)?)\s*$/i.exec(entry);
    if (!match)
      throw usage(
        `input fail-under: "${entry.trim()}" is not framework:threshold`,
        'Write comma-separated framework:threshold pairs, e.g. nist-800-171:88 (the SPRS score) or nist-800-53:75 (the score in percent).',
      );
    return { framework: match[1]!.toLowerCase(), threshold: Number(match[2]) };
  });
}

export function readInputs(core: ActionCore, env: NodeJS.ProcessEnv): ActionInputs {
  const command = oneOf(core, 'command', COMMANDS, 'scheduled');
  const checkout = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const directory = core.getInput('working-directory') || '.';
  const workingDirectory = isAbsolute(directory) ? directory : resolve(checkout, directory);
  if (!existsSync(workingDirectory) || !statSync(workingDirectory).isDirectory())
    throw usage(
      `input working-directory: ${directory} is not a folder of the checkout (${checkout})`,
      'Check out the repository first (actions/checkout) and name the folder that holds infracast.yaml, relative to the repository root.',
    );
  const failUnder = parseFailUnder(core.getInput('fail-under'));
  const now = optional(core.getInput('now'));
  if (now !== undefined && Number.isNaN(Date.parse(now)))
    throw usage(`input now: "${now}" is not a date or an RFC 3339 instant`, 'Write e.g. 2026-03-09T12:17:00Z, or leave now empty for the current time.');
  const inputs: ActionInputs = {
    command,
    checkout,
    workingDirectory,
    publish: oneOf(core, 'publish', PUBLISH_MODES, 'none'),
    sign: oneOf(core, 'sign', SIGN_MODES, 'key'),
    failUnder,
    failOn: parseFailOn(core.getInput('fail-on')),
    planFor: oneOf(core, 'plan-for', PLAN_FOR, 'scheduled'),
  };
  const set = <K extends keyof ActionInputs>(key: K, value: ActionInputs[K] | undefined): void => {
    if (value !== undefined) inputs[key] = value;
  };
  set('definitions', optional(core.getInput('definitions')));
  set('now', now);
  set('branch', optional(core.getInput('branch')));
  set('commitMessage', optional(core.getInput('commit-message')));
  set('releaseTag', optional(core.getInput('release-tag')));
  set('token', optional(core.getInput('token')));
  readShardInputs(core, inputs, checkout);
  if (inputs.publish === 'release' && inputs.releaseTag === undefined)
    throw usage(
      'input release-tag is empty, and publish: release needs it',
      'Set release-tag, e.g. reports-${{ github.run_id }} or a fixed tag such as compliance-reports.',
    );
  return inputs;
}

/** shard, shards, max-shards, shard-artifacts (docs/sharding.md). */
function readShardInputs(core: ActionCore, inputs: ActionInputs, checkout: string): void {
  const shard = optional(core.getInput('shard'));
  if (shard !== undefined) {
    try {
      inputs.shard = parseShard(shard);
    } catch (error) {
      throw usage(
        `input shard: ${(error as Error).message.replace(/^--shard /, '')}`,
        'Set shard to ${{ matrix.shard }}/${{ needs.plan.outputs.count }} (numbered from 0).',
      );
    }
    if (inputs.publish !== 'none')
      throw usage(
        `input publish: ${inputs.publish} with shard ${shard}: a shard publishes nothing`,
        'Set publish: none on the shard jobs, upload their folders (actions/upload-artifact), and publish from the job that runs command: merge.',
      );
  }
  const count = (name: string): number | undefined => {
    const text = optional(core.getInput(name));
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > MAX_SHARDS)
      throw usage(`input ${name}: "${text}" is not a whole number from 1 to ${MAX_SHARDS}`, `A matrix runs at most ${MAX_SHARDS} jobs.`);
    return n;
  };
  const shards = count('shards');
  if (shards !== undefined) inputs.shards = shards;
  const maxShards = count('max-shards');
  if (maxShards !== undefined) inputs.maxShards = maxShards;
  const artifacts = optional(core.getInput('shard-artifacts'));
  if (artifacts !== undefined) inputs.shardArtifacts = isAbsolute(artifacts) ? artifacts : resolve(checkout, artifacts);
  if (inputs.command === 'merge' && inputs.shardArtifacts === undefined)
    throw usage(
      'input shard-artifacts is empty, and command: merge needs it',
      'Download the shard artifacts (actions/download-artifact, pattern: infracast-shard-*) into a folder and name it in shard-artifacts.',
    );
}

/** Inputs set for a command that does not use them: said, so that nobody trusts a gate that never ran. */
export function ignoredInputs(inputs: ActionInputs): string[] {
  const ignored: string[] = [];
  if (inputs.shard !== undefined && inputs.command !== 'render' && inputs.command !== 'scheduled')
    ignored.push(`input shard is ignored by command: ${inputs.command} (it applies to render and scheduled)`);
  if (inputs.command !== 'render' && inputs.command !== 'plan' && inputs.definitions !== undefined)
    ignored.push(`input definitions is ignored by command: ${inputs.command} (it applies to render)`);
  if (inputs.command === 'validate' || inputs.command === 'pr-diff') {
    if (inputs.failUnder.length > 0) ignored.push(`input fail-under is ignored by command: ${inputs.command} (it applies to scheduled and render)`);
    if (inputs.publish !== 'none') ignored.push(`input publish: ${inputs.publish} is ignored by command: ${inputs.command} (it renders nothing)`);
  }
  if (inputs.command !== 'pr-diff' && inputs.failOn.length > 0) ignored.push(`input fail-on is ignored by command: ${inputs.command} (it applies to pr-diff)`);
  return ignored;
}
