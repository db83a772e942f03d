/**
 * Infracast's help pages (package.json oclif.helpClass, bundled into dist/cli/help.js): oclif's,
 * plus an EXIT CODES section on every command's page (one table, src/errors.ts EXIT_CODES), and
 * wrapping at spaces only, so a URL or a path in an example is never cut in the middle (oclif
 * wraps "hard", which breaks long words and makes a copied command wrong).
 */
import type { Command } from '@oclif/core/command';
import { CommandHelp, Help } from '@oclif/core/help';
import { EXIT_CODES, ExitCode } from '../errors.js';
import type { ExitCodeHelp } from '../errors.js';

/** What a command returns when it says nothing more: success, bad input, a wrong command line. */
const DEFAULT_EXIT_CODES: ExitCodeHelp = { [ExitCode.Ok]: '', [ExitCode.Failed]: '', [ExitCode.Usage]: '' };

/** Greedy word wrap that never breaks a word: a word longer than the width gets a line of its own. */
export function wrapAtSpaces(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      const lines: string[] = [];
      let current = '';
      for (const word of line.split(' ').filter((w) => w !== '')) {
        if (current !== '' && current.length + 1 + word.length > width) {
          lines.push(current);
          current = word;
        } else current = current === '' ? word : `${current} ${word}`;
      }
      lines.push(current);
      return lines.join('\n');
    })
    .join('\n');
}

/** The exit code lines of a command's help: `2  usage: <its words, else the general meaning>`. */
export function exitCodeLines(codes: ExitCodeHelp | undefined): [string, string][] {
  const own = codes ?? DEFAULT_EXIT_CODES;
  return EXIT_CODES.filter(({ code }) => code in own).map(({ code, name, meaning }) => [String(code), `${name}: ${own[code] || meaning}`]);
}

export class InfracastCommandHelp extends CommandHelp {
  protected override sections(): ReturnType<CommandHelp['sections']> {
    const sections = super.sections();
    const exitCodes = {
      header: 'EXIT CODES',
      generate: (_: unknown, header: string) => [
        {
          header,
          body: exitCodeLines((this.command as Command.Loadable & { exitCodes?: ExitCodeHelp }).exitCodes).map(([name, description]) => ({
            name,
            description,
          })),
        },
      ],
    };
    // After the description, before the examples: what a run returns belongs with what it does.
    const examples = sections.findIndex((s) => s.header === 'EXAMPLES');
    sections.splice(examples < 0 ? sections.length : examples, 0, exitCodes);
    return sections;
  }

  override wrap(body: string, spacing = this.indentSpacing): string {
    return wrapAtSpaces(this.render(body), this.opts.maxWidth - spacing);
  }

  /** The USAGE line, on one line, for usage errors (base-command.ts). */
  usageLine(): string {
    return this.defaultUsage();
  }
}

export default class InfracastHelp extends Help {
  override CommandHelpClass = InfracastCommandHelp;

  override wrap(body: string, spacing = this.indentSpacing): string {
    return wrapAtSpaces(this.render(body), this.opts.maxWidth - spacing);
  }
}
