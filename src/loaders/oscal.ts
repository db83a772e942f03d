/**
 * OSCAL assessment-results (one finding per AR finding) and POA&M (one finding per POA&M item),
 * JSON and XML. XML is read with fast-xml-parser and brought to the JSON model's shape (plural
 * member names, attributes as members), so one normaliser serves both.
 */
import type { Severity } from '../model/definitions.js';
import type { Finding, FindingResult, FindingState, Resource } from '../model/finding.js';
import { ControlSet, identityOf, isObject, normaliseTime, recordTime, setOptional, severityFromLabel } from './normalise.js';
import type { Json } from './normalise.js';
import type { Detection, FormatLoader, LoaderInput, RecordOutcome } from './types.js';
import { RecordError } from './types.js';
import { readWholeText } from './whole.js';

type Model = 'assessment-results' | 'plan-of-action-and-milestones';

/** XML element name -> the JSON model's member name (OSCAL's JSON groups repeated elements under a plural). */
const PLURALS: Record<string, string> = {
  result: 'results',
  finding: 'findings',
  observation: 'observations',
  risk: 'risks',
  'poam-item': 'poam-items',
  'related-observation': 'related-observations',
  'associated-risk': 'related-risks',
  'related-risk': 'related-risks',
  characterization: 'characterizations',
  facet: 'facets',
  subject: 'subjects',
  'relevant-evidence': 'relevant-evidence',
  prop: 'props',
  method: 'methods',
  origin: 'origins',
  actor: 'actors',
};

/** Rich text (XML `<p>` markup, JSON markdown strings) as plain text. */
function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value))
    return value
      .map(textOf)
      .filter((s) => s !== undefined && s !== '')
      .join(' ');
  if (isObject(value))
    return Object.entries(value)
      .filter(([k]) => !k.startsWith('@'))
      .map(([, v]) => textOf(v))
      .filter((s) => s !== undefined && s !== '')
      .join(' ');
  return undefined;
}

/** fast-xml-parser output -> OSCAL JSON shape. */
function toJsonShape(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonShape);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '#text') {
      out['#text'] = value;
      continue;
    }
    const name = key.startsWith('@') ? key.slice(1) : key;
    const plural = PLURALS[name];
    const shaped = toJsonShape(value);
    if (plural) out[plural] = [...((out[plural] as unknown[] | undefined) ?? []), ...(Array.isArray(shaped) ? shaped : [shaped])];
    else out[name] = shaped;
  }
  return out;
}

const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value.trim() : isObject(value) && typeof value['#text'] === 'string' ? value['#text'].trim() : undefined;

async function parseDocument(text: string, file: string): Promise<{ model: Model; root: Json; xml: boolean }> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('<')) {
    // Loaded only when an XML document is read (start-up stays light).
    const { XMLParser } = await import('fast-xml-parser');
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      isArray: (name) => name in PLURALS,
      processEntities: true,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
    });
    let parsed: unknown;
    try {
      parsed = parser.parse(text, true);
    } catch (error) {
      throw new RecordError(`not well-formed XML: ${(error as Error).message}`);
    }
    const doc = toJsonShape(parsed) as Json;
    for (const model of ['assessment-results', 'plan-of-action-and-milestones'] as const) {
      if (isObject(doc[model])) return { model, root: doc[model], xml: true };
    }
    throw new RecordError(`${file}: no assessment-results or plan-of-action-and-milestones element`);
  }
  const doc = JSON.parse(text) as unknown;
  if (isObject(doc)) {
    for (const model of ['assessment-results', 'plan-of-action-and-milestones'] as const) {
      if (isObject(doc[model])) return { model, root: doc[model], xml: false };
    }
  }
  throw new RecordError('no "assessment-results" or "plan-of-action-and-milestones" object');
}

/** `ac-6.1_obj`, `ac-1.a.1_obj.1`, `cm-8` -> the SP 800-53 control it belongs to. */
function controlOfTarget(targetId: string): string | undefined {
  const match = /^([a-z]{2}-\d+(?:\.\d+)?)(?=$|[._])/i.exec(targetId.trim());
  return match ? match[1] : undefined;
}

function severityOfRisks(risks: Json[]): { severity: Severity; source: Finding['severitySource'] } | undefined {
  const order: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];
  let best: { severity: Severity; source: Finding['severitySource'] } | undefined;
  for (const risk of risks) {
    for (const characterization of list(risk.characterizations)) {
      for (const facet of list(characterization.facets)) {
        const name = str(facet.name);
        const value = str(facet.value);
        if (!value || !name || !/^(impact|risk|severity|priority)$/i.test(name)) continue;
        const severity = severityFromLabel(value);
        if (severity && (!best || order.indexOf(severity) < order.indexOf(best.severity)))
          best = { severity, source: { value, scale: `oscal-${name.toLowerCase()}` } };
      }
    }
  }
  return best;
}

function resultOfTarget(state: string | undefined): FindingResult {
  if (!state) return 'MANUAL';
  const s = state.toLowerCase();
  // FedRAMP's published example misspells the states ("satisifed", "not-satisifed").
  if (s.startsWith('not')) return 'FAIL';
  if (s.startsWith('sati')) return 'PASS';
  return 'MANUAL';
}

function stateOfRisks(risks: Json[]): FindingState {
  if (risks.length > 0 && risks.every((r) => str(r.status)?.toLowerCase() === 'closed')) return 'resolved';
  return 'open';
}

interface Index {
  observations: Map<string, Json>;
  risks: Map<string, Json>;
}

function indexOf(containers: Json[]): Index {
  const observations = new Map<string, Json>();
  const risks = new Map<string, Json>();
  for (const container of containers) {
    for (const o of list(container.observations)) if (str(o.uuid)) observations.set(str(o.uuid)!, o);
    for (const r of list(container.risks)) if (str(r.uuid)) risks.set(str(r.uuid)!, r);
  }
  return { observations, risks };
}

function buildFinding(item: Json, kind: 'ar-finding' | 'poam-item', index: Index, context: { format: string; file: string; record: number }): Finding {
  const uuid = str(item.uuid);
  if (!uuid) throw new RecordError('uuid is missing', 'uuid');
  const title = textOf(item.title);
  if (!title) throw new RecordError('title is missing', 'title');
  const observations = list(item['related-observations'])
    .map((r) => index.observations.get(str(r['observation-uuid']) ?? ''))
    .filter((o): o is Json => o !== undefined);
  const risks = list(item['related-risks'])
    .map((r) => index.risks.get(str(r['risk-uuid']) ?? ''))
    .filter((r): r is Json => r !== undefined);
  const controls = new ControlSet();
  let result: FindingResult = 'FAIL';
  let targetId: string | undefined;
  if (kind === 'ar-finding') {
    const target = isObject(item.target) ? item.target : undefined;
    if (!target) throw new RecordError('target is missing', 'target');
    targetId = str(target['target-id']);
    const status = isObject(target.status) ? target.status : undefined;
    result = resultOfTarget(status ? str(status.state) : undefined);
    const control = targetId ? controlOfTarget(targetId) : undefined;
    if (control) controls.add('nist-800-53', control);
  }
  for (const prop of list(item.props)) {
    if (str(prop.name) === 'control-id' || str(prop.name) === 'impacted-control-id') {
      const value = str(prop.value);
      if (value) controls.add('nist-800-53', value);
    }
  }
  const rated = severityOfRisks(risks);
  const severity = rated?.severity ?? (result === 'FAIL' ? 'MEDIUM' : 'INFORMATIONAL');
  const subject = observations.flatMap((o) => list(o.subjects))[0];
  const resource: Resource | undefined =
    subject && str(subject['subject-uuid']) ? { id: str(subject['subject-uuid'])!, type: str(subject.type) ?? 'component' } : undefined;
  const collected = observations.map((o) => str(o.collected)).find(Boolean);
  const tool = 'oscal';
  const finding: Finding = {
    identity: identityOf({ format: context.format, tool, nativeId: uuid, resourceId: resource?.id, fallback: [] }),
    nativeId: uuid,
    title,
    tool,
    result,
    state: result === 'FAIL' ? stateOfRisks(risks) : 'open',
    severity,
    severitySource: rated?.source ?? { value: result === 'FAIL' ? 'unrated' : 'none', scale: 'oscal' },
    controls: controls.controls(),
    sources: [{ file: context.file, format: context.format, tool, record: context.record }],
  };
  const remediation = risks
    .flatMap((r) => list(r.remediations))
    .map((r) => textOf(r.title) ?? textOf(r.description))
    .find(Boolean);
  // The assessed target (an AR finding's objective or control) is the rule.
  return setOptional(finding, { description: textOf(item.description), ruleId: targetId, resource, remediation, ...recordTime(normaliseTime(collected)) });
}

function detectOscal(headText: string, model: Model): Detection {
  const t = headText.trimStart();
  if (t.startsWith('<')) {
    const root = /<(?!\?|!)([A-Za-z][\w:.-]*)/.exec(t.replace(/<!--[\s\S]*?-->/g, ''))?.[1];
    return root === model ? { ok: true } : { ok: false, reason: `XML whose root element is <${root ?? '?'}>, not <${model}>` };
  }
  if (!t.startsWith('{')) return { ok: false, reason: 'neither JSON nor XML' };
  return new RegExp(`^\\{\\s*"${model}"\\s*:`).test(t) ? { ok: true } : { ok: false, reason: `a JSON object without a top-level "${model}"` };
}

function makeLoader(format: 'oscal-ar' | 'oscal-poam', model: Model, label: string): FormatLoader {
  return {
    format,
    label,
    detect: (_head, headText) => detectOscal(headText, model),
    async *read(input: LoaderInput): AsyncIterable<RecordOutcome> {
      const { root, model: found } = await parseDocument(await readWholeText(input), input.file);
      if (found !== model) throw new RecordError(`an OSCAL ${found} document, not ${model}`);
      const items: { item: unknown; kind: 'ar-finding' | 'poam-item'; index: Index; path: string }[] = [];
      if (model === 'assessment-results') {
        for (const [r, result] of list(root.results).entries()) {
          const index = indexOf([root, result]);
          for (const [f, item] of (Array.isArray(result.findings) ? result.findings : []).entries())
            items.push({ item, kind: 'ar-finding', index, path: `results[${r}].findings[${f}]` });
        }
      } else {
        const index = indexOf([root]);
        for (const [p, item] of (Array.isArray(root['poam-items']) ? root['poam-items'] : []).entries())
          items.push({ item, kind: 'poam-item', index, path: `poam-items[${p}]` });
      }
      for (const [i, { item, kind, index, path }] of items.entries()) {
        const record = i + 1;
        try {
          if (!isObject(item)) throw new RecordError('not an object');
          yield { record, finding: buildFinding(item, kind, index, { format, file: input.file, record }) };
        } catch (error) {
          if (!(error instanceof RecordError)) throw error;
          yield { record, problem: { file: input.file, record, field: `${path}${error.field ? `.${error.field}` : ''}`, message: error.message } };
        }
      }
    },
  };
}

export const oscalAssessmentResultsLoader = makeLoader('oscal-ar', 'assessment-results', 'OSCAL assessment-results (JSON or XML)');
export const oscalPoamLoader = makeLoader('oscal-poam', 'plan-of-action-and-milestones', 'OSCAL POA&M (JSON or XML)');
