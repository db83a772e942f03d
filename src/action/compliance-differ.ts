/**
 * The real Differ: the app's comparison (src/app/diff, `infracast diff`) adapted to what the
 * action reads. The comparison is being built on another branch (eng/diff); until it is merged,
 * this refuses plainly instead of posting an invented diff.
 */
import { InfracastError } from '../errors.js';
import type { Differ } from './differ.js';

export const complianceDiffer: Differ = {
  compare() {
    return Promise.reject(
      new InfracastError('USAGE', 'command: pr-diff needs the compliance diff (infracast diff), which this build of the action does not include yet', {
        hints: ['Use an action release that lists pr-diff in docs/action.md.'],
      }),
    );
  },
};
