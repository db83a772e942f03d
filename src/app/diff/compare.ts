/**
 * What changes for compliance between two evaluated sides (side.ts): the JSON of `infracast diff`
 * (snake_case, every list sorted by code units, so the same sides give the same bytes). Pure.
 */
import { compareCodeUnits } from '../../model/order.js';
import { redactor } from '../../model/redaction.js';
import type { RedactionRules } from '../../model/redaction.js';
import { authorisedCuiDestinations } from '../schedule/destinations.js';
import { unifiedDiff } from './line-diff.js';
import type { ControlState, FrameworkFigures, PoamEntry, SideEvaluation, WarningEntry } from './side.js';

export interface DiffSideRef {
  /** The ref as given, or "working tree". */
  ref: string;
  commit?: string;
}

export interface FrameworkDelta {
  framework: string;
  base: Omit<FrameworkFigures, 'framework'> | null;
  head: Omit<FrameworkFigures, 'framework'> | null;
  changed: boolean;
}

export interface ControlChange {
  framework: string;
  control: string;
  title: string;
  /** null: the control is not in the framework's evaluation on that side. */
  base: { status: string; reason: string } | null;
  head: { status: string; reason: string } | null;
}

export interface StatementChange {
  /** The SSP definition (its output name). */
  definition: string;
  framework: string;
  control: string;
  /** The unified diff of the control's section of the SSP Markdown. */
  diff: string;
}

export interface ComplianceDiff {
  format: 'infracast-diff/1';
  /** The workspace, relative to the top of the repository ('.' for the top). */
  workspace: string;
  base: DiffSideRef;
  head: DiffSideRef;
  /** The one instant both sides were evaluated at. */
  at: string;
  /** Anything below differs. */
  changed: boolean;
  cui: {
    /** A definition of the workspace (or its defaults) is CUI-classified, on either side. */
    classified: boolean;
    /**
     * infracast.yaml cui.authorised_destinations lists `comment` on both sides: on the base, so that
     * a pull request cannot authorise its own comment; on the head, so that withdrawing it counts at once.
     */
    comment_authorised: boolean;
  };
  frameworks: FrameworkDelta[];
  controls: ControlChange[];
  poam: { opening: PoamEntry[]; closing: PoamEntry[] };
  statements: StatementChange[];
  new_warnings: WarningEntry[];
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function figures(side: SideEvaluation, framework: string): Omit<FrameworkFigures, 'framework'> | null {
  const found = side.frameworks.find((f) => f.framework === framework);
  if (!found) return null;
  const { framework: _omitted, ...rest } = found;
  return rest;
}

function state(s: ControlState | undefined): { status: string; reason: string } | null {
  return s ? { status: s.status, reason: s.reason } : null;
}

/**
 * The redaction of both sides at once: a pattern added or removed by the change still applies to
 * the other side's text, so that nothing one side redacts reaches the comment through the other.
 */
export function redactionOf(base: SideEvaluation, head: SideEvaluation): (text: string) => string {
  const rules = [base.raw.redaction, head.raw.redaction].map((r) => (r ?? {}) as RedactionRules);
  const union: RedactionRules = {
    patterns: rules.flatMap((r) => r.patterns ?? []),
    fields: rules.flatMap((r) => r.fields ?? []),
    emails: rules.some((r) => r.emails === true),
  };
  return redactor(union);
}

/** Does this side's infracast.yaml authorise the `comment` destination for CUI (app/schedule/destinations.ts)? */
function commentAuthorised(raw: Record<string, unknown>): boolean {
  return authorisedCuiDestinations({ raw }).includes('comment');
}

export function compareSides(
  sides: { base: SideEvaluation; head: SideEvaluation },
  meta: { workspace: string; base: DiffSideRef; head: DiffSideRef; at: string },
): ComplianceDiff {
  const { base, head } = sides;
  const redact = redactionOf(base, head);
  const frameworkIds = [...new Set([...base.frameworks, ...head.frameworks].map((f) => f.framework))];
  const frameworks = frameworkIds.map((framework) => {
    const before = figures(base, framework);
    const after = figures(head, framework);
    return { framework, base: before, head: after, changed: !sameJson(before, after) };
  });

  const controls: ControlChange[] = [];
  for (const framework of new Set([...frameworkIds, ...base.controls.keys(), ...head.controls.keys()])) {
    const before = base.controls.get(framework) ?? new Map<string, ControlState>();
    const after = head.controls.get(framework) ?? new Map<string, ControlState>();
    const ids = [...new Set([...before.keys(), ...after.keys()])].sort(compareCodeUnits);
    for (const control of ids) {
      const b = state(before.get(control));
      const a = state(after.get(control));
      if (b?.status === a?.status) continue;
      const title = (after.get(control) ?? before.get(control))!.title;
      const redacted = (s: { status: string; reason: string } | null): { status: string; reason: string } | null =>
        s ? { status: s.status, reason: redact(s.reason) } : null;
      controls.push({ framework, control, title, base: redacted(b), head: redacted(a) });
    }
  }

  const redactItem = (item: PoamEntry): PoamEntry => ({ ...item, weakness: redact(item.weakness), assets: item.assets.map(redact) });
  const byId = (a: PoamEntry, b: PoamEntry): number => compareCodeUnits(a.id, b.id) || compareCodeUnits(a.weakness, b.weakness);
  const opening = [...head.poam].filter(([key]) => !base.poam.has(key)).map(([, item]) => redactItem(item));
  const closing = [...base.poam].filter(([key]) => !head.poam.has(key)).map(([, item]) => redactItem(item));

  const statements: StatementChange[] = [];
  const definitions = [...new Set([...base.ssp.keys(), ...head.ssp.keys()])].sort(compareCodeUnits);
  for (const definition of definitions) {
    const before = base.ssp.get(definition);
    const after = head.ssp.get(definition);
    const sections = [...new Set([...(before?.sections.keys() ?? []), ...(after?.sections.keys() ?? [])])];
    for (const control of sections) {
      const diff = unifiedDiff(redact(before?.sections.get(control) ?? ''), redact(after?.sections.get(control) ?? ''));
      if (diff !== '') statements.push({ definition, framework: (after ?? before)!.framework, control, diff });
    }
  }

  const warningKey = (w: WarningEntry): string => `${w.file}\u0000${w.code}\u0000${w.message}`;
  const known = new Set(base.warnings.map(warningKey));
  const newWarnings = head.warnings
    .filter((w) => !known.has(warningKey(w)))
    .map((w) => ({ ...w, message: redact(w.message) }))
    .sort((a, b) => compareCodeUnits(a.file, b.file) || a.line - b.line || compareCodeUnits(a.message, b.message));

  const poam = { opening: opening.sort(byId), closing: closing.sort(byId) };
  const changed =
    frameworks.some((f) => f.changed) || controls.length > 0 || opening.length > 0 || closing.length > 0 || statements.length > 0 || newWarnings.length > 0;
  return {
    format: 'infracast-diff/1',
    workspace: meta.workspace,
    base: meta.base,
    head: meta.head,
    at: meta.at,
    changed,
    cui: { classified: base.cui || head.cui, comment_authorised: commentAuthorised(base.raw) && commentAuthorised(head.raw) },
    frameworks,
    controls,
    poam,
    statements,
    new_warnings: newWarnings,
  };
}
