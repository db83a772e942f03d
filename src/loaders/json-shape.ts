/**
 * The shape of a JSON document from its first bytes (the detection head, perhaps cut mid-record):
 * whether it is an object or an array, and the member names of the top-level object (or of the
 * first element of a top-level array). Scanner reports are told apart by these names (Trivy's
 * `SchemaVersion`, Grype's `matches`, Checkov's `check_type`...), which is sturdier than matching
 * text anywhere in the head: a key inside a finding's message never counts.
 */

export interface JsonHeadShape {
  root: 'object' | 'array' | 'none';
  /** Member names in the order written: of the top-level object, or of the first element of a top-level array. */
  keys: string[];
}

let memo: { text: string; shape: JsonHeadShape } | undefined;

/** The shape of `text` (a document's head); every detector of a file asks, so the last answer is kept. */
export function jsonHeadShape(text: string): JsonHeadShape {
  if (memo?.text === text) return memo.shape;
  const shape = scan(text);
  memo = { text, shape };
  return shape;
}

function scan(text: string): JsonHeadShape {
  let i = 0;
  while (i < text.length && /[\s\uFEFF]/.test(text[i]!)) i++;
  const first = text[i];
  if (first !== '{' && first !== '[') return { root: 'none', keys: [] };
  const root = first === '{' ? 'object' : 'array';
  // Member names are read at depth 1 of an object root, or at depth 2 inside the first element of an array root.
  const wanted = root === 'object' ? 1 : 2;
  const keys: string[] = [];
  let depth = 0;
  let objectAtWanted = false;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      if (end < 0) break; // the head ends inside a string
      if (depth === wanted && objectAtWanted && nextSignificant(text, end + 1) === ':') {
        try {
          keys.push(JSON.parse(text.slice(i, end + 1)) as string);
        } catch {
          // An invalid escape: not a name worth reporting.
        }
      }
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === wanted) objectAtWanted = c === '{';
    } else if (c === '}' || c === ']') {
      depth--;
      // The first element of an array root is done, or the root itself.
      if (depth < wanted) break;
    }
  }
  return { root, keys };
}

/** The index of the quote that closes the string opening at `start`, or -1 when the text ends first. */
function stringEnd(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '"') return j;
  }
  return -1;
}

function nextSignificant(text: string, from: number): string | undefined {
  for (let j = from; j < text.length; j++) if (!/\s/.test(text[j]!)) return text[j];
  return undefined;
}

/** The head's shape when it is a JSON object with `member` among its members, else why not (a detection's reason). */
export function objectWithMember(headText: string, member: string): JsonHeadShape | { reason: string } {
  const shape = jsonHeadShape(headText);
  if (shape.root !== 'object') return { reason: 'not a JSON object' };
  if (!shape.keys.includes(member)) return { reason: `no "${member}" member` };
  return shape;
}
