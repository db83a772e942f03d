/**
 * oclif's command_not_found hook (package.json oclif.hooks, bundled into dist/cli/hooks/): a
 * mistyped command names the command meant, in the shape of every other usage error (exit 2,
 * `[USAGE]` and hints; `{ error }` with --json), instead of oclif's bare "command x not found".
 */
import type { Hook } from '@oclif/core/hooks';
import { expectedErrorJson, expectedErrorText } from '../cli/expected-error.js';
import { ExitCode, InfracastError } from '../errors.js';
import { suggest } from '../schema/suggest.js';

/**
 * The usage error for an unknown command id. oclif joins the words of the command line into the
 * id while no command matches (`catalog shw file.json` arrives as `catalog:shw:file.json`), so
 * each command is compared with as many words as it has.
 */
export function unknownCommandError(id: string, commandIds: readonly string[], bin: string): InfracastError {
  const words = id.split(':');
  const commands = commandIds.map((c) => c.split(':'));
  const wordsOf = (n: number): string => words.slice(0, n).join(' ');
  let meant: string | undefined;
  let typed = words[0]!;
  for (let n = Math.min(words.length, Math.max(...commands.map((c) => c.length))); n >= 1 && meant === undefined; n--) {
    // The topic words as typed (`catalog`), the last word compared (`shw` with `show`, `import`).
    const siblings = commands.filter((c) => c.length === n && c.slice(0, n - 1).join(' ') === wordsOf(n - 1));
    const last = suggest(
      words[n - 1]!,
      siblings.map((c) => c[n - 1]!),
    );
    // `inspect` for `findings inspect`: the last word of exactly one command.
    const byLastWord = n === 1 ? commands.filter((c) => c.at(-1) === words[0]).map((c) => c.join(' ')) : [];
    meant = byLastWord.length === 1 ? byLastWord[0] : last === undefined ? undefined : [...words.slice(0, n - 1), last].join(' ');
    if (meant !== undefined) typed = wordsOf(n);
  }
  // A topic with a mistyped subcommand: name both words.
  if (meant === undefined && words.length > 1 && commands.some((c) => c.length > 1 && c[0] === words[0])) typed = wordsOf(2);
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
