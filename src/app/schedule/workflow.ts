/**
 * `infracast schedule workflow`: a GitHub workflow that runs the schedules (notes/action.md "the
 * cron is a tick, the CLI decides"). An hourly sweep at an odd minute (GitHub's cron is busy at :00
 * and runs late or not at all at times): `schedule run` renders only what is due and records each
 * slot in the committed state folder, so late, repeated and manual runs render each slot once.
 */

export interface WorkflowOptions {
  /** The workspace folder, relative to the repository root ('.' when it is the root). */
  workspace: string;
  /** The minute of the hourly sweep. */
  minute: number;
  /** Node.js major version for setup-node. */
  node: number;
}

export const DEFAULT_SWEEP_MINUTE = 17;

/** The workflow's YAML text. */
export function scheduleWorkflow(options: WorkflowOptions): string {
  const dir = options.workspace === '' ? '.' : options.workspace;
  const quoted = JSON.stringify(dir);
  return `# Renders the schedules of ${dir === '.' ? 'this repository' : dir} when they are due (infracast schedule workflow).
# The cron below is only a tick: \`infracast schedule run\` decides what is due from each schedule's own
# time zone and the slots recorded in the state folder, so a late, repeated or manual run renders each
# slot once. A later version uses the Infracast GitHub Action (actions/infracast, command: scheduled) in
# place of the run and commit steps, with delivery to the schedules' recipients.
# GitHub disables scheduled workflows of public repositories after 60 days without activity, and
# a workflow file must reach the repository through a person's commit (GITHUB_TOKEN cannot write it).
# The reports are committed from the output folder (out/ by default): it must not be git-ignored.
name: infracast schedules

on:
  schedule:
    - cron: "${options.minute} * * * *" # hourly, off the busy top of the hour
  workflow_dispatch:
    inputs:
      now:
        description: "The instant to run at (RFC 3339, e.g. 2027-03-01T11:17:00Z): re-runs a past sweep. Empty: now."
        required: false
        default: ""

# One sweep at a time; a queued one runs after, never alongside (both would render the same slots).
concurrency:
  group: infracast-schedules
  cancel-in-progress: false

permissions:
  contents: write # commit the reports and the state folder; nothing else

jobs:
  run:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    defaults:
      run:
        working-directory: ${quoted}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: ${options.node}
      - name: Render what is due
        env:
          NOW: \${{ inputs.now }}
        run: |
          # One pinned instant for the whole run: the input on a manual re-run, else the sweep's start.
          NOW="\${NOW:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"
          echo "NOW=$NOW" >> "$GITHUB_ENV"
          npx --yes infracast schedule due --at "$NOW" --output table
          npx --yes infracast schedule run --at "$NOW"
      - name: Commit the reports and the recorded slots
        run: |
          git config user.name "github-actions[bot]"
          git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
          git add -A .
          if git diff --cached --quiet; then echo "nothing rendered"; exit 0; fi
          git commit -m "infracast: scheduled reports at $NOW"
          # A concurrent push (another workflow): rebase on it and push again.
          for attempt in 1 2 3; do git push && exit 0; git pull --rebase; done
          exit 1
`;
}
