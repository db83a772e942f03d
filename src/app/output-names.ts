/**
 * Output names that cannot be published are `validate` errors (issue 12, "Nothing lost, ever"),
 * rather than a render that fails half-way or, worse, writes over something. An output name is a
 * folder under the output folder, the stem of every artifact in it, and a folder of the history.
 *
 * Refused:
 * - a `name:` with no letter or digit: its slug, the output name, would be empty;
 * - a name with a file name derived from it longer than MAX_FILE_NAME_BYTES (see there);
 * - a Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9, with or without an extension, any
 *   case), a character Windows forbids in names, or a trailing dot or space (Windows drops it);
 * - a name the publisher keeps for itself: any name starting with '.' (its staging and previous
 *   folders, `.staging-<run>-<name>`, `.previous-<run>-<name>`, the marker file
 *   `.infracast-published.json`, and whatever else it hides in the output folder) and `index.json`
 *   with the temporary names of its transactional writes (`index.json.*`);
 * - two names that differ only by case or Unicode normalisation: one folder on macOS and Windows.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { YamlDocument } from '../io/yaml-source.js';
import type { OutputDefinition } from '../model/definitions.js';
import { FORMATS_OF_TYPE } from '../model/definitions.js';
import { slugify } from '../schema/rules.js';
import { pathSegment } from './state.js';
import { diagnosticAt, place } from './workspace-rules.js';

/**
 * The longest file name, in UTF-8 bytes, that an output name may give. File systems limit one name
 * to 255 (ext4, XFS, APFS in bytes; NTFS in UTF-16 units, never more than the UTF-8 bytes); the 15
 * bytes left are for the names the publisher builds around the output name for a moment
 * (app/transaction.ts): its `.previous-<run>-<name>` folder is the name plus 19 bytes (the run id is
 * 8), at most 2 more than the shortest suffix counted here (`.md.sigstore.json`).
 */
export const MAX_FILE_NAME_BYTES = 240;

/**
 * Every file and folder name publishing a definition may derive from its output name: the folder
 * itself and its history folder (percent-encoded, app/state.ts), each format the type can be
 * rendered to (not only those chosen: `render --format` picks others) per report file (`<name>`,
 * and `<name>-<framework>` for the types with one report per framework), with the signature sidecars
 * `.sigstore.json` and `.p7s` (`--sign` can sign any run), and the executive report's charts.
 * Names made in app/render.ts, app/sign.ts and reports/executive.ts; test/unit/output-names.test.ts
 * checks that a render writes no name outside this list.
 */
export function publishedFileNames(definition: Pick<OutputDefinition, 'outputName' | 'kind' | 'type' | 'frameworks' | 'formats'>): string[] {
  const name = definition.outputName;
  const formats = FORMATS_OF_TYPE[definition.kind][definition.type] ?? definition.formats;
  const stems = [name, ...(definition.frameworks.length > 1 ? definition.frameworks.map((framework) => `${name}-${framework}`) : [])];
  const files = stems.flatMap((stem) =>
    formats.map((format) => artifactFileName(stem, format)).flatMap((file) => [file, `${file}.sigstore.json`, `${file}.p7s`]),
  );
  const charts =
    definition.type === 'executive'
      ? [
          `${name}-score-trend.svg`,
          `${name}-findings-by-severity.svg`,
          ...definition.frameworks.map((framework) => `${name}-status-by-family-${framework}.svg`),
        ]
      : [];
  return [name, pathSegment(name), ...files, ...charts];
}

/**
 * The file a format is written to: `<stem>.<format>`, except OSCAL, which is JSON and named as OSCAL
 * tools and their users expect it, `<stem>.oscal.json`.
 */
export const artifactFileName = (stem: string, format: string): string => (format === 'oscal' ? `${stem}.oscal.json` : `${stem}.${format}`);

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Windows device names (Win32 "Naming Files, Paths, and Namespaces"), with or without an extension. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
// eslint-disable-next-line no-control-regex -- control characters are exactly what Windows forbids
const WINDOWS_FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f]/;

/** Names two file systems would take for one: case and Unicode normalisation folded. */
export const foldName = (name: string): string => name.normalize('NFC').toLowerCase();

interface NameProblem {
  message: string;
  hint: string;
}

/** Why an output name cannot be published, or undefined. `rawName` is the `name:` written, if any. */
export function outputNameProblem(
  definition: Pick<OutputDefinition, 'outputName' | 'kind' | 'type' | 'frameworks' | 'formats'>,
  rawName: unknown,
): NameProblem | undefined {
  const name = definition.outputName;
  const named = typeof rawName === 'string';
  const rename = named ? 'Change name:' : 'Rename the file or set name:';
  if (typeof rawName === 'string' && slugify(rawName) === '') {
    return {
      message: `name '${rawName}' has no letter or digit (a-z, 0-9): its output name would be empty`,
      hint: 'Put letters or digits in name: (the output name keeps a-z and 0-9, lower-cased), or remove name: to use the file name.',
    };
  }
  const device = name.split('.')[0]!.replace(/ +$/, '');
  if (WINDOWS_DEVICE.test(device)) {
    return {
      message: `output name '${name}' is a Windows device name (${device.toUpperCase()}): no file or folder can be called that on Windows`,
      hint: `${rename} (e.g. ${name}-report).`,
    };
  }
  const forbidden = WINDOWS_FORBIDDEN.exec(name);
  if (forbidden || /[. ]$/.test(name)) {
    return {
      message: `output name '${name}' ${forbidden ? `has ${JSON.stringify(forbidden[0])}, a character Windows forbids in file names` : 'ends with a dot or space, which Windows drops'}`,
      hint: `${rename}; output names become folder and file names on every system, Windows included.`,
    };
  }
  const folded = foldName(name);
  if (name.startsWith('.') || folded === 'index.json' || folded.startsWith('index.json.')) {
    return {
      message: `output name '${name}' is kept for the publisher's own files (out/index.json, and names starting with '.' such as its .staging-* folders)`,
      hint: `${rename} to a name that does not start with '.' and is not index.json.`,
    };
  }
  const longest = publishedFileNames(definition).reduce((a, b) => (bytes(b) > bytes(a) ? b : a));
  if (bytes(longest) > MAX_FILE_NAME_BYTES) {
    return {
      message: `output name '${name}' gives file names too long to publish: ${longest} is ${bytes(longest)} bytes, over the ${MAX_FILE_NAME_BYTES}-byte limit`,
      hint: `Shorten ${named ? 'name:' : 'the file name (or set a shorter name:)'} by at least ${bytes(longest) - MAX_FILE_NAME_BYTES} bytes.`,
    };
  }
  return undefined;
}

/** validate: every output name can be published, and no two fold to one name. */
export function outputNameRules(root: string, outputs: readonly OutputDefinition[], outputDocs: ReadonlyMap<OutputDefinition, YamlDocument>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const rawNameOf = (doc: YamlDocument | undefined): unknown =>
    doc && typeof doc.value === 'object' && doc.value ? (doc.value as { name?: unknown }).name : undefined;
  for (const output of outputs) {
    const doc = outputDocs.get(output);
    const problem = doc && outputNameProblem(output, rawNameOf(doc));
    if (problem) diagnostics.push(diagnosticAt(doc, ['name'], 'unpublishable-name', problem.message, problem.hint));
  }
  // Names equal byte for byte are duplicate-name (workspace-rules.ts); here those equal only when folded.
  const first = new Map<string, OutputDefinition>();
  for (const output of outputs) {
    const key = foldName(output.outputName);
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, output);
      continue;
    }
    if (earlier.outputName === output.outputName) continue;
    const [doc, earlierDoc] = [outputDocs.get(output), outputDocs.get(earlier)];
    const hint = 'Rename one of them (name: or the file name): macOS and Windows would publish both to one folder.';
    const how = output.outputName.toLowerCase() === earlier.outputName.toLowerCase() ? 'only by case' : 'only by case or Unicode normalisation';
    if (doc)
      diagnostics.push(
        diagnosticAt(
          doc,
          ['name'],
          'duplicate-name',
          `output name '${output.outputName}' differs ${how} from '${earlier.outputName}' at ${place(earlierDoc, root)}`,
          hint,
        ),
      );
    if (earlierDoc)
      diagnostics.push(
        diagnosticAt(
          earlierDoc,
          ['name'],
          'duplicate-name',
          `output name '${earlier.outputName}' differs ${how} from '${output.outputName}' at ${place(doc, root)}`,
          hint,
        ),
      );
  }
  return diagnostics;
}
