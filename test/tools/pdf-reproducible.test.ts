/**
 * The executive PDF is reproducible (issue 12): ten renders by the real CLI, each its own process
 * and its own Chromium, give the same bytes. Chromium numbers the tagged-PDF structure after DOM
 * nodes, which vary with timing; until those ids were normalised (renderers/pdf.ts), an unchanged
 * report was a new file each run, and so re-signed and re-committed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCliAsync } from '../support/cli.js';
import { examplesDir } from '../support/paths.js';
import { noBrowserReason } from '../support/pdf.js';
import { copyWorkspace } from '../support/workspace.js';

const RENDERS = 10;
const NAME = 'executive-security-posture';

describe('the executive PDF across renders', { skip: noBrowserReason() }, () => {
  it(`is byte-identical across ${RENDERS} renders, each a new process and browser`, async () => {
    // Two workspaces side by side (2 cores), five renders each, one after the other in each.
    const digests = await Promise.all(
      [0, 1].map(async () => {
        const root = copyWorkspace(join(examplesDir, 'acme'));
        const seen: string[] = [];
        for (let i = 0; i < RENDERS / 2; i++) {
          const run = await runCliAsync(['render', 'reports/executive-posture.yaml', '--format', 'pdf', '--at', '2026-11-29T12:00:00Z'], { cwd: root });
          assert.equal(run.status, 0, run.stderr);
          seen.push(
            createHash('sha256')
              .update(readFileSync(join(root, 'out', NAME, `${NAME}.pdf`)))
              .digest('hex'),
          );
        }
        return seen;
      }),
    );
    const all = digests.flat();
    assert.equal(all.length, RENDERS);
    assert.deepEqual(new Set(all).size, 1, `sha256 of each render:\n${all.join('\n')}`);
  });
});
