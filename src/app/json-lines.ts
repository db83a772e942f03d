/**
 * The state folder's line-oriented files (schedules.jsonl, deliveries.jsonl): one JSON value per
 * line, every line ended. A file cut off, a line that is not JSON, or git's conflict markers left in
 * it are a STATE_INVALID error naming the file and the line.
 */
import { invalid } from './state.js';

const CONFLICT_MARKER = /^(<{7}|={7}|>{7})/;

/**
 * Calls `visit` with each line's value and 1-based number. `resolveConflict` says how to settle a
 * merge conflict in this file (e.g. "keep the later slot of each schedule").
 */
export function forEachJsonLine(text: string, file: string, resolveConflict: string, visit: (value: unknown, line: number) => void): void {
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw invalid(file, 'is cut off: its last line has no line ending (Infracast ends every line)', lines.length);
  lines.pop();
  lines.forEach((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw invalid(file, `line ${i + 1} is not JSON${CONFLICT_MARKER.test(line) ? ` (an unresolved merge conflict: ${resolveConflict})` : ''}`, i + 1, cause);
    }
    visit(value, i + 1);
  });
}
