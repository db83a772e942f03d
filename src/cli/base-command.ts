/**
 * What every infracast command shares: `--json` (the command's return value, or the error's
 * fields), and the handling of expected errors: message and hints on stderr, no stack trace,
 * the documented exit code (DESIGN.md "Errors").
 */
import { stripVTControlCharacters } from 'node:util';
import { Command } from '@oclif/core/command';
import { ExitCode, InfracastError, isInfracastError } from '../errors.js';
import type { ExitCodeHelp } from '../errors.js';
import { expectedErrorJson, expectedErrorText } from './expected-error.js';
import { InfracastCommandHelp } from './help.js';

export abstract class InfracastCommand extends Command {
  static override enableJsonFlag = true;
  /** The exit codes the command returns, in its own words where they say more; its help lists them (help.ts). */
  static exitCodes?: ExitCodeHelp;

  /** Prints an expected error the way people read it; returns the exit code to use. */
  protected reportError(error: InfracastError): void {
    if (this.jsonEnabled()) this.logJson(expectedErrorJson(error));
    else process.stderr.write(expectedErrorText(error));
    process.exitCode = error.exitCode;
  }

  /**
   * oclif's parse error as an InfracastError that says all of it: what is wrong (every line of
   * oclif's message, not only its first), the command's usage line, and where the rest is.
   */
  private usageError(parserMessage: string): InfracastError {
    const id = (this.id ?? '').replaceAll(':', ' ');
    const cached = this.id ? this.config.findCommand(this.id) : undefined;
    const flagLabel = (name: string): string => {
      const char = cached?.flags[name]?.char;
      return `--${name}${char ? ` (-${char})` : ''}`;
    };
    // oclif colours parts of its messages on a terminal; the message is reworded here, so plain text.
    const lines = stripVTControlCharacters(parserMessage)
      .replace(/:\n(?=\S)/g, ': ') // "Missing 1 required arg:\nfile  The signed file." is one statement
      .split('\n')
      .map((line) => line.trim())
      .filter(
        (line) => line !== '' && !/^See more help with/i.test(line) && !/^Parsing --[\w-]+$/.test(line) && !/^The following errors? occurred:?$/i.test(line),
      );
    // oclif's advice about flags that take several values, after an argument that went missing.
    const advice = lines.filter((line) => /^(Note|Alternatively)\b/.test(line));
    const problems = lines
      .filter((line) => !advice.includes(line))
      .map((line) =>
        line
          .replace(/^Missing required flag ([\w-]+)$/, (_, name: string) => `Missing required flag ${flagLabel(name)}`)
          .replace(/^Missing 1 required arg: ([\w-]+)\s+(.+)$/, (_, name: string, what: string) => `Missing required argument ${name.toUpperCase()} (${what})`),
      );
    const usage = cached ? new InfracastCommandHelp(cached, this.config, { maxWidth: 1000 }).usageLine().replace('<%= command.id %>', id) : undefined;
    return new InfracastError('USAGE', problems.join('; '), {
      exitCode: ExitCode.Usage,
      hints: [
        ...(usage ? [`usage: ${this.config.bin} ${usage}`] : []),
        ...advice,
        `\`${this.config.bin} ${id} --help\` shows every flag, the exit codes and examples.`,
      ],
    });
  }

  protected override async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    // A flag's own parse function threw: oclif prefixes the message with "Parsing --flag" and appends "See more help".
    const parsingFlag = /^Parsing --[\w-]+\s*\n/.test(error.message);
    if (isInfracastError(error) && !parsingFlag) {
      this.reportError(error);
      return undefined;
    }
    // oclif's own parse errors (unknown flag, missing argument) are usage errors: exit 2.
    if (parsingFlag || error.oclif?.exit === 2 || /Unexpected argument|Nonexistent flag|Missing required|Expected .* to be one of/i.test(error.message)) {
      this.reportError(this.usageError(error.message));
      return undefined;
    }
    return super.catch(error);
  }
}
