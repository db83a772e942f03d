/**
 * Rules of control statements that need the catalog (the load stage runs them with the other
 * cross-file rules): a part is a part of its control (SP 800-53: the statement's top-level items,
 * a, b, c...), and a statement still holding scaffold TODOs is reported as unfinished.
 */
import { lookupControl } from '../catalogs/index.js';
import { record } from '../model/control-implementation.js';
import { oscalControlId } from '../model/oscal-ids.js';
import type { Diagnostic } from '../diagnostics.js';
import type { YamlDocument } from '../io/yaml-source.js';
import { canonicalControlId } from '../model/control-ids.js';
import type { SupportingRecord } from './load-workspace.js';
import { diagnosticAt } from './workspace-rules.js';

/** Every text a scaffolded stub leaves to write starts with this; validate warns on it. */
export const TODO = 'TODO';

/** The catalog whose ids a statement's control is written in (fedramp-* statements are SP 800-53 controls). */
export const statementScheme = (framework: string): string => (framework.startsWith('fedramp-') ? 'nist-800-53' : framework);

/** AC-2(4) -> ac-2.4: the OSCAL id that starts the catalog's part ids (ac-2.4_smt.a). */

export function controlStatementRules(records: SupportingRecord[], recordDocs: Map<SupportingRecord, YamlDocument>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const statement of records.filter((r) => r.kind === 'ControlImplementation')) {
    const doc = recordDocs.get(statement);
    if (!doc) continue;
    const value = statement.value;
    diagnostics.push(...partRules(doc, value));
    const unfinished = todoPaths(value);
    if (unfinished.length > 0) {
      diagnostics.push({
        ...diagnosticAt(
          doc,
          unfinished[0]!,
          'unfinished-statement',
          `control ${String(value.control)} is a stub still to write: ${unfinished.map((p) => p.join('.')).join(', ')} ${unfinished.length === 1 ? 'says' : 'say'} ${TODO}`,
          'Write the implementation in place of each TODO (ssp scaffold wrote them), then set the status.',
        ),
        severity: 'warning',
      });
    }
  }
  return diagnostics;
}

/** Part keys written (system and per component) that the control does not have. */
function partRules(doc: YamlDocument, value: Record<string, unknown>): Diagnostic[] {
  if (typeof value.framework !== 'string' || typeof value.control !== 'string') return [];
  const scheme = statementScheme(value.framework);
  if (scheme !== 'nist-800-53') return [];
  const id = canonicalControlId(scheme, value.control);
  const facts = id === undefined ? undefined : lookupControl(scheme, id);
  if (!facts || facts.withdrawn || id === undefined) return [];
  const known = facts.parts ?? [];
  const prefix = `${oscalControlId(id)}_`;
  const places: (string | number)[][] = [
    ...Object.keys(record(value.parts)).map((p) => ['parts', p]),
    ...Object.entries(record(value.by_component)).flatMap(([c, text]) => Object.keys(record(record(text).parts)).map((p) => ['by_component', c, 'parts', p])),
  ];
  const diagnostics: Diagnostic[] = [];
  for (const path of places) {
    const part = String(path[path.length - 1]);
    if (known.includes(part) || part.startsWith(prefix)) continue;
    diagnostics.push(
      diagnosticAt(
        doc,
        path,
        'unknown-part',
        known.length > 0 ? `${id} has no part ${part}: its parts are ${known.join(', ')}` : `${id} has no lettered parts: write its text as the statement`,
        known.length > 0
          ? `Use one of ${known.join(', ')} (or a catalog part id such as ${prefix}smt.${known[0]!}).`
          : 'In YAML, statement: instead of parts:; in Markdown, the text before the first heading.',
        'key',
      ),
    );
  }
  return diagnostics;
}

/** Paths of the texts and parameter values that still start with TODO. */
function todoPaths(value: Record<string, unknown>): (string | number)[][] {
  const paths: (string | number)[][] = [];
  const isTodo = (text: unknown): boolean => typeof text === 'string' && (text === TODO || text.startsWith(`${TODO}:`) || text.startsWith(`${TODO} `));
  const texts = (base: string[], node: Record<string, unknown>): void => {
    if (isTodo(node.statement)) paths.push([...base, 'statement']);
    for (const [part, text] of Object.entries(record(node.parts))) if (isTodo(text)) paths.push([...base, 'parts', part]);
  };
  texts([], value);
  for (const [component, text] of Object.entries(record(value.by_component))) texts(['by_component', component], record(text));
  if (isTodo(value.remarks)) paths.push(['remarks']);
  for (const [param, text] of Object.entries(record(value.parameters))) if (isTodo(text)) paths.push(['parameters', param]);
  return paths;
}
