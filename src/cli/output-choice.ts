/**
 * `-o table|json` of the commands that print a table for people and the spec's JSON for programs
 * (summary, types): a table on a terminal, JSON when the output is piped or redirected, as gh and
 * kubectl do. `--json` (the command's return value) bypasses it.
 */
import * as Flags from '@oclif/core/flags';

export const outputFlag = Flags.string({
  char: 'o',
  description: 'table: for people; json: the spec shape. Default: table on a terminal, json when the output is piped or redirected (and with --json).',
  options: ['json', 'table'],
});

/** What to print: the -o value, else a table on a terminal and JSON elsewhere. */
export function chosenOutput(flag: string | undefined): 'json' | 'table' {
  return (flag ?? (process.stdout.isTTY ? 'table' : 'json')) === 'table' ? 'table' : 'json';
}
