/**
 * `findings inspect --json` pinned in test/golden/findings/<name>.json: paths relative to the
 * repository, so that the golden files do not depend on the machine. Regenerate on purpose with
 * UPDATE_GOLDEN=1 and review the diff.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InspectJson } from '../../src/commands/findings/inspect.js';
import { runCli } from './cli.js';
import { goldenDir, repoRoot } from './paths.js';

/** Runs `findings inspect --json` on `paths` (relative to the repository), compares with the golden file, returns the JSON. */
export function checkFindingsGolden(name: string, ...paths: string[]): InspectJson {
  const result = runCli(['findings', 'inspect', ...paths, '--json'], { cwd: repoRoot });
  assert.equal(result.status, 0, result.stderr);
  const json = JSON.parse(result.stdout) as InspectJson;
  const actual = `${JSON.stringify(json, null, 2)}\n`;
  const golden = join(goldenDir, 'findings', `${name}.json`);
  if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
    mkdirSync(join(goldenDir, 'findings'), { recursive: true });
    writeFileSync(golden, actual);
  }
  assert.equal(actual, readFileSync(golden, 'utf8'));
  return json;
}
