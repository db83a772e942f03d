import * as Flags from '@oclif/core/flags';
import type { ExitCodeHelp } from '../errors.js';
import { compareWorkspaces, diffMarkdown } from '../app/diff/index.js';
import type { ComplianceDiff } from '../app/diff/index.js';
import { InfracastCommand } from '../cli/base-command.js';

export default class Diff extends InfracastCommand {
  static override summary = 'What changes for compliance between two states of a workspace: the pull-request comment, or its JSON.';
  static override description = `Evaluates the workspace at --base (a git ref) and at --head (a ref; default: the working tree as it is, uncommitted edits included) at one pinned instant, and prints what changes: score deltas per framework (SPRS for NIST SP 800-171), CMMC status, the controls whose status changed with the deciding evidence before and after, the POA&M items that would open or close with their deadlines, the changed control sections of each SSP as a unified diff, and validation warnings new at head. Nothing is rendered and no state is written.

Each ref is checked out as a detached git worktree of the same clone in a temp folder, removed afterwards. A ref missing from a shallow clone is an error that says what to fetch (git fetch origin <ref>, or fetch-depth: 0 in GitHub Actions).

--format md (default) prints the comment the GitHub Action posts (hidden marker first, within GitHub's 65,536 characters: a longer diff becomes a summary); --format json the comparison itself. The workspace's redaction applies to every text; a CUI-classified workspace gets figures only unless infracast.yaml cui.authorised_destinations lists comment. See docs/diff.md.`;

  static override exitCodes: ExitCodeHelp = { 0: '', 1: 'a side does not validate, or the folder is not in a git repository', 2: 'a ref is not in the clone' };

  static override examples = [
    {
      command: '<%= config.bin %> <%= command.id %> --base origin/main -w examples/acme',
      description: 'What the edits in the working tree change, against main.',
    },
    { command: '<%= config.bin %> <%= command.id %> --base HEAD~1 --head HEAD --format json', description: 'What the last commit changed, as JSON.' },
    { command: '<%= config.bin %> <%= command.id %> --base "$BASE_SHA" --head "$HEAD_SHA" --at 2026-12-01', description: 'In CI: both sides at one instant.' },
  ];

  static override flags = {
    base: Flags.string({ description: 'The git ref to compare against (branch, tag or commit).', required: true, helpValue: 'REF' }),
    head: Flags.string({ description: 'The git ref of the change. Default: the working tree, uncommitted edits included.', helpValue: 'REF' }),
    format: Flags.string({ description: 'md: the pull-request comment; json: the comparison.', options: ['md', 'json'], default: 'md' }),
    workspace: Flags.string({ char: 'w', description: 'A path to the workspace inside the repository (default: the current directory).', helpValue: 'PATH' }),
    at: Flags.string({
      description: 'The instant both sides are evaluated at (YYYY-MM-DD or RFC 3339). Default: SOURCE_DATE_EPOCH, else now.',
      helpValue: 'DATE',
    }),
  };

  async run(): Promise<ComplianceDiff> {
    const { flags } = await this.parse(Diff);
    const diff = await compareWorkspaces({
      base: flags.base,
      ...(flags.head !== undefined ? { head: flags.head } : {}),
      ...(flags.workspace !== undefined ? { workspace: flags.workspace } : {}),
      ...(flags.at !== undefined ? { at: flags.at } : {}),
    });
    if (!this.jsonEnabled()) this.log(flags.format === 'json' ? JSON.stringify(diff, null, 2) : diffMarkdown(diff).body.trimEnd());
    return diff;
  }
}
