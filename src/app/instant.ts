import { ExitCode, InfracastError } from '../errors.js';

/**
 * The one instant a run uses (DESIGN.md: time is read once per run and passed in):
 * an explicit value (--at), else SOURCE_DATE_EPOCH, else the clock.
 */
export function resolveInstant(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env, now: () => Date = () => new Date()): Date {
  if (explicit !== undefined) {
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(explicit) ? Date.parse(`${explicit}T00:00:00Z`) : Date.parse(explicit);
    if (Number.isNaN(parsed) || !/^\d{4}-\d{2}-\d{2}/.test(explicit)) {
      throw new InfracastError('USAGE', `--at '${explicit}' is not a date or an instant`, {
        exitCode: ExitCode.Usage,
        hints: ['Use a date (2026-04-24) or an RFC 3339 instant (2026-04-24T10:00:00Z).'],
      });
    }
    return new Date(parsed);
  }
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d+$/.test(epoch)) {
      throw new InfracastError('USAGE', `SOURCE_DATE_EPOCH '${epoch}' is not a whole number of seconds since 1970`, {
        exitCode: ExitCode.Usage,
        hints: ['Set it to e.g. $(git log -1 --format=%ct), or unset it.'],
      });
    }
    return new Date(Number(epoch) * 1000);
  }
  return now();
}

/** Formats an instant as the spec prints it: 2026-04-24T00:00:00Z (no milliseconds). */
export function formatInstant(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}
