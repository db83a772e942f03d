/**
 * A unified diff of two short texts (one SSP control section on each side), as `diff -u` prints
 * its hunks: `@@ -a,b +c,d @@`, then context, `-` and `+` lines. A longest common subsequence
 * over lines is quadratic, which is nothing at the size of a control section. Pure.
 */

type Edit = { op: ' ' | '-' | '+'; line: string };

function edits(a: readonly string[], b: readonly string[]): Edit[] {
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', line: a[i++]! });
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: '-', line: a[i++]! });
    else out.push({ op: '+', line: b[j++]! });
  }
  while (i < a.length) out.push({ op: '-', line: a[i++]! });
  while (j < b.length) out.push({ op: '+', line: b[j++]! });
  return out;
}

/** The hunks of `before` -> `after` with `context` unchanged lines around each change; '' when equal. */
export function unifiedDiff(before: string, after: string, context = 3): string {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  const all = edits(a, b);
  const changed = all.map((e, k) => (e.op !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return '';
  // Group changes whose context windows touch into one hunk.
  const hunks: [number, number][] = [];
  for (const k of changed) {
    const last = hunks.at(-1);
    if (last && k - last[1] <= 2 * context) last[1] = k;
    else hunks.push([k, k]);
  }
  const lines: string[] = [];
  for (const [first, lastChange] of hunks) {
    const start = Math.max(0, first - context);
    const end = Math.min(all.length - 1, lastChange + context);
    // Line numbers (1-based) of the hunk's start on each side: the edits before it that touch that side.
    const before = all.slice(0, start);
    const aStart = before.filter((e) => e.op !== '+').length;
    const bStart = before.filter((e) => e.op !== '-').length;
    const body = all.slice(start, end + 1);
    const aCount = body.filter((e) => e.op !== '+').length;
    const bCount = body.filter((e) => e.op !== '-').length;
    lines.push(`@@ -${aCount === 0 ? aStart : aStart + 1},${aCount} +${bCount === 0 ? bStart : bStart + 1},${bCount} @@`);
    for (const e of body) lines.push(`${e.op}${e.line}`);
  }
  return lines.join('\n');
}
