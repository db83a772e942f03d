/**
 * Whether two folders overlap as the file system will see them (issue 12, "Nothing lost, ever"):
 * symlinks resolved as far as the path exists, and names compared the way the most forgiving file
 * system a workspace is checked out on compares them.
 *
 * Comparison is always case-insensitive (after Unicode NFC normalisation), whatever this machine's
 * file system does: a workspace is a git repository checked out on Linux runners, macOS (APFS,
 * case- and normalisation-insensitive by default) and Windows (NTFS, case-insensitive). A folder that
 * is distinct on the Linux runner is the same folder on a colleague's Mac; detecting the file
 * system here would make a check that passes on Linux and deletes files on macOS. The cost of the
 * conservative reading is a false alarm for paths that differ only by case, which a rename fixes.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

export type Overlap = 'same' | 'inside' | 'contains';

/** The path as the file system resolves it: the real path of its longest existing prefix, then the rest as written. */
export function physicalPath(path: string): string {
  const rest: string[] = [];
  let existing = resolve(path);
  for (;;) {
    try {
      return join(realpathSync.native(existing), ...rest);
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return resolve(path);
      rest.unshift(basename(existing));
      existing = parent;
    }
  }
}

/** The key two paths are compared by: case folded and NFC-normalised, without a trailing separator. */
export function foldPath(path: string): string {
  const folded = path.normalize('NFC').toLowerCase();
  return folded.length > 1 && folded.endsWith(sep) ? folded.slice(0, -1) : folded;
}

const within = (parent: string, child: string): boolean => child.startsWith(parent.endsWith(sep) ? parent : `${parent}${sep}`);

/** How `a` stands to `b`: the same folder, inside it, or containing it (undefined: apart). Both are physical paths. */
export function overlapOf(a: string, b: string): Overlap | undefined {
  const fa = foldPath(a);
  const fb = foldPath(b);
  if (fa === fb) return 'same';
  if (within(fb, fa)) return 'inside';
  if (within(fa, fb)) return 'contains';
  return undefined;
}

/**
 * The other way a path inside `base` may be read: as Windows reads it, with `\` a separator and
 * trailing dots and spaces dropped from each name (`controls.` and `controls ` are `controls` on
 * NTFS). On Windows itself node's path functions already treat `\` as a separator.
 * Undefined when both readings are the same.
 */
export function windowsReading(base: string, path: string): string | undefined {
  const rel = relative(base, path);
  const names = rel.split(/[\\/]/).map((name) => (name === '.' || name === '..' ? name : name.replace(/[. ]+$/, '') || name));
  const read = resolve(base, names.join('/'));
  return read === resolve(path) ? undefined : read;
}
