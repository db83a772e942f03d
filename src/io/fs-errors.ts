/**
 * File-system failures that are the environment's, not the input's and not a bug (issue 12): a
 * full disk, a read-only file system, a permission, too many open files. They are exit 3 with the
 * path and the fix, never "INTERNAL ... this is a bug", and a run that meets one commits nothing.
 */
import { ExitCode, InfracastError } from '../errors.js';

const ENVIRONMENTAL: Readonly<Record<string, { code: 'DISK_FULL' | 'READ_ONLY' | 'PERMISSION_DENIED' | 'TOO_MANY_FILES'; what: string; fix: string }>> = {
  ENOSPC: { code: 'DISK_FULL', what: 'no space left on the device', fix: 'Free space on the disk that holds it, then run again.' },
  EDQUOT: { code: 'DISK_FULL', what: 'the disk quota is exceeded', fix: 'Free space in your quota, then run again.' },
  EROFS: {
    code: 'READ_ONLY',
    what: 'the file system is read-only',
    fix: 'Run where the workspace and its output folder are writable (--out DIR for the outputs).',
  },
  EACCES: { code: 'PERMISSION_DENIED', what: 'permission denied', fix: 'Give the user running Infracast write access to it, or use --out DIR.' },
  EPERM: { code: 'PERMISSION_DENIED', what: 'operation not permitted', fix: 'Give the user running Infracast write access to it, or use --out DIR.' },
  EMFILE: { code: 'TOO_MANY_FILES', what: 'too many open files', fix: 'Raise the open-file limit (ulimit -n), then run again.' },
  ENFILE: { code: 'TOO_MANY_FILES', what: 'too many open files on the system', fix: 'Close other programs or raise the system limit, then run again.' },
};

/** Whether an error is one of the environment's file-system failures. */
export function isEnvironmental(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && code in ENVIRONMENTAL;
}

/**
 * The InfracastError for a failed file operation on `path`: an environmental one (exit 3, coded,
 * with the fix) or, for anything else, FILE_UNREADABLE naming the path. An InfracastError passes through.
 */
export function environmentError(error: unknown, path: string, doing = 'cannot write'): InfracastError {
  if (error instanceof InfracastError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const known = ENVIRONMENTAL[code];
  if (known) {
    return new InfracastError(known.code, `${path}: ${doing}: ${known.what} (${code})`, {
      exitCode: ExitCode.Environment,
      location: { file: path },
      hints: [known.fix, 'Nothing of this run was published: the previous reports and state are as they were.'],
      cause: error,
    });
  }
  return new InfracastError('FILE_UNREADABLE', `${path}: ${doing}: ${(error as Error).message ?? String(error)}`, {
    exitCode: ExitCode.Environment,
    location: { file: path },
    cause: error,
  });
}

const ENVIRONMENTAL_CODES = new Set(Object.values(ENVIRONMENTAL).map((e) => e.code));

/** Whether an error (raw or already an InfracastError) is the environment's file-system failure. */
export function isEnvironmentalError(error: unknown): boolean {
  if (error instanceof InfracastError) return ENVIRONMENTAL_CODES.has(error.code as (typeof ENVIRONMENTAL)[string]['code']);
  return isEnvironmental(error);
}
