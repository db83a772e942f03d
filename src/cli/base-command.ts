/**
 * What every infracast command shares: `--json` (the command's return value, or the error's
 * fields), and the handling of expected errors: message and hints on stderr, no stack trace,
 * the documented exit code (DESIGN.md "Errors").
 */
import { Command } from '@oclif/core/command';
import { ExitCode, isInfracastError } from '../errors.js';
import type { InfracastError } from '../errors.js';
import { expectedErrorJson, expectedErrorText } from './expected-error.js';

export abstract class InfracastCommand extends Command {
  static override enableJsonFlag = true;

  /** Prints an expected error the way people read it; returns the exit code to use. */
  protected reportError(error: InfracastError): void {
    if (this.jsonEnabled()) this.logJson(expectedErrorJson(error));
    else process.stderr.write(expectedErrorText(error));
    process.exitCode = error.exitCode;
  }

  protected override async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (isInfracastError(error)) {
      this.reportError(error);
      return undefined;
    }
    // oclif's own parse errors (unknown flag, missing argument) are usage errors: exit 2.
    if (error.oclif?.exit === 2 || /Unexpected argument|Nonexistent flag|Missing required|Expected .* to be one of/i.test(error.message)) {
      if (this.jsonEnabled())
        this.logJson({ error: { code: 'USAGE', message: error.message, hints: [`Run infracast ${this.id ?? ''} --help.`], exitCode: ExitCode.Usage } });
      else process.stderr.write(`infracast: ${error.message.split('\n')[0]} [USAGE]\n  hint: run infracast ${this.id ?? ''} --help for the usage.\n`);
      process.exitCode = ExitCode.Usage;
      return undefined;
    }
    return super.catch(error);
  }
}
