/**
 * Schema validation of one YAML document with the precompiled ajv validators, and the
 * translation of ajv's errors into Diagnostics that point at the offending YAML node and say
 * what to write instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { InfracastError } from '../errors.js';
import { schemasHash } from '../generated/build-info.js';
import type { AjvError, ValidateFunction } from '../generated/validators.js';
import { digest } from '../io/cache.js';
import type { ContentCache } from '../io/cache.js';
import { packageRoot } from '../io/package-root.js';
import type { PathSegment, YamlDocument } from '../io/yaml-source.js';
import { didYouMean } from './suggest.js';

let validators: Readonly<Record<string, ValidateFunction>> | undefined;

/** Loads the precompiled validators (a large module: only runs that validate something need it). */
export async function prepareSchemaValidation(): Promise<void> {
  validators ??= (await import('../generated/validators.js')).default;
}

function validatorFor(schemaName: string): ValidateFunction {
  if (!validators) throw new InfracastError('INTERNAL', 'schema validation used before prepareSchemaValidation()');
  const validate = validators[schemaName];
  if (!validate) throw new InfracastError('SCHEMA_UNKNOWN', `no schema named ${schemaName}`);
  return validate;
}

/** The names of the schemas in schemas/ (without .schema.json). */
export const SCHEMA_NAMES = [
  'config',
  'report',
  'document',
  'schedule',
  'control',
  'attestation',
  'exception',
  'mapping',
  'inventory',
  'catalog',
  'finding',
] as const;

const schemaCache = new Map<string, Record<string, unknown>>();
/** The JSON Schema document schemas/<name>.schema.json (read only when needed: errors, `infracast schema`). */
export function loadSchema(name: string): Record<string, unknown> {
  let schema = schemaCache.get(name);
  if (!schema) {
    schema = JSON.parse(readFileSync(join(packageRoot(), 'schemas', `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
    schemaCache.set(name, schema);
  }
  return schema;
}

/**
 * Like validateAgainstSchema, but remembers documents found valid: a document whose exact value
 * was valid against the same schemas before is not validated again (and the validators need not
 * even be loaded).
 */
export async function checkAgainstSchema(
  doc: YamlDocument,
  schemaName: string,
  cache: ContentCache | undefined,
  value: unknown = doc.value,
  basePath: PathSegment[] = [],
): Promise<Diagnostic[]> {
  const key = cache ? digest('valid', schemasHash, schemaName, JSON.stringify(value)) : '';
  if (cache?.has('valid', key)) return [];
  await prepareSchemaValidation();
  const diagnostics = validateAgainstSchema(doc, schemaName, value, basePath);
  if (cache && diagnostics.length === 0) cache.set('valid', key, '');
  return diagnostics;
}

/** Validates `value` (or, for inline parts, `doc.value`) against a schema; returns diagnostics located in `doc`. Call prepareSchemaValidation() first. */
export function validateAgainstSchema(doc: YamlDocument, schemaName: string, value: unknown = doc.value, basePath: PathSegment[] = []): Diagnostic[] {
  const validate = validatorFor(schemaName);
  if (validate(value)) return [];
  return translateErrors(doc, schemaName, value, validate.errors ?? [], basePath);
}

function decodePointer(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/** A path as written in messages: keys joined by dots, list positions in brackets (options.severity_filter[1]). */
function pathText(path: readonly PathSegment[]): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[String(segment)];
  }
  return current;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
};

const FORMAT_NAMES: Record<string, string> = {
  date: 'a real calendar date YYYY-MM-DD',
  'date-time': 'an RFC 3339 instant such as 2026-04-24T10:00:00Z',
  email: 'an e-mail address',
  uri: 'an absolute URL such as https://tsa.example.com',
};

/** Keys a schema object allows: its properties plus those of the schemas it $refs. */
function allowedKeys(schemaName: string, schema: Record<string, unknown> | undefined, depth = 0): string[] {
  if (!schema || depth > 5) return [];
  const keys = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
  const ref = schema.$ref;
  if (typeof ref === 'string') keys.push(...allowedKeys(schemaName, resolveRef(schemaName, ref), depth + 1));
  return keys;
}

function resolveRef(schemaName: string, ref: string): Record<string, unknown> | undefined {
  const [file, pointer = ''] = ref.split('#');
  const name = file ? file.replace(/\.schema\.json$/, '') : schemaName;
  let node: unknown = loadSchema(name);
  for (const segment of decodePointer(pointer)) node = (node as Record<string, unknown> | undefined)?.[String(segment)];
  return node as Record<string, unknown> | undefined;
}

/** For a key that is unknown here but valid for other types of the same kind: which ones. */
function optionOwners(schemaName: string, key: string): string[] {
  const schema = loadSchema(schemaName);
  const owners: string[] = [];
  for (const branch of (schema.allOf as Record<string, unknown>[] | undefined) ?? []) {
    const type = (branch.if as { properties?: { type?: { const?: string } } } | undefined)?.properties?.type?.const;
    const optionsRef = (branch.then as { properties?: { options?: { $ref?: string } } } | undefined)?.properties?.options?.$ref;
    if (!type || !optionsRef) continue;
    const options = resolveRef(schemaName, optionsRef);
    if (Object.keys((options?.properties as Record<string, unknown> | undefined) ?? {}).includes(key)) owners.push(type);
  }
  return owners;
}

function translateErrors(doc: YamlDocument, schemaName: string, root: unknown, errors: AjvError[], basePath: PathSegment[]): Diagnostic[] {
  // `if` errors only say "must match then"; the `then` branch's own errors say what is wrong.
  let relevant = errors.filter((e) => e.keyword !== 'if');
  // Several enums can apply to one value (a general one and a type-specific one): keep the narrowest.
  const narrowestEnum = new Map<string, AjvError>();
  for (const e of relevant.filter((x) => x.keyword === 'enum')) {
    const seen = narrowestEnum.get(e.instancePath);
    const size = (e.params.allowedValues as unknown[]).length;
    if (!seen || size < (seen.params.allowedValues as unknown[]).length) narrowestEnum.set(e.instancePath, e);
  }
  relevant = relevant.filter((e) => e.keyword !== 'enum' || narrowestEnum.get(e.instancePath) === e);
  // A value of the wrong type fails its other constraints too: the type error alone says it.
  const wrongType = new Set(relevant.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  relevant = relevant.filter((e) => e.keyword === 'type' || !wrongType.has(e.instancePath));

  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of relevant) {
    const path = decodePointer(error.instancePath);
    const fullPath = [...basePath, ...path];
    const value = valueAt(root, path);
    const where = pathText(path);
    // A list item has no name of its own: it is called by its place (options.severity_filter[1]).
    const last = path[path.length - 1];
    const label = last === undefined ? 'the document' : typeof last === 'number' ? where : last;
    let message: string;
    let hint: string | undefined;
    let at: PathSegment[] = fullPath;
    let target: 'key' | 'value' = 'value';
    let code = `schema-${error.keyword}`;

    switch (error.keyword) {
      case 'additionalProperties':
      case 'unevaluatedProperties': {
        const key = String(error.params.additionalProperty ?? error.params.unevaluatedProperty);
        const allowed = allowedKeys(schemaName, error.parentSchema);
        const owners = where === 'options' ? optionOwners(schemaName, key) : [];
        const type = valueAt(root, ['type']);
        code = 'unknown-key';
        at = [...fullPath, key];
        target = 'key';
        if (owners.length > 0) {
          message = `option '${key}' does not apply to type ${String(type)} (it is an option of: ${owners.join(', ')})`;
          hint = `Remove it, or change the type. Options of ${String(type)}: ${allowed.join(', ')}.`;
        } else {
          message = `unknown key '${key}'${where ? ` in ${where}` : ''}${didYouMean(key, allowed)}`;
          hint = `Allowed here: ${allowed.join(', ')}.`;
        }
        break;
      }
      case 'required': {
        const key = String(error.params.missingProperty);
        code = 'missing-key';
        message = `missing required key '${key}'${where ? ` in ${where}` : ''}`;
        const description = (error.parentSchema?.properties as Record<string, { description?: string }> | undefined)?.[key]?.description;
        if (description) hint = `${key}: ${description}`;
        break;
      }
      case 'enum': {
        const allowed = (error.params.allowedValues as unknown[]).map(String);
        code = 'invalid-value';
        message = `${label} ${JSON.stringify(value)} is not one of the accepted values${didYouMean(String(value), allowed)}`;
        hint = `Use one of: ${allowed.join(', ')}.`;
        break;
      }
      case 'const':
        code = 'invalid-value';
        message = `${label} must be ${JSON.stringify(error.params.allowedValue)}, not ${JSON.stringify(value)}`;
        break;
      case 'type': {
        const wanted = String(error.params.type)
          .split(',')
          .map((t) => TYPE_NAMES[t] ?? t)
          .join(' or ');
        code = 'wrong-type';
        message = `${label} must be ${wanted}, not ${describeType(value)}`;
        if (typeof value === 'string' && ['boolean', 'integer', 'number'].some((t) => String(error.params.type).includes(t))) {
          hint = 'Write the value without quotes.';
        }
        break;
      }
      case 'pattern':
        code = 'invalid-value';
        message = `${label} ${(error.parentSchema?.patternErrorMessage as string | undefined) ?? `must match ${String(error.params.pattern)}`}, not ${JSON.stringify(value)}`;
        break;
      case 'format':
        code = 'invalid-value';
        message = `${label} must be ${FORMAT_NAMES[String(error.params.format)] ?? `a valid ${String(error.params.format)}`}, not ${JSON.stringify(value)}`;
        break;
      case 'minLength':
        code = 'invalid-value';
        message = `${label} must not be empty`;
        break;
      case 'minItems':
        code = 'invalid-value';
        message = `${label} must list at least ${String(error.params.limit)} item${error.params.limit === 1 ? '' : 's'}`;
        break;
      case 'uniqueItems':
        code = 'duplicate-item';
        message = `${label} lists the same item twice (items ${Number(error.params.j) + 1} and ${Number(error.params.i) + 1})`;
        at = [...fullPath, Number(error.params.i)];
        break;
      case 'minimum':
      case 'maximum':
        code = 'invalid-value';
        message = `${label} must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(error.params.limit)}, not ${JSON.stringify(value)}`;
        break;
      case 'minProperties':
        code = 'invalid-value';
        message = `${label} must not be empty`;
        break;
      default:
        message = `${label} ${error.message ?? 'is invalid'}`;
    }
    const { line, col } = doc.locate(at, target);
    const dedupeKey = `${line}:${col}:${message}`;
    if (seen.has(dedupeKey)) continue;
    seen.add(dedupeKey);
    diagnostics.push({ file: doc.file, line, col, severity: 'error', code, message, ...(hint ? { hint } : {}) });
  }
  return diagnostics;
}
