/**
 * `infracast verify` without oclif (issue 13: verify within 2x of pdfsig, as a whole process). Loading
 * oclif and its configuration costs more than verifying a signature, so bin/run.js tries this first for
 * `verify` and falls back to oclif whenever the arguments are anything but plain: --help, an unknown or
 * repeated flag, a flag value that looks like a flag, `--`, a missing or extra argument, an option of a
 * repeatable flag followed by a bare word (oclif may read it as another value), or an environment
 * variable oclif reads. Falling back happens before anything is printed.
 *
 * The flags come from oclif.manifest.json (generated from the command: the single definition), and the
 * output from verify-output.ts and expected-error.ts, as the oclif command prints it.
 */
import { readFileSync, writeSync } from 'node:fs';
import { format, parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { verifyFile } from './app/verify.js';
import { failureLine, shownReport, verifyOptionsOf, type VerifyFlags } from './app/verify-output.js';
import { ExitCode, isInfracastError } from './errors.js';
import { expectedErrorJson, expectedErrorText } from './cli/expected-error.js';

interface ManifestFlag {
  name: string;
  type: 'boolean' | 'option';
  char?: string;
  multiple?: boolean;
  allowNo?: boolean;
}
interface ManifestCommand {
  args: Record<string, { required?: boolean }>;
  flags: Record<string, ManifestFlag & Record<string, unknown>>;
  strict?: boolean;
}
/** Manifest keys the fast path understands; a flag with any other (default, options, exclusive, dependsOn...) goes to oclif. */
const PLAIN_FLAG_KEYS = new Set(['name', 'type', 'char', 'multiple', 'allowNo', 'description', 'helpGroup', 'helpValue', 'hasDynamicHelp', 'summary']);
/** Environment variables that change what oclif does or prints. */
const OCLIF_ENV = ['INFRACAST_CONTENT_TYPE', 'INFRACAST_DEBUG', 'DEBUG'];

/** The file and flags, or undefined when oclif must handle the arguments. */
export function plainVerifyArgs(argv: string[], command: ManifestCommand): { file: string; flags: VerifyFlags & { json?: boolean } } | undefined {
  const args = Object.entries(command.args);
  if (command.strict === false || args.length !== 1 || argv.includes('--')) return undefined;
  const flags = Object.values(command.flags);
  if (flags.some((f) => Object.keys(f).some((k) => !PLAIN_FLAG_KEYS.has(k)) || f.allowNo === true)) return undefined;
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const f of flags)
    options[f.name] = { type: f.type === 'boolean' ? 'boolean' : 'string', multiple: f.multiple === true, ...(f.char ? { short: f.char } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true, tokens: true });
  } catch {
    return undefined;
  }
  if (parsed.positionals.length !== 1) return undefined;
  const seen = new Set<string>();
  for (const [i, token] of parsed.tokens.entries()) {
    if (token.kind !== 'option') continue;
    const flag = command.flags[token.name]!;
    if (!flag.multiple && seen.has(token.name)) return undefined;
    seen.add(token.name);
    if (token.value === '' || token.value?.startsWith('-')) return undefined;
    if (flag.multiple && parsed.tokens[i + 1]?.kind === 'positional') return undefined;
  }
  // A plain object (parseArgs gives one without a prototype), as oclif's flags are.
  return { file: parsed.positionals[0]!, flags: { ...parsed.values } as VerifyFlags & { json?: boolean } };
}

/**
 * Writes to fd 1 what console.log would, without creating process.stdout: over a pipe that builds a
 * socket and loads the stream modules, a few milliseconds of a verification that is mostly start-up.
 * Whatever a direct write cannot take (a non-blocking pipe that is full, a closed one) goes through
 * process.stdout, which handles it as console.log did.
 */
function writeStdout(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  try {
    while (at < bytes.length) at += writeSync(1, bytes, at);
  } catch {
    process.stdout.write(bytes.subarray(at));
  }
}

/**
 * Runs `verify` with `argv` (the arguments after `verify`) and returns true, or returns false having
 * printed nothing when oclif should run it instead (unusual arguments, or an error that is not an
 * expected InfracastError, which oclif then reports its own way).
 */
export async function runVerifyFast(argv: string[], manifestUrl: URL): Promise<boolean> {
  if (OCLIF_ENV.some((name) => process.env[name] !== undefined)) return false;
  let command: ManifestCommand | undefined;
  try {
    command = (JSON.parse(readFileSync(manifestUrl, 'utf8')) as { commands: Record<string, ManifestCommand> }).commands.verify;
  } catch {
    return false;
  }
  const plain = command && plainVerifyArgs(argv, command);
  if (!plain) return false;
  const json = plain.flags.json === true;
  // As oclif's ux.stdout prints (console.log of util.format).
  const print = (text: string): void => writeStdout(`${format(format(text))}\n`);
  let report;
  try {
    report = await verifyFile(verifyOptionsOf(plain.file, plain.flags));
  } catch (error) {
    if (!isInfracastError(error)) return false;
    if (json) print(JSON.stringify(expectedErrorJson(error), null, 2));
    else process.stderr.write(expectedErrorText(error));
    process.exitCode = error.exitCode;
    return true;
  }
  print(JSON.stringify(shownReport(report, plain.flags.verbose === true), null, 2));
  if (!report.valid) {
    process.exitCode = ExitCode.Failed;
    if (!json) process.stderr.write(failureLine(plain.file, report));
  }
  return true;
}
