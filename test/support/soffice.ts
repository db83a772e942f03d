/**
 * LibreOffice for the real-tools tests (DESIGN.md "Tests"): found on PATH, never downloaded. Without
 * it a test skips with a clear message, except in CI (CI=true), where scripts/setup.sh installs it:
 * there a missing soffice is a failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export function requireSoffice(t: TestContext): string | undefined {
  const probe = spawnSync('soffice', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0) return 'soffice';
  const message = 'LibreOffice (soffice) is not on PATH, so this test cannot run: install it with scripts/setup.sh (Debian package libreoffice-calc)';
  if (process.env.CI) throw new Error(`${message}; CI must have it`);
  t.skip(message);
  return undefined;
}

/** Runs soffice headless with a profile of its own (parallel runs must not share one), then removes the profile. */
export function runSoffice(soffice: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const profile = mkdtempSync(join(tmpdir(), 'lo-profile-'));
  try {
    const result = spawnSync(soffice, [`-env:UserInstallation=file://${profile}`, '--headless', ...args], { cwd, encoding: 'utf8', timeout: 180_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
