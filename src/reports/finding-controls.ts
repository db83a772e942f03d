/**
 * Which controls of each evaluated framework an open FAIL finding fails, by finding identity, in
 * catalog order: read from the evaluations themselves, so a report names exactly the controls the
 * evaluation charged the finding to (mappings, crosswalks and exceptions applied).
 */
import type { FrameworkEvaluation } from '../model/evaluation.js';

export type ControlsByFramework = Map<string, string[]>;

export function controlsByIdentity(evaluations: readonly FrameworkEvaluation[]): Map<string, ControlsByFramework> {
  const map = new Map<string, ControlsByFramework>();
  for (const evaluation of evaluations) {
    for (const result of evaluation.results) {
      for (const f of result.findings) {
        if (f.result !== 'FAIL' || f.state !== 'open') continue;
        let perFramework = map.get(f.identity);
        if (!perFramework) map.set(f.identity, (perFramework = new Map()));
        const ids = perFramework.get(evaluation.framework);
        if (!ids) perFramework.set(evaluation.framework, [result.control.id]);
        else if (ids.at(-1) !== result.control.id && !ids.includes(result.control.id)) ids.push(result.control.id);
      }
    }
  }
  // Findings of one rule fail the same controls: they share one value (100,000 findings hold a
  // handful of distinct values, not 100,000 maps; the XLSX bench's memory bound depends on it).
  const shared = new Map<string, ControlsByFramework>();
  for (const [identity, perFramework] of map) {
    const key = [...perFramework].map(([framework, ids]) => `${framework}\0${ids.join('\0')}`).join('\n');
    const same = shared.get(key);
    if (same) map.set(identity, same);
    else shared.set(key, perFramework);
  }
  return map;
}

const texts = new WeakMap<ControlsByFramework, string>();
/** "nist-800-53: AC-2, AC-3; nist-800-171: 3.1.1" for one finding's controls (one string per shared value). */
export function findingControlsText(controls: ControlsByFramework | undefined): string {
  if (!controls) return '';
  let text = texts.get(controls);
  if (text === undefined) texts.set(controls, (text = [...controls].map(([framework, ids]) => `${framework}: ${ids.join(', ')}`).join('; ')));
  return text;
}

/** "nist-800-53: AC-2, AC-3; nist-800-171: 3.1.1": the controls of several findings, per framework in the evaluations' order. */
export function controlsText(
  identities: Iterable<string>,
  controls: ReadonlyMap<string, ControlsByFramework>,
  evaluations: readonly FrameworkEvaluation[],
): string {
  const wanted = new Map<string, Set<string>>();
  for (const identity of identities) {
    for (const [framework, ids] of controls.get(identity) ?? []) {
      const set = wanted.get(framework) ?? new Set<string>();
      for (const id of ids) set.add(id);
      wanted.set(framework, set);
    }
  }
  return evaluations
    .filter((e) => wanted.has(e.framework))
    .map(
      (e) =>
        `${e.framework}: ${e.results
          .map((r) => r.control.id)
          .filter((id) => wanted.get(e.framework)!.has(id))
          .join(', ')}`,
    )
    .join('; ');
}
