/**
 * Real-tool tests (DESIGN.md "Tests": Chromium, LibreOffice, poppler). Without a tool they skip with
 * a message naming it, except in CI (CI=true), where the set-up script has installed every one of
 * them: there a missing tool is a failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { TestContext } from 'node:test';

/** The first of the candidates that exists, else undefined. */
export function findTool(...candidates: string[]): string | undefined {
  for (const c of candidates) {
    if (c.includes('/')) {
      if (existsSync(c)) return c;
      continue;
    }
    const found = spawnSync('sh', ['-c', `command -v ${c}`], { encoding: 'utf8' }).stdout.trim();
    if (found) return found;
  }
  return undefined;
}

/** The tool's path, or a skip (a failure under CI) saying which tool is missing. */
export function requireTool(t: TestContext, what: string, ...candidates: string[]): string | undefined {
  const path = findTool(...candidates);
  if (path) return path;
  const message = `real tools: ${what} (${candidates.join(', ')}) is not installed, so this test cannot run (scripts/setup.sh installs it)`;
  if (process.env.CI) throw new Error(`${message}; CI must have it`);
  t.skip(message);
  return undefined;
}

/**
 * Runs soffice headless with a profile folder of its own (two soffice processes sharing a profile
 * wait for each other or fail), removed afterwards.
 */
export function runSoffice(soffice: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const profile = mkdtempSync(join(tmpdir(), 'lo-profile-'));
  try {
    const result = spawnSync(soffice, [`-env:UserInstallation=file://${profile}`, '--headless', '--norestore', ...args], {
      cwd,
      encoding: 'utf8',
      timeout: 180_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** A DOCX converted to PDF by LibreOffice. */
export function libreOfficeToPdf(soffice: string, docx: string): Buffer {
  const work = mkdtempSync(join(tmpdir(), 'lo-'));
  try {
    const result = runSoffice(soffice, ['--convert-to', 'pdf', '--outdir', work, docx], work);
    const pdf = join(work, basename(docx).replace(/\.docx$/, '.pdf'));
    if (result.status !== 0 || !existsSync(pdf)) throw new Error(`soffice failed (${result.status}): ${result.stderr}${result.stdout}`);
    return readFileSync(pdf);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Why a whole test file cannot run here (a tool missing), for `describe(name, { skip })`, or false
 * when every tool is found. In CI a missing tool is a failure, never a skip.
 */
export function missingToolsReason(...tools: { what: string; candidates: string[] }[]): string | false {
  const missing = tools.filter((tool) => !findTool(...tool.candidates));
  if (missing.length === 0) return false;
  const message = `real tools: ${missing.map((m) => `${m.what} (${m.candidates.join(', ')})`).join(', ')} not installed, so these tests cannot run (scripts/setup.sh installs them)`;
  if (process.env.CI) throw new Error(`${message}; CI must have them`);
  return message;
}
