/**
 * oclif's command_not_found hook (package.json oclif.hooks, bundled into dist/cli/hooks/): a
 * mistyped command names the command meant, in the shape of every other usage error (exit 2,
 * `[USAGE]` and hints; `{ error }` with --json), instead of oclif's bare "command x not found".
 */
import type { Hook } from '@oclif/core/hooks';
import { expectedErrorJson, expectedErrorText } from '../cli/expected-error.js';
import { ExitCode, InfracastError } from '../errors.js';
import { suggest } from '../schema/suggest.js';

/** The usage error for an unknown command id (`catalog:shw`), given the ids there are. */
export function unknownCommandError(id: string, commandIds: readonly string[], bin: string): InfracastError {
  const typed = id.replaceAll(':', ' ');
  const commands = commandIds.map((c) => c.replaceAll(':', ' '));
  // `inspect` for `findings inspect`: the last word of exactly one command.
  const byLastWord = commands.filter((c) => c.split(' ').at(-1) === typed);
  const meant = byLastWord.length === 1 ? byLastWord[0] : suggest(typed, commands);
  return new InfracastError('USAGE', `unknown command '${typed}'${meant ? ` (did you mean '${meant}'?)` : ''}`, {
    exitCode: ExitCode.Usage,
    hints: [...(meant ? [`run \`${bin} ${meant} --help\` for its usage.`] : []), `\`${bin} --help\` lists every command.`],
  });
}

const hook: Hook<'command_not_found'> = async function (options) {
  const error = unknownCommandError(options.id, options.config.commandIDs, options.config.bin);
  if (options.argv?.includes('--json')) process.stdout.write(`${JSON.stringify(expectedErrorJson(error), null, 2)}\n`);
  else process.stderr.write(expectedErrorText(error));
  process.exitCode = error.exitCode;
};

export default hook;
