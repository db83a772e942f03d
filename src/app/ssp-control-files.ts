/**
 * Control statement files as `ssp scaffold` and `ssp import` write them, one per control
 * (controls/ac-2.md): the Markdown form (front matter + one heading per part, io/control-markdown.ts)
 * or the YAML form, and the statements a workspace already has, in any file and either form.
 *
 * One file per control, not per family: a reviewer sees one control's change as one file's diff,
 * two people editing two controls never touch the same file, and `git log controls/ac-2.md` is
 * the history of one statement.
 */
import { basename, join, relative, resolve } from 'node:path';
import { record } from '../model/control-implementation.js';
import { ExitCode, InfracastError } from '../errors.js';
import { stringify } from 'yaml';
import { BODY_KEYS, MARKDOWN_FILE, parseControlMarkdown, readControlMarkdownSync } from '../io/control-markdown.js';
import { isInside, listWorkspaceFiles } from '../io/workspace.js';
import { readYamlFile } from '../io/yaml-source.js';
import { canonicalControlId } from '../model/control-ids.js';
import { compareCodeUnits } from '../model/order.js';
import { statementScheme } from './ssp-statement-rules.js';

export type ControlFileFormat = 'md' | 'yaml';
export const CONTROL_FILE_FORMATS: readonly ControlFileFormat[] = ['md', 'yaml'];

/** A control statement as the schema has it (schemas/control.schema.json), keys in the order files show them. */
export type ControlValue = Record<string, unknown>;

/** Front matter / YAML key order: what the control is, its status, then who and what, then the text. */
const KEY_ORDER = [
  'kind',
  'framework',
  'control',
  'title',
  'status',
  'planned_completion_date',
  'remarks',
  'origination',
  'inherited_from',
  'responsible_roles',
  'parameters',
  'components',
  'evidence',
  'statement',
  'parts',
  'by_component',
];

/**
 * Keys in the order files show them; parameters by id (code units: an id's ODPs, ac-01_odp.01...,
 * then the release 5.0 ids FedRAMP still sets, ac-1_prm_1), so that the same statement is the same
 * text whichever way it came (scaffold, or an OSCAL SSP's set-parameters in the writer's order).
 */
function ordered(value: ControlValue): ControlValue {
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || compareCodeUnits(a, b));
  const out = Object.fromEntries(keys.map((k) => [k, value[k]]));
  if ('parameters' in out) out.parameters = byKey(record(out.parameters));
  if ('by_component' in out) {
    out.by_component = Object.fromEntries(
      Object.entries(record(out.by_component)).map(([id, text]) => [
        id,
        'parameters' in record(text) ? { ...record(text), parameters: byKey(record(record(text).parameters)) } : text,
      ]),
    );
  }
  return out;
}
const byKey = (value: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(value).sort(([a], [b]) => compareCodeUnits(a, b)));
const rank = (key: string): number => {
  const i = KEY_ORDER.indexOf(key);
  return i < 0 ? KEY_ORDER.length : i;
};

/** YAML as the project writes it: no line folding (a changed word changes one line), literal blocks for multi-line text. */
export function yamlText(value: unknown): string {
  return stringify(value, { lineWidth: 0, blockQuote: 'literal', aliasDuplicateObjects: false });
}

/** The file name of a control's statement: AC-2(4) -> ac-2.4, 3.1.1 -> 3.1.1. */
export function controlFileName(control: string, format: ControlFileFormat): string {
  const stem = control
    .toLowerCase()
    .replace(/\((\w+)\)/g, '.$1')
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${stem}.${format}`;
}

/** The Markdown form of a value (which must round trip: see controlFileText). */
export function controlMarkdown(value: ControlValue): string {
  const front = ordered(Object.fromEntries(Object.entries(value).filter(([k]) => !(BODY_KEYS as readonly string[]).includes(k))));
  // A component's parameters are front matter; its text is the body's.
  const componentParameters = Object.entries(record(value.by_component)).flatMap(([id, text]) =>
    'parameters' in record(text) ? [[id, { parameters: record(text).parameters }] as const] : [],
  );
  if (componentParameters.length > 0) front.by_component = Object.fromEntries(componentParameters);
  const out: string[] = ['---', yamlText(front).trimEnd(), '---'];
  const block = (heading: string | undefined, text: unknown): void => {
    if (heading !== undefined) out.push('', heading);
    if (typeof text === 'string' && text !== '') out.push('', text);
  };
  if (typeof value.statement === 'string') block(undefined, value.statement);
  const parts = record(value.parts);
  const byComponent = Object.entries(record(value.by_component)).map(([id, text]) => [id, record(text)] as const);
  const partIds = [...new Set([...Object.keys(parts), ...byComponent.flatMap(([, text]) => Object.keys(record(text.parts)))])];
  for (const part of partIds) {
    block(`## Part ${part}`, parts[part]);
    for (const [id, text] of byComponent) if (part in record(text.parts)) block(`### Component ${id}`, record(text.parts)[part]);
  }
  for (const [id, text] of byComponent) if (typeof text.statement === 'string') block(`## Component ${id}`, text.statement);
  return `${out.join('\n')}\n`;
}

/**
 * The file text of a statement in the format asked for. The Markdown form cannot hold every text
 * (a line that reads as a section heading, a blank line or trailing space the form normalises): such
 * a statement is written as YAML, which holds any text, and the format says so.
 */
export function controlFileText(value: ControlValue, format: ControlFileFormat): { text: string; format: ControlFileFormat } {
  if (format === 'md') {
    const text = controlMarkdown(value);
    const [parsed] = parseControlMarkdown('check.md', text).documents;
    if (parsed && sameValue(parsed.value, value)) return { text, format: 'md' };
  }
  return { text: yamlText(ordered(value)), format: 'yaml' };
}

/** Deep equality of plain JSON-like values, key order ignored. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => k in b && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Every control that has a statement in the workspace's controls/, in any file and either form,
 * valid or not (a statement being fixed still counts): `<scheme> <canonical id>` -> the file.
 */
export async function writtenStatements(root: string): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  const { files } = await listWorkspaceFiles(root, ['controls'], ['controls']);
  for (const { path, folder, escapesTo } of files) {
    if (folder !== 'controls' || escapesTo) continue;
    const file = MARKDOWN_FILE.test(path) ? readControlMarkdownSync(path) : await readYamlFile(path);
    for (const doc of file.documents) {
      const value = record(doc.value);
      if (typeof value.framework !== 'string' || typeof value.control !== 'string') continue;
      const scheme = statementScheme(value.framework);
      const id = canonicalControlId(scheme, value.control) ?? value.control.trim();
      if (!written.has(`${scheme} ${id}`)) written.set(`${scheme} ${id}`, path);
    }
  }
  return written;
}

/** The folder `--dir` names (default controls), which must be controls/ or inside it: statements are read from there only. */
export function controlsDir(root: string, dir: string | undefined): string {
  const path = resolve(root, dir ?? 'controls');
  if (!isInside(join(root, 'controls'), path)) {
    throw new InfracastError('USAGE', `--dir ${dir ?? ''} is not inside the workspace's controls/ folder`, {
      exitCode: ExitCode.Usage,
      hints: ['Control statements are read from controls/ (and its sub-folders): give --dir controls or a folder below it.'],
    });
  }
  return path;
}

/** A path for messages: workspace-relative. */
export const shownPath = (root: string, path: string): string => relative(root, path) || basename(path);
