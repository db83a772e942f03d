/**
 * `infracast schedule workflow`: a GitHub workflow that runs the schedules through the Infracast
 * Action (actions/infracast, command: scheduled). The cron is a tick (notes: "the cron is a tick,
 * the CLI decides"): an hourly sweep at an odd minute (GitHub's cron is busy at :00 and runs late
 * or not at all at times); the action renders only what is due, records each slot in the committed
 * state folder, commits through the CUI gate and mails, so late, repeated and manual runs render
 * and send each slot once.
 */

export interface WorkflowOptions {
  /** The workspace folder, relative to the repository root ('.' when it is the root). */
  workspace: string;
  /** The minute of the hourly sweep. */
  minute: number;
  /** Where the action is: `owner/repo/actions/infracast@ref`. */
  action: string;
  /** commit: the outputs and the state are committed; release: the outputs are attached to a monthly release. */
  publish: 'commit' | 'release';
}

export const DEFAULT_SWEEP_MINUTE = 17;

/** The action's address in the workflows Infracast prints and ships (examples/workflows/). */
export const DEFAULT_ACTION = 'infracast/infracast/actions/infracast@v0';

/** The workflow's YAML text. */
export function scheduleWorkflow(options: WorkflowOptions): string {
  const dir = options.workspace === '' ? '.' : options.workspace;
  const release = options.publish === 'release';
  const releaseStep = release
    ? `      - name: The month's release tag
        id: month
        run: echo "tag=reports-$(date -u +%Y-%m)" >> "$GITHUB_OUTPUT"
`
    : '';
  const publishWith = release ? `          publish: release\n          release-tag: \${{ steps.month.outputs.tag }}\n` : `          publish: commit\n`;
  return `# Renders the schedules of ${dir === '.' ? 'this repository' : dir} when they are due (infracast schedule workflow).
# The cron below is only a tick: the action decides what is due from each schedule's own time zone
# and the slots recorded in the state folder, so a late, repeated or manual run renders and mails
# each slot once. ${release ? 'The rendered files are attached to a release per month; the state folder is committed.' : 'The rendered files and the state folder are committed (CUI only where infracast.yaml authorises it).'}
# Mail: infracast.yaml mail: names the server; the login comes from the two secrets below.
# GitHub disables scheduled workflows of public repositories after 60 days without activity, and
# a workflow file must reach the repository through a person's commit (GITHUB_TOKEN cannot write it).
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
  contents: write # ${release ? 'create the release and upload its assets, commit the recorded slots' : 'commit the reports and the state folder'}; nothing else

jobs:
  scheduled:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
${releaseStep}      - uses: ${options.action}
        with:
          command: scheduled
          working-directory: ${JSON.stringify(dir)}
          now: \${{ inputs.now }}
${publishWith}        env:
          INFRACAST_SMTP_USER: \${{ secrets.INFRACAST_SMTP_USER }}
          INFRACAST_SMTP_PASSWORD: \${{ secrets.INFRACAST_SMTP_PASSWORD }}
`;
}
